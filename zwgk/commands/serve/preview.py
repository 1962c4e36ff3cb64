"""Rebuild scheduling: `Preview` debounces saves, builds in a worker thread while requests wait, then reloads the browsers."""
from __future__ import annotations

import asyncio
import functools
import gc
import os
import posixpath
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Callable

from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop

from zwgk.base import Problem, format_report
from zwgk.build import BuildCache, BuildResult, build_site, warm_up
from zwgk.commands.serve.changes import Change
from zwgk.commands.serve.outcome import Outcome, build_outcome

DEBOUNCE = 0.1          # seconds of quiet after the last event before building
SETTLED = 0.02          # ... after an event that ends a save (file closed after writing, renamed into place)
DEBOUNCE_MAX = 0.5      # ... but never more than this after the first event

_COUNTY_KINDS = {"catalog", "document", "page", "attachment"}


class Preview:
    """The state the server shares between the builder and the request handlers."""

    def __init__(self, site: str, out_dir: str, build: Callable[..., BuildResult] | None = None,
                 log: Callable[[str], None] = print):
        self.site = os.path.abspath(site)
        self.out = os.path.abspath(out_dir)
        # What one build leaves the next (hashes, manifests, decoded counties, the compiled
        # theme): kept for the whole preview, so a save re-does only what it changed.
        self.cache = BuildCache()
        self.build_fn = build or functools.partial(build_site, cache=self.cache)
        self.log = log
        self.problems: list[Problem] = []      # errors of the last build; empty once it succeeds
        self.texts: dict[str, str] = {}
        self._idle: asyncio.Event | None = None
        self._pending: dict[str, Change] = {}
        self._first_event = 0.0
        self._timer = None
        self._running = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zwgk-build")
        # Set when a save comes in while downloads and search indexes are being made: that
        # pass stops at its next step, so the new save's pages need not wait for it.
        self._newer_save = threading.Event()
        # Saves whose pages are live but whose downloads pass was cut short: the next build
        # makes them again, without reloading the browser for them.
        self._unfinished: dict[str, Change] = {}

    def counties_to_build(self, changes: list[Change]) -> tuple[str, ...]:
        """The counties a set of changes is confined to, or () when the whole site must be built.

        A county-only build reads and fingerprints only that county (the others are carried
        over as they are). After a failed build everything is built again, so that errors in
        another county cannot disappear from the overlay unnoticed.
        """
        if not changes or self.problems or any(c.kind not in _COUNTY_KINDS or not c.county for c in changes):
            return ()
        return tuple(sorted({c.county for c in changes}))

    # Called in the build thread (or directly, for the first build).
    def build(self, counties: tuple[str, ...] = (), pages_only: bool = False) -> Outcome:
        extra = {"defer_producers": True} if pages_only else {"cancelled": self._newer_save.is_set}
        return build_outcome(lambda: self.build_fn(self.site, self.out, counties=counties, **extra), self.site)

    def warm_up(self) -> None:
        """Read ahead, in the build thread, what the first save's build will need."""
        def run() -> None:
            try:
                warm_up(self.site, self.out, self.cache)
            except Exception:  # noqa: BLE001 - only a head start; the build reports any problem
                pass
        self._executor.submit(run)

    def accept(self, outcome: Outcome) -> None:
        """Make a finished build's outcome what the server shows from now on."""
        if outcome.ok:
            self.problems, self.texts = [], {}
        else:
            self.problems, self.texts = [p for p in outcome.problems if p.severity == "error"] or outcome.problems, outcome.texts

    # --- in the server's event loop --------------------------------------------------------

    async def ready(self) -> None:
        """Wait while a build is running, so no request sees half a site."""
        if self._idle is not None:
            await self._idle.wait()

    def changed(self, change: Change, settled: bool = False) -> None:
        """A file changed: build once things have been quiet for DEBOUNCE seconds, or SETTLED
        seconds when the event says the save is complete (the editor closed or renamed the file)."""
        loop = IOLoop.current()
        now = loop.time()
        if not self._pending:
            self._first_event = now
        self._pending[change.path] = change
        self._newer_save.set()
        if self._timer is not None:
            loop.remove_timeout(self._timer)
        quiet = SETTLED if settled else DEBOUNCE
        self._timer = loop.call_at(min(now + quiet, self._first_event + DEBOUNCE_MAX), self._start)

    def _start(self) -> None:
        self._timer = None
        if not self._running:
            IOLoop.current().spawn_callback(self._run)

    async def _run(self) -> None:
        self._running = True
        if self._idle is None:
            self._idle = asyncio.Event()
            self._idle.set()
        try:
            while self._pending and self._timer is None:
                changes = sorted(self._pending.values())
                self._pending = {}
                self._newer_save.clear()
                unfinished, self._unfinished = list(self._unfinished.values()), {}
                counties = self.counties_to_build(changes + unfinished)
                self._idle.clear()
                # The collector waits until the browsers are told: a full collection of what the
                # server keeps between builds took 70 ms of a city's reload when it ran at the
                # end of the build.
                collecting = gc.isenabled()
                gc.disable()
                try:
                    try:
                        # Pages first, so the browser reloads as soon as what the editor sees is ready.
                        outcome = await IOLoop.current().run_in_executor(self._executor, self.build, counties, True)
                        self.accept(outcome)
                    finally:
                        self._idle.set()
                    self._report(changes, outcome)
                    # Always: another `zwgk build` of the same output may have written the change already.
                    reload_browsers(changes, outcome)
                finally:
                    if collecting:
                        gc.enable()
                if outcome.ok and self._pending:
                    # A newer save came in: its build makes these counties' downloads too.
                    self._leave_unfinished(changes + unfinished)
                elif outcome.ok:
                    # Then downloads, search indexes and zips, without holding requests: the
                    # pages they would see are already the new ones, and the swap is atomic.
                    rest = await IOLoop.current().run_in_executor(self._executor, self.build, counties)
                    if rest.cancelled:
                        self._leave_unfinished(changes + unfinished)   # as above
                    elif not rest.ok:
                        self.accept(rest)
                        self._report(changes, rest)
                        reload_browsers(changes, rest)
        finally:
            self._running = False

    def _leave_unfinished(self, changes: list[Change]) -> None:
        for change in changes:
            self._unfinished.setdefault(change.path, change)

    def _report(self, changes: list[Change], outcome: Outcome) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        what = "、".join(c.describe() for c in changes[:3]) + (f" 等 {len(changes)} 个文件" if len(changes) > 3 else "")
        if outcome.ok:
            r = outcome.result
            warn = f"，{len(outcome.problems)} 个警告" if outcome.problems else ""
            self.log(f"[{stamp}] {what} 已保存 → 已更新：渲染 {r.pages} 个页面，写入 {r.written} 个文件，"
                     f"用时 {outcome.seconds * 1000:.0f} ms{warn}")
        else:
            self.log(f"[{stamp}] {what} 已保存 → 生成失败，浏览器中显示的仍是上一次成功生成的网站：\n"
                     + format_report(outcome.problems, outcome.texts))

    def close(self) -> None:
        self._executor.shutdown(wait=True)


def reload_browsers(changes: list[Change], outcome: Outcome) -> None:
    """Tell every connected browser to reload; a stylesheet-only change is swapped in place."""
    paths = [c.path for c in changes]
    only_css = outcome.ok and all(c.kind == "static" and c.path.endswith(".css") for c in changes)
    LiveReloadHandler.reload_waiters(posixpath.basename(paths[0]) if only_css and len(paths) == 1 else "*")
