"""Search records → the browser index: small JS files that <script> tags load, even from file://.

Files under <site>/search/ (every one is `zwgkData("<name>", <JSON>);`):
  index.js     records: text lengths, zone lengths, facet values; shard and piece counts.
  s/<h>.js     shard h (base 36) = FNV-1a(term) % shards: ["<characters>", "<pairs>"], each
               a comma list of term + posting. A pair's posting is the ascending positions
               of the pair in the site text (all records joined by newlines); a character's
               is its records, each with the best zone it occurs in. A term whose posting
               is long is written as `term~n` and lives in s/<h>-<n>.js.
  t/<k>.js     [start, text, head]: the original text whose normalised positions are
               k*PIECE .. (k+1)*PIECE, and the title and id of the record it begins in;
               fetched only for results being shown or checked.
Numbers are varints in base 43 (ASCII that needs no escaping in JSON or HTML); positions
are delta coded. Output is deterministic: same records, same bytes.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass
from operator import getitem

import numpy as np

from zwgk.base import checkpoint
from zwgk.outputs.search.analysis import WORD_RANGES, _TABLE, normalize_char
from zwgk.outputs.search.records import FACETS, ZONES, Record

FORMAT = 1
# Normalised code points per text piece. Measured on a 2,000-record county: 1,024 made 4
# times the files (a city build creates 60,000) for 112 KB instead of 117 KB fetched by a
# cold query; the query itself took 5 instead of 10 ms.
PIECE = 4096
SHARD_TARGET = 8192     # aimed-for size of one shard file, in bytes
BIG_TERM = 4096         # a posting longer than this (in characters) gets a file of its own
ZONE_WEIGHTS = (8, 5, 3, 2, 1)   # title, names, content, basis, body
BM25_K1, BM25_B = 1.2, 0.75
MATRIX_CELLS = 64_000_000   # character x record tables up to this size; larger ones sort

BASE = 43
_ALPHABET = [c for c in map(chr, range(0x21, 0x7F)) if c not in "\"&',<>\\~"]
assert len(_ALPHABET) == 2 * BASE
_FINAL = np.array([ord(c) for c in _ALPHABET[:BASE]], np.uint32)
_CONT = np.array([ord(c) for c in _ALPHABET[BASE:]], np.uint32)
_COMMA, _TILDE = ord(","), ord("~")

_WORD = np.zeros(0x110000, bool)
for _lo, _hi in WORD_RANGES:
    _WORD[_lo:_hi + 1] = True

# Normalisation of every code point that maps to one code point; the others (and every
# astral character) are found by _EXPANDING and handled one by one.
_ONE = np.arange(0x110000, dtype=np.uint32)
for _ch, _m in _TABLE.items():
    if len(_m) == 1:
        _ONE[ord(_ch)] = ord(_m)

# Characters whose normalisation is not one code point; astral ones are all checked.
_EXPANDING = re.compile("[" + "".join(re.escape(ch) for ch, m in sorted(_TABLE.items()) if len(m) != 1)
                        + "\U00010000-\U0010FFFF]")


def varint(n: int) -> str:
    """One number as the index writes it (for tests and small tables)."""
    digits = [_ALPHABET[n % BASE]]
    n //= BASE
    while n:
        digits.append(_ALPHABET[BASE + n % BASE])
        n //= BASE
    return "".join(reversed(digits))


def _varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the varints of values (non-negative), and how many each one took.
    values may be overwritten (an int64 array the caller no longer needs)."""
    v = values if values.dtype == np.int64 else values.astype(np.int64)
    width = np.ones(len(v), np.uint8)
    limit = BASE
    while len(v) and (v >= limit).any():
        width += v >= limit
        limit *= BASE
    ends = np.cumsum(width, dtype=np.int64)
    out = np.empty(int(ends[-1]) if len(v) else 0, np.uint32)
    ends -= 1
    out[ends] = _FINAL[v % BASE]
    todo = np.flatnonzero(width > 1)        # higher digits, for the ever fewer values that have them
    rest, at = v[todo] // BASE, ends[todo] - 1
    del v, ends
    digit = 1
    while todo.size:
        out[at] = _CONT[rest % BASE]
        rest //= BASE
        at -= 1
        digit += 1
        more = width[todo] > digit
        todo, rest, at = todo[more], rest[more], at[more]
    return out, width


