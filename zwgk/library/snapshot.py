"""The portal's view of the counties: each county's `county.json`, and the Library made from them.

Every build writes `<county>/county.json`: the county's model (its domains, items,
documents with their text and their attachments' text, pages) and the links between them. The portal pages and
the portal producers (completeness, cross-county search) are always made from these
files, never from the sources, so counties built by separate jobs and merged give the
same portal, byte for byte, as one build of the whole site.
"""
from __future__ import annotations

import collections.abc
import dataclasses
import json
import sys
import types
import typing
from datetime import date
from functools import lru_cache
from typing import Any, Callable, Mapping

from zwgk.base import digest
from zwgk.library.library import Library, citations
from zwgk.library.model import County, Page, Site, frozen_map

FORMAT = "zwgk-county"
VERSION = 1
NAME = "county.json"


def snapshot_path(county: str) -> str:
    return f"{county}/{NAME}"


class SnapshotError(ValueError):
    """A county.json that this zwgk cannot read."""


def county_snapshot(library: Library, county: County, identity: str) -> bytes:
    """The county as the portal needs it, as deterministic JSON bytes."""
    c = county.slug
    # The portal shows no 年报; its search finds documents and attachments by their text, as the county's does.
    slim = dataclasses.replace(county, reports=())
    payload = {
        "format": FORMAT, "version": VERSION,
        "site": identity,                # a merge refuses counties made from another site, theme or zwgk
        "county": encode_model(slim),
        "fulfilled_by": {i.id: list(ds) for i in county.items
                         if (ds := [d.id for d in library.documents_for_item(c, i.id)])},
        "interpretations": {d.id: list(ds) for d in county.documents
                            if (ds := [x.id for x in library.interpretations_of(c, d.id)])},
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_snapshot(data: bytes) -> dict:
    try:
        payload = json.loads(data)
    except ValueError as exc:
        raise SnapshotError(f"不是有效的 JSON：{exc}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or payload.get("version") != VERSION:
        raise SnapshotError("不是本版本 zwgk 生成的 county.json")
    return payload


SnapshotRef = tuple[str, Callable[[], bytes]]     # a county.json's digest, and how to read its bytes


def held(data: bytes) -> SnapshotRef:
    """A county.json whose bytes are at hand."""
    return digest(data), lambda: data


def site_from_snapshots(site: Site, shared_pages: typing.Iterable[Page],
                        snapshots: typing.Iterable[SnapshotRef]) -> Library:
    """The whole site from its counties' county.json files: documents without their text,
    attachments without theirs (the portal's pages need less: summary.py)."""
    return _library(site, shared_pages, [_decode_snapshot(read()) for _key, read in snapshots])


def snapshot_county(snapshot: bytes) -> County:
    """The county of a county.json, its documents without their text."""
    return _decode_snapshot(snapshot)[0]


def county_library(site: Site, snapshot: bytes) -> Library:
    """One county from its county.json, whole: its documents' text and attachments' text too."""
    return _library(site, (), [_decode_snapshot(snapshot, whole=True)])


def _library(site: Site, shared_pages: typing.Iterable[Page], found: typing.Iterable[tuple]) -> Library:
    counties, items, docs, fulfilled, interpretations = [], {}, {}, {}, {}
    for county, links, interprets in found:
        c = county.slug
        counties.append(county)
        items.update({(c, i.id): i for i in county.items})
        docs.update({(c, d.id): d for d in county.documents})
        fulfilled.update({(c, k): v for k, v in links.items()})
        interpretations.update({(c, k): v for k, v in interprets.items()})
    counties.sort(key=lambda c: (c.weight, c.slug))
    return Library(site=site, counties=tuple(counties), pages=tuple(sorted(shared_pages, key=lambda p: (p.weight, p.slug))),
                   _items=frozen_map(items), _docs=frozen_map(docs), _fulfilled_by=frozen_map(fulfilled),
                   _interpretations=frozen_map(interpretations), _cited_by=citations(counties, docs))


def _decode_snapshot(data: bytes, whole: bool = False) -> tuple:
    payload = read_snapshot(data)
    county = payload["county"]
    if not whole:
        # The portal shows no document's text: without it a province's 200 counties take a
        # few hundred MB instead of GBs. Its search index is made from whole ones (county_library).
        county["attachment_texts"] = {}
        for doc in county["documents"]:
            doc["body"] = ""
    return (decode_model(County, county), {k: tuple(v) for k, v in payload["fulfilled_by"].items()},
            {k: tuple(v) for k, v in payload["interpretations"].items()})


# --- the model as JSON and back, driven by the dataclasses' own type hints -------------------

def encode_model(value: Any) -> Any:
    """A model value (dataclasses, tuples, mappings, dates) as plain JSON values."""
    # Most values are strings and tuples of them: they are tested first (25 ms a county before).
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (tuple, list)):
        return [encode_model(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    names = _field_names(type(value))
    if names is not None:
        return {name: encode_model(getattr(value, name)) for name in names}
    if isinstance(value, Mapping):
        return {k: encode_model(v) for k, v in value.items()}
    return value


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a model dataclass that county.json holds; None for any other type."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls) if f.compare or f.name != "root")


@lru_cache(maxsize=None)
def _decoder(cls: type) -> Callable[[dict], Any]:
    """A function that makes a cls from its JSON, built once per class from its type hints
    (23,000 items decode in 0.2 s this way; a generic walk per value took 1.1 s)."""
    hints = typing.get_type_hints(cls)      # resolved in the class's own module
    converters = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls) if f.name != "root"]

    def decode(value: dict) -> Any:
        return cls(**{name: (convert(value[name]) if convert else value[name])
                      for name, convert in converters if name in value})
    return decode


def _converter(kind: Any) -> Callable[[Any], Any] | None:
    """How to turn a JSON value back into a value of the given type; None when it is already one."""
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        return _decoder(kind)
    if kind is date:
        return date.fromisoformat
    if kind is str:
        # The same few values (county and domain slugs, 全社会, 主动, 县级, channels, subjects)
        # repeat in every item: one copy of each took the city's portal model from 56 to 25 MB.
        return sys.intern
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        inner = _converter(options[0])
        return (lambda v: None if v is None else inner(v)) if inner else None
    if origin is tuple:
        args = typing.get_args(kind)
        inner = _converter(args[0]) if args else None
        if len(args) == 2 and args[1] is Ellipsis:
            return (lambda v: tuple(map(inner, v))) if inner else tuple
        converters = [_converter(a) for a in args]
        return lambda v: tuple(c(x) if c else x for c, x in zip(converters, v))
    if origin in (collections.abc.Mapping, dict):
        args = typing.get_args(kind)
        inner = _converter(args[1]) if len(args) == 2 else None
        return (lambda v: frozen_map({k: inner(x) for k, x in v.items()})) if inner else frozen_map
    return None


def decode_model(kind: type, value: dict) -> Any:
    """A kind (a model dataclass) from what encode_model made of one."""
    return _decoder(kind)(value)
