"""最后更新 dates and "what changed since the previous version", read from git.

One `git log` per build gives every file's last commit date and the commits' tags; one
`git cat-file --batch` (only when a domain page asks) gives the domain files as they were
in the previous version. A site that is not a git repository (or has no git) simply has
no history: dates then come from an explicit `updated` field or the file's time.

The previous version is the newest tag older than HEAD (a site that tags what it publishes
compares with what it last published); without tags it is the commit before HEAD.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime

import yaml

from zwgk.source.tree import SourceTree

GIT_TIMEOUT = 60

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Commit:
    sha: str
    day: date
    tags: tuple[str, ...]
    files: tuple[str, ...]     # site-relative paths the commit touched


@dataclass(frozen=True)
class DomainChanges:
    since: str                             # the previous version, as editors read it
    added: tuple[tuple[str, str], ...]     # (item id, name)
    changed: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]   # names as they were

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class History:
    """What git knows about a site's files; empty when the site is not in git."""
    root: str
    dates: dict[str, date] = field(default_factory=dict)   # src_path -> last commit date
    base: str = ""                                         # sha of the previous version
    base_label: str = ""
    _mtimes: dict[str, date | None] = field(default_factory=dict, repr=False)
    _changes: dict[str, DomainChanges | None] | None = field(default=None, repr=False)
    tree: SourceTree | None = field(default=None, repr=False)   # where the files' times are, when not on disk at root

    def updated(self, src_path: str, explicit: date | None = None, mtime: float | None = None) -> date | None:
        """最后更新 of a file: its explicit `updated` field, else git's date, else the file's time
        (mtime, when the caller has just read it)."""
        if explicit is not None:
            return explicit
        if src_path in self.dates:
            return self.dates[src_path]
        return self._mtime(src_path, mtime)

    def domain_changes(self, src_path: str) -> DomainChanges | None:
        """Items added, changed and removed in a domain file since the previous version (None if none)."""
        if self._changes is None:
            self._changes = _compare_domains(self) if self.base else {}
        return self._changes.get(src_path)

    def _mtime(self, src_path: str, stamp: float | None = None) -> date | None:
        if src_path not in self._mtimes:
            try:
                if stamp is None and self.tree is not None:
                    stamp = self.tree.mtime(src_path)
                elif stamp is None:
                    stamp = os.stat(os.path.join(self.root, *src_path.split("/"))).st_mtime
                self._mtimes[src_path] = datetime.fromtimestamp(stamp).date()
            except (OSError, ValueError):
                self._mtimes[src_path] = None
        return self._mtimes[src_path]


def read_history(root: str) -> History:
    """The history of the site at root, from one `git log` call."""
    history = History(os.path.abspath(root) if root else "")
    if not root:
        return history
    commits = read_commits(history.root)
    for commit in commits:
        for path in commit.files:
            history.dates.setdefault(path, commit.day)   # newest first: the first date seen wins
    base = previous_version(commits)
    if base is not None:
        history.base = base.sha
        history.base_label = f"{base.tags[0]}（{base.day.isoformat()}）" if base.tags else f"{base.day.isoformat()} 的版本"
    return history


def last_updated(root: str) -> dict[str, date]:
    """Each committed file's last commit date, by site-relative path."""
    return read_history(root).dates


def read_commits(root: str) -> list[Commit]:
    """Every commit that touched the site folder, newest first; [] when it is not in git."""
    out = _git(root, "-c", "core.quotepath=off", "log", "--format=%x1e%H%x1f%cI%x1f%D",
               "--name-only", "--relative", "-z", "HEAD")
    if out is None:
        return []
    commits = []
    for record in out.decode("utf-8", "replace").split("\x1e")[1:]:
        header, _, names = record.partition("\0")
        sha, stamp, refs = (header.split("\x1f") + ["", ""])[:3]
        try:
            day = date.fromisoformat(stamp[:10])
        except ValueError:
            continue
        tags = tuple(r.strip()[len("tag: "):] for r in refs.split(",") if r.strip().startswith("tag: "))
        files = tuple(n for n in names.strip("\n").split("\0") if n)
        commits.append(Commit(sha, day, tags, files))
    return commits


def previous_version(commits: list[Commit]) -> Commit | None:
    """The newest tagged commit older than HEAD, else the commit before HEAD."""
    older = commits[1:]
    return next((c for c in older if c.tags), older[0] if older else None)


# --- comparing domain files with the previous version --------------------------------------

def _compare_domains(history: History) -> dict[str, DomainChanges | None]:
    paths = _domain_files(history.root)
    before = _blobs_at(history.root, history.base, paths)
    changes: dict[str, DomainChanges | None] = {}
    for path in paths:
        now_bytes = _read_bytes(os.path.join(history.root, *path.split("/")))
        old = before.get(path)
        if now_bytes is None or (old is not None and old[0] == _blob_sha(now_bytes)):
            continue          # unchanged since the previous version (the common case: no parsing)
        changes[path] = compare_items(_items_of(old[1]) if old else {}, _items_of(now_bytes), history.base_label) or None
    return changes


def compare_items(before: dict[str, dict], after: dict[str, dict], since: str) -> DomainChanges:
    """Items by id → what was added, changed and removed."""
    return DomainChanges(
        since=since,
        added=tuple((i, _name(v)) for i, v in after.items() if i not in before),
        changed=tuple((i, _name(v)) for i, v in after.items() if i in before and before[i] != v),
        removed=tuple((i, _name(v)) for i, v in before.items() if i not in after),
    )


def _items_of(data: bytes) -> dict[str, dict]:
    try:
        parsed = yaml.load(data.decode("utf-8-sig"), Loader=_Loader)
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return {}
    items = parsed.get("items") if isinstance(parsed, dict) else None
    found: dict[str, dict] = {}
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            found.setdefault(item["id"], item)
    return found


def _name(item: dict) -> str:
    for key in ("level3", "level2", "level1"):
        if item.get(key):
            return str(item[key])
    return str(item.get("id", ""))


def _domain_files(root: str) -> list[str]:
    catalog = os.path.join(root, "catalog")
    paths = []
    for county in sorted(os.listdir(catalog)) if os.path.isdir(catalog) else ():
        folder = os.path.join(catalog, county)
        if county.startswith(".") or not os.path.isdir(folder):
            continue
        paths += [f"catalog/{county}/{n}" for n in sorted(os.listdir(folder))
                  if n.endswith(".yaml") and n != "county.yaml" and not n.startswith(".")]
    return paths


def _blobs_at(root: str, sha: str, paths: list[str]) -> dict[str, tuple[str, bytes]]:
    """path -> (blob sha, bytes) of each path as it was at commit sha; missing paths are left out."""
    if not paths:
        return {}
    request = "".join(f"{sha}:./{p}\n" for p in paths).encode("utf-8")
    out = _git(root, "cat-file", "--batch", stdin=request)
    if out is None:
        return {}
    found: dict[str, tuple[str, bytes]] = {}
    pos = 0
    for path in paths:
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue          # "<name> missing": the file is new since then
        size = int(header[2])
        found[path] = (header[0].decode(), out[pos:pos + size])
        pos += size + 1
    return found


def _blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _git(root: str, *args: str, stdin: bytes | None = None) -> bytes | None:
    """git's stdout, or None when git is missing or the folder is not (yet) a repository."""
    try:
        done = subprocess.run(["git", "-C", root, *args], input=stdin, capture_output=True,
                              timeout=GIT_TIMEOUT, check=False,
                              env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
