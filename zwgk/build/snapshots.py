"""The county.json of every county a build's portal is made from, without holding their bytes.

A province's 200 county.json files are 540 MB. A build keeps each one's digest and size, and
reads the bytes again, when the portal needs them, from where the build put the file: the
stage while it runs, the output once it is published, or the folder a merged county came
from. A file is taken only if its digest is the one recorded.
"""
from __future__ import annotations

import os
from functools import partial

from zwgk.base import digest
from zwgk.library import SnapshotRef, snapshot_path


class Snapshots:
    def __init__(self, places: tuple[str, ...]):
        self.places = places                        # folders to read from, in order
        self._digests: dict[str, str] = {}
        self._sizes: dict[str, int] = {}
        self._from: dict[str, str] = {}             # a merged county: the folder it came from

    def add(self, slug: str, data: bytes, folder: str = "") -> SnapshotRef:
        """The county.json at hand (from a worker, or a merged folder); its bytes, held, for now."""
        self.add_digest(slug, digest(data), len(data))
        if folder:
            self._from[slug] = folder
        return self._digests[slug], lambda: data

    def add_digest(self, slug: str, hexdigest: str, size: int) -> None:
        """A county.json known by its digest alone (the output's manifest has it): not read now."""
        self._digests[slug] = hexdigest
        self._sizes[slug] = size

    def copy(self) -> "Snapshots":
        other = Snapshots(self.places)
        other._digests, other._sizes, other._from = dict(self._digests), dict(self._sizes), dict(self._from)
        return other

    def __contains__(self, slug: str) -> bool:
        return slug in self._digests

    def __len__(self) -> int:
        return len(self._digests)

    def slugs(self) -> list[str]:
        return sorted(self._digests)

    def digest(self, slug: str) -> str:
        return self._digests[slug]

    def total_size(self) -> int:
        return sum(self._sizes.values())

    def ref(self, slug: str) -> SnapshotRef:
        return self._digests[slug], partial(self.read, slug)

    def refs(self) -> list[SnapshotRef]:
        return [self.ref(slug) for slug in self.slugs()]

    def read(self, slug: str) -> bytes:
        folders = ([self._from[slug]] if slug in self._from else []) + list(self.places)
        for folder in folders:
            try:
                with open(os.path.join(folder, snapshot_path(slug)), "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            if digest(data) == self._digests[slug]:
                return data
        raise FileNotFoundError(f"{snapshot_path(slug)}: not found as it was built")
