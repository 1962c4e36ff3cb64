"""`zwgk serve`: build, serve the output folder, rebuild on every saved change, reload the browser.

The HTTP server, the browser's reload channel (WebSocket) and its script are livereload's;
file events come from watchdog instead of livereload's 0.8 s polling (see `SourceWatcher`).
Saves are debounced, each change is classified, the build runs in a worker thread while
requests wait for it, and the browser is told to reload once the new site is in place.
When a build fails the last good site stays up, and every HTML page sent carries the errors
in an overlay put into the HTML by the server, so it shows without any script.
"""
from __future__ import annotations

import asyncio
import gc
import html
import os
import posixpath
import re
import signal
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import jinja2
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import httpserver, netutil, web
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from zwgk.build import BuildResult, build_site, warm_up
from zwgk.base import BuildCancelled, ContentErrors, Problem, format_report
from zwgk.base import default_theme, search_runtime
from zwgk.source import keep_parsed

DEBOUNCE = 0.1          # seconds of quiet after the last event before building
SETTLED = 0.02          # ... after an event that ends a save (file closed after writing, renamed into place)
DEBOUNCE_MAX = 0.5      # ... but never more than this after the first event
LOOPBACK = ("127.0.0.1", "localhost", "::1")

# Editors' temporary and backup files: saving through them must not build twice.
_TEMP_FILE = re.compile(r"(^\.|~$|^#.*#$|\.(swp|swx|swo|tmp|bak|part|crdownload)$|^4913$|___jb_(tmp|old)___$)")
_WATCHED_EVENTS = {"created", "modified", "deleted", "moved", "closed"}   # not opened/closed_no_write: the build reads files
_SAVE_ENDED = {"closed", "moved", "deleted"}
_COUNTY_KINDS = {"catalog", "document", "page", "attachment"}


# --- what a change is -------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Change:
    path: str        # site-relative posix path, or an absolute one for the default theme
    kind: str        # config | catalog | document | page | attachment | template | static
    county: str = ""

    def describe(self) -> str:
        kinds = {"config": "站点配置", "catalog": "目录", "document": "政府信息", "page": "页面",
                 "attachment": "附件", "template": "模板", "static": "样式和脚本"}
        where = f"·{self.county}" if self.county else ""
        return f"{self.path}（{kinds[self.kind]}{where}）"


_THEME_PARTS = {"templates": "template", "static": "static"}


def classify(site: str, path: str, theme_dirs: tuple[str, ...] = ()) -> Change | None:
    """What a changed file is to the site, or None when it does not matter to the build.

    theme_dirs are themes outside the site folder (the default theme of an installed zwgk).
    """
    path = os.path.abspath(path)
    if _TEMP_FILE.search(os.path.basename(path)):
        return None
    for theme in theme_dirs:
        if path.startswith(theme + os.sep):
            kind = _THEME_PARTS.get(os.path.relpath(path, theme).split(os.sep)[0])
            return Change(_shown_path(site, path), kind) if kind else None
    if os.path.dirname(path) == search_runtime() and path.endswith(".js"):
        return Change(_shown_path(site, path), "static")
    rel = os.path.relpath(path, site)
    if rel.startswith(".." + os.sep) or rel == "..":
        return None
    parts = rel.split(os.sep)
    if any(p.startswith(".") for p in parts):
        return None
    rel = "/".join(parts)
    if parts == ["site.yaml"]:
        return Change(rel, "config")
    if parts[0] == "themes" and len(parts) >= 4 and parts[2] in _THEME_PARTS:
        return Change(rel, _THEME_PARTS[parts[2]])
    if parts[0] == "catalog" and len(parts) == 3 and parts[2].endswith((".yaml", ".yml")):
        return Change(rel, "catalog", parts[1])
    if parts[0] == "catalog" and len(parts) == 2:          # a county folder added or removed: the whole site
        return Change(rel, "catalog")
    if parts[0] == "content" and len(parts) >= 3:
        if parts[1] == "pages":
            return Change(rel, "page") if rel.endswith(".md") else None
        section = parts[2]
        if section == "docs" and rel.endswith(".md"):
            return Change(rel, "document", parts[1])
        if section == "pages" and rel.endswith(".md"):
            return Change(rel, "page", parts[1])
        if section == "files":
            return Change(rel, "attachment", parts[1])
    if parts[0] in ("catalog", "content") and len(parts) <= 2:
        return Change(rel, "catalog" if parts[0] == "catalog" else "document")
    return None