def _varint_string(values) -> str:
    codes, _ = _varints(np.asarray(values, np.int64))
    return codes.tobytes().decode("utf-32-le")


def term_hash(term: str) -> int:
    """FNV-1a over the code points of a term (the runtime computes the same)."""
    h = 0x811C9DC5
    for ch in term:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


def _hash_codes(columns: list[np.ndarray]) -> np.ndarray:
    h = np.full(len(columns[0]), 0x811C9DC5, np.uint64)
    for col in columns:
        h = ((h ^ col.astype(np.uint64)) * np.uint64(0x01000193)) & np.uint64(0xFFFFFFFF)
    return h


def js_data(name: str, payload) -> bytes:
    """`zwgkData(name, payload);` with JSON that cannot end a <script> or an HTML comment."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return f'zwgkData({json.dumps(name)},{text});\n'.encode("utf-8")


@dataclass
class _Postings:
    """Terms (as code point columns) and their encoded postings, one slice of codes each."""
    terms: list[np.ndarray]
    codes: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray


def _grouped(terms: list[np.ndarray], first: np.ndarray, codes: np.ndarray, width: np.ndarray) -> _Postings:
    """terms: one column per code point of a term, one row per group (each term once)."""
    group_starts = np.flatnonzero(first)
    char_starts = np.concatenate(([0], np.cumsum(width, dtype=np.int64)))[group_starts]
    ends = np.concatenate((char_starts[1:], [len(codes)]))
    return _Postings(terms, codes, char_starts, ends - char_starts)


def _group_starts(sorted_keys: np.ndarray, low_bits: int = 0) -> np.ndarray:
    """True where a sorted key starts a new group: its bits above low_bits differ from the last one's."""
    first = np.ones(len(sorted_keys), bool)
    if len(sorted_keys) > 1:
        shift = sorted_keys.dtype.type(low_bits)
        np.not_equal(sorted_keys[1:] >> shift, sorted_keys[:-1] >> shift, out=first[1:])
    return first


