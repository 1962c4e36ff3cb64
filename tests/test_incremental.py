"""Incremental builds: what an unchanged build touches (nothing), what an edit re-renders
(only what shows the edited file), subset builds merged into one output, and a killed build
leaving the last good site whole. Each incremental output is compared with a clean build."""
from __future__ import annotations

import filecmp
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time

import pytest

from conftest import REPORT_YAML, OFFICE_YAML, REPO, run_zwgk, write_files
from zwgk.build import build_site
from zwgk.library import COUNTY_WIDE
from zwgk.render.renderer import plan_county, plan_portal
from zwgk.publish import read_kept_manifest
from zwgk.publish.write import MANIFEST, read_manifest

SITE_YAML = """\
title: 测试市政务公开事项标准目录
base_url: https://zwgk.test.example.gov.cn/
organiser: 测试市人民政府办公室
"""


def item_yaml(prefix: str, n: int, docs: list[str]) -> str:
    lines = [f"  - id: {prefix}-{n:02d}", f"    level1: 事项{n}", f"    level2: 子项{n}",
             "    content: 公开内容", "    basis: [《中华人民共和国政府信息公开条例》]", "    deadline: 20个工作日内",
             "    subject: 县财政局", "    channels: [政府网站]", "    audience: 全社会", "    mode: 主动", "    level: [县级]"]
    if docs:
        lines.append(f"    documents: [{', '.join(docs)}]")
    return "\n".join(lines) + "\n"


def doc_md(title: str, published: str, items: list[str] = (), extra: str = "") -> str:
    head = f"---\ntitle: {title}\nissuer: 县财政局\npublished: {published}\n"
    if items:
        head += f"items: [{', '.join(items)}]\n"
    return head + extra + "---\n\n## 正文\n\n全县一般公共预算收入 12.3 亿元，比上年增长 5.2%。\n"


def county_files(slug: str, name: str, code: str, items: int = 6, docs: int = 4) -> dict[str, str]:
    files = {f"catalog/{slug}/county.yaml": f"name: {name}\ncode: '{code}'\n" + OFFICE_YAML}
    doc_ids = [f"2024-czj-{n:03d}" for n in range(1, docs + 1)]
    for domain, prefix in (("财政预决算", "czyjs"), ("就业", "jy")):
        body = "".join(item_yaml(prefix, n, [doc_ids[n % docs]] if prefix == "czyjs" and n < 3 else [])
                       for n in range(1, items + 1))
        files[f"catalog/{slug}/{prefix}.yaml"] = f"domain: {domain}\nitems:\n{body}"
    for n, doc_id in enumerate(doc_ids, 1):
        extra = "attachments: [files/table.csv]\n" if n == 1 else ""
        extra += f"interprets: {doc_ids[0]}\n" if n == docs else ""
        files[f"content/{slug}/docs/{doc_id}.md"] = doc_md(f"{name}文件{n}", f"2024-0{n % 9 + 1}-10",
                                                          [f"jy-{n:02d}"] if n <= items else [], extra)
    files[f"content/{slug}/files/table.csv"] = "项目,金额\n教育,100\n"
    files[f"content/{slug}/pages/guide.md"] = f"---\ntitle: {name}政府信息公开指南\n---\n\n指南正文。\n"
    return files


def two_county_site(root, **sizes) -> str:
    files = {"site.yaml": SITE_YAML, "content/pages/about.md": "---\ntitle: 关于本站\n---\n\n说明。\n"}
    files.update(county_files("jia", "甲县", "990901", **sizes))
    files.update(county_files("yi", "乙县", "990902", **sizes))
    return write_files(root, files)


