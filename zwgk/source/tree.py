"""Where a site's source files come from: a folder on disk, or a dict in memory.

The read stage (files.py) lists folders and reads files only through a `SourceTree`, so
one reader, validator and library serve a site on disk and a site held in memory (the
fast tests build sites from a dict, touching no disk). Paths are site-relative and use
"/"; "" is the site folder itself.
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Mapping, Protocol


@dataclass(frozen=True, slots=True)
class Entry:
    """One name in a folder."""
    name: str
    is_dir: bool      # a folder (through a link too)
    is_file: bool     # a regular file (through a link too)
    is_link: bool     # a symbolic link


class SourceTree(Protocol):
    """What the read stage needs of a site's files."""
    root: str         # the site folder; for a tree in memory, a name that is no folder

    def is_file(self, rel: str) -> bool: ...            # following links
    def is_dir(self, rel: str) -> bool: ...             # following links
    def exists(self, rel: str) -> bool: ...             # following links
    def lexists(self, rel: str) -> bool: ...            # a broken link exists too
    def is_link(self, rel: str) -> bool: ...
    def outside(self, rel: str) -> bool: ...            # leads out of the site through a link

    def entries(self, rel: str) -> list[Entry]:
        """The folder's names, sorted; OSError when it is no folder."""

    def walk(self, rel: str) -> Iterator[tuple[str, list[str], list[str]]]:
        """(folder, its folder names, its other names) top-down, like os.walk: the caller may
        prune the folder names in place."""

    def read(self, rel: str) -> tuple[bytes, float]:
        """The file's bytes and modification time; OSError when it cannot be read."""

    def mtime(self, rel: str) -> float: ...             # OSError when there is no such file

    def locate(self, rel: str) -> str:
        """Where a later stage finds the file (an attachment to copy or extract): a path on disk;
        for a tree in memory, its name under `root` (no later stage can open it)."""


class DiskTree:
    """A site folder on disk."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        self._real_root = os.path.realpath(self.root)

    def locate(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/")) if rel else self.root

    def is_file(self, rel: str) -> bool:
        return os.path.isfile(self.locate(rel))

    def is_dir(self, rel: str) -> bool:
        return os.path.isdir(self.locate(rel))

    def exists(self, rel: str) -> bool:
        return os.path.exists(self.locate(rel))

    def lexists(self, rel: str) -> bool:
        return os.path.lexists(self.locate(rel))

    def is_link(self, rel: str) -> bool:
        return os.path.islink(self.locate(rel))

    def outside(self, rel: str) -> bool:
        real = os.path.realpath(self.locate(rel))
        return not (real == self._real_root or real.startswith(self._real_root + os.sep))

    def entries(self, rel: str) -> list[Entry]:
        with os.scandir(self.locate(rel)) as found:
            return sorted((Entry(e.name, e.is_dir(), e.is_file(), e.is_symlink()) for e in found),
                          key=lambda e: e.name)

    def walk(self, rel: str) -> Iterator[tuple[str, list[str], list[str]]]:
        for dirpath, dirnames, filenames in os.walk(self.locate(rel)):
            yield os.path.relpath(dirpath, self.root).replace(os.sep, "/"), dirnames, filenames

    def read(self, rel: str) -> tuple[bytes, float]:
        with open(self.locate(rel), "rb") as fh:
            return fh.read(), os.fstat(fh.fileno()).st_mtime

    def mtime(self, rel: str) -> float:
        return os.stat(self.locate(rel)).st_mtime


MEMORY_ROOT = "<memory>"
# Files in memory were last changed at noon local time on this day, unless told otherwise.
MEMORY_MTIME = datetime(2024, 6, 1, 12, 0).timestamp()


class MemoryTree:
    """A site held in a dict: site-relative path -> text (saved as UTF-8) or bytes.

    Folders are the parents of the files; there are no links. `mtimes` gives files other
    modification times than MEMORY_MTIME."""

    def __init__(self, files: Mapping[str, str | bytes], mtimes: Mapping[str, float] | None = None,
                 root: str = MEMORY_ROOT):
        self.root = root
        self.files: dict[str, bytes] = {}
        self.children: dict[str, set[str]] = {"": set()}
        for rel, content in files.items():
            parts = rel.split("/")
            if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
                raise ValueError(f"not a site-relative path: {rel!r}")
            self.files[rel] = content.encode("utf-8") if isinstance(content, str) else bytes(content)
            for depth in range(len(parts)):
                self.children.setdefault("/".join(parts[:depth]), set()).add(parts[depth])
        both = set(self.files) & set(self.children)
        if both:
            raise ValueError(f"both a file and a folder: {sorted(both)}")
        self.mtimes = dict(mtimes or {})

    def locate(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def is_file(self, rel: str) -> bool:
        return rel in self.files

    def is_dir(self, rel: str) -> bool:
        return rel in self.children

    def exists(self, rel: str) -> bool:
        return rel in self.files or rel in self.children

    lexists = exists

    def is_link(self, rel: str) -> bool:
        return False

    def outside(self, rel: str) -> bool:
        return False

    def entries(self, rel: str) -> list[Entry]:
        if rel not in self.children:
            raise self._missing(rel, errno.ENOTDIR if rel in self.files else errno.ENOENT)
        prefix = f"{rel}/" if rel else ""
        return [Entry(name, prefix + name in self.children, prefix + name in self.files, False)
                for name in sorted(self.children[rel])]

    def walk(self, rel: str) -> Iterator[tuple[str, list[str], list[str]]]:
        if rel not in self.children:
            return
        entries = self.entries(rel)
        dirnames = [e.name for e in entries if e.is_dir]
        yield rel, dirnames, [e.name for e in entries if not e.is_dir]
        for name in dirnames:
            yield from self.walk(f"{rel}/{name}" if rel else name)

    def read(self, rel: str) -> tuple[bytes, float]:
        if rel not in self.files:
            raise self._missing(rel, errno.EISDIR if rel in self.children else errno.ENOENT)
        return self.files[rel], self.mtimes.get(rel, MEMORY_MTIME)

    def mtime(self, rel: str) -> float:
        return self.read(rel)[1]

    def _missing(self, rel: str, code: int) -> OSError:
        return OSError(code, os.strerror(code), self.locate(rel))


def as_tree(site: str | SourceTree) -> SourceTree:
    """A site folder's path as a DiskTree; a tree as it is."""
    return DiskTree(os.fspath(site)) if isinstance(site, (str, os.PathLike)) else site
