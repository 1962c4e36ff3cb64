"""Which records match a query and in what order: one definition, for `zwgk search` here and
for the browser in search/zwgk-search.js, which reads the same constants from index.js.

A record matches when it matches every part of the query. A part matches through any of its
alternatives (the part as typed, then what the synonym dictionary makes of it); an
alternative matches when the record holds all its terms. Matches are ordered by, in turn:

1. exactness: how many parts the record holds as written (or as one of their synonyms);
2. field: where those parts stand, the weight of the zone (title 8 … body 1) summed over parts;
3. 有效性: 现行有效 and records without one, then 已修改 and 尚未生效, then 已废止 (DEMOTED);
4. what the query asks for: a query naming a kind of document (通知, 公告, a 文号, a year …)
   puts documents first, then their attachments; one naming a service (办理, 申请 …) the 事项;
   otherwise an attachment comes after the rest, which match it alike (its document is the answer);
5. relevance × recency: BM25 (each occurrence counted by its zone's weight), times 2 for a document of the newest year in the
   index (and for 事项 and pages, which are always current), 1.5 for the year before, …;
6. the record's place in the index.

Scores are rounded to six decimals before they are compared, so both engines agree.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from zwgk.outputs.search.analysis import Part, alternatives, normalize, parse_query, split_unmatched
from zwgk.outputs.search.records import DEMOTED, ZONES, Record

ZONE_WEIGHTS = (8, 5, 3, 2, 1)   # title, names, content, basis, body
BM25_K1, BM25_B = 1.2, 0.75
# What the query asks for: (record types put first, pattern over the normalised query).
INTENTS = (
    (("document", "attachment"), r"通知|公告|通告|公示|办法|意见|规定|决定|方案|规划|细则|报告|批复|条例|文件|解读|〔|[0-9]号|(?:19|20)[0-9]{2}"),
    (("item",), r"办理|办事|申请|事项|流程|材料|条件|怎么|如何|哪里"),
)
SCALE = 1_000_000     # scores are compared as round(score * SCALE)
# A pair standing more often than this in an index (保障, 补偿 in a city's portal) is not looked
# up when a part has other pairs: its posting would be most of a first query's bytes (76 KB of
# 320 for 低保 in the city portal). The text settles whether the part stands there as written.
# Above BIG_TERM characters of posting by construction, so the shard gives its count.
COMMON = 5000


def wanted_types(parts: list[Part]) -> tuple[str, ...]:
    """The record types the query asks for first; () when it does not say."""
    text = " ".join(p.text for p in parts)
    return next((types for types, pattern in INTENTS if re.search(pattern, text)), ())


def kept_terms(terms: list[str], count) -> list[str]:
    """The terms a part is looked up by: its characters and its pairs but the common ones
    (count(pair) > COMMON); the least common pair when all its pairs are common."""
    pairs = [t for t in terms if len(t) == 2]
    common = [t for t in pairs if count(t) > COMMON]
    kept = [t for t in terms if t not in common]
    if pairs and len(common) == len(pairs):
        kept.append(min(common, key=lambda t: (count(t), pairs.index(t))))
    return [t for t in terms if t in kept]


def recency(record: Record, newest: int) -> float:
    year = record.facet("year")
    if record.type in ("document", "attachment") and year and newest:
        return 1 + 1 / (1 + newest - int(year))
    return 2.0


@dataclass(frozen=True, slots=True)
class Hit:
    index: int                   # the record's place in the index
    via: tuple[str, ...]         # the synonyms a part matched through, when it did not match as typed


class Ranker:
    """A county's (or the portal's) records as the browser index holds them: normalised texts,
    zone lengths and the average length BM25 needs."""

    def __init__(self, records: list[Record], synonyms: tuple[tuple[str, ...], ...] = ()):
        self.records = records
        self.synonyms = synonyms
        self.texts = [r.searchable for r in records]
        self.zone_lengths = [[len(normalize(z)) for z in r.zones] for r in records]
        self.avg = sum(len(t) for t in self.texts) / len(records) if records else 1
        years = [int(r.facet("year")) for r in records if r.facet("year")]
        self.newest = max(years) if years else 0
        self._df: dict[str, int] = {}
        self._count: dict[str, int] = {}

    def count(self, term: str) -> int:
        """How many entries the term's posting has: places a pair stands, records a character is in."""
        if term not in self._count:
            if len(term) == 1:
                self._count[term] = self.df(term)
            else:
                pattern = re.compile(f"(?={re.escape(term)})")
                self._count[term] = sum(len(pattern.findall(t)) for t in self.texts if term in t)
        return self._count[term]

    def kept(self, part: Part) -> list[str]:
        return kept_terms(part.terms, self.count)

    def zone_of(self, r: int, at: int) -> int:
        end = 0
        for z, length in enumerate(self.zone_lengths[r]):
            end += length + 1
            if at < end:
                return z
        return len(ZONES) - 1

    def df(self, term: str) -> int:
        if term not in self._df:
            self._df[term] = sum(1 for t in self.texts if term in t)
        return self._df[term]

    def tf(self, r: int, term: str) -> int:
        """A pair counts every place it stands, by its zone's weight; a character only its heaviest zone."""
        text = self.texts[r]
        at = text.find(term)
        if len(term) == 1:
            return ZONE_WEIGHTS[self.zone_of(r, at)]
        tf = 0
        while at >= 0:
            tf += ZONE_WEIGHTS[self.zone_of(r, at)]
            at = text.find(term, at + 1)
        return tf

    def parts(self, query: str) -> list[Part]:
        """The query's parts as they are looked for: one typed without spaces that no record
        holds is split into its words (analysis.split_unmatched)."""
        typed = parse_query(query)
        known = {t for p in typed for a in alternatives(p, self.synonyms) for t in self.kept(a)}   # the browser fetches these

        def holds(terms) -> bool:
            terms = kept_terms(terms, self.count)
            return all(t in known for t in terms) and any(all(t in text for t in terms) for text in self.texts)
        return [word for p in typed for word in split_unmatched(p, self.synonyms, holds)]

    def search(self, parts: list[Part], candidates=None) -> list[Hit]:
        """Every record matching the parts, best first. candidates: record indexes that may
        match (from another index), or None to look at all."""
        if not parts:
            return []
        alts = [alternatives(p, self.synonyms) for p in parts]
        kept = {id(a): self.kept(a) for group in alts for a in group}      # looked up once, not per record
        wants = wanted_types(parts)
        keyed = []
        for r in (range(len(self.records)) if candidates is None else candidates):
            text = self.texts[r]
            matching = [[a for a in group if all(t in text for t in kept[id(a)])] for group in alts]
            if not all(matching) or any(p.phrase and p.text not in text for p in parts):
                continue
            exact, where = 0, 0
            for group in matching:
                zones = [self.zone_of(r, text.index(a.text)) for a in group if a.text in text]
                if zones:
                    exact += 1
                    where += ZONE_WEIGHTS[min(zones)]
            record = self.records[r]
            intent = wants.index(record.type) if record.type in wants else len(wants) if wants else int(record.type == "attachment")
            value = math.floor(self.score(r, [kept[id(group[0])] for group in matching]) * recency(record, self.newest) * SCALE + 0.5)
            via = tuple(group[0].text for group, a in zip(matching, alts) if group[0] is not a[0])
            keyed.append(((-exact, -where, DEMOTED.get(record.facet("validity"), 0), intent, -value, r), Hit(r, via)))
        keyed.sort(key=lambda k: k[0])
        return [hit for _key, hit in keyed]

    def score(self, r: int, chosen: list[list[str]]) -> float:
        """BM25 of the terms each part's first matching alternative is looked up by, in query order."""
        n, k1, b = len(self.records), BM25_K1, BM25_B
        norm = k1 * (1 - b + b * len(self.texts[r]) / self.avg)
        score = 0.0
        for term in dict.fromkeys(t for terms in chosen for t in terms):
            df = self.df(term)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = self.tf(r, term)
            score += idf * tf * (k1 + 1) / (tf + norm)
        return score
