"""The posting encoding of the browser index: terms and their postings as base-43 varints, cut into shards.

Given the normalised site text as code points, `pair_postings` and `char_postings` collect
every term with its posting (delta-coded positions, or records with their best zone) and
`shard_texts` writes each shard's comma list; browser_index.py assembles the files. Numbers
are varints in base 43 over ALPHABET: ASCII that needs no escaping in JSON or HTML.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zwgk.outputs.search.records import ZONES

BIG_TERM = 4096         # a posting longer than this (in characters) gets a file of its own
MATRIX_CELLS = 64_000_000   # character x record tables up to this size; larger ones sort
assert MATRIX_CELLS < 2 ** 31

BASE = 43
# The digits: the first BASE end a number, the other BASE carry on (the runtime reads the same).
ALPHABET = [c for c in map(chr, range(0x21, 0x7F)) if c not in "\"&',<>\\~"]
assert len(ALPHABET) == 2 * BASE
_FINAL = np.array([ord(c) for c in ALPHABET[:BASE]], np.uint8)
_CONT = np.array([ord(c) for c in ALPHABET[BASE:]], np.uint8)
CHUNK = 1 << 22         # values encoded at a time: the temporary arrays stay a few tens of MB
_COMMA, _TILDE = ord(","), ord("~")


def varint(n: int) -> str:
    """One number as the index writes it (for tests and small tables)."""
    digits = [ALPHABET[n % BASE]]
    n //= BASE
    while n:
        digits.append(ALPHABET[BASE + n % BASE])
        n //= BASE
    return "".join(reversed(digits))


def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The varints of values (non-negative) as ASCII bytes, and how many bytes each one took.
    Encoded a chunk at a time: a city portal has tens of millions of positions."""
    pieces = [_varint_chunk(values[i:i + CHUNK]) for i in range(0, len(values), CHUNK)]
    if not pieces:
        return np.zeros(0, np.uint8), np.zeros(0, np.uint8)
    return np.concatenate([c for c, _w in pieces]), np.concatenate([w for _c, w in pieces])


