"""Script injection: a hostile value in any field an editor writes is published as text only.

Every text field of every file kind (taken from schema.py, so a new field is covered the
day it is declared) gets a payload; the built HTML, XML, JSON, CSV and XLSX are then
checked, and Chromium opens every page and must see no dialog.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
import yaml

from conftest import write_files
from zwgk.source import schema
from zwgk.build import build_site
from zwgk.base.errors import ContentErrors

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute-breakout": '"><img src=x onerror=alert(1)>',
    "script-close": "</script><script>alert(1)</script>",
    "comment-open": "<!--",
    "line-separators": "行\u2028分隔\u2029段",
    "quotes": "'\"` \\' \\\"",
    "javascript-url": "javascript:alert(1)",
    "data-url": "data:text/html,<script>alert(1)</script>",
    "jinja": "{{ 7*7 }}{% if true %}x{% endif %}",
    "formula-equals": '=HYPERLINK("http://evil.example/","点我")',
    "formula-plus": "+1+1",
    "formula-minus": "-1+1",
    "formula-at": "@SUM(1+1)*cmd|' /C calc'!A0",
    # XLSX stores rich text as <r> runs; a value shaped like one must stay text.
    "xlsx-rich-text": "<r><t>改写</t></r>",
}
PAYLOADS["all-at-once"] = " ".join(PAYLOADS.values())
CLEAN = "安全的文字"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16       # the footer's marks: only their bytes are copied

BASE_URL = "https://zwgk.test.example.gov.cn/"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href", "background", "ping"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


# ---------------------------------------------------------------- the hostile site

def _value(field: schema.Field, payload: str):
    """A payload for every field that holds free text; a valid value for the rest."""
    if field.kind == schema.TEXT:
        return payload
    if field.kind == schema.TEXT_LIST:
        return [payload, payload + "二"]
    if field.kind == schema.MAPPING:
        return {f.name: v for f in field.fields if (v := _value(f, payload)) is not None}
    return None


def _texts(kind: schema.FileKind, payload: str, **fixed) -> dict:
    values = {f.name: v for f in kind.fields if (v := _value(f, payload)) is not None}
    values.update(fixed)
    return values


def attachment_name(payload: str) -> str:
    # A file name holds anything but '/' (and zwgk refuses '\\' in paths); 80 characters fit any file system.
    return "files/" + re.sub(r"[/\\]", "_", payload)[:80] + ".txt"


def markdown_body(payload: str) -> str:
    att = attachment_name(payload)
    return (f"{payload}\n\n# {payload}\n\n"
            f"[{payload}]({quote(att)}) [{payload}](https://example.gov.cn/?q={quote(payload)})\n\n"
            f"![{payload}](files/logo.png \"{payload.replace(chr(34), '')}\")\n\n"
            f"| {payload.replace('|', '')} | 列 |\n|---|---|\n| `{payload}` | {payload.replace('|', '')} |\n\n"
            f"```\n{payload}\n```\n\n> {payload}\n")


def hostile_site(payload: str) -> dict[str, str]:
    """A whole site with `payload` in every field that takes free text, and in file names."""
    dump = lambda v: yaml.safe_dump(v, allow_unicode=True, sort_keys=False)  # noqa: E731
    front = lambda v, body: "---\n" + dump(v) + "---\n" + body  # noqa: E731
    site = _texts(schema.SITE, payload, base_url=BASE_URL + payload, theme="default", local_channels=[payload],
                  level_names={"县级": payload, "乡级": payload + "乡"}, stale_days=365,
                  pii_allow=[{"value": payload, "reason": payload}], badge_image="files/dzjg.png",
                  jiucuo_image="files/jiucuo.gif", badge_link=BASE_URL + "?q=" + payload, jiucuo_link=BASE_URL + payload)
    county = _texts(schema.COUNTY, payload, code="990901", weight=1, not_applicable={"扶贫": payload})
    county["apply"]["platform"] = BASE_URL + "ysqgk/?q=" + payload     # a link must stay a web address
    county.update(badge_image=None, jiucuo_image=None, badge_link=None, jiucuo_link=None)    # the site's
    item = _texts(schema.ITEM, payload, id="hostile-01", channels=[payload, "政府网站"], audience="特定群体",
                  mode="主动", level=[payload, payload + "乡"], documents=["2024-doc-001"], updated="2024-03-01")
    domain = _texts(schema.DOMAIN, payload, standard="财政预决算", updated="2024-03-01", items=[item])
    att = attachment_name(payload)
    doc = _texts(schema.DOCUMENT, payload, written="2024-01-20", published="2024-02-01", validity="现行有效",
                 items=["hostile-01"], attachments=[att], updated="2024-02-02")
    interpretation = _texts(schema.DOCUMENT, payload, published="2024-02-03", interprets="2024-doc-001")
    page = _texts(schema.PAGE, payload, weight=1)
    body = markdown_body(payload)
    return {
        "site.yaml": dump(site),
        "catalog/jia/county.yaml": dump(county),
        "catalog/jia/czyjs.yaml": dump(domain),
        "content/jia/docs/2024-doc-001.md": front(doc, body),
        "content/jia/docs/2024-doc-002.md": front(interpretation, body),
        "content/jia/pages/guide.md": front(page, body),
        "content/pages/about.md": front(page, body),
        f"content/jia/{att}": payload,
        "content/files/dzjg.png": PNG, "content/files/jiucuo.gif": PNG,
    }


class Builds(Mapping):
    """payload name -> output folder, plus CLEAN: the same site with harmless text. Each site is
    built when a test first asks for it: a worker that runs only some payloads' tests builds
    only those."""

    def __init__(self, tmp_path_factory):
        self._tmp = tmp_path_factory
        self._out: dict[str, str] = {}
        self._produced: dict[str, dict[str, bytes]] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._out:
            payload = CLEAN if name == "CLEAN" else PAYLOADS[name]
            root = self._tmp.mktemp(f"site-{name}")
            site = write_files(root / "site", hostile_site(payload))
            try:
                build_site(site, str(root / "public"))
            except ContentErrors as exc:
                raise AssertionError(f"{name}: {[p.as_text() for p in exc.problems]}")
            self._out[name] = str(root / "public")
        return self._out[name]

    def produced(self, name: str) -> dict[str, bytes]:
        """The download and search index files the payload's build wrote (dest -> bytes)."""
        if name not in self._produced:
            self._produced[name] = produced(self[name])
        return self._produced[name]

    def __iter__(self):
        return iter(["CLEAN", *PAYLOADS])

    def __len__(self) -> int:
        return 1 + len(PAYLOADS)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    return Builds(tmp_path_factory)


