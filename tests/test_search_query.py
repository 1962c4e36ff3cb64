"""Search results: recall against the text itself, exact matches first, phrases, and the
browser engine (node) agreeing with `zwgk search` (whoosh) on the demo site."""
from __future__ import annotations

import argparse
import json
import os
import subprocess

import pytest

from zwgk.library import load_library
from zwgk.outputs.search import county_search_outputs
from zwgk.outputs.search.analysis import alternatives, parse_query
from zwgk.outputs.search.rank import Ranker
from zwgk.outputs.search.synonyms import synonym_groups
from zwgk.outputs.search.records import county_records
from zwgk.outputs.search.whoosh_index import run_search_command, search_site, with_attachments

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Two to six Chinese characters, numbers, numbers next to Chinese, 文号, one character, ids.
QUERIES = ["征地补偿", "最低生活保障", "预算", "公开", "社会救助", "义务教育阶段", "2024", "2023年", "14号", "3号",
           "临政办发〔2024〕", "临财预〔2024〕3号", "临政征〔2023〕3号", "县", "号", "czyjs", "zdbc", "〔2022〕",
           "信息公开条例", "办事指南", "补助标准", "12345"]
MULTI = ["征地 补偿", '"征地补偿" 方案', "预算 2024", "“政府信息公开”"]
# Abbreviations the texts spell out, full forms they abbreviate, and both in one query.
SYNONYM_QUERIES = ["低保", "户口", "特困", "社保", "户口迁移", "低保 临时救助", "最低生活保障标准", "户政大队", "环评"]


