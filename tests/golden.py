"""Golden output: the minimal test site built and kept under tests/golden/minimal.

`python tests/golden.py` refreshes it after an intended change; review the diff in git.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden", "minimal")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from conftest import minimal_site, write_files  # noqa: E402
from zwgk.build import build_site  # noqa: E402
from zwgk.write import MANIFEST  # noqa: E402


def build_minimal(into: str) -> str:
    site = write_files(os.path.join(into, "site"), minimal_site())
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
