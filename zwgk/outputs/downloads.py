"""A county's download files: the catalog as XLSX, CSV and JSON, the documents list, the offline zip.

Every function here is pure (model in, bytes out) and deterministic: the timestamps
written inside the XLSX and ZIP files are taken from the content's own dates, never
from the clock, so the same input gives byte-identical files.

Formula injection (a cell such as ``=HYPERLINK(...)`` or ``@SUM(...)`` that a
spreadsheet would run when the file is opened) is neutralised differently per format:

- XLSX: every value is written as a text cell (an inline string), which Excel, WPS
  and LibreOffice never evaluate nor read as rich text; a value starting with
  ``= + - @``, tab or CR also gets Excel's "quote prefix" cell style (what Excel
  itself does when one types ``'=1+1``), so it stays text even after the cell is
  edited. The stored value is the original text, so an export re-imports unchanged.
- CSV: a text file has no cell types, so such a value is written with a leading
  apostrophe (``'=1+1``), as OWASP recommends; ``zwgk import`` removes that apostrophe
  again when it reads a CSV.
- JSON is data, not a spreadsheet, and needs nothing.
"""
from __future__ import annotations

import csv
import io
import json
import re
import stat
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterable, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellBlankTuple, CellStringTuple, Worksheet
from stream_zip import NO_COMPRESSION_32, ZIP_32, stream_zip

try:   # ISA-L writes the same deflate streams as zlib, four times as fast at level 1
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover - a platform without isal's wheels
    _deflate = zlib

from zwgk.source import schema
from zwgk.library import urls
from zwgk.library import County, Document, Domain, Item, Site
from zwgk.base import LEVELS, STANDARD_CHANNELS

DOWNLOADS = "downloads"
CATALOG_NAME = "catalog"
DOCUMENTS_NAME = "documents"
SCHEMA_NAME = "catalog.schema.json"

JSON_FORMAT = "zwgk-catalog"
JSON_VERSION = 1

TICK = "√"
CHECKED = "■"
UNCHECKED = "□"
LIST_SEP = "、"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EPOCH = date(1980, 1, 1)   # the earliest date a ZIP entry can carry
# Deflate level of the offline zip. Measured on a county's 17 MB of pages, search index
# and downloads: zlib level 1 took 0.20 s (6.0 MB), ISA-L level 1 0.05 s (6.1 MB). A city
# builds 22 of these per build within its 15 s, so speed wins.
OFFLINE_ZIP_LEVEL = 1

# Data already compressed gains nothing from deflate, only costs time.
STORED_SUFFIXES = (".zip", ".xlsx", ".docx", ".pptx", ".png", ".jpg", ".jpeg", ".gif",
                   ".webp", ".woff", ".woff2", ".gz", ".pdf", ".mp4", ".mp3")


# ---------------------------------------------------------------- paths

def download_path(county: str, name: str) -> str:
    """Output path of a download file of a county, relative to the output root."""
    return f"{county}/{DOWNLOADS}/{name}"


def offline_zip_name(county: str) -> str:
    return f"{county}-offline.zip"


def domain_download_paths(county: str, domain: str) -> dict[str, str]:
    """The per-domain files, by format, for links from a domain page."""
    return {fmt: download_path(county, f"{domain}.{fmt}") for fmt in ("xlsx", "csv", "json")}


# ---------------------------------------------------------------- dates

def _newest(dates: Iterable[date | None]) -> date | None:
    present = [d for d in dates if d is not None]
    return max(present) if present else None


def _item_dates(items: Iterable[Item]) -> Iterable[date | None]:
    return (i.updated for i in items)


def _doc_dates(docs: Iterable[Document]) -> Iterable[date | None]:
    for d in docs:
        yield d.updated
        yield d.published


def domain_updated(domain: Domain, docs: Sequence[Document] = ()) -> date | None:
    """Newest content date of a domain: its file, its items and their documents."""
    return _newest([domain.updated, *_item_dates(domain.items), *_doc_dates(docs)])