def produced(out: str) -> dict[str, bytes]:
    """The download files and search index files the build wrote (dest -> bytes)."""
    found = {}
    for rel in files_of(out, ""):
        if rel.startswith(("jia/downloads/", "jia/search/", "search/")):
            with open(os.path.join(out, rel), "rb") as fh:
                found[rel.replace(os.sep, "/")] = fh.read()
    return found


def files_of(out: str, suffix: str) -> list[str]:
    found = []
    for dirpath, _dirs, names in os.walk(out):
        found += [os.path.relpath(os.path.join(dirpath, n), out) for n in names if n.endswith(suffix)]
    return sorted(found)


def read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()


# ---------------------------------------------------------------- HTML

class PageShape(HTMLParser):
    """What a browser could execute in a page: tags, attributes, comments, script text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.comments: list[str] = []
        self.script_text = ""
        self.text: list[tuple[str, str]] = []   # (enclosing tag, text)
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "link", "br", "hr", "img", "input", "wbr"):
            self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        here = self._open[-1] if self._open else ""
        if here == "script":
            self.script_text += data
        self.text.append((here, data))

    def texts_in(self, tag: str) -> list[str]:
        return [t for where, t in self.text if where == tag]


def shape(path: str) -> PageShape:
    parser = PageShape()
    parser.feed(read(path))
    parser.close()
    return parser


def _scheme(url: str) -> str:
    compact = re.sub(r"[\x00-\x20\u2028\u2029]", "", url).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", compact)
    return match[1] if match else ""


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_html_pages_contain_no_script_the_payload_could_start(builds, name):
    clean, hostile = builds["CLEAN"], builds[name]
    pages = files_of(hostile, ".html")
    assert pages == files_of(clean, ".html")
    clean_tags = {tag for page in pages for tag, _a in shape(os.path.join(clean, page)).tags}
    for page in pages:
        got, expected = shape(os.path.join(hostile, page)), shape(os.path.join(clean, page))
        assert {t for t, _a in got.tags} <= clean_tags, f"{page}: new kinds of element"
        scripts = [a.get("src") for t, a in got.tags if t == "script"]
        assert scripts == [a.get("src") for t, a in expected.tags if t == "script"], page
        assert "alert" not in got.script_text, page
        assert got.comments == expected.comments, f"{page}: comment opened by the payload"
        for tag, attrs in got.tags:
            events = [a for a in attrs if a.startswith("on")]
            assert not events, f"{page}: <{tag}> has event handler {events}"
            assert not (tag == "meta" and "http-equiv" in attrs), page
            for attr, value in attrs.items():
                if attr in URL_ATTRIBUTES and value:
                    scheme = _scheme(value)
                    assert not scheme or scheme in SAFE_SCHEMES, f"{page}: <{tag} {attr}={value!r}>"


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_the_payload_is_shown_as_the_text_the_editor_wrote(builds, name):
    payload, out = PAYLOADS[name], builds[name]
    doc = shape(os.path.join(out, "jia/docs/2024-doc-001.html"))
    assert payload in doc.texts_in("h1")                       # title, not run through Jinja again
    assert doc.texts_in("title")[0].startswith(payload + " - " + payload)
    assert any(payload in t for t in doc.texts_in("code"))     # Markdown code keeps it verbatim
    meta = {a.get("name"): a.get("content") for t, a in doc.tags if t == "meta"}
    assert meta["ArticleTitle"] == payload and meta["ContentSource"] == payload
    item = shape(os.path.join(out, "jia/catalog/items/hostile-01.html"))
    assert payload in item.texts_in("h1")


def test_jinja_syntax_in_content_is_never_evaluated(builds):
    page = read(os.path.join(builds["jinja"], "jia/docs/2024-doc-001.html"))
    assert "{{ 7*7 }}{% if true %}x{% endif %}" in page.replace("&#39;", "'")
    assert "49{%" not in page and "}}x" not in page


def test_links_to_an_attachment_with_a_hostile_name_stay_relative(builds):
    for name, out in builds.items():
        doc = shape(os.path.join(out, "jia/docs/2024-doc-001.html"))
        downloads = [a["href"] for t, a in doc.tags if t == "a" and "download" in a]
        assert downloads and all(h.startswith("../files/") for h in downloads), (name, downloads)


def test_a_site_address_that_is_not_a_web_address_is_refused(make_site, tmp_path):
    for bad in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", " JavaScript:alert(1)",
                "//evil.example/", "zwgk.example.gov.cn"):
        site = make_site({"site.yaml": f"title: 测试\nbase_url: '{bad}'\n"})
        with pytest.raises(ContentErrors) as caught:
            build_site(site, str(tmp_path / "public"))
        assert any(p.path == "site.yaml" and "base_url" in p.message for p in caught.value.problems), bad


MARKDOWN_LINKS = [
    "[链接](javascript:alert(1))", "[链接](JaVaScRiPt:alert(1))", "[链接](&#106;avascript:alert(1))",
    "[链接](java&#x09;script:alert(1))", "[链接](jav&#x0A;ascript:alert(1))", "<javascript:alert(1)>",
    "[链接][r]\n\n[r]: javascript:alert(1)", "![图](javascript:alert(1))", "[链接](vbscript:msgbox(1))",
    "[链接](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "![图](data:image/svg+xml,<svg onload=alert(1)>)",
    "[链接](file:///etc/passwd)", '<a href="javascript:alert(1)">链接</a>', "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>", "<iframe src=javascript:alert(1)>", '<form action="javascript:alert(1)"><button>提交</button></form>',
]


def test_markdown_links_with_script_or_data_schemes_are_not_links(make_site, tmp_path):
    body = "\n\n".join(MARKDOWN_LINKS) + "\n"
    site = make_site({"content/jia/docs/2024-czj-001.md": "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-02-01\n---\n" + body})
    out = str(tmp_path / "public")
    build_site(site, out)
    page = shape(os.path.join(out, "jia/docs/2024-czj-001.html"))
    for tag, attrs in page.tags:
        assert tag not in ("img", "svg", "iframe", "form") or tag == "form" and attrs.get("role") == "search", tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for attr, value in attrs.items():
            if attr in URL_ATTRIBUTES and value:
                scheme = _scheme(value)
                assert not scheme or scheme in SAFE_SCHEMES, (tag, attr, value)


# ---------------------------------------------------------------- XML, JSON, CSV, XLSX

@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_feed_and_sitemap_stay_well_formed_with_the_payload_as_text(builds, name):
    out, payload = builds[name], PAYLOADS[name]
    feed = ET.fromstring(read(os.path.join(out, "jia/feed.xml")).encode("utf-8"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.text for e in feed.findall("a:entry/a:title", ns)] == [payload, payload]
    sitemap = ET.fromstring(read(os.path.join(out, "jia/sitemap.xml")).encode("utf-8"))
    assert all(loc.text.startswith(BASE_URL) for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"))


def test_text_that_xml_cannot_carry_is_refused_before_it_breaks_the_feed(make_site):
    from zwgk.library import load_library
    for char in ("\\uFFFE", "\\uFFFF", "\\uD800", "\\x0B", "\\e"):
        site = make_site({"content/jia/docs/2024-czj-001.md":
                          f'---\ntitle: "标{char}题"\nissuer: 甲县财政局\npublished: 2024-02-01\n---\n'})
        with pytest.raises(ContentErrors) as caught:
            load_library(site)
        assert any(p.path == "content/jia/docs/2024-czj-001.md" and p.line == 2 for p in caught.value.problems), char


def _download(builds: Builds, payload_name: str, file: str) -> bytes:
    return builds.produced(payload_name)[f"jia/downloads/{file}"]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_csv_cells_cannot_start_a_formula(builds, name):
    out, payload = builds[name], PAYLOADS[name]
    for file in ("catalog.csv", "czyjs.csv", "documents.csv"):
        text = _download(builds, name, file).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        cells = [c for row in rows for c in row]
        assert not [c for c in cells if c.startswith(FORMULA_START)], file
        shown = "'" + payload if payload.startswith(FORMULA_START) else payload
        assert shown in cells, f"{file}: the payload is not kept as one cell"


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_xlsx_cells_are_text_never_formulas(builds, name):
    import openpyxl
    out, payload = builds[name], PAYLOADS[name]
    for file in ("catalog.xlsx", "czyjs.xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(_download(builds, name, file)))
        values = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{file}!{cell.coordinate} is a formula"
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        assert cell.quotePrefix, f"{file}!{cell.coordinate} {cell.value!r} can become a formula"
                    values.append(cell.value)
        assert payload in values, file


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_json_download_parses_and_keeps_the_payload_exactly(builds, name):
    out, payload = builds[name], PAYLOADS[name]
    data = json.loads(_download(builds, name, "catalog.json"))
    found = json.dumps(data, ensure_ascii=False)
    assert json.dumps(payload, ensure_ascii=False) in found


# ---------------------------------------------------------------- in the browser

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def visit_all(browser, out: str, extra: list[str] = ()) -> list[str]:
    """Open every page (and `extra` addresses) from file://; returns what fired: dialogs, errors."""
    fired: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda d: (fired.append(f"{page.url}: {d.type} {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: fired.append(f"{page.url}: script error {e}"))
    # Anything the payload might make the page fetch or navigate to would show here.
    context.route(re.compile(r"^(?!file://).*"), lambda route: (fired.append(f"request {route.request.url}"), route.abort()))
    for rel in files_of(out, ".html"):
        page.goto("file://" + os.path.join(out, rel), wait_until="load")
    for address in extra:
        page.goto(address, wait_until="load")
        page.wait_for_timeout(200)   # a search runs after the index shards load
    context.close()
    return fired


@pytest.mark.browser
@pytest.mark.parametrize("name", ["all-at-once", "attribute-breakout", "script-close", "javascript-url", "data-url"])
def test_no_page_runs_the_payload_in_chromium(builds, browser, name):
    out = builds[name]
    assert visit_all(browser, out) == []


# ---------------------------------------------------------------- the search index

NODE_LOADER = r"""
const fs = require("fs"), vm = require("vm");
const out = {};
for (const file of JSON.parse(fs.readFileSync(0, "utf8"))) {
  const calls = [];
  // Only zwgkData exists: any other code in the file (alert, a second statement's globals) throws.
  vm.runInNewContext(fs.readFileSync(file, "utf8"), Object.freeze({zwgkData: (n, p) => calls.push([n, p])}));
  out[file] = calls;
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_search_index_files_are_one_data_call_each_with_the_payload_inside_strings(builds, name, tmp_path):
    import subprocess
    payload = PAYLOADS[name]
    index = {dest: data for dest, data in builds.produced(name).items() if dest.endswith(".js")}
    assert any(dest.startswith("jia/search/") for dest in index) and any(dest.startswith("search/") for dest in index)
    paths = []
    for dest, data in index.items():
        # Nothing in an index file can close a <script>, open an HTML comment or end a JS line early.
        assert not re.search(rb"<|>|\xe2\x80\xa8|\xe2\x80\xa9", data), dest
        path = tmp_path / dest.replace("/", "__")
        path.write_bytes(data)
        paths.append(str(path))
    done = subprocess.run(["node", "-e", NODE_LOADER], input=json.dumps(paths), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    calls = json.loads(done.stdout)
    assert all(len(c) == 1 for c in calls.values()), "each index file is exactly one zwgkData(...) call"
    # The original text comes back exactly from the text pieces: [start, text, head] in order.
    pieces = sorted((c[0][1] for p, c in calls.items() if "jia__search__t__" in p), key=lambda piece: piece[0])
    assert payload in "".join(piece[1] for piece in pieces)


@pytest.mark.browser
@pytest.mark.parametrize("name", ["all-at-once", "attribute-breakout", "script-close"])
def test_search_results_show_the_payload_as_text_and_run_nothing(builds, browser, name):
    out, payload = builds[name], PAYLOADS[name]
    search = "file://" + os.path.join(out, "jia", "search.html")
    assert os.path.isfile(search[len("file://"):]), "the county search page"
    fired: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (fired.append(f"{d.type} {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: fired.append(f"script error {e}"))
    for query in ("alert", payload):
        page.goto(f"{search}?q={quote(query)}", wait_until="load")
        # Results are text nodes: the title the editor wrote shows up literally.
        page.wait_for_function("p => document.querySelector('main').textContent.includes(p)", arg=payload, timeout=15000)
        injected = page.evaluate("() => document.querySelectorAll('main img, main script, main iframe, main svg').length")
        assert injected == 0, query
    page.close()
    assert fired == []