def _shown_path(site: str, path: str) -> str:
    rel = os.path.relpath(path, site)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


# --- the errors overlay -----------------------------------------------------------------

_BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.I)
OVERLAY_ID = "zwgk-build-errors"


def overlay_html(problems: list[Problem], texts: dict[str, str], has_site: bool = True) -> str:
    """The errors as a box at the top of the page, styled inline (it must not depend on the theme)."""
    errors = [p for p in sorted(problems) if p.severity == "error"] or sorted(problems)
    items = []
    for p in errors:
        source = ""
        lines = (texts.get(p.path) or "").splitlines()
        if p.line and 0 < p.line <= len(lines):
            source = (f'<pre style="margin:.3em 0 0;padding:.3em .5em;background:#fff;border:1px solid #e0b4b4;'
                      f'white-space:pre-wrap;font:14px/1.5 monospace">{_marked(lines[p.line - 1], p.col)}</pre>')
        hint = f'<br><span style="color:#444">提示：{html.escape(p.hint)}</span>' if p.hint else ""
        items.append(f'<li style="margin:.6em 0"><code style="font-weight:bold">{html.escape(p.location())}</code>'
                     f"：{html.escape(p.message)}{hint}{source}</li>")
    return (
        f'<div id="{OVERLAY_ID}" role="alert" style="position:sticky;top:0;z-index:2147483647;max-height:70vh;'
        'overflow:auto;margin:0;padding:.8em 1.2em;background:#fff5f5;color:#5a0000;border-bottom:4px solid #c00;'
        'font:16px/1.6 system-ui,sans-serif;text-align:left;box-shadow:0 2px 8px rgba(0,0,0,.3)">'
        f'<details open><summary style="cursor:pointer;font-size:1.15em;font-weight:bold">'
        + (f"网站没有更新：发现 {len(errors)} 个错误（下面仍是上一次成功生成的网站）" if has_site
           else f"网站还不能生成：发现 {len(errors)} 个错误") + "</summary>"
        '<p style="margin:.4em 0">请按提示修改文件并保存，改好后页面会自动刷新。</p>'
        f'<ol style="margin:0;padding-left:1.5em">{"".join(items)}</ol></details></div>'
    )


def _marked(line: str, col: int) -> str:
    """The source line with the offending value marked, from its column to the next delimiter."""
    if not 0 < col <= len(line):
        return html.escape(line)
    start = col - 1
    end = next((i for i in range(start + 1, len(line)) if line[i] in " ,]}#:"), len(line))
    return (html.escape(line[:start]) + '<mark style="background:#ffd6d6;color:inherit;text-decoration:underline wavy #c00">'
            + html.escape(line[start:end]) + "</mark>" + html.escape(line[end:]))


def inject_overlay(page: bytes, overlay: str) -> bytes:
    """Put the overlay first in <body>, before anything the page would run or show."""
    block = overlay.encode("utf-8")
    match = _BODY_OPEN.search(page)
    if match:
        return page[:match.end()] + block + page[match.end():]
    return block + page


def placeholder_page(title: str) -> bytes:
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>' + html.escape(title) +
            '</title></head><body><p style="font:16px system-ui,sans-serif;padding:1em">' + html.escape(title) +
            "</p></body></html>").encode("utf-8")


# --- building -----------------------------------------------------------------------------

