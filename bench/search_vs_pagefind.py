"""zwgk search side by side with Pagefind on the same pages of one county, or of a whole city.

    python bench/search_vs_pagefind.py [--site DIR] [--county C] [--records N]
    python bench/search_vs_pagefind.py --portal [--site DIR]

Builds the site with zwgk, runs Pagefind (extended, with Chinese segmentation) on the
same item, document and page HTML, and prints for both: recall against substring truth
over a query list, bytes fetched by a cold first query in headless Chromium (every
response counted), index size on disk, index build time, and whether search works
from file://. With --records N (and no --site) it first generates a one-county corpus
of about N records with bench/gen_corpus.py.

With --portal it compares the portal's cross-county search (search.html at the output
root) with Pagefind over the pages of every county: bytes fetched by a cold query for
each of a few queries, index size, index build time, how many results each finds, and
whether the portal's total for a query is the sum of the county searches' totals.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from zwgk.build import build_site  # noqa: E402
from zwgk.library import Library, load_library, urls  # noqa: E402
from zwgk.outputs.search import county_search_outputs, portal_search_outputs  # noqa: E402
from zwgk.outputs.search.analysis import normalize  # noqa: E402
from zwgk.outputs.search.records import county_records  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
QUERIES = ["征地补偿", "社会保险", "最低生活保障", "财政预算", "公开", "补偿", "县", "号", "2023", "2024年",
           "28号", "政府信息公开", "义务教育", "安置方案", "资金使用情况", "服务满意度"]
FIRST_QUERY = "征地补偿"
PORTAL_QUERIES = [FIRST_QUERY, "低保", "最低生活保障", "户口迁移"]
PAGES_GLOB = "{catalog/items,docs,pages}/*.html"      # a county's item, document and page HTML

PAGEFIND_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<link href="pagefind/pagefind-ui.css" rel="stylesheet"><script src="pagefind/pagefind-ui.js"></script></head>
<body><div id="search"></div><script>
window.addEventListener("DOMContentLoaded", function () {
  var ui = new PagefindUI({ element: "#search", showSubResults: false });
  var q = new URLSearchParams(location.search).get("q");
  if (q) ui.triggerSearch(q);
});
</script></body></html>
"""


def du(path: str) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _s, fs in os.walk(path) for f in fs)


