"""The Renderer, on sites built in memory: every page kind of the registry renders, the
breadcrumbs lead home, links land on pages that exist, and the county home, the catalog
index and the portal show the same published counts (zwgk.library.counts)."""
from __future__ import annotations

import os
import posixpath
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest

from conftest import DOMAIN_YAML, OFFICE_YAML, REPO, REPORT_YAML
from memory import build_in_memory, site_files
from zwgk.base import STANDARD_DOMAINS
from zwgk.library import KINDS, EMPTY, MISSING, NOT_APPLICABLE, claimed_urls, county_columns, county_totals, urls

ITEM = ("  - id: {id}\n    level1: {name}\n    subject: 县政府办\n    channels: [政府网站]\n"
        "    audience: 全社会\n    mode: 主动\n    level: [县级]\n")

# Two counties: 甲县 with a standard domain, a local one, an empty standard file (未发布),
# a domain it has no part in (未涉及), documents (one interpreting another, one with an
# attachment) and its own page; 乙县 with nothing published yet.
RICH = site_files({
    "catalog/jia/county.yaml": "name: 甲县\ncode: '990901'\nnot_applicable:\n  税收管理: 由税务部门垂直管理并公开\n" + OFFICE_YAML,
    "catalog/jia/aqsc.yaml": "domain: 安全生产\nitems: []\n",
    "catalog/jia/bdly.yaml": "domain: 本地特色\nitems:\n" + ITEM.format(id="bd-01", name="本地事项一")
                             + ITEM.format(id="bd-02", name="本地事项二"),
    "content/jia/docs/2024-czj-002.md": "---\ntitle: 预算解读\nissuer: 甲县财政局\npublished: 2024-03-01\n"
                                        "interprets: 2024-czj-001\nattachments: [files/解读.pdf]\n---\n见[预算](docs/2024-czj-001.md)，[附件](files/解读.pdf)。\n",
    "content/jia/files/解读.pdf": b"%PDF-1.4",
    "content/jia/pages/guide.md": "---\ntitle: 公开指南\n---\n\n本县公开指南。\n",
    "content/jia/docs/2023-bgs-001.md": "---\ntitle: 甲县政府信息公开保密审查制度\nissuer: 甲县人民政府办公室\n"
                                        "published: 2023-05-01\ncategory: 政府信息公开制度\n---\n第一条 ……\n",
    "content/jia/reports/2024.yaml": REPORT_YAML,
    "content/jia/reports/2024/czj.yaml": "organ: 甲县财政局\n" + REPORT_YAML,
    "catalog/yi/county.yaml": "name: 乙县\ncode: '990902'\n" + OFFICE_YAML,
})


@pytest.fixture(scope="module")
def rich():
    build = build_in_memory(RICH)
    assert build.problems == []
    return build


def test_every_page_kind_of_the_registry_renders(rich):
    made = {kind.name for kind in KINDS if kind.rendered}
    assert made == {"portal", "portal-search", "shared-page", "county", "catalog", "docs", "search", "feed",
                    "sitemap", "domain", "item", "document", "page", "apply", "not-found", "portal-not-found",
                    "site-map", "portal-site-map", "rules", "reports", "report"}
    lib = rich.library
    expected = {dest for dest, _src in claimed_urls(lib.counties, lib.pages)} - {
        urls.PORTAL_COMPLETENESS, *(urls.downloads_page(c.slug) for c in lib.counties)}   # made by outputs
    assert set(rich.pages) == expected
    for dest, page in rich.pages.items():
        if dest.endswith(".xml"):
            ET.fromstring(page)                                    # well-formed
            continue
        assert page.startswith("<!DOCTYPE html>") and page.count("<main") == 1, dest
        assert re.search(r"<title>[^<]+</title>", page), dest
        assert "{{" not in page and "{%" not in page, dest
    feed = ET.fromstring(rich.pages["jia/feed.xml"])
    assert "预算解读" in [e.text for e in feed.iter() if e.tag.endswith("title")]
    sitemap = rich.pages["yi/sitemap.xml"]
    assert "https://zwgk.test.example.gov.cn/yi/index.html" in sitemap and "/jia/" not in sitemap


def crumbs(page: str) -> list[tuple[str, str]]:
    """The breadcrumb trail: (href, label), the current page with href ""."""
    trail = re.search(r'<nav class="wrap crumbs".*?</nav>', page, re.S)
    if trail is None:
        return []
    return [(href, label or current) for href, label, current in
            re.findall(r'<a href="([^"]*)">([^<]*)</a>|<span aria-current="page">([^<]*)</span>', trail.group(0))]


