"""The catalog as open data: CSV tables (UTF-8 with BOM, for Excel) and JSON, with the JSON
Schema that describes it (catalog.schema.json)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Callable, Iterable, Sequence

from zwgk.base import LEVELS
from zwgk.library import County, Document, Domain, Item, Site, urls
from zwgk.outputs.downloads.content import FORMULA_TRIGGERS, LIST_SEP, SCHEMA_NAME, absolute_url, iso, level_label
from zwgk.source import field_schema, schema, value_schema

JSON_FORMAT = "zwgk-catalog"
JSON_VERSION = 1


# ---------------------------------------------------------------- CSV

def neutralise_csv(value: str) -> str:
    """A value as a CSV cell: a text file has no cell types, so one that a spreadsheet
    would run as a formula gets a leading apostrophe (zwgk import takes it off again)."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _item_csv_columns(site: Site, county: County, domains_by_slug: dict[str, Domain]):
    getters: dict[str, Callable[[Item], str]] = {
        "basis": lambda i: LIST_SEP.join(i.basis),
        "channels": lambda i: LIST_SEP.join(i.channels),
        "level": lambda i: LIST_SEP.join(level_label(site, lv) for lv in i.level),
        "documents": lambda i: LIST_SEP.join(i.documents),
        "updated": lambda i: iso(i.updated),
    }
    cols: list[tuple[str, Callable[[Item], str]]] = [
        ("序号", lambda i: str(i.seq)),
        ("领域", lambda i: domains_by_slug[i.domain].name),
    ]
    for f in schema.ITEM.fields:
        cols.append((f.label, getters.get(f.name, lambda i, n=f.name: getattr(i, n))))
    cols.append(("链接", lambda i: absolute_url(site, urls.item_page(county.slug, i.id))))
    return cols


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise_csv(v) for v in row])
    # UTF-8 with BOM: without it, Excel on Windows reads the file as GBK.
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def items_csv(site: Site, county: County, domains: Sequence[Domain]) -> bytes:
    cols = _item_csv_columns(site, county, {d.slug: d for d in county.domains})
    rows = ([get(i) for _, get in cols] for d in domains for i in d.items)
    return csv_bytes([label for label, _ in cols], rows)


def documents_csv(site: Site, county: County) -> bytes:
    fields = schema.DOCUMENT.fields
    header = ["编号", *(f.label for f in fields), "链接"]

    def row(doc: Document) -> list[str]:
        values = [doc.id]
        for f in fields:
            v = getattr(doc, f.name)
            if isinstance(v, tuple):
                v = LIST_SEP.join(v)
            elif isinstance(v, date) or v is None:
                v = iso(v)
            values.append(v)
        values.append(absolute_url(site, urls.doc_page(county.slug, doc.id)))
        return values

    return csv_bytes(header, (row(d) for d in county.documents))


# ---------------------------------------------------------------- JSON

def _record(obj, fields: Sequence[schema.Field], first: dict, url: str) -> dict:
    """A model object as JSON data: lists as arrays, dates as YYYY-MM-DD or null."""
    record = dict(first)
    for f in fields:
        if f.name in record:
            continue
        v = getattr(obj, f.name)
        if f.kind == schema.DATE:
            v = iso(v) or None
        elif isinstance(v, tuple):
            v = list(v)
        record[f.name] = v
    record["url"] = url
    return record


def _item_record(site: Site, county: County, item: Item) -> dict:
    return _record(item, schema.ITEM.fields, {"id": item.id, "seq": item.seq},
                   absolute_url(site, urls.item_page(county.slug, item.id)))


def _document_record(site: Site, county: County, doc: Document) -> dict:
    return _record(doc, schema.DOCUMENT.fields, {"id": doc.id}, absolute_url(site, urls.doc_page(county.slug, doc.id)))


