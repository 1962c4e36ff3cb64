"""search.html in headless Chromium, over HTTP and from file://: type, see results, go back."""
from __future__ import annotations

import os
import re
from urllib.parse import quote

import pytest

from browser import chromium, demo_site, served  # noqa: F401  (chromium and demo_site are fixtures)
from conftest import REPO, minimal_site, write_files
from zwgk.build import build_site


@pytest.fixture(scope="module")
def site_out(tmp_path_factory):
    files = minimal_site()
    files["content/jia/docs/2024-czj-002.md"] = (
        "---\ntitle: 关于</script><script>alert(1)</script>的说明\nissuer: 甲县财政局\npublished: 2024-03-01\n---\n\n"
        "正文说明：<b>不是标签</b>，征地补偿款已发放。\n")
    site = write_files(tmp_path_factory.mktemp("site"), files)
    out = str(tmp_path_factory.mktemp("out") / "public")
    build_site(site, out)
    return out


@pytest.fixture(scope="module")
def http_root(site_out):
    with served(site_out) as url:
        yield url.rstrip("/")


def _results(page) -> list[str]:
    # Null-safe: the page may still be the one the query was typed on, before it navigates.
    page.wait_for_function("(function (s) { return !!s && (s.textContent.indexOf('找到') >= 0"
                           " || s.textContent.indexOf('没有') >= 0); })(document.getElementById('search-status'))")
    return page.locator("#search-results > li h2 a").all_inner_texts()


@pytest.mark.parametrize("via", ["http", "file"])
def test_typing_a_query_shows_results_and_back_works(chromium, site_out, http_root, via):
    base = http_root if via == "http" else "file://" + site_out
    page = chromium.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: errors.append("dialog: " + d.message))
    page.goto(f"{base}/jia/search.html")
    page.fill("#search-q", "一般公共预算")
    page.press("#search-q", "Enter")
    assert sorted(_results(page)) == ["一般公共预算", "甲县2024年预算公开"]
    assert "q=%E4%B8%80%E8%88%AC" in page.url
    assert page.locator("#search-results mark").count() >= 1
    page.fill("#search-q", "征地补偿")
    page.press("#search-q", "Enter")
    assert _results(page) == ["关于</script><script>alert(1)</script>的说明"]
    assert "<b>不是标签</b>" in page.locator("#search-results p").first.inner_text()
    page.go_back()
    assert sorted(_results(page)) == ["一般公共预算", "甲县2024年预算公开"]
    assert page.input_value("#search-q") == "一般公共预算"
    # Facets filter, and the link is the URL.
    page.locator("#search-facets a", has_text="文件（1）").click()
    assert _results(page) == ["甲县2024年预算公开"]
    assert "type=" in page.url
    assert errors == []
    page.close()


def test_query_in_the_url_and_the_header_box(chromium, http_root):
    page = chromium.new_page()
    page.goto(f"{http_root}/jia/index.html")
    page.fill("#q-top", "预算公开")
    page.press("#q-top", "Enter")
    page.wait_for_url("**/search.html?q=*")
    assert _results(page)[0] == "甲县2024年预算公开"
    page.goto(f"{http_root}/jia/search.html?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA%E8%AF%8D")
    assert _results(page) == []
    status = page.locator("#search-status")
    assert "没有找到" in status.inner_text() and "筛选" not in status.inner_text()     # no filter was set
    # Shorter words to try first, then where else to look: the catalog, and asking for the information.
    links = status.locator("a").all()
    hrefs = [a.get_attribute("href") for a in links]
    assert hrefs[-2:] == ["catalog/index.html", "apply.html"]
    tries = [a.inner_text() for a in links[:-2]]
    assert tries and all(href == "search.html?q=" + quote(t) for href, t in zip(hrefs, tries))
    assert all(t in "没有这个词" and t != "没有这个词" for t in tries)
    page.close()


def test_the_offline_zip_unzipped_works_from_disk_search_included(chromium, site_out, tmp_path):
    import zipfile
    with zipfile.ZipFile(os.path.join(site_out, "jia/downloads/jia-offline.zip")) as zf:
        zf.extractall(tmp_path)
    page = chromium.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file://") else None)
    page.goto(f"file://{tmp_path}/jia/index.html")
    assert page.title().startswith("甲县")
    page.click("text=基层政务公开标准目录")
    page.click("text=财政预决算")
    page.wait_for_load_state()          # the click starts the navigation: the page may still be loading
    assert "一般公共预算收入表、支出表" in page.content()
    page.goto(f"file://{tmp_path}/jia/search.html?q=%E9%A2%84%E7%AE%97%E5%85%AC%E5%BC%80")
    assert _results(page)[0] == "甲县2024年预算公开"
    assert outside == []
    page.close()


@pytest.mark.parametrize("via", ["http", "file"])
def test_the_portal_shows_each_countys_results_with_text_read_from_that_county(chromium, demo_site, via):
    """The portal's search reads each result's title and excerpt from its county's own text
    pieces: several counties' t/0.js load at once, each answering its own <script>."""
    from zwgk.library import load_library
    from zwgk.outputs.search.records import portal_records
    from zwgk.outputs.search.whoosh_index import with_attachments
    out = demo_site
    records: dict[str, list] = {}          # a document and its attachments share a page
    for record in portal_records(with_attachments(load_library(REPO).library)):
        records.setdefault(record.url, []).append(record)
    with served(out) as url:
        base = url.rstrip("/") if via == "http" else "file://" + out
        page = chromium.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/search.html?q={quote('低保')}")
        _results(page)
        shown = page.locator("#search-results > li").all()
        assert len(shown) == 10
        counties = set()
        for item in shown:
            link = item.locator("h2 a")
            target = page.evaluate("a => a.href", link.element_handle())
            title = link.inner_text()
            record = next(r for r in records[target.split(base + "/", 1)[1]] if r.zones[0] == title)
            counties.add(record.county)
            # The excerpt shows the text's lines (and zones) joined by spaces.
            excerpt = re.sub(r"\s", "", item.locator("p").first.inner_text().strip("…").split("…")[0])
            assert excerpt and excerpt in re.sub(r"[\s\x1f]", "", record.text)
        assert counties == {"linjiang", "shiqiao"}
        assert errors == []
        page.close()
