"""File watching: watchdog's events on the site's sources, classified and handed to the preview's event loop."""
from __future__ import annotations

import os

from livereload.watcher import Watcher
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from zwgk.base import search_runtime
from zwgk.commands.serve.changes import classify
from zwgk.commands.serve.preview import Preview

_WATCHED_EVENTS = {"created", "modified", "deleted", "moved", "closed"}   # not opened/closed_no_write: the build reads files
_SAVE_ENDED = {"closed", "moved", "deleted"}


class SourceWatcher(Watcher):
    """livereload's watcher interface backed by watchdog (inotify, FSEvents, Windows events).

    livereload alone polls every 0.8 s and drops a reload that comes within 3 s of the
    previous one; watchdog reports a save within milliseconds and every save counts.
    """

    def __init__(self, preview: Preview, loop: IOLoop, theme_dirs: tuple[str, ...]):
        super().__init__()
        self.preview = preview
        self.loop = loop
        self.theme_dirs = theme_dirs
        self.observer = Observer()
        self._watched: set[str] = set()
        self._source_roots = {os.path.join(preview.site, name) for name in ("catalog", "content", "themes")}

    def start(self, callback=None) -> bool:
        site = self.preview.site
        self.observer.schedule(_Events(self), site, recursive=False)   # site.yaml, and new top folders
        for folder in (*sorted(self._source_roots), *self.theme_dirs, search_runtime()):
            self.add(folder)
        self.observer.daemon = True
        self.observer.start()
        return True        # livereload must not start its own polling

    def add(self, folder: str) -> None:
        folder = os.path.abspath(folder)
        if folder in self._watched or not os.path.isdir(folder):
            return
        if any(folder.startswith(w + os.sep) for w in self._watched):
            return
        self.observer.schedule(_Events(self), folder, recursive=True)
        self._watched.add(folder)

    def examine(self):
        return None, None

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)

    def event(self, event: FileSystemEvent) -> None:
        """In watchdog's thread: hand relevant events to the server's loop."""
        if event.event_type not in _WATCHED_EVENTS or (event.is_directory and event.event_type == "modified"):
            return
        paths = [os.fsdecode(event.src_path)]
        if event.event_type == "moved":
            paths.append(os.fsdecode(event.dest_path))
        for path in paths:
            if event.is_directory and path in self._source_roots:
                self.loop.add_callback(self.add, path)     # catalog/ or content/ made after the start
            change = classify(self.preview.site, path, self.theme_dirs)
            if change is not None:
                self.loop.add_callback(self.preview.changed, change, event.event_type in _SAVE_ENDED)


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: SourceWatcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher.event(event)