def stamps(out: str) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file: a file rewritten or re-linked gets a new inode or time."""
    found = {}
    for dirpath, _dirs, names in os.walk(out):
        for name in names:
            st = os.stat(os.path.join(dirpath, name))
            found[os.path.relpath(os.path.join(dirpath, name), out)] = (st.st_ino, st.st_mtime_ns)
    return found


def assert_same_tree(a: str, b: str) -> None:
    cmp = filecmp.dircmp(a, b, ignore=[])
    assert not cmp.left_only and not cmp.right_only, (a, cmp.left_only, cmp.right_only)
    _same, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch == [".zwgk-manifest.json"]:          # say which entries differ: the files themselves agree
        import json
        ours, theirs = (json.load(open(os.path.join(d, mismatch[0]), encoding="utf-8")) for d in (a, b))
        mismatch = [(k, ours.get(k), theirs.get(k)) for k in sorted(set(ours) | set(theirs)) if ours.get(k) != theirs.get(k)]
    assert not mismatch and not errors, (a, mismatch, errors)
    for name in cmp.common_dirs:
        assert_same_tree(os.path.join(a, name), os.path.join(b, name))


def assert_same_as_clean_build(site: str, out: str, tmp_path) -> None:
    clean = str(tmp_path / f"clean-{time.monotonic_ns()}")
    build_site(site, clean)
    assert_same_tree(out, clean)
    shutil.rmtree(clean)


def test_an_unchanged_second_build_renders_nothing_and_touches_no_file(tmp_path):
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    first = build_site(site, out)
    assert first.pages > 0 and first.written > 0
    before, folder = stamps(out), os.stat(out).st_ino
    again = build_site(site, out)
    assert (again.pages, again.written, again.removed) == (0, 0, 0)
    assert again.skipped == 2
    assert stamps(out) == before and os.stat(out).st_ino == folder      # not rewritten, not swapped
    assert not os.path.exists(str(tmp_path / ".public.staging"))


def _counting_hashes(monkeypatch) -> list[str]:
    """Files whose content the build hashes from now on (in this process), all taken as older
    than a racy moment: every file written by the test counts as settled."""
    from zwgk.publish import fingerprint
    hashed: list[str] = []
    real = fingerprint.file_digest
    monkeypatch.setattr(fingerprint, "file_digest", lambda full: hashed.append(full) or real(full))
    later = time.time_ns() + 60_000_000_000
    monkeypatch.setattr(fingerprint.time, "time_ns", lambda: later)
    return hashed


def test_a_new_build_process_reads_no_unchanged_source_file_again(tmp_path, monkeypatch):
    """Each build is a new process (a fresh BuildCache): what the last one hashed, workers
    included, is kept beside the output, and a file changed since is still seen."""
    monkeypatch.setenv("ZWGK_WORKERS", "2")              # the counties are hashed in forked workers
    hashed = _counting_hashes(monkeypatch)
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    assert os.path.exists(tmp_path / ".public.cache" / "sources.json")
    hashed.clear()
    again = build_site(site, out)
    assert again.skipped == 2 and [f for f in hashed if f.startswith(site)] == []     # (zwgk's theme is hashed apart)
    # An edit that keeps the file's size and time is seen all the same (its inode's change time moved).
    path = os.path.join(site, "content", "jia", "docs", "2024-czj-001.md")
    st = os.stat(path)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace("甲县文件1", "甲县文件9"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    edited = build_site(site, out)
    assert [f for f in hashed if f.startswith(site)] == [path] and edited.skipped == 1
    assert "甲县文件9" in open(os.path.join(out, "jia", "docs", "2024-czj-001.html"), encoding="utf-8").read()


def test_the_digest_cache_forgets_files_that_are_gone_and_looks_only_for_those_not_found(tmp_path, monkeypatch):
    """sources.json keeps no file that is gone; only the files a build did not find are looked
    for on disk (a province has 71,000 sources)."""
    from zwgk.publish import FileDigests
    from zwgk.publish import fingerprint
    later = time.time_ns() + 60_000_000_000
    monkeypatch.setattr(fingerprint.time, "time_ns", lambda: later)     # every file written here counts as settled
    files = {name: str(tmp_path / name) for name in ("a.yaml", "b.yaml", "c.yaml")}
    for path in files.values():
        write_files(str(tmp_path), {os.path.basename(path): "x: 1\n"})
    saved = str(tmp_path / "sources.json")
    first = FileDigests()
    for path in files.values():
        first.of(path, os.stat(path))
    first.save(saved)
    os.remove(files["b.yaml"])
    write_files(str(tmp_path), {"a.yaml": "x: 2\n"})          # changed: the cache is saved again
    looked_for: list[str] = []
    real = os.path.lexists
    monkeypatch.setattr(fingerprint.os.path, "lexists", lambda p: looked_for.append(p) or real(p))
    second = FileDigests()
    second.load(saved)
    second.of(files["a.yaml"], os.stat(files["a.yaml"]))        # c.yaml is not part of this build
    second.save(saved)
    assert sorted(looked_for) == [files["b.yaml"], files["c.yaml"]]
    with open(saved, encoding="utf-8") as fh:
        assert sorted(json.load(fh)["files"]) == [files["a.yaml"], files["c.yaml"]]


def test_a_damaged_digest_cache_only_costs_hashing_again(tmp_path, monkeypatch):
    hashed = _counting_hashes(monkeypatch)
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    (tmp_path / ".public.cache" / "sources.json").write_text('{"format": 1, "files": {"x": 3}', encoding="utf-8")
    hashed.clear()
    again = build_site(site, out)
    assert again.skipped == 2 and len([f for f in hashed if f.startswith(site)]) > 10
    assert_same_as_clean_build(site, out, tmp_path)


def _counting_decoded_counties(monkeypatch) -> list[str]:
    """The counties whose county.json is decoded, in order."""
    from zwgk.library import snapshot
    decoded, read = [], snapshot.read_snapshot

    def counting(data: bytes) -> dict:
        payload = read(data)
        decoded.append(payload["county"]["slug"])
        return payload
    monkeypatch.setattr(snapshot, "read_snapshot", counting)
    return decoded


def _add_an_item_to_jia(site: str) -> None:
    with open(os.path.join(site, "catalog", "jia", "jy.yaml"), "a", encoding="utf-8") as fh:
        fh.write(item_yaml("jy", 99, []))


def test_a_new_build_process_decodes_no_unchanged_county_for_the_portal(tmp_path, monkeypatch):
    """The portal's pages show each county's totals: an unchanged county's come from the
    summary the last build kept beside the output, not from decoding its county.json again,
    and the edited county's new totals reach the portal."""
    decoded = _counting_decoded_counties(monkeypatch)
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    assert os.path.exists(tmp_path / ".public.cache" / "summaries.json")
    _add_an_item_to_jia(site)
    decoded.clear()
    build_site(site, out)
    assert "yi" not in decoded and "jia" in decoded
    portal = open(os.path.join(out, "index.html"), encoding="utf-8").read()
    assert "13 个事项" in portal and "12 个事项" in portal          # 甲县 has one item more than 乙县
    assert_same_as_clean_build(site, out, tmp_path)