def _varint_chunk(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = values.astype(np.int64, copy=False)
    width = np.ones(len(v), np.uint8)
    limit = BASE
    while len(v) and (v >= limit).any():
        width += v >= limit
        limit *= BASE
    ends = np.cumsum(width, dtype=np.int64)
    out = np.empty(int(ends[-1]) if len(v) else 0, np.uint8)
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


def varint_string(values) -> str:
    """The varints of values, one after another, as the index stores a list of numbers."""
    codes, _ = varints(np.asarray(values, np.int64))
    return codes.tobytes().decode("ascii")


def term_hash(term: str) -> int:
    """FNV-1a over the code points of a term (the runtime computes the same)."""
    h = 0x811C9DC5
    for ch in term:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


def term_hashes(columns: list[np.ndarray]) -> np.ndarray:
    """term_hash of every term given as code point columns."""
    h = np.full(len(columns[0]), 0x811C9DC5, np.uint64)
    for col in columns:
        h = ((h ^ col.astype(np.uint64)) * np.uint64(0x01000193)) & np.uint64(0xFFFFFFFF)
    return h


@dataclass
class Postings:
    """Terms (as code point columns) and their encoded postings, one slice of codes each."""
    terms: list[np.ndarray]
    codes: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    counts: np.ndarray      # entries (positions, or records) of each term's posting


def _grouped(terms: list[np.ndarray], first: np.ndarray, codes: np.ndarray, width: np.ndarray) -> Postings:
    """terms: one column per code point of a term, one row per group (each term once)."""
    group_starts = np.flatnonzero(first)
    char_starts = np.concatenate(([0], np.cumsum(width, dtype=np.int64)))[group_starts]
    ends = np.concatenate((char_starts[1:], [len(codes)]))
    counts = np.diff(np.concatenate((group_starts, [len(first)])))
    return Postings(terms, codes, char_starts, ends - char_starts, counts)


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


def pair_postings(cp: np.ndarray, word: np.ndarray, dense: np.ndarray, chars: np.ndarray,
                  zone_at: np.ndarray) -> Postings:
    """Every pair of word characters with the ascending positions where it starts, each
    written as delta * len(ZONES) + the zone it stands in (the browser needs no zone table)."""
    terms, first, positions = sorted_pairs(cp, word, dense, chars)
    return encode(terms, first, positions, zone_at[positions])


def sorted_pairs(cp: np.ndarray, word: np.ndarray, dense: np.ndarray,
                 chars: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Every pair of word characters, in code point order, with the ascending positions where
    it starts: (the terms as two code point columns, True where an entry starts a term, positions).

    Built in place where it can be: a county has millions of pairs, and each temporary array
    of them is tens of MB (a city portal's peak went from 205 to 79 MB this way)."""
    bits, pos_bits = int(len(chars)).bit_length(), max(1, int(len(cp)).bit_length())
    assert 2 * bits + pos_bits <= 64
    pos = _pair_starts(word)
    d = dense[cp].view(np.uint32)             # dense indexes are never negative
    key = np.empty(len(pos), np.uint64)
    part = _gather(d, pos)                    # one temporary, used for both characters
    key[:] = part
    key <<= np.uint64(bits)
    key |= _gather(d[1:], pos, part)
    del d, part
    key <<= np.uint64(pos_bits)
    key |= pos
    del pos
    key.sort()
    first = _group_starts(key, pos_bits)
    term = key[first] >> np.uint64(pos_bits)
    key &= np.uint64((1 << pos_bits) - 1)          # now the positions
    positions = key.view(np.int64)
    a = (term >> np.uint64(bits)).astype(np.int64)
    b = (term & np.uint64((1 << bits) - 1)).astype(np.int64)
    return [chars[a], chars[b]], first, positions


def encode(terms: list[np.ndarray], first: np.ndarray, entries: np.ndarray, zones: np.ndarray) -> Postings:
    """Postings from every term's ascending entries (positions, or records) and their zones:
    each entry written as delta * len(ZONES) + zone, as base-43 varints."""
    return _grouped(terms, first, *entry_codes(first, entries, zones))


def entry_codes(first: np.ndarray, entries: np.ndarray, zones: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The varints of every term's entries (first: where each term's begin), as encode writes
    them, and how many bytes each took."""
    values = _deltas(entries, first)
    return varints(entry_value(values, zones))


def entry_value(delta: np.ndarray, zones: np.ndarray) -> np.ndarray:
    """What an entry is written as: its delta and its zone in one number (changes delta)."""
    delta *= len(ZONES)
    delta += zones
    return delta


def _gather(values: np.ndarray, at: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """values[at] a chunk at a time: numpy turns uint32 indexes into a 64-bit copy first."""
    out = np.empty(len(at), values.dtype) if out is None else out
    for start in range(0, len(at), CHUNK):
        np.take(values, at[start:start + CHUNK], out=out[start:start + CHUNK])
    return out


def _pair_starts(word: np.ndarray) -> np.ndarray:
    """Where a word character is followed by another: the positions of every pair, as uint32
    (a city portal's 60 million characters), found a chunk at a time."""
    if len(word) < 2:
        return np.zeros(0, np.uint32)
    both = word[:-1] & word[1:]
    pos = np.empty(int(np.count_nonzero(both)), np.uint32)
    done = 0
    for start in range(0, len(both), CHUNK):
        found = np.flatnonzero(both[start:start + CHUNK])
        pos[done:done + len(found)] = found
        pos[done:done + len(found)] += start
        done += len(found)
    return pos


def char_postings(cp, word, dense, chars, rec_at, zone_at, records: int) -> Postings:
    """Every word character with its records, each with the heaviest zone it is in."""
    return encode(*sorted_chars(cp, word, dense, chars, rec_at, zone_at, records))


def sorted_chars(cp, word, dense, chars, rec_at, zone_at,
                 records: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Every word character in code point order with its ascending records, each with the
    heaviest zone the character is in there: (terms as one column, term starts, records, zones)."""
    if len(chars) * records <= MATRIX_CELLS:
        # A character x record table, lightest zone written first so the heaviest stays.
        best = np.full(len(chars) * records, len(ZONES), np.int8)
        cell = dense[cp[word]]                    # int32: the table has fewer than 2**31 cells
        cell *= records
        cell += rec_at[word]
        zone = zone_at[word]
        for z in range(len(ZONES) - 1, -1, -1):
            best[cell[zone == z]] = z
        del cell, zone
        cells = np.flatnonzero(best < len(ZONES))
        zone = best[cells]
        del best
        char, rec = np.divmod(cells, records)
        del cells
    else:
        rec_bits = max(1, records.bit_length())
        key = np.empty(int(np.count_nonzero(word)), np.uint64)     # in place, as in pair_postings
        key[:] = dense[cp[word]]
        key <<= np.uint64(rec_bits)
        key |= rec_at[word].view(np.uint32)
        key <<= np.uint64(3)
        key |= zone_at[word].view(np.uint8)
        key.sort()
        key = key[_group_starts(key, 3)]             # each character and record once, its heaviest zone
        zone = key.astype(np.uint8)                  # taken apart in place: no temporary of the whole
        zone &= 7
        key >>= np.uint64(3)
        rec = (key & np.uint64((1 << rec_bits) - 1)).view(np.int64)
        key >>= np.uint64(rec_bits)
        char = key.astype(np.int32)
        del key
    first = _group_starts(char)
    return [chars[char[first]]], first, rec, zone


def shard_texts(post: Postings, shards: int, big: dict[int, list], own: dict[str, str]) -> dict[int, str]:
    """Each shard's section, by shard (those that have terms): a comma list of term + posting.
    Long postings go to `own`, and the shard says `~n~count`: its file's number and how many
    entries it holds (a query may leave a very common pair for the text to settle instead of
    fetching it: rank.COMMON)."""
    cols = post.terms
    shard = (term_hashes(cols) % np.uint64(shards)).astype(np.int64)
    order = np.argsort(shard, kind="stable")             # terms are already in code point order
    starts, lengths, codes, counts = post.starts[order], post.lengths[order].copy(), post.codes, post.counts[order]
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
            own[f"{np.base_repr(s, 36).lower()}-{n}"] = codes[starts[t]:starts[t] + lengths[t]].tobytes().decode("ascii")
            marker = [_TILDE] + [ord(c) for c in str(n)] + [_TILDE] + [ord(c) for c in str(int(counts[t]))]
            starts[t], lengths[t] = len(codes) + len(extra), len(marker)
            extra.extend(marker)
        codes = np.concatenate((codes, np.array(extra, np.uint8)))
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
    present, first = np.unique(shard, return_index=True)
    bounds = np.concatenate(([0], ends))[np.append(first, len(shard))]
    return {int(s): out[bounds[n]:bounds[n + 1]].tobytes().decode("utf-32-le") for n, s in enumerate(present)}
