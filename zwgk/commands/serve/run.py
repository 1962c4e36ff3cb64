"""`zwgk serve` itself: take the port, build once, then serve and watch until interrupted."""
from __future__ import annotations

import asyncio
import os
import signal
from typing import Callable

from livereload.handlers import LiveReloadHandler
from tornado import httpserver, netutil
from tornado.ioloop import IOLoop

from zwgk.base import default_theme, format_report
from zwgk.commands.serve.app import make_app
from zwgk.commands.serve.preview import Preview
from zwgk.commands.serve.watch import SourceWatcher

LOOPBACK = ("127.0.0.1", "localhost", "::1")


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
    preview.cache.parsed.capacity = 2000      # from now on: a few counties' catalogs and documents
    preview.cache.extracted.capacity = 2000   # and their attachments' text
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