def test_a_damaged_summary_cache_only_costs_decoding_again(tmp_path, monkeypatch):
    decoded = _counting_decoded_counties(monkeypatch)
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    summaries = tmp_path / ".public.cache" / "summaries.json"
    summaries.write_text(summaries.read_text(encoding="utf-8").replace('"totals"', '"totalz"'), encoding="utf-8")
    write_files(site, {"catalog/jia/county.yaml": f"name: 甲县\ncode: '990903'\n" + OFFICE_YAML})
    decoded.clear()
    build_site(site, out)
    assert sorted(set(decoded)) == ["jia", "yi"]
    assert_same_as_clean_build(site, out, tmp_path)
    write_files(site, {"catalog/jia/county.yaml": f"name: 甲县\ncode: '990904'\n" + OFFICE_YAML})
    decoded.clear()
    build_site(site, out)
    assert "yi" not in decoded            # the file was written again whole


def test_an_edit_to_one_county_makes_only_its_block_of_the_portals_postings_again(tmp_path, monkeypatch):
    """A block of postings per county here (a province has 25 counties a block): an edit to 甲县
    merges and writes 甲县's block (search/b/0/); 乙县's, with the shared pages (search/b/1/), is
    kept as it was, file by file, and the portal still equals a clean build."""
    from zwgk.outputs.search import portal_index
    monkeypatch.setattr(portal_index, "BLOCK_COUNTIES", 1)
    made: list[list[str]] = []
    real = portal_index._block_files
    monkeypatch.setattr(portal_index, "_block_files",
                        lambda members, *args: made.append([p.meta["county"] for p in members]) or real(members, *args))
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    assert made == [["jia"], ["yi", ""]]
    before = stamps(out)
    _add_an_item_to_jia(site)
    made.clear()
    build_site(site, out)
    assert made == [["jia"]]
    after = stamps(out)
    yi_block = [f for f in before if f.startswith(os.path.join("search", "b", "1", ""))]
    assert yi_block and all(after[f] == before[f] for f in yi_block)       # not rewritten, not re-linked
    jia_block = [f for f in after if f.startswith(os.path.join("search", "b", "0", ""))]
    assert any(after[f] != before.get(f) for f in jia_block)
    assert_same_as_clean_build(site, out, tmp_path)


