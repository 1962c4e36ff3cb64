"""Every kind of page in Chromium: axe-core finds nothing serious, and nothing sticks out sideways.

Screenshots of each kind at 375 px and 1280 px, normal and 长辈模式, go to
test-artifacts/screenshots/ for people to look at.
"""
from __future__ import annotations

import pytest

from browser import (DESKTOP, PHONE, chromium, demo_site, describe_violations, page_kinds,  # noqa: F401
                     page_width_overflow, run_axe, screenshot_path, site_url)

pytestmark = pytest.mark.browser

KINDS = ["portal", "county", "catalog", "domain", "item", "docs", "document", "page", "search", "downloads", "completeness"]
MODES = ["normal", "elder"]


@pytest.fixture(scope="module")
def kinds(demo_site):
    return {k.name: k for k in page_kinds()}


@pytest.fixture(scope="module")
def contexts(chromium):
    """One browser context per (width, mode), shared by the module's tests."""
    made = {}

    def get(width: int, mode: str):
        if (width, mode) not in made:
            made[width, mode] = chromium.new_context(viewport={"width": width, "height": 900})
        return made[width, mode]
    yield get
    for context in made.values():
        context.close()


def url_of(site_url: str, kind, mode: str) -> str:
    query = kind.query + ("&" if kind.query else "?") + f"mode={mode}"
    return site_url + kind.path + query


def open_kind(contexts, site_url, kind, width, mode):
    page = contexts(width, mode).new_page()
    response = page.goto(url_of(site_url, kind, mode))
    assert response is not None and response.ok, f"{kind.path} was not built"
    if kind.ready:
        page.wait_for_selector(kind.ready)
    assert page.evaluate("document.documentElement.classList.contains('elder')") == (mode == "elder")
    return page


# The standard table at 1280 px, and the cards with large type on a phone in 长辈模式.
@pytest.mark.parametrize("width, mode", [(DESKTOP, "normal"), (PHONE, "elder")])
@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_serious_violation(contexts, site_url, kinds, kind, width, mode):
    page = open_kind(contexts, site_url, kinds[kind], width, mode)
    try:
        # 长辈模式 promises high contrast: hold it to WCAG's enhanced 7:1 as well.
        violations = run_axe(page, enhanced_contrast=(mode == "elder"))
        assert not violations, describe_violations(violations)
    finally:
        page.close()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_page_never_scrolls_sideways_and_is_photographed(contexts, site_url, kinds, kind, mode):
    """At 360 and 375 px (phones) and 1280 px the page is never wider than the window."""
    for width in (360, PHONE, DESKTOP):
        page = open_kind(contexts, site_url, kinds[kind], width, mode)
        try:
            assert page_width_overflow(page) <= 0, f"{kind} at {width}px ({mode}) scrolls sideways"
            if width in (PHONE, DESKTOP):
                page.screenshot(path=screenshot_path(f"{kind}-{width}-{mode}"), full_page=True)
        finally:
            page.close()
