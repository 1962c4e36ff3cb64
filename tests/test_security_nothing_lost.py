"""Nothing lost: sources are never written by a build, two builds of one site take turns,
and `zwgk import` never replaces a file it was not told to."""
from __future__ import annotations

import csv
import filecmp
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, run_zwgk
from zwgk.publish.write import MANIFEST, build_lock


def snapshot(root: str, folders=("catalog", "content", "themes", "site.yaml")) -> dict[str, tuple]:
    """Every file and folder under the source folders: content hash, mode and mtime."""
    found = {}
    for name in folders:
        top = os.path.join(root, name)
        paths = [top] if os.path.isfile(top) else []
        for dirpath, dirnames, filenames in os.walk(top):
            paths.append(dirpath)
            paths += [os.path.join(dirpath, f) for f in filenames]
        for path in paths:
            st = os.lstat(path)
            digest = ""
            if os.path.isfile(path):
                with open(path, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
            found[os.path.relpath(path, root)] = (digest, st.st_mode, st.st_mtime_ns)
    return found


def demo_copy(tmp_path) -> str:
    """A copy of the demo site, built the way `python build.py` builds it: into public/ beside the sources."""
    site = tmp_path / "demo"
    site.mkdir()
    for name in ("site.yaml", "catalog", "content", "themes"):
        src = os.path.join(REPO, name)
        if os.path.isdir(src):
            shutil.copytree(src, site / name)
        else:
            shutil.copy2(src, site / name)
    return str(site)


@pytest.mark.slow            # builds the demo site in another process
def test_a_full_demo_build_and_check_never_write_into_catalog_content_or_themes(tmp_path):
    site = demo_copy(tmp_path)
    before = snapshot(site)
    first = run_zwgk("build", site)
    assert first.returncode == 0, first.stderr
    run_zwgk("check", site)
    with open(os.path.join(site, "content", "linjiang", "docs", "zz-new.md"), "w", encoding="utf-8") as fh:
        fh.write("---\ntitle: 新文件\nissuer: 县政府办公室\npublished: 2024-05-01\n---\n正文\n")
    before["content/linjiang/docs/zz-new.md"] = snapshot(site)["content/linjiang/docs/zz-new.md"]
    before["content/linjiang/docs"] = snapshot(site)["content/linjiang/docs"]
    second = run_zwgk("build", site)    # incremental: hard links from the live output
    assert second.returncode == 0, second.stderr
    assert snapshot(site) == before
    assert os.path.isfile(os.path.join(site, "public", "linjiang", "docs", "zz-new.html"))


def _manifest_matches_files(out: str) -> None:
    with open(os.path.join(out, MANIFEST), encoding="utf-8") as fh:
        manifest = json.load(fh)
    on_disk = {os.path.relpath(os.path.join(d, f), out).replace(os.sep, "/")
               for d, _dirs, fs in os.walk(out) for f in fs} - {MANIFEST}
    assert on_disk == set(manifest)


def _same_tree(a: str, b: str) -> None:
    cmp = filecmp.dircmp(a, b)
    assert not cmp.left_only and not cmp.right_only, (a, cmp.left_only, cmp.right_only)
    _match, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if MANIFEST in mismatch:             # say which entries differ, not just that the file does
        with open(os.path.join(a, MANIFEST), encoding="utf-8") as fa, open(os.path.join(b, MANIFEST), encoding="utf-8") as fb:
            left, right = json.load(fa), json.load(fb)
        mismatch += [(k, left.get(k), right.get(k)) for k in sorted(left.keys() | right.keys()) if left.get(k) != right.get(k)][:5]
    assert not mismatch and not errors, (a, mismatch, errors)
    for name in cmp.common_dirs:
        _same_tree(os.path.join(a, name), os.path.join(b, name))


def _start_build(site: str, out: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zwgk", "build", site, "--out", out], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": REPO})


