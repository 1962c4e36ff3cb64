"""The browser index: file format, safety, determinism, postings equal to the analysis."""
from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from zwgk.library import load_library
from zwgk.outputs.search import county_search_outputs, portal_search_outputs, search_outputs
from zwgk.outputs.search.analysis import normalize, tokenize
from zwgk.outputs.search.browser_index import build_index, js_codes, js_data
from zwgk.outputs.search.postings import ALPHABET as _ALPHABET
from zwgk.outputs.search.postings import BASE, term_hash
from zwgk.outputs.search.records import FACETS, ZONES, Record

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(REPO, "search", "fixture")
FILE = re.compile(r'^zwgkData\("([a-z0-9/-]+)",(.*)\);\n$', re.S)

HOSTILE = '</script><script>alert(1)</script><!-- & \u2028\u2029 "quoted" \\'


def _record(rid: str, type_: str, zones: tuple[str, ...], **facets) -> Record:
    url = {"item": f"x/catalog/items/{rid}.html", "document": f"x/docs/{rid}.html", "page": f"x/pages/{rid}.html"}[type_]
    return Record(rid, type_, "x", url, zones, tuple((k, v) for k, v in facets.items()))


def fixture_records() -> list[Record]:
    """Small records that exercise ranking, phrases, facets, numbers and hostile text."""
    body = "本通知自2020年8月1日起施行。" * 40
    return [
        _record("zdbc-01", "item", ("征地补偿安置方案", "zdbc-01\n征地补偿\n征地补偿安置方案", "补偿标准和安置途径",
                                     "《土地管理法》", "公开主体：县自然资源局"), type="事项", domain="征地补偿",
                mode="主动", audience="全社会"),
        _record("zdbc-02", "item", ("听证情况", "zdbc-02\n听证", "征地拆迁听证；土地补助；补偿款发放", "", ""),
                type="事项", domain="征地补偿", mode="依申请", audience="特定群体"),
        _record("2020-001", "document", ("关于做好征地补偿工作的通知", "2020-001\n甲政〔2020〕128号", "甲县人民政府",
                                          "", body + "征地补偿款按时足额发放。" + body), type="文件", year="2020",
                issuer="甲县人民政府", validity="现行有效"),
        _record("2021-002", "document", ("２０２１年预算公开……①", "2021-002\n甲财〔2021〕28号", "甲县财政局", "",
                                          "一般公共预算收入ＡＢＣ 12.3亿元；" + HOSTILE), type="文件", year="2021",
                issuer="甲县财政局", validity="已废止"),
        _record("about", "page", ("关于本站", "about", "", "", "说明文字。" + HOSTILE), type="页面"),
    ]


def _files(outputs) -> dict[str, str]:
    return {dest: data.decode("utf-8") for dest, data in outputs}


def _payload(text: str):
    m = FILE.match(text)
    assert m, text[:80]
    return m.group(1), json.loads(m.group(2))


def test_every_file_is_one_call_with_json():
    for dest, text in _files(build_index(fixture_records(), "x")).items():
        name, _payload_ = _payload(text)
        assert dest == f"x/search/{name}.js"


def test_hostile_text_cannot_break_out_of_a_script_tag():
    files = _files(build_index(fixture_records(), "x"))
    for dest, text in files.items():
        for bad in ("<", ">", "&", "\u2028", "\u2029"):
            assert bad not in text, (dest, bad)
    pieces = "".join(_payload(t)[1][1] for d, t in sorted(files.items(), key=lambda x: _piece_no(x[0])) if "/t/" in d)
    assert HOSTILE in pieces                # escaped, not lost


def _piece_no(dest: str) -> int:
    return int(dest.rsplit("/", 1)[1][:-3], 36) if "/t/" in dest else -1


def test_same_records_same_bytes():
    assert build_index(fixture_records(), "x") == build_index(fixture_records(), "x")


