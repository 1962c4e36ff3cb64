"""The write stage: stage the new site beside the live one, then swap it in atomically.

Unchanged files are hard-linked from the live output instead of written again (content
hashes decide), and a build that changes nothing touches nothing. A failed or killed
build leaves the live output as it was; two builds of one output take turns.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass

MANIFEST = ".zwgk-manifest.json"


class OutputRefused(Exception):
    """The output folder cannot be used; the message is for the user (Chinese)."""


@dataclass
class WriteStats:
    written: int = 0      # files whose bytes were written
    unchanged: int = 0    # files identical to the live output
    linked: int = 0       # of those, carried over by hard link into a new output
    removed: int = 0      # files of the old output that are gone
    swapped: bool = False


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(path: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_output_dir(out_dir: str, site_root: str) -> None:
    """Refuse an output folder whose replacement would lose anything that is not ours."""
    out = os.path.realpath(out_dir)
    root = os.path.realpath(site_root)
    if out == root or root.startswith(out + os.sep):
        raise OutputRefused(f"输出目录 {out_dir} 不能是站点目录或它的上级目录")
    for name in ("catalog", "content", "themes", "zwgk", "search", "tests"):
        protected = os.path.join(root, name)
        if out == protected or out.startswith(protected + os.sep):
            raise OutputRefused(f"输出目录 {out_dir} 不能放在源文件目录 {name}/ 里")
    if os.path.isdir(out) and os.listdir(out) and not os.path.exists(os.path.join(out, MANIFEST)):
        raise OutputRefused(f"输出目录 {out_dir} 已有其他文件，且不是 zwgk 生成的；为免覆盖，请换一个空目录或先清空它")
    if os.path.exists(out) and not os.path.isdir(out):
        raise OutputRefused(f"输出路径 {out_dir} 是一个文件，不是目录")


@contextmanager
def build_lock(out_dir: str):
    """One build of an output at a time: a second one waits for the first."""
    out = os.path.abspath(out_dir)
    lock_path = os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.lock")
    os.makedirs(os.path.dirname(lock_path), exist_ok=True)
    with open(lock_path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _safe_dest(dest: str) -> str:
    parts = dest.split("/")
    if not dest or dest.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in dest or "\x00" in dest:
        raise ValueError(f"unsafe output path {dest!r}")
    return dest


class SiteWriter:
    """Collects the new site's files; `commit` swaps them in if anything changed."""

    def __init__(self, out_dir: str):
        self.out = os.path.abspath(out_dir)
        parent, name = os.path.split(self.out)
        self.stage = os.path.join(parent, f".{name}.staging")
        self.old_manifest = self._load_manifest()
        self.manifest: dict[str, str] = {}
        self.stats = WriteStats()
        self._staged = False
        self._pending_links: list[str] = []   # unchanged files seen before the stage existed
        self._dirs: set[str] = set()

    def _load_manifest(self) -> dict[str, str]:
        try:
            with open(os.path.join(self.out, MANIFEST), encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return {}

    def __contains__(self, dest: str) -> bool:
        return dest in self.manifest

    def add(self, dest: str, data: bytes) -> None:
        self._put(dest, digest(data), data=data)

    def copy(self, dest: str, src: str) -> None:
        self._put(dest, file_digest(src), src=src)

    def keep(self, dest: str) -> bool:
        """Carry an unchanged file over without producing it again; False if it cannot be."""
        old = self.old_manifest.get(dest)
        if old is None or not os.path.isfile(os.path.join(self.out, dest)):
            return False
        self._put(dest, old)
        return True

    def _put(self, dest: str, hexdigest: str, data: bytes | None = None, src: str | None = None) -> None:
        _safe_dest(dest)
        if dest in self.manifest:
            raise ValueError(f"two outputs for {dest}")
        self.manifest[dest] = hexdigest
        unchanged = self.old_manifest.get(dest) == hexdigest and os.path.isfile(os.path.join(self.out, dest))
        if unchanged:
            if self._staged:
                self._link(dest)
            else:
                self._pending_links.append(dest)
            return
        self._ensure_stage()
        target = self._target(dest)
        if data is not None:
            with open(target, "wb") as fh:
                fh.write(data)
        else:
            shutil.copyfile(src, target)
        self.stats.written += 1

    def _target(self, dest: str) -> str:
        folder = os.path.dirname(dest)
        if folder not in self._dirs:
            os.makedirs(os.path.join(self.stage, folder), exist_ok=True)
            self._dirs.add(folder)
        return os.path.join(self.stage, dest)

    def _link(self, dest: str) -> None:
        os.link(os.path.join(self.out, dest), self._target(dest))
        self.stats.linked += 1

    def _ensure_stage(self) -> None:
        if self._staged:
            return
        if os.path.lexists(self.stage):  # left by a killed build
            shutil.rmtree(self.stage)
        os.makedirs(self.stage)
        self._staged = True
        for dest in self._pending_links:
            self._link(dest)
        self._pending_links.clear()

    def commit(self) -> WriteStats:
        removed = set(self.old_manifest) - set(self.manifest)
        self.stats.removed = len(removed)
        self.stats.unchanged = len(self.manifest) - self.stats.written
        if not self._staged and not removed and os.path.isdir(self.out):
            return self.stats          # nothing changed: the live output stays as it is
        self._ensure_stage()
        with open(self._target(MANIFEST), "w", encoding="utf-8") as fh:
            json.dump(self.manifest, fh, ensure_ascii=False, sort_keys=True, indent=0)
        _fsync_tree_lightly(self.stage)
        if os.path.isdir(self.out):
            _exchange(self.stage, self.out)
            shutil.rmtree(self.stage)
        else:
            os.rename(self.stage, self.out)
        self.stats.swapped = True
        return self.stats

    def abort(self) -> None:
        if self._staged and os.path.lexists(self.stage):
            shutil.rmtree(self.stage, ignore_errors=True)


def _fsync_tree_lightly(path: str) -> None:
    # Flush the folder entries so a crash after the swap does not show an empty site.
    try:
        fd = os.open(path, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    except OSError:
        pass


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: str, b: str) -> None:
    """Swap two folders in one step (Linux renameat2); two renames where that is missing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        if ctypes.get_errno() not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), b)
    aside = a + ".old"
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)
