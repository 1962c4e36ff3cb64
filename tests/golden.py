"""Golden output: the minimal test site built and kept under tests/golden/minimal.

`python tests/golden.py` refreshes it after an intended change; review the diff in git.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden", "minimal")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from conftest import minimal_site, write_files  # noqa: E402
from zwgk.build import build_site  # noqa: E402
from zwgk.publish.write import MANIFEST  # noqa: E402

# A file outside git is dated by its modification time (最后更新, and the fingerprints that
# include it); one fixed time keeps the golden output the same whatever day it is built.
FIXED_MTIME = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc).timestamp()


def build_minimal(into: str) -> str:
    site = write_files(os.path.join(into, "site"), minimal_site())
    for folder, _subfolders, names in os.walk(site):
        for name in names:
            os.utime(os.path.join(folder, name), (FIXED_MTIME, FIXED_MTIME))
    out = os.path.join(into, "public")
    build_site(site, out)
    os.remove(os.path.join(out, MANIFEST))
    return out


def refresh() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = build_minimal(tmp)
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    print(f"refreshed {GOLDEN}")


if __name__ == "__main__":
    refresh()