def _decode(s: str) -> list[int]:
    out, v = [], 0
    for ch in s:
        d = _ALPHABET.index(ch)
        if d >= BASE:
            v = v * BASE + d - BASE
        else:
            out.append(v * BASE + d)
            v = 0
    return out


def test_postings_hold_exactly_the_tokens_of_the_text():
    records = fixture_records()
    _assert_postings_hold_the_tokens(records, {_payload(t)[0]: _payload(t)[1] for t in _files(build_index(records, "x")).values()})


def _assert_postings_hold_the_tokens(records, files):
    index = files["index"]
    norm = [normalize(r.text) for r in records]
    text = "\n".join(norm)
    starts = [sum(len(t) + 1 for t in norm[:i]) for i in range(len(norm))]
    want_pairs: dict[str, list[int]] = {}
    want_chars: dict[str, dict[int, int]] = {}
    for r, rec in enumerate(records):
        bounds = [0]
        for z in rec.zones:
            bounds.append(bounds[-1] + len(normalize(z)) + 1)
        for tok, pos in tokenize(rec.text):
            zone = max(i for i, b in enumerate(bounds[:-1]) if pos >= b)
            if len(tok) == 2:
                want_pairs.setdefault(tok, []).append((starts[r] + pos, zone))
            else:
                want_chars.setdefault(tok, {})
                want_chars[tok][r] = min(want_chars[tok].get(r, 9), zone)
    # Each term's entries, (position or record, zone), its blocks' shares one after another.
    got_pairs, got_chars = {}, {}
    for folder, text_offset, record_offset, shards in index["blocks"]:
        for name, data in files.items():
            if not name.startswith(f"{folder}s/") or "-" in name:
                continue
            for section, sink, offset in zip(data, (got_chars, got_pairs), (record_offset, text_offset)):
                for entry in filter(None, section.split(",")):
                    width = 2 if sink is got_pairs else 1
                    term, posting = entry[:width], entry[width:]
                    assert term_hash(term) % shards == int(name[len(folder) + 2:], 36)
                    if posting.startswith("~"):
                        posting = files[f"{name}-{posting[1:]}"]
                    at = offset
                    for v in _decode(posting):
                        at += v // len(ZONES)
                        sink.setdefault(term, []).append((at, v % len(ZONES)))
    assert set(got_pairs) == set(want_pairs)
    for term, entries in got_pairs.items():
        assert sorted(entries) == entries == want_pairs[term], term      # each position with its zone
        assert all(text[p:p + 2] == term for p, _zone in entries)
    assert set(got_chars) == set(want_chars)
    for term, entries in got_chars.items():
        assert sorted(entries) == entries and dict(entries) == want_chars[term], term


