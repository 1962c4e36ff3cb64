"""The portal's browser index, made one county at a time, in memory bounded by one county.

A province's portal covers 200 counties, 500 million code points of text: built from all of
it at once (browser_index.build_index), the index took 9 GB. Instead each county's records
become a *part*: the county's terms, each with its positions (or records) counted from the
county's own start, saved beside the output under the county.json's digest (portal_parts.py).

The postings are cut into blocks of BLOCK_COUNTIES counties, each in its own folder
(search/b/<n>/) with a file saying what it was made from (BLOCK_KEY). A block is merged a
bucket of terms at a time: a term's posting is its parts' postings in county order, each
shifted by where its county starts within the block. The shard count is a multiple of the
bucket count, so every shard lies in one bucket, and is reckoned from the parts' sizes, so a
block kept from the last build is listed in index.js without being merged again. An edit to
one county makes that county's part and its block's postings again; the other parts are read
back and the other blocks' files kept (one index over all counties counted positions from the
portal's start, so a province merged all its postings again on every edit: 5 s of 13).

The files are those build_index describes (browser_index.py). The portal's text is read
from the counties' own text pieces (segments).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
from typing import Callable, Iterator

import numpy as np

from zwgk.base import never
from zwgk.outputs.search.browser_index import (build_index, js_codes, js_data, lay_out, payload_of, piece_count, shard_count,
                                               shard_file, text_segments, version_of)
from zwgk.outputs.search.portal_parts import (KINDS, PAIR_SHIFT, PART_FORMAT, SPILLED, SUB_BITS, SUB_BUCKETS, ZONE_BITS, Part,
                                              make_part, reversed_bits)
from zwgk.outputs.search.postings import Postings, entry_value, shard_texts, varints
from zwgk.outputs.search.records import Record

# Entries (positions and records) merged at a time, about: the merge holds ~40 bytes for each.
BUCKET_ENTRIES = 2_000_000
# Counties whose postings share a block (search/b/<n>/): an edit to a county makes its
# block's postings again and keeps the other blocks' files. A query reads a shard of every
# block, so the 22 counties of a city stay one block and a province's 200 make 8.
BLOCK_COUNTIES = 25
BLOCKS = "b"
BLOCK_KEY = "key"       # in a block's folder, key.js: what its files were made from (_block_key)


def _code_digest() -> str:
    h = hashlib.sha1()
    folder = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".py")):
        with open(os.path.join(folder, name), "rb") as fh:
            h.update(name.encode("utf-8") + b"\0" + fh.read())
    return h.hexdigest()


POSTINGS_CODE = _code_digest()    # this package's code: a block made by other code is made again


def portal_index_files(parts: list[Part], shared: list[Record], facets, synonyms, checkpoint: Callable[[], None] = never,
                       scratch: str | None = None,
                       kept: Callable[[str, bytes], bool] = lambda dest, data: False) -> Iterator[tuple[str, bytes]]:
    """The portal's index files (dest, bytes), one at a time: the counties' parts in the portal's
    order, then the shared pages (whose text pieces the portal has of its own). kept(dest, data):
    whether the live site has that block key file with those bytes, and keeps every file of its
    folder (search/b/<n>/) as they are: made by an earlier build from the same parts, the block
    is not made again."""
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
    digests: dict[str, bytes] = {}

    def out(name: str, data: bytes) -> tuple[str, bytes]:
        digests[name] = hashlib.sha1(data).digest()
        return f"search/{name}.js", data

    blocks = []
    for n, (first, end) in enumerate(_blocks(len(parts), len(every))):
        members = every[first:end]
        key = _block_key(members)
        buckets = _buckets(members)
        shards = shard_count(*map(sum, zip(*(p.sizes() for p in members))), buckets)
        folder = f"{BLOCKS}/{n}/"
        blocks.append([folder, text_offsets[first], record_offsets[first], shards])
        digests[folder] = key.encode("ascii")       # the block's files, in the index's version
        marker = (f"search/{folder}{BLOCK_KEY}.js", js_data(f"{folder}{BLOCK_KEY}", key))
        if kept(*marker):
            continue
        yield marker
        starts = [(t - text_offsets[first], r - record_offsets[first])
                  for t, r in zip(text_offsets[first:end], record_offsets[first:end])]
        for name, data in _block_files(members, folder, starts, buckets, shards, checkpoint, scratch):
            yield f"search/{name}.js", data
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
    payload = payload_of(rows, records, facets, lengths, blocks, pieces, segments, synonyms)
    payload["version"] = version_of(digests, [p.meta["text"] for p in parts])
    yield "search/index.js", js_data("index", payload)


def _blocks(counties: int, parts: int) -> list[tuple[int, int]]:
    """Each block's parts, first and end: BLOCK_COUNTIES counties each, the shared pages in the last."""
    bounds = list(range(0, counties, BLOCK_COUNTIES)) or [0]
    return [(b, b + BLOCK_COUNTIES) for b in bounds[:-1]] + [(bounds[-1], parts)]


def _block_key(members: list[Part]) -> str:
    """What a block's postings are made from: its parts' text and the code that writes postings.
    Not the parts' keys, which hold the versions of the packages installed: the output must be
    the same bytes wherever it is built."""
    h = hashlib.sha1(f"{PART_FORMAT}\n{POSTINGS_CODE}".encode("ascii"))
    for part in members:
        h.update(f"\n{part.meta['text']}".encode("ascii"))
    return h.hexdigest()[:16]


