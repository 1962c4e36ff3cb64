"""The portal's browser index, made one county at a time, in memory bounded by one county.

A province's portal covers 200 counties, 500 million code points of text: built from all of
it at once (browser_index.build_index), the index took 9 GB. Instead each county's records
become a *part*: the county's terms, each with its positions (or records) counted from the
county's own start, saved in a file beside the output under the county.json's digest. The
index is then merged a bucket of terms at a time: a term's posting is its parts' postings
in county order, each shifted by where its county starts, which is the posting build_index
makes from all the records at once. The shard count is a multiple of the bucket count, so
every shard lies in one bucket. An edit to one county makes that county's part again; the
others are read back.

The files are those build_index describes (browser_index.py), with the same posting for every
term; only the shard count differs, rounded up to a multiple of the buckets. The portal's
text is read from the counties' own text pieces (segments).
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

from zwgk.base import never
from zwgk.outputs.search.browser_index import (build_index, facet_rows, js_data, lay_out, payload_of, piece_count, shard_count,
                                               shard_file, text_segments, version_of)
from zwgk.outputs.search.postings import Postings, encode, shard_texts, sorted_chars, sorted_pairs, term_hashes
from zwgk.outputs.search.records import Record

PART_FORMAT = 1
SUB_BITS = 10
SUB_BUCKETS = 1 << SUB_BITS      # a part's terms are grouped by term hash % SUB_BUCKETS
# Entries (positions and records) merged at a time, about: the merge holds ~40 bytes for each.
BUCKET_ENTRIES = 2_000_000
_ZONE_BITS = 3
_PAIR_SHIFT = 21                 # a pair's key: first code point << 21 | second
_KINDS = ("char", "pair")        # the order build_index shards them in: characters first
_MAGIC = b"ZWGKPART"
_SUFFIX = ".part"
_TEMP = ".part-"                  # a part being written
_SPILLED = "merged-"              # a bucket merged, until the shards are written (_Spill)


def _reversed_bits(values: np.ndarray, bits: int) -> np.ndarray:
    out = np.zeros_like(values)
    for i in range(bits):
        out |= ((values >> i) & 1) << (bits - 1 - i)
    return out


@dataclass
class Part:
    """One county's share of the portal index (or the shared pages'): meta, and arrays that
    are read a bucket at a time (from its file, or from memory).

    For each kind (char, pair): `<kind>_keys` the terms (a code point; a pair's two), grouped
    by their hash's sub-bucket in bit-reversed order, so the sub-buckets of one merge bucket
    stand together; `<kind>_counts` each term's entries; `<kind>_values` the entries,
    position (or record) << 3 | zone; `<kind>_groups` and `<kind>_entries`, where each
    sub-bucket starts in the terms and in the entries. `lengths`: each record's length."""
    meta: dict
    arrays: dict[str, np.ndarray] | None = None     # in memory; else read from path
    path: str = ""
    start: int = 0                                  # where the arrays begin in the file
    key: str = ""

    _file = None

    def read(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        if self.arrays is not None:
            return self.arrays[name][start:stop]
        offset, dtype, length = self.meta["arrays"][name]
        stop = length if stop is None else stop
        dtype = np.dtype(dtype)
        with contextlib.nullcontext(self._file) if self._file else open(self.path, "rb") as fh:
            fh.seek(self.start + offset + start * dtype.itemsize)
            return np.frombuffer(fh.read((stop - start) * dtype.itemsize), dtype)

    def length(self, name: str) -> int:
        """How many values the array holds."""
        return len(self.arrays[name]) if self.arrays is not None else self.meta["arrays"][name][2]

    @contextlib.contextmanager
    def kept_open(self) -> Iterator[None]:
        """Its file open for the reads within (a province's merge reads each part's file 768
        times: opening it each time was 1.7 s)."""
        if self.arrays is not None:
            yield
            return
        with open(self.path, "rb") as self._file:
            yield
        self._file = None


def make_part(county: str, records: list[Record], facets) -> Part:
    """The part of a run of one county's records (its county.json's records, or the shared pages)."""
    if not records:
        empty = {f"{kind}_{name}": np.zeros(size, dtype) for kind in _KINDS for name, size, dtype in
                 (("keys", 0, np.uint64), ("counts", 0, np.uint32), ("values", 0, np.uint32),
                  ("groups", SUB_BUCKETS + 1, np.int64), ("entries", SUB_BUCKETS + 1, np.int64))}
        return Part({"format": PART_FORMAT, "county": county, "records": 0, "length": 0, "text": "", "rows": []},
                    {"lengths": np.zeros(0, np.uint32), **empty})
    text = lay_out(records)
    arrays = {"lengths": text.lengths.astype(np.uint32)}
    assert text.length < 1 << (32 - _ZONE_BITS), "a county's text must stay under 512 million code points"
    terms, first, positions = sorted_pairs(text.cp, text.word, text.dense, text.chars)
    _put_grouped(arrays, "pair", terms, first, positions, text.zone_at[positions])
    del terms, first, positions
    _put_grouped(arrays, "char", *sorted_chars(text.cp, text.word, text.dense, text.chars, text.record_at(),
                                               text.zone_at, len(records)))
    meta = {"format": PART_FORMAT, "county": county, "records": len(records),
            "length": text.length, "text": hashlib.sha1(text.original.encode("utf-8")).hexdigest(),
            "rows": facet_rows(records, "", [name for name, _label in facets])}
    return Part(meta, arrays)


def _put_grouped(arrays: dict, kind: str, terms: list[np.ndarray], first: np.ndarray, entries: np.ndarray,
                 zones: np.ndarray) -> None:
    keys = terms[0].astype(np.uint64)
    if len(terms) == 2:
        keys <<= np.uint64(_PAIR_SHIFT)
        keys |= terms[1].astype(np.uint64)
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(first))).astype(np.uint32)
    values = entries.astype(np.uint32) << np.uint32(_ZONE_BITS)
    values |= zones.astype(np.uint32)
    sub = _reversed_bits((term_hashes(terms) % np.uint64(SUB_BUCKETS)).astype(np.int64), SUB_BITS)
    order = np.argsort(sub, kind="stable")           # terms stay in code point order within a sub-bucket
    moved = counts[order].astype(np.int64)
    new_starts = np.cumsum(moved) - moved
    take = np.repeat(starts[order] - new_starts, moved) + np.arange(len(values))
    groups = np.searchsorted(sub[order], np.arange(SUB_BUCKETS + 1))
    arrays[f"{kind}_keys"] = keys[order]
    arrays[f"{kind}_counts"] = counts[order]
    arrays[f"{kind}_values"] = values[take]
    arrays[f"{kind}_groups"] = groups.astype(np.int64)
    arrays[f"{kind}_entries"] = np.append(new_starts, len(values))[groups].astype(np.int64)


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
            if (name.endswith(_SUFFIX) and name not in wanted) or name.startswith((_TEMP, _SPILLED)):   # a killed build's
                os.unlink(os.path.join(self.folder, name))


