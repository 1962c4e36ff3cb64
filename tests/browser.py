"""Browser test kit: the demo site built once, served over HTTP, and opened in Debian's Chromium.

Test modules import the fixtures they use (`from browser import chromium, demo_site, ...`).
"""
from __future__ import annotations

import functools
import http.server
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
AXE_JS = os.path.join(REPO, "node_modules", "axe-core", "axe.min.js")
SCREENSHOTS = os.path.join(REPO, "test-artifacts", "screenshots")
PHONE, DESKTOP = 375, 1280


@dataclass(frozen=True)
class Kind:
    """One kind of page, and the demo page that stands for it."""
    name: str
    path: str            # output path, relative to the site root
    query: str = ""      # e.g. "?q=预算" for search with results
    ready: str = ""      # a selector that is there once scripts have drawn the page


def page_kinds() -> list[Kind]:
    """Every kind of page the theme renders, picked from the built demo site."""
    from zwgk.library import urls
    lib = demo_library()
    county = lib.counties[0]
    domain = max(county.domains, key=lambda d: len(d.items))      # the fullest standard table
    document = next(d for d in county.documents if d.attachments and d.body)
    kinds = [
        Kind("portal", urls.PORTAL_HOME),
        Kind("county", urls.county_home(county.slug)),
        Kind("catalog", urls.catalog_index(county.slug)),
        Kind("domain", urls.domain_page(county.slug, domain.slug)),
        Kind("item", urls.item_page(county.slug, domain.items[0].id)),
        Kind("docs", urls.docs_index(county.slug)),
        Kind("document", urls.doc_page(county.slug, document.id)),
        Kind("page", urls.page_page(county.slug, county.pages[0].slug)),
        Kind("search", urls.search_page(county.slug), "?q=预算", ready="#search-results li"),
        Kind("downloads", urls.downloads_page(county.slug)),
        Kind("apply", urls.apply_page(county.slug)),
        Kind("rules", urls.rules_page(county.slug)),
        Kind("reports", urls.reports_index(county.slug)),
        Kind("report", urls.report_page(county.slug, county.reports[0].key)),
        Kind("not-found", urls.not_found(county.slug)),
        Kind("site-map", urls.site_map(county.slug)),
        Kind("completeness", urls.PORTAL_COMPLETENESS),
    ]
    return kinds


@functools.cache
def demo_library():
    from zwgk.library import load_library
    return load_library(REPO).library


_built: dict[str, str] = {}


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> str:
    """The demo site of this repository, built once per test run into a temporary folder."""
    if "out" not in _built:            # a module that imports this fixture registers it again
        from zwgk.build import build_site
        out = str(tmp_path_factory.mktemp("demo") / "public")
        build_site(REPO, out)
        _built["out"] = out
    return _built["out"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):      # keep pytest output clean
        pass


@contextmanager
def served(folder: str):
    """A folder served by a small threading http.server on 127.0.0.1 (any free port): its URL."""
    handler = functools.partial(_QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site_url(demo_site):
    """The built demo site over HTTP."""
    with served(demo_site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def run_axe(page, *, enhanced_contrast: bool = False) -> list[dict]:
    """axe-core's serious and critical violations on the page (7:1 contrast too when asked)."""
    if not os.path.exists(AXE_JS):
        pytest.fail("axe-core is not installed: run `npm ci` in the repository root")
    page.add_script_tag(path=AXE_JS)   # injected inline: no request
    options = {"resultTypes": ["violations"]}
    if enhanced_contrast:
        options["rules"] = {"color-contrast-enhanced": {"enabled": True}}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} @ {targets}")
    return "\n".join(lines)


def screenshot_path(name: str) -> str:
    os.makedirs(SCREENSHOTS, exist_ok=True)
    return os.path.join(SCREENSHOTS, name + ".jpg")


def page_width_overflow(page) -> int:
    """How many pixels the whole page scrolls sideways (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
