"""The theme as a visitor meets it in Chromium: keyboard, 长辈模式, no JavaScript, file://, print,
nothing fetched from elsewhere, the head and footer a site monitor reads, and small assets."""
from __future__ import annotations

import io
import os
import pathlib
from urllib.parse import unquote, urlsplit

import pypdf
import pytest

from browser import DESKTOP, PHONE, chromium, demo_library, demo_site, page_kinds, site_url  # noqa: F401
from conftest import REPO, minimal_site, write_files
from zwgk.library import urls

pytestmark = pytest.mark.browser

STATIC = os.path.join(REPO, "themes", "default", "static")
# Raw bytes, no gzip: old PCs and kiosks may get them uncompressed. 14 KB since the 专栏's 年报
# tables, official documents, the merged standard table, the phone's first screen and the 无障碍
# toolbar (14.2 KB raw, 4.1 KB gzipped at -9).
CSS_BUDGET = 14 * 1024
JS_BUDGET = 3 * 1024
A11Y_JS_BUDGET = 4 * 1024   # the 无障碍 toolbar, loaded deferred (3.7 KB)
SEARCH_CSS_BUDGET = 3 * 1024


@pytest.fixture(scope="module")
def kinds(demo_site):
    return {k.name: k for k in page_kinds()}


@pytest.fixture
def new_page(chromium):
    """new_page(**context_options) -> a page in a fresh context (its own localStorage)."""
    contexts = []

    def make(width=DESKTOP, **options):
        context = chromium.new_context(viewport={"width": width, "height": 900}, **options)
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName, id: e.id, cls: e.className, text: e.textContent.trim().slice(0, 20),
                top: e.getBoundingClientRect().top, outline: s.outlineStyle, shadow: s.boxShadow}; }""")


def test_keyboard_alone_reaches_skip_link_search_box_and_standard_table(new_page, site_url, kinds):
    page = new_page()
    page.goto(site_url + kinds["domain"].path)
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "跳到正文" and first["top"] >= 0, "the first Tab shows the skip link"
    assert first["outline"] != "none"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main", "the skip link moves focus to the content"

    page.goto(site_url + kinds["domain"].path)
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(focused(page))
        if "table-scroll" in reached[-1]["cls"]:
            break
    search = [f for f in reached if f["id"] == "q-top"]
    table = [f for f in reached if "table-scroll" in f["cls"]]
    assert search and table, [f["text"] or f["id"] for f in reached]
    assert all(f["outline"] != "none" for f in search + table), "focus is visible"
    # The focused table region scrolls with the arrow keys when the table is wider than it.
    page.set_viewport_size({"width": 900, "height": 900})
    assert page.evaluate("document.activeElement.scrollWidth > document.activeElement.clientWidth")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.activeElement.scrollLeft > 0")   # keyboard scrolling is animated


def test_no_request_leaves_the_pages_own_origin(new_page, site_url, kinds):
    context = new_page().context
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    pages = []
    for kind in kinds.values():          # a tab per kind, so that their waits for quiet overlap
        page = context.new_page()
        response = page.goto(site_url + kind.path + kind.query)
        assert response.ok, kind.path
        if kind.ready:
            page.wait_for_selector(kind.ready)
        pages.append(page)
    for page in pages:                   # a late request (a lazy image, a script's fetch) shows here
        page.wait_for_load_state("networkidle")
    assert requested
    assert [url for url in requested if not url.startswith(site_url)] == []


def root_font_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_elder_mode_button_gives_large_high_contrast_type_remembered_across_pages(new_page, site_url, kinds):
    page = new_page()
    page.goto(site_url + kinds["county"].path)
    normal_px = root_font_px(page)
    button = page.get_by_role("button", name="长辈模式", exact=True)
    button.focus()
    page.keyboard.press("Enter")          # operable from the keyboard
    assert root_font_px(page) >= 1.25 * normal_px
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    assert page.get_by_role("button", name="退出长辈模式").is_visible()

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="基层政务公开标准目录").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(kinds["catalog"].path)
    assert root_font_px(page) >= 1.25 * normal_px, "remembered on the next page"
    page.goto(site_url + kinds["portal"].path)
    assert root_font_px(page) >= 1.25 * normal_px, "and at the portal"

    page.get_by_role("button", name="退出长辈模式").click()
    page.goto(site_url + kinds["document"].path)
    assert root_font_px(page) == normal_px, "switching back is remembered too"


def test_mode_elder_link_switches_on_elder_mode_and_it_stays_on(new_page, site_url, kinds):
    page = new_page(width=PHONE)
    page.goto(site_url + kinds["domain"].path + "?mode=elder")
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    page.goto(site_url + kinds["item"].path)
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    page.goto(site_url + kinds["item"].path + "?mode=normal")
    assert not page.evaluate("document.documentElement.classList.contains('elder')")


def test_without_javascript_every_page_but_search_works(new_page, site_url, kinds):
    page = new_page(java_script_enabled=False)
    for kind in kinds.values():
        page.goto(site_url + kind.path + kind.query)
        if kind.name == "search":
            notice = page.locator("noscript")
            assert notice.count() >= 1 and notice.first.inner_text().strip(), "the search page explains itself"
            continue
        assert page.locator("main h1").first.is_visible(), kind.name
        assert page.locator("main").inner_text().strip(), kind.name
        assert not page.locator("#elder-toggle").is_visible(), "no button that cannot work"
        assert page.get_by_role("search").get_by_role("searchbox").is_visible()
    page.goto(site_url + kinds["domain"].path)
    county = demo_library().counties[0]
    assert page.locator(".standard tbody tr").count() == max(len(d.items) for d in county.domains)


def test_every_page_works_from_file_urls(new_page, demo_site, kinds):
    page = new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    root = pathlib.Path(demo_site).as_uri() + "/"
    for kind in kinds.values():
        if kind.name == "not-found":        # shown by a web server only: its <base> is an address there
            continue
        page.goto(root + kind.path + kind.query)
        if kind.ready:
            page.wait_for_selector(kind.ready)
        assert page.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor") \
            == "rgb(155, 28, 28)", f"{kind.name}: the stylesheet loads from file://"
        assert page.locator("#elder-toggle").is_visible(), f"{kind.name}: the script runs from file://"
        hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
        local = [h for h in hrefs if h.startswith("file:")]
        missing = [h for h in local if not os.path.exists(unquote(urlsplit(h).path))]
        assert local and missing == [], f"{kind.name}: links to files that do not exist"
    assert [url for url in requested if not url.startswith("file:")] == []
    # 长辈模式 is remembered between pages opened from disk as well.
    page.goto(root + kinds["county"].path + "?mode=elder")
    page.goto(root + kinds["docs"].path)
    assert page.evaluate("document.documentElement.classList.contains('elder')")


def long_catalog_site(root) -> str:
    """A county with 40 items in one domain: enough for a printed table to need several pages."""
    items = "\n".join(f"""  - id: czyjs-{n:02d}
    level1: 政府预算
    level2: 第{n}项预算公开事项
    content: 一般公共预算收入表、支出表、本级支出表、政府性基金预算收入表、支出表
    basis: [《中华人民共和国预算法》, 《中华人民共和国政府信息公开条例》]
    deadline: 批准后20日内
    subject: 县财政局
    channels: [政府网站, 政府公报]
    audience: 全社会
    mode: 主动
    level: [县级]""" for n in range(1, 41))
    files = minimal_site()
    files["catalog/jia/czyjs.yaml"] = "domain: 财政预决算\nitems:\n" + items + "\n"
    files["content/jia/docs/2024-czj-001.md"] = files["content/jia/docs/2024-czj-001.md"].replace("items: [czyjs-ys-01]\n", "")
    return write_files(root, files)


def test_printing_gives_a4_landscape_without_navigation_and_repeats_the_header_row(new_page, tmp_path):
    from zwgk.build import build_site
    out = tmp_path / "public"
    build_site(long_catalog_site(tmp_path / "site"), str(out))
    page = new_page()
    page.goto((out / urls.domain_page("jia", "czyjs")).as_uri())
    page.emulate_media(media="print")
    for hidden in (".masthead", ".mainnav", ".crumbs", "#q-top"):
        assert not page.locator(hidden).is_visible(), hidden
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) >= 2
    for number, sheet in enumerate(pdf.pages, 1):
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210), "A4 landscape"
        text = sheet.extract_text()
        assert "公开依据" in text and "公开时限" in text, f"header row on page {number}"
    assert "全文检索" not in pdf.pages[0].extract_text(), "no navigation on paper"


def test_a_document_prints_on_a4_portrait(new_page, site_url, kinds):
    page = new_page()
    page.goto(site_url + kinds["document"].path)
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    sheet = pdf.pages[0]
    size = (round(float(sheet.mediabox.width) / 72 * 25.4), round(float(sheet.mediabox.height) / 72 * 25.4))
    assert size == (210, 297), "A4 portrait: prose has no wide table to fit"


def meta_tags(page) -> dict[str, str]:
    return page.evaluate("Object.fromEntries([...document.querySelectorAll('meta[name]')]"
                         ".map(m => [m.name, m.content]))")


def test_head_carries_the_government_site_meta_tags_from_the_data(new_page, site_url, kinds):
    lib = demo_library()
    county = lib.counties[0]
    doc = next(d for d in county.documents if urls.doc_page(county.slug, d.id) == kinds["document"].path)
    page = new_page()
    page.goto(site_url + kinds["document"].path)
    assert meta_tags(page) | {"viewport": ""} == {
        "viewport": "",
        "SiteName": f"{county.name}政务公开事项标准目录",
        "SiteDomain": lib.site.domain,
        "SiteIDCode": county.footer.site_code,
        "ColumnName": "法定主动公开内容",
        "ArticleTitle": doc.title,
        "PubDate": doc.published.isoformat(),
        "ContentSource": doc.issuer,
    }
    page.goto(site_url + kinds["domain"].path)
    tags = meta_tags(page)
    assert tags["ColumnName"] in page.locator("h1").inner_text()
    assert "ArticleTitle" not in tags, "a column page is not an article"
    page.goto(site_url + kinds["portal"].path)
    tags = meta_tags(page)
    assert (tags["SiteName"], tags["SiteIDCode"]) == (lib.site.title, lib.site.footer.site_code)
    assert all(lib.site.domain and tags[name] for name in ("SiteDomain", "ColumnName"))


def test_footer_shows_organiser_site_code_and_linked_record_numbers(new_page, site_url, kinds):
    county = demo_library().counties[0]
    footer = county.footer
    page = new_page()
    page.goto(site_url + kinds["item"].path)
    foot = page.get_by_role("contentinfo")
    text = foot.inner_text()
    assert f"主办单位：{footer.organiser}" in text
    assert f"网站标识码：{footer.site_code}" in text
    assert foot.get_by_role("link", name=footer.icp).get_attribute("href") == "https://beian.miit.gov.cn/"
    police_code = "".join(ch for ch in footer.police if ch.isdigit())
    assert foot.get_by_role("link", name=footer.police).get_attribute("href") \
        == f"https://beian.mps.gov.cn/#/query/webSearch?code={police_code}"


def test_theme_css_and_js_stay_within_their_budget():
    css = os.path.getsize(os.path.join(STATIC, "zwgk.css"))
    js = os.path.getsize(os.path.join(STATIC, "zwgk.js"))
    assert css <= CSS_BUDGET, f"zwgk.css is {css} bytes, budget {CSS_BUDGET}"
    assert js <= JS_BUDGET, f"zwgk.js is {js} bytes, budget {JS_BUDGET}"
    toolbar = os.path.getsize(os.path.join(STATIC, "zwgk-a11y.js"))
    assert toolbar <= A11Y_JS_BUDGET, f"zwgk-a11y.js is {toolbar} bytes, budget {A11Y_JS_BUDGET}"
    search_css = os.path.getsize(os.path.join(STATIC, "zwgk-search.css"))   # the search page's alone
    assert search_css <= SEARCH_CSS_BUDGET, f"zwgk-search.css is {search_css} bytes, budget {SEARCH_CSS_BUDGET}"


FIRST_SCREEN = 812          # a 375×812 phone
# What a citizen came for on each kind of page: it starts on the first screen.
MAIN_CONTENT = {"search": "#search-results > li", "item": "main .lead", "document": "main .docmeta"}


@pytest.mark.parametrize("mode", ["normal", "elder"])
@pytest.mark.parametrize("kind", sorted(MAIN_CONTENT))
def test_on_a_phone_the_main_content_starts_on_the_first_screen_and_targets_are_44_px(new_page, site_url, kinds, kind, mode):
    page = new_page(width=375)
    page.set_viewport_size({"width": 375, "height": FIRST_SCREEN})
    query = kinds[kind].query + ("&" if kinds[kind].query else "?") + f"mode={mode}"
    page.goto(site_url + kinds[kind].path + query)
    page.wait_for_selector(MAIN_CONTENT[kind])
    top = page.evaluate(f"document.querySelector('{MAIN_CONTENT[kind]}').getBoundingClientRect().top")
    assert top < FIRST_SCREEN - 60, f"{kind} ({mode}): the main content starts at y = {top:.0f}"
    if kind == "item":
        docs = page.evaluate("document.querySelector('#h-docs').getBoundingClientRect().top")
        assert docs < FIRST_SCREEN, f"an item's documents start at y = {docs:.0f}"
    if kind == "search":
        assert page.locator("#search-filter").evaluate("d => !d.open"), "facets fold behind 筛选 on a phone"
    small = page.evaluate("""[...document.querySelectorAll('main a, main button, main summary, .mainnav a')]
        .filter(e => !e.closest('.prose, .docmeta, p, td, .lead')).map(e => e.getBoundingClientRect())
        .filter(r => r.width && r.height < 44).length""")
    assert small == 0, f"{small} links or buttons shorter than 44 px"


def test_the_accessibility_toolbar_works_by_keyboard_and_is_remembered(new_page, site_url, kinds, demo_site):
    page = new_page()
    page.goto(site_url + kinds["document"].path)
    toolbar = page.locator("#a11y")
    toolbar.locator("summary").focus()
    page.keyboard.press("Enter")                                  # opened from the keyboard
    assert toolbar.evaluate("d => d.open")

    def press(label: str) -> None:
        button = toolbar.get_by_role("button", name=label)
        button.focus()
        page.keyboard.press("Enter")

    root_px = lambda: page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")  # noqa: E731
    before = root_px()
    press("放大")
    press("放大")
    assert root_px() > before * 1.15
    press("大鼠标")
    assert page.evaluate("document.documentElement.classList.contains('big-cursor')")
    assert toolbar.get_by_role("button", name="大鼠标").get_attribute("aria-pressed") == "true"
    press("十字辅助线")
    page.mouse.move(200, 300)
    assert page.locator(".cross-y").evaluate("e => !e.hidden && e.getBoundingClientRect().left") == 200
    press("语音朗读")                      # headless Chromium has no Chinese voice: it says so, in words
    assert "没有中文语音" in page.locator("#a11y-say").inner_text()
    press("纯文本")
    assert page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.disabled)")
    # Remembered on the next page, before anything shows.
    page.goto(site_url + kinds["item"].path)
    assert page.evaluate("document.documentElement.classList.contains('big-cursor')")
    assert page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.disabled)")
    page.locator("#a11y summary").click()
    page.locator("#a11y").get_by_role("button", name="重置").click()
    assert not page.evaluate("document.documentElement.classList.contains('big-cursor')")
    assert page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].every(l => !l.disabled)")
    assert abs(root_px() - before) < 0.5
    # From file:// too: no server, nothing fetched.
    page.goto(pathlib.Path(demo_site, kinds["item"].path).as_uri())
    page.locator("#a11y summary").click()
    page.locator("#a11y").get_by_role("button", name="大鼠标").click()
    assert page.evaluate("document.documentElement.classList.contains('big-cursor')")


def test_search_results_say_where_they_belong_and_their_snippets_are_text(new_page, site_url, kinds):
    import re as _re
    page = new_page()
    page.goto(site_url + kinds["search"].path + kinds["search"].query)
    page.wait_for_selector("#search-results > li")
    results = page.locator("#search-results > li")
    for n in range(results.count()):
        result = results.nth(n)
        texts = result.locator("p").all_inner_texts()
        assert not any(_re.match(r"…?[a-z0-9]+(-[a-z0-9]+)+\s", t) for t in texts), texts    # no ids, no paths
        assert "/" not in texts[-1] or "年" in texts[-1], texts                                  # not a raw address
    documents = [results.nth(n) for n in range(results.count()) if "文件" in results.nth(n).locator(".kind").inner_text()]
    assert documents, "the demo's 预算 finds documents"
    meta = documents[0].locator("p").last
    assert _re.search(r"\d{4}-\d{2}-\d{2}", meta.inner_text()) and meta.locator(".validity").count() == 1   # its date
    items = [results.nth(n) for n in range(results.count()) if "事项" in results.nth(n).locator(".kind").inner_text()]
    assert items and all(" › " in item.locator("p").last.inner_text() for item in items)   # 领域 › 一级事项
