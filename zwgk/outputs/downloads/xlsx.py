"""XLSX workbooks of text tables, written as the XML parts and the zip an .xlsx is made of.

An .xlsx (ECMA-376, SpreadsheetML) is a zip of XML parts, and zwgk's tables need few:
the content types and relationships; the document properties (core.xml: title, author,
dates; app.xml: company); the workbook (sheet names, and print areas and printed title
rows as the defined names _xlnm.Print_Area and _xlnm.Print_Titles); the styles (the
cell formats, numbered in the order ``Styles`` is given them); and one part a sheet
(cells, column widths, row heights, merged ranges, frozen top rows, page setup).

A cell is text, written inline (``<c t="inlineStr"><is><t>``), blank with a format, or a
number a table of figures asked for (the 年报): never a formula or rich text, whatever its
text looks like (XML's characters, and those Excel escapes as ``_xHHHH_``, are escaped). There is no shared-string table and
a format's number does not depend on the workbook, so a closed ``Sheet``'s XML is the same
in any workbook written with the same ``Styles``: a domain's table is written, and deflated,
once, and is a sheet of both the county's workbook and the domain's own.

Written here rather than through a spreadsheet library: that reuse needs a sheet's XML
apart from its workbook, which no library offers without reaching into its internals.
Every row has a height (rowfit.py), and every zip entry is dated 1980-01-01: the output is
deterministic. The tests read it back with openpyxl and print it through LibreOffice.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from zwgk.outputs.downloads.archive import deflate, zip_archive
from zwgk.outputs.downloads.rowfit import fit_heights
from zwgk.outputs.downloads.xlsx_styles import XML_ENTITIES as _XML_ENTITIES, Format, Styles, xml_escape as _xml

# ISA-L's default level: a county's 27 workbooks come out 3% larger than at zlib's
# default level, in a fraction of the time.
LEVEL = 2
MAX_ROWS, MAX_COLS = 1_048_576, 16_384      # what Excel opens
_TEXT_MAX = 32_767                           # UTF-16 code units in a cell
_SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")


@dataclass
class PageSetup:
    """How a sheet prints. Margins in inches: left, right, top, bottom."""
    landscape: bool = False
    paper: int = 0                           # Excel's paper code (9 is A4); 0: the printer's
    margins: tuple[float, float, float, float] = (0.7, 0.7, 0.75, 0.75)
    centred: bool = False                    # horizontally on the page
    fit_width: bool = False                  # every column on one page width, pages as long as needed
    footer: str = ""                         # Excel's header/footer codes (&C, &P, &N ...)
    area: tuple[int, int, int, int] | None = None   # first row, first col, last row, last col
    title_rows: tuple[int, int] | None = None        # printed at the top of every page


class Sheet:
    """One worksheet of text cells, rows and columns counted from 0.

    Fill it, then close() it; a closed sheet keeps its XML only, and can be given to any
    number of workbooks written with the same Styles (see the module's docstring).
    """

    def __init__(self, styles: Styles):
        self.styles = styles
        self.page = PageSetup()
        self.frozen_rows = 0
        self._rows: dict[int, list[tuple[str, int] | None]] = {}
        self._widths: list[float] = []
        self._heights: dict[int, float] = {}
        self._merged: list[tuple[int, int, int, int]] = []
        self._numbers: set[tuple[int, int]] = set()
        self._starts: dict[bool, tuple[int, int, bytes]] = {}
        self._deflated, self._closed = b"", False

    def widths(self, widths: Sequence[float]) -> None:
        """Column widths from the first column, in characters as Excel shows them."""
        self._widths = list(widths)

    def height(self, row: int, points: float) -> None:
        """A row's height; rows not given one get the height their text needs (rowfit.py)."""
        self._heights[row] = points

    def row(self, row: int, cells: Sequence[tuple[str, int]]) -> None:
        """A row of (text, format number) from the first column; "" is a blank, formatted cell."""
        self._check(row, max(len(cells) - 1, 0))
        self._rows[row] = [(_excel_text(text), style) for text, style in cells]

    def cell(self, row: int, col: int, text: str, style: int) -> None:
        self._check(row, col)
        cells = self._rows.setdefault(row, [])
        if len(cells) <= col:
            cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = (_excel_text(text), style)

    def number(self, row: int, col: int, value: int | float, style: int) -> None:
        """A number cell (a figure that sums in a spreadsheet)."""
        self.cell(row, col, f"{value:g}" if isinstance(value, float) else str(int(value)), style)
        self._numbers.add((row, col))

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int, text: str, style: int) -> None:
        """Merge a range, showing text; its other cells become blank (as Excel leaves them)
        but keep the format, so the range's border is whole."""
        for r in range(first_row, last_row + 1):
            for c in range(first_col, last_col + 1):
                self.cell(r, c, text if (r, c) == (first_row, first_col) else "", style)
        self._merged.append((first_row, first_col, last_row, last_col))

    def close(self) -> None:
        """Write the sheet's XML, deflated, and let go of its cells."""
        if self._closed:
            return
        self._heights = fit_heights(self._rows, self._widths, self._merged, self.styles.formats, self._heights)
        rows, first_col, last_col = self._sheet_data()
        first_row, last_row = (min(self._rows), max(self._rows)) if self._rows else (0, 0)
        head = (_XML_DECLARATION + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if self.page.fit_width else "")
                + f'<dimension ref="{_ref(first_row, first_col, last_row, last_col)}"/>')
        body = (f'<sheetFormatPr defaultRowHeight="15"/>{self._cols()}<sheetData>{rows}</sheetData>'
                f'{self._merge_cells()}{self._print_xml()}</worksheet>').encode("utf-8")
        # Only the sheet view differs between the selected sheet (the tab shown first) and
        # another, and it comes before the cells. So the XML up to it is deflated apart, for
        # either case, ending in a sync flush (the stream goes on at a byte boundary), and
        # the rest, nearly all of it, is deflated once and follows either start.
        self._deflated = deflate(body, LEVEL)
        for selected in (True, False):
            start = (head + self._views(selected)).encode("utf-8")
            z = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
            self._starts[selected] = (zlib.crc32(body, zlib.crc32(start)), len(start) + len(body),
                                      z.compress(start) + z.flush(zlib.Z_SYNC_FLUSH))
        self._rows, self._merged, self._numbers, self._closed = {}, [], set(), True

    def entry(self, selected: bool) -> tuple[int, int, bytes]:
        """(CRC-32, size, raw deflate stream) of the sheet's part; selected: the tab shown first."""
        self.close()
        crc, size, start = self._starts[selected]
        return crc, size, start + self._deflated

    def defined_names(self, sheet: str, index: int) -> list[tuple[str, int, str]]:
        """(name, sheet index, reference) of the print area and title rows, for workbook.xml."""
        quoted = "'" + sheet.replace("'", "''") + "'!"
        names = []
        if self.page.area:
            r1, c1, r2, c2 = self.page.area
            names.append(("_xlnm.Print_Area", index, quoted + _ref(r1, c1, r2, c2, absolute=True)))
        if self.page.title_rows:
            first, last = self.page.title_rows
            names.append(("_xlnm.Print_Titles", index, f"{quoted}${first + 1}:${last + 1}"))
        return names

    def _check(self, row: int, col: int) -> None:
        if self._closed or not (0 <= row < MAX_ROWS and 0 <= col < MAX_COLS):
            raise ValueError(f"cell ({row}, {col}): the sheet is closed, or Excel opens no such cell")

    def _sheet_data(self) -> tuple[str, int, int]:
        """The rows' XML, and the first and last column holding a cell."""
        last_col = max((len(cells) for cells in self._rows.values()), default=1) - 1
        letters = [_column(c) for c in range(last_col + 1)]
        first_col = last_col
        out = []
        for r in sorted(self._rows):
            n = str(r + 1)
            out.append(f'<row r="{n}" ht="{self._heights[r]:g}" customHeight="1">')
            for c, cell in enumerate(self._rows[r]):
                if cell is None:
                    continue
                if c < first_col:
                    first_col = c
                text, style = cell
                if not text:
                    out.append(f'<c r="{letters[c]}{n}" s="{style}"/>')
                    continue
                if (r, c) in self._numbers:
                    out.append(f'<c r="{letters[c]}{n}" s="{style}"><v>{text}</v></c>')
                    continue
                text = _CELL_ESCAPE.sub(_cell_escape, text)
                space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
                out.append(f'<c r="{letters[c]}{n}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
            out.append("</row>")
        return "".join(out), min(first_col, last_col), last_col

    def _views(self, selected: bool) -> str:
        view = (' tabSelected="1"' if selected else "") + ' workbookViewId="0"'
        if not self.frozen_rows:
            return f"<sheetViews><sheetView{view}/></sheetViews>"
        return (f'<sheetViews><sheetView{view}><pane ySplit="{self.frozen_rows}" topLeftCell="A{self.frozen_rows + 1}" '
                'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>')

    def _cols(self) -> str:
        if not self._widths:
            return ""
        # Runs of equal widths are one <col>, as Excel writes them.
        out, start = [], 0
        for c in range(1, len(self._widths) + 1):
            if c == len(self._widths) or self._widths[c] != self._widths[start]:
                out.append(f'<col min="{start + 1}" max="{c}" width="{_stored_width(self._widths[start])}" customWidth="1"/>')
                start = c
        return "<cols>" + "".join(out) + "</cols>"

    def _merge_cells(self) -> str:
        if not self._merged:
            return ""
        refs = "".join(f'<mergeCell ref="{_ref(*m)}"/>' for m in self._merged)
        return f'<mergeCells count="{len(self._merged)}">{refs}</mergeCells>'

    def _print_xml(self) -> str:
        page = self.page
        left, right, top, bottom = page.margins
        out = '<printOptions horizontalCentered="1"/>' if page.centred else ""
        out += f'<pageMargins left="{left:g}" right="{right:g}" top="{top:g}" bottom="{bottom:g}" header="0.3" footer="0.3"/>'
        setup = (f' paperSize="{page.paper}"' if page.paper else "") + (' fitToHeight="0"' if page.fit_width else "")
        setup += ' orientation="landscape"' if page.landscape else ""
        out += f"<pageSetup{setup}/>" if setup else ""
        if page.footer:
            out += f"<headerFooter><oddFooter>{_xml(page.footer)}</oddFooter></headerFooter>"
        return out


@dataclass(frozen=True)
class Properties:
    """The workbook's document properties (File > Info in Excel)."""
    title: str = ""
    author: str = ""
    company: str = ""
    created: datetime = datetime(1980, 1, 1)


def workbook(sheets: Sequence[tuple[str, Sheet]], properties: Properties) -> bytes:
    """The .xlsx file of (name, sheet) in order; the first sheet is the one shown.
    Every sheet must have been made with the same Styles."""
    if not sheets:
        raise ValueError("a workbook needs a sheet")
    styles = sheets[0][1].styles
    if any(sheet.styles is not styles for _, sheet in sheets):
        raise ValueError("a workbook's sheets must share their Styles")
    _check_names([name for name, _ in sheets])
    n = len(sheets)
    names = sorted(name for k, (title, sheet) in enumerate(sheets) for name in sheet.defined_names(title, k))
    defined = "".join(f'<definedName name="{name}" localSheetId="{k}">{_xml(ref)}</definedName>' for name, k, ref in names)
    book = (_XML_DECLARATION + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/><bookViews><workbookView/></bookViews><sheets>'
            + "".join(f'<sheet name="{_xml(name)}" sheetId="{k}" r:id="rId{k}"/>' for k, (name, _) in enumerate(sheets, 1))
            + "</sheets>" + (f"<definedNames>{defined}</definedNames>" if defined else "") + "</workbook>")
    book_rels = _rels([(f"{_REL}/worksheet", f"worksheets/sheet{k}.xml") for k in range(1, n + 1)]
                      + [(f"{_REL}/styles", "styles.xml")])
    overrides = [("/xl/workbook.xml", f"{_SML}sheet.main+xml"), ("/xl/styles.xml", f"{_SML}styles+xml"),
                 *((f"/xl/worksheets/sheet{k}.xml", f"{_SML}worksheet+xml") for k in range(1, n + 1)),
                 ("/docProps/core.xml", f"{_TYPE}package.core-properties+xml"),
                 ("/docProps/app.xml", f"{_TYPE}officedocument.extended-properties+xml")]
    types = (_XML_DECLARATION + f'<Types xmlns="{_PKG}/content-types">'
             f'<Default Extension="rels" ContentType="{_TYPE}package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             + "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides) + "</Types>")
    root_rels = _rels([(f"{_REL}/officeDocument", "xl/workbook.xml"),
                       (f"{_PKG}/relationships/metadata/core-properties", "docProps/core.xml"),
                       (f"{_REL}/extended-properties", "docProps/app.xml")])
    parts = [("[Content_Types].xml", types), ("_rels/.rels", root_rels), ("docProps/app.xml", _app(properties)),
             ("docProps/core.xml", _core(properties)), ("xl/workbook.xml", book),
             ("xl/_rels/workbook.xml.rels", book_rels)]
    parts = [(name, text.encode("utf-8")) for name, text in parts] + [("xl/styles.xml", styles.xml)]
    entries = [(name, zlib.crc32(data), len(data), deflate(data, LEVEL)) for name, data in parts]
    entries += [(f"xl/worksheets/sheet{k}.xml", *sheet.entry(selected=k == 1)) for k, (_, sheet) in enumerate(sheets, 1)]
    return zip_archive(entries)


# ---------------------------------------------------------------- the parts

_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-"
_SML = _TYPE + "officedocument.spreadsheetml."


def _rels(targets: list[tuple[str, str]]) -> str:
    return (_XML_DECLARATION + f'<Relationships xmlns="{_PKG}/relationships">'
            + "".join(f'<Relationship Id="rId{k}" Type="{kind}" Target="{target}"/>'
                      for k, (kind, target) in enumerate(targets, 1))
            + "</Relationships>")


def _core(p: Properties) -> str:
    when = p.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (_XML_DECLARATION + f'<cp:coreProperties xmlns:cp="{_PKG}/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_xml(p.title)}</dc:title><dc:creator>{_xml(p.author)}</dc:creator>"
            f"<cp:lastModifiedBy>{_xml(p.author)}</cp:lastModifiedBy>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>')


def _app(p: Properties) -> str:
    return (_XML_DECLARATION + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>zwgk</Application><Company>{_xml(p.company)}</Company></Properties>")


# ---------------------------------------------------------------- text, names, references

# What a cell's text must escape: XML's own characters; control characters and
# U+FFFE/U+FFFF, which Excel writes as _xHHHH_; and a literal _xHHHH_, whose underscore
# Excel escapes so that it reads back as written.
_CELL_ESCAPE = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
# Elsewhere (names, properties, a footer), what XML 1.0 cannot hold is left out (_xml).


def _cell_escape(match: re.Match) -> str:
    found = match.group()
    if len(found) > 1:
        return "_x005F" + found          # a literal _xHHHH_
    return _XML_ENTITIES.get(found) or f"_x{ord(found):04X}_"


def _excel_text(text: str) -> str:
    # A string shorter than half the limit cannot exceed it, so the count is rarely needed.
    if len(text) > _TEXT_MAX // 2 and len(text.encode("utf-16-le")) // 2 > _TEXT_MAX:
        text = text.encode("utf-16-le")[:2 * _TEXT_MAX].decode("utf-16-le", "ignore")
    return text


def _check_names(names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if (not name or len(name) > 31 or _SHEET_NAME_FORBIDDEN.intersection(name) or name[0] == "'"
                or name[-1] == "'" or name.lower() in seen):
            raise ValueError(f"not a sheet name Excel accepts in this workbook: {name!r}")
        seen.add(name.lower())   # Excel compares sheet names case-insensitively


def _column(col: int) -> str:
    """A column's letters: A for 0, Z for 25, AA for 26 ..."""
    return _column(col // 26 - 1) + chr(65 + col % 26) if col >= 26 else chr(65 + col)


def _ref(first_row: int, first_col: int, last_row: int, last_col: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    first = f"{d}{_column(first_col)}{d}{first_row + 1}"
    if (first_row, first_col) == (last_row, last_col) and not absolute:
        return first
    return f"{first}:{d}{_column(last_col)}{d}{last_row + 1}"


def _stored_width(chars: float) -> str:
    # A file holds a column's width with the cell's padding, as Excel writes it: the
    # characters' pixels (7 a digit in the default font) plus 5, in 1/256ths of a digit.
    pixels = int(chars * 7 + 0.5) + 5 if chars >= 1 else int(chars * 12 + 0.5)
    return str(int(pixels / 7 * 256) / 256)