def test_breadcrumbs_lead_from_the_county_home_to_the_page(rich):
    assert crumbs(rich.pages["index.html"]) == []
    assert crumbs(rich.pages["jia/index.html"]) == []       # the county's home: no trail that links to itself
    catalog = "基层政务公开标准目录"
    assert crumbs(rich.pages["jia/catalog/index.html"]) == [("../index.html", "首页"), ("", catalog)]
    assert crumbs(rich.pages["jia/catalog/bdly/index.html"]) == [
        ("../../index.html", "首页"), ("../index.html", catalog), ("", "本地特色")]
    assert crumbs(rich.pages["jia/catalog/items/bd-02.html"]) == [
        ("../../index.html", "首页"), ("../index.html", catalog), ("../bdly/index.html", "本地特色"), ("", "本地事项二")]
    assert crumbs(rich.pages["jia/docs/2024-czj-002.html"]) == [
        ("../index.html", "首页"), ("index.html", "法定主动公开内容"), ("", "预算解读")]
    assert crumbs(rich.pages["jia/docs/2023-bgs-001.html"]) == [
        ("../index.html", "首页"), ("../rules.html", "政府信息公开制度"), ("", "甲县政府信息公开保密审查制度")]
    assert crumbs(rich.pages["jia/reports/2024/czj.html"]) == [
        ("../../index.html", "首页"), ("../index.html", "政府信息公开年报"), ("", "2024年度")]
    assert crumbs(rich.pages["jia/pages/guide.html"]) == [("../index.html", "首页"), ("", "公开指南")]
    assert crumbs(rich.pages["pages/about.html"]) == [("../index.html", "首页"), ("", "关于本站")]
    assert crumbs(rich.pages["search.html"]) == [("index.html", "首页"), ("", "全文检索")]
    for dest, page in rich.pages.items():
        trail = crumbs(page)
        for href, label in trail[:-1]:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(dest), href))
            assert target in rich.pages, (dest, label, target)
        if trail:
            assert trail[0][1] == "首页", dest
            home = urls.county_home(dest.split("/")[0]) if dest.split("/")[0] in ("jia", "yi") else urls.PORTAL_HOME
            assert posixpath.normpath(posixpath.join(posixpath.dirname(dest), trail[0][0])) == home, dest


def test_every_link_between_pages_lands_on_a_page_the_site_has(rich):
    lib = rich.library
    site_files_made = {dest for dest, _src in claimed_urls(lib.counties, lib.pages)}
    site_files_made |= {urls.attachment(c.slug, path) for c in lib.counties for d in c.documents for path in d.attachments}
    site_files_made |= {urls.apply_form(c.slug) for c in lib.counties}          # made by the downloads
    site_files_made |= {urls.report_download(c.slug, r.key, suffix) for c in lib.counties for r in c.reports
                        for suffix in ("xlsx", "csv")}
    for dest, page in rich.pages.items():
        for href in re.findall(r'(?<!<base )(?:href|src|action)="([^"#?]+)', page):
            if re.match(r"[a-z]+:", href) or "/assets/" in f"/{href}":
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(dest), unquote(href)))
            assert target in site_files_made, (dest, href)


def number(pattern: str, page: str) -> tuple[int, ...]:
    found = re.search(pattern, page)
    assert found, pattern
    return tuple(int(g) for g in found.groups())


def unpublished_list(page: str) -> list[str]:
    return re.findall(r"<li>([^<：]+)：(?:未涉及（[^）]*）|未发布)</li>", page)