@dataclass
class Outcome:
    ok: bool
    seconds: float
    result: BuildResult | None = None
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    cancelled: bool = False            # stopped for a newer save, whose build takes over


class Preview:
    """The state the server shares between the builder and the request handlers."""

    def __init__(self, site: str, out_dir: str, build: Callable[..., BuildResult] = build_site,
                 log: Callable[[str], None] = print):
        self.site = os.path.abspath(site)
        self.out = os.path.abspath(out_dir)
        self.build_fn = build
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
        started = time.perf_counter()
        try:
            extra = {"defer_producers": True} if pages_only else {"cancelled": self._newer_save.is_set}
            result = self.build_fn(self.site, self.out, counties=counties, **extra)
        except BuildCancelled:
            return Outcome(True, time.perf_counter() - started, cancelled=True)
        except ContentErrors as exc:
            return Outcome(False, time.perf_counter() - started, problems=exc.problems, texts=exc.texts)
        except jinja2.TemplateError as exc:
            problem, texts = self._template_problem(exc)
            return Outcome(False, time.perf_counter() - started, problems=[problem], texts=texts)
        except Exception as exc:  # a bug must not stop the preview; the terminal gets the traceback
            traceback.print_exc()
            problem = Problem("", 0, 0, f"生成网站时出错：{type(exc).__name__}: {exc}", "这可能是 zwgk 的缺陷；终端里有详细信息")
            return Outcome(False, time.perf_counter() - started, problems=[problem])
        return Outcome(True, time.perf_counter() - started, result, problems=list(result.problems))

    def warm_up(self) -> None:
        """Read ahead, in the build thread, what the first save's build will need."""
        def run() -> None:
            try:
                warm_up(self.site, self.out)
            except Exception:  # noqa: BLE001 - only a head start; the build reports any problem
                pass
        self._executor.submit(run)

    def _template_problem(self, exc: jinja2.TemplateError) -> tuple[Problem, dict[str, str]]:
        filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None) or 0
        if not filename:   # an error while rendering: the template's frame is in the traceback
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml"))]
            if frames:
                filename, line = frames[-1].filename, frames[-1].lineno or 0
        path = _shown_path(self.site, filename) if filename and os.path.isabs(filename) else (filename or "模板")
        message = getattr(exc, "message", None) or str(exc)
        texts = {}
        if filename and os.path.isfile(filename):
            with open(filename, encoding="utf-8", errors="replace") as fh:
                texts[path] = fh.read()           # to show the offending line
        return (Problem(path, line, 1 if line else 0, f"模板错误：{message}", "请检查模板中的变量名和 {% %} 标记是否成对"),
                texts)

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


# --- serving ------------------------------------------------------------------------------

_UNSAFE_SEGMENTS = {"..", "."}


def is_safe_url_path(path: str) -> bool:
    """A decoded URL path that stays inside the output folder (no .., no backslash, no NUL, no drive)."""
    if "\\" in path or "\x00" in path or path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return False
    return not any(segment in _UNSAFE_SEGMENTS for segment in path.split("/"))


class PreviewFileHandler(StaticFileHandler):
    """livereload's static handler, answering 404 for anything outside the output and adding the overlay."""
    preview: Preview

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")     # a preview must never show a cached page

    def compute_etag(self) -> None:
        return None                                      # nothing is cached, so no validators either

    async def get(self, path: str, include_body: bool = True) -> None:
        await self.preview.ready()
        if not is_safe_url_path(path):
            raise web.HTTPError(404)
        self.path = self.parse_url_path(path)
        absolute = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
        if absolute is None:           # redirected to the folder's trailing slash
            return
        if absolute.endswith(".html") and self.preview.problems:
            with open(absolute, "rb") as fh:
                page = inject_overlay(fh.read(), overlay_html(self.preview.problems, self.preview.texts))
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            if include_body:
                self.write(page)
            return
        await super().get(path, include_body)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        try:
            return super().validate_absolute_path(root, absolute_path)
        except web.HTTPError as exc:
            if exc.status_code == 403:     # outside the output, or not a file: it simply is not there
                raise web.HTTPError(404) from None
            raise

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        title = "找不到这个页面" if status_code == 404 else f"出错了（{status_code}）"
        page = placeholder_page(title)
        if self.preview.problems:
            has_site = os.path.isfile(os.path.join(self.preview.out, "index.html"))
            page = inject_overlay(page, overlay_html(self.preview.problems, self.preview.texts, has_site))
        self.finish(page)


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


