"""HTTP serving: the output folder and nothing outside it, never cached, with the errors overlay and livereload's reload channel."""
from __future__ import annotations

import os
import re

from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from tornado import web

from zwgk.commands.serve.overlay import inject_overlay, overlay_html, placeholder_page
from zwgk.commands.serve.preview import Preview

_UNSAFE_SEGMENTS = {"..", "."}

# The same snippet livereload injects: livereload.js from this server, whatever name the page was opened by.
LIVE_SCRIPT = (b'<script>(function(){var s=document.createElement("script");'
               b'var port=(window.location.port||(window.location.protocol=="https:"?443:80));'
               b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
               b'document.head.appendChild(s);})();</script>')


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