def catalog_updated(county: County) -> date | None:
    return _newest([*(d.updated for d in county.domains), *_item_dates(county.items),
                    *_doc_dates(county.documents)])


def documents_updated(county: County) -> date | None:
    return _newest(_doc_dates(county.documents))


def site_updated(county: County) -> date | None:
    """Newest date of anything the county's pages show, for the offline zip."""
    return _newest([catalog_updated(county), *(p.updated for p in county.pages)])


def _fixed_datetime(day: date | None) -> datetime:
    day = min(max(day or EPOCH, EPOCH), date(2107, 12, 31))   # what a ZIP entry can hold
    return datetime(day.year, day.month, day.day)


# ---------------------------------------------------------------- values

def level_label(site: Site, level: str) -> str:
    """The county's wording of a standard level (区级 for 县级 ...)."""
    return site.level_names.get(level, level)


def channel_list(site: Site, items: Iterable[Item] = ()) -> tuple[str, ...]:
    """The channels a ■/□ checklist shows: the 13 standard ones, then the declared local
    ones, then (never after validation, but a table must not lose data) any other used."""
    names = list(STANDARD_CHANNELS) + [c for c in site.local_channels if c not in STANDARD_CHANNELS]
    for item in items:
        names += [c for c in item.channels if c not in names]
    return tuple(names)


def channel_checklist(item: Item, channels: Sequence[str]) -> str:
    return " ".join((CHECKED if c in item.channels else UNCHECKED) + c for c in channels)


