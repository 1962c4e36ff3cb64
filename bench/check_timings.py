"""Time the stages of `zwgk check` on a site: the personal-information scan and the link check.

    python bench/gen_corpus.py --out bench/out/city
    python bench/check_timings.py bench/out/city
"""
from __future__ import annotations

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from zwgk.build import build_site  # noqa: E402

from zwgk.library import load_library  # noqa: E402
from zwgk.publish.links import check_links  # noqa: E402
from zwgk.source.pii import scan_site  # noqa: E402


def main(site: str) -> None:
    start = time.perf_counter()
    loaded = load_library(site)
    counties = [c.slug for c in loaded.library.counties]
    print(f"load     {time.perf_counter() - start:7.2f} s")
    start = time.perf_counter()
    report = scan_site(site, loaded.texts, loaded.library.site.pii_allow, counties)
    chars = sum(len(t) for t in loaded.texts.values())
    print(f"pii scan {time.perf_counter() - start:7.2f} s  {len(loaded.texts)} sources, {chars / 1e6:.1f}M characters, "
          f"{len(report.findings)} findings, {len(report.unchecked)} unchecked attachments")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        build_site(site, os.path.join(tmp, "out"), check_personal_info=False)
        print(f"build    {time.perf_counter() - start:7.2f} s")
        start = time.perf_counter()
        links = check_links(os.path.join(tmp, "out"))
        print(f"links    {time.perf_counter() - start:7.2f} s  {links.pages} pages, {links.internal} internal links, "
              f"{len(links.broken)} broken, {len(links.external)} external")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
