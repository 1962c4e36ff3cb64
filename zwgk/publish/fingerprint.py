"""Fingerprints of a build's inputs: what tells, without rendering, that an output is up to date.

Content hashes decide, never file times: a page's fingerprint is a hash of the engine
(zwgk's code, the theme, the library versions), the site configuration, and the source
files the page shows something of, each with the 最后更新 date the history gives it
(git, or the file's time) and, for a domain file, its changes since the previous version.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from typing import Iterable

from zwgk.base import file_digest, save_json
from zwgk.source import History

# The whole package: every stage's code shapes the bytes written.
ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Packages whose output ends up in files; a new version may change bytes.
_PACKAGES = ("Jinja2", "MarkupSafe", "markdown-it-py", "PyYAML", "isal", "numpy")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a manifest records of how a file was made: the fingerprint of its inputs, and how
    the build that made it went. The manifest keeps it as text (`str`, `Stamp.parse`)."""
    fingerprint: str
    warned: bool = False     # its county's build had warnings: a --strict build makes it again
    partial: bool = False    # made without the producers (zwgk serve): the next full build makes it again

    _WARNED, _PARTIAL = "!warned", "!partial"

    def __str__(self) -> str:
        return self.fingerprint + (self._WARNED if self.warned else "") + (self._PARTIAL if self.partial else "")

    @classmethod
    def parse(cls, text: str) -> "Stamp":
        fingerprint, _, marks = text.partition("!")
        marks = "!" + marks
        return cls(fingerprint, cls._WARNED in marks, cls._PARTIAL in marks)

    def serves(self, fingerprint: str, *, strict: bool, partial: bool) -> bool:
        """A file so made can be kept by a build of these inputs: the same fingerprint, no
        warnings when the build is strict, and the producers run unless the build skips them."""
        return (bool(fingerprint) and self.fingerprint == fingerprint
                and not (self.warned and strict) and not (self.partial and not partial))