def test_the_previous_site_keeps_its_manifest_as_a_delta_tied_to_the_live_one(tmp_path, monkeypatch):
    """The previous site beside the output (the next build's stage) keeps what differs from the
    live manifest, not a second whole one (53 MB for a province, parsed by every build). A
    delta made against another live manifest is never trusted: that build starts a new stage.
    When most files changed, the previous site keeps its whole manifest instead (here one county
    of two is most of the site: any share goes, until the last build)."""
    from zwgk.publish import manifest
    from zwgk.publish.manifest import DELTA
    monkeypatch.setattr(manifest, "DELTA_SHARE", 1.0)
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    previous = str(tmp_path / ".public.previous")
    build_site(site, out)
    first = dict(read_manifest(out))
    _add_an_item_to_jia(site)
    build_site(site, out)
    assert not os.path.exists(os.path.join(previous, MANIFEST))
    with open(os.path.join(previous, DELTA), encoding="utf-8") as fh:
        changed = json.load(fh)["changed"]
    assert changed and not any(dest.startswith("yi/") for dest in changed)      # 乙县's files are as they were
    assert read_kept_manifest(previous, out) == first
    os.utime(os.path.join(out, MANIFEST), ns=(1, 1))      # the same bytes, written again
    assert read_kept_manifest(previous, out) == {}
    write_files(site, {"catalog/jia/county.yaml": "name: 甲县\ncode: '990909'\n" + OFFICE_YAML})
    build_site(site, out)
    assert_same_as_clean_build(site, out, tmp_path)
    before = dict(read_manifest(out))
    monkeypatch.setattr(manifest, "DELTA_SHARE", 0.25)
    write_files(site, {"site.yaml": SITE_YAML.replace("测试市", "测试州")})     # on every page
    build_site(site, out)
    assert os.path.exists(os.path.join(previous, MANIFEST)) and not os.path.exists(os.path.join(previous, DELTA))
    assert read_kept_manifest(previous, out) == before


def test_an_edit_to_one_domain_re_renders_that_domain_its_documents_and_the_county_pages_only(tmp_path):
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    before = stamps(out)
    path = os.path.join(site, "catalog", "jia", "czyjs.yaml")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(item_yaml("czyjs", 9, []))
    edited = build_site(site, out)

    library = edited.library
    jia = library.county("jia")
    czyjs_items = {i.id for d in jia.domains if d.slug == "czyjs" for i in d.items}
    linked_docs = {d.id for i in czyjs_items for d in library.documents_for_item("jia", i)}
    linked_docs |= {d.id for d in jia.documents if set(d.items) & czyjs_items}
    expected = [job for job in plan_county(jia)
                if job.kind in COUNTY_WIDE
                or (job.kind == "domain" and job.key == "czyjs")
                or (job.kind == "item" and job.key in czyjs_items)
                or (job.kind == "document" and job.key in linked_docs)]
    expected += plan_portal(library)            # the portal shows the county's counts
    assert edited.pages == len(expected)
    assert {"jia/catalog/items/czyjs-09.html", "jia/catalog/czyjs/index.html", "jia/index.html"} <= {j.dest for j in expected}

    after = stamps(out)
    rewritten = {p for p in after if before.get(p, (None, None))[0] != after[p][0]}
    assert not [p for p in rewritten if p.startswith("yi/")], "the other county was touched"
    untouched_pages = [j.dest for j in plan_county(jia) if j not in expected and j.kind == "item"]
    assert untouched_pages and not rewritten.intersection(untouched_pages)
    assert_same_as_clean_build(site, out, tmp_path)