def _node_queries(site_dir: str, queries: list[str]) -> list[dict]:
    """Run every query through the browser engine in one node process."""
    run = subprocess.run(["node", os.path.join(REPO, "search", "query.mjs"), site_dir, "--many", json.dumps(queries)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def _write_index(library, slug: str, out) -> str:
    """The county's browser index under out/; its folder."""
    for dest, data in county_search_outputs(library, slug):
        path = out / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return str(out / slug)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo site's library (with its attachments' text, as a build has it), with every
    county's browser index written under out/."""
    out = tmp_path_factory.mktemp("demo-search")
    library = with_attachments(load_library(REPO).library)
    for county in library.counties:
        _write_index(library, county.slug, out)
    return library, str(out), str(tmp_path_factory.mktemp("whoosh-cache"))


def _key(result: dict) -> tuple[str, str, str]:
    """A result as the records know it: a document's attachments share its id."""
    return result["type"], result["id"], result["title"]


def test_recall_and_exact_matches_first_against_the_text(demo):
    """Every record holding the query as typed is found; those holding it (or one of its
    synonyms) as written come before those holding only its pairs apart."""
    library, out, _cache = demo
    synonyms = synonym_groups(library.site)
    for county in library.counties:
        records = county_records(library, county.slug)
        texts = {(r.type, r.id, r.title): r.searchable for r in records}
        for q, got in zip(QUERIES, _node_queries(os.path.join(out, county.slug), QUERIES)):
            (part,) = parse_query(q)
            truth = {key for key, text in texts.items() if part.text in text}
            written = {key for key, text in texts.items() if any(a.text in text for a in alternatives(part, synonyms))}
            keys = [_key(r) for r in got["results"]]
            assert got["total"] == len(keys) == len(set(keys))
            assert truth <= set(keys), (county.slug, q, truth - set(keys))          # recall 100%
            first_other = next((i for i, key in enumerate(keys) if key not in written), len(keys))
            assert set(keys[:first_other]) == written, (county.slug, q)              # exact ones first


def test_quoted_phrases_appear_as_written(demo):
    library, out, _cache = demo
    county = library.counties[0]
    texts = {r.id: r.searchable for r in county_records(library, county.slug)}
    for q, got in zip(MULTI, _node_queries(os.path.join(out, county.slug), MULTI)):
        phrases = [p.text for p in parse_query(q) if p.phrase]
        for hit in got["results"]:
            assert all(p in texts[hit["id"]] for p in phrases), (q, hit["id"])
    assert _node_queries(os.path.join(out, county.slug), ['"征地补偿"'])[0]["total"] > 0


def test_browser_engine_and_zwgk_search_give_the_same_results_in_the_same_order(demo):
    library, out, cache = demo
    for county in library.counties:
        queries = QUERIES + MULTI + SYNONYM_QUERIES
        for q, js in zip(queries, _node_queries(os.path.join(out, county.slug), queries)):
            py = search_site(library, q, county.slug, cache=cache)
            assert py == js, (county.slug, q)


def test_whoosh_cache_is_updated_only_for_what_changed(make_site, tmp_path):
    site = make_site()
    cache = str(tmp_path / "cache")
    library = load_library(site).library
    assert "2024-czj-001" in {r["id"] for r in search_site(library, "预算", "jia", cache=cache)["results"]}
    edited = make_site({"content/jia/docs/2024-czj-001.md": open(os.path.join(site, "content/jia/docs/2024-czj-001.md"),
                                                                 encoding="utf-8").read().replace("预算收入", "财政收入")})
    library = load_library(edited).library
    from whoosh import index
    before = {f["key"]: f["digest"] for f in index.open_dir(os.path.join(cache, "jia")).searcher().all_stored_fields()}
    found = search_site(library, "财政收入", "jia", cache=cache)
    after = {f["key"]: f["digest"] for f in index.open_dir(os.path.join(cache, "jia")).searcher().all_stored_fields()}
    assert [r["id"] for r in found["results"]] == ["2024-czj-001"]
    assert {k for k in after if after[k] != before.get(k)} == {"jia/document/2024-czj-001"}


def test_search_command_json_and_text(make_site, capsys):
    site = make_site()
    args = argparse.Namespace(query="一般公共预算", site=site, county="jia", json=True)
    assert run_search_command(args) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["total"] == 2
    assert {r["id"] for r in found["results"]} == {"czyjs-ys-01", "2024-czj-001"}
    assert set(found["results"][0]) == {"id", "type", "title", "url", "via", "of"}
    args = argparse.Namespace(query="一般公共预算", site=site, county=None, json=False)
    assert run_search_command(args) == 0
    text = capsys.readouterr().out
    assert "找到 2 条" in text and "jia/catalog/items/czyjs-ys-01.html" in text
    args = argparse.Namespace(query="没有这个词", site=site, county="jia", json=False)
    run_search_command(args)
    assert "没有找到" in capsys.readouterr().out
    assert run_search_command(argparse.Namespace(query="x", site=site, county="nope", json=True)) == 2


ZDBC_YAML = """\
domain: 征地补偿
items:
  - id: zdbc-tz-01
    level1: 听证情况
    content: 征地补偿听证笔录；征地补偿款发放
    basis: [《征地补偿安置办法》]
    subject: 县自然资源局
    channels: [政府网站]
    audience: 全社会
    mode: 主动
    level: [县级]
"""

DOMAIN_YAML_WITH_CONTENT_HIT = """\
domain: 财政预决算
items:
  - id: czyjs-ys-01
    level1: 政府预算
    level2: 一般公共预算
    content: 一般公共预算收入表、支出表，含征地补偿支出
    subject: 县财政局
    channels: [政府网站]
    audience: 全社会
    mode: 主动
    level: [县级]
"""

TITLE_DOC_MD = """\
---
title: 甲县人民政府关于2023年度第1批次城镇建设用地征地补偿安置方案的公告
doc_no: 甲政征〔2023〕1号
issuer: 甲县人民政府
published: 2023-05-01
validity: 现行有效
items: [czyjs-ys-01]
---

""" + "依照有关法律法规，现将城镇建设用地有关事项公告如下，请相关权利人知悉并配合做好工作。\n\n" * 40

BODY_DOC_MD = """\
---
title: 甲县关于做好土地工作的通知
doc_no: 甲政发〔2023〕2号
issuer: 甲县人民政府
published: 2023-06-01
validity: 现行有效
items: [czyjs-ys-01]
---

征地补偿款要按时足额发放，征地补偿标准要公开。
"""


def test_a_title_holding_the_query_ranks_above_names_content_and_body(make_site, tmp_path):
    """The long document whose title holds 征地补偿 comes first; then the 事项 holding it in
    its names (its 领域), the one holding it in 公开内容, the document holding it in its body."""
    site = make_site({"catalog/jia/zdbc.yaml": ZDBC_YAML, "catalog/jia/czyjs.yaml": DOMAIN_YAML_WITH_CONTENT_HIT,
                      "content/jia/docs/2023-zfb-001.md": TITLE_DOC_MD,
                      "content/jia/docs/2023-zfb-002.md": BODY_DOC_MD})
    library = load_library(site).library
    _write_index(library, "jia", tmp_path / "out")
    (got,) = _node_queries(str(tmp_path / "out" / "jia"), ["征地补偿"])
    assert [r["id"] for r in got["results"]] == ["2023-zfb-001", "zdbc-tz-01", "czyjs-ys-01", "2023-zfb-002"]
    py = search_site(library, "征地补偿", "jia", cache=str(tmp_path / "cache"))
    assert {r["id"] for r in py["results"]} == {r["id"] for r in got["results"]}



@pytest.mark.parametrize("county, query, in_force, repealed", [
    ("linjiang", "低保标准", "2024-mzj-004", "2021-mzj-003"),     # the 2024 标准 replaced the repealed 2021 one
    ("shiqiao", "临时救助", "2024-mzj-002", "2021-mzj-006"),       # the 2024 办法 replaced the repealed 2021 细则
])
def test_a_repealed_document_comes_after_the_one_in_force_in_both_engines(demo, county, query, in_force, repealed):
    library, out, cache = demo
    py = [r["id"] for r in search_site(library, query, county, cache=cache)["results"]]
    (js,) = _node_queries(os.path.join(out, county), [query])
    js = [r["id"] for r in js["results"]]
    for ids in (py, js):
        assert in_force in ids and repealed in ids and ids.index(in_force) < ids.index(repealed), ids


def test_a_phrase_only_in_an_attachment_is_found_as_that_attachment_of_its_document(demo):
    """户政大队 stands only in the PDF attached to the 户口迁移 公告: both engines find it there."""
    library, out, cache = demo
    (js,) = _node_queries(os.path.join(out, "linjiang"), ["户政大队"])
    assert js == search_site(library, "户政大队", "linjiang", cache=cache)
    (hit,) = js["results"]
    assert (hit["type"], hit["id"], hit["title"]) == ("attachment", "2025-gaj-001", "户口迁移办理指引")
    assert hit["of"] == "临江县公安局关于户口迁移办理事项的公告" and hit["url"] == "docs/2025-gaj-001.html"


def test_an_abbreviation_finds_the_full_form_and_says_so(demo):
    library, out, cache = demo
    texts = {(r.type, r.id): r.searchable for r in county_records(library, "linjiang")}
    (js,) = _node_queries(os.path.join(out, "linjiang"), ["低保"])
    found = {(r["type"], r["id"]): r["via"] for r in js["results"]}
    only_full = {key for key, text in texts.items() if "最低生活保障" in text and "低保" not in text}
    assert only_full and only_full <= found.keys()                       # 最低生活保障 without 低保
    assert all(found[key] == ["最低生活保障"] for key in only_full)       # … says it was found as a synonym
    assert all(via == [] for key, via in found.items() if "低保" in texts[key])


def test_a_query_typed_without_spaces_that_nothing_holds_is_looked_for_as_its_words(demo):
    """申请低保: no text holds it as typed; the records holding 申请 and 低保 (or 最低生活保障) are found."""
    library, out, cache = demo
    texts = {(r.type, r.id, r.title): r.searchable for r in county_records(library, "linjiang")}
    assert not any("申请低保" in t for t in texts.values())
    (js,) = _node_queries(os.path.join(out, "linjiang"), ["申请低保"])
    expected = {key for key, t in texts.items() if "申请" in t and ("低保" in t or "最低生活保障" in t)}
    assert expected and {_key(r) for r in js["results"]} == expected
    assert js == search_site(library, "申请低保", "linjiang", cache=cache)


def test_site_yaml_adds_synonyms_to_both_engines(make_site, tmp_path):
    site = make_site({"site.yaml": open(os.path.join(make_site(), "site.yaml"), encoding="utf-8").read()
                      + "synonyms:\n  - terms: [一卡通, 惠民惠农财政补贴资金社会保障卡]\n    source: 本县补贴发放办法\n",
                      "content/jia/docs/2024-czj-009.md": "---\ntitle: 关于补贴发放的通知\nissuer: 甲县财政局\n"
                      "published: 2024-03-01\n---\n\n补贴通过惠民惠农财政补贴资金社会保障卡发放。\n"})
    library = load_library(site).library
    _write_index(library, "jia", tmp_path / "out")
    (js,) = _node_queries(str(tmp_path / "out" / "jia"), ["一卡通"])
    assert [(r["id"], r["via"]) for r in js["results"]] == [("2024-czj-009", ["惠民惠农财政补贴资金社会保障卡"])]
    assert js == search_site(library, "一卡通", "jia", cache=str(tmp_path / "cache"))


def test_the_shipped_dictionary_has_a_source_for_every_group_and_no_term_twice():
    import yaml
    with open(os.path.join(REPO, "zwgk", "outputs", "search", "synonyms.yaml"), encoding="utf-8") as fh:
        groups = yaml.safe_load(fh)
    terms = [t for g in groups for t in g["terms"]]
    assert sum(len(g["terms"]) - 1 for g in groups) >= 100                 # pairs of a short and a full form
    assert all(g["source"].strip() and len(set(g["terms"])) == len(g["terms"]) >= 2 for g in groups)
    assert len(terms) == len(set(terms))


@pytest.mark.parametrize("block_counties, common", [(25, None), (1, None), (1, 3)])
def test_the_portal_finds_what_the_counties_find_document_texts_and_attachments_included(demo, tmp_path, monkeypatch,
                                                                                         block_counties, common):
    """The portal's index is made from the counties' county.json files, as a merged build makes it;
    with a block of postings per county too, and then with every pair standing more than 3
    times as a common one, whose count the engine adds up over the blocks."""
    from zwgk.build import build_site
    from zwgk.outputs.search import browser_index, portal_index, rank
    monkeypatch.setattr(portal_index, "BLOCK_COUNTIES", block_counties)
    if common:
        monkeypatch.setattr(rank, "COMMON", common)
        monkeypatch.setattr(browser_index, "COMMON", common)
    out = str(tmp_path / "public")
    build_site(REPO, out)
    queries = ["低保", "户政大队", "征地补偿", "申请低保", "社会救助资金", "2024"]
    portal = _node_queries(out, queries)
    counties = {slug: _node_queries(os.path.join(out, slug), queries) for slug in ("linjiang", "shiqiao")}
    for n, q in enumerate(queries):
        found = {(r["type"], r["title"], r["url"]) for r in portal[n]["results"] if r["type"] != "page"}
        expected = {(r["type"], r["title"], f"{slug}/{r['url']}") for slug, got in counties.items()
                    for r in got[n]["results"] if r["type"] != "page"}
        assert found == expected and found, q
    # zwgk search without --county is the portal's search, in the same order.
    library, _out, cache = demo
    for q, js in zip(queries, portal):
        assert search_site(library, q, cache=cache) == js, q


def test_very_common_pairs_are_left_to_the_text_and_both_engines_still_agree(demo, monkeypatch, tmp_path):
    """In a city's portal a pair like 保障 stands tens of thousands of times: a part with rarer
    pairs is looked up by those, and the text settles whether it stands as written. Here every
    pair standing more than 3 times counts as common, so the demo takes that path throughout."""
    from zwgk.outputs.search import browser_index, postings, rank
    monkeypatch.setattr(rank, "COMMON", 3)
    monkeypatch.setattr(browser_index, "COMMON", 3)
    monkeypatch.setattr(postings, "BIG_TERM", 2)      # as in a city, a common pair's posting has a file of its own
    library, _out, cache = demo                       # the Python engine's index does not depend on COMMON
    _write_index(library, "linjiang", tmp_path / "out")
    records = county_records(library, "linjiang")
    texts = {(r.type, r.id, r.title): r.searchable for r in records}
    queries = QUERIES + SYNONYM_QUERIES + MULTI
    ranker = Ranker(records)
    assert any(ranker.kept(p) != p.terms for q in queries for p in parse_query(q))   # the path is taken
    for q, js in zip(queries, _node_queries(str(tmp_path / "out" / "linjiang"), queries)):
        assert js == search_site(library, q, "linjiang", cache=cache), q
        truth = {key for key, text in texts.items() if all(p.text in text for p in parse_query(q))}
        assert truth <= {_key(r) for r in js["results"]}, q              # recall of the query as typed


def test_zwgk_search_reads_attachments_too(tmp_path, capsys):
    """`zwgk search 户政大队`: the phrase stands only in a PDF attachment of the demo."""
    import shutil
    site = tmp_path / "site"
    for name in ("catalog", "content"):
        shutil.copytree(os.path.join(REPO, name), site / name)
    shutil.copy(os.path.join(REPO, "site.yaml"), site / "site.yaml")
    assert run_search_command(argparse.Namespace(query="户政大队", site=str(site), county=None, json=False)) == 0
    out = capsys.readouterr().out
    assert "[附件] 户口迁移办理指引（《临江县公安局关于户口迁移办理事项的公告》的附件）  linjiang/docs/2025-gaj-001.html" in out


# The text pieces (t/ files) the browser engine reads for one query's first result.
PIECES_READ = """
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
const { Engine } = createRequire(import.meta.url)(process.argv[1] + "/search/zwgk-search.js");
const [site, q] = JSON.parse(process.argv[2]), pieces = [];
const engine = new Engine(async (name) => {
  let payload;
  new Function("zwgkData", readFileSync(`${site}/search/${name}.js`, "utf8"))((_n, d) => { payload = d; });
  if (name.startsWith("t/")) pieces.push(payload[2] + "\\n" + payload[1]);    // head, text
  return payload;
});
const found = await engine.search(q, { size: 1 });
console.log(JSON.stringify({ ids: found.results.map((r) => r.id), pieces }));
"""


def _items(name: str, title: str, count: int, body: str = "") -> list:
    """count items titled title0, title1, ...; each fills text pieces of its own."""
    from zwgk.outputs.search.records import Record
    filler = "本事项按照规定办理。" * 250
    return [Record(f"{name}{i}", "item", "x", f"x/catalog/items/{name}{i}.html",
                   (f"{title}{i}", f"{name}{i}", "", "", body + filler), (("type", "事项"),)) for i in range(count)]


def _first_result_at_province_size(monkeypatch, tmp_path, records, query: str, synonyms=()) -> dict:
    """The first result of query over an index of records, and the text pieces read to find it,
    with every pair counted as common and given a posting file of its own, as at 200 counties."""
    from zwgk.outputs.search import browser_index, postings
    monkeypatch.setattr(browser_index, "COMMON", 1)
    monkeypatch.setattr(postings, "BIG_TERM", 2)
    for dest, data in browser_index.build_index(records, "x", synonyms=synonyms):
        (tmp_path / dest).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / dest).write_bytes(data)
    run = subprocess.run(["node", "--input-type=module", "-e", PIECES_READ, REPO,
                          json.dumps([str(tmp_path / "x"), query])], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def test_places_another_alternative_rules_out_are_not_read_from_the_text(monkeypatch, tmp_path):
    """At province size 征地补偿's synonym 征收土地补偿 was looked up by its rarest pair, 征收,
    and the text of each record titled 征收土地… was read (a text piece apiece: 5.4 MB) to find
    it did not say 征收土地补偿; the posting of 地补, fetched for 征地补偿 itself, already said so."""
    records = (_items("a", "征地补偿安置方案", 5) + _items("c", "征地批复", 7)        # 征地 is common
               + _items("b", "征收土地公告", 6)                                    # 征收 is their rarest pair
               + _items("e", "征地批复", 8) + _items("d", "土地补偿", 8))         # 地补 is common, less
    found = _first_result_at_province_size(monkeypatch, tmp_path, records, "征地补偿", synonyms=(("征地", "征收土地"),))
    assert found["ids"] == ["a0"]
    assert found["pieces"]
    assert not [piece for piece in found["pieces"] if "征收土地公告" in piece]


def test_places_in_the_body_are_not_read_while_a_title_holds_the_query(monkeypatch, tmp_path):
    """A record whose only candidate places are in its body cannot outrank one whose title holds
    the query, so the engine does not read its text to settle them: counting every undecided
    place as a title had 义务教育 read 26,264 text pieces in a 200-county portal."""
    records = (_items("t", "义务教育阶段", 1)
               + _items("x", "履行义务", 8, body="履行义务，教育培训。" * 30)       # 义务 and 教育 are common
               + _items("m", "通知", 6, body="服务教学" * 20))             # 务教, the rarest pair, often, in the body
    found = _first_result_at_province_size(monkeypatch, tmp_path, records, "义务教育")
    assert found["ids"] == ["t0"]
    assert found["pieces"]
    assert not [piece for piece in found["pieces"] if "服务教学" in piece]
