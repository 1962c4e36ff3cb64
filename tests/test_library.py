"""The library, built in memory: cross-references resolved both ways, duplicate ids and URL
collisions refused through the page registry, and the published counts (zwgk.library.counts)."""
from __future__ import annotations

import re

from conftest import DOMAIN_YAML
from memory import build_in_memory, site_files
from zwgk.base import STANDARD_DOMAINS
from zwgk.library import EMPTY, MISSING, NOT_APPLICABLE, PUBLISHED, claimed_urls, county_totals

D = "catalog/jia/czyjs.yaml"


def doc(title: str, published: str = "2024-03-01", **fields) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f"---\ntitle: {title}\nissuer: 甲县财政局\npublished: {published}\n{extra}---\n正文\n"


def test_references_are_resolved_from_either_side_and_interpretations_both_ways():
    build = build_in_memory(site_files({
        # The item names 2024-czj-001 itself; 2024-czj-002 names the second item; 003 interprets 001.
        "content/jia/docs/2024-czj-002.md": doc("决算说明", items="[czyjs-js-01]", published="2024-04-01"),
        "content/jia/docs/2024-czj-003.md": doc("预算解读", interprets="2024-czj-001"),
    }))
    assert build.problems == []
    lib = build.library
    assert [d.id for d in lib.documents_for_item("jia", "czyjs-ys-01")] == ["2024-czj-001"]
    assert [d.id for d in lib.documents_for_item("jia", "czyjs-js-01")] == ["2024-czj-002"]
    assert [i.id for i in lib.items_citing("jia", "2024-czj-001")] == ["czyjs-ys-01"]
    assert lib.items_citing("jia", "2024-czj-002") == ()          # named from the document's side only
    assert [d.id for d in lib.interpretations_of("jia", "2024-czj-001")] == ["2024-czj-003"]
    assert lib.document("jia", "2024-czj-003").interprets == "2024-czj-001"
    # The pages show each link from both ends.
    item_page = build.pages["jia/catalog/items/czyjs-js-01.html"]
    assert 'href="../../docs/2024-czj-002.html"' in item_page
    document_page = build.pages["jia/docs/2024-czj-002.html"]
    assert 'href="../catalog/items/czyjs-js-01.html"' in document_page
    assert 'href="2024-czj-003.html">预算解读</a>' in build.pages["jia/docs/2024-czj-001.html"]
    assert "是对<a href=\"2024-czj-001.html\">《甲县2024年预算公开》</a>的解读" in build.pages["jia/docs/2024-czj-003.html"]


def test_a_document_cannot_interpret_itself_or_a_missing_one():
    build = build_in_memory(site_files({
        "content/jia/docs/2024-czj-002.md": doc("自解读", interprets="2024-czj-002"),
        "content/jia/docs/2024-czj-003.md": doc("错解读", interprets="2024-czj-404"),
    }))
    assert "content/jia/docs/2024-czj-002.md:5:13: interprets: 文件不能解读它自己" in build.messages()
    # A near existing document is suggested (001 and 002 are as near), never the document itself.
    missing = [m for m in build.messages() if m.startswith("content/jia/docs/2024-czj-003.md:5:13: interprets: 被解读的文件 '2024-czj-404' 不存在")]
    assert len(missing) == 1 and re.search(r"（是否应为 '2024-czj-00[12]'？）$", missing[0]), build.messages()


def test_references_stay_inside_their_county():
    build = build_in_memory(site_files({
        "catalog/yi/county.yaml": "name: 乙县\ncode: '990902'\n",
        "catalog/yi/czyjs.yaml": DOMAIN_YAML,     # names 2024-czj-001, which only 甲县 has
    }))
    assert "catalog/yi/czyjs.yaml:14:17: documents: 文件 '2024-czj-001' 不存在" in build.messages()


def test_one_item_id_in_two_counties_is_fine_but_twice_in_one_county_is_refused():
    two_counties = build_in_memory(site_files({
        "catalog/yi/county.yaml": "name: 乙县\ncode: '990902'\n",
        "catalog/yi/czyjs.yaml": DOMAIN_YAML.replace("documents: [2024-czj-001]", "documents: []"),
    }))
    assert two_counties.problems == []
    assert two_counties.library.item("yi", "czyjs-ys-01").county == "yi"
    twice = build_in_memory(site_files({
        "catalog/jia/bdly.yaml": "domain: 本地领域\nitems:\n  - id: czyjs-js-01\n    level1: 本地\n    subject: 县财政局\n"
                                 "    channels: [政府网站]\n    audience: 全社会\n    mode: 主动\n    level: [县级]\n",
    }))
    assert twice.library is None
    # Files are read in name order: the later file's item is the duplicate.
    assert "catalog/jia/czyjs.yaml:15:9: 事项编号 'czyjs-js-01' 重复（已在 catalog/jia/bdly.yaml:3 使用）" in twice.messages()


