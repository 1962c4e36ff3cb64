"""最后更新 from git, an explicit field or the file's time; and what changed since the previous version."""
from __future__ import annotations

import os
import re
import subprocess
from datetime import date, datetime

from conftest import DOMAIN_YAML, minimal_site, read, write_files
from memory import build_in_memory
from zwgk.source import history
from zwgk.source.tree import MEMORY_MTIME
from zwgk.build import build_site

ITEM_PAGE = "jia/catalog/items/czyjs-ys-01.html"
DOMAIN_PAGE = "jia/catalog/czyjs/index.html"
DOC_PAGE = "jia/docs/2024-czj-001.html"
ABOUT_PAGE = "pages/about.html"


def git(site, *args, when: str | None = None):
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(site)}
    if when:
        env.update(GIT_AUTHOR_DATE=f"{when}T10:00:00+08:00", GIT_COMMITTER_DATE=f"{when}T10:00:00+08:00")
    subprocess.run(["git", "-C", str(site), *args], check=True, capture_output=True, env=env)


def make_repo(site) -> None:
    git(site, "init", "-q", "-b", "main")
    git(site, "config", "user.name", "测试编辑")
    git(site, "config", "user.email", "editor@example.gov.cn")


def commit(site, message: str, when: str) -> None:
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", message, when=when)


def updated_on(page: str) -> str:
    found = re.findall(r"最后更新(?:</dt><dd>|：)(\d{4}-\d{2}-\d{2})", page)
    assert found, "the page shows no 最后更新"
    return found[0]


def test_dates_come_from_the_last_commit_that_touched_each_file(tmp_path):
    site = write_files(tmp_path / "site", {**minimal_site(), ".gitignore": "public/\n.public*\n"})
    make_repo(site)
    commit(site, "第一版", "2023-05-06")
    write_files(site, {"catalog/jia/czyjs.yaml": DOMAIN_YAML.replace("批准后20日内", "批准后15日内")})
    commit(site, "修改财政预决算目录", "2024-02-03")
    build_site(site)
    out = os.path.join(site, "public")
    assert updated_on(read(os.path.join(out, ITEM_PAGE))) == "2024-02-03"
    assert updated_on(read(os.path.join(out, DOMAIN_PAGE))) == "2024-02-03"
    assert updated_on(read(os.path.join(out, DOC_PAGE))) == "2023-05-06"
    assert updated_on(read(os.path.join(out, ABOUT_PAGE))) == "2023-05-06"


def test_an_explicit_updated_field_wins_and_untracked_files_use_their_time(tmp_path):
    doc = minimal_site()["content/jia/docs/2024-czj-001.md"].replace("validity: 现行有效", "validity: 现行有效\nupdated: 2022-01-02")
    site = write_files(tmp_path / "site", {**minimal_site(), "content/jia/docs/2024-czj-001.md": doc})
    make_repo(site)
    commit(site, "第一版", "2023-05-06")
    write_files(site, {"content/pages/new.md": "---\ntitle: 新页面\n---\n\n尚未提交。\n"})
    stamp = datetime(2021, 7, 8, 12, 0).timestamp()
    os.utime(os.path.join(site, "content", "pages", "new.md"), (stamp, stamp))
    build_site(site)
    out = os.path.join(site, "public")
    assert updated_on(read(os.path.join(out, DOC_PAGE))) == "2022-01-02"
    assert updated_on(read(os.path.join(out, "pages/new.html"))) == "2021-07-08"


def test_a_site_outside_git_uses_file_times(tmp_path):
    stamp = datetime(2020, 3, 4, 12, 0).timestamp()
    build = build_in_memory(minimal_site(), mtimes={"catalog/jia/czyjs.yaml": stamp})
    assert updated_on(build.pages[ITEM_PAGE]) == "2020-03-04"
    assert updated_on(build.pages[DOC_PAGE]) == datetime.fromtimestamp(MEMORY_MTIME).date().isoformat()
    assert history.read_history(write_files(tmp_path / "site", minimal_site())).dates == {}