@pytest.mark.parametrize("bucket_entries, block_counties", [(10 ** 9, 25), (300, 25), (10 ** 9, 1), (300, 1)])
def test_the_portal_merged_county_by_county_holds_the_tokens_of_every_countys_text(bucket_entries, block_counties,
                                                                                    monkeypatch, tmp_path):
    """The portal's index is merged from one part per county, a bucket of terms at a time (300
    entries a bucket: dozens of buckets), into blocks of counties; its postings, each block's
    shares one after another, are those of all the text at once."""
    from zwgk.outputs.search import PartStore, portal_search_outputs, portal_search_part
    from zwgk.outputs.search import portal_index
    from zwgk.outputs.search.records import portal_records
    monkeypatch.setattr(portal_index, "BUCKET_ENTRIES", bucket_entries)
    monkeypatch.setattr(portal_index, "BLOCK_COUNTIES", block_counties)
    library = load_library(REPO).library
    parts = PartStore(str(tmp_path / "parts"))
    for county in library.counties:
        portal_search_part(parts, f"key-{county.slug}", lambda: library, county.slug)
    outputs = list(portal_search_outputs(library, parts, scratch=str(tmp_path / "parts")))
    files = {_payload(t)[0]: _payload(t)[1] for t in _files(outputs).values()}
    records = portal_records(library)
    assert files["index"]["count"] == len(records)
    _assert_postings_hold_the_tokens(records, files)
    blocks = files["index"]["blocks"]
    assert len(blocks) == -(-len(library.counties) // block_counties)
    if bucket_entries < 10 ** 9:
        assert all(shards % 16 == 0 for _folder, _text, _records, shards in blocks)   # a multiple of the buckets merged
    assert sorted(os.listdir(tmp_path / "parts")) == sorted([f"key-{c.slug}.part" for c in library.counties])


def test_a_countys_part_is_made_once_and_dropped_when_it_changes(tmp_path):
    from zwgk.outputs.search import PartStore, portal_search_outputs, portal_search_part
    library = load_library(REPO).library
    made = []

    def only(slug):
        made.append(slug)
        return library

    folder = str(tmp_path / "parts")
    for round_ in ("first", "second"):
        if round_ == "second":
            (tmp_path / "parts" / "sources.json").write_text("{}", encoding="utf-8")    # the folder is shared
            (tmp_path / "parts" / "merged-9.npz").write_bytes(b"")            # left by a killed merge
        parts = PartStore(folder)
        for county in library.counties:
            key = "changed" if round_ == "second" and county is library.counties[0] else county.slug
            portal_search_part(parts, key, lambda slug=county.slug: only(slug), county.slug)
        list(portal_search_outputs(library, parts, scratch=folder))
    first = library.counties[0].slug
    assert made == [c.slug for c in library.counties] + [first]
    assert sorted(os.listdir(folder)) == sorted(["changed.part", "sources.json"] + [f"{c.slug}.part" for c in library.counties[1:]])


def test_pieces_rebuild_the_original_text_at_their_normalised_positions():
    records = fixture_records()
    files = {_payload(t)[0]: _payload(t)[1] for t in _files(build_index(records, "x")).values()}
    pieces = [files[f"t/{k:x}" if k < 10 else f"t/{_b36(k)}"] for k in range(files["index"]["pieces"])]
    original = "\n".join(r.text for r in records)
    assert "".join(p[1] for p in pieces) == original
    done = ""
    for start, piece, _head in pieces:
        assert start == len(normalize(done))
        done += piece


def test_the_portal_reads_each_countys_text_from_that_countys_own_pieces():
    """The portal writes no copy of a county's text: each county's records are the first
    records of its own index, in the same order, and its pieces hold their text."""
    from zwgk.outputs.search.records import portal_records
    from zwgk.outputs.search.whoosh_index import with_attachments
    library = with_attachments(load_library(REPO).library)
    files = {dest: _payload(text)[1] for dest, text in _files(search_outputs(library)).items()}
    segments = files["search/index.js"]["segments"]
    records = portal_records(library)
    groups = [[records[0]]]
    for record in records[1:]:
        if record.county == groups[-1][0].county:
            groups[-1].append(record)
        else:
            groups.append([record])
    assert len(segments) == len(groups) == len(library.counties) + 1        # the shared pages last
    portal_text = "\n".join(r.text for r in records)
    for (folder, offset, first, count), group in zip(segments, groups):
        folder = os.path.normpath(os.path.join("search", folder))
        assert folder == (f"{group[0].county}/search" if group[0].county else "search")
        pieces = [files[f"{folder}/t/{_b36(first + k)}.js"] for k in range(count)]
        text = "\n".join(r.text for r in group)
        assert pieces[0][0] == 0 and "".join(p[1] for p in pieces).startswith(text)
        assert normalize(portal_text[:portal_text.index(text)]) == normalize(portal_text)[:offset]
    assert not [d for d in files if d.startswith("search/t/") and d != "search/t/0.js"]


def _b36(k: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        k, d = divmod(k, 36)
        out = digits[d] + out
        if not k:
            return out


def test_index_records_facets_and_urls():
    records = fixture_records()
    files = {_payload(t)[0]: _payload(t)[1] for t in _files(build_index(records, "x")).values()}
    index = files["index"]
    assert index["count"] == len(records)
    assert [f["name"] for f in index["facets"]] == [name for name, _label in FACETS]
    assert ["item", "catalog/items/{id}.html"] in index["urls"]
    assert ["document", "docs/{id}.html"] in index["urls"]
    assert len(index["version"]) == 12


def test_node_engine_fixture_is_current():
    """search/fixture is this index, written by this code; node's tests read it."""
    expected = {dest.split("/", 1)[1]: data for dest, data in build_index(fixture_records(), "x")}
    found = {}
    for dirpath, _dirs, names in os.walk(FIXTURE):
        for name in names:
            full = os.path.join(dirpath, name)
            found[os.path.relpath(full, FIXTURE).replace(os.sep, "/")] = open(full, "rb").read()
    if os.environ.get("ZWGK_REFRESH_FIXTURES"):
        for rel in found.keys() - expected.keys():
            os.remove(os.path.join(FIXTURE, *rel.split("/")))
        for rel, data in expected.items():
            path = os.path.join(FIXTURE, *rel.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
        return
    assert found == expected, "refresh with: ZWGK_REFRESH_FIXTURES=1 python -m pytest tests/test_search_index.py"


def test_outputs_go_under_each_county_and_the_portal(make_site):
    library = load_library(make_site()).library
    dests = [d for d, _data in search_outputs(library)]
    assert "jia/search/index.js" in dests and "search/index.js" in dests
    assert all(d.startswith(("jia/search/", "search/")) for d in dests)
    assert county_search_outputs(library, "jia") == county_search_outputs(library, "jia")
    portal = _files(portal_search_outputs(library))
    assert json.loads(FILE.match(portal["search/index.js"]).group(2))["facets"][0]["name"] == "county"


def test_empty_county_index(make_site):
    site = make_site({"catalog/jia/czyjs.yaml": None, "content/jia/docs/2024-czj-001.md": None, "content/pages/about.md": None})
    library = load_library(site).library
    files = _files(county_search_outputs(library, "jia"))
    assert json.loads(FILE.match(files["jia/search/index.js"]).group(2))["count"] == 0


def test_a_damaged_part_is_made_again(tmp_path):
    """A part file cut short (a full disk, a killed build) is never read: the county's part is made anew."""
    from zwgk.outputs.search import PartStore, portal_search_part
    library = load_library(REPO).library
    slug = library.counties[0].slug
    folder = str(tmp_path / "parts")
    whole = portal_search_part(PartStore(folder), "k", lambda: library, slug)
    path = os.path.join(folder, "k.part")
    data = open(path, "rb").read()
    for damaged in (data[:len(data) // 2], data[:20], b"", b"not a part at all"):
        with open(path, "wb") as fh:
            fh.write(damaged)
        again = portal_search_part(PartStore(folder), "k", lambda: library, slug)
        assert open(path, "rb").read() == data
        assert [again.read(name).tolist() for name in again.meta["arrays"]] == \
            [whole.read(name).tolist() for name in whole.meta["arrays"]]


def test_a_portal_with_nothing_to_find_still_has_an_index():
    """Every county empty and no shared page: the portal's search page loads an index that finds nothing."""
    from zwgk.outputs.search.portal_index import portal_index_files
    from zwgk.outputs.search.portal_parts import make_part
    from zwgk.outputs.search.records import PORTAL_FACETS
    empty = make_part("jia", [], PORTAL_FACETS)
    files = {dest: _payload(text)[1] for dest, text in _files(portal_index_files([empty], [], PORTAL_FACETS, ())).items()}
    assert files["search/index.js"]["count"] == 0 and "search/s/0.js" in files


def test_a_long_posting_file_is_the_script_js_data_would_write_and_safe_in_html():
    """Long postings are written without escaping (js_codes): right only while the codes'
    alphabet needs none, in JSON, in a <script> or in HTML."""
    codes = "".join(_ALPHABET) * 3
    made = js_codes("s/1a-0", codes)
    assert made == js_data("s/1a-0", codes)
    assert not set(codes) & set("\"\\<>&'\u2028\u2029") and codes.isprintable()

