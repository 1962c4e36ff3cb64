"""The stage: the folder beside the output where a build puts the new site's files, written
or hard-linked from the live site when their bytes are unchanged, by the build's workers too."""
from __future__ import annotations

import os
import shutil

from zwgk.base import digest, file_digest


def safe_dest(dest: str) -> str:
    parts = dest.split("/")
    if not dest or dest.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in dest or "\x00" in dest:
        raise ValueError(f"unsafe output path {dest!r}")
    return dest


def existing_files(top: str) -> set[str]:
    """Every regular file under top, as posix paths relative to it (one scandir per folder)."""
    found: set[str] = set()
    stack = [("", top)]
    while stack:
        prefix, folder = stack.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((prefix + entry.name + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found.add(prefix + entry.name)
    return found


class StageFiles:
    """Writes files that differ from the live output into the stage folder.

    Safe to use from forked worker processes at once (they write disjoint files): it only
    reads the old manifest and creates files; linking what is unchanged and swapping is
    left to the SiteWriter in the parent."""

    def __init__(self, out: str, stage: str, old: dict[str, tuple[str, str]], live: set[str]):
        self.out = out
        self.stage = stage
        self.old = old
        self.live = live
        self._dirs: set[str] = set()
        self.written_here: dict[str, str] = {}   # dest -> hash of what this process wrote (for shelve)
        self.cleared_here: set[str] = set()      # paths whose file or folder this process removed
        self.with_workers = False                # other processes write into it too (not known here)

    def unchanged(self, dest: str, hexdigest: str) -> bool:
        old = self.old.get(dest)
        return old is not None and old[0] == hexdigest and dest in self.live

    def current(self, dest: str, fingerprint: str) -> bool:
        """The live file was made from the same inputs: it can be kept without producing it."""
        old = self.old.get(dest)
        return bool(fingerprint) and old is not None and old[1] == fingerprint and dest in self.live

    def put(self, dest: str, data: bytes) -> tuple[str, bool]:
        """(hash, written): the bytes go to the stage unless the live file has them already."""
        hexdigest = digest(data)
        if self.unchanged(safe_dest(dest), hexdigest):
            return hexdigest, False
        fd = self._create(dest)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self.written_here[dest] = hexdigest
        return hexdigest, True

    def put_file(self, dest: str, src: str) -> tuple[str, bool]:
        hexdigest = file_digest(src)
        if self.unchanged(safe_dest(dest), hexdigest):
            return hexdigest, False
        with open(src, "rb") as source, os.fdopen(self._create(dest), "wb") as target:
            shutil.copyfileobj(source, target)
        self.written_here[dest] = hexdigest
        return hexdigest, True

    def put_link(self, dest: str, src: str, hexdigest: str) -> bool:
        """A finished file of another output (a merge): linked, or copied across file systems."""
        if self.unchanged(safe_dest(dest), hexdigest):
            return False
        self.link(dest, src)
        return True

    def link(self, dest: str, src: str) -> None:
        target = self._target(dest)
        try:
            os.link(src, target)
        except FileExistsError:
            clear_path(target)
            os.link(src, target)
        except OSError:                       # another file system
            with open(src, "rb") as source, os.fdopen(self._create(dest), "wb") as copy:
                shutil.copyfileobj(source, copy)

    def _create(self, dest: str) -> int:
        """A new, empty file at dest in the stage. Never opened where it stands: a file left
        in a reused stage may be a hard link to the live file of the same name."""
        target = self._target(dest)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        try:
            return os.open(target, flags, 0o644)
        except FileExistsError:
            if clear_path(target):
                self.cleared_here.add(dest)     # a folder of that name held files
            return os.open(target, flags, 0o644)

    def path_of(self, dest: str, written: bool) -> str:
        """Where a file just put can be read back."""
        return os.path.join(self.stage if written else self.out, dest)

    def _target(self, dest: str) -> str:
        folder = os.path.dirname(dest)
        if folder not in self._dirs:
            try:
                os.makedirs(os.path.join(self.stage, folder), exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                # A reused stage may hold a file where this build needs a folder.
                parts = folder.split("/")
                for n in range(1, len(parts) + 1):
                    path = os.path.join(self.stage, *parts[:n])
                    if os.path.lexists(path) and not os.path.isdir(path):
                        os.unlink(path)
                        self.cleared_here.add("/".join(parts[:n]))
                os.makedirs(os.path.join(self.stage, folder), exist_ok=True)
            self._dirs.add(folder)
        return os.path.join(self.stage, dest)


def clear_path(path: str) -> bool:
    """Make way for a new file at path: a file is unlinked (never truncated), a folder removed
    (then True)."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
        return True
    os.unlink(path)
    return False
