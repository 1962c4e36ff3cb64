"""The portal's cross-county search on an output already built, in headless Chromium.

    python bench/portal_search.py OUT [--runs 3]

OUT is a `zwgk build` output (for a province: `python bench/gen_corpus.py --counties 200`,
then `zwgk build`). Prints, for each run: the bytes and requests a cold first query fetches
from the portal's search page (every response counted, a fresh browser context per query),
and the time of a query whose files are already loaded (median and slowest over the bench's
query list, in the page's own engine). bench/search_vs_pagefind.py --portal measures the
same cold queries beside Pagefind, but builds the site and runs Pagefind first: too heavy
for 200 counties.
"""
from __future__ import annotations

import argparse
import os
import sys
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bench"))

from search_vs_pagefind import PORTAL_QUERIES, QUERIES, ZWGK_DONE, browsing, cold_bytes, warm_query_ms  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="the output folder of a build (its search.html is the portal's search)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    if not os.path.exists(os.path.join(args.out, "search", "index.js")):
        ap.error(f"{args.out} has no portal search index (search/index.js)")
    with open(os.path.join(args.out, "search", "index.js"), "rb") as f:
        print(f"portal of {args.out}: index.js {len(f.read()) / 1024:.0f} KB")
    with browsing(args.out) as (browser, base):
        for run in range(1, args.runs + 1):
            for q in PORTAL_QUERIES:
                size, requests, seconds = cold_bytes(browser, f"{base}/search.html?q={urllib.parse.quote(q)}", ZWGK_DONE)
                print(f"run {run}  cold {q:<8} {size / 1024:7.0f} KB  {requests:4d} requests  {seconds:5.2f} s")
            median, slowest = warm_query_ms(browser, base)
            print(f"run {run}  query with its files loaded, {len(QUERIES)} queries: "
                  f"median {median:.1f} ms, slowest {slowest:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