def test_the_county_home_the_catalog_and_the_portal_show_the_same_counts(rich):
    portal = rich.pages["index.html"]
    for county in rich.library.counties:
        totals = county_totals(county)
        standard = totals.standard
        home, catalog = rich.pages[urls.county_home(county.slug)], rich.pages[urls.catalog_index(county.slug)]
        figures = (len(totals.domains), totals.items, totals.documents)
        assert number(r"共公开 (\d+) 个领域、(\d+) 个事项、(\d+) 件政府信息", home) == figures
        card = portal.split(f'href="{county.slug}/index.html"', 1)[1].split("</li>", 1)[0]
        assert number(r"已公开 (\d+) 个领域、(\d+) 个事项、(\d+) 件政府信息", card) == figures
        # 未发布 on the portal: missing or empty standard domains; 未涉及 is not counted there.
        not_published = standard.count(MISSING) + standard.count(EMPTY)
        assert number(r"；(\d+) 个标准领域未发布", card) == (not_published,)
        assert number(r"尚未发布的标准领域（(\d+) 个）", home) == (not_published + standard.count(NOT_APPLICABLE),)
        rows = re.findall(r'<td data-label="事项数">(\d+)</td>', catalog)
        assert len(rows) == figures[0] and sum(map(int, rows)) == figures[1]
        assert unpublished_list(home) == unpublished_list(catalog) == [name for name, _ in standard.unpublished]
    jia, yi = (county_totals(c) for c in rich.library.counties)
    assert (len(jia.domains), jia.items, jia.documents) == (2, 4, 3)
    assert "<li>税收管理：未涉及（由税务部门垂直管理并公开）</li>" in rich.pages["jia/index.html"]
    assert "<li>安全生产：未发布</li>" in rich.pages["jia/catalog/index.html"]
    assert (len(yi.domains), yi.items, yi.documents) == (0, 0, 0)
    assert yi.standard.count(MISSING) == len(STANDARD_DOMAINS)


def test_a_renamed_standard_domain_counts_as_that_standard_domain():
    build = build_in_memory(site_files({
        "catalog/jia/xczx.yaml": "domain: 乡村振兴\nstandard: 扶贫\nitems:\n" + ITEM.format(id="xc-01", name="衔接资金"),
        "catalog/jia/czyjs.yaml": DOMAIN_YAML,
    }))
    assert build.problems == []
    cells = {c.standard: c for c in county_totals(build.library.county("jia")).standard.cells}
    assert (cells["扶贫"].status, cells["扶贫"].name, cells["扶贫"].items) == ("published", "乡村振兴", 1)
    assert "扶贫" not in unpublished_list(build.pages["jia/index.html"])
    assert '<td data-label="对应标准领域">扶贫</td>' in build.pages["jia/catalog/index.html"]


def test_the_site_map_lists_every_column_domain_and_page_and_every_footer_leads_to_it(rich):
    lib = rich.library
    for county in lib.counties:
        site_map = rich.pages[urls.site_map(county.slug)]
        columns = [c.url.removeprefix(county.slug + "/") for c in county_columns(county) if c.url]
        for target in ("index.html", *columns, "search.html", "downloads/index.html",
                       *(f"catalog/{d.slug}/index.html" for d in county.domains if d.items),
                       *(f"pages/{p.slug}.html" for p in county.pages),
                       *(f"reports/{r.key}.html" for r in county.reports)):
            assert f'href="{target}"' in site_map, (county.slug, target)
        assert 'href="catalog/aqsc/index.html"' not in site_map        # empty: 未发布, no page
    portal_map = rich.pages[urls.site_map("")]
    assert all(f'href="{c.slug}/index.html"' in portal_map for c in lib.counties)
    for dest, page in rich.pages.items():
        if not dest.endswith(".html"):
            continue
        footer = page[page.index('<footer class="sitefoot">'):]
        assert "网站地图</a>" in footer, dest
        county_page = any(dest.startswith(c.slug + "/") for c in lib.counties)
        assert ("联系我们</a>" in footer) == county_page, dest


def test_an_item_is_never_newer_than_its_domain_on_any_page():
    domain = ("domain: 本地特色\nupdated: 2025-03-10\nitems:\n" + ITEM.format(id="bd-01", name="本地事项一")
              + "    updated: 2026-11-29\n" + ITEM.format(id="bd-02", name="本地事项二"))
    build = build_in_memory(site_files({"catalog/jia/bdly.yaml": domain}))
    item = build.pages["jia/catalog/items/bd-01.html"]
    assert "<dd>2026-11-29</dd>" in item
    assert "最后更新：2026-11-29" in build.pages["jia/catalog/bdly/index.html"]
    assert '<time datetime="2026-11-29">' in build.pages["jia/catalog/index.html"]


