"""The one text analysis of zwgk search: normalisation, tokens and query parsing.

search/zwgk-analysis.js is the same analysis in the browser; search/vectors.json holds
strings and their tokens that both must reproduce exactly.

- Normalisation works one code point at a time: NFKC, then lower case, then final sigma
  folded to sigma. NFKC turns full-width forms into half-width ones. Working per code
  point keeps every original character mapped to a known span of normalised text (the
  browser highlights the original words) and keeps Python and JS identical.
- Word characters are letters and digits of the scripts in WORD_RANGES; everything else
  separates. Each run of word characters gives every character alone (so one-character
  queries work) and every overlapping pair of characters. Latin letters and digits are
  treated like Chinese ones, so `28号` is found inside `〔2020〕128号` and `czyjs` inside
  `czyjs-zfys-01`: a query matches wherever its text appears, never only at word edges.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from itertools import chain
from types import MappingProxyType
from typing import Mapping

# Inclusive code point ranges of word characters, sorted. The JS twin must match
# (search/test checks it against vectors.json, which carries this table).
WORD_RANGES: tuple[tuple[int, int], ...] = (
    (0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A),            # ASCII digits and letters
    (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2AF),           # Latin-1 letters, Latin Extended, IPA
    (0x370, 0x3FF), (0x400, 0x52F),                      # Greek, Cyrillic
    (0x1100, 0x11FF),                                    # Hangul Jamo
    (0x2E80, 0x2EFF), (0x2F00, 0x2FDF),                  # CJK and Kangxi radicals
    (0x3005, 0x3007), (0x3021, 0x3029),                  # 々〆〇, Hangzhou numerals
    (0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF),  # kana
    (0x3105, 0x312F), (0x3131, 0x318E), (0x31A0, 0x31BF), (0x31F0, 0x31FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF),                  # CJK ideographs and Extension A
    (0xAC00, 0xD7A3),                                    # Hangul syllables
    (0xF900, 0xFAFF),                                    # CJK compatibility ideographs
    (0x20000, 0x2FA1F), (0x30000, 0x323AF),              # CJK Extensions B-H, compatibility supplement
)
_RANGE_STARTS = [lo for lo, _hi in WORD_RANGES]

# Separators that split a query into parts (after normalisation most become a space).
QUERY_SPACES = frozenset(chr(c) for c in (*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                          0x2028, 0x2029, 0x202F, 0x205F, 0x3000))
QUOTES = frozenset('"“”„‟「」『』')


def is_word_char(ch: str) -> bool:
    code = ord(ch)
    i = bisect_right(_RANGE_STARTS, code) - 1
    return i >= 0 and code <= WORD_RANGES[i][1]


def normalize_char(ch: str) -> str:
    """What one code point becomes: NFKC, lower case, final sigma as sigma."""
    return unicodedata.normalize("NFKC", ch).lower().replace("ς", "σ")


def _bmp_table() -> dict[str, str]:
    table = {}
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        mapped = normalize_char(ch)
        if mapped != ch:
            table[ch] = mapped
    return table


# Every code point of the Basic Multilingual Plane whose normalisation is not itself, with
# what it becomes (about 4,000 entries): what the index builder turns into lookup arrays.
# Astral code points are not in it; normalize_char gives theirs.
BMP_CHANGES: Mapping[str, str] = MappingProxyType(_bmp_table())

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_CHANGING = re.compile("[" + "".join(re.escape(ch) for ch in sorted(BMP_CHANGES)) + "]")


def normalize(text: str) -> str:
    """The normalised form of text, code point by code point."""
    if _ASTRAL.search(text):
        # Rare (CJK extensions, mathematical letters): their mapping is worked out for this text.
        astral = {ch: normalize_char(ch) for ch in set(_ASTRAL.findall(text))}
        return "".join(astral.get(ch) or BMP_CHANGES.get(ch, ch) for ch in text)
    # Split around the characters that change and map those: all in C, for long texts.
    changed = _CHANGING.findall(text)
    if not changed:
        return text
    kept = _CHANGING.split(text)
    return "".join(chain.from_iterable(zip(kept, map(BMP_CHANGES.__getitem__, changed)))) + kept[-1]


def word_runs(normalized: str) -> list[tuple[int, str]]:
    """(offset, run) for every maximal run of word characters."""
    runs, start = [], -1
    for i, ch in enumerate(normalized):
        if is_word_char(ch):
            if start < 0:
                start = i
        elif start >= 0:
            runs.append((start, normalized[start:i]))
            start = -1
    if start >= 0:
        runs.append((start, normalized[start:]))
    return runs


def tokenize(text: str) -> list[tuple[str, int]]:
    """(token, position) in order: each word character, then the pair starting at it.

    Positions count code points of the normalised text. This is the reference; the
    index builder computes the same tokens with numpy.
    """
    tokens = []
    for offset, run in word_runs(normalize(text)):
        for i, ch in enumerate(run):
            tokens.append((ch, offset + i))
            if i + 1 < len(run):
                tokens.append((run[i:i + 2], offset + i))
    return tokens


def run_terms(run: str) -> list[str]:
    """The index terms a query run must match: its pairs, or the character when alone."""
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a query: a word, or a quoted phrase that must appear as written."""
    text: str                           # normalised, from its first to its last word character
    phrase: bool
    runs: tuple[tuple[int, str], ...]   # (offset in text, run of word characters)

    @property
    def terms(self) -> list[str]:
        return [t for _off, run in self.runs for t in run_terms(run)]


