"""The table formats counties keep their catalogs in, each read into `Table`s of text.

XLSX (openpyxl, with its merged cells), XLS and ODS (python-calamine), DOCX (its XML: every
table, with the paragraph above it as its title), HTML pages saved from a county's
site (lxml: rowspan/colspan, <br>, entities, the page's charset; layout tables around the
catalog are passed over), CSV/TSV (table.py). Nothing in a file is executed or fetched: a
page's scripts are text that is never read, a DOCX's external links are never followed, and
a zip (XLSX, DOCX, ODS) whose content would expand beyond the limit is refused unopened.
"""
from __future__ import annotations

import io
import os
import re
import zipfile

from zwgk.commands.importer.table import (MAX_TABLE_BYTES, ImportFailed, Table, clean_cell, decode_table, problem_at,
                                          read_csv, read_file, read_xlsx)
from zwgk.outputs import sheet_name

MAX_EXPANDED = 20 * MAX_TABLE_BYTES     # what a zip's members may expand to, together
MAX_RATIO = 200                         # a member compressed more than this is a bomb, not a table

OLE = b"\xd0\xcf\x11\xe0"                # XLS, DOC, ET: the old compound files
ZIP = b"PK\x03\x04"


def kind_of(path: str, data: bytes) -> str:
    """'xlsx', 'xls', 'ods', 'docx', 'html', 'csv', or 'doc' / 'pdf' (asked to convert), by content."""
    lower = path.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(OLE):
        return "doc" if lower.endswith((".doc", ".wps")) else "xls"
    if data.startswith(ZIP):
        names = set(_zip_names(path, data))
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            return "ods"
        return "xlsx"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{") and b'"domains"' in data[:4096]:
        return "json"
    if head.startswith((b"<!doctype html", b"<html", b"<meta", b"<table", b"<head", b"<body", b"<?xml")) \
            or (lower.endswith((".htm", ".html")) and b"<" in head):
        return "html"
    return "csv"


def _zip_names(path: str, data: bytes) -> list[str]:
    """The members of a zip, once it is known not to expand without limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFailed([problem_at(path, "文件已损坏，无法按压缩格式（XLSX、DOCX、ODS）读取",
                                       "请在 WPS 或 Office 中打开后重新保存再导入")]) from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > MAX_EXPANDED or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO):
            raise ImportFailed([problem_at(path, "文件解压后异常巨大（可能是“压缩炸弹”），没有读取",
                                           "请确认文件来源；正常的目录表格不会这样")])
    return archive.namelist()


def read_calamine(path: str, data: bytes) -> list[Table]:
    """Every sheet of an XLS or ODS workbook, with its merged cells where the format keeps them."""
    from python_calamine import CalamineWorkbook
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - a damaged file fails in many ways, each means the same
        raise ImportFailed([problem_at(path, f"无法读取这个工作簿（{type(exc).__name__}）",
                                       "文件可能已损坏；请在 WPS 或 Excel 中打开，另存为 .xlsx 后再导入")]) from None
    tables = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows = [[clean_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        merges = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
        tables.append(Table(path, name, rows, merges, title=name))
    return tables


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: str, data: bytes) -> list[Table]:
    """Every table of a Word document, each titled by the paragraph just above it.

    Read from the document's XML: python-docx has no public way to tell a cell merged down
    from the rows above (w:vMerge), which is how Word keeps a merged 一级事项."""
    from lxml import etree
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        body = etree.fromstring(xml, parser).find(f"{_W}body")
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise ImportFailed([problem_at(path, f"无法按 Word 文档（.docx）读取（{type(exc).__name__}）",
                                       "请在 WPS 或 Word 中打开后另存为 .docx 再导入")]) from None
    tables, title = [], ""
    for block in body if body is not None else ():
        if block.tag == f"{_W}p":
            title = _docx_text(block).strip() or title
        elif block.tag == f"{_W}tbl":
            rows, merges = _docx_grid(block)
            tables.append(Table(path, f"表格 {len(tables) + 1}", rows, merges, title=title))
            title = ""
    return tables


def _docx_text(element) -> str:
    """A paragraph's or cell's text: runs' text, line breaks and tabs; paragraphs on their own lines."""
    lines = []
    for paragraph in element.iter(f"{_W}p"):
        parts = []
        for node in paragraph.iter(f"{_W}t", f"{_W}br", f"{_W}cr", f"{_W}tab"):
            parts.append(node.text or "" if node.tag == f"{_W}t" else ("\t" if node.tag == f"{_W}tab" else "\n"))
        lines.append("".join(parts))
    return "\n".join(lines)


def _docx_grid(table) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """The table's rows with merged cells as a spreadsheet keeps them: text in the first grid
    cell, blanks in the rest, and the range as a merge."""
    rows: list[list[str]] = []
    starts: dict[int, int] = {}          # column -> the row a vertical merge started in
    merges = []
    for r, tr in enumerate(table.iter(f"{_W}tr")):
        if tr.getparent() is not table:
            continue
        row, c = [], 0
        for tc in tr.findall(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            span = props.find(f"{_W}gridSpan") if props is not None else None
            width = _int(span.get(f"{_W}val")) if span is not None else 1
            vmerge = props.find(f"{_W}vMerge") if props is not None else None
            continues = vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue"
            row += ["" if continues else clean_cell(_docx_text(tc))] + [""] * (width - 1)
            if vmerge is not None and not continues:
                starts[c] = len(rows)
            elif continues and c in starts:
                merges = [m for m in merges if (m[0], m[1]) != (starts[c], c)]
                merges.append((starts[c], c, len(rows), c + width - 1))
            elif width > 1:
                merges.append((len(rows), c, len(rows), c + width - 1))
            c += width
        rows.append(row)
    return rows, merges


def read_json(path: str, data: bytes) -> list[Table]:
    """zwgk's own catalog.json (a download): each domain as a table with the CSV download's columns."""
    import json
    from zwgk.source import schema
    try:
        catalog = json.loads(decode_table(path, data))
        domains = catalog["domains"]
        header = ["序号", *(f.label for f in schema.ITEM.fields)]
        tables = []
        for domain in domains:
            rows = [header] + [[str(item.get("seq", "")), *(_json_cell(item.get(f.name)) for f in schema.ITEM.fields)]
                               for item in domain["items"]]
            tables.append(Table(path, domain["name"], rows, from_csv=True, title=domain["name"]))
        return tables
    except (ValueError, KeyError, TypeError):
        raise ImportFailed([problem_at(path, "不是 zwgk 生成的目录 JSON（catalog.json）",
                                       "只能导入 zwgk 下载页面提供的 catalog.json 或各领域的 JSON 文件")]) from None


def _json_cell(value) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", re.I)


def read_html(path: str, data: bytes) -> list[Table]:
    """The tables of a saved web page that hold cells (not other tables), each titled by its
    caption or the heading or paragraph above it."""
    import lxml.html
    declared = _CHARSET.search(data[:4096])
    try:
        text = data.decode(declared.group(1).decode("ascii")) if declared else decode_table(path, data)
    except (LookupError, UnicodeDecodeError):
        text = decode_table(path, data)
    # The text is decoded already: the parser is told so, whatever charset the page declares.
    parser = lxml.html.HTMLParser(remove_comments=True, no_network=True, encoding="utf-8")
    root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    tables = []
    for element in root.iter("table"):
        if element.xpath(".//table"):
            continue                      # a layout table around others: its cells are whole tables
        rows, merges = _grid(element)
        if rows:
            tables.append(Table(path, f"表格 {len(tables) + 1}", rows, merges, title=_html_title(element)))
    return tables


def _cell_text(cell) -> str:
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return clean_cell(cell.text_content())


def _grid(table) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """The table's rows with rowspan and colspan spread out: text in the first cell, blanks in
    the rest, and the range as a merge (as a spreadsheet keeps it)."""
    taken: dict[tuple[int, int], str] = {}
    merges = []
    rows = [tr for tr in table.iter("tr") if tr.getparent() is table or tr.getparent().getparent() is table]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            span_r = max(1, min(_int(cell.get("rowspan")), 1000))
            span_c = max(1, min(_int(cell.get("colspan")), 100))
            for dr in range(span_r):
                for dc in range(span_c):
                    taken[(r + dr, c + dc)] = ""
            taken[(r, c)] = _cell_text(cell)
            if span_r > 1 or span_c > 1:
                merges.append((r, c, r + span_r - 1, c + span_c - 1))
            c += span_c
    if not taken:
        return [], []
    height = max(r for r, _ in taken) + 1
    width = max(c for _, c in taken) + 1
    return [[taken.get((r, c), "") for c in range(width)] for r in range(height)], merges


def _int(value) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 1


def _html_title(table) -> str:
    caption = table.find("caption")
    if caption is not None and caption.text_content().strip():
        return caption.text_content().strip()
    node = table.getprevious()
    while node is not None:
        text = node.text_content().strip() if hasattr(node, "text_content") else ""
        if text:
            return text.splitlines()[0].strip()[:80]
        node = node.getprevious()
    return ""


CONVERT = {
    "doc": "这是旧版 Word（.doc）文件，无法直接读取其中的表格",
    "pdf": "这是 PDF 文件，无法可靠地读出其中的表格",
}
CONVERT_HINT = ("请在 WPS 或 Word 中打开，另存为 .docx 后再导入；装有 LibreOffice 时也可以运行 "
                "soffice --headless --convert-to docx 文件名（PDF 请向原单位要 Word 或 Excel 原件）")


def tables_from(path: str, data: bytes) -> list[Table]:
    """Every table in the file, whatever its format (told apart by content)."""
    kind = kind_of(path, data)
    if kind in CONVERT:
        raise ImportFailed([problem_at(path, CONVERT[kind], CONVERT_HINT)])
    if kind == "xlsx":
        return read_xlsx(path, data)
    if kind in ("xls", "ods"):
        return read_calamine(path, data)
    if kind == "docx":
        return read_docx(path, data)
    if kind == "html":
        return read_html(path, data)
    if kind == "json":
        return read_json(path, data)
    return [read_csv(path, data)]


def read_tables(path: str) -> list[Table]:
    return tables_from(path, read_file(path))


def read_table(path: str, sheet: str | None, domain_name: str) -> Table:
    """The one table to import from the file: the sheet named, the sheet named like the domain,
    or the only table that has any content."""
    tables = read_tables(path)
    names = [t.sheet for t in tables if t.sheet]
    if sheet is not None:
        if tables and tables[0].from_csv:
            raise ImportFailed([problem_at(path, f"{os.path.basename(path)} 是 CSV 文件，没有工作表，不能使用 --sheet")])
        chosen = [t for t in tables if t.sheet == sheet]
        if not chosen:
            raise ImportFailed([problem_at(path, f"找不到工作表“{sheet}”", "文件中的工作表（表格）：" + "、".join(names))])
        return chosen[0]
    named = [t for t in tables if t.sheet == sheet_name(domain_name)]
    if named:
        return named[0]
    filled = [t for t in tables if sum(1 for row in t.rows if any(row)) > 1]
    if len(filled) == 1:
        return filled[0]
    raise ImportFailed([problem_at(path, f"文件中有 {len(filled) or len(tables)} 个工作表（表格），没有名为“{sheet_name(domain_name)}”的",
                                   "请用 --sheet 指定要导入的一个：" + "、".join(names) + "；或者不写 --domain，整个文件按各表的标题分别导入")])