def neutralise_csv(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _absolute(site: Site, path: str) -> str:
    base = site.base_url
    if not base:
        return path
    return base.rstrip("/") + "/" + path


def _documents_of(county: County, items: Iterable[Item]) -> tuple[Document, ...]:
    """The documents linked to any of items, from either side of the link, newest first."""
    ids = {i.id for i in items}
    wanted = {d for i in items for d in i.documents}
    return tuple(d for d in county.documents if d.id in wanted or ids.intersection(d.items))


# ---------------------------------------------------------------- XLSX

@dataclass(frozen=True)
class _Column:
    group: str           # top header cell; merged over the columns sharing it
    label: str           # second header row; "" = the group cell spans both rows
    width: float
    value: Callable[[Item], str]
    centre: bool = False
    printed: bool = True


def _tick(flag: bool) -> str:
    return TICK if flag else ""


def _audience_mark(item: Item, audience: str) -> str:
    if item.audience != audience:
        return ""
    return f"{TICK}（{item.audience_note}）" if item.audience_note else TICK


def _columns(site: Site, domain: Domain, channels: Sequence[str]) -> list[_Column]:
    """The standard table's columns, then the data columns that make re-import exact."""
    has_level3 = any(i.level3 for i in domain.items)
    cols = [
        _Column("序号", "", 5, lambda i: str(i.seq), centre=True),
        _Column("公开事项", "一级事项", 12, lambda i: i.level1),
        _Column("公开事项", "二级事项", 14, lambda i: i.level2),
    ]
    if has_level3:
        cols.append(_Column("公开事项", "三级事项", 14, lambda i: i.level3))
    cols += [
        _Column("公开内容（要素）", "", 30, lambda i: i.content),
        _Column("公开依据", "", 26, lambda i: "\n".join(i.basis)),
        _Column("公开时限", "", 16, lambda i: i.deadline),
        _Column("公开主体", "", 12, lambda i: i.subject),
        _Column("公开渠道和载体", "", 24, lambda i: channel_checklist(i, channels)),
        _Column("公开对象", "全社会", 6.5, lambda i: _audience_mark(i, "全社会"), centre=True),
        _Column("公开对象", "特定群体", 8, lambda i: _audience_mark(i, "特定群体"), centre=True),
        _Column("公开方式", "主动", 5.5, lambda i: _tick(i.mode == "主动"), centre=True),
        _Column("公开方式", "依申请", 6.5, lambda i: _tick(i.mode == "依申请"), centre=True),
    ]
    for level in LEVELS:
        cols.append(_Column("公开层级", level_label(site, level), 6.5,
                            lambda i, level=level: _tick(level in i.level), centre=True))
    cols += [
        _Column("备注", "", 12, lambda i: i.note),
        # Outside the print area: the data a re-import needs to give back the same items.
        _Column("事项编号", "", 16, lambda i: i.id, printed=False),
        _Column("相关文件", "", 16, lambda i: LIST_SEP.join(i.documents), printed=False),
        _Column("最后更新", "", 11, lambda i: _iso(i.updated), centre=True, printed=False),
    ]
    return cols


_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(domain_name: str) -> str:
    """The sheet name Excel accepts for a domain (at most 31 characters, no []:*?/\\)."""
    name = domain_name.translate(_SHEET_FORBIDDEN).strip("'") or "目录"
    return name[:31]


class _Formats:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "vcenter", "border": 1}
        self.title = wb.add_format({"font_name": "黑体", "font_size": 16, "align": "center", "valign": "vcenter"})
        # The title holds the county's and domain's names, which may start with '=' too.
        self.title_quoted = wb.add_format({"font_name": "黑体", "font_size": 16, "align": "center", "valign": "vcenter",
                                           "quote_prefix": True})
        self.header = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9E1F2"})
        self.header_quoted = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9E1F2", "quote_prefix": True})
        self.text = wb.add_format({**base, "align": "left"})
        self.text_quoted = wb.add_format({**base, "align": "left", "quote_prefix": True})
        self.centre = wb.add_format({**base, "align": "center"})
        self.centre_quoted = wb.add_format({**base, "align": "center", "quote_prefix": True})
        # XlsxWriter numbers formats in the order a sheet first uses them; numbered here,
        # in creation order, a format has the same number in every workbook, so a sheet's
        # rows written for one workbook are right in another (_TableSheet).
        for f in (self.title, self.title_quoted, self.header, self.header_quoted,
                  self.text, self.text_quoted, self.centre, self.centre_quoted):
            f._get_xf_index()

    def head(self, value: str):
        # Header labels include local names (level_names, channels) that an editor chose.
        return self.header_quoted if value.startswith(FORMULA_TRIGGERS) else self.header

    def cell(self, column: _Column, value: str):
        quoted = value.startswith(FORMULA_TRIGGERS)
        if column.centre:
            return self.centre_quoted if quoted else self.centre
        return self.text_quoted if quoted else self.text


_EXCEL_TEXT_MAX = 32767   # UTF-16 code units in a cell


def _excel_text(value: str) -> str:
    # A string shorter than half the limit cannot exceed it, so the count is rarely needed.
    if len(value) > _EXCEL_TEXT_MAX // 2 and len(value.encode("utf-16-le")) // 2 > _EXCEL_TEXT_MAX:
        value = value.encode("utf-16-le")[:2 * _EXCEL_TEXT_MAX].decode("utf-16-le", "ignore")
    return value


# What a text cell's XML must escape: XML's own characters; control characters and
# U+FFFE/U+FFFF, which Excel writes as _xHHHH_; and a literal _xHHHH_, whose underscore
# Excel escapes so that it reads back as written.
_CELL_ESCAPE = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_XML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _cell_escape(match: re.Match) -> str:
    found = match.group()
    if found in _XML_ENTITIES:
        return _XML_ENTITIES[found]
    if len(found) == 1:
        return f"_x{ord(found):04X}_"
    return "_x005F" + found


