"""The manifest of an output folder: for every file, its content hash and the Stamp of the
inputs it was made from. Written last, so a folder with a manifest is a whole site.

The previous site kept beside the output (write.py) has its manifest written as what differs
from the live one's (DELTA), tied to that file's identity: a province's manifest is 53 MB,
and every build that reused the previous site parsed it again (0.9 s of a 10 s edit)."""
from __future__ import annotations

import json
import os
import sys

from zwgk.base import save_json

MANIFEST = ".zwgk-manifest.json"
DELTA = ".zwgk-manifest-delta.json"
DELTA_SHARE = 0.25      # a delta holds at most this share of the entries; past it, the whole manifest


class Manifests:
    """Parsed manifests by the identity of their file (device, inode, size, times). A
    long-running process (`zwgk serve`) keeps one, and reads the manifests it wrote itself
    once: parsing a city's took 0.1 s a build. The live site's and the previous one's are
    the ones asked for again, so three are kept."""

    def __init__(self):
        self._known: dict[tuple, dict[str, tuple[str, str]]] = {}

    def get(self, st: os.stat_result) -> dict[str, tuple[str, str]] | None:
        return self._known.get(_identity(st))

    def remember(self, st: os.stat_result, manifest: dict[str, tuple[str, str]]) -> None:
        if len(self._known) >= 3:
            self._known.pop(next(iter(self._known)))
        self._known[_identity(st)] = manifest


def read_manifest(out_dir: str, known: Manifests | None = None) -> dict[str, tuple[str, str]]:
    """dest -> (content hash, input fingerprint) of an output folder; {} when there is none.
    The result may be shared through `known` and must not be changed."""
    known = known or Manifests()
    path = os.path.join(out_dir, MANIFEST)
    try:
        st = os.stat(path)
        manifest = known.get(st)
        if manifest is not None:
            return manifest
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    # A manifest of an older zwgk holds only the hash: its files are re-made once.
    # Files made from the same inputs share one fingerprint (a province: 493,000 files, 70,000
    # fingerprints): one copy of each.
    manifest = {dest: (v, "") if isinstance(v, str) else (str(v[0]), sys.intern(str(v[1]))) for dest, v in raw.items()
                if isinstance(v, str) or (isinstance(v, list) and len(v) == 2)}
    known.remember(st, manifest)
    return manifest


def _identity(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def dump_manifest(manifest: dict[str, tuple[str, str]], path: str, known: Manifests) -> None:
    # json.dumps, not json.dump: dump streams through the pure-Python encoder (0.4 s for a city).
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))     # tuples as arrays
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    known.remember(os.stat(path), manifest)


def dump_delta(manifest: dict[str, tuple[str, str]], live: dict[str, tuple[str, str]], live_dir: str,
               folder: str, known: Manifests) -> None:
    """Write folder's manifest as its difference from live, the manifest written in live_dir
    (aside, then renamed), and remove a whole manifest it may have: it is whole once either is.
    When most entries differ (a rebuild after an upgrade), the whole manifest is kept, or written,
    instead: as quick to read, and no second copy of every entry in memory."""
    limit = int(len(manifest) * DELTA_SHARE)
    changed: dict[str, tuple[str, str] | None] = {}
    for dest, entry in manifest.items():
        if live.get(dest) != entry:
            changed[dest] = entry
            if len(changed) > limit:
                break
    if len(changed) <= limit:
        changed.update(dict.fromkeys(live.keys() - manifest.keys()))
    if len(changed) > limit:
        # A whole manifest already there is this one: the old live site's, which moved with it.
        if not os.path.exists(os.path.join(folder, MANIFEST)):
            dump_manifest(manifest, os.path.join(folder, MANIFEST), known)
        forget_manifest(folder, delta_only=True)
        return
    base = list(_identity(os.stat(os.path.join(live_dir, MANIFEST))))
    save_json(os.path.join(folder, DELTA), {"base": base, "changed": changed})
    forget_manifest(folder, whole_only=True)


def read_delta(folder: str, live: dict[str, tuple[str, str]], live_dir: str) -> dict[str, tuple[str, str]]:
    """The manifest folder's delta stands for, over live (read from live_dir's manifest); {} when
    it has none, or one made against another live manifest than the one there now."""
    try:
        with open(os.path.join(folder, DELTA), encoding="utf-8") as fh:
            raw = json.load(fh)
        if raw["base"] != list(_identity(os.stat(os.path.join(live_dir, MANIFEST)))):
            return {}
        manifest = dict(live)
        for dest, entry in raw["changed"].items():
            if entry is None:
                manifest.pop(dest, None)
            else:
                manifest[dest] = (str(entry[0]), sys.intern(str(entry[1])))
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return {}
    return manifest


def read_kept_manifest(folder: str, live_dir: str, known: Manifests | None = None) -> dict[str, tuple[str, str]]:
    """The manifest of a site kept beside the live one in live_dir: whole, or as a delta over live's."""
    known = known or Manifests()
    return read_manifest(folder, known) or read_delta(folder, read_manifest(live_dir, known), live_dir)


def forget_manifest(folder: str, whole_only: bool = False, delta_only: bool = False) -> None:
    """Remove folder's manifest, whole and as a delta (or only the one named): it is being changed."""
    names = [MANIFEST] if not delta_only else []
    names += [DELTA, f"{DELTA}.tmp"] if not whole_only else []
    for name in names:
        try:
            os.remove(os.path.join(folder, name))
        except FileNotFoundError:
            pass
