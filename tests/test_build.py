"""Building a site: the pages a visitor sees, their links, and what a failed build leaves."""
from __future__ import annotations

import filecmp
import os
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from conftest import COUNTY_YAML, DOMAIN_YAML, REPO, SITE_YAML, minimal_site, read, run_zwgk, write_files
from memory import build_in_memory, site_files
from zwgk.build import build_site
from zwgk.base.errors import ContentErrors


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """minimal_site() built once for the module's tests, which only read the output."""
    root = tmp_path_factory.mktemp("built")
    site = write_files(root / "site", minimal_site())
    out = str(root / "public")
    build_site(site, out)
    return site, out


def html_files(out: str):
    for dirpath, _dirs, files in os.walk(out):
        for name in files:
            if name.endswith(".html"):
                yield os.path.join(dirpath, name)


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []   # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.refs.append((tag, name, value))


def refs_of(path: str):
    parser = _Refs()
    parser.feed(read(path))
    return parser.refs


def test_every_kind_of_page_is_written(built):
    _site, out = built
    for rel in ["index.html", "pages/about.html", "jia/index.html", "jia/catalog/index.html",
                "jia/catalog/czyjs/index.html", "jia/catalog/items/czyjs-ys-01.html",
                "jia/catalog/items/czyjs-js-01.html", "jia/docs/index.html", "jia/docs/2024-czj-001.html",
                "jia/pages/about.html", "jia/feed.xml", "jia/sitemap.xml", "jia/assets/zwgk.css"]:
        assert os.path.isfile(os.path.join(out, rel)), rel


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    """The pages of minimal_site(), rendered in memory (tests/memory.py)."""
    return build_in_memory(minimal_site()).pages


def test_domain_page_shows_the_standard_table_with_two_row_header(pages):
    page = pages["jia/catalog/czyjs/index.html"]
    assert '<th id="h-mode" scope="colgroup" colspan="2">公开方式</th>' in page
    assert '<th id="h-mode-0" scope="col" headers="h-mode">主动</th>' in page
    # Each tick names both header cells, so a screen reader says "公开方式 主动".
    assert '<td headers="h-mode h-mode-0" data-label="公开方式 主动" class="mark">√</td>' in page
    assert "《中华人民共和国预算法》" in page and "政府网站、政府公报" in page


def test_item_page_lists_the_documents_that_fulfil_it(pages):
    page = pages["jia/catalog/items/czyjs-ys-01.html"]
    assert 'href="../../docs/2024-czj-001.html">甲县2024年预算公开</a>' in page


def test_document_page_has_the_metadata_block_and_links_back(pages):
    page = pages["jia/docs/2024-czj-001.html"]
    for label, value in [("发文字号", "甲财〔2024〕1号"), ("发文机关", "甲县财政局"), ("发布日期", "2024-02-01"),
                         ("成文日期", "2024-01-20"), ("有效性", "现行有效")]:
        assert re.search(rf"<th scope=\"row\">{label}</th><td[^>]*>{re.escape(value)}</td>", page), label
    assert "<strong>12.3 亿元</strong>" in page
    assert 'href="../catalog/items/czyjs-ys-01.html"' in page


def test_every_link_is_relative_and_resolves_and_nothing_is_fetched_from_another_host(built):
    _site, out = built
    for path in html_files(out):
        for tag, attr, value in refs_of(path):
            if tag == "base":       # a 404 page: its links start from its own folder wherever it is shown
                folder = os.path.relpath(os.path.dirname(path), out).replace(os.sep, "/")
                assert value == "/" + ("" if folder == "." else folder + "/"), f"{path}: <base href={value}>"
                continue
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                # Links out are allowed (the ICP record, the portal); nothing is loaded from elsewhere.
                assert tag == "a", f"{path}: {tag} {attr}={value} loads from another host"
                continue
            assert not value.startswith("/"), f"{path}: root-relative link {value}"
            if not parts.path:
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path), unquote(parts.path)))
            assert os.path.exists(target), f"{path}: broken link {value}"