def portal_index_files(parts: list[Part], shared: list[Record], facets, synonyms, checkpoint: Callable[[], None] = never,
                 scratch: str | None = None) -> Iterator[tuple[str, bytes]]:
    """The portal's index files (dest, bytes), one at a time: the counties' parts in the portal's
    order, then the shared pages (whose text pieces the portal has of its own)."""
    parts = [p for p in parts if p.meta["records"]]      # a county with nothing to find has no text either
    shared_part = make_part("", shared, facets) if shared else None
    every = parts + ([shared_part] if shared_part else [])
    if not every:
        yield from build_index([], "", facets, synonyms=synonyms)
        return
    text_offsets, record_offsets, segments, at, records = [], [], [], 0, 0
    for part in every:
        text_offsets.append(at)
        record_offsets.append(records)
        if part is not shared_part:
            segments.append([f"../{part.meta['county']}/search/", at, 0, piece_count(part.meta["length"])])
        at += part.meta["length"] + 1           # records are joined by a newline
        records += part.meta["records"]
    entries = sum(p.length(f"{kind}_values") for p in every for kind in _KINDS)
    buckets = 1
    while buckets < SUB_BUCKETS and entries > buckets * BUCKET_ENTRIES:
        buckets *= 2
    digests: dict[str, bytes] = {}

    def out(name: str, data: bytes) -> tuple[str, bytes]:
        digests[name] = hashlib.sha1(data).digest()
        return f"search/{name}.js", data

    with _Spill(scratch) as spill, contextlib.ExitStack() as open_parts:
        for part in every:
            open_parts.enter_context(part.kept_open())
        size = terms = 0
        for j in range(buckets):
            checkpoint()
            merged = [_merge(every, kind, j, buckets, text_offsets if kind == "pair" else record_offsets)
                      for kind in _KINDS]
            size += sum(int(p.lengths.sum()) for p in merged)
            terms += sum(len(p.starts) for p in merged)
            spill.put(j, merged)
        shards = shard_count(size, terms, buckets)
        for j in range(buckets):
            checkpoint()
            big: dict[int, list] = {}
            own: dict[str, str] = {}
            char_texts, pair_texts = (shard_texts(p, shards, big, own) for p in spill.take(j))
            for s in range(j, shards, buckets):
                yield out(*shard_file(s, char_texts.get(s, ""), pair_texts.get(s, "")))
            for key in sorted(own):
                yield out(f"s/{key}", js_data(f"s/{key}", own[key]))
    pieces = 0
    if shared_part is not None:
        shared_segments, files = text_segments(shared, lay_out(shared))
        for segment in shared_segments:
            segment[1] += text_offsets[-1]
        segments += shared_segments
        pieces = len(files)
        for name, data in files:
            yield out(name, data)
    lengths = np.concatenate([p.read("lengths") for p in every])
    rows = [run for p in every for run in p.meta["rows"]]
    payload = payload_of(rows, records, facets, lengths, shards, pieces, segments, synonyms)
    payload["version"] = version_of(digests, [p.meta["text"] for p in parts])
    yield "search/index.js", js_data("index", payload)