def _waiting_for_lock(pid: int) -> bool:
    # /proc/locks lists a process blocked on a lock as "-> FLOCK ... <pid> ...".
    with open("/proc/locks", encoding="ascii") as fh:
        return any("->" in line and f" {pid} " in line for line in fh)


@pytest.mark.slow            # builds the demo site in another process
def test_a_second_build_of_one_output_waits_for_the_first(tmp_path):
    site = demo_copy(tmp_path)
    out = str(tmp_path / "public")
    with build_lock(out):                      # the first build, holding the output
        second = _start_build(site, out)
        while not _waiting_for_lock(second.pid):
            assert second.poll() is None, second.communicate()
        assert not os.path.exists(out)         # it waits: nothing written while the first holds it
    assert second.wait(timeout=300) == 0, second.communicate()
    _manifest_matches_files(out)


@pytest.mark.slow            # builds the demo site in another process
def test_two_builds_started_together_both_succeed_and_leave_one_complete_site(tmp_path):
    site = demo_copy(tmp_path)
    reference = str(tmp_path / "reference")
    assert run_zwgk("build", site, "--out", reference).returncode == 0
    out = str(tmp_path / "public")
    builds = [_start_build(site, out), _start_build(site, out)]
    for build in builds:
        stdout, stderr = build.communicate(timeout=300)
        assert build.returncode == 0, stderr
    _same_tree(out, reference)
    _manifest_matches_files(out)
    assert not [n for n in os.listdir(tmp_path) if "staging" in n or n.endswith(".old")]  # nothing half-done left


def _write_table(path: str, rows: list[list[str]]) -> str:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


TABLE = [["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
          "公开对象", "公开方式", "公开层级"],
         ["1", "最低生活保障", "=HYPERLINK(\"http://evil.example/\",\"点我\")", "@SUM(1+1)", "-1+1", "+1", "县民政局",
          "政府网站", "全社会", "主动", "县级"]]


def test_import_never_overwrites_a_file_named_by_out_without_force(make_site, tmp_path):
    site = make_site()
    table = _write_table(str(tmp_path / "shjz.csv"), TABLE)
    for precious in ("site.yaml", "catalog/jia/county.yaml", "content/jia/docs/2024-czj-001.md"):
        path = os.path.join(site, *precious.split("/"))
        before = open(path, "rb").read()
        result = run_zwgk("import", table, "--county", "jia", "--domain", "社会救助", "--out", path, cwd=site)
        assert result.returncode == 1 and "--force" in result.stderr, result.stderr
        assert open(path, "rb").read() == before, precious
    assert sorted(os.listdir(os.path.join(site, "catalog", "jia"))) == ["county.yaml", "czyjs.yaml"]


def test_import_refuses_a_county_that_is_a_path(make_site, tmp_path):
    site = make_site()
    table = _write_table(str(tmp_path / "shjz.csv"), TABLE)
    for county in ("../../etc", "jia/../..", "/tmp"):
        result = run_zwgk("import", table, "--county", county, "--domain", "社会救助", cwd=site)
        assert result.returncode == 2 and "--county" in result.stderr, (county, result.stderr)
    assert not os.path.exists(os.path.join(tmp_path, "etc"))


def test_formula_cells_in_an_imported_table_stay_text_all_the_way_to_the_downloads(make_site, tmp_path):
    site = make_site()
    table = _write_table(str(tmp_path / "shjz.csv"), TABLE)
    result = run_zwgk("import", table, "--county", "jia", "--domain", "社会救助", cwd=site)
    assert result.returncode == 0, result.stderr
    from zwgk.library import load_library
    from zwgk.outputs.downloads import download_outputs
    files = dict(download_outputs(load_library(site).library, "jia"))   # what the build publishes
    cells = [c for row in csv.reader(io.StringIO(files["jia/downloads/shjz.csv"].decode("utf-8-sig"))) for c in row]
    assert "'=HYPERLINK(\"http://evil.example/\",\"点我\")" in cells and "'@SUM(1+1)" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