class _TableSheet(Worksheet):
    """A worksheet whose rows, once written as XML, can serve another workbook.

    A domain's table is both a sheet of the county's workbook and the only sheet of the
    domain's own, and writing its cells as XML is most of a county's XLSX time. Text is
    written inline (<is>, as in XlsxWriter's constant_memory mode) instead of through the
    workbook's shared-string table, and formats have fixed numbers (_Formats), so the
    rows' XML is the same in any workbook: it is written once, for the county's
    workbook, and given to the domain's (``reuse_rows``).

    It works inside XlsxWriter's worksheet (its cell table, _check_dimensions,
    _write_rows, _write_cell), so pyproject.toml keeps XlsxWriter to 3.x from 3.3; the
    download tests read every cell and its format back.
    """

    written_rows: str | None = None
    _reused_rows: str | None = None

    def text(self, row: int, col: int, value: str, cell_format) -> None:
        """Store a text cell; Excel never evaluates it (see the module's docstring)."""
        if not self._check_dimensions(row, col):
            self.table[row][col] = CellStringTuple(_excel_text(value), cell_format)

    def table_row(self, row: int, cells: list[tuple[str, object]]) -> None:
        """Store a row of (value, format) from the first column: text cells, and blank ones
        (that keep their format, their border) for empty values."""
        if self._check_dimensions(row, 0) or self._check_dimensions(row, len(cells) - 1):
            return
        self.table[row] = {c: CellStringTuple(_excel_text(value), cell_format) if value else CellBlankTuple(cell_format)
                           for c, (value, cell_format) in enumerate(cells)}

    def reuse_rows(self, written: _TableSheet) -> None:
        """Take the rows another sheet with the same table wrote, instead of cells."""
        self._reused_rows = written.written_rows
        self._check_dimensions(written.dim_rowmax, written.dim_colmax)

    def _write_rows(self) -> None:
        if self._reused_rows is not None:
            self.fh.write(self._reused_rows)
            return
        sheet_xml, self.fh = self.fh, io.StringIO()
        try:
            super()._write_rows()
            self.written_rows = self.fh.getvalue()
        finally:
            self.fh = sheet_xml
        sheet_xml.write(self.written_rows)

    def _write_cell(self, row: int, col: int, cell) -> None:
        # Text and blank cells are written here, not by XlsxWriter: its inline-string
        # writer would copy a value that looks like "<r>...</r>" into the XML unescaped
        # (it takes it for a rich string), and these two kinds are all of a table.
        kind = type(cell)
        if kind is CellStringTuple:     # always ours: text() and table_row() store raw text
            text = _CELL_ESCAPE.sub(_cell_escape, cell.string)
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            style = f' s="{cell.format._get_xf_index()}"' if cell.format is not None else ""
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}"{style} '
                          f't="inlineStr"><is><t{space}>{text}</t></is></c>')
        elif kind is CellBlankTuple and cell.format is not None:
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell.format._get_xf_index()}"/>')
        else:
            super()._write_cell(row, col, cell)


