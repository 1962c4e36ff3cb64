"""Reading the table to import: an XLSX sheet with its merged cells, or a CSV file, as rows of text."""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time

from zwgk.base import Problem
from zwgk.outputs import FORMULA_TRIGGERS
from zwgk.source import TABLE_TEXT, SourceError, decode

HEADER_SEARCH_ROWS = 20
MAX_TABLE_BYTES = TABLE_TEXT.max_bytes      # checked before reading, for XLSX too


class ImportFailed(Exception):
    """The table cannot be imported; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Table:
    """A sheet as text: rows of cells, with its merged ranges (0-based, inclusive)."""
    path: str                      # the file as the user named it, for messages
    sheet: str                     # "" for CSV
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # r1, c1, r2, c2
    from_csv: bool = False
    title: str = ""                # what names the table: a sheet's name, the text above a table

    def sheet_text(self) -> str:
        return f"工作表“{self.sheet}”" if self.sheet else ""

    def where(self, row: int, col: int | None = None, label: str = "") -> str:
        """'工作表“X”第 5 行 E 列（公开主体）' for a 0-based position."""
        text = self.sheet_text() + f"第 {row + 1} 行"
        if col is not None:
            text += f"第 {col + 1} 列" if self.from_csv else f" {_column_letter(col)} 列"
            if label:
                text += f"（{label}）"
        return text


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def problem_at(table_or_path, message: str, hint: str = "", severity: str = "error") -> Problem:
    path = table_or_path.path if isinstance(table_or_path, Table) else table_or_path
    return Problem(path, 0, 0, message, hint, severity)


def clean_cell(value) -> str:
    """A cell's value as text: line breaks kept, surrounding blanks removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def read_file(path: str) -> bytes:
    """The file's bytes, refused when it is too large to be a catalog."""
    try:
        size = os.path.getsize(path)
        if size > MAX_TABLE_BYTES:
            raise ImportFailed([problem_at(path, f"文件过大（{size // (1024 * 1024)} MB），不像是一个领域的目录表",
                                           "请只导出要导入的工作表")])
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ImportFailed([problem_at(path, f"无法读取文件：{exc.strerror or exc}")]) from None


def read_xlsx(path: str, data: bytes) -> list[Table]:
    """Every sheet of an XLSX workbook, with its merged cells."""
    import openpyxl
    try:
        # Not read_only: only a fully loaded sheet knows its merged cells, which are
        # how the official tables write an 一级事项 spanning several rows.
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged zip fails in many ways, each means the same
        raise ImportFailed([problem_at(path, f"无法按 Excel 工作簿（.xlsx）读取：{type(exc).__name__}",
                                       "文件可能已损坏或不是 .xlsx 文件；请在 Excel 或 WPS 中打开后另存为 .xlsx 再试")]) from None
    tables = []
    for name in wb.sheetnames:
        ws = wb[name]
        rows = [[clean_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        merges = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
        tables.append(Table(path, name, rows, merges, title=name))
    return tables


def decode_table(path: str, data: bytes) -> str:
    """A text table's characters, by the tables' policy: UTF-8, UTF-16 (Excel's "Unicode 文本")
    or GB18030, as counties send them."""
    try:
        return decode(data, path, TABLE_TEXT)
    except SourceError as exc:
        raise ImportFailed([exc.problem]) from None


def read_csv(path: str, data: bytes) -> Table:
    text = decode_table(path, data)
    first_lines = text[:4096].splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = "\t" if sum(l.count("\t") for l in first_lines) > sum(l.count(",") for l in first_lines) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw = list(reader)
    except csv.Error:           # its English text is not shown: the line says where, the hint what to do
        raise ImportFailed([Problem(path, max(reader.line_num, 1), 1, "CSV 格式错误：这一行无法按表格读取",
                                    "请检查这一行的引号是否成对；用 Excel 打开后另存为“CSV UTF-8”可以修正")]) from None

    def cell(value: str) -> str:
        # Undo the apostrophe that `zwgk build` puts before a formula-like value.
        if value.startswith("'") and value[1:2] and value[1] in FORMULA_TRIGGERS:
            value = value[1:]
        return clean_cell(value)

    return Table(path, "", [[cell(v) for v in row] for row in raw], from_csv=True)
