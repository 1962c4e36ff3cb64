"""No escape from the site folder: links, attachments, symlinks, ids and themes that point
elsewhere are errors naming the file, and nothing outside the site is ever published."""
from __future__ import annotations

import os

import pytest

from conftest import DOMAIN_YAML
from zwgk.build import build_site
from zwgk.library import load_library
from zwgk.base.errors import ContentErrors

DOC = "content/jia/docs/2024-czj-001.md"
HEAD = "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-02-01\n{extra}---\n"


def problems(site: str) -> list[str]:
    try:
        found = load_library(site).problems
    except ContentErrors as exc:
        found = exc.problems
    return [p.as_text().split("\n")[0] for p in found]   # not splitlines: U+2028 is part of a message


def outside(tmp_path) -> str:
    """A folder beside the site with files no site may publish."""
    secret = tmp_path / "outside"
    (secret / "files").mkdir(parents=True)
    (secret / "static").mkdir()
    (secret / "docs").mkdir()
    for folder in ("files", "static", ""):
        (secret / folder / "secret.txt").write_text("SECRET-KEY-MATERIAL", encoding="utf-8")
    (secret / "docs" / "2024-czj-001.md").write_text(HEAD.format(extra="") + "SECRET-KEY-MATERIAL\n", encoding="utf-8")
    (secret / "catalog.yaml").write_text(DOMAIN_YAML, encoding="utf-8")
    return str(secret)


def assert_nothing_published(out: str) -> None:
    for dirpath, _dirs, names in os.walk(out):
        for name in names:
            with open(os.path.join(dirpath, name), "rb") as fh:
                assert b"SECRET-KEY-MATERIAL" not in fh.read(), os.path.join(dirpath, name)


LEAVING_LINKS = ["../../etc/passwd", "files/../../../etc/passwd", "/etc/passwd", "%2e%2e/%2e%2e/etc/passwd",
                 "..%2F..%2Fetc/passwd", "..\\secret.txt", "docs/../../../outside/secret.txt"]


@pytest.mark.parametrize("target", LEAVING_LINKS)
def test_markdown_link_out_of_the_county_folder_is_an_error_at_its_line(make_site, target):
    site = make_site({DOC: HEAD.format(extra="") + f"\n正文\n\n[附件]({target})\n"})
    shown = target.replace("\\", "%5C")   # as the browser would have requested it
    col = 6 if shown == target else 1      # at the target as written; else where its paragraph starts
    assert f"{DOC}:9:{col}: 链接 '{shown}' 指向本县 content 目录以外" in problems(site)


def test_markdown_image_and_reference_links_out_of_the_folder_are_errors_too(make_site):
    site = make_site({DOC: HEAD.format(extra="") + "\n![图](../../etc/passwd)\n\n[参见][r]\n\n[r]: /etc/passwd\n"})
    found = problems(site)
    assert f"{DOC}:7:6: 链接 '../../etc/passwd' 指向本县 content 目录以外" in found
    # A reference link is reported where it is used (its target is written elsewhere).
    assert f"{DOC}:9:1: 链接 '/etc/passwd' 指向本县 content 目录以外" in found


def test_links_inside_the_county_and_to_other_sites_are_fine(make_site, tmp_path):
    body = "\n[附件](files/a.txt) [文件](docs/2024-czj-001.md) [外部](https://www.gov.cn/) [本页](#top)\n"
    site = make_site({DOC: HEAD.format(extra="") + body, "content/jia/files/a.txt": "附件"})
    assert problems(site) == []
    build_site(site, str(tmp_path / "public"))


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "files/../../../etc/passwd", "C:/Windows/win.ini",
                                  "files\\..\\secret.txt", "file:///etc/passwd", "\\\\server\\share\\x.pdf", "./files/a.txt"])
def test_attachment_paths_out_of_the_county_folder_are_errors(make_site, path):
    quoted = path.replace("'", "''")
    site = make_site({DOC: HEAD.format(extra=f"attachments: ['{quoted}']\n")})
    assert f"{DOC}:5:15: attachments[0]: 路径 '{path}' 不在本县的 content 目录内" in problems(site)


def test_a_symlinked_attachment_is_refused_and_not_published(make_site, tmp_path):
    secret = outside(tmp_path)
    site = make_site({DOC: HEAD.format(extra="attachments: [files/secret.txt]\n")})
    os.makedirs(os.path.join(site, "content/jia/files"))
    os.symlink(os.path.join(secret, "secret.txt"), os.path.join(site, "content/jia/files/secret.txt"))
    with pytest.raises(ContentErrors) as caught:
        build_site(site, str(tmp_path / "public"))
    assert any(p.path == "content/jia/files/secret.txt" and "附件不能是符号链接" in p.message for p in caught.value.problems)
    assert not os.path.exists(tmp_path / "public")


