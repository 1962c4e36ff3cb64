"""`zwgk search` in Python: a whoosh index per county, cached and updated only for what changed.

This is the only module that imports whoosh (the whoosh-reloaded fork). It tokenizes
with the same analysis as the browser and finds the records that hold the query's terms
(each part through any of its synonyms); rank.py orders them as the browser does.
Replacing whoosh (SQLite FTS5 with its trigram tokenizer, say) means replacing this module only.
"""
from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import sys

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.query import And, Or, Term

from zwgk.library import Library
from zwgk.outputs.search.analysis import Part, alternatives
from zwgk.outputs.search.analysis import tokenize as tokens_of  # whoosh passes a `tokenize` flag to tokenizers
from zwgk.outputs.search.rank import ZONE_WEIGHTS, Ranker
from zwgk.outputs.search.records import TYPE_LABELS, ZONES, Record, county_records, portal_records
from zwgk.outputs.search.synonyms import synonym_groups

SCHEMA_VERSION = "5"
CACHE = os.path.join(".zwgk-cache", "search", "whoosh")
PORTAL = "_portal"          # the cache folder of the cross-county index (no county slug starts with _)


class ZwgkTokenizer(Tokenizer):
    """zwgk's analysis as a whoosh tokenizer: characters and pairs, with their positions."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos in tokens_of(value):
            token.text, token.stopped, token.boost = text, False, 1.0
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + pos, start_char + pos + len(text)
            yield token


def _schema() -> Schema:
    zones = {f"z_{name}": TEXT(analyzer=ZwgkTokenizer(), phrase=False, field_boost=float(w))
             for name, w in zip(ZONES, ZONE_WEIGHTS)}
    # Only the key and the digest are read back (which records to update, which matched): the
    # ranking reads the records themselves.
    return Schema(key=ID(unique=True, stored=True), digest=STORED, **zones)


def _digest(record: Record) -> str:
    data = json.dumps([SCHEMA_VERSION, record.id, record.type, record.url, record.zones], ensure_ascii=False)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()


def _key(record: Record) -> str:
    return record.key


def open_index(folder: str, records: list[Record]):
    """The whoosh index in folder, brought up to date with records; rebuilt if unreadable."""
    wanted = {_key(r): (r, _digest(r)) for r in records}
    ix = None
    if whoosh_index.exists_in(folder):
        try:
            ix = whoosh_index.open_dir(folder)
            if ix.schema.names() != _schema().names():
                ix = None
        except Exception:  # a damaged cache is rebuilt, never trusted
            ix = None
    if ix is None:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)
        ix = whoosh_index.create_in(folder, _schema())
    with ix.searcher() as searcher:
        have = {fields["key"]: fields["digest"] for fields in searcher.all_stored_fields()}
    stale = [k for k, d in have.items() if k not in wanted or wanted[k][1] != d]
    fresh = [r for k, (r, d) in wanted.items() if have.get(k) != d]
    if stale or fresh:
        writer = ix.writer()
        for key in stale:
            writer.delete_by_term("key", key)
        for record in fresh:
            writer.add_document(key=_key(record), digest=_digest(record),
                                **{f"z_{name}": zone for name, zone in zip(ZONES, record.zones)})
        writer.commit(optimize=len(fresh) > 1000)
    return ix


def candidates(ix, parts: list[Part], ranker: Ranker) -> set[str]:
    """Keys of the records holding every part's terms, through any of its alternatives."""
    if not parts:
        return set()
    fields = [f"z_{name}" for name in ZONES]
    q = And([Or([And([Or([Term(f, t) for f in fields]) for t in ranker.kept(alt)])
                 for alt in alternatives(part, ranker.synonyms)])
             for part in parts])
    with ix.searcher() as searcher:
        return {hit["key"] for hit in searcher.search(q, limit=None, scored=False)}


def search_site(library: Library, query: str, county: str | None = None, cache: str | None = None) -> dict:
    """{"total", "results"} of one county's search (urls from its folder) or, without a county,
    of the portal's (urls from the output root), in the order the browser gives them."""
    cache = cache or os.path.join(library.site.root or ".", CACHE)
    synonyms = synonym_groups(library.site)
    records = county_records(library, county) if county else portal_records(library)
    ranker = Ranker(records, synonyms)
    parts = ranker.parts(query)
    found = candidates(open_index(os.path.join(cache, county or PORTAL), records), parts, ranker)
    results = []
    for hit in ranker.search(parts, [i for i, r in enumerate(records) if r.key in found]):
        record = records[hit.index]
        url = posixpath.relpath(record.url, county) if county else record.url
        results.append({"id": record.id, "type": record.type, "title": record.title, "url": url,
                        "via": list(hit.via), "of": record.parent})
    return {"total": len(results), "results": results}


def with_attachments(library: Library) -> Library:
    """The library with its documents' attachment texts, as a build gives the browser's index."""
    from zwgk.source import attachment_searchable_texts
    for county in library.counties:
        texts = attachment_searchable_texts(library.site.root, county.slug, county.document_attachments)
        library = library.with_attachment_texts(county.slug, texts)
    return library


def run_search_command(args) -> int:
    """`zwgk search QUERY [SITE] [--county C] [--json]`: JSON, or a numbered Chinese list."""
    from zwgk.library import load_library
    library = load_library(args.site).library
    county = getattr(args, "county", None)
    if county and county not in {c.slug for c in library.counties}:
        print(f"zwgk: 找不到县（区）'{county}'（--county 的值是 catalog/ 下的目录名）", file=sys.stderr)
        return 2
    found = search_site(with_attachments(library), args.query, county)
    if getattr(args, "json", False):
        print(json.dumps(found, ensure_ascii=False))
        return 0
    if not found["results"]:
        print(f"没有找到与“{args.query}”相关的事项、文件或页面。")
        return 0
    print(f"找到 {found['total']} 条与“{args.query}”相关的结果：")
    for n, hit in enumerate(found["results"], 1):
        note = "".join([f"（《{hit['of']}》的附件）" if hit["of"] else "",
                        f"（按同义词“{'、'.join(hit['via'])}”找到）" if hit["via"] else ""])
        print(f"{n:>4}. [{TYPE_LABELS.get(hit['type'], hit['type'])}] {hit['title']}{note}  {hit['url']}")
    return 0
