"""A county as the portal's pages show it: its name, its published totals and its inspection
verdicts, never an item or a document; small enough to keep beside the output.

An edit to one county of a province decoded the 199 unchanged county.json files (2.7 MB
each) for the portal's pages alone: 6-10 s of every build. A county's summary is made once
from its county.json and kept, under a key that changes with the county.json and the engine,
in one file of the cache folder beside the output, which the next build reads back whole.
"""
from __future__ import annotations

import json
import typing
from dataclasses import dataclass, replace
from typing import Callable

from zwgk.base import save_json
from zwgk.library.counts import CountyTotals, county_totals
from zwgk.library.library import Library
from zwgk.library.model import County, Page, Site, frozen_map
from zwgk.library.snapshot import decode_model, encode_model

FORMAT = 1


@dataclass(frozen=True, slots=True)
class CountySummary:
    county: County           # without its items, documents, pages and attachments' text
    totals: CountyTotals     # counted on the whole county; its domains are the slim ones


def summarise(county: County) -> CountySummary:
    totals = county_totals(county)
    domains = tuple(replace(d, items=()) for d in county.domains)
    published = {d.slug for d in totals.domains}
    slim = replace(county, domains=domains, documents=(), pages=(), reports=(), attachment_texts=frozen_map({}))
    return CountySummary(slim, replace(totals, domains=tuple(d for d in domains if d.slug in published)))


def portal_library(site: Site, shared_pages: typing.Iterable[Page], summaries: typing.Iterable[CountySummary]) -> Library:
    """The Library the portal's pages are made from: every county's summary, the shared pages."""
    summaries = sorted(summaries, key=lambda s: (s.county.weight, s.county.slug))
    empty = frozen_map({})
    return Library(site=site, counties=tuple(s.county for s in summaries),
                   pages=tuple(sorted(shared_pages, key=lambda p: (p.weight, p.slug))),
                   _items=empty, _docs=empty, _fulfilled_by=empty, _interpretations=empty,
                   _totals=frozen_map({s.county.slug: s.totals for s in summaries}))


class Summaries:
    """County summaries by key: kept in memory between the builds of `zwgk serve`, and in a
    file beside the output between build processes. A damaged or outdated file only costs
    decoding the county.json files again."""

    def __init__(self):
        self._known: dict[str, tuple[CountySummary, dict]] = {}   # key -> (summary, its JSON)
        self._stored: dict[str, dict] = {}                        # the file's, decoded when asked
        self._used: dict[str, tuple[CountySummary, dict]] = {}    # asked for since the last save
        self._saved: set[str] = set()                              # the keys the file holds
        self._made = False                                         # a summary not in the file

    def load(self, path: str) -> None:
        if self._known or self._stored:
            return                           # a long-running process has its own already
        try:
            with open(path, "rb") as fh:
                payload = json.load(fh)
        except (OSError, ValueError):
            return
        if isinstance(payload, dict) and payload.get("format") == FORMAT and isinstance(payload.get("counties"), dict):
            self._stored = payload["counties"]
            self._saved = set(self._stored)

    def summary(self, key: str, county: Callable[[], County]) -> CountySummary:
        """The summary under key, made from county() when there is none yet."""
        found = self._known.get(key) or self._from_file(key)
        if found is None:
            made = summarise(county())
            found = (made, {"county": encode_model(made.county), "totals": encode_model(made.totals)})
            self._made = True
        self._known[key] = self._used[key] = found
        return found[0]

    def _from_file(self, key: str) -> tuple[CountySummary, dict] | None:
        stored = self._stored.pop(key, None)
        try:
            return CountySummary(decode_model(County, stored["county"]), decode_model(CountyTotals, stored["totals"])), stored
        except (TypeError, KeyError, ValueError, AttributeError):
            return None                     # none, or not as this zwgk writes it: made again

    def save(self, path: str) -> None:
        """Keep the summaries asked for since the last save, and only those, for the next build.
        A build that asked for none (its portal was carried over), or for the same ones, leaves
        the file as it is."""
        used, self._used = self._used, {}
        if not used:
            return
        self._known, self._stored = used, {}
        if not self._made and used.keys() == self._saved:
            return
        payload = {"format": FORMAT, "counties": {key: raw for key, (_summary, raw) in sorted(used.items())}}
        save_json(path, payload)                # one build at a time writes here (the build lock)
        self._saved, self._made = set(used), False
