"""The styled 404 pages: a web server shows them at any missing address, however deep, and
they still look like the site, search it and lead back to it."""
from __future__ import annotations

import functools
import http.server
import os
import threading

import pytest

from browser import chromium, demo_site  # noqa: F401
from memory import build_in_memory, site_files


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Like the nginx configuration in docs/deploy.md: a missing address under a county gets
    that county's 404.html, any other the portal's, with the status 404."""

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        first = self.path.lstrip("/").split("/", 1)[0]
        page = os.path.join(self.directory, first, "404.html")
        if not os.path.isfile(page):
            page = os.path.join(self.directory, "404.html")
        with open(page, "rb") as fh:
            body = fh.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(demo_site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=demo_site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("missing, home", [("linjiang/catalog/czyjs/no/such/page.html", "linjiang/index.html"),
                                           ("no-such-county/x.html", "index.html")])
def test_a_missing_address_at_any_depth_shows_the_styled_page_that_leads_back(chromium, server, missing, home):
    page = chromium.new_page()
    response = page.goto(server + missing)
    assert response.status == 404
    assert page.locator("h1").inner_text() == "页面不存在"
    # The stylesheet loaded from the site's folder, not from the missing address's.
    assert page.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.get_by_role("main").get_by_role("link", name="首页", exact=True).click()
    page.wait_for_load_state("load")
    assert page.url == server + home
    page.goto(server + missing)
    page.fill("#q-top", "预算")
    page.press("#q-top", "Enter")
    page.wait_for_selector("#search-results li")
    assert page.url.startswith(server + home.replace("index.html", "search.html"))
    page.close()


def test_under_a_subpath_the_404_pages_start_their_links_from_it():
    files = site_files({"site.yaml": site_files()["site.yaml"].replace(
        "base_url: https://zwgk.test.example.gov.cn/", "base_url: https://www.test.example.gov.cn/zwgk/")})
    pages = build_in_memory(files).pages
    assert '<base href="/zwgk/jia/">' in pages["jia/404.html"]
    assert '<base href="/zwgk/">' in pages["404.html"]
    assert "<base " not in pages["jia/index.html"]
