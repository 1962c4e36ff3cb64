"""Text extraction from attachments, each piece of text with its place in the file.

Places are plain dicts, the same ones the check report shows and writes to JSON:
{"line": n} for .txt/.csv, {"sheet": s, "cell": "B3"} for .xlsx,
{"paragraph": n} or {"table": t, "row": r, "column": c} for .docx, {"page": p, "line": n} for .pdf.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field

from zwgk.source.text import ATTACHMENT_TEXT, SourceError, decode

# Formats that often hold lists of people but cannot be read here: reported as unchecked.
UNREADABLE_FORMATS = {
    ".xls": "旧版 Excel（.xls）", ".doc": "旧版 Word（.doc）", ".et": "WPS 表格（.et）",
    ".wps": "WPS 文字（.wps）", ".zip": "压缩包（.zip）", ".rar": "压缩包（.rar）", ".7z": "压缩包（.7z）",
}
TEXT_FORMATS = (".txt", ".csv", ".xlsx", ".docx", ".pdf")
MAX_ATTACHMENT_BYTES = ATTACHMENT_TEXT.max_bytes     # checked before reading, for every format


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    place: dict          # where the text starts; see the module docstring


@dataclass(slots=True)
class Extracted:
    pieces: list[Piece] = field(default_factory=list)
    tables: list[list[list[Piece]]] = field(default_factory=list)   # rows of cells, as in the file
    unreadable: str = ""  # why the text could not be read (Chinese), or ""


class ExtractedTexts:
    """Attachments' text by the identity of their file (size, time, inode). `zwgk serve` keeps
    one, so a save does not read every PDF again (145 ms for the demo's one-page PDF); a plain
    build keeps none (capacity 0)."""

    def __init__(self, capacity: int = 0):
        self.capacity = capacity
        self._known: dict[tuple, Extracted | None] = {}

    def extract(self, path: str) -> Extracted | None:
        if not self.capacity:
            return extract(path)
        st = os.stat(path)
        key = (path, st.st_size, st.st_mtime_ns, st.st_ino)
        if key not in self._known:
            if len(self._known) >= self.capacity:
                self._known.pop(next(iter(self._known)))
            self._known[key] = extract(path)
        return self._known[key]


def extract(path: str) -> Extracted | None:
    """The text of an attachment; None for formats without text to check (images, audio ...)."""
    ext = os.path.splitext(path)[1].lower()
    if ext in UNREADABLE_FORMATS:
        return Extracted(unreadable=f"{UNREADABLE_FORMATS[ext]}格式无法读取")
    if ext not in TEXT_FORMATS:
        return None
    if os.path.getsize(path) > MAX_ATTACHMENT_BYTES:
        return Extracted(unreadable=f"文件超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    try:
        if ext == ".txt":
            return _lines(decode_text(_read(path), path))
        if ext == ".csv":
            return _csv(decode_text(_read(path), path))
        if ext == ".xlsx":
            return _xlsx(path)
        if ext == ".docx":
            return _docx(path)
        return _pdf(path)
    except SourceError as exc:
        return Extracted(unreadable=exc.problem.message)
    except Exception as exc:  # noqa: BLE001 - the readers raise many kinds; a bad file must not stop the check
        return Extracted(unreadable=f"文件已损坏或格式不对（{type(exc).__name__}）")


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def decode_text(data: bytes, path: str = "") -> str:
    """The text of a .txt or .csv attachment: the one decoder under the attachments' policy
    (UTF-8, UTF-16 or GB18030, as they come); a SourceError when it is none of those."""
    return decode(data, path, ATTACHMENT_TEXT)


def _lines(text: str) -> Extracted:
    return Extracted(pieces=[Piece(line, {"line": n}) for n, line in enumerate(text.split("\n"), 1) if line])


def _csv(text: str) -> Extracted:
    got = _lines(text)
    rows = []
    reader = csv.reader(io.StringIO(text))
    start = 1
    for row in reader:
        # A quoted cell may span lines; the row starts where the previous one ended.
        rows.append([Piece(value, {"line": start, "column": n}) for n, value in enumerate(row, 1)])
        start = reader.line_num + 1
    got.tables.append(rows)
    return got


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        # Numbers typed into Excel come back as floats; 13812345678.0 is a phone number.
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    return ""   # dates and times hold no personal numbers


def _xlsx(path: str) -> Extracted:
    import openpyxl
    got = Extracted()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows():
                cells = []
                for cell in row:
                    text = _cell_text(getattr(cell, "value", None))
                    if not text:
                        continue
                    piece = Piece(text, {"sheet": sheet.title, "cell": cell.coordinate})
                    got.pieces.append(piece)
                    cells.append(piece)
                if cells:
                    rows.append(cells)
            got.tables.append(rows)
    finally:
        book.close()
    return got


def _docx(path: str) -> Extracted:
    import docx
    got = Extracted()
    document = docx.Document(path)
    for n, paragraph in enumerate(document.paragraphs, 1):
        if paragraph.text.strip():
            got.pieces.append(Piece(paragraph.text, {"paragraph": n}))
    for t, table in enumerate(document.tables, 1):
        rows = []
        for r, row in enumerate(table.rows, 1):
            cells, seen = [], set()
            for c, cell in enumerate(row.cells, 1):
                if id(cell._tc) in seen:    # a merged cell is returned once per grid column
                    continue
                seen.add(id(cell._tc))
                piece = Piece(cell.text, {"table": t, "row": r, "column": c})
                cells.append(piece)
                if cell.text.strip():
                    got.pieces.append(piece)
            rows.append(cells)
        got.tables.append(rows)
    return got


def _pdf(path: str) -> Extracted:
    import pypdf
    logging.getLogger("pypdf").setLevel(logging.ERROR)   # its warnings about odd files are not ours to show
    got = Extracted()
    reader = pypdf.PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        return Extracted(unreadable="PDF 已加密")
    for p, page in enumerate(reader.pages, 1):
        text = page.extract_text() or ""
        for n, line in enumerate(text.split("\n"), 1):
            if line.strip():
                got.pieces.append(Piece(line, {"page": p, "line": n}))
    if not got.pieces and reader.pages:
        return Extracted(unreadable="PDF 中没有可提取的文字（可能是扫描件）")
    return got


def describe(place: dict) -> str:
    """A place in Chinese, for messages: 第 3 行 / 工作表“名单”B3 / 第 2 段 / 表格 1 第 2 行第 3 列 / 第 2 页第 5 行."""
    if "sheet" in place:
        return f"工作表“{place['sheet']}”{place['cell']}"
    if "table" in place:
        return f"表格 {place['table']} 第 {place['row']} 行第 {place['column']} 列"
    if "paragraph" in place:
        return f"第 {place['paragraph']} 段"
    if "page" in place:
        return f"第 {place['page']} 页第 {place['line']} 行"
    if "line" in place:
        text = f"第 {place['line']} 行"
        if "column" in place:
            text += f"第 {place['column']} 列"
        return text
    return ""


# A line of a PDF that ends without one of these was broken by the page width, not the author.
_SENTENCE_END = tuple("。；：！？”）】」』.;:!?)")
# Kangxi and CJK radicals that PDF fonts often give for ideographs (⼾ for 户, ⺠ for 民). NFKC
# turns a Kangxi radical into its ideograph, in the traditional form where they differ: those,
# and the simplified radicals of the supplement (which NFKC leaves alone), are listed here.
_RADICALS = re.compile("[\u2e80-\u2fdf]")
_NUMBERED = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.、．]")
_SIMPLIFIED_RADICALS = dict(zip(
    "⼾⾨⾙⾞⾧⾴⾵⾶⾺⿂⿃⿆⿈⿒⿓⿔⾒⻌⺠⻬⻓⻔⻚⻛⻜⻢⻥⻦⻨⻩⻰⻳⻮⻉⻋⻅⻈⻝⻙⻠⺟⺮",
    "户门贝车长页风飞马鱼鸟麦黄齿龙龟见辶民齐长门页风飞马鱼鸟麦黄龙龟齿贝车见讠食韦饣母竹"))


def _ideograph(radical: str) -> str:
    return _SIMPLIFIED_RADICALS.get(radical) or unicodedata.normalize("NFKC", radical)


def searchable_text(got: Extracted | None) -> str:
    """An attachment's text for search: its pieces in order, a PDF's lines that the page width broke
    joined again, radicals that stand for ideographs as the ideographs."""
    if got is None or got.unreadable:
        return ""
    lines = [piece.text.strip() for piece in got.pieces if piece.text.strip()]
    joined = []
    for line in lines:
        if joined and "page" in got.pieces[0].place and not joined[-1].endswith(_SENTENCE_END) \
                and not _NUMBERED.match(line):
            joined[-1] += line
        else:
            joined.append(line)
    return _RADICALS.sub(lambda m: _ideograph(m.group()), "\n".join(joined))


def attachment_searchable_texts(root: str, county: str, paths) -> dict[str, str]:
    """Each attachment's text for search (path relative to content/<county>/), for a reader
    that has not had the personal-information scan extract them already."""
    found = {}
    for path in dict.fromkeys(paths):
        full = os.path.join(root, "content", county, *path.split("/"))
        if os.path.isfile(full) and not os.path.islink(full):
            text = searchable_text(extract(full))
            if text:
                found[path] = text
    return found
