"""Every kind of page in Chromium: axe-core finds nothing serious, and nothing sticks out sideways.

Screenshots of each kind at 375 px and 1280 px, normal and 长辈模式, go to
test-artifacts/screenshots/ for people to look at.
"""
from __future__ import annotations

import pytest

from browser import (DESKTOP, PHONE, chromium, demo_site, describe_violations, page_kinds,  # noqa: F401
                     page_width_overflow, run_axe, screenshot_path, site_url)

pytestmark = pytest.mark.browser

KINDS = ["portal", "county", "catalog", "domain", "item", "docs", "document", "page", "search", "downloads", "apply",
         "rules", "reports", "report", "not-found", "site-map", "completeness"]
MODES = ["normal", "elder"]
# axe runs where each mode matters most: the standard table at 1280 px, and the cards with large
# type on a phone in 长辈模式.
AXE_WIDTH = {"normal": DESKTOP, "elder": PHONE}


@pytest.fixture(scope="module")
def kinds(demo_site):
    return {k.name: k for k in page_kinds()}


@pytest.fixture(scope="module")
def contexts(chromium):
    """One browser context per mode, shared by the module's tests."""
    made = {}

    def get(mode: str):
        if mode not in made:
            made[mode] = chromium.new_context(viewport={"width": DESKTOP, "height": 900})
        return made[mode]
    yield get
    for context in made.values():
        context.close()


def url_of(site_url: str, kind, mode: str) -> str:
    query = kind.query + ("&" if kind.query else "?") + f"mode={mode}"
    return site_url + kind.path + query


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_page_is_axe_clean_never_scrolls_sideways_and_is_photographed(contexts, site_url, kinds, kind, mode):
    """At 1280 px and on phones (375 and 360 px) the page is never wider than the window; axe-core
    finds nothing serious (长辈模式 promises high contrast: held to WCAG's enhanced 7:1 too)."""
    page = contexts(mode).new_page()
    try:
        response = page.goto(url_of(site_url, kinds[kind], mode))
        assert response is not None and response.ok, f"{kinds[kind].path} was not built"
        if kinds[kind].ready:
            page.wait_for_selector(kinds[kind].ready)
        assert page.evaluate("document.documentElement.classList.contains('elder')") == (mode == "elder")
        for width in (DESKTOP, PHONE, 360):
            page.set_viewport_size({"width": width, "height": 900})
            assert page_width_overflow(page) <= 0, f"{kind} at {width}px ({mode}) scrolls sideways"
            if width in (PHONE, DESKTOP):
                page.screenshot(path=screenshot_path(f"{kind}-{width}-{mode}"), full_page=True)
            if width == AXE_WIDTH[mode]:
                violations = run_axe(page, enhanced_contrast=(mode == "elder"))
                assert not violations, f"{width}px {mode}: " + describe_violations(violations)
    finally:
        page.close()