EDITS = {
    "document title shown on item pages": ("content/jia/docs/2024-czj-001.md", lambda t: t.replace("甲县文件1", "甲县新文件1")),
    "a new document naming an item": ("content/jia/docs/2025-czj-009.md", lambda t: doc_md("甲县新增文件", "2025-01-02", ["czyjs-05"])),
    "an item removed": ("catalog/jia/jy.yaml", lambda t: t.split("  - id: jy-06")[0]),
    "the county's name": ("catalog/jia/county.yaml", lambda t: t.replace("甲县", "甲区")),
    "a shared page": ("content/pages/about.md", lambda t: t.replace("说明。", "新的说明。")),
    "an attachment": ("content/jia/files/table.csv", lambda t: t + "卫生,50\n"),
    "a county page": ("content/yi/pages/guide.md", lambda t: t.replace("指南正文", "新的指南正文")),
    "a new county": ("catalog/bing/county.yaml", lambda t: "name: 丙县\ncode: '990903'\n"),
    # A column appears in every page's navigation.
    "a first 制度 document": ("content/jia/docs/2023-bgs-001.md", lambda t: "---\ntitle: 甲县政府信息公开制度\nissuer: 甲县政府办\n"
                                                                     "published: 2023-01-05\ncategory: 政府信息公开制度\n---\n正文。\n"),
    "a first 年报": ("content/yi/reports/2024.yaml", lambda t: REPORT_YAML),
}


@pytest.mark.slow       # fifteen builds, each compared with a clean one
def test_after_each_kind_of_edit_the_output_equals_a_clean_build(tmp_path):
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    for what, (rel, change) in EDITS.items():
        path = os.path.join(site, *rel.split("/"))
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        write_files(site, {rel: change(old)})
        result = build_site(site, out)
        assert result.pages > 0, what
        assert_same_as_clean_build(site, out, tmp_path)
    # A file's date is on its pages (outside git it is the file's time): touching it re-renders them.
    doc = os.path.join(site, "content", "yi", "docs", "2024-czj-002.md")
    os.utime(doc, (946_728_000, 946_728_000))            # 2000-01-01
    assert build_site(site, out).pages > 0
    assert_same_as_clean_build(site, out, tmp_path)
    shutil.rmtree(os.path.join(site, "catalog", "bing"))
    assert build_site(site, out).removed > 0              # a county gone from the sources is gone from the site
    assert_same_as_clean_build(site, out, tmp_path)


def test_a_file_deleted_from_the_output_by_hand_comes_back(tmp_path):
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    os.remove(os.path.join(out, "yi", "catalog", "items", "jy-03.html"))
    build_site(site, out)
    assert_same_as_clean_build(site, out, tmp_path)


@pytest.mark.slow       # builds in other processes
def test_a_strict_build_does_not_take_a_county_whose_last_build_had_warnings(tmp_path):
    site = two_county_site(tmp_path / "site")
    path = os.path.join(site, "catalog", "yi", "jy.yaml")
    with open(path, "a", encoding="utf-8") as fh:   # 特定群体 without audience_note is a warning
        fh.write(item_yaml("jy", 30, []).replace("audience: 全社会", "audience: 特定群体"))
    out = str(tmp_path / "public")
    assert any(p.severity == "warning" for p in build_site(site, out).problems)
    result = run_zwgk("build", site, "--out", out, "--strict")
    assert result.returncode == 1 and "audience_note" in result.stderr