def _deltas(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    out = values.copy()
    out[1:] -= values[:-1]
    out[first] = values[first]
    return out


def _pair_postings(cp: np.ndarray, word: np.ndarray, dense: np.ndarray, chars: np.ndarray) -> _Postings:
    """Every pair of word characters with the ascending positions where it starts.

    Built in place where it can be: the portal of a city has millions of pairs, and each
    temporary array of them is tens of MB (a city portal's peak went from 205 to 79 MB this way)."""
    pos = np.flatnonzero(word[:-1] & word[1:]) if len(cp) > 1 else np.zeros(0, np.int64)
    bits, pos_bits = int(len(chars)).bit_length(), max(1, int(len(cp)).bit_length())
    assert 2 * bits + pos_bits <= 64
    d = dense[cp]
    key = d[pos].astype(np.uint64)
    key <<= np.uint64(bits)
    pos += 1
    key |= d[pos].astype(np.uint64)
    pos -= 1
    del d
    key <<= np.uint64(pos_bits)
    key |= pos.view(np.uint64)
    del pos
    key.sort()
    first = _group_starts(key, pos_bits)
    term = key[first] >> np.uint64(pos_bits)
    key &= np.uint64((1 << pos_bits) - 1)          # now the positions
    positions = key.view(np.int64)
    codes, width = _varints(_deltas(positions, first))
    del key, positions
    a = (term >> np.uint64(bits)).astype(np.int64)
    b = (term & np.uint64((1 << bits) - 1)).astype(np.int64)
    return _grouped([chars[a], chars[b]], first, codes, width)


def _char_postings(cp, word, dense, chars, rec_at, zone_at, records: int) -> _Postings:
    """Every word character with its records, each with the heaviest zone it is in."""
    at = np.flatnonzero(word)
    if len(chars) * records <= MATRIX_CELLS:
        # A character x record table, lightest zone written first so the heaviest stays.
        best = np.full(len(chars) * records, len(ZONES), np.int8)
        cell = dense[cp[at]].astype(np.int64) * records + rec_at[at]
        zone = zone_at[at]
        for z in range(len(ZONES) - 1, -1, -1):
            best[cell[zone == z]] = z
        del at, cell, zone
        cells = np.flatnonzero(best < len(ZONES))
        zone = best[cells]
        del best
        char, rec = np.divmod(cells, records)
        del cells
    else:
        rec_bits = max(1, records.bit_length())
        key = dense[cp[at]].astype(np.uint64)          # in place, as in _pair_postings
        key <<= np.uint64(rec_bits + 3)
        key |= rec_at[at].astype(np.uint64) << np.uint64(3)
        key |= zone_at[at].astype(np.uint64)
        del at
        key.sort()
        first = _group_starts(key, 3)
        key = key[first]
        char = (key >> np.uint64(rec_bits + 3)).astype(np.int32)
        rec = ((key >> np.uint64(3)) & np.uint64((1 << rec_bits) - 1)).astype(np.int64)
        zone = (key & np.uint64(7)).astype(np.int8)
        del key
    first = _group_starts(char)
    values = _deltas(rec, first)
    del rec
    values *= len(ZONES)
    values += zone
    codes, width = _varints(values)
    return _grouped([chars[char[first]]], first, codes, width)


def _shard_texts(post: _Postings, shards: int, big: dict[int, list], own: dict[str, str]) -> list[str]:
    """Each shard's section: a comma list of term + posting. Long postings go to `own`."""
    cols = post.terms
    shard = (_hash_codes(cols) % np.uint64(shards)).astype(np.int64)
    order = np.argsort(shard, kind="stable")             # terms are already in code point order
    starts, lengths, codes = post.starts[order], post.lengths[order].copy(), post.codes
    shard = shard[order]
    cols = [c[order] for c in cols]
    big_at = np.flatnonzero(lengths > BIG_TERM)
    if len(big_at):
        starts = starts.copy()
        extra: list[int] = []
        for t in big_at:
            s = int(shard[t])
            n = len(big.setdefault(s, []))
            big[s].append(t)
            own[f"{np.base_repr(s, 36).lower()}-{n}"] = codes[starts[t]:starts[t] + lengths[t]].tobytes().decode("utf-32-le")
            marker = [_TILDE] + [ord(c) for c in str(n)]
            starts[t], lengths[t] = len(codes) + len(extra), len(marker)
            extra.extend(marker)
        codes = np.concatenate((codes, np.array(extra, np.uint32)))
    width = len(cols)
    lens = lengths + width + 1
    ends = np.cumsum(lens)
    begin = ends - lens
    out = np.empty(int(ends[-1]) if len(lens) else 0, np.uint32)
    for i, col in enumerate(cols):
        out[begin + i] = col
    out[ends - 1] = _COMMA
    which = np.repeat(np.arange(len(lengths)), lengths)
    within = np.arange(len(which)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    out[begin[which] + width + within] = codes[starts[which] + within]
    bounds = np.concatenate(([0], ends))[np.searchsorted(shard, np.arange(shards + 1))]
    return [out[bounds[s]:bounds[s + 1]].tobytes().decode("utf-32-le") for s in range(shards)]


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


def build_index(records: list[Record], base: str, facets=FACETS) -> list[tuple[str, bytes]]:
    """The browser index of records, as (dest path, bytes); base is the site folder ('' = portal)."""
    prefix = f"{base}/search/" if base else "search/"
    if not records:
        empty = np.zeros((0, len(ZONES) - 1), np.int64)
        files = [("s/0", js_data("s/0", ["", ""])), ("t/0", js_data("t/0", [0, "", ""]))]
        payload = _index_payload(records, base, facets, np.zeros(0, np.int64), empty, 1, 1)
        payload["version"] = _version(files)
        return [(f"{prefix}{name}.js", data) for name, data in files + [("index", js_data("index", payload))]]
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

    word = _WORD[cp]
    present = np.zeros(0x110000, bool)
    present[cp[word]] = True
    chars = np.flatnonzero(present).astype(np.uint32)
    dense = (np.cumsum(present, dtype=np.int32) - 1).astype(np.int32)

    checkpoint()          # a build asked to stop (zwgk serve: a newer save) stops here
    pairs = _pair_postings(cp, word, dense, chars)
    checkpoint()
    # Made only now, so that they and the pairs' temporary arrays are not held at once.
    seg = np.stack((norm_zone_len, np.ones_like(norm_zone_len)), axis=2).reshape(n, -1)   # zone, newline, ...
    zone_at = np.repeat(np.tile(np.repeat(np.arange(len(ZONES), dtype=np.int8), 2), n), seg.reshape(-1))[:len(cp)]
    rec_at = np.repeat(np.arange(n, dtype=np.int32), lengths + 1)[:len(cp)]
    del seg
    singles = _char_postings(cp, word, dense, chars, rec_at, zone_at, n)
    del zone_at, rec_at, word, dense
    checkpoint()
    size = int(pairs.lengths.sum() + singles.lengths.sum() + 4 * (len(pairs.starts) + len(singles.starts)))
    shards = max(1, -(-size // SHARD_TARGET))
    big: dict[int, list] = {}
    own: dict[str, str] = {}
    char_texts = _shard_texts(singles, shards, big, own)
    pair_texts = _shard_texts(pairs, shards, big, own)
    checkpoint()

    files: list[tuple[str, bytes]] = []
    for s in range(shards):
        # Terms are word characters and postings use _ALPHABET: nothing to escape.
        name = _name("s", s)
        files.append((name, f'zwgkData("{name}",["{char_texts[s]}","{pair_texts[s]}"]);\n'.encode("utf-8")))
    for key in sorted(own):
        files.append((f"s/{key}", js_data(f"s/{key}", own[key])))
    pieces = _pieces(original, exp_at, exp_extra, PIECE)
    norm_starts = norm_edges[:, 0] if n else np.zeros(0, np.int64)
    for k, (start, piece) in enumerate(pieces):
        # A piece that begins inside a record carries that record's title and id, so a
        # result needs only the piece around its match.
        r = int(np.searchsorted(norm_starts, start, side="right")) - 1
        head = records[r].head if 0 <= r and norm_starts[r] < start else ""
        files.append((_name("t", k), js_data(_name("t", k), [start, piece, head])))
    payload = _index_payload(records, base, facets, lengths, norm_zone_len[:, :-1], shards, len(pieces))
    payload["version"] = _version(files)
    files.append(("index", js_data("index", payload)))
    return [(f"{prefix}{name}.js", data) for name, data in files]


def _version(files: list[tuple[str, bytes]]) -> str:
    """Changes whenever a file of the index does (the browser's cache key)."""
    h = hashlib.sha1()
    for _name, data in files:
        h.update(data)
    return h.hexdigest()[:12]


def _index_payload(records, base, facets, lengths, zone_lens, shards, pieces) -> dict:
    names = [name for name, _label in facets]
    blanks = [""] * len(names)
    rows = [tuple(map(dict(r.facets).get, names, blanks)) for r in records]      # "" where missing
    columns = list(zip(*rows)) or [()] * len(names)
    facet_values = {name: sorted(set(column) - {""}) for name, column in zip(names, columns)}
    value_index = [{"": 0, **{v: i + 1 for i, v in enumerate(facet_values[name])}} for name in names]
    url_index: dict[tuple[str, str], int] = {}
    tuples: dict[tuple, int] = {}
    runs: list[int] = []                     # (tuple, count) runs over the records in order
    for r, row in zip(records, rows):
        u = url_index.setdefault((r.type, _url_template(r, base)), len(url_index))
        k = tuples.setdefault((u, *map(getitem, value_index, row)), len(tuples))
        if runs and runs[-2] == k:
            runs[-1] += 1
        else:
            runs += [k, 1]
    urls = [list(key) for key in url_index]
    # The last zone any record uses runs to the end of the text: no lengths are stored
    # for it or after it (the portal's records have no basis or body).
    used = next((z for z in range(len(ZONES) - 1, 0, -1) if any(r.zones[z] for r in records)), 0)
    return {
        "format": FORMAT, "version": "", "count": len(records), "shards": shards, "pieces": pieces,
        "piece": PIECE, "weights": list(ZONE_WEIGHTS), "k1": BM25_K1, "b": BM25_B,
        "lengths": _varint_string(lengths), "zoned": used, "zones": _varint_string(zone_lens[:, :used].reshape(-1)),
        "tuples": _varint_string([v for t in tuples for v in t]), "records": _varint_string(runs), "urls": urls,
        "facets": [{"name": name, "label": label, "values": facet_values[name]} for name, label in facets],
    }