def _write_domain_sheet(wb: xlsxwriter.Workbook, fmt: _Formats, name: str, site: Site,
                        county: County, domain: Domain, rows_of: _TableSheet | None = None) -> _TableSheet:
    """The domain's table as a sheet of wb; with rows_of (the same table's sheet in a
    workbook already closed), its rows are taken from there instead of written again."""
    ws = wb.add_worksheet(name, worksheet_class=_TableSheet)
    cols = _columns(site, domain, channel_list(site, domain.items))
    last = len(cols) - 1
    last_printed = max(n for n, c in enumerate(cols) if c.printed)

    def merged(first_row: int, first_col: int, last_row: int, last_col: int, value: str, cell_format) -> None:
        ws.merge_range(first_row, first_col, last_row, last_col, None, cell_format)
        ws.text(first_row, first_col, value, cell_format)

    ws.set_row(0, 36)
    title = f"{county.name}{domain.name}领域政务公开事项标准目录"
    merged(0, 0, 0, last_printed, title, fmt.title_quoted if title.startswith(FORMULA_TRIGGERS) else fmt.title)
    for n, col in enumerate(cols):
        ws.set_column(n, n, col.width)
    # Two header rows: a group spanning columns is merged across them, a column
    # without a second-row label is merged down over both rows.
    n = 0
    while n <= last:
        col = cols[n]
        if not col.label:
            merged(1, n, 2, n, col.group, fmt.head(col.group))
            n += 1
            continue
        end = n
        while end + 1 <= last and cols[end + 1].group == col.group and cols[end + 1].label:
            end += 1
        if end > n:
            merged(1, n, 1, end, col.group, fmt.head(col.group))
        else:
            ws.text(1, n, col.group, fmt.head(col.group))
        for k in range(n, end + 1):
            ws.text(2, k, cols[k].label, fmt.head(cols[k].label))
        n = end + 1

    first_row = 3
    items = domain.items
    if rows_of is not None:
        ws.reuse_rows(rows_of)
    else:
        # An empty value is a blank cell, not an empty string: COUNTA and "go to blanks"
        # then see it as empty, as they do in a table typed into Excel.
        for r, item in enumerate(items, start=first_row):
            ws.table_row(r, [(value, fmt.cell(col, value)) for col in cols for value in (col.value(item),)])
    # 一级事项 spanning consecutive rows is merged, as in the official tables.
    level1_col = 1
    start = 0
    for k in range(1, len(items) + 1):
        if k == len(items) or items[k].level1 != items[start].level1:
            if k - start > 1:
                value = items[start].level1
                merged(first_row + start, level1_col, first_row + k - 1, level1_col,
                       value, fmt.cell(cols[level1_col], value))
            start = k

    last_row = max(first_row + len(items) - 1, 2)
    ws.freeze_panes(first_row, 0)
    ws.set_landscape()
    ws.set_paper(9)                       # A4
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.repeat_rows(1, 2)
    ws.fit_to_pages(1, 0)                 # all printed columns on one page width
    ws.print_area(0, 0, last_row, last_printed)
    ws.set_footer("&C第 &P 页，共 &N 页")
    return ws


def _new_workbook(buffer: io.BytesIO, site: Site, title: str, updated: date | None) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(buffer, {
        "in_memory": True,                # also gives the zip entries a fixed 1980 date
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    })
    wb.set_properties({
        "title": title,
        "author": site.title,
        "company": site.footer.organiser,
        "created": _fixed_datetime(updated),
    })
    return wb


def catalog_xlsx(site: Site, county: County, domains: Sequence[Domain], title: str,
                 updated: date | None, rows_of: Sequence[_TableSheet] = ()) -> tuple[bytes, list[_TableSheet]]:
    """A workbook with one sheet per domain, laid out like the standard table, and its
    sheets (whose written rows another workbook of the same domains can take: rows_of)."""
    buffer = io.BytesIO()
    wb = _new_workbook(buffer, site, title, updated)
    fmt = _Formats(wb)
    used: set[str] = set()
    sheets = []
    for k, domain in enumerate(domains):
        name = base = sheet_name(domain.name)
        n = 2
        while name.lower() in used:      # Excel compares sheet names case-insensitively
            suffix = f"({n})"
            name = base[:31 - len(suffix)] + suffix
            n += 1
        used.add(name.lower())
        sheets.append(_write_domain_sheet(wb, fmt, name, site, county, domain, rows_of[k] if rows_of else None))
    if not domains:
        ws = wb.add_worksheet("目录")
        ws.write_string(0, 0, f"{county.name}尚未发布政务公开事项标准目录。")
    wb.close()
    # Each sheet refers back to its workbook, so a county's 40,000 cells would wait for the
    # cycle collector (20 ms a county); without the workbook's lists of them they go at once.
    wb.worksheets().clear()
    wb.sheetnames.clear()
    for ws in sheets:
        ws.table.clear()          # handed back for their written rows only
    return buffer.getvalue(), sheets


# ---------------------------------------------------------------- CSV