@pytest.mark.slow       # builds in other processes
def test_counties_built_as_separate_jobs_merge_into_the_same_output_as_one_build(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_WORKERS", "2")      # the parallel path, as a city build takes it
    site = two_county_site(tmp_path / "site")
    whole = str(tmp_path / "whole")
    build_site(site, whole)
    for county in ("jia", "yi"):
        done = run_zwgk("build", site, "--county", county, "--out", str(tmp_path / f"job-{county}"))
        assert done.returncode == 0, done.stderr
        listing = os.listdir(tmp_path / f"job-{county}")
        assert county in listing and ({"jia", "yi"} - {county}).isdisjoint(listing)
    merged = str(tmp_path / "merged")
    done = run_zwgk("build", site, "--merge", str(tmp_path / "job-jia"), "--merge", str(tmp_path / "job-yi"),
                    "--out", merged)
    assert done.returncode == 0, done.stderr
    assert_same_tree(merged, whole)                # byte for byte, the manifest included


def test_one_county_edited_builds_in_a_worker_while_the_portal_takes_the_others(tmp_path, monkeypatch):
    """The parallel path of an edit: the edited county in a forked worker, the unchanged
    county's share of the portal made meanwhile in this process; the output equals a clean build."""
    monkeypatch.setenv("ZWGK_WORKERS", "2")
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    path = os.path.join(site, "content", "jia", "docs", "2024-czj-001.md")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    write_files(site, {"content/jia/docs/2024-czj-001.md": text.replace("甲县文件1", "甲县新文件1")})
    result = build_site(site, out)
    assert result.skipped == 1 and result.pages > 0
    assert_same_as_clean_build(site, out, tmp_path)


def test_a_subset_build_keeps_the_other_counties_of_the_output(tmp_path):
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    yi_before = {p: s for p, s in stamps(out).items() if p.startswith("yi/")}
    write_files(site, {"catalog/jia/county.yaml": "name: 甲区\ncode: '990901'\n" + OFFICE_YAML})
    result = build_site(site, out, counties=("jia",))
    assert result.counties == 2
    assert {p: s for p, s in stamps(out).items() if p.startswith("yi/")} == yi_before
    assert "甲区" in open(os.path.join(out, "index.html"), encoding="utf-8").read()
    assert_same_as_clean_build(site, out, tmp_path)


@pytest.mark.slow       # builds in other processes
def test_merging_refuses_a_county_built_from_another_site(tmp_path):
    site = two_county_site(tmp_path / "site")
    assert run_zwgk("build", site, "--county", "jia", "--out", str(tmp_path / "a")).returncode == 0
    write_files(site, {"site.yaml": SITE_YAML.replace("测试市", "另一市")})
    done = run_zwgk("build", site, "--merge", str(tmp_path / "a"), "--out", str(tmp_path / "merged"))
    assert done.returncode == 1 and "不同的站点配置" in done.stderr
    assert not os.path.exists(tmp_path / "merged")


def manifest_digests(out: str) -> dict[str, str]:
    return {dest: v[0] for dest, v in read_manifest(out).items()}


def assert_complete(out: str) -> dict[str, str]:
    """Every file the manifest names is there with the bytes it names, and nothing else."""
    digests = manifest_digests(out)
    found = {os.path.relpath(os.path.join(d, f), out).replace(os.sep, "/")
             for d, _dirs, fs in os.walk(out) for f in fs} - {MANIFEST}
    assert found == set(digests)
    for dest, expected in digests.items():
        with open(os.path.join(out, dest), "rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest()[:32] == expected, dest
    return digests


@pytest.mark.slow       # builds in other processes
def test_killing_a_build_at_any_moment_leaves_the_last_good_site_whole(tmp_path):
    site = two_county_site(tmp_path / "site", items=60, docs=20)
    out = str(tmp_path / "public")
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "PYTHONPATH": REPO, "ZWGK_WORKERS": "2"}
    command = [sys.executable, "-m", "zwgk", "build", site, "--out", out]
    started = time.monotonic()
    first = subprocess.run(command, env=env, capture_output=True, text=True)
    duration = time.monotonic() - started
    assert first.returncode == 0
    assert "已生成" in first.stdout          # the command's report reaches a pipe before it leaves
    good = assert_complete(out)
    rng = random.Random(8)
    for attempt in range(4):
        write_files(site, {"catalog/jia/county.yaml": f"name: 甲县{attempt}\ncode: '990901'\n" + OFFICE_YAML,
                           "content/yi/pages/guide.md": f"---\ntitle: 指南\n---\n\n第{attempt}版。\n"})
        reference = str(tmp_path / f"reference-{attempt}")
        build_site(site, reference)
        finished = manifest_digests(reference)
        build = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration))
        build.kill()
        build.wait()
        now = assert_complete(out)
        assert now in (good, finished), f"attempt {attempt}: the output is neither the last good site nor the new one"
        good = now
    assert subprocess.run(command, env=env, capture_output=True).returncode == 0
    assert_same_tree(out, reference)