# The same snippet livereload injects: livereload.js from this server, whatever name the page was opened by.
LIVE_SCRIPT = (b'<script>(function(){var s=document.createElement("script");'
               b'var port=(window.location.port||(window.location.protocol=="https:"?443:80));'
               b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
               b'document.head.appendChild(s);})();</script>')


def make_app(preview: Preview) -> web.Application:
    handler = type("Handler", (PreviewFileHandler,), {"preview": preview})

    class Transform(LiveScriptInjector):
        script = LIVE_SCRIPT

    return web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/forcereload", ForceReloadHandler),
        (r"/livereload.js", LiveReloadJSHandler),
        (r"/(.*)", handler, {"path": preview.out, "default_filename": "index.html"}),
    ], transforms=[Transform], log_function=_quiet)


def _quiet(handler: web.RequestHandler) -> None:
    """Requests are not logged: the terminal is for the editor's changes and errors."""


def serve(site: str, host: str = "127.0.0.1", port: int = 8000, out_dir: str | None = None,
          log: Callable[[str], None] | None = None) -> int:
    """Build, then serve and rebuild until interrupted. Returns the exit code."""
    log = log or (lambda line: print(line, flush=True))
    try:   # the port first: a taken port is said at once, not after a long first build
        sockets = netutil.bind_sockets(port, address=host)
    except OSError as exc:
        log(f"zwgk: 无法在 {host}:{port} 上启动预览（{exc.strerror}）；端口可能已被占用，请用 --port 换一个")
        return 2
    preview = Preview(site, out_dir or os.path.join(site, "public"), log=log)
    log("正在生成网站……")
    outcome = preview.build()
    preview.accept(outcome)
    keep_parsed(2000)        # from now on: a few counties' catalogs and documents
    preview.warm_up()
    if outcome.ok:
        log(f"已生成：渲染 {outcome.result.pages} 个页面，用时 {outcome.seconds:.1f} 秒。")
        if outcome.problems:
            log(format_report(outcome.problems))
    else:
        log("生成失败（浏览器中会显示这些错误，改好后自动刷新）：\n" + format_report(outcome.problems, outcome.texts))
    try:
        asyncio.run(_serve_forever(preview, sockets, host, log))
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
    log("已停止预览。")
    return 0


async def _serve_forever(preview: Preview, sockets, host: str, log: Callable[[str], None]) -> None:
    server = httpserver.HTTPServer(make_app(preview))
    server.add_sockets(sockets)
    watcher = SourceWatcher(preview, IOLoop.current(), _theme_dirs(preview.site))
    LiveReloadHandler.watcher = watcher
    watcher.start()
    port = sockets[0].getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    log(f"预览地址：http://{shown_host}:{port}/   （保存文件后浏览器自动刷新；按 Ctrl+C 停止）")
    if host not in LOOPBACK:
        log(f"注意：预览对其他电脑开放（--host {host}），只应在可信的网络中这样做。")
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stopped.set)
        except (NotImplementedError, RuntimeError):   # Windows: Ctrl+C arrives as KeyboardInterrupt
            pass
    try:
        await stopped.wait()
    finally:
        watcher.stop()
        server.stop()


def _theme_dirs(site: str) -> tuple[str, ...]:
    """Themes outside the site folder to watch: the default theme, when zwgk is not inside the site."""
    default = os.path.abspath(default_theme())
    return () if default.startswith(os.path.abspath(site) + os.sep) else (default,)