def catalog_json(site: Site, county: County, domains: Sequence[Domain],
                 documents: Sequence[Document], updated: date | None) -> bytes:
    """The catalog as open data, in the structure catalog.schema.json describes."""
    data = {
        "$schema": SCHEMA_NAME,
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "site": {"title": site.title, "url": site.base_url},
        "county": {"slug": county.slug, "name": county.name, "code": county.code,
                   "url": absolute_url(site, urls.county_home(county.slug))},
        "updated": iso(updated) or None,
        "domains": [{
            "slug": d.slug,
            "name": d.name,
            "standard": d.standard,
            "guideline": d.guideline,
            "updated": iso(d.updated) or None,
            "url": absolute_url(site, urls.domain_page(county.slug, d.slug)),
            "items": [_item_record(site, county, i) for i in d.items],
        } for d in domains],
        "documents": [_document_record(site, county, doc) for doc in documents],
    }
    # Compact: json's C encoder only runs without indent, and is 10× faster with it.
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# Dates outside the records (a domain's, the file's) are written like a record's date field.
_DATE = value_schema(next(f for f in schema.ITEM.fields if f.name == "updated"), data=True)


def _record_schema(title: str, fields: Sequence[schema.Field], extra: dict) -> dict:
    props = {"id": {"title": "编号", "type": "string", "pattern": schema.ID_PATTERN}}
    props.update({f.name: field_schema(f, data=True) for f in fields if f.name != "id"})
    props.update(extra)
    return {"title": title, "type": "object", "additionalProperties": False,
            "required": list(props), "properties": props}


_URL = {"title": "网址", "description": "该页面在网站上的地址。", "type": "string"}


def catalog_schema() -> dict:
    """The JSON Schema of catalog.json, derived from the field declarations in schema.py."""
    item = _record_schema("目录事项", schema.ITEM.fields, {
        "seq": {"title": "序号", "description": "在本领域中的序号，从1开始。", "type": "integer", "minimum": 1},
        "url": _URL,
    })
    item["properties"]["level"]["items"] = {"enum": list(LEVELS)}
    item["properties"]["level"]["description"] += "此处总是标准名称“县级”“乡级”。"
    document = _record_schema("政府信息文件", schema.DOCUMENT.fields, {"url": _URL})
    document["properties"]["attachments"]["description"] = "附件路径，相对于本县网站目录。"
    nullable_text = {"type": "string"}
    domain = {
        "title": "领域", "type": "object", "additionalProperties": False,
        "required": ["slug", "name", "standard", "guideline", "updated", "url", "items"],
        "properties": {
            "slug": {"title": "领域缩写", "description": "领域在网址中的名称，也是分领域下载文件的文件名。", "type": "string", "pattern": schema.ID_PATTERN},
            "name": {"title": "领域名称", "type": "string"},
            "standard": {"title": "对应标准领域", "description": "本地改名的领域对应的26个标准领域之一；空字符串表示就是标准名称或为本地领域。", **nullable_text},
            "guideline": {"title": "标准指引", **nullable_text},
            "updated": {"title": "最后更新", **_DATE},
            "url": _URL,
            "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "政务公开事项标准目录开放数据（zwgk 格式第1版）",
        "description": (
            "zwgk 生成的 catalog.json 及各领域 JSON 文件的结构。所有键总是出现："
            "没有值的文字为空字符串，没有值的日期为 null，列表可以为空。"
            "日期为 YYYY-MM-DD。领域与事项按目录顺序排列，文件按发布日期从新到旧排列。"
            "分领域文件只含该领域及与其事项相关的文件。"
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["$schema", "format", "version", "site", "county", "updated", "domains", "documents"],
        "properties": {
            "$schema": {"type": "string", "description": "本结构说明文件的相对地址。"},
            "format": {"const": JSON_FORMAT},
            "version": {"const": JSON_VERSION, "description": "格式版本；不兼容的改动会增加版本号。"},
            "site": {"type": "object", "additionalProperties": False, "required": ["title", "url"],
                     "properties": {"title": {"title": "站点名称", "type": "string"}, "url": _URL}},
            "county": {"type": "object", "additionalProperties": False, "required": ["slug", "name", "code", "url"],
                       "properties": {
                           "slug": {"title": "县（区）缩写", "type": "string"},
                           "name": {"title": "名称", "type": "string"},
                           "code": {"title": "行政区划代码", "type": "string"},
                           "url": _URL}},
            "updated": {"title": "内容最后更新", "description": "文件内事项与文件的最新更新或发布日期。", **_DATE},
            "domains": {"type": "array", "items": {"$ref": "#/$defs/domain"}},
            "documents": {"type": "array", "items": {"$ref": "#/$defs/document"}},
        },
        "$defs": {"domain": domain, "item": item, "document": document},
    }


def catalog_schema_bytes() -> bytes:
    return (json.dumps(catalog_schema(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