def test_a_preview_build_leaves_the_producers_for_the_next_full_build(tmp_path):
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    csv_path = os.path.join(out, "jia", "downloads", "czyjs.csv")
    downloads_before = stamps(out)[os.path.relpath(csv_path, out)]
    with open(os.path.join(site, "catalog", "jia", "czyjs.yaml"), "a", encoding="utf-8") as fh:
        fh.write(item_yaml("czyjs", 9, []))
    preview = build_site(site, out, defer_producers=True)
    assert os.path.isfile(os.path.join(out, "jia", "catalog", "items", "czyjs-09.html"))
    assert stamps(out)[os.path.relpath(csv_path, out)] == downloads_before    # made by the last full build
    assert "czyjs-09" not in open(csv_path, encoding="utf-8-sig").read()
    again = build_site(site, out, defer_producers=True)
    assert (again.pages, again.written) == (0, 0)
    full = build_site(site, out)
    assert full.pages == len(plan_portal(full.library)) < preview.pages    # the county's pages were current
    assert "czyjs-09" in open(csv_path, encoding="utf-8-sig").read()
    assert_same_as_clean_build(site, out, tmp_path)


@pytest.mark.slow       # builds in other processes
def test_a_long_running_process_sees_every_save_and_every_outside_build(tmp_path):
    """`zwgk serve` keeps parsed files and manifests between builds: a save must still show,
    a kept file's warnings must still be reported, and a build by another process must be seen."""
    from zwgk.build import BuildCache
    cache = BuildCache()
    cache.parsed.capacity = 2000
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    domain = os.path.join(site, "catalog", "jia", "czyjs.yaml")
    item_page = os.path.join(out, "jia", "catalog", "items", "czyjs-01.html")
    original = open(domain, encoding="utf-8").read()
    build_site(site, out, cache=cache)
    with open(domain, "w", encoding="utf-8") as fh:   # new text, and a number where text belongs
        fh.write(original.replace("content: 公开内容", "content: 第一次修改", 1).replace("deadline: 20个工作日内", "deadline: 20", 1))
    first = build_site(site, out, defer_producers=True, cache=cache)
    assert "第一次修改" in open(item_page, encoding="utf-8").read()
    assert any(p.severity == "warning" and p.path.endswith("czyjs.yaml") for p in first.problems)
    again = build_site(site, out, cache=cache)                      # the file is parsed from what was kept
    assert any(p.severity == "warning" and p.path.endswith("czyjs.yaml") for p in again.problems)
    with open(domain, "w", encoding="utf-8") as fh:
        fh.write(original.replace("content: 公开内容", "content: 第二次修改", 1))
    outside = run_zwgk("build", site, "--out", out)    # another process builds the same output
    assert outside.returncode == 0, outside.stderr
    with open(domain, "w", encoding="utf-8") as fh:
        fh.write(original.replace("content: 公开内容", "content: 第三次修改", 1))
    build_site(site, out, cache=cache)
    assert "第三次修改" in open(item_page, encoding="utf-8").read()
    assert_same_as_clean_build(site, out, tmp_path)