def test_one_git_log_per_build(tmp_path, monkeypatch):
    site = write_files(tmp_path / "site", minimal_site())
    make_repo(site)
    commit(site, "第一版", "2023-05-06")
    calls = []
    real_run = subprocess.run

    def counting_run(args, *a, **kw):
        if args and args[0] == "git":
            calls.append("log" if "log" in args else args[3])
        return real_run(args, *a, **kw)

    monkeypatch.setattr(history.subprocess, "run", counting_run)
    build_site(site)
    assert calls.count("log") == 1


def test_the_domain_page_shows_what_changed_since_the_previous_version(tmp_path):
    site = write_files(tmp_path / "site", {**minimal_site(), ".gitignore": "public/\n.public*\n"})
    make_repo(site)
    commit(site, "第一版", "2023-05-06")
    git(site, "tag", "2023年版")
    edited = DOMAIN_YAML.replace("deadline: 批准后20日内", "deadline: 批准后15日内")
    edited = edited.replace("  - id: czyjs-js-01", """\
  - id: czyjs-ys-02
    level1: 政府预算
    level2: 政府性基金预算
    subject: 县财政局
    channels: [政府网站]
    audience: 全社会
    mode: 主动
    level: [县级]
  - id: czyjs-js-01""")
    write_files(site, {"catalog/jia/czyjs.yaml": edited})
    commit(site, "新增政府性基金预算", "2024-02-03")
    # A later commit that does not touch the domain: the comparison is still with the tag.
    write_files(site, {"content/pages/about.md": "---\ntitle: 关于本站\n---\n\n新的说明。\n"})
    commit(site, "改说明", "2024-03-01")
    build_site(site)
    page = read(os.path.join(site, "public", DOMAIN_PAGE))
    assert "与2023年版（2023-05-06）相比：新增 1 项，修改 1 项，删除 0 项" in page
    assert re.search(r"新增：<a href=\"[^\"]*czyjs-ys-02.html\">政府性基金预算</a>", page)
    assert re.search(r"修改：<a href=\"[^\"]*czyjs-ys-01.html\">一般公共预算</a>", page)

    # Remove an item, uncommitted: the preview shows it at once.
    without = "\n".join(edited.split("  - id: czyjs-js-01")[0].splitlines()) + "\n"
    write_files(site, {"catalog/jia/czyjs.yaml": without})
    build_site(site)
    page = read(os.path.join(site, "public", DOMAIN_PAGE))
    assert "删除 1 项" in page and "删除：政府决算" in page


def test_without_tags_the_previous_version_is_the_commit_before(tmp_path):
    site = write_files(tmp_path / "site", minimal_site())
    make_repo(site)
    commit(site, "第一版", "2023-05-06")
    build_site(site, str(tmp_path / "out"))
    assert "class=\"changes\"" not in read(str(tmp_path / "out" / DOMAIN_PAGE))   # nothing before the first commit
    write_files(site, {"catalog/jia/czyjs.yaml": DOMAIN_YAML.replace("level2: 一般公共预算", "level2: 一般公共预算（本级）")})
    commit(site, "改名", "2024-01-01")
    found = history.read_history(site)
    assert found.base_label == "2023-05-06 的版本"
    changes = found.domain_changes("catalog/jia/czyjs.yaml")
    assert changes.changed == (("czyjs-ys-01", "一般公共预算（本级）"),)
    assert not changes.added and not changes.removed
    assert found.domain_changes("catalog/jia/missing.yaml") is None


def test_compare_items_by_id():
    before = {"a": {"id": "a", "level1": "甲"}, "b": {"id": "b", "level1": "乙"}}
    after = {"b": {"id": "b", "level1": "乙", "note": "新"}, "c": {"id": "c", "level1": "丙", "level2": "丙二"}}
    changes = history.compare_items(before, after, "v1")
    assert changes.added == (("c", "丙二"),)
    assert changes.changed == (("b", "乙"),)
    assert changes.removed == (("a", "甲"),)
    assert not history.compare_items(before, before, "v1")


def test_a_site_inside_a_larger_repository(tmp_path):
    repo = tmp_path / "repo"
    site = write_files(repo / "sites" / "jia", minimal_site())
    make_repo(repo)
    commit(repo, "第一版", "2023-05-06")
    dates = history.last_updated(site)
    assert dates["catalog/jia/czyjs.yaml"] == date(2023, 5, 6)
    assert all(not p.startswith("sites/") for p in dates)
