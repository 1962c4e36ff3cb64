"""Time the download stage alone: every county's XLSX, CSV and JSON files, from a loaded site.

    python bench/gen_corpus.py --out /tmp/zwgk-bench/city      (or the city bench/city.py made)
    python bench/downloads.py /tmp/zwgk-bench/city [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from zwgk.library import load_library  # noqa: E402
from zwgk.outputs.downloads import download_outputs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    library = load_library(args.site).library
    items = sum(len(c.items) for c in library.counties)
    times, size = [], 0
    for _ in range(args.runs):
        start = time.process_time()
        outputs = [out for county in library.counties for out in download_outputs(library, county.slug)]
        times.append(time.process_time() - start)
        size = sum(len(data) for _dest, data in outputs)
    print(f"downloads of {len(library.counties)} counties, {items} items: {len(outputs)} files, {size / 1e6:.1f} MB; "
          f"CPU per run {', '.join(f'{t:.2f}' for t in times)} s; median {statistics.median(times):.2f} s; "
          f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
