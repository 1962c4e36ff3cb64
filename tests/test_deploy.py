"""The site behind the security headers that docs/deploy.md tells a county to configure:
pages, search and 长辈模式 work, and Chromium reports no Content-Security-Policy violation."""
from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from contextlib import contextmanager

import pytest

from browser import DESKTOP, chromium, demo_site, page_kinds  # noqa: F401
from conftest import REPO

pytestmark = pytest.mark.browser

DEPLOY_DOC = os.path.join(REPO, "docs", "deploy.md")


def documented_headers() -> dict[str, str]:
    """The `add_header NAME "VALUE" always;` lines of the documented nginx header snippet."""
    text = open(DEPLOY_DOC, encoding="utf-8").read()
    snippet = text.split("zwgk-headers.conf`", 1)[1].split("```nginx", 1)[1].split("```", 1)[0]
    headers = dict(re.findall(r'^add_header ([\w-]+) "([^"]*)" always;$', snippet, re.M))
    assert "Content-Security-Policy" in headers, "docs/deploy.md must document the CSP"
    return headers


def test_documented_csp_allows_nothing_from_another_host_and_no_inline_code():
    csp = documented_headers()["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    for name, sources in directives.items():
        assert "unsafe" not in sources and "http" not in sources and "*" not in sources, (name, sources)


@contextmanager
def served_with_headers(folder: str, headers: dict[str, str]):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            for name, value in headers.items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# Collects every violation the page reports, from the first script on.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
    e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


def test_every_page_search_and_elder_mode_work_under_the_documented_csp(chromium, demo_site):
    headers = documented_headers()
    with served_with_headers(demo_site, headers) as url:
        context = chromium.new_context(viewport={"width": DESKTOP, "height": 900})
        context.add_init_script(RECORD_VIOLATIONS)
        console: list[str] = []
        page = context.new_page()
        page.on("console", lambda m: console.append(m.text))
        page.on("pageerror", lambda e: console.append(str(e)))
        try:
            for kind in page_kinds():
                response = page.goto(url + kind.path + kind.query)
                assert response.headers["content-security-policy"] == headers["Content-Security-Policy"]
                if kind.ready:
                    page.wait_for_selector(kind.ready, timeout=10000)
                page.wait_for_load_state("load")
                assert page.evaluate("window.__cspViolations") == [], kind.name
                if kind.name == "search":
                    assert page.locator("#search-results li").count() > 0, "search finds results under the CSP"
            page.goto(url + page_kinds()[1].path)
            page.get_by_role("button", name="长辈模式", exact=True).click()
            assert page.evaluate("document.documentElement.classList.contains('elder')")
            page.reload()
            assert page.evaluate("document.documentElement.classList.contains('elder')"), "remembered"
            assert page.evaluate("window.__cspViolations") == []
        finally:
            context.close()
    assert not [m for m in console if "Content Security Policy" in m or "Refused" in m], console