def test_a_county_folder_links_nowhere_outside_itself(built):
    _site, out = built
    county = os.path.join(out, "jia")
    for path in html_files(county):
        for tag, _attr, value in refs_of(path):
            parts = urlsplit(value)
            if parts.scheme or not parts.path or tag == "base":       # <base>: checked above
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path), parts.path))
            assert target.startswith(county + os.sep), f"{path}: {value} leaves the county folder"


def test_footer_shows_the_site_identifiers(pages):
    page = pages["jia/index.html"]
    assert "网站标识码：9900000009" in page
    assert '<a href="https://beian.miit.gov.cn/">测ICP备00000001号</a>' in page
    assert "测公网安备 99000000000001号" in page


def test_same_input_gives_byte_identical_output(make_site, tmp_path):
    site = make_site()
    build_site(site, str(tmp_path / "one"))
    build_site(site, str(tmp_path / "two"))
    cmp = filecmp.dircmp(str(tmp_path / "one"), str(tmp_path / "two"))
    _assert_same(cmp)


def _assert_same(cmp: filecmp.dircmp) -> None:
    assert not cmp.left_only and not cmp.right_only
    _match, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    assert not mismatch and not errors, mismatch
    for sub in cmp.subdirs.values():
        _assert_same(sub)


def test_a_failed_build_leaves_the_last_good_site_untouched(make_site, tmp_path):
    site = make_site()
    out = str(tmp_path / "public")
    build_site(site, out)
    before = {p: read(p) for p in html_files(out)}
    with open(os.path.join(site, "catalog/jia/czyjs.yaml"), "w", encoding="utf-8") as fh:
        fh.write(DOMAIN_YAML.replace("mode: 主动", "mode: 随便"))
    result = run_zwgk("build", site, "--out", out)
    assert result.returncode == 1
    assert "catalog/jia/czyjs.yaml:12:11" in result.stderr
    assert {p: read(p) for p in html_files(out)} == before


def test_two_sources_for_one_url_are_refused(make_site, tmp_path):
    site = make_site({"content/jia/docs/index.md": "---\ntitle: 冲突\nissuer: 甲县财政局\npublished: 2024-01-01\n---\n"})
    with pytest.raises(ContentErrors) as caught:
        build_site(site, str(tmp_path / "public"))
    assert any("网址 jia/docs/index.html 已被" in p.message for p in caught.value.problems)