@pytest.mark.parametrize("link, target", [
    ("content/jia/docs/2024-czj-009.md", "docs/2024-czj-001.md"),
    ("catalog/jia/other.yaml", "catalog.yaml"),
])
def test_a_symlinked_source_file_is_refused(make_site, tmp_path, link, target):
    secret = outside(tmp_path)
    site = make_site()
    os.symlink(os.path.join(secret, target), os.path.join(site, link))
    assert f"{link}: 源文件不能是符号链接" in problems(site)


@pytest.mark.parametrize("link, target", [
    ("content/jia/files", "files"),       # the attachments folder
    ("content/jia/docs", "docs"),         # the documents folder
    ("content/jia", ""),                  # a whole county's content
    ("catalog/yi", ""),                   # a county's catalog folder
])
def test_a_symlinked_folder_pointing_outside_the_site_is_refused(make_site, tmp_path, link, target):
    secret = outside(tmp_path)
    # content/jia holds only the one document: without it, the folder can be a link
    doc = None if link in ("content/jia", "content/jia/docs") else HEAD.format(extra="attachments: [files/secret.txt]\n")
    site = make_site({DOC: doc})
    os.makedirs(os.path.dirname(os.path.join(site, link)), exist_ok=True)
    os.symlink(os.path.join(secret, target), os.path.join(site, *link.split("/")))
    assert f"{link}: 这是指向站点目录以外的符号链接，不能读取" in problems(site)
    with pytest.raises(ContentErrors):
        build_site(site, str(tmp_path / "public"))
    assert not os.path.exists(tmp_path / "public")


def test_a_theme_named_by_a_path_is_refused_and_its_files_not_published(make_site, tmp_path):
    outside(tmp_path)
    site_yaml = "title: 测试\nbase_url: https://zwgk.test.example.gov.cn/\ntheme: ../../outside\n"
    site = make_site({"site.yaml": site_yaml})
    assert "site.yaml:3:8: theme: 主题 '../../outside' 应为 themes/ 下的目录名" in problems(site)
    with pytest.raises(ContentErrors):
        build_site(site, str(tmp_path / "public"))


BAD_IDS = ["../x", "..", "a/b", "/abs", "a b", "a\\b", "a\x01b", "a\tb", "%2e%2e", ".hidden", "-x", "a\u2028b"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_that_could_leave_their_folder_are_errors(make_site, bad):
    escaped = bad.replace("\\", "\\\\").replace("\x01", "\\x01").replace("\t", "\\t").replace("\u2028", "\\u2028")
    site = make_site({"catalog/jia/czyjs.yaml": DOMAIN_YAML.replace("id: czyjs-js-01", f'id: "{escaped}"')})
    found = problems(site)
    assert any(line.startswith("catalog/jia/czyjs.yaml:15:9: items[1].") and ("不能用作网址" in line or "控制字符" in line)
               for line in found), found


@pytest.mark.parametrize("field, line", [("items", "items: [{}]"), ("interprets", "interprets: {}")])
def test_references_by_id_that_could_leave_their_folder_are_errors(make_site, field, line):
    site = make_site({DOC: HEAD.format(extra=line.format('"../../etc/passwd"') + "\n")})
    assert any(f"编号 '../../etc/passwd' 不能用作网址" in p and p.startswith(DOC + ":5:") for p in problems(site))


@pytest.mark.parametrize("name", ["a b.md", "-x.md", "a%2fb.md", "中文.md", "a\u2028b.md"])
def test_file_names_that_cannot_be_urls_are_errors(make_site, name):
    site = make_site({f"content/jia/docs/{name}": HEAD.format(extra="")})
    assert f"content/jia/docs/{name}: 文件名 '{name[:-3]}' 不能用作网址" in problems(site)


@pytest.mark.parametrize("county", ["a b", "-x", "%2e%2e"])
def test_county_folders_that_cannot_be_urls_are_errors(make_site, county):
    site = make_site({f"catalog/{county}/county.yaml": "name: 乙县\ncode: '990902'\n"})
    assert f"catalog/{county}: 县（区）目录名 '{county}' 不能用作网址" in problems(site)


def test_nothing_outside_the_site_is_published_whatever_is_linked(make_site, tmp_path):
    """All the tricks above at once, on a site that otherwise builds: only the sound part is published."""
    secret = outside(tmp_path)
    site = make_site()
    os.makedirs(os.path.join(site, "content/jia/files"))
    os.symlink(os.path.join(secret, "secret.txt"), os.path.join(site, "content/jia/files/linked.txt"))
    os.symlink(os.path.join(secret, "files"), os.path.join(site, "content/jia/files/linked-dir"))
    os.symlink(secret, os.path.join(site, "content/jia/pages"))
    with pytest.raises(ContentErrors):
        build_site(site, str(tmp_path / "public"))
    os.remove(os.path.join(site, "content/jia/files/linked.txt"))
    os.remove(os.path.join(site, "content/jia/pages"))
    build_site(site, str(tmp_path / "public"))   # a linked folder inside files/ is skipped, never followed
    assert_nothing_published(str(tmp_path / "public"))