def _item_csv_columns(site: Site, county: County, domains_by_slug: dict[str, Domain]):
    getters: dict[str, Callable[[Item], str]] = {
        "basis": lambda i: LIST_SEP.join(i.basis),
        "channels": lambda i: LIST_SEP.join(i.channels),
        "level": lambda i: LIST_SEP.join(level_label(site, lv) for lv in i.level),
        "documents": lambda i: LIST_SEP.join(i.documents),
        "updated": lambda i: _iso(i.updated),
    }
    cols: list[tuple[str, Callable[[Item], str]]] = [
        ("序号", lambda i: str(i.seq)),
        ("领域", lambda i: domains_by_slug[i.domain].name),
    ]
    for f in schema.ITEM.fields:
        cols.append((f.label, getters.get(f.name, lambda i, n=f.name: getattr(i, n))))
    cols.append(("链接", lambda i: _absolute(site, urls.item_page(county.slug, i.id))))
    return cols


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
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
    return _csv_bytes([label for label, _ in cols], rows)


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
                v = _iso(v)
            values.append(v)
        values.append(_absolute(site, urls.doc_page(county.slug, doc.id)))
        return values

    return _csv_bytes(header, (row(d) for d in county.documents))


# ---------------------------------------------------------------- JSON

def _record(obj, fields: Sequence[schema.Field], first: dict, url: str) -> dict:
    """A model object as JSON data: lists as arrays, dates as YYYY-MM-DD or null."""
    record = dict(first)
    for f in fields:
        if f.name in record:
            continue
        v = getattr(obj, f.name)
        if f.kind == schema.DATE:
            v = _iso(v) or None
        elif isinstance(v, tuple):
            v = list(v)
        record[f.name] = v
    record["url"] = url
    return record


def _item_record(site: Site, county: County, item: Item) -> dict:
    return _record(item, schema.ITEM.fields, {"id": item.id, "seq": item.seq},
                   _absolute(site, urls.item_page(county.slug, item.id)))


def _document_record(site: Site, county: County, doc: Document) -> dict:
    return _record(doc, schema.DOCUMENT.fields, {"id": doc.id}, _absolute(site, urls.doc_page(county.slug, doc.id)))


def catalog_json(site: Site, county: County, domains: Sequence[Domain],
                 documents: Sequence[Document], updated: date | None) -> bytes:
    """The catalog as open data, in the structure catalog.schema.json describes."""
    data = {
        "$schema": SCHEMA_NAME,
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "site": {"title": site.title, "url": site.base_url},
        "county": {"slug": county.slug, "name": county.name, "code": county.code,
                   "url": _absolute(site, urls.county_home(county.slug))},
        "updated": _iso(updated) or None,
        "domains": [{
            "slug": d.slug,
            "name": d.name,
            "standard": d.standard,
            "guideline": d.guideline,
            "updated": _iso(d.updated) or None,
            "url": _absolute(site, urls.domain_page(county.slug, d.slug)),
            "items": [_item_record(site, county, i) for i in d.items],
        } for d in domains],
        "documents": [_document_record(site, county, doc) for doc in documents],
    }
    # Compact: json's C encoder only runs without indent, and is 10× faster with it.
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