def test_a_document_is_laid_out_as_official_documents_are():
    body = ("各乡镇人民政府：\n\n现将有关事项通知如下。\n\n附件：1.临江县申请表 2.临江县办理流程图\n\n"
            "| 乡镇 | 面积（公顷） |\n| --- | ---: |\n| 青石镇 | 12.8650 |\n\n临江县人民政府办公室\n\n2024年6月25日\n")
    doc = ("---\ntitle: 关于做好申请工作的通知\ndoc_no: 临政办发〔2024〕6号\nissuer: 临江县人民政府办公室\npublished: 2024-06-28\n"
           "attachments: [files/附件1-申请表.docx, files/附件2-流程图.pdf]\n---\n" + body)
    build = build_in_memory(site_files({"content/jia/docs/2024-bgs-006.md": doc,
                                        "content/jia/files/附件1-申请表.docx": b"PK", "content/jia/files/附件2-流程图.pdf": b"%PDF"}))
    page = build.pages["jia/docs/2024-bgs-006.html"]
    assert '<header class="doc-head">\n<h1>关于做好申请工作的通知</h1>\n<p class="doc-no">临政办发〔2024〕6号</p>' in page
    assert '<p class="sign">临江县人民政府办公室</p>' in page and '<p class="sign">2024年6月25日</p>' in page
    assert ('<p>附件：<a href="../files/附件1-申请表.docx">1.临江县申请表</a> '
            '<a href="../files/附件2-流程图.pdf">2.临江县办理流程图</a></p>') in page
    assert 'download>临江县申请表</a> <span class="count">（Word）</span>' in page          # titled by the 附件 line
    assert '<div class="table-scroll" role="region" aria-label="表格" tabindex="0">' in page


def test_the_standard_table_merges_level1_shows_dashes_and_moves_notes_to_footnotes():
    item = ("  - id: {id}\n    level1: 最低生活保障\n    level2: {name}\n    subject: 县民政局\n    channels: [政府网站]\n"
            "    audience: {audience}\n    mode: 主动\n    level: [县级]\n")
    domain = ("domain: 社会救助\nitems:\n" + item.format(id="a", name="办事指南", audience="全社会")
              + item.format(id="b", name="审核结果", audience="特定群体") + "    audience_note: 低保对象\n"
              + item.format(id="c", name="资金发放", audience="全社会").replace("最低生活保障", "临时救助"))
    page = build_in_memory(site_files({"catalog/jia/shjz.yaml": domain})).pages["jia/catalog/shjz/index.html"]
    assert page.count(">最低生活保障</td>") == 1 and 'rowspan="2">最低生活保障</td>' in page     # merged, as county tables do
    assert '<tr id="b" data-l1="最低生活保障">' in page             # phones show it on the card
    assert '<td headers="h-content" data-label="公开内容（要素）">—</td>' in page
    assert '<sup><a href="#note-1" id="ref-1" aria-label="注 1">1</a></sup>' in page
    assert '<li id="note-1">审核结果：公开对象为特定群体——低保对象' in page


def test_level_spans_merge_runs_of_the_same_level1_and_with_three_levels_level2():
    from types import SimpleNamespace as I
    from zwgk.library import level_spans
    items = [I(level1="甲", level2="一"), I(level1="甲", level2="一"), I(level1="甲", level2="二"),
             I(level1="乙", level2="二"), I(level1="甲", level2="二")]
    assert level_spans(items, 3) == [(3, 2), (0, 0), (0, 1), (1, 1), (1, 1)]
    assert level_spans(items) == [(3, 1), (0, 1), (0, 1), (1, 1), (1, 1)]     # two levels: 二级事项 never merged


def test_a_new_build_process_loads_the_compiled_theme_and_compiles_only_what_changed(tmp_path, monkeypatch):
    """The theme's compiled templates are kept beside the output: a new process (a build, a
    worker) loads them instead of compiling them; a damaged file is compiled again, and another
    version of zwgk compiles its own."""
    import jinja2

    from zwgk.library import load_library
    from zwgk.render import CompiledTemplates
    from zwgk.render.renderer import make_environment
    compiled: list[str] = []
    real = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, *a, **k: compiled.append(name) or real(self, source, name, *a, **k))
    library = load_library(REPO).library
    folder = str(tmp_path / "templates")

    def load_theme(version: str = "v1") -> list[str]:
        templates = CompiledTemplates()
        templates.keep_in(folder, version)
        env = make_environment(library, templates)
        compiled.clear()
        for name in env.list_templates(extensions=("html",)):
            env.get_template(name)
        return sorted(compiled)

    every = load_theme()
    assert "base.html" in every
    assert load_theme() == []
    damaged = sorted(os.listdir(folder))[0]
    (tmp_path / "templates" / damaged).write_bytes(b"not a compiled template")
    assert len(load_theme()) == 1
    assert load_theme("v2") == every and all(name.startswith("v2") for name in os.listdir(folder))
