"""`zwgk serve` driven as an editor uses it: save, wait for the browser's reload signal, look."""
from __future__ import annotations

import asyncio
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from tornado.websocket import websocket_connect

from conftest import REPO, minimal_site, write_files
from zwgk.commands.serve import Change, classify, inject_overlay, is_safe_url_path, overlay_html
from zwgk.base.errors import Problem

DOMAIN = "catalog/jia/czyjs.yaml"
DOMAIN_PAGE = "jia/catalog/czyjs/index.html"
ITEM_PAGE = "jia/catalog/items/czyjs-ys-01.html"
WAIT = 60     # seconds: only a guard against hanging, never a measured figure


class Server:
    """A real `zwgk serve` process on a port the test chose."""

    def __init__(self, site: str):
        self.site = site
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "zwgk", "serve", site, "--port", str(self.port)],
            cwd=REPO, env={**os.environ, "PYTHONPATH": REPO, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        while True:
            line = self.lines.get(timeout=WAIT)
            if line.startswith("预览地址"):
                assert f"http://127.0.0.1:{self.port}/" in line
                break

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=WAIT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def raw_status(self, raw_path: str) -> int:
        """A request whose path is sent exactly as written (no client-side normalising)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        conn.putrequest("GET", raw_path, skip_accept_encoding=True)
        conn.endheaders()
        status = conn.getresponse().status
        conn.close()
        return status

    def save_and_wait_for_reload(self, rel: str, text: str) -> dict:
        """Save a file the way an editor does and wait for the reload message browsers get."""
        return asyncio.run(self._save_and_wait(rel, text))

    async def _save_and_wait(self, rel: str, text: str) -> dict:
        ws = await websocket_connect(f"ws://127.0.0.1:{self.port}/livereload")
        await ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        assert json.loads(await ws.read_message())["command"] == "hello"
        await ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{self.port}/"}))
        await asyncio.sleep(0.05)      # let the server register this browser before the save
        write_files(self.site, {rel: text})
        try:
            while True:
                message = json.loads(await asyncio.wait_for(ws.read_message(), WAIT))
                if message.get("command") == "reload":
                    return message
        finally:
            ws.close()

    def stop(self) -> str:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return "".join(self.output)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = write_files(tmp_path_factory.mktemp("serve") / "site", minimal_site())
    running = Server(site)
    yield running
    log = running.stop()
    assert "已停止预览" in log


def test_an_edit_shows_after_the_reload(server):
    status, page = server.get(ITEM_PAGE)
    assert status == 200 and "一般公共预算收入表、支出表" in page
    assert "livereload.js" in page                # the page can hear the reload signal
    text = minimal_site()[DOMAIN].replace("一般公共预算收入表、支出表", "一般公共预算收入表、支出表和调整表")
    message = server.save_and_wait_for_reload(DOMAIN, text)
    assert message["command"] == "reload"
    status, page = server.get(ITEM_PAGE)
    assert status == 200 and "一般公共预算收入表、支出表和调整表" in page
    assert "zwgk-build-errors" not in page
    # The pages come first; the downloads and search index follow without another save.
    deadline = time.monotonic() + WAIT
    while "和调整表" not in server.get("jia/downloads/catalog.csv")[1]:
        assert time.monotonic() < deadline, "the downloads were never brought up to date"
        time.sleep(0.1)


def test_a_broken_file_shows_its_errors_on_every_page_until_fixed(server):
    good = minimal_site()[DOMAIN].replace("一般公共预算收入表、支出表", "收入表第二版")
    server.save_and_wait_for_reload(DOMAIN, good)
    broken = good.replace("channels: [政府网站, 政府公报]", "channels: [政府网占, 政府公报]")
    server.save_and_wait_for_reload(DOMAIN, broken)
    line = broken.splitlines().index("    channels: [政府网占, 政府公报]") + 1
    for path in (ITEM_PAGE, DOMAIN_PAGE, "index.html", "jia/no-such-page.html"):
        status, page = server.get(path)
        assert "zwgk-build-errors" in page, path
        assert f"catalog/jia/czyjs.yaml:{line}:16" in page
        assert "&#x27;政府网占&#x27; 不是标准的公开渠道" in page
    # The overlay comes first in <body>, before the page's own content and scripts.
    _status, page = server.get(ITEM_PAGE)
    assert page.index("zwgk-build-errors") < page.index('<main id="main"')
    assert "收入表第二版" in page                 # the last good site stays up
    server.save_and_wait_for_reload(DOMAIN, good.replace("收入表第二版", "收入表第三版"))
    status, page = server.get(ITEM_PAGE)
    assert status == 200 and "收入表第三版" in page and "zwgk-build-errors" not in page


@pytest.mark.parametrize("raw_path", [
    "/../site.yaml", "/jia/../../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/%2E%2E/site.yaml",
    "/jia/..%2f..%2fsite.yaml", "/..%5csite.yaml", "/jia/%2e%2e%5c%2e%2e%5csite.yaml", "/%00", "/./index.html",
])
def test_paths_outside_the_output_are_not_found(server, raw_path):
    assert server.raw_status(raw_path) == 404


def test_only_the_output_folder_is_served(server):
    assert server.get("index.html")[0] == 200
    assert server.get("site.yaml")[0] == 404
    assert server.get("catalog/jia/czyjs.yaml")[0] == 404


def test_a_second_server_on_a_taken_port_says_so(server):
    result = subprocess.run([sys.executable, "-m", "zwgk", "serve", server.site, "--port", str(server.port)],
                            cwd=REPO, env={**os.environ, "PYTHONPATH": REPO}, capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 2
    assert "端口可能已被占用" in result.stdout + result.stderr


def test_a_site_that_never_built_shows_its_errors(tmp_path):
    files = minimal_site()
    files[DOMAIN] = files[DOMAIN].replace("mode: 主动", "mode: 主动公开", 1)
    site = write_files(tmp_path / "site", files)
    broken = Server(site)
    try:
        for path in ("", "jia/catalog/czyjs/index.html"):
            status, page = broken.get(path)
            assert status == 404 and "zwgk-build-errors" in page
            assert "catalog/jia/czyjs.yaml:" in page and "&#x27;主动公开&#x27; 不是允许的公开方式" in page
        broken.save_and_wait_for_reload(DOMAIN, minimal_site()[DOMAIN])
        status, page = broken.get(ITEM_PAGE)
        assert status == 200 and "zwgk-build-errors" not in page
    finally:
        log = broken.stop()
    assert "生成失败" in log


def test_theme_changes_template_errors_and_stylesheets(tmp_path):
    template = '{% extends "base.html" %}\n{% block content %}\n<h1>本站样式：{{ item.name }}</h1>\n{% endblock %}\n'
    files = {**minimal_site(), "themes/mine/templates/item.html": template, "themes/mine/static/site-extra.css": "h1{}\n"}
    files["site.yaml"] += "theme: mine\n"
    site = write_files(tmp_path / "site", files)
    themed = Server(site)
    try:
        assert "本站样式：一般公共预算" in themed.get(ITEM_PAGE)[1]
        themed.save_and_wait_for_reload("themes/mine/templates/item.html", template.replace("item.name }}", "item.name }"))
        page = themed.get(ITEM_PAGE)[1]
        assert "themes/mine/templates/item.html:3:1" in page and "模板错误" in page
        themed.save_and_wait_for_reload("themes/mine/templates/item.html", template.replace("本站样式", "新样式"))
        page = themed.get(ITEM_PAGE)[1]
        assert "新样式：一般公共预算" in page and "zwgk-build-errors" not in page
        message = themed.save_and_wait_for_reload("themes/mine/static/site-extra.css", "h1{color:#900}\n")
        assert message["path"] == "site-extra.css"       # a stylesheet is swapped in place, no page reload
        assert themed.get("jia/assets/site-extra.css")[1] == "h1{color:#900}"   # served minified
    finally:
        themed.stop()


def test_requests_wait_for_a_running_build(tmp_path):
    """While a build runs, a request is held and then answered from the finished build."""
    from tornado import httpclient, httpserver, netutil
    from zwgk.commands.serve import Preview, make_app

    out = tmp_path / "public"
    out.mkdir()
    (out / "index.html").write_text("<html><head></head><body>旧版</body></html>", encoding="utf-8")
    started, release = threading.Event(), threading.Event()

    class Result:
        pages = written = 1
        problems: list = []

    def slow_build(site, out_dir, counties=(), defer_producers=False):
        started.set()
        release.wait(WAIT)
        (out / "index.html").write_text("<html><head></head><body>新版</body></html>", encoding="utf-8")
        return Result()

    async def scenario() -> str:
        preview = Preview(str(tmp_path), str(out), build=slow_build, log=lambda line: None)
        sockets = netutil.bind_sockets(0, "127.0.0.1")
        server = httpserver.HTTPServer(make_app(preview))
        server.add_sockets(sockets)
        port = sockets[0].getsockname()[1]
        preview.changed(Change("catalog/jia/czyjs.yaml", "catalog", "jia"))
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, started.wait, WAIT)
        fetch = asyncio.ensure_future(httpclient.AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/index.html"))
        await asyncio.sleep(0.3)        # the request is in: if it did not wait it would already be answered
        assert not fetch.done()
        release.set()
        response = await asyncio.wait_for(fetch, WAIT)
        server.stop()
        preview.close()
        return response.body.decode("utf-8")

    assert "新版" in asyncio.run(scenario())


def test_each_change_is_classified(tmp_path):
    site = str(tmp_path)
    def kind(rel):
        change = classify(site, os.path.join(site, *rel.split("/")))
        return change and (change.kind, change.county)
    assert kind("site.yaml") == ("config", "")
    assert kind("catalog/jia/czyjs.yaml") == ("catalog", "jia")
    assert kind("catalog/jia/county.yaml") == ("catalog", "jia")
    assert kind("content/jia/docs/2024-czj-001.md") == ("document", "jia")
    assert kind("content/jia/pages/guide.md") == ("page", "jia")
    assert kind("content/pages/about.md") == ("page", "")
    assert kind("content/jia/files/2024/a.pdf") == ("attachment", "jia")
    assert kind("themes/mine/templates/item.html") == ("template", "")
    assert kind("themes/mine/static/site.css") == ("static", "")
    for ignored in ("public/index.html", ".public.staging/index.html", "catalog/jia/.czyjs.yaml.swp",
                    "catalog/jia/czyjs.yaml~", "catalog/jia/4913", ".git/index", "schemas/site.schema.json",
                    "README.md", "content/jia/docs/notes.txt"):
        assert kind(ignored) is None, ignored
    outside_theme = str(tmp_path.parent / "theme")
    change = classify(site, os.path.join(outside_theme, "templates", "base.html"), (outside_theme,))
    assert change.kind == "template"


def test_a_change_confined_to_counties_builds_only_those(tmp_path):
    from zwgk.commands.serve import Preview
    preview = Preview(str(tmp_path), str(tmp_path / "public"), log=lambda line: None)
    jia = Change("catalog/jia/czyjs.yaml", "catalog", "jia")
    yi_doc = Change("content/yi/docs/a.md", "document", "yi")
    assert preview.counties_to_build([jia]) == ("jia",)
    assert preview.counties_to_build([jia, yi_doc]) == ("jia", "yi")
    for whole in (Change("site.yaml", "config"), Change("themes/x/templates/item.html", "template"),
                  Change("content/pages/about.md", "page"), classify(str(tmp_path), str(tmp_path / "catalog" / "bing"))):
        assert preview.counties_to_build([jia, whole]) == (), whole
    preview.problems = [Problem("catalog/yi/jy.yaml", 3, 5, "错误")]
    assert preview.counties_to_build([jia]) == ()      # after a failure: everything, so no error is lost
    preview.close()


def test_safe_url_paths():
    assert is_safe_url_path("jia/catalog/index.html")
    assert is_safe_url_path("")
    for bad in ("..", "../x", "jia/../../x", "jia/..", "./x", "a\\..\\b", "a\x00b", "/etc/passwd", "C:/x"):
        assert not is_safe_url_path(bad), bad


def test_the_overlay_escapes_what_it_shows():
    problem = Problem("catalog/jia/a.yaml", 3, 5, "'<script>' 不是标准的公开渠道", "请改为 <b>政府网站</b>")
    page = inject_overlay(b"<html><head></head><body class='x'><main>m</main></body></html>",
                          overlay_html([problem], {"catalog/jia/a.yaml": "a\nb\n  x: <script>alert(1)</script>\n"}))
    text = page.decode("utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.index("zwgk-build-errors") > text.index("<body class='x'>")
    assert text.index("zwgk-build-errors") < text.index("<main>")
    assert "catalog/jia/a.yaml:3:5" in text