_JSON_TYPES = {
    schema.TEXT: {"type": "string"},
    schema.ID: {"type": "string", "pattern": r"^(?:[A-Za-z0-9][A-Za-z0-9_-]*)?$"},   # "" when not given
    schema.TEXT_LIST: {"type": "array", "items": {"type": "string"}},
    schema.ID_LIST: {"type": "array", "items": {"type": "string", "pattern": schema.ID_PATTERN}},
    schema.PATH_LIST: {"type": "array", "items": {"type": "string"}},
    schema.DATE: {"type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    schema.INT: {"type": "integer"},
}


def _field_schema(f: schema.Field) -> dict:
    if f.kind == schema.CHOICE:
        spec: dict = {"enum": list(f.choices)}
    else:
        spec = dict(_JSON_TYPES[f.kind])
    return {"title": f.label, "description": f.help, **spec}


def _record_schema(title: str, fields: Sequence[schema.Field], extra: dict) -> dict:
    props = {"id": {"title": "编号", "type": "string", "pattern": schema.ID_PATTERN}}
    props.update({f.name: _field_schema(f) for f in fields if f.name != "id"})
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
            "updated": {"title": "最后更新", **_JSON_TYPES[schema.DATE]},
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
            "updated": {"title": "内容最后更新", "description": "文件内事项与文件的最新更新或发布日期。", **_JSON_TYPES[schema.DATE]},
            "domains": {"type": "array", "items": {"$ref": "#/$defs/domain"}},
            "documents": {"type": "array", "items": {"$ref": "#/$defs/document"}},
        },
        "$defs": {"domain": domain, "item": item, "document": document},
    }


