"""zwgk search side by side with Pagefind on the same pages of one county.

    python bench/search_vs_pagefind.py [--site DIR] [--county C] [--records N]

Builds the site with zwgk, runs Pagefind (extended, with Chinese segmentation) on the
same item, document and page HTML, and prints for both: recall against substring truth
over a query list, bytes fetched by a cold first query in headless Chromium (every
response counted), index size on disk, index build time, and whether search works
from file://. With --records N (and no --site) it first generates a one-county corpus
of about N records with bench/gen_corpus.py.
"""
from __future__ import annotations

import argparse
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
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from zwgk import urls  # noqa: E402
from zwgk.build import build_site  # noqa: E402
from zwgk.library import load_library  # noqa: E402
from zwgk.render.renderer import Renderer  # noqa: E402
from zwgk.outputs.search import county_search_outputs  # noqa: E402
from zwgk.outputs.search.analysis import normalize  # noqa: E402
from zwgk.outputs.search.records import county_records  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
QUERIES = ["征地补偿", "社会保险", "最低生活保障", "财政预算", "公开", "补偿", "县", "号", "2023", "2024年",
           "28号", "政府信息公开", "义务教育", "安置方案", "资金使用情况", "服务满意度"]
FIRST_QUERY = "征地补偿"

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


def build(site: str, out: str, county: str) -> tuple[list, float]:
    """Build with zwgk; returns the county's records and the time its index took."""
    build_site(site, out)
    library = load_library(site).library
    dest = urls.search_page(county)
    if not os.path.exists(os.path.join(out, dest)):       # until the build writes search.html itself
        c = library.county(county)
        data = Renderer(library).render_extra("search.html", dest, title="全文检索", county=c,
                                              crumbs=[(c.name, urls.county_home(county)), ("全文检索", dest)])
        with open(os.path.join(out, dest), "wb") as fh:
            fh.write(data)
    start = time.perf_counter()
    county_search_outputs(library, county)
    return county_records(library, county), time.perf_counter() - start


def run_pagefind(county_dir: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", county_dir, "--output-subdir", "pagefind",
                    "--glob", "{catalog/items,docs,pages}/*.html", "--root-selector", "main", "--quiet"],
                   check=True)
    with open(os.path.join(county_dir, "pagefind.html"), "w", encoding="utf-8") as fh:
        fh.write(PAGEFIND_PAGE)
    return time.perf_counter() - start


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: str):
    handler = functools.partial(_QuietHandler, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def zwgk_results(county_dir: str, queries: list[str]) -> list[list[str]]:
    module = json.dumps("file://" + os.path.join(REPO, "search", "query.mjs"))
    script = (f"const {{query}} = await import({module}); const out = [];"
              "for (const q of JSON.parse(process.argv[2])) out.push((await query(process.argv[1], q)).results.map(r => r.url));"
              "process.stdout.write(JSON.stringify(out));")
    run = subprocess.run(["node", "--input-type=module", "-e", script, county_dir, json.dumps(queries)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


PAGEFIND_QUERY = """async (qs) => {
  const pf = await import("./pagefind/pagefind.js");
  await pf.init();
  const out = [];
  for (const q of qs) {
    const s = await pf.search(q);
    const data = await Promise.all(s.results.map((r) => r.data()));
    out.push(data.map((d) => d.url));
  }
  return out;
}"""


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


def warm_query_ms(browser, base: str) -> float:
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


ZWGK_DONE = "document.getElementById('search-results').children.length > 0"
PAGEFIND_DONE = "document.querySelectorAll('.pagefind-ui__result').length > 0"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", help="site folder (default: the demo site, or a generated one with --records)")
    ap.add_argument("--county", help="county slug (default: the first)")
    ap.add_argument("--records", type=int, help="generate a one-county corpus of about this many records")
    args = ap.parse_args(argv)
    site = args.site or (generate(args.records) if args.records else REPO)
    from playwright.sync_api import sync_playwright

    work = tempfile.mkdtemp(prefix="zwgk-vs-pagefind-")
    try:
        out = os.path.join(work, "public")
        county = args.county or load_library(site).library.counties[0].slug
        records, zwgk_seconds = build(site, out, county)
        county_dir = os.path.join(out, county)
        pagefind_seconds = run_pagefind(county_dir)

        texts = {r.url: r.searchable for r in records}
        truth = {q: {u for u, t in texts.items() if normalize(q) in t} for q in QUERIES}
        ours = dict(zip(QUERIES, zwgk_results(county_dir, QUERIES)))
        server = serve(out)
        base = f"http://127.0.0.1:{server.server_address[1]}/{county}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"{base}/pagefind.html")
            theirs = dict(zip(QUERIES, page.evaluate(PAGEFIND_QUERY, QUERIES)))
            page.close()
            q = urllib.parse.quote(FIRST_QUERY)
            z_bytes = cold_bytes(browser, f"{base}/search.html?q={q}", ZWGK_DONE)
            p_bytes = cold_bytes(browser, f"{base}/pagefind.html?q={q}", PAGEFIND_DONE)
            z_file = works_from_file(browser, f"file://{county_dir}/search.html?q={q}", ZWGK_DONE)
            p_file = works_from_file(browser, f"file://{county_dir}/pagefind.html?q={q}", PAGEFIND_DONE)
            median_ms, worst_ms = warm_query_ms(browser, base)
            browser.close()
        server.shutdown()

        def key(url: str) -> str:
            """A result's page relative to the county folder, whoever found it."""
            return url.split("/" + county + "/", 1)[-1].lstrip("/")

        truth = {q: {key("/" + u) for u in found} for q, found in truth.items()}
        print(f"site {site}, county {county}: {len(records)} records (items, documents, pages)")
        print(f"{'':34}{'zwgk':>16}{'Pagefind':>16}")
        rows, totals = [], [0, 0, 0]
        for q in QUERIES:
            zq = len(truth[q] & {key(u) for u in ours[q]})
            pq = len(truth[q] & {key(u) for u in theirs[q]})
            totals = [totals[0] + zq, totals[1] + pq, totals[2] + len(truth[q])]
            rows.append(f"  {q:<30}{f'{zq}/{len(truth[q])}':>16}{f'{pq}/{len(truth[q])}':>16}")
        print(f"{'recall over ' + str(len(QUERIES)) + ' queries':34}{f'{totals[0]}/{totals[2]}':>16}"
              f"{f'{totals[1]}/{totals[2]}':>16}")
        print("\n".join(rows))
        print(f"{'cold first query (' + FIRST_QUERY + ')':30}{f'{z_bytes[0] / 1024:.0f} KB/{z_bytes[1]} req':>16}"
              f"{f'{p_bytes[0] / 1024:.0f} KB/{p_bytes[1]} req':>16}")
        z_size, p_size = du(os.path.join(county_dir, "search")), du(os.path.join(county_dir, "pagefind"))
        print(f"{'index size on disk':34}{f'{z_size / 1024:.0f} KB':>16}{f'{p_size / 1024:.0f} KB':>16}")
        print(f"{'index build time':34}{f'{zwgk_seconds:.2f} s':>16}{f'{pagefind_seconds:.2f} s':>16}")
        print(f"{'works from file://':34}{('yes' if z_file else 'no'):>16}{('yes' if p_file else 'no'):>16}")
        print(f"{'query after its files are loaded':34}{f'{median_ms:.1f} ms median, {worst_ms:.1f} ms worst':>32}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
