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
file creation slow on ext4 without a journal).
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass

from zwgk.base import digest, file_digest

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


def read_manifest(out_dir: str) -> dict[str, tuple[str, str]]:
    """dest -> (content hash, input fingerprint) of an output folder; {} when there is none.

    The result is shared and must not be changed. A long-running process (`zwgk serve`)
    reads the manifests it wrote itself once: parsing a city's took 0.1 s a build."""
    path = os.path.join(out_dir, MANIFEST)
    try:
        st = os.stat(path)
        known = _MANIFESTS.get(_identity(st))
        if known is not None:
            return known
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    # A manifest of an older zwgk holds only the hash: its files are re-made once.
    manifest = {dest: (v, "") if isinstance(v, str) else (str(v[0]), str(v[1])) for dest, v in raw.items()
                if isinstance(v, str) or (isinstance(v, list) and len(v) == 2)}
    _remember_manifest(st, manifest)
    return manifest


def _remember_manifest(st: os.stat_result, manifest: dict[str, tuple[str, str]]) -> None:
    if len(_MANIFESTS) >= 3:       # the live site's and the previous one's are the ones asked for again
        _MANIFESTS.pop(next(iter(_MANIFESTS)))
    _MANIFESTS[_identity(st)] = manifest


def _identity(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


# Parsed manifests by the identity of their file (device, inode, size, times).
_MANIFESTS: dict[tuple, dict[str, tuple[str, str]]] = {}


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
        if self.unchanged(_safe_dest(dest), hexdigest):
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
        if self.unchanged(_safe_dest(dest), hexdigest):
            return hexdigest, False
        with open(src, "rb") as source, os.fdopen(self._create(dest), "wb") as target:
            shutil.copyfileobj(source, target)
        self.written_here[dest] = hexdigest
        return hexdigest, True

    def put_link(self, dest: str, src: str, hexdigest: str) -> bool:
        """A finished file of another output (a merge): linked, or copied across file systems."""
        if self.unchanged(_safe_dest(dest), hexdigest):
            return False
        self.link(dest, src)
        return True

    def link(self, dest: str, src: str) -> None:
        target = self._target(dest)
        try:
            os.link(src, target)
        except FileExistsError:
            _clear(target)
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
            if _clear(target):
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


def _clear(path: str) -> bool:
    """Make way for a new file at path: a file is unlinked (never truncated), a folder removed
    (then True)."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
        return True
    os.unlink(path)
    return False


def _beside(out: str) -> tuple[str, str]:
    """The stage and the previous site of an output folder: hidden folders next to it."""
    parent, name = os.path.split(out)
    return os.path.join(parent, f".{name}.staging"), os.path.join(parent, f".{name}.previous")


class SiteWriter:
    """Collects the new site's files; `commit` swaps them in if anything changed."""

    def __init__(self, out_dir: str):
        self.out = os.path.abspath(out_dir)
        self.stage, self.previous = _beside(self.out)
        self._reused: dict[str, tuple[str, str]] = {}   # what the stage held when it was reused
        self.old_manifest = read_manifest(self.out)
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
            manifest = read_manifest(candidate) if os.path.isdir(candidate) else {}
            if manifest and not self._reused:
                if candidate != self.stage:
                    if os.path.lexists(self.stage):
                        shutil.rmtree(self.stage)
                    os.rename(candidate, self.stage)
                os.remove(os.path.join(self.stage, MANIFEST))    # from now on it is being changed
                self._reused = manifest
            elif os.path.lexists(candidate):
                shutil.rmtree(candidate)
        os.makedirs(self.stage, exist_ok=True)

    def old_by_county(self) -> dict[str, list[str]]:
        """The old manifest's files by their first folder (a county's slug)."""
        if self._by_folder is None:
            self._by_folder = {}
            for dest in self.old_manifest:
                folder, slash, _rest = dest.partition("/")
                if slash:
                    self._by_folder.setdefault(folder, []).append(dest)
        return self._by_folder

    def current(self, dest: str, fingerprint: str) -> bool:
        old = self.old_manifest.get(dest)
        return bool(fingerprint) and old is not None and old[1] == fingerprint and dest in self.live

    def _unchanged(self, dest: str, hexdigest: str) -> bool:
        old = self.old_manifest.get(dest)
        return old is not None and old[0] == hexdigest and dest in self.live

    def add(self, dest: str, data: bytes, fingerprint: str = "") -> None:
        hexdigest = digest(data)
        written = not self._unchanged(dest, hexdigest)
        if written:   # the stage is only made once something differs
            self.files.put(dest, data)
        self.record(dest, hexdigest, fingerprint, written)

    def copy(self, dest: str, src: str, fingerprint: str = "") -> None:
        hexdigest = file_digest(src)
        written = not self._unchanged(dest, hexdigest)
        if written:
            self.files.put_file(dest, src)
        self.record(dest, hexdigest, fingerprint, written)

    def keep(self, dest: str) -> bool:
        """Carry an unchanged file over without producing it again; False if it cannot be."""
        old = self.old_manifest.get(dest)
        if old is None or dest not in self.live:
            return False
        if dest in self.manifest:
            raise ValueError(f"two outputs for {dest}")
        self.manifest[dest] = old       # checked when it was first made
        return True

    def record(self, dest: str, hexdigest: str, fingerprint: str, written: bool) -> None:
        """A file put into the stage (written) or found unchanged, here or by a worker."""
        _safe_dest(dest)
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
                _dump_manifest(self._reused, os.path.join(self.stage, MANIFEST))
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
            os.rename(self.stage, self.previous)          # the next build's stage
        else:
            os.rename(self.stage, self.out)
        self._staged = False
        self.stats.swapped = True
        return self.stats

    def _tidy_reused_stage(self) -> None:
        """Remove what the reused stage holds and the new site does not: files, then empty folders."""
        if not self._reused:
            return
        for dest in self._reused.keys() - self.manifest.keys():
            try:
                _clear(os.path.join(self.stage, dest))
            except (FileNotFoundError, NotADirectoryError):     # gone with its folder already
                pass
        wanted = {d.rpartition("/")[0] for d in self.manifest}
        wanted |= {folder[:i] for folder in wanted for i, ch in enumerate(folder) if ch == "/"}
        stale = {d.rpartition("/")[0] for d in self._reused} - wanted - {""}
        stale |= {folder[:i] for folder in stale for i, ch in enumerate(folder) if ch == "/"} - wanted
        for folder in sorted(stale, key=lambda f: -f.count("/")):
            try:
                os.rmdir(os.path.join(self.stage, folder))
            except OSError:
                pass

    def _write_manifest(self, path: str) -> None:
        _dump_manifest(self.manifest, path)

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
        _dump_manifest(holds, os.path.join(self.stage, MANIFEST))
        if os.path.lexists(self.previous):
            shutil.rmtree(self.previous)
        os.rename(self.stage, self.previous)
        self._staged, self._files = False, None

    def abort(self) -> None:
        if self._staged and os.path.lexists(self.stage):
            shutil.rmtree(self.stage, ignore_errors=True)
        self._staged = False
        self._files = None


def keep_previous(out_dir: str) -> None:
    """Give the next build of out_dir a previous site to reuse as its stage, if it has none
    (after a first build): a linked copy of the live site. A long-running process does this
    while it waits; otherwise the first rebuild links every file into a new stage itself
    (0.5 s of a city's first reload)."""
    out = os.path.realpath(out_dir)      # as build_site publishes into a linked folder's target
    stage, previous = _beside(out)
    with build_lock(out):
        manifest = read_manifest(out)
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
        _dump_manifest(linked, os.path.join(previous, MANIFEST))      # last: the copy is whole


def _dump_manifest(manifest: dict[str, tuple[str, str]], path: str) -> None:
    # json.dumps, not json.dump: dump streams through the pure-Python encoder (0.4 s for a city).
    text = json.dumps({dest: list(v) for dest, v in manifest.items()}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    _remember_manifest(os.stat(path), manifest)


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