def _buckets(members: list[Part]) -> int:
    entries = sum(p.meta["entries"][kind] for p in members for kind in KINDS)
    buckets = 1
    while buckets < SUB_BUCKETS and entries > buckets * BUCKET_ENTRIES:
        buckets *= 2
    return buckets


def _block_files(members: list[Part], folder: str, starts: list[tuple[int, int]], buckets: int, shards: int,
                 checkpoint: Callable[[], None], scratch: str | None) -> Iterator[tuple[str, bytes]]:
    """A block's shard files and long postings (name, bytes): its parts merged a bucket of terms
    at a time, each part's positions and records counted from the block's start (starts)."""
    text_starts, record_starts = zip(*starts)
    with _Spill(scratch) as spill, contextlib.ExitStack() as open_parts:
        for part in members:
            open_parts.enter_context(part.kept_open())
        for j in range(buckets):
            checkpoint()
            spill.put(j, [_merge(members, kind, j, buckets, text_starts if kind == "pair" else record_starts)
                          for kind in KINDS])
        for j in range(buckets):
            checkpoint()
            big: dict[int, list] = {}
            own: dict[str, str] = {}
            char_texts, pair_texts = (shard_texts(p, shards, big, own) for p in spill.take(j))
            for s in range(j, shards, buckets):
                yield shard_file(s, char_texts.get(s, ""), pair_texts.get(s, ""), folder)
            for key in sorted(own):
                yield f"{folder}s/{key}", js_codes(f"{folder}s/{key}", own[key])


def _merge(parts: list[Part], kind: str, bucket: int, buckets: int, offsets: list[int]) -> Postings:
    """The postings of the bucket's terms of one kind, over every part in order: for each term,
    each part's share of its posting is its first entry, written again counted from the last
    entry before it (the previous part's last, shifted by where that county starts), then the
    part's own codes for the rest, copied (encoding every entry again was 5.6 of a province's
    8.6 s of merging)."""
    width = SUB_BITS - (buckets.bit_length() - 1)
    low = int(reversed_bits(np.array([bucket]), buckets.bit_length() - 1)[0]) << width
    high = low + (1 << width)
    rows, codes = zip(*(part.bucket(kind, low, high) for part in parts))
    table = np.concatenate(rows).astype(np.int64)
    key = (table[:, 0] | (table[:, 1] << 32)).astype(np.uint64)
    count, firsts, lasts, sizes = (table[:, c] for c in range(2, 6))
    shift = np.repeat(np.array(offsets, np.int64), [len(r) for r in rows])
    source = np.cumsum(sizes) - sizes                   # where each term's codes are in the parts' codes, joined
    del rows, table
    terms, inverse = np.unique(key, return_inverse=True)
    del key
    order = np.argsort(inverse, kind="stable")          # a term's shares in the parts' order
    inverse, count, firsts, sizes, source = inverse[order], count[order], firsts[order], sizes[order], source[order]
    lasts, shift = lasts[order] + shift[order], shift[order]
    starts_term = np.ones(len(order), bool)
    starts_term[1:] = inverse[1:] != inverse[:-1]
    before = np.zeros(len(order), np.int64)             # the entry before each share's first: none at a term's start
    before[1:] = lasts[:-1]
    before[starts_term] = 0
    head = entry_value((firsts >> ZONE_BITS) + shift - before, firsts & ((1 << ZONE_BITS) - 1))
    head_codes, head_width = varints(head)
    head_width = head_width.astype(np.int64)
    # Each share written as its head's bytes then its own codes, the shares one after another:
    # one gather from the parts' codes with the heads after them, a run of bytes per piece.
    pool = np.concatenate((*codes, head_codes))
    piece_from = np.column_stack((len(pool) - len(head_codes) + np.cumsum(head_width) - head_width, source)).reshape(-1)
    piece_size = np.column_stack((head_width, sizes)).reshape(-1)
    piece_at = np.cumsum(piece_size) - piece_size
    merged = pool[np.repeat(piece_from - piece_at, piece_size) + np.arange(int(piece_size.sum()))]
    del codes, pool
    out_at = piece_at[0::2]                             # where each share starts
    term_start = np.flatnonzero(starts_term)
    byte_starts = out_at[term_start]
    byte_lengths = np.append(byte_starts[1:], len(merged)) - byte_starts
    counts = np.add.reduceat(count, term_start) if len(term_start) else np.zeros(0, np.int64)
    columns_out = ([terms >> np.uint64(PAIR_SHIFT), terms & np.uint64((1 << PAIR_SHIFT) - 1)] if kind == "pair"
                   else [terms])
    return Postings([c.astype(np.int64) for c in columns_out], merged, byte_starts, byte_lengths, counts)


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
        return os.path.join(self.folder, f"{SPILLED}{j}.npz") if self.folder else ""

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
            for n in range(len(KINDS)):
                terms = [data[f"{n}_term{i}"] for i in range(2) if f"{n}_term{i}" in data]
                merged.append(Postings(terms, data[f"{n}_codes"], data[f"{n}_starts"], data[f"{n}_lengths"],
                                       data[f"{n}_counts"]))
        os.unlink(self._path(j))
        del self._kept[j]
        return merged