def catalog_schema_bytes() -> bytes:
    return (json.dumps(catalog_schema(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ---------------------------------------------------------------- all of a county

def download_outputs(library, county: County | str) -> list[tuple[str, bytes]]:
    """Every download file of a county except the offline zip, as (dest_path, bytes).

    county is a County or its slug, so this is also a build.COUNTY_PRODUCERS entry.
    """
    if isinstance(county, str):
        county = library.county(county)
    site = library.site
    slug = county.slug
    updated = catalog_updated(county)
    catalog, sheets = catalog_xlsx(site, county, county.domains, f"{county.name}政务公开事项标准目录", updated)
    out = [
        (download_path(slug, f"{CATALOG_NAME}.xlsx"), catalog),
        (download_path(slug, f"{CATALOG_NAME}.csv"), items_csv(site, county, county.domains)),
        (download_path(slug, f"{CATALOG_NAME}.json"),
         catalog_json(site, county, county.domains, county.documents, updated)),
        (download_path(slug, SCHEMA_NAME), catalog_schema_bytes()),
        (download_path(slug, f"{DOCUMENTS_NAME}.csv"), documents_csv(site, county)),
    ]
    for domain, sheet in zip(county.domains, sheets):
        docs = _documents_of(county, domain.items)
        d_updated = domain_updated(domain, docs)
        paths = domain_download_paths(slug, domain.slug)
        xlsx, _ = catalog_xlsx(site, county, (domain,), f"{county.name}{domain.name}领域政务公开事项标准目录",
                               d_updated, rows_of=(sheet,))
        out += [
            (paths["xlsx"], xlsx),
            (paths["csv"], items_csv(site, county, (domain,))),
            (paths["json"], catalog_json(site, county, (domain,), docs, d_updated)),
        ]
    return out


# ---------------------------------------------------------------- offline zip

def offline_zip(county: County, files: Iterable[tuple[str, bytes | str]]) -> tuple[str, bytes]:
    """The county's rendered site as one zip whose folder opens from disk.

    files are (dest_path, data) with dest_path relative to the output root and data the
    file's bytes or, for a file copied as it is (attachments, theme assets), the path of
    its source file; files outside the county folder are ignored. Entries are named
    ``<county>/...`` so that unzipping gives one folder with index.html at its top.
    Sorted names, fixed dates and permissions make the bytes depend on the content only.

    The zip cannot list its own size on the downloads page it contains (the size is
    only known once the page is inside it), and it does not contain itself, so a link
    to it from inside would be dead anyway. So the downloads page is rendered twice:
    the copy given here to the zip has no row for the zip (``download_listing`` without
    it), and the published page, rendered after this, lists the finished zip's size.
    """
    dest = download_path(county.slug, offline_zip_name(county.slug))
    prefix = county.slug + "/"
    entries = sorted((f for f in files if f[0].startswith(prefix) and f[0] != dest), key=lambda f: f[0])
    for a, b in zip(entries, entries[1:]):
        if a[0] == b[0]:
            raise ValueError(f"offline_zip: {a[0]} given twice")
    modified = _fixed_datetime(site_updated(county))

    def members():
        for path, data in entries:
            if isinstance(data, str):
                with open(data, "rb") as f:
                    data = f.read()
            method = NO_COMPRESSION_32 if path.lower().endswith(STORED_SUFFIXES) else ZIP_32
            yield path, modified, stat.S_IFREG | 0o644, method, (data,)

    return dest, b"".join(stream_zip(members(), get_compressobj=_compressor, extended_timestamps=False))


def _compressor():
    return _deflate.compressobj(OFFLINE_ZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)


# ---------------------------------------------------------------- the downloads page

_FORMATS = {".xlsx": "XLSX", ".csv": "CSV", ".json": "JSON", ".zip": "ZIP"}


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def download_listing(county: County, outputs: Sequence[tuple[str, bytes]]) -> list[dict]:
    """Rows for the downloads page, county-wide files first, then by domain.

    Each row: name (file name, also the link from the downloads page), label, format,
    size_bytes, size_text, updated (YYYY-MM-DD of the newest content, "" if none) and
    domain (the domain's name, "" for county-wide files). Pass the zip in outputs for
    the published page, leave it out for the copy inside the zip.
    """
    prefix = download_path(county.slug, "")
    by_name = {path[len(prefix):]: data for path, data in outputs if path.startswith(prefix)}
    catalog_day = _iso(catalog_updated(county))
    kinds = {"xlsx": "Excel 表格", "csv": "CSV 表格", "json": "JSON 开放数据"}
    rows: list[dict] = []

    def add(name: str, label: str, updated: str, domain: str = "", fmt: str = "") -> None:
        if name not in by_name:
            return
        size = len(by_name[name])
        ext = name[name.rfind("."):]
        rows.append({"name": name, "label": label, "format": fmt or _FORMATS.get(ext, ext[1:].upper()),
                     "size_bytes": size, "size_text": size_text(size), "updated": updated,
                     "domain": domain})

    for ext, kind in kinds.items():
        add(f"{CATALOG_NAME}.{ext}", f"全部领域目录（{kind}）", catalog_day)
    add(SCHEMA_NAME, "JSON 数据结构说明", catalog_day, fmt="JSON Schema")
    add(f"{DOCUMENTS_NAME}.csv", "政府信息文件列表（CSV 表格）", _iso(documents_updated(county)))
    add(offline_zip_name(county.slug), "离线版网站（解压后打开 index.html）", _iso(site_updated(county)))
    for domain in county.domains:
        day = _iso(domain_updated(domain, _documents_of(county, domain.items)))
        for ext, kind in kinds.items():
            add(f"{domain.slug}.{ext}", f"{domain.name}（{kind}）", day, domain=domain.name)
    return rows


def downloads_page_and_offline_zip(library, slug: str, files: list[tuple[str, bytes | str]],
                                   renderer) -> list[tuple[str, bytes]]:
    """The downloads page and the offline zip, made last: the zip holds every other file of
    the county, and the page lists the zip's size (the copy inside the zip cannot)."""
    county = library.county(slug)
    dest = urls.downloads_page(slug)
    prefix = download_path(slug, "")
    listed = []
    for path, data in files:
        if path.startswith(prefix) and path != dest:
            if isinstance(data, str):
                with open(data, "rb") as fh:
                    data = fh.read()
            listed.append((path, data))

    def page(rows) -> bytes:
        return renderer.render_extra("downloads.html", dest, title="下载", county=county,
                                     crumbs=[("下载", dest)], downloads=rows)

    inner = page(download_listing(county, listed))
    zip_dest, zip_data = offline_zip(county, [f for f in files if f[0] != dest] + [(dest, inner)])
    return [(zip_dest, zip_data), (dest, page(download_listing(county, listed + [(zip_dest, zip_data)])))]
