"""Search records → the browser index: small JS files that <script> tags load, even from file://.

Files under <site>/search/ (every one is `zwgkData("<name>", <JSON>);`):
  index.js     records: text lengths (each the difference from the one before, zigzag coded),
               their URL template and facet values (`columns`: per column, runs of one
               value over the records in order); the blocks of postings and the piece
               count; the ranking's constants and the synonym groups.
               `blocks`: [folder, text offset, record offset, shards] for each block of
               postings. A county's index has one, folder "" (its s/ files); the portal's
               has one per BLOCK_COUNTIES counties (portal_index.py), each in its folder
               b/<n>/, so an edit makes one block's postings again. A term's posting is its
               blocks' postings one after another, each counted from its block's offsets.
  s/<h>.js     shard h (base 36) = FNV-1a(term) % shards: ["<characters>", "<pairs>"], each
               a comma list of term + posting. A pair's posting is the ascending positions
               of the pair in the site text (all records joined by newlines), each with the
               zone it stands in; a character's is its records, each with the best zone it
               occurs in. A term whose posting is long is written as `term~n~count` (count:
               the posting's entries) and lives in s/<h>-<n>.js.
  t/<k>.js     [start, text, head]: the original text whose normalised positions are
               k*PIECE .. (k+1)*PIECE of its segment, and the title and id of the record it
               begins in; fetched only for results being shown or checked. The portal's
               index has files only for the shared pages: each county's part of its text
               is that county's own t/ files (index.js `segments`).
Numbers are varints in base 43 (ASCII that needs no escaping in JSON or HTML); positions
are delta coded. Output is deterministic: same records, same bytes. This module lays out the
text and the files; postings.py encodes the terms and their postings.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass
from operator import getitem
from typing import Callable

import numpy as np

from zwgk.base import never
from zwgk.outputs.search.analysis import BMP_CHANGES, WORD_RANGES, normalize_char
from zwgk.outputs.search.postings import char_postings, pair_postings, shard_texts, varint_string
from zwgk.outputs.search.rank import BM25_B, BM25_K1, COMMON, INTENTS, ZONE_WEIGHTS
from zwgk.outputs.search.records import DEMOTED, FACETS, ZONE_END, ZONES, Record

FORMAT = 3
# Normalised code points per text piece. Showing a result costs its piece, and the portal
# reads the counties' pieces (segments, below). Measured on the 22-county city's portal
# (bench/search_vs_pagefind.py --portal, four queries): a cold query fetched 301-315 KB with
# 4,096, 249-257 KB with 2,048, for 4,900 or 9,800 piece files; a 2,000-record county
# fetched 117 KB with 4,096 and 112 KB with 1,024.
PIECE = 2048
SHARD_TARGET = 8192     # aimed-for size of one shard file, in bytes

_WORD = np.zeros(0x110000, bool)
for _lo, _hi in WORD_RANGES:
    _WORD[_lo:_hi + 1] = True

# Normalisation of every code point that maps to one code point; the others (and every
# astral character) are found by _EXPANDING and handled one by one.
_ONE = np.arange(0x110000, dtype=np.uint32)
for _ch, _m in BMP_CHANGES.items():
    if len(_m) == 1:
        _ONE[ord(_ch)] = ord(_m)

# Characters whose normalisation is not one code point; astral ones are all checked.
_EXPANDING = re.compile("[" + "".join(re.escape(ch) for ch, m in sorted(BMP_CHANGES.items()) if len(m) != 1)
                        + "\U00010000-\U0010FFFF]")


def js_data(name: str, payload) -> bytes:
    """`zwgkData(name, payload);` with JSON that cannot end a <script> or an HTML comment."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return f'zwgkData({json.dumps(name)},{text});\n'.encode("utf-8")


def js_codes(name: str, codes: str) -> bytes:
    """js_data(name, codes) for a posting's codes: ALPHABET only (postings.py), which needs no
    escaping in JSON, a <script> or HTML, so the bytes are put together without scanning them
    (a province's 370 MB of postings: 1.3 s of every edit, 0.1 s this way)."""
    return b"".join((b"zwgkData(", json.dumps(name).encode("utf-8"), b',"', codes.encode("ascii"), b'");\n'))