def _merge(parts: list[Part], kind: str, bucket: int, buckets: int, offsets: list[int]) -> Postings:
    """The postings of the bucket's terms of one kind, over every part in order."""
    width = SUB_BITS - (buckets.bit_length() - 1)
    low = int(_reversed_bits(np.array([bucket]), buckets.bit_length() - 1)[0]) << width
    high = low + (1 << width)
    keys, counts, values, shifts = [], [], [], []
    for part, offset in zip(parts, offsets):
        g0, g1 = (int(v) for v in part.read(f"{kind}_groups", low, high + 1)[[0, -1]])
        e0, e1 = (int(v) for v in part.read(f"{kind}_entries", low, high + 1)[[0, -1]])
        keys.append(part.read(f"{kind}_keys", g0, g1))
        counts.append(part.read(f"{kind}_counts", g0, g1).astype(np.int64))
        values.append(part.read(f"{kind}_values", e0, e1))
        shifts.append(np.full(g1 - g0, offset << _ZONE_BITS, np.uint64))
    key = np.concatenate(keys)
    count = np.concatenate(counts)
    terms, inverse = np.unique(key, return_inverse=True)
    del keys, key
    order = np.argsort(inverse, kind="stable")          # a term's groups in the parts' order
    moved = count[order]
    source = np.cumsum(count) - count
    take = np.repeat(source[order] - (np.cumsum(moved) - moved), moved)
    take += np.arange(len(take))
    merged = np.concatenate(values)[take].astype(np.uint64)
    del values, take
    merged += np.repeat(np.concatenate(shifts)[order], moved)
    term_counts = np.bincount(inverse, weights=count, minlength=len(terms)).astype(np.int64)
    first = np.zeros(len(merged), bool)
    first[np.cumsum(term_counts) - term_counts] = True
    zones = (merged & np.uint64((1 << _ZONE_BITS) - 1)).astype(np.int8)
    merged >>= np.uint64(_ZONE_BITS)
    columns = [terms >> np.uint64(_PAIR_SHIFT), terms & np.uint64((1 << _PAIR_SHIFT) - 1)] if kind == "pair" else [terms]
    return encode([c.astype(np.int64) for c in columns], first, merged.view(np.int64), zones)


class _Spill:
    """Each bucket's merged postings, kept until the shard count is known: in files of the
    scratch folder (a province's postings are half a GB), or in memory without one."""

    def __init__(self, folder: str | None):
        self.folder = folder
        self._kept: dict[int, list[Postings]] = {}

    def __enter__(self) -> "_Spill":
        if self.folder:
            os.makedirs(self.folder, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        for j in self._kept if self.folder else ():
            if os.path.exists(self._path(j)):           # left by a build that stopped
                os.unlink(self._path(j))
        self._kept.clear()

    def _path(self, j: int) -> str:
        return os.path.join(self.folder, f"{_SPILLED}{j}.npz") if self.folder else ""

    def put(self, j: int, merged: list[Postings]) -> None:
        if not self.folder:
            self._kept[j] = merged
            return
        arrays = {}
        for n, p in enumerate(merged):
            arrays |= {f"{n}_codes": p.codes, f"{n}_starts": p.starts, f"{n}_lengths": p.lengths,
                       f"{n}_counts": p.counts, **{f"{n}_term{i}": c for i, c in enumerate(p.terms)}}
        with open(self._path(j), "wb") as fh:
            np.savez(fh, **arrays)
        self._kept[j] = []

    def take(self, j: int) -> list[Postings]:
        if not self.folder:
            return self._kept.pop(j)
        with np.load(self._path(j)) as data:
            merged = []
            for n in range(len(_KINDS)):
                terms = [data[f"{n}_term{i}"] for i in range(2) if f"{n}_term{i}" in data]
                merged.append(Postings(terms, data[f"{n}_codes"], data[f"{n}_starts"], data[f"{n}_lengths"],
                                       data[f"{n}_counts"]))
        os.unlink(self._path(j))
        del self._kept[j]
        return merged
