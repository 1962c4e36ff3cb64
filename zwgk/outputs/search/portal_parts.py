"""Each county's share of the portal's browser index (portal_index.py): its terms with
their postings counted from the county's own start and already encoded, grouped so that a
merge bucket's terms stand together, in a file beside the output named by the county.json's
digest (PartStore), so a build that changed one county makes only that county's part again.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import numpy as np

from zwgk.outputs.search.browser_index import facet_rows, lay_out
from zwgk.outputs.search.postings import entry_codes, sorted_chars, sorted_pairs, term_hashes
from zwgk.outputs.search.records import Record

PART_FORMAT = 3
SUB_BITS = 10
SUB_BUCKETS = 1 << SUB_BITS      # a part's terms are grouped by term hash % SUB_BUCKETS
ZONE_BITS = 3
PAIR_SHIFT = 21                  # a pair's key: first code point << 21 | second
KINDS = ("char", "pair")         # the order build_index shards them in: characters first
# A term's row in `<kind>_terms`, as uint32 columns: its key's low and high halves, its entry
# count, its first entry, its last position, and how many bytes its other entries take.
TERM_COLUMNS = 6
SPILLED = "merged-"              # a bucket merged, until the shards are written (portal_index._Spill)
_MAGIC = b"ZWGKPART"
_SUFFIX = ".part"
_TEMP = ".part-"                 # a part being written


def reversed_bits(values: np.ndarray, bits: int) -> np.ndarray:
    out = np.zeros_like(values)
    for i in range(bits):
        out |= ((values >> i) & 1) << (bits - 1 - i)
    return out


@dataclass
class Part:
    """One county's share of the portal index (or the shared pages'): meta, and arrays that
    are read a bucket at a time (from its file, or from memory).

    For each kind (char, pair): `<kind>_terms`, a row per term (TERM_COLUMNS): its key (a code
    point; a pair's two), its entry count, its first entry, position (or record) << 3 | zone,
    its last position, and the size of its other entries, which `<kind>_codes` holds already
    written as the index writes them: counted from the county's start, only a term's first
    entry changes in the portal, so the merge writes that one and copies the rest. The terms
    are grouped by their hash's sub-bucket in bit-reversed order, so the sub-buckets of one
    merge bucket stand together; `<kind>_starts`: where each sub-bucket starts in the terms
    and in the codes, two columns. A merge reads two runs of the file per part and bucket
    (eight small reads each was most of a province's merge). `lengths`: each record's length.
    meta["entries"]: how many entries each kind has."""
    meta: dict
    arrays: dict[str, np.ndarray] | None = None     # in memory; else read from path
    path: str = ""
    start: int = 0                                  # where the arrays begin in the file
    key: str = ""

    _file = None
    _starts = None                                  # each kind's starts, once read

    def bucket(self, kind: str, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows (TERM_COLUMNS wide) and the codes of the sub-buckets low..high-1 of a kind."""
        if self._starts is None:            # small: read once, then kept
            self._starts = {k: self.read(f"{k}_starts").reshape(-1, 2) for k in KINDS}
        (t0, b0), (t1, b1) = self._starts[kind][low].tolist(), self._starts[kind][high].tolist()
        return self.read(f"{kind}_terms", t0 * TERM_COLUMNS, t1 * TERM_COLUMNS).reshape(-1, TERM_COLUMNS), \
            self.read(f"{kind}_codes", b0, b1)

    def sizes(self) -> tuple[int, int]:
        """Bytes of its codes and rows of its terms, both kinds together: read from its meta."""
        def length(name: str) -> int:
            return len(self.arrays[name]) if self.arrays is not None else self.meta["arrays"][name][2]
        return (sum(length(f"{kind}_codes") for kind in KINDS),
                sum(length(f"{kind}_terms") for kind in KINDS) // TERM_COLUMNS)

    def read(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        if self.arrays is not None:
            return self.arrays[name][start:stop]
        offset, dtype, length = self.meta["arrays"][name]
        stop = length if stop is None else stop
        dtype = np.dtype(dtype)
        with contextlib.nullcontext(self._file) if self._file else open(self.path, "rb") as fh:
            fh.seek(self.start + offset + start * dtype.itemsize)
            return np.frombuffer(fh.read((stop - start) * dtype.itemsize), dtype)

    @contextlib.contextmanager
    def kept_open(self) -> Iterator[None]:
        """Its file open for the reads within (a province's merge reads each part's file hundreds
        of times: opening it each time was 1.7 s)."""
        if self.arrays is not None:
            yield
            return
        with open(self.path, "rb") as self._file:
            yield
        self._file = None


def make_part(county: str, records: list[Record], facets) -> Part:
    """The part of a run of one county's records (its county.json's records, or the shared pages)."""
    if not records:
        empty = {f"{kind}_{name}": np.zeros(size, dtype) for kind in KINDS for name, size, dtype in
                 (("terms", 0, np.uint32), ("codes", 0, np.uint8), ("starts", 2 * (SUB_BUCKETS + 1), np.int64))}
        return Part({"format": PART_FORMAT, "county": county, "records": 0, "length": 0, "text": "", "rows": [],
                     "entries": {kind: 0 for kind in KINDS}}, {"lengths": np.zeros(0, np.uint32), **empty})
    text = lay_out(records)
    arrays = {"lengths": text.lengths.astype(np.uint32)}
    assert text.length < 1 << (32 - ZONE_BITS), "a county's text must stay under 512 million code points"
    terms, first, positions = sorted_pairs(text.cp, text.word, text.dense, text.chars)
    entries = {"pair": _put_grouped(arrays, "pair", terms, first, positions, text.zone_at[positions])}
    del terms, first, positions
    entries["char"] = _put_grouped(arrays, "char", *sorted_chars(text.cp, text.word, text.dense, text.chars,
                                                                 text.record_at(), text.zone_at, len(records)))
    meta = {"format": PART_FORMAT, "county": county, "records": len(records),
            "length": text.length, "text": hashlib.sha1(text.original.encode("utf-8")).hexdigest(),
            "rows": facet_rows(records, "", [name for name, _label in facets]), "entries": entries}
    return Part(meta, arrays)


def _put_grouped(arrays: dict, kind: str, terms: list[np.ndarray], first: np.ndarray, entries: np.ndarray,
                 zones: np.ndarray) -> int:
    """The arrays of one kind (Part says which); returns how many entries it has."""
    keys = terms[0].astype(np.uint64)
    if len(terms) == 2:
        keys <<= np.uint64(PAIR_SHIFT)
        keys |= terms[1].astype(np.uint64)
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(first))).astype(np.int64)
    codes, width = entry_codes(first, entries, zones)
    byte_ends = np.cumsum(width, dtype=np.int64)
    # A term's codes but its first entry's: from the end of its first entry to its last byte.
    rest_from = byte_ends[starts]
    rest_to = byte_ends[starts + counts - 1]
    sizes = rest_to - rest_from
    sub = reversed_bits((term_hashes(terms) % np.uint64(SUB_BUCKETS)).astype(np.int64), SUB_BITS)
    order = np.argsort(sub, kind="stable")           # terms stay in code point order within a sub-bucket
    moved = sizes[order]
    new_from = np.cumsum(moved) - moved
    take = np.repeat(rest_from[order] - new_from, moved) + np.arange(int(moved.sum()))
    groups = np.searchsorted(sub[order], np.arange(SUB_BUCKETS + 1))
    rows = np.empty((len(order), TERM_COLUMNS), np.uint32)
    keys = keys[order]
    rows[:, 0] = keys & np.uint64(0xFFFFFFFF)
    rows[:, 1] = keys >> np.uint64(32)
    rows[:, 2] = counts[order]
    rows[:, 3] = ((entries[starts].astype(np.uint32) << np.uint32(ZONE_BITS)) | zones[starts].astype(np.uint32))[order]
    rows[:, 4] = entries[starts + counts - 1][order]
    rows[:, 5] = moved
    arrays[f"{kind}_terms"] = rows.reshape(-1)
    arrays[f"{kind}_codes"] = codes[take]
    arrays[f"{kind}_starts"] = np.column_stack((groups, np.append(new_from, int(moved.sum()))[groups])).astype(np.int64).reshape(-1)
    return len(entries)


def save_part(part: Part, path: str) -> Part:
    """Write the part's file (whole, or not at all: written aside, then renamed) and return it
    as read from there: the magic, the meta's length and the meta as JSON, then the arrays."""
    layout, offset = {}, 0
    for name, array in part.arrays.items():
        layout[name] = [offset, array.dtype.str, len(array)]      # from the start of the arrays
        offset += -(-array.nbytes // 8) * 8
    meta = part.meta | {"arrays": layout}
    header = json.dumps(meta, ensure_ascii=False).encode("utf-8")
    start = _arrays_start(len(header))
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=_TEMP)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + len(header).to_bytes(8, "little") + header)
            for name, array in part.arrays.items():
                fh.seek(start + layout[name][0])
                fh.write(np.ascontiguousarray(array).tobytes())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return Part(meta, path=path, start=start)


def _arrays_start(header_length: int) -> int:
    return -(-(len(_MAGIC) + 8 + header_length) // 8) * 8


def load_part(path: str) -> Part | None:
    """The part in that file, or None when it is missing or not one this zwgk wrote whole."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_MAGIC) + 8)
            if len(head) < len(_MAGIC) + 8 or not head.startswith(_MAGIC):
                return None
            length = int.from_bytes(head[len(_MAGIC):], "little")
            meta = json.loads(fh.read(length))
        size = os.path.getsize(path)
        start = _arrays_start(length)
        whole = all(start + o + n * np.dtype(d).itemsize <= size for o, d, n in meta["arrays"].values())
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return Part(meta, path=path, start=start) if whole and meta.get("format") == PART_FORMAT else None


class PartStore:
    """The counties' parts, by a key that changes with the county.json and the engine: files in
    a folder that a build keeps beside its output for the next one, or in memory."""

    def __init__(self, folder: str | None = None):
        self.folder = folder
        self._memory: dict[str, Part] = {}
        self._by_county: dict[str, Part] = {}

    def part(self, key: str, records: Callable[[], tuple[str, list[Record]]], facets) -> Part:
        """The part under key, made from records() (the county, its records) when there is none yet."""
        if self.folder is None:
            found = self._memory.get(key)
            if found is None:
                found = self._memory[key] = make_part(*records(), facets)
        else:
            path = os.path.join(self.folder, f"{key}{_SUFFIX}")
            found = load_part(path)
            if found is None:
                os.makedirs(self.folder, exist_ok=True)
                found = save_part(make_part(*records(), facets), path)
        found.key = key
        self._by_county[found.meta["county"]] = found
        return found

    def for_county(self, slug: str) -> Part | None:
        """The part last made or found for that county."""
        return self._by_county.get(slug)

    def keep_only(self, keys: Iterable[str]) -> None:
        """Drop the parts of counties no longer in the site, or changed since (the folder may
        hold other things a build keeps)."""
        wanted = {f"{k}{_SUFFIX}" for k in keys}
        if self.folder is None:
            self._memory = {k: v for k, v in self._memory.items() if f"{k}{_SUFFIX}" in wanted}
            return
        for name in os.listdir(self.folder) if os.path.isdir(self.folder) else ():
            if (name.endswith(_SUFFIX) and name not in wanted) or name.startswith((_TEMP, SPILLED)):   # a killed build's
                os.unlink(os.path.join(self.folder, name))