def parse_query(query: str) -> list[Part]:
    """Split a query into parts: quoted phrases, and words between spaces."""
    text = normalize(query)
    pieces: list[tuple[str, bool]] = []
    current, quoted = [], False
    for ch in text:
        if ch in QUOTES:
            pieces.append(("".join(current), quoted))
            current, quoted = [], not quoted
        elif ch in QUERY_SPACES and not quoted:
            pieces.append(("".join(current), False))
            current = []
        else:
            current.append(ch)
    pieces.append(("".join(current), quoted))
    parts = []
    for piece, phrase in pieces:
        runs = word_runs(piece)
        if not runs:
            continue
        first, last = runs[0][0], runs[-1][0] + len(runs[-1][1])
        parts.append(Part(piece[first:last], phrase, tuple((off - first, run) for off, run in runs)))
    return parts


def query_terms(parts: list[Part]) -> list[str]:
    """Every distinct term of the query, in order of appearance."""
    return list(dict.fromkeys(t for part in parts for t in part.terms))


# At most this many ways of writing one part (itself included): a query of several
# abbreviations must not fan out into hundreds of term lookups.
MAX_ALTERNATIVES = 8


def alternatives(part: Part, synonyms: tuple[tuple[str, ...], ...]) -> list[Part]:
    """The part itself, then the part with each synonym-dictionary term it contains replaced by
    each of that term's equivalents, in dictionary order. A quoted phrase stays as written.
    synonyms: groups of normalised terms that are searched as each other."""
    found = [part]
    if part.phrase:
        return found
    seen = {part.text}
    for group in synonyms:
        for term in group:
            if term not in part.text:
                continue
            for other in group:
                text = part.text.replace(term, other)
                if text in seen or len(found) >= MAX_ALTERNATIVES:
                    continue
                seen.add(text)
                found.extend(parse_query(text)[:1])
    return found


# Words of a question that a split query leaves out (创业补贴怎么申领 looks for 创业补贴 and 申领).
QUESTION_WORDS = frozenset({"怎么", "怎样", "如何", "哪里", "在哪", "在哪里", "什么", "哪些", "多少", "能否", "可以", "吗", "呢", "的", "了"})


def split_unmatched(part: Part, synonyms: tuple[tuple[str, ...], ...], holds) -> list[Part]:
    """A part typed without spaces that no record holds, neither as typed nor through a synonym
    (申请低保: no record has the pair 请低), as the words it is made of; otherwise [part].

    Words are cut from the left, each as long as some record holds all its terms
    (`holds(terms)`); a term of the synonym dictionary is never cut and counts as a word.
    Only parts found nowhere are split, so every record holding the query as typed is
    still found, and nothing else is then."""
    if part.phrase or any(holds(a.terms) for a in alternatives(part, synonyms)):
        return [part]
    text = part.text
    inside = [False] * (len(text) + 1)          # a cut here would split a dictionary term
    terms = set()
    for term in sorted({t for group in synonyms for t in group}, key=lambda t: (-len(t), t)):
        at = text.find(term)
        while at >= 0:
            end = at + len(term)
            if not any(inside[at:end + 1]):     # overlaps no longer term already taken
                inside[at + 1:end] = [True] * (len(term) - 1)
                terms.add(text[at:end])
            at = text.find(term, at + 1)
    cuts = [i for i in range(1, len(text) + 1) if not inside[i]]
    words, start = [], 0
    while start < len(text):
        ends = [e for e in cuts if e > start]
        end = next((e for e in reversed(ends) if _is_word(text[start:e], terms, holds)), ends[0])
        if text[start:end] not in QUESTION_WORDS:
            words += parse_query(text[start:end])[:1]
        start = end
    return words or [part]


def _is_word(piece: str, terms: set[str], holds) -> bool:
    found = parse_query(piece)
    return bool(found) and (piece in terms or holds(found[0].terms))
