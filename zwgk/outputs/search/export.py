"""The portal's search records as bulk files for a search server a province already runs.

`zwgk export-search OUT --format opensearch|meilisearch` writes the same records the static
search holds (every county's items, documents, pages and attachment texts), with index
settings that mirror zwgk's analysis:

- OpenSearch (`settings.json`, `bulk.ndjson` for the _bulk API): the standard tokenizer, which
  gives one token per CJK character, then cjk_width, lowercase and cjk_bigram with unigrams:
  characters and overlapping pairs, as zwgk indexes. Zone fields carry zwgk's weights as
  query-time boosts (`query.json`); the synonym groups become a synonym_graph filter at search
  time only.
- Meilisearch (`settings.json` for PATCH /indexes/{uid}/settings, `documents.ndjson` for POST
  /indexes/{uid}/documents): Meilisearch segments Chinese itself; the zone fields are its
  searchable attributes in zwgk's weight order, the facets its filterable ones, and the
  synonym groups its synonyms.

Pure: records in, (file name, bytes) out. No server is contacted.
"""
from __future__ import annotations

import hashlib
import json

from zwgk.outputs.search.rank import ZONE_WEIGHTS
from zwgk.outputs.search.records import ALL_FACETS, ZONES, Record

FORMATS = ("opensearch", "meilisearch")
INDEX = "zwgk"


def document_id(record: Record) -> str:
    """An id both servers accept (Meilisearch: letters, digits, - and _ only), stable across exports."""
    return f"{record.type}-{hashlib.sha1(record.key.encode('utf-8')).hexdigest()[:20]}"


# A document: its id, what it is (kind: item, document, page, attachment; folder: the county's),
# where it is shown (url from the output root; of: an attachment's document), the text of each
# zone, and its facets by name (county: the county's name, type: 事项/文件/页面/附件, domain …).
RECORD_FIELDS = ("id", "key", "record_id", "kind", "folder", "url", "of")


def _document(record: Record) -> dict:
    doc = dict(zip(RECORD_FIELDS, (document_id(record), record.key, record.id, record.type, record.county,
                                   record.url, record.parent)))
    doc.update(zip(ZONES, record.zones))
    doc.update(record.facets)
    return doc


def _ndjson(rows) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows).encode("utf-8")


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def opensearch_files(records: list[Record], synonyms: tuple[tuple[str, ...], ...]) -> list[tuple[str, bytes]]:
    text = {"type": "text", "analyzer": "zwgk", "search_analyzer": "zwgk_search"}
    facet = {"type": "keyword"}
    settings = {
        "settings": {"analysis": {
            "filter": {
                "zwgk_bigram": {"type": "cjk_bigram", "output_unigrams": True},
                "zwgk_synonyms": {"type": "synonym_graph", "synonyms": [", ".join(group) for group in synonyms]},
            },
            "analyzer": {
                "zwgk": {"type": "custom", "tokenizer": "standard", "filter": ["cjk_width", "lowercase", "zwgk_bigram"]},
                "zwgk_search": {"type": "custom", "tokenizer": "standard",
                                "filter": ["cjk_width", "lowercase", "zwgk_synonyms", "zwgk_bigram"]},
            },
        }},
        "mappings": {"properties": {
            **{zone: text for zone in ZONES},
            **{name: facet for name in ("key", "record_id", "kind", "folder", *ALL_FACETS)},
            "url": {"type": "keyword", "index": False}, "of": {"type": "keyword", "index": False},
        }},
    }
    query = {"query": {"multi_match": {"query": "低保", "type": "most_fields",
                                       "fields": [f"{zone}^{w}" for zone, w in zip(ZONES, ZONE_WEIGHTS)]}}}
    bulk = []
    for record in records:
        doc = _document(record)
        bulk += [{"index": {"_index": INDEX, "_id": doc.pop("id")}}, doc]
    return [("settings.json", _json(settings)), ("query.json", _json(query)), ("bulk.ndjson", _ndjson(bulk))]


def meilisearch_files(records: list[Record], synonyms: tuple[tuple[str, ...], ...]) -> list[tuple[str, bytes]]:
    both_ways: dict[str, list[str]] = {}
    for group in synonyms:
        for term in group:
            both_ways.setdefault(term, [])
            both_ways[term] += [t for t in group if t != term and t not in both_ways[term]]
    settings = {                                      # the index is made with primaryKey "id"
        "searchableAttributes": list(ZONES),          # in zwgk's weight order: title first
        "filterableAttributes": ["kind", "folder", *ALL_FACETS],
        "sortableAttributes": ["year"],
        "displayedAttributes": ["*"],
        "synonyms": both_ways,
    }
    return [("settings.json", _json(settings)), ("documents.ndjson", _ndjson(_document(r) for r in records))]


def export_files(records: list[Record], synonyms: tuple[tuple[str, ...], ...], fmt: str) -> list[tuple[str, bytes]]:
    return (opensearch_files if fmt == "opensearch" else meilisearch_files)(records, synonyms)
