"""The write stage: stage the new site beside the live one, then swap it in atomically.

Unchanged files are hard-linked from the live output instead of written again (content
hashes decide), and a build that changes nothing touches nothing. A failed or killed
build leaves the live output as it was; two builds of one output take turns.

The manifest in the output records, for every file, its content hash and the
fingerprint of the inputs it was made from, so the next build can carry a file over
without producing it again. Files may be written into the stage by several worker
processes at once (`StageFiles`); the parent process alone decides and swaps.

After a swap the previous site is kept beside the output (`.<out>.previous`, mostly hard
links to the live files) and becomes the next build's stage: only what differs between
the two is unlinked, linked or written, instead of linking every file into a new folder
and deleting the old one (1.6 s of a city's one-file rebuild, and mass deletes make later
file creation slow on ext4 without a journal). Its manifest is kept as a delta over the live
one (manifest.py).
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass

from zwgk.publish.manifest import (MANIFEST, Manifests, dump_delta, dump_manifest, forget_manifest, read_kept_manifest,
                                   read_manifest)
from zwgk.publish.stage import StageFiles, clear_path, existing_files, safe_dest


class OutputRefused(Exception):
    """The output folder cannot be used; the message is for the user (Chinese)."""


@dataclass
class WriteStats:
    written: int = 0      # files whose bytes were written
    unchanged: int = 0    # files identical to the live output
    linked: int = 0       # of those, carried over by hard link into a new output
    removed: int = 0      # files of the old output that are gone
    swapped: bool = False


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
    """One build of an output at a time: a second one waits for the first.

    Worker processes inherit the locked file, so the lock is held until the last of
    them is gone, even when the build was killed."""
    lock_path = beside(out_dir, "lock")
    os.makedirs(os.path.dirname(lock_path), exist_ok=True)
    with open(lock_path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def beside(out: str, what: str) -> str:
    """A hidden path next to the output folder: the stage, the previous site, the lock, the cache."""
    parent, name = os.path.split(os.path.abspath(out))
    return os.path.join(parent, f".{name}.{what}")


def cache_folder(out: str, make: bool = False) -> str:
    """The folder beside the output where a build keeps what the next one reuses (the portal
    search's parts, the source files' digests): deleting it only makes the next build slower.
    make: create it, with a .gitignore of its own, as pytest's cache has: a site made by an
    older `zwgk new` has no line for it, and nobody should commit a province's 670 MB of it."""
    folder = beside(out, "cache")
    ignore = os.path.join(folder, ".gitignore")
    if make and not os.path.exists(ignore):
        os.makedirs(folder, exist_ok=True)
        with open(ignore, "w", encoding="utf-8") as fh:
            fh.write("# zwgk 生成网站时的中间文件，可以随时删除\n*\n")
    return folder