def test_raw_html_and_script_links_in_markdown_are_shown_as_text(make_site, tmp_path):
    body = "<script>alert(1)</script>\n\n[点我](javascript:alert(1)) [附件](files/a.txt)\n"
    site = make_site({"content/jia/docs/2024-czj-001.md": "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-02-01\n---\n" + body,
                      "content/jia/files/a.txt": "附件内容"})
    out = str(tmp_path / "public")
    build_site(site, out)
    page = read(os.path.join(out, "jia/docs/2024-czj-001.html"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert '<a href="../files/a.txt">附件</a>' in page


def test_attachments_are_published_beside_the_documents(make_site, tmp_path):
    doc = "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-02-01\nattachments: [files/2024-1.csv]\n---\n正文\n"
    site = make_site({"content/jia/docs/2024-czj-001.md": doc, "content/jia/files/2024-1.csv": "项目,金额\n教育,100\n"})
    out = str(tmp_path / "public")
    build_site(site, out)
    assert read(os.path.join(out, "jia/files/2024-1.csv")) == "项目,金额\n教育,100\n"
    assert 'href="../files/2024-1.csv" download>2024-1</a> <span class="count">（CSV，' in read(os.path.join(out, "jia/docs/2024-czj-001.html"))


def test_the_build_never_writes_into_the_sources(make_site, tmp_path):
    site = make_site()
    def snapshot():
        return {os.path.join(d, f): os.stat(os.path.join(d, f)).st_mtime_ns
                for d, _s, fs in os.walk(site) for f in fs if "public" not in d}
    before = snapshot()
    build_site(site, str(tmp_path / "public"))
    assert snapshot() == before


def test_output_folder_that_holds_other_files_is_refused(make_site, tmp_path):
    site = make_site()
    other = tmp_path / "documents"
    other.mkdir()
    (other / "important.docx").write_bytes(b"keep me")
    result = run_zwgk("build", site, "--out", str(other))
    assert result.returncode == 2
    assert (other / "important.docx").read_bytes() == b"keep me"


@pytest.mark.slow            # builds a whole site in another process
def test_new_site_builds_at_once(tmp_path):
    target = str(tmp_path / "mysite")
    assert run_zwgk("new", target).returncode == 0
    result = run_zwgk("build", target)
    assert result.returncode == 0, result.stderr
    assert os.path.isfile(os.path.join(target, "public", "example", "catalog", "czyjs", "index.html"))


@pytest.mark.slow            # builds a whole site in another process
def test_demo_site_builds(tmp_path):
    result = run_zwgk("build", REPO, "--out", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    for county in ("linjiang", "shiqiao"):
        assert os.path.isfile(tmp_path / "demo" / county / "index.html")


def test_a_long_build_reports_its_progress_as_plain_lines_in_a_log(make_site, tmp_path):
    import io
    from zwgk.build.progress import Reporter
    log = io.StringIO()      # not a terminal: plain lines, as in a CI log
    build_site(make_site(), str(tmp_path / "public"), progress=Reporter(log, delay=0))
    assert "生成县（区）" in log.getvalue() and "1/1" in log.getvalue()


def test_a_linked_output_folder_is_published_into_what_it_points_at(make_site, tmp_path):
    site = make_site()
    real = tmp_path / "www"
    real.mkdir()
    link = tmp_path / "public"
    link.symlink_to(real)
    for _ in range(2):      # the second build replaces the first through the link again
        build_site(site, str(link))
    assert link.is_symlink() and os.path.isfile(real / "jia" / "index.html")


def test_merging_a_damaged_output_folder_is_a_clear_error(make_site, tmp_path):
    site = make_site()
    part = str(tmp_path / "part")
    build_site(site, part, counties=("jia",))
    os.remove(os.path.join(part, "jia", "county.json"))
    result = run_zwgk("build", site, "--merge", part, "--out", str(tmp_path / "all"))
    assert result.returncode == 1 and "输出不完整" in result.stderr and "Traceback" not in result.stderr


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


FURNITURE_SITE = {
    "site.yaml": SITE_YAML + "badge_image: files/dzjg.png\nbadge_link: https://biaoshi.example.gov.cn/9900000009\n"
                             "jiucuo_image: files/jiucuo.gif\njiucuo_link: https://jiucuo.example.gov.cn/?site_code={site_code}\n",
    "catalog/jia/county.yaml": COUNTY_YAML + "site_code: '9909010001'\n",
    "content/files/dzjg.png": b"\x89PNG\r\n\x1a\n-badge",
    "content/files/jiucuo.gif": b"GIF89a-jiucuo",
}


def test_the_footer_marks_sit_on_every_page_and_their_images_in_every_folder(make_site, tmp_path):
    """党政机关网站标识 and 我为政府网站找错: images the site supplies, copied into the portal and each
    county (a county folder stands alone), the 找错 link carrying each site's own 网站标识码."""
    out = str(tmp_path / "public")
    build_site(make_site(FURNITURE_SITE), out)
    for folder, code in (("", "9900000009"), ("jia/", "9909010001")):
        assert read_bytes(os.path.join(out, folder, "furniture", "badge.png")) == b"\x89PNG\r\n\x1a\n-badge"
        assert read_bytes(os.path.join(out, folder, "furniture", "jiucuo.gif")) == b"GIF89a-jiucuo"
        page = read(os.path.join(out, folder, "index.html"))
        footer = page[page.index('class="furniture"'):]
        assert '<a href="https://biaoshi.example.gov.cn/9900000009"><img src="furniture/badge.png" alt="党政机关"' in footer
        assert f'<a href="https://jiucuo.example.gov.cn/?site_code={code}"><img src="furniture/jiucuo.gif" alt="我为政府网站找错"' in footer
    item = read(os.path.join(out, "jia", "catalog", "items", "czyjs-ys-01.html"))
    assert 'src="../../furniture/badge.png"' in item


@pytest.mark.parametrize("line, message", [
    ("badge_image: files/missing.png", "badge_image: 图片 content/files/missing.png 不存在或不是 PNG、JPG、GIF 图片"),
    ("badge_image: files/logo.svg", "badge_image: 图片 content/files/logo.svg 不存在或不是 PNG、JPG、GIF 图片"),
    ("jiucuo_link: javascript:alert(1)", "jiucuo_link: 'javascript:alert(1)' 不是网址"),
])
def test_a_footer_mark_that_would_show_broken_is_an_error_at_its_line(line, message):
    files = site_files({"site.yaml": SITE_YAML + line + "\n", "content/files/logo.svg": "<svg/>"})
    problems = build_in_memory(files).problems
    assert [(p.path, p.line, p.col, p.message) for p in problems] == [("site.yaml", 9, line.index(":") + 3, message)]


def test_a_jiucuo_link_without_the_site_code_is_a_warning():
    files = site_files({"site.yaml": SITE_YAML + "jiucuo_link: https://jiucuo.example.gov.cn/\n"})
    problems = build_in_memory(files).problems
    assert [(p.line, p.severity) for p in problems] == [(9, "warning")] and "9900000009" in problems[0].message


@pytest.mark.parametrize("slug", ["files", "pages", "assets", "search", "furniture"])
def test_a_county_cannot_take_a_folder_name_the_site_uses(slug):
    problems = build_in_memory(site_files({f"catalog/{slug}/county.yaml": "name: 丙县\ncode: '990903'\n"})).problems
    assert [(p.path, "保留名称" in p.message) for p in problems] == [(f"catalog/{slug}", True)]


def test_a_county_json_is_read_back_only_as_it_was_built(tmp_path):
    """The build keeps a county.json's digest, not its bytes, and reads it back from the stage,
    the output or a merged county's folder: a file changed since is never taken."""
    from zwgk.build.snapshots import Snapshots
    stage, out = tmp_path / "stage", tmp_path / "out"
    for folder, text in ((stage, b'{"old": 1}'), (out, b'{"new": 2}')):
        (folder / "jia").mkdir(parents=True)
        (folder / "jia" / "county.json").write_bytes(text)
    snapshots = Snapshots((str(stage), str(out)))
    snapshots.add("jia", b'{"new": 2}')
    assert snapshots.read("jia") == b'{"new": 2}'           # the stage's stale copy is passed over
    assert snapshots.total_size() == 10 and snapshots.slugs() == ["jia"]
    (out / "jia" / "county.json").write_bytes(b'{"new": 3}')
    with pytest.raises(FileNotFoundError):
        snapshots.read("jia")


def test_the_cache_beside_the_output_is_never_offered_to_git(make_site):
    """A site whose .gitignore predates the folder (an older `zwgk new`) still sees a clean git status."""
    import subprocess
    site = make_site()
    with open(os.path.join(site, ".gitignore"), "w", encoding="utf-8") as fh:
        fh.write("public/\n.public.lock\n.public.staging/\n.public.previous/\n")
    subprocess.run(["git", "init", "-q", site], check=True)
    build_site(site)
    assert os.path.isdir(os.path.join(site, ".public.cache"))
    status = subprocess.run(["git", "-C", site, "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert status and ".public.cache" not in status


def test_a_search_part_that_failed_ahead_is_made_again_whole(monkeypatch, tmp_path):
    """The portal's Library has no document text: a county whose search part could not be made
    as its county.json arrived gets it made again from that county.json, not from the Library."""
    import zwgk.build.portal as portal
    normal = str(tmp_path / "normal")
    build_site(REPO, normal)
    made = portal.portal_search_part
    failures = []

    def fails_once(*args, **kwargs):
        if not failures:
            failures.append(args[1])
            raise OSError("disk full")
        return made(*args, **kwargs)

    monkeypatch.setattr(portal, "portal_search_part", fails_once)
    failed = str(tmp_path / "failed")
    build_site(REPO, failed)
    assert failures
    search = os.path.join(normal, "search")
    for dirpath, _dirs, names in os.walk(search):
        for name in names:
            rel = os.path.relpath(os.path.join(dirpath, name), normal)
            assert read(os.path.join(failed, rel)) == read(os.path.join(normal, rel)), rel