def test_a_linked_previous_site_made_ahead_is_reused_by_the_next_build(tmp_path):
    from zwgk.publish.write import keep_previous
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    build_site(site, out)
    previous = str(tmp_path / ".public.previous")
    assert not os.path.exists(previous)        # a first build leaves none
    keep_previous(out)
    assert read_kept_manifest(previous, out) == read_manifest(out)
    assert os.stat(os.path.join(previous, "jia", "index.html")).st_ino == os.stat(os.path.join(out, "jia", "index.html")).st_ino
    with open(os.path.join(site, "catalog", "jia", "czyjs.yaml"), "a", encoding="utf-8") as fh:
        fh.write(item_yaml("czyjs", 9, []))
    unchanged = os.path.join(out, "yi", "index.html")
    inode = os.stat(unchanged).st_ino
    build_site(site, out)
    assert os.stat(unchanged).st_ino == inode
    assert os.path.isfile(os.path.join(out, "jia", "catalog", "items", "czyjs-09.html"))
    assert_same_as_clean_build(site, out, tmp_path)


def test_a_cancelled_build_leaves_the_live_site_and_its_work_for_the_next_build(tmp_path):
    """`zwgk serve` stops a downloads pass when a newer save comes in."""
    from zwgk.base.errors import BuildCancelled
    site = two_county_site(tmp_path / "site")
    out = str(tmp_path / "public")
    domain = os.path.join(site, "catalog", "jia", "czyjs.yaml")
    build_site(site, out)
    for n in (9, 10):
        with open(domain, "a", encoding="utf-8") as fh:
            fh.write(item_yaml("czyjs", n, []))
        if n == 9:
            build_site(site, out)                        # leaves a previous site to reuse
    live = stamps(out)
    asked = []

    def newer_save() -> bool:                            # a save arrives after the first step
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(BuildCancelled):
        build_site(site, out, counties=("jia",), cancelled=newer_save)
    assert stamps(out) == live                           # nothing published
    assert read_kept_manifest(str(tmp_path / ".public.previous"), out)   # its work kept, as a whole site
    assert not os.path.exists(str(tmp_path / ".public.staging"))
    # Back to the published content: files the cancelled build rewrote must not stay rewritten.
    with open(domain, encoding="utf-8") as fh:
        text = fh.read()
    with open(domain, "w", encoding="utf-8") as fh:
        fh.write(text.replace(item_yaml("czyjs", 10, []), ""))
    with open(os.path.join(site, "catalog", "jia", "jy.yaml"), "a", encoding="utf-8") as fh:
        fh.write(item_yaml("jy", 9, []))                # and something else, so the stage is published
    build_site(site, out)
    assert not os.path.exists(os.path.join(out, "jia", "catalog", "items", "czyjs-10.html"))
    assert_same_as_clean_build(site, out, tmp_path)


@pytest.mark.slow       # five builds in other processes
def test_four_ci_shards_of_a_generated_city_merge_into_the_same_output_as_one_build(tmp_path):
    """What docs/scale.md sets up in GitLab CI, Gitea or GitHub Actions: `--shard I/4` jobs, then `--merge`."""
    site = str(tmp_path / "city")
    subprocess.run([sys.executable, os.path.join(REPO, "bench", "gen_corpus.py"), "--out", site, "--counties", "6",
                    "--items-per-domain", "2", "--docs-per-county", "6"], check=True, capture_output=True)
    whole = str(tmp_path / "whole")
    build_site(site, whole)
    jobs = []
    for index in range(1, 5):
        job = str(tmp_path / f"shard-{index}")
        done = run_zwgk("build", site, "--shard", f"{index}/4", "--out", job)
        assert done.returncode == 0, done.stderr
        jobs += ["--merge", job]
    counties = sorted(e for e in os.listdir(whole) if os.path.isfile(os.path.join(whole, e, "county.json")))
    assert sorted(e for e in os.listdir(str(tmp_path / "shard-2")) if e in counties) == counties[1::4]
    merged = str(tmp_path / "merged")
    done = run_zwgk("build", site, *jobs, "--out", merged)
    assert done.returncode == 0, done.stderr
    assert_same_tree(merged, whole)                # byte for byte, the manifest included
    refused = run_zwgk("build", site, "--shard", "7/4", "--out", str(tmp_path / "no"))
    assert refused.returncode == 2 and "--shard" in refused.stderr