def _normalized_codes(original: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of the normalised text (as analysis.normalize gives it), with the
    original indexes of characters that became more than one code point and how many
    code points each added."""
    codes = _ONE[np.frombuffer(original.encode("utf-32-le"), np.uint32)]
    found = [(m.start(), normalize_char(m.group())) for m in _EXPANDING.finditer(original)]
    if not found:
        return codes, np.zeros(0, np.int64), np.zeros(0, np.int64)
    at = np.array([i for i, _m in found], np.int64)
    widths = np.ones(len(codes), np.int64)
    widths[at] = [len(m) for _i, m in found]
    out = np.repeat(codes, widths)
    starts = np.cumsum(widths) - widths
    for (i, m), start in zip(found, starts[at].tolist()):
        out[start:start + len(m)] = [ord(c) for c in m]
    grow = widths[at] - 1
    keep = grow != 0
    return out, at[keep], grow[keep]


def _to_normalized(index: np.ndarray, exp_at: np.ndarray, exp_extra: np.ndarray) -> np.ndarray:
    """Normalised positions of original indexes."""
    cum = np.concatenate(([0], np.cumsum(exp_extra)))
    return index + cum[np.searchsorted(exp_at, index, side="left")]


def _pieces(original: str, exp_at: np.ndarray, exp_extra: np.ndarray, size: int) -> list[tuple[int, str]]:
    """Cut the original text where its normalised positions cross multiples of size."""
    expansions = list(zip(exp_at.tolist(), exp_extra.tolist()))
    norm_len = len(original) + int(exp_extra.sum())
    cuts, extra, k, last = [], 0, 0, -1
    for b in range(0, max(norm_len, 1), size):
        while k < len(expansions) and expansions[k][0] + extra < b:
            last = expansions[k][0]
            extra += expansions[k][1]
            k += 1
        cut = max(b - extra, last + 1)
        cuts.append((cut, cut + extra))
    pieces = []
    for n, (cut, norm_start) in enumerate(cuts):
        end = cuts[n + 1][0] if n + 1 < len(cuts) else len(original)
        pieces.append((norm_start, original[cut:end]))
    return pieces


def _url_template(record: Record, base: str) -> str:
    """The record's URL relative to the site folder, with its id as {id}."""
    if not base:
        rel = record.url
    elif record.url.startswith(base + "/"):
        rel = record.url[len(base) + 1:]
    else:
        rel = posixpath.relpath(record.url, base)
    tail = f"{record.id}.html"
    assert rel.endswith(tail), (rel, tail)
    return rel[:-len(tail)] + "{id}.html"


def _name(prefix: str, k: int) -> str:
    return f"{prefix}/{np.base_repr(k, 36).lower()}"


@dataclass
class Layout:
    """Records' text laid out as the index counts it: all records joined by newlines, each its
    zones joined by ZONE_END, normalised (analysis.normalize) one code point at a time."""
    original: str
    cp: np.ndarray               # code points of the normalised text
    exp_at: np.ndarray           # original indexes of the characters that became more than one
    exp_extra: np.ndarray        # and how many code points each added
    edges: np.ndarray            # per record: its start, then the end of each zone (original)
    norm_edges: np.ndarray       # the same, normalised
    lengths: np.ndarray          # normalised length of each record
    zone_at: np.ndarray          # the zone of every normalised position (the separators too)
    word: np.ndarray             # True where a position holds a word character
    chars: np.ndarray            # the word characters present, ascending
    dense: np.ndarray            # code point -> its index in chars

    @property
    def length(self) -> int:
        """Normalised length of the whole text."""
        return len(self.cp)

    def record_at(self) -> np.ndarray:
        """The record of every normalised position."""
        return np.repeat(np.arange(len(self.lengths), dtype=np.int32), self.lengths + 1)[:len(self.cp)]


def lay_out(records: list[Record]) -> Layout:
    original = "\n".join(r.text for r in records)
    cp, exp_at, exp_extra = _normalized_codes(original)
    n = len(records)
    # Zone boundaries, original then normalised: each record is its zones joined by
    # newlines, and records are joined by newlines too.
    zone_len = np.array([[len(z) for z in r.zones] for r in records], np.int64).reshape(n, len(ZONES))
    bounds = np.cumsum(zone_len + 1, axis=1)            # original end (+1) of each zone within its record
    rec_start = np.concatenate(([0], np.cumsum(bounds[:, -1])[:-1])) if n else np.zeros(0, np.int64)
    edges = np.concatenate((rec_start[:, None], rec_start[:, None] + bounds - 1), axis=1)
    norm_edges = _to_normalized(edges.reshape(-1), exp_at, exp_extra).reshape(n, len(ZONES) + 1)
    norm_zone_len = np.diff(norm_edges, axis=1) - np.concatenate(([0], np.ones(len(ZONES) - 1, np.int64)))
    lengths = norm_edges[:, -1] - norm_edges[:, 0]
    seg = np.stack((norm_zone_len, np.ones_like(norm_zone_len)), axis=2).reshape(n, -1)   # zone, its end, ...
    zone_at = np.repeat(np.tile(np.repeat(np.arange(len(ZONES), dtype=np.int8), 2), n), seg.reshape(-1))[:len(cp)]
    word = _WORD[cp]
    present = np.zeros(0x110000, bool)
    present[cp[word]] = True
    chars = np.flatnonzero(present).astype(np.uint32)
    dense = (np.cumsum(present, dtype=np.int32) - 1).astype(np.int32)
    return Layout(original, cp, exp_at, exp_extra, edges, norm_edges, lengths, zone_at, word, chars, dense)


def build_index(records: list[Record], base: str, facets=FACETS, checkpoint: Callable[[], None] = never,
                synonyms: tuple[tuple[str, ...], ...] = ()) -> list[tuple[str, bytes]]:
    """The browser index of records, as (dest path, bytes); base is the site folder ('' = portal);
    synonyms: the normalised groups of terms a query is widened with."""
    prefix = f"{base}/search/" if base else "search/"
    if not records:
        files = [("s/0", js_data("s/0", ["", ""])), ("t/0", js_data("t/0", [0, "", ""]))]
        payload = index_payload(records, base, facets, np.zeros(0, np.int64), [["", 0, 0, 1]], 1, [["", 0, 0, 1]],
                                synonyms)
        payload["version"] = version(files)
        return [(f"{prefix}{name}.js", data) for name, data in files + [("index", js_data("index", payload))]]
    text = lay_out(records)
    checkpoint()          # a build asked to stop (zwgk serve: a newer save) stops here
    pairs = pair_postings(text.cp, text.word, text.dense, text.chars, text.zone_at)
    checkpoint()
    singles = char_postings(text.cp, text.word, text.dense, text.chars, text.record_at(), text.zone_at, len(records))
    checkpoint()
    shards = shard_count(int(pairs.lengths.sum() + singles.lengths.sum()), len(pairs.starts) + len(singles.starts))
    big: dict[int, list] = {}
    own: dict[str, str] = {}
    char_texts = shard_texts(singles, shards, big, own)
    pair_texts = shard_texts(pairs, shards, big, own)
    checkpoint()
    files = [shard_file(s, char_texts.get(s, ""), pair_texts.get(s, "")) for s in range(shards)]
    files += [(f"s/{key}", js_codes(f"s/{key}", own[key])) for key in sorted(own)]
    segments, own_pieces = text_segments(records, text)
    files += own_pieces
    payload = index_payload(records, base, facets, text.lengths, [["", 0, 0, shards]], len(own_pieces), segments,
                            synonyms)
    payload["version"] = version(files)
    files.append(("index", js_data("index", payload)))
    return [(f"{prefix}{name}.js", data) for name, data in files]


def shard_count(posting_bytes: int, terms: int, multiple: int = 1) -> int:
    """Shards of about SHARD_TARGET bytes each, a multiple of `multiple`."""
    shards = max(1, -(-(posting_bytes + 4 * terms) // SHARD_TARGET))
    return -(-shards // multiple) * multiple


def shard_file(s: int, char_text: str, pair_text: str, folder: str = "") -> tuple[str, bytes]:
    # Terms are word characters and postings use ALPHABET: nothing to escape.
    name = folder + _name("s", s)
    return name, f'zwgkData("{name}",["{char_text}","{pair_text}"]);\n'.encode("utf-8")


def text_segments(records: list[Record], text: Layout) -> tuple[list, list[tuple[str, bytes]]]:
    """The text pieces: index.js's segments ([folder, normalised offset, first piece, pieces],
    folder "" for this index's own t/ files) and the piece files, a segment per run of one
    county's records. Positions inside a piece count from its segment's start, so a county's
    pieces serve the portal unchanged (portal_index.py): the portal's 19,600 piece files for
    the city were copies, and every edit anywhere shifted and rewrote them all."""
    runs, first = [], 0
    for r in range(1, len(records) + 1):
        if r == len(records) or records[r].county != records[first].county:
            runs.append((first, r))
            first = r
    segments, files = [], []
    for first, end in runs:
        offset = int(text.norm_edges[first, 0])
        o_start, o_end = int(text.edges[first, 0]), int(text.edges[end - 1, -1])
        inside = (text.exp_at >= o_start) & (text.exp_at < o_end)
        pieces = _pieces(text.original[o_start:o_end], text.exp_at[inside] - o_start, text.exp_extra[inside], PIECE)
        starts = text.norm_edges[first:end, 0] - offset
        segments.append(["", offset, len(files), len(pieces)])
        for start, piece in pieces:
            # A piece that begins inside a record carries that record's title and id, so a
            # result needs only the piece around its match.
            r = int(np.searchsorted(starts, start, side="right")) - 1
            head = records[first + r].head if 0 <= r and starts[r] < start else ""
            name = _name("t", len(files))
            files.append((name, js_data(name, [start, piece, head])))
    return segments, files


def piece_count(length: int) -> int:
    """Pieces of a segment of this normalised length."""
    return max(1, -(-length // PIECE))


def version(files: list[tuple[str, bytes]]) -> str:
    """Changes whenever a file of the index does (the browser's cache key)."""
    return version_of({name: hashlib.sha1(data).digest() for name, data in files})


def version_of(file_digests: dict[str, bytes], borrowed: list[str] = ()) -> str:
    """The version of files known by their digests, and of the text an index borrows from the
    counties' indexes (borrowed: digests of that text), whatever order they were made in."""
    h = hashlib.sha1()
    for name in sorted(file_digests):
        h.update(name.encode("utf-8") + file_digests[name])
    for text_digest in borrowed:
        h.update(text_digest.encode("ascii"))
    return h.hexdigest()[:12]


def facet_rows(records: list[Record], base: str, names: list[str]) -> list[list]:
    """The records' (type, URL template, facet values...) as runs: [[row, count], ...]."""
    blanks = [""] * len(names)
    runs: list[list] = []
    for r in records:
        row = [r.type, _url_template(r, base), *map(dict(r.facets).get, names, blanks)]   # "" where missing
        if runs and runs[-1][0] == row:
            runs[-1][1] += 1
        else:
            runs.append([row, 1])
    return runs


def index_payload(records, base, facets, lengths, blocks, pieces, segments, synonyms) -> dict:
    names = [name for name, _label in facets]
    return payload_of(facet_rows(records, base, names), len(records), facets, lengths, blocks, pieces,
                      segments, synonyms)


def payload_of(row_runs: list[list], count: int, facets, lengths, blocks, pieces, segments, synonyms) -> dict:
    """index.js: row_runs as facet_rows gives them, over every record in order."""
    names = [name for name, _label in facets]
    values = [set() for _name in names]
    for row, _count in row_runs:
        for found, value in zip(values, row[2:]):
            found.add(value)
    facet_values = {name: sorted(found - {""}) for name, found in zip(names, values)}
    value_index = [{"": 0, **{v: i + 1 for i, v in enumerate(facet_values[name])}} for name in names]
    url_index: dict[tuple[str, str], int] = {}
    # A column per URL template and facet, as runs: at 200 counties (273,000 records, 39,000
    # distinct rows, each in one run) the rows and their runs took 461 KB, the columns 111 KB.
    columns: list[list[int]] = [[] for _column in range(len(names) + 1)]
    for row, n in row_runs:
        u = url_index.setdefault((row[0], row[1]), len(url_index))
        for column, v in zip(columns, (u, *map(getitem, value_index, row[2:]))):
            if column and column[-2] == v:
                column[-1] += n
            else:
                column += [v, n]
    return {
        "format": FORMAT, "version": "", "count": count, "blocks": blocks, "pieces": pieces,
        "piece": PIECE, "segments": segments, "weights": list(ZONE_WEIGHTS), "k1": BM25_K1, "b": BM25_B,
        "lengths": varint_string(zigzag_deltas(lengths)), "zone_end": ZONE_END,
        "columns": [varint_string(column) for column in columns], "urls": [list(key) for key in url_index],
        "facets": [{"name": name, "label": label, "values": facet_values[name]} for name, label in facets],
        "demoted": DEMOTED, "common": COMMON, "intents": [[list(types), pattern] for types, pattern in INTENTS],
        "synonyms": [list(group) for group in synonyms],
    }


def zigzag_deltas(values) -> np.ndarray:
    """Each value's difference from the one before, as 2d (d >= 0) or -2d - 1: neighbouring
    records have like lengths, so most take one digit where the length took two (588 -> 432 KB
    at 200 counties)."""
    deltas = np.diff(np.asarray(values, np.int64), prepend=0)
    return np.where(deltas >= 0, 2 * deltas, -2 * deltas - 1)
