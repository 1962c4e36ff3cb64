"""The minimal site's output, file by file, against tests/golden/minimal.

After an intended change run `python tests/golden.py` and review the diff."""
from __future__ import annotations

import os

from golden import GOLDEN, build_minimal


def tree(root: str) -> dict[str, bytes]:
    files = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as fh:
                files[os.path.relpath(path, root)] = fh.read()
    return files


def test_minimal_site_matches_the_golden_output(tmp_path):
    got = tree(build_minimal(str(tmp_path)))
    want = tree(GOLDEN)
    assert sorted(got) == sorted(want), "files differ; refresh with: python tests/golden.py"
    changed = [path for path in want if got[path] != want[path]]
    assert not changed, f"content differs in {changed}; refresh with: python tests/golden.py"