def _hash(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape"))
        h.update(b"\x00")
    return h.hexdigest()


def _skipped(name: str, folder: bool) -> bool:
    """Hidden files and folders, and Python's caches, are no one's sources."""
    return name.startswith(".") or (folder and name == "__pycache__")


def tree_files(top: str, suffixes: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under top (relative posix path -> full path), skipping caches and hidden files.
    As os.walk: linked files count, linked folders are not entered. The folder listing says
    what is a file: a province's 71,000 source files took 71,000 stat calls more (0.3 s)."""
    found: dict[str, str] = {}
    _walk_files(top, "", suffixes, found)
    return found


def _walk_files(folder: str, prefix: str, suffixes: tuple[str, ...], found: dict[str, str]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if not _skipped(entry.name, folder=True):
                    folders.append(entry)
            elif entry.is_file() and not _skipped(entry.name, folder=False) \
                    and (not suffixes or entry.name.endswith(suffixes)):
                found[prefix + entry.name] = entry.path
        except OSError:
            continue
    for entry in folders:
        _walk_files(entry.path, f"{prefix}{entry.name}/", suffixes, found)


def tree_digests(top: str, suffixes: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under top (relative posix path -> content hash)."""
    return {rel: file_digest(full) for rel, full in tree_files(top, suffixes).items()}


def engine_fingerprint() -> str:
    """zwgk's own code and the versions of what shapes the bytes it writes."""
    parts = [platform.python_version()]
    for name in _PACKAGES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=-")
    parts += [f"{rel}={hexdigest}" for rel, hexdigest in tree_digests(ENGINE_DIR).items()]
    return _hash(*parts)


def folders_fingerprint(folders: Iterable[str]) -> str:
    """The files under some folders (a theme, the search runtime), wherever the folders are."""
    return _hash(*(f"{n}:{rel}={hexdigest}" for n, top in enumerate(folders) for rel, hexdigest in tree_digests(top).items()))


@dataclass
class SourceDigests:
    """The source files of one part of a site (the portal, or one county), by site-relative path."""
    digests: dict[str, str] = field(default_factory=dict)   # src_path -> content hash + date (+ changes)

    def fingerprint(self, base: str, paths: Iterable[str] | None = None) -> str:
        """base + the named files (all of them when paths is None)."""
        chosen = sorted(self.digests) if paths is None else sorted(set(paths))
        return _hash(base, *(f"{p}={self.digests.get(p, '-')}" for p in chosen))


class CountyDigests(dict):
    """County slug -> its SourceDigests, hashed when first asked for.

    A clean build asks for them in the worker that builds the county, so the city's 70 MB
    are hashed on both cores instead of before the workers start (0.4 s of one core)."""

    def __init__(self, root: str, slugs: Iterable[str], history: History, digests: FileDigests):
        super().__init__()
        self.root, self.history, self.digests = root, history, digests
        self.folders = {slug: [f"catalog/{slug}", f"content/{slug}"] for slug in slugs}

    def __missing__(self, slug: str) -> SourceDigests:
        files = self[slug] = read_sources(self.root, {slug: self.folders[slug]}, self.history, self.digests)[slug]
        return files

    def size(self, slug: str) -> int:
        """Bytes of the county's source files, without reading them (to balance the work).
        One stat per file, from the folder listing: it runs before the workers start."""
        return sum(_folder_size(os.path.join(self.root, *rel.split("/"))) for rel in self.folders[slug])


def _folder_size(top: str) -> int:
    total = 0
    try:
        entries = list(os.scandir(top))
    except OSError:
        return 0
    for entry in entries:
        try:
            folder = entry.is_dir(follow_symlinks=False)     # as os.walk: a linked folder is not entered
            if _skipped(entry.name, folder):
                continue
            if folder:
                total += _folder_size(entry.path)
            elif entry.is_file():
                total += entry.stat().st_size
        except OSError:
            pass
    return total


def read_source_digests(root: str, folders: Iterable[str], history: History, digests: FileDigests) -> SourceDigests:
    """Hash every file under the given site-relative folders (and files)."""
    return read_sources(root, {"": folders}, history, digests)[""]


def read_sources(root: str, parts: dict[str, Iterable[str]], history: History,
                 digests: FileDigests) -> dict[str, SourceDigests]:
    """SourceDigests of each part of a site (part name -> its site-relative folders and files).

    Hashing the city's 7,800 source files (70 MB) takes 0.15 s when they are in the page
    cache; hashing them in threads took three times as long (small files keep the lock)."""
    paths: dict[str, list[tuple[str, str]]] = {}
    for name, folders in parts.items():
        found = paths[name] = []
        for rel in folders:
            full = os.path.join(root, *rel.split("/"))
            if os.path.isfile(full):
                found.append((rel, full))
            elif os.path.isdir(full):
                found += [(f"{rel}/{sub}", path) for sub, path in tree_files(full).items()]
    out = {}
    for name, found in paths.items():
        files = out[name] = SourceDigests()
        for rel, full in found:
            try:
                st = os.stat(full)
            except FileNotFoundError:
                continue        # an editor's temporary file, gone since the folder was listed
            # What the pages show besides the content: the date history gives the file and,
            # for a catalog file, what changed since the previous version.
            stamp = history.updated(rel, None, st.st_mtime)
            extra = repr(history.domain_changes(rel)) if rel.startswith("catalog/") and rel.endswith(".yaml") else ""
            # Joined, not hashed: the county's fingerprint hashes them all at once (71,000 files).
            files.digests[rel] = f"{digests.of(full, st)} {stamp.isoformat() if stamp else ''} {extra}"
    return out


class FileDigests:
    """The content hash of each file read, with the file's identity when it was read. Kept
    between builds (by `zwgk serve`, and in a file beside the output: `save`, `load`), the next
    build reads only what changed: the hash still decides, the identity only tells which files
    need hashing again (as git's index does). A province's unchanged rebuild hashed its 71,000
    source files (631 MB) again: 1.4 s of its 6."""

    FORMAT = 1

    def __init__(self):
        self._known: dict[str, tuple[tuple[int, int, int, int], str]] = {}
        self._new: dict[str, tuple[tuple[int, int, int, int], str]] = {}    # since take_new
        self._changed = False                                               # since load or save
        self._loaded: str | None = None
        self._seen: set[str] = set()            # files found since the last save: they exist

    def of(self, full: str, st: os.stat_result) -> str:
        identity = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        self._seen.add(full)
        known = self._known.get(full)
        if known is not None and known[0] == identity:
            return known[1]
        hexdigest = file_digest(full)
        # A file changed within the file system's time granularity of being hashed could change
        # again unseen: remember only files untouched for a while ("racily clean" in git's words).
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > 2_000_000_000:
            self._known[full] = self._new[full] = (identity, hexdigest)
            self._changed = True
        return hexdigest

    def take_new(self) -> dict[str, tuple[tuple[int, int, int, int], str]]:
        """What was hashed since the last call: a worker hands it to the main process."""
        new, self._new = self._new, {}
        return new

    def add(self, entries: dict[str, tuple[tuple[int, int, int, int], str]], seen: bool = True) -> None:
        """Entries hashed elsewhere (a worker's: seen in this build), or saved (not seen)."""
        if seen:
            self._seen.update(entries)
        for full, entry in entries.items():
            if self._known.get(full) != entry:
                self._known[full] = tuple(entry[0]), entry[1]
                self._changed = True

    def load(self, path: str) -> None:
        """Add what a build saved in path (once per path; nothing if it is missing or not ours)."""
        if self._loaded == path:
            return
        self._loaded = path
        try:
            with open(path, encoding="utf-8") as fh:
                saved = json.load(fh)
            if saved.get("format") != self.FORMAT:
                return
            entries = {full: ((ino, size, mtime, ctime), hexdigest)
                       for full, (ino, size, mtime, ctime, hexdigest) in saved["files"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return                      # a cache: whatever is wrong with it, hash again
        changed = self._changed
        self.add(entries, seen=False)
        self._changed = changed

    def save(self, path: str) -> None:
        """Write every file's identity and hash to path (aside, then renamed), if any changed."""
        if not self._changed:
            return
        # Files gone since (renamed, deleted) are left out, so the file does not grow forever:
        # only those no build has found since the last save are looked for (71,000 files: 0.2 s).
        for full in [full for full in self._known.keys() - self._seen if not os.path.lexists(full)]:
            del self._known[full]
        self._seen.clear()
        files = {full: [*identity, hexdigest] for full, (identity, hexdigest) in self._known.items()}
        save_json(path, {"format": self.FORMAT, "files": files})
        self._changed = False