class SiteWriter:
    """Collects the new site's files; `commit` swaps them in if anything changed."""

    def __init__(self, out_dir: str, manifests: Manifests | None = None):
        self.out = os.path.abspath(out_dir)
        self.stage, self.previous = beside(self.out, "staging"), beside(self.out, "previous")
        self.manifests = manifests or Manifests()
        self._reused: dict[str, tuple[str, str]] = {}   # what the stage held when it was reused
        self.old_manifest = read_manifest(self.out, self.manifests)
        self.live = existing_files(self.out) if self.old_manifest else set()
        self.manifest: dict[str, tuple[str, str]] = {}
        self.stats = WriteStats()
        self._staged = False
        self._files: StageFiles | None = None
        self._written: set[str] = set()
        self._by_folder: dict[str, list[str]] | None = None

    def __contains__(self, dest: str) -> bool:
        return dest in self.manifest

    @property
    def files(self) -> StageFiles:
        """The stage, made ready on first use; hand it to workers before they fork."""
        if self._files is None:
            self._prepare_stage()
            self._staged = True
            self._files = StageFiles(self.out, self.stage, self.old_manifest, self.live)
        return self._files

    def _prepare_stage(self) -> None:
        """The previous site when there is one, else an empty folder. A folder with a manifest
        is a whole site (the manifest is written last); one without is a killed build's."""
        for candidate in (self.stage, self.previous):
            manifest = (read_kept_manifest(candidate, self.out, self.manifests)
                        if os.path.isdir(candidate) and not self._reused else {})
            if manifest:
                if candidate != self.stage:
                    if os.path.lexists(self.stage):
                        shutil.rmtree(self.stage)
                    os.rename(candidate, self.stage)
                forget_manifest(self.stage)          # from now on it is being changed
                self._reused = manifest
            elif os.path.lexists(candidate):
                shutil.rmtree(candidate)
        os.makedirs(self.stage, exist_ok=True)

    def old_by_county(self) -> dict[str, list[str]]:
        """The old manifest's files by their first folder (a county's slug)."""
        if self._by_folder is None:
            by_folder: dict[str, list[str]] = {}          # made whole, then shared: the portal's thread reads it too
            for dest in self.old_manifest:
                folder, slash, _rest = dest.partition("/")
                if slash:
                    by_folder.setdefault(folder, []).append(dest)
            self._by_folder = by_folder
        return self._by_folder

    def live_under(self, folder: str) -> list[tuple[str, str]]:
        """(dest, hash) of the live files the last build made under folder (ending in "/"), or
        none when one of them is gone."""
        found = [(dest, self.old_manifest[dest][0]) for dest in self.old_by_county().get(folder.partition("/")[0], ())
                 if dest.startswith(folder)]
        return found if all(dest in self.live for dest, _hexdigest in found) else []

    def current(self, dest: str, fingerprint: str) -> bool:
        old = self.old_manifest.get(dest)
        return bool(fingerprint) and old is not None and old[1] == fingerprint and dest in self.live

    def keep(self, dest: str) -> bool:
        """Carry an unchanged file over without producing it again; False if it cannot be."""
        old = self.old_manifest.get(dest)
        if old is None or dest not in self.live:
            return False
        if dest in self.manifest:
            raise ValueError(f"two outputs for {dest}")
        self.manifest[dest] = old       # checked when it was first made
        return True

    def keep_all(self, dests: list[str]) -> bool:
        """keep() for every one of dests at once, or for none when one cannot be kept: a
        province's unchanged counties are 493,000 files (0.8 s one by one)."""
        if not self.live.issuperset(dests) or not self.old_manifest.keys() >= set(dests):
            return False
        if not self.manifest.keys().isdisjoint(dests):
            raise ValueError(f"two outputs for {sorted(self.manifest.keys() & set(dests))[0]}")
        old = self.old_manifest
        self.manifest.update({dest: old[dest] for dest in dests})      # checked when first made
        return True

    def record(self, dest: str, hexdigest: str, fingerprint: str, written: bool) -> None:
        """A file put into the stage (written) or found unchanged, here or by a worker."""
        safe_dest(dest)
        if dest in self.manifest:
            raise ValueError(f"two outputs for {dest}")
        self.manifest[dest] = (hexdigest, fingerprint)
        if written:
            self._written.add(dest)
            self.stats.written += 1

    def commit(self) -> WriteStats:
        removed = set(self.old_manifest) - set(self.manifest)
        self.stats.removed = len(removed)
        self.stats.unchanged = len(self.manifest) - self.stats.written
        if not self.stats.written and not removed and os.path.isdir(self.out):
            # Nothing changed: the live output stays as it is. Only when files were
            # re-made from changed inputs into the same bytes is the manifest updated,
            # by one atomic rename, so the next build need not re-make them.
            if self.manifest != self.old_manifest:
                tmp = os.path.join(self.out, f".{MANIFEST}.tmp")
                self._write_manifest(tmp)
                os.replace(tmp, os.path.join(self.out, MANIFEST))
            if self._staged and self._reused:
                # Nothing was written into the reused stage: it is still the previous site.
                dump_delta(self._reused, self.manifest, self.out, self.stage, self.manifests)
                os.rename(self.stage, self.previous)
                self._staged, self._files = False, None
            self.abort()
            return self.stats
        files = self.files
        reused = self._reused
        for dest, (hexdigest, _fp) in self.manifest.items():
            if dest not in self._written and reused.get(dest, ("",))[0] != hexdigest:
                files.link(dest, os.path.join(self.out, dest))
                self.stats.linked += 1
        self._tidy_reused_stage()
        self._write_manifest(os.path.join(self.stage, MANIFEST))
        _fsync_tree_lightly(self.stage)
        if os.path.isdir(self.out):
            _exchange(self.stage, self.out)
            if self.old_manifest:                         # the old site's, now the stage's
                dump_delta(self.old_manifest, self.manifest, self.out, self.stage, self.manifests)
            os.rename(self.stage, self.previous)          # the next build's stage
        else:
            os.rename(self.stage, self.out)
        self._staged = False
        self.stats.swapped = True
        return self.stats

    def _tidy_reused_stage(self) -> None:
        """Remove what the reused stage holds and the new site does not: files, then the folders
        they leave empty (a folder the new site has files in is not empty: they are in place)."""
        if not self._reused:
            return
        folders = set()
        for dest in self._reused.keys() - self.manifest.keys():
            try:
                clear_path(os.path.join(self.stage, dest))
            except (FileNotFoundError, NotADirectoryError):     # gone with its folder already
                pass
            folder = dest.rpartition("/")[0]
            while folder and folder not in folders:
                folders.add(folder)
                folder = folder.rpartition("/")[0]
        for folder in sorted(folders, key=lambda f: -f.count("/")):
            try:
                os.rmdir(os.path.join(self.stage, folder))
            except OSError:                                     # not empty
                pass

    def _write_manifest(self, path: str) -> None:
        dump_manifest(self.manifest, path, self.manifests)

    def shelve(self) -> None:
        """Stop without publishing, keeping the stage as the previous site for the next build
        to reuse (a cancelled build): what it holds is the reused site plus what this process
        wrote into it. Thrown away instead when workers wrote into it, or it was not reused."""
        files = self._files
        if files is None or files.with_workers or not (self._staged and self._reused):
            self.abort()
            return
        gone = tuple(files.cleared_here)
        holds = {dest: entry for dest, entry in self._reused.items()
                 if not gone or not any(dest == g or dest.startswith(g + "/") for g in gone)}
        for dest, hexdigest in files.written_here.items():
            holds[dest] = (hexdigest, "")
        dump_delta(holds, self.old_manifest, self.out, self.stage, self.manifests)
        if os.path.lexists(self.previous):
            shutil.rmtree(self.previous)
        os.rename(self.stage, self.previous)
        self._staged, self._files = False, None

    def abort(self) -> None:
        if self._staged and os.path.lexists(self.stage):
            shutil.rmtree(self.stage, ignore_errors=True)
        self._staged = False
        self._files = None


def keep_previous(out_dir: str, manifests: Manifests | None = None) -> None:
    """Give the next build of out_dir a previous site to reuse as its stage, if it has none
    (after a first build): a linked copy of the live site. A long-running process does this
    while it waits; otherwise the first rebuild links every file into a new stage itself
    (0.5 s of a city's first reload)."""
    out = os.path.realpath(out_dir)      # as build_site publishes into a linked folder's target
    stage, previous = beside(out, "staging"), beside(out, "previous")
    manifests = manifests or Manifests()
    with build_lock(out):
        manifest = read_manifest(out, manifests)
        if not manifest or os.path.lexists(previous) or os.path.lexists(stage):
            return
        made: set[str] = set()
        linked: dict[str, tuple[str, str]] = {}
        for dest, entry in manifest.items():
            folder = os.path.dirname(dest)
            if folder not in made:
                os.makedirs(os.path.join(previous, folder), exist_ok=True)
                made.add(folder)
            try:
                os.link(os.path.join(out, dest), os.path.join(previous, dest))
                linked[dest] = entry
            except FileNotFoundError:       # deleted by hand: the next build makes it again
                pass
        dump_delta(linked, manifest, out, previous, manifests)      # last: the copy is whole


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