def test_two_sources_for_one_url_are_refused_through_the_page_registry():
    build = build_in_memory(site_files({
        "content/jia/docs/index.md": doc("索引"),                       # jia/docs/index.html is zwgk's
        "catalog/pages/county.yaml": "name: 页县\ncode: '990903'\n",    # its home would be pages/index.html
        "content/pages/index.md": "---\ntitle: 首\n---\n",              # ... as this shared page's is
    }))
    assert build.library is None
    assert "content/jia/docs/index.md: 网址 jia/docs/index.html 已被 （zwgk 生成的页面） 使用" in build.messages()
    # A county may not take the shared pages' folder name at all.
    assert any("县（区）目录名 'pages' 是保留名称" in m for m in build.messages())


def test_every_url_of_a_valid_site_has_one_owner():
    lib = build_in_memory(site_files({"content/jia/pages/about.md": "---\ntitle: 本县说明\n---\n"})).library
    claimed = list(claimed_urls(lib.counties, lib.pages))
    assert len({dest for dest, _src in claimed}) == len(claimed)
    assert ("jia/pages/about.html", "content/jia/pages/about.md") in claimed
    assert ("pages/about.html", "content/pages/about.md") in claimed
    # A county's own page of the same name wins over the shared one, in that county.
    assert [p.src_path for p in lib.county("jia").pages] == ["content/jia/pages/about.md"]


COUNTED = {
    "catalog/jia/county.yaml": "name: 甲县\ncode: '990901'\nnot_applicable:\n  税收管理: 由税务部门垂直管理并公开\n",
    "catalog/jia/aqsc.yaml": "domain: 安全生产\nitems: []\n",          # a standard domain, empty: 未发布
    "catalog/jia/bdly.yaml": "domain: 本地特色\nitems:\n  - id: bd-01\n    level1: 本地事项\n    subject: 县政府办\n"
                             "    channels: [政府网站]\n    audience: 全社会\n    mode: 主动\n    level: [县级]\n",
}


def test_published_counts_know_published_not_applicable_empty_and_missing_domains():
    build = build_in_memory(site_files(COUNTED))
    assert build.problems == []
    county = build.library.county("jia")
    totals = county_totals(county)
    assert [d.name for d in totals.domains] == ["财政预决算", "本地特色"]     # the empty file is left out
    assert (totals.items, totals.documents) == (3, 1)
    standard = totals.standard
    status = {c.standard: c.status for c in standard.cells}
    assert len(standard.cells) == len(STANDARD_DOMAINS)
    assert (status["财政预决算"], status["税收管理"], status["安全生产"]) == (PUBLISHED, NOT_APPLICABLE, EMPTY)
    assert standard.count(PUBLISHED) == 1 and standard.count(NOT_APPLICABLE) == 1 and standard.count(EMPTY) == 1
    assert standard.count(MISSING) == len(STANDARD_DOMAINS) - 3
    assert standard.items == 2                                 # standard domains only: not 本地特色
    assert ("税收管理", "由税务部门垂直管理并公开") in standard.unpublished
    assert ("安全生产", "") in standard.unpublished and len(standard.unpublished) == len(STANDARD_DOMAINS) - 1


def test_a_guide_without_the_office_details_is_an_error_at_the_guide():
    """条例第十二条: the 指南 names the office that handles requests, and how to reach it."""
    no_office = {"catalog/jia/county.yaml": "name: 甲县\ncode: '990901'\n"}
    files = site_files({**no_office, "content/jia/pages/guide.md": "---\ntitle: 政府信息公开指南\n---\n\n正文。\n"})
    problems = build_in_memory(files).problems
    assert [(p.path, p.line, p.severity) for p in problems] == [("content/jia/pages/guide.md", 1, "error")]
    assert "条例第十二条" in problems[0].message and "office:" in problems[0].hint
    # With the office named, the same guide is fine; a county without a guide page needs none.
    assert build_in_memory(site_files({"content/jia/pages/guide.md": "---\ntitle: 指南\n---\n\n正文。\n"})).problems == []
    assert build_in_memory(site_files(no_office)).problems == []


def test_pages_carry_attachments_that_must_exist_and_a_shared_page_cannot():
    page = "---\ntitle: 申请须知\nattachments: [files/须知.pdf]\n---\n\n见附件。\n"
    missing = build_in_memory(site_files({"content/jia/pages/notice.md": page})).problems
    assert [(p.path, p.line, p.col, p.message) for p in missing] == [
        ("content/jia/pages/notice.md", 3, 15, "attachments: 附件 'files/须知.pdf' 不存在")]
    present = build_in_memory(site_files({"content/jia/pages/notice.md": page, "content/jia/files/须知.pdf": b"%PDF-1.4\n"}))
    assert present.problems == []
    notice = next(p for p in present.library.county("jia").pages if p.slug == "notice")
    assert notice.attachments == ("files/须知.pdf",)
    assert 'href="../files/须知.pdf" download>须知</a> <span class="count">（PDF）</span>' in present.pages["jia/pages/notice.html"]
    shared = build_in_memory(site_files({"content/pages/notice.md": page})).problems
    assert [(p.path, p.line, "全站共用页面不能带附件" in p.message) for p in shared] == [("content/pages/notice.md", 3, True)]