def generate(records: int) -> str:
    out = os.path.join(REPO, "bench", "out", f"search{records}")
    if not os.path.exists(os.path.join(out, "site.yaml")):
        docs = records // 5
        per_domain = max(1, (records - docs) // 26)
        subprocess.run([sys.executable, os.path.join(REPO, "bench", "gen_corpus.py"), "--out", out, "--counties", "1",
                        "--items-per-domain", str(per_domain), "--docs-per-county", str(docs)], check=True)
    return out


def build(site: str, out: str, county: str = "") -> tuple[Library, float]:
    """Build with zwgk; returns the library and the time the search index of the county
    (or, without one, of the portal) takes to make."""
    build_site(site, out)
    library = load_library(site).library
    page = os.path.join(out, urls.search_page(county))
    if not os.path.exists(page):
        sys.exit(f"{page} is missing: the build wrote no search page")
    start = time.perf_counter()
    if county:
        county_search_outputs(library, county)
    else:
        list(portal_search_outputs(library))     # every county's part, then the merge (files come one at a time)
    return library, time.perf_counter() - start


def run_pagefind(root: str, glob: str) -> float:
    """Pagefind over the pages under root that glob selects, into root/pagefind, with a
    search page root/pagefind.html; returns the time it took."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", root, "--output-subdir", "pagefind",
                    "--glob", glob, "--root-selector", "main", "--quiet"], check=True)
    with open(os.path.join(root, "pagefind.html"), "w", encoding="utf-8") as fh:
        fh.write(PAGEFIND_PAGE)
    return time.perf_counter() - start


def pagefind_pages(root: str) -> int:
    """How many pages Pagefind indexed under root."""
    with open(os.path.join(root, "pagefind", "pagefind-entry.json"), encoding="utf-8") as fh:
        return sum(lang["page_count"] for lang in json.load(fh)["languages"].values())


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: str):
    handler = functools.partial(_QuietHandler, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def zwgk_search(site_dir: str, queries: list[str]) -> list[dict]:
    """{"total", "urls"} of each query, with search/query.mjs (the browser's engine) over a
    built county folder, or the output root for the portal."""
    run = subprocess.run(["node", os.path.join(REPO, "search", "query.mjs"), site_dir, "--many", json.dumps(queries)],
                         capture_output=True, text=True, check=True)
    return [{"total": r["total"], "urls": [x["url"] for x in r["results"]]} for r in json.loads(run.stdout)]


# Each query's result URLs, or with urls false only how many results it has.
PAGEFIND_QUERY = """async ({qs, urls}) => {
  const pf = await import("./pagefind/pagefind.js");
  await pf.init();
  const out = [];
  for (const q of qs) {
    const s = await pf.search(q);
    out.push(urls ? (await Promise.all(s.results.map((r) => r.data()))).map((d) => d.url) : s.results.length);
  }
  return out;
}"""


def pagefind_search(browser, base: str, queries: list[str], urls: bool = True) -> list:
    """PAGEFIND_QUERY run in base/pagefind.html."""
    page = browser.new_page()
    page.goto(f"{base}/pagefind.html")
    found = page.evaluate(PAGEFIND_QUERY, {"qs": queries, "urls": urls})
    page.close()
    return found


def cold_bytes(browser, url: str, done: str) -> tuple[int, int, float]:
    """Bytes and requests of everything fetched until `done` holds, in a fresh context."""
    context = browser.new_context()
    page = context.new_page()
    sizes = []
    page.on("requestfinished", lambda req: sizes.append(req.sizes()["responseBodySize"]))
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(done, timeout=60_000)
    elapsed = time.perf_counter() - start
    page.wait_for_timeout(300)          # let stragglers finish
    context.close()
    return sum(sizes), len(sizes), elapsed


def works_from_file(browser, url: str, done: str) -> bool:
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_function(done, timeout=8_000)
        return True
    except Exception:
        return False
    finally:
        page.close()


def warm_query_ms(browser, base: str) -> tuple[float, float]:
    """Median time of a query whose files are already loaded, in the page's own engine."""
    page = browser.new_page()
    page.goto(f"{base}/search.html?q={urllib.parse.quote(FIRST_QUERY)}")
    page.wait_for_function(ZWGK_DONE)
    times = page.evaluate("""async (qs) => {
      const e = window.zwgkSearchEngine, out = [];
      for (const q of qs) { await e.search(q, {size: 10}); const t = performance.now(); await e.search(q, {size: 10});
        out.push(performance.now() - t); }
      return out;
    }""", QUERIES)
    page.close()
    times.sort()
    return times[len(times) // 2], times[-1]


# A query's page is done when it shows results, or says it found none (zwgk's status, and
# the message of Pagefind's UI in Chinese, which it picks from the page's lang="zh-CN").
ZWGK_DONE = ("document.getElementById('search-results').children.length > 0"
             " || document.getElementById('search-status').textContent.includes('没有找到')")
PAGEFIND_DONE = ("document.querySelectorAll('.pagefind-ui__result').length > 0"
                 " || (document.querySelector('.pagefind-ui__message')?.textContent || '').includes('未找到')")


def pad(text: str, width: int, right: bool = False) -> str:
    """text padded to width terminal columns (a Chinese character takes two)."""
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    gap = " " * max(0, width - cols)
    return gap + text if right else text + gap


def row(label: str, *cells: str, width: int = 16) -> str:
    """A table row: label in 34 columns, then each cell right-aligned in width columns."""
    return pad(label, 34) + "".join(pad(c, width, right=True) for c in cells)


def fetched(cold: tuple[int, int, float]) -> str:
    return f"{cold[0] / 1024:.0f} KB/{cold[1]} req"


@contextlib.contextmanager
def browsing(root: str):
    """Headless Chromium and a local server of root: yields (browser, the server's URL)."""
    from playwright.sync_api import sync_playwright
    server = serve(root)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                yield browser, f"http://127.0.0.1:{server.server_address[1]}"
            finally:
                browser.close()
    finally:
        server.shutdown()


def compare_county(site: str, county: str, work: str) -> None:
    out = os.path.join(work, "public")
    library, zwgk_seconds = build(site, out, county)
    records = county_records(library, county)
    county_dir = os.path.join(out, county)
    pagefind_seconds = run_pagefind(county_dir, PAGES_GLOB)

    texts = {r.url: r.searchable for r in records}
    truth = {q: {u for u, t in texts.items() if normalize(q) in t} for q in QUERIES}
    ours = dict(zip(QUERIES, (found["urls"] for found in zwgk_search(county_dir, QUERIES))))
    with browsing(out) as (browser, root_url):
        base = f"{root_url}/{county}"
        theirs = dict(zip(QUERIES, pagefind_search(browser, base, QUERIES)))
        q = urllib.parse.quote(FIRST_QUERY)
        z_bytes = cold_bytes(browser, f"{base}/search.html?q={q}", ZWGK_DONE)
        p_bytes = cold_bytes(browser, f"{base}/pagefind.html?q={q}", PAGEFIND_DONE)
        z_file = works_from_file(browser, f"file://{county_dir}/search.html?q={q}", ZWGK_DONE)
        p_file = works_from_file(browser, f"file://{county_dir}/pagefind.html?q={q}", PAGEFIND_DONE)
        median_ms, worst_ms = warm_query_ms(browser, base)

    def key(url: str) -> str:
        """A result's page relative to the county folder, whoever found it."""
        return url.split("/" + county + "/", 1)[-1].lstrip("/")

    truth = {q: {key("/" + u) for u in found} for q, found in truth.items()}
    print(f"site {site}, county {county}: {len(records)} records (items, documents, pages)")
    print(row("", "zwgk", "Pagefind"))
    rows, totals = [], [0, 0, 0]
    for q in QUERIES:
        zq = len(truth[q] & {key(u) for u in ours[q]})
        pq = len(truth[q] & {key(u) for u in theirs[q]})
        totals = [totals[0] + zq, totals[1] + pq, totals[2] + len(truth[q])]
        rows.append(row("  " + q, f"{zq}/{len(truth[q])}", f"{pq}/{len(truth[q])}"))
    print(row(f"recall over {len(QUERIES)} queries", f"{totals[0]}/{totals[2]}", f"{totals[1]}/{totals[2]}"))
    print("\n".join(rows))
    print(row(f"cold first query ({FIRST_QUERY})", fetched(z_bytes), fetched(p_bytes)))
    z_size, p_size = du(os.path.join(county_dir, "search")), du(os.path.join(county_dir, "pagefind"))
    print(row("index size on disk", f"{z_size / 1024:.0f} KB", f"{p_size / 1024:.0f} KB"))
    print(row("index build time", f"{zwgk_seconds:.2f} s", f"{pagefind_seconds:.2f} s"))
    print(row("works from file://", "yes" if z_file else "no", "yes" if p_file else "no"))
    print(row("query after its files are loaded", f"{median_ms:.1f} ms median, {worst_ms:.1f} ms worst", width=32))


def compare_portal(site: str, work: str) -> None:
    """The portal's search (search.html and search/ at the output root) and Pagefind over
    the item, document and page HTML of every county."""
    out = os.path.join(work, "public")
    library, zwgk_seconds = build(site, out)
    slugs = [c.slug for c in library.counties]
    pagefind_seconds = run_pagefind(out, "{" + ",".join(slugs) + "}/" + PAGES_GLOB)

    portal = zwgk_search(out, PORTAL_QUERIES)
    counties = [zwgk_search(os.path.join(out, slug), PORTAL_QUERIES) for slug in slugs]
    county_sums = [sum(found[i]["total"] for found in counties) for i in range(len(PORTAL_QUERIES))]
    with browsing(out) as (browser, base):
        theirs = pagefind_search(browser, base, PORTAL_QUERIES, urls=False)
        cold = []
        for q in PORTAL_QUERIES:
            q = urllib.parse.quote(q)
            cold.append((cold_bytes(browser, f"{base}/{urls.PORTAL_SEARCH}?q={q}", ZWGK_DONE),
                         cold_bytes(browser, f"{base}/pagefind.html?q={q}", PAGEFIND_DONE)))

    w = 20
    print(f"site {site}, portal of {len(slugs)} counties; Pagefind indexed {pagefind_pages(out)} pages "
          "(items, documents, pages)")
    print(row("", "zwgk portal", "Pagefind", width=w))
    print("cold first query, fetched")
    for q, (z_bytes, p_bytes) in zip(PORTAL_QUERIES, cold):
        print(row("  " + q, fetched(z_bytes), fetched(p_bytes), width=w))
    z_size, p_size = du(os.path.join(out, "search")), du(os.path.join(out, "pagefind"))
    print(row("index size on disk", f"{z_size / 1024:.0f} KB", f"{p_size / 1024:.0f} KB", width=w))
    print(row("index build time", f"{zwgk_seconds:.2f} s", f"{pagefind_seconds:.2f} s", width=w))
    print("results (zwgk: total, and the distinct pages they are on)")
    for q, ours, n in zip(PORTAL_QUERIES, portal, theirs):
        print(row("  " + q, f"{ours['total']} ({len(set(ours['urls']))} pages)", str(n), width=w))
    print(row("zwgk portal total vs the counties'", "portal", f"sum of {len(slugs)}", "equal", width=w))
    for q, ours, total in zip(PORTAL_QUERIES, portal, county_sums):
        print(row("  " + q, str(ours["total"]), str(total), "yes" if ours["total"] == total else "NO", width=w))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", help="site folder (default: the demo site, or a generated one with --records)")
    ap.add_argument("--county", help="county slug (default: the first)")
    ap.add_argument("--records", type=int, help="generate a one-county corpus of about this many records")
    ap.add_argument("--portal", action="store_true",
                    help="compare the portal's cross-county search with Pagefind over every county's pages")
    args = ap.parse_args(argv)
    if args.portal and (args.county or args.records):
        ap.error("--portal takes the whole site: no --county or --records")
    site = args.site or (generate(args.records) if args.records else REPO)

    work = tempfile.mkdtemp(prefix="zwgk-vs-pagefind-")
    try:
        if args.portal:
            compare_portal(site, work)
        else:
            compare_county(site, args.county or load_library(site).library.counties[0].slug, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
