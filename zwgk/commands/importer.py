"""`zwgk import`: a catalog table as counties publish it (XLSX or CSV) → one domain's catalog YAML.

Reads the table's real-world variants: a title row above a one- or two-row header
(公开事项 over 一级/二级/三级事项, 公开对象 over 全社会/特定群体 or 特定群众, 公开方式 over
主动/依申请(公开), 公开层级 over 县级/乡级 or 区级/镇(街)级 ...), merged cells, √ marks,
■/□ checklists (also 口, which text extraction makes of □), line breaks inside cells,
and columns it does not know, which go into each item's note and are reported.
Nothing is written unless the whole table converts into YAML that validates.
"""
from __future__ import annotations

import csv
import io
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time

import yaml

from zwgk.source import schema
from zwgk.outputs import FORMULA_TRIGGERS, sheet_name
from zwgk.base import Problem, format_report
from zwgk.source import suggestion
from zwgk.base import (DOMAIN_SLUGS, LEVEL_VARIANTS, LEVELS, STANDARD_CHANNELS,
                        STANDARD_DOMAINS)

CONTENT_ERROR = 1
USAGE_ERROR = 2
HEADER_SEARCH_ROWS = 20
MAX_TABLE_BYTES = 50 * 1024 * 1024

_ID_RE = re.compile(schema.ID_PATTERN)


class ImportFailed(Exception):
    """The table cannot be imported; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


# ---------------------------------------------------------------- reading a table

@dataclass
class Table:
    """A sheet as text: rows of cells, with its merged ranges (0-based, inclusive)."""
    path: str                      # the file as the user named it, for messages
    sheet: str                     # "" for CSV
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # r1, c1, r2, c2
    from_csv: bool = False

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


def _problem(table_or_path, message: str, hint: str = "", severity: str = "error") -> Problem:
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


def read_table(path: str, sheet: str | None, domain_name: str) -> Table:
    """Read the sheet to import from an XLSX or CSV file (told apart by content)."""
    name = os.path.basename(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_TABLE_BYTES:
            raise ImportFailed([_problem(path, f"文件过大（{size // (1024 * 1024)} MB），不像是一个领域的目录表",
                                         "请只导出要导入的工作表")])
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise ImportFailed([_problem(path, f"无法读取文件：{exc.strerror or exc}")]) from None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed([_problem(path, "这是旧版 Excel（.xls）或 WPS 格式的文件，无法直接导入",
                                     "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿（*.xlsx）”后再导入")])
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, data, sheet, domain_name)
    if sheet:
        raise ImportFailed([_problem(path, f"{name} 是 CSV 文件，没有工作表，不能使用 --sheet")])
    return _read_csv(path, data)


def _read_xlsx(path: str, data: bytes, sheet: str | None, domain_name: str) -> Table:
    import openpyxl
    try:
        # Not read_only: only a fully loaded sheet knows its merged cells, which are
        # how the official tables write an 一级事项 spanning several rows.
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged zip fails in many ways, each means the same
        raise ImportFailed([_problem(path, f"无法按 Excel 工作簿（.xlsx）读取：{type(exc).__name__}",
                                     "文件可能已损坏或不是 .xlsx 文件；请在 Excel 或 WPS 中打开后另存为 .xlsx 再试")]) from None
    names = wb.sheetnames
    if sheet is not None:
        if sheet not in names:
            raise ImportFailed([_problem(path, f"找不到工作表“{sheet}”", "工作簿中的工作表：" + "、".join(names))])
        chosen = sheet
    elif sheet_name(domain_name) in names:
        chosen = sheet_name(domain_name)
    else:
        filled = [n for n in names if wb[n].max_row > 1 or wb[n].max_column > 1]
        if len(filled) != 1:
            raise ImportFailed([_problem(path, f"工作簿有 {len(filled) or len(names)} 个工作表，没有名为“{sheet_name(domain_name)}”的",
                                         "请用 --sheet 指定要导入的工作表：" + "、".join(names))])
        chosen = filled[0]
    ws = wb[chosen]
    rows = [[clean_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    merges = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
    return Table(path, chosen, rows, merges)


def decode_text(path: str, data: bytes) -> str:
    """Text of a CSV file in UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]            # Excel's "Unicode 文本"
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ImportFailed([_problem(path, "无法识别文件的字符编码（不是 UTF-8，也不是 GBK/GB18030）",
                                 "请在 Excel 或 WPS 中打开，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入")])


def _read_csv(path: str, data: bytes) -> Table:
    text = decode_text(path, data)
    first_lines = text[:4096].splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = "\t" if sum(l.count("\t") for l in first_lines) > sum(l.count(",") for l in first_lines) else ","
    try:
        raw = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFailed([_problem(path, f"CSV 格式错误：{exc}", "请检查引号是否成对")]) from None

    def cell(value: str) -> str:
        # Undo the apostrophe that `zwgk build` puts before a formula-like value.
        if value.startswith("'") and value[1:2] and value[1] in FORMULA_TRIGGERS:
            value = value[1:]
        return clean_cell(value)

    return Table(path, "", [[cell(v) for v in row] for row in raw], from_csv=True)


# ---------------------------------------------------------------- understanding the header

def norm(text: str) -> str:
    """A header label or mark as compared: NFKC (full-width → half-width), no blanks."""
    return re.sub(r"[\s*＊:：]+", "", unicodedata.normalize("NFKC", text))


# (kind, field, value): kind "field" is a column holding a field's text, "tick" a
# column of √ marks meaning field=value, "skip" a column derived from others.
_LABELS: dict[str, tuple[str, str, str]] = {
    "序号": ("skip", "", ""), "链接": ("skip", "", ""), "网址": ("skip", "", ""),
    "领域": ("domain", "", ""), "所属领域": ("domain", "", ""),
    "事项编号": ("field", "id", ""), "编号": ("field", "id", ""),
    "公开事项": ("field", "level1", ""), "事项名称": ("field", "level1", ""),
    "一级事项": ("field", "level1", ""), "二级事项": ("field", "level2", ""), "三级事项": ("field", "level3", ""),
    "公开依据": ("field", "basis", ""), "公开时限": ("field", "deadline", ""),
    "公开主体": ("field", "subject", ""), "公开渠道和载体": ("field", "channels", ""),
    "公开渠道": ("field", "channels", ""), "公开载体": ("field", "channels", ""),
    "公开渠道及载体": ("field", "channels", ""),
    "公开对象": ("field", "audience", ""), "特定群体说明": ("field", "audience_note", ""),
    "全社会": ("tick", "audience", "全社会"), "社会公众": ("tick", "audience", "全社会"),
    "特定群体": ("tick", "audience", "特定群体"), "特定群众": ("tick", "audience", "特定群体"),
    "特定对象": ("tick", "audience", "特定群体"), "特定人群": ("tick", "audience", "特定群体"),
    "公开方式": ("field", "mode", ""),
    "主动": ("tick", "mode", "主动"), "主动公开": ("tick", "mode", "主动"),
    "依申请": ("tick", "mode", "依申请"), "依申请公开": ("tick", "mode", "依申请"),
    "公开层级": ("field", "level", ""),
    "备注": ("field", "note", ""), "说明": ("field", "note", ""),
    "相关文件": ("field", "documents", ""),
    "最后更新": ("field", "updated", ""), "更新日期": ("field", "updated", ""), "更新时间": ("field", "updated", ""),
}
# Labels that only a second header row has (under a group cell).
_SUB_FIELDS = {"level1", "level2", "level3"}


@dataclass(frozen=True)
class Words:
    """What a site calls things: its level wordings and its local channels."""
    levels: dict[str, str]        # norm(word) -> standard level
    channels: dict[str, str]      # norm(name) -> name as the site declares it

    @classmethod
    def for_site(cls, level_names=None, local_channels=()) -> "Words":
        levels = {norm(k): v for k, v in LEVEL_VARIANTS.items()}
        levels.update({norm(local): std for std, local in (level_names or {}).items()})
        channels = {norm(c): c for c in (*STANDARD_CHANNELS, *local_channels)}
        return cls(levels, channels)


def classify(label: str, words: Words) -> tuple[str, str, str] | None:
    key = norm(label)
    if not key:
        return None
    if key in _LABELS:
        return _LABELS[key]
    if key in words.levels:
        return ("tick", "level", words.levels[key])
    for label, kind in _LABELS.items():       # 特定群体（注明群体） ...
        if kind[0] == "tick" and key.startswith(label):
            return kind
    if key.startswith(("公开内容", "公开要素")):          # 公开内容(要素)及要求 ...
        return ("field", "content", "")
    for prefix, name in (("公开依据", "basis"), ("公开时限", "deadline"), ("公开主体", "subject"),
                         ("公开渠道", "channels"), ("公开对象", "audience"), ("公开方式", "mode"),
                         ("公开层级", "level")):
        if key.startswith(prefix):
            return ("field", name, "")
    return None


def _is_sub_label(kind: tuple[str, str, str] | None) -> bool:
    return kind is not None and (kind[0] == "tick" or (kind[0] == "field" and kind[1] in _SUB_FIELDS))


@dataclass
class Column:
    index: int
    label: str                    # as shown in the header, for messages and notes
    kind: str                     # field / tick / skip / domain / extra
    field: str = ""
    value: str = ""


def find_header(table: Table, words: Words) -> tuple[int, int]:
    """(first header row, number of header rows) of a table."""
    for r, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        kinds = [classify(c, words) for c in row]
        if sum(k is not None for k in kinds) >= 3 and any(k and k[1] in ("level1", "subject", "content") for k in kinds):
            below = table.rows[r + 1] if r + 1 < len(table.rows) else []
            below_kinds = [classify(c, words) for c in below if c]
            # A second header row holds nothing but labels, some of them sub-labels;
            # a data row always has text that is not a label.
            if below_kinds and all(below_kinds) and sum(map(_is_sub_label, below_kinds)) >= 2:
                return r, 2
            return r, 1
    raise ImportFailed([_problem(table, f"{table.sheet_text() or '表格'}前 {HEADER_SEARCH_ROWS} 行中找不到表头",
                                 "表头应含“一级事项”（或“公开事项”）“公开内容”“公开主体”等列名；"
                                 "如果是 CSV 文件，也请确认它是 UTF-8 或 GBK 编码")])


def fill_merges(table: Table, header: int, header_rows: int) -> None:
    """Give every cell of a merged range its value: across the header, and down the
    data rows (only down: a data row merged across is one value, not several)."""
    rows = table.rows
    header_end = header + header_rows - 1
    for r1, c1, r2, c2 in table.merges:
        if r1 >= len(rows) or c1 >= len(rows[r1]):
            continue
        value = rows[r1][c1]
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            cols = range(c1, c2 + 1) if header <= r <= header_end else (c1,)
            for c in cols:
                if c < len(rows[r]) and not rows[r][c]:
                    rows[r][c] = value


def read_columns(table: Table, header: int, header_rows: int, words: Words) -> list[Column]:
    top = table.rows[header]
    sub = table.rows[header + 1] if header_rows == 2 else []
    width = max(len(r) for r in table.rows)
    columns: list[Column] = []
    group = ""                         # a group label spans the empty cells after it (CSV)
    seen: set[tuple[str, str]] = set()
    for c in range(width):
        t = top[c] if c < len(top) else ""
        s = sub[c] if c < len(sub) else ""
        if t:
            group = t
        elif not s:
            group = ""
        kind = classify(s, words) if s else None
        kind = kind or classify(t or (group if s else ""), words)
        label = "/".join(dict.fromkeys(x for x in (t or (group if s else ""), s) if x)) or f"第{c + 1}列"
        if kind is None:
            columns.append(Column(c, label, "extra"))
            continue
        key = (kind[1], kind[2])
        if kind[0] in ("field", "tick") and key in seen:
            columns.append(Column(c, label, "extra"))     # a second 备注 ... is kept as text
            continue
        seen.add(key)
        columns.append(Column(c, label, kind[0], kind[1], kind[2]))
    return columns


# ---------------------------------------------------------------- reading the rows

_YES_MARKS = "√✓✔☑✅■●◆★vVyY"
_NO_MARKS = {"", "×", "✗", "✘", "□", "口", "☐", "否", "-", "—", "－", "/", "无", "n", "N"}
_CHECK_ON = "■☑√✓✔✅"
_CHECK_OFF = "□☐"
_BOX_RE = re.compile(f"([{_CHECK_ON}{_CHECK_OFF}])")
_LIST_SPLIT = re.compile(r"[\n、，,；;\s]+")
_AUDIENCE_WORDS = {"全社会": "全社会", "社会公众": "全社会", "全体公众": "全社会", "公众": "全社会",
                   "特定群体": "特定群体", "特定群众": "特定群体", "特定对象": "特定群体", "特定人群": "特定群体"}
# 特定群体（教师） or 特定群体：教师 in a 公开对象 column of values.
_AUDIENCE_RE = re.compile(r"\s*(" + "|".join(_AUDIENCE_WORDS) + r")\s*[（(:：]?\s*(.*?)\s*[）)]?\s*$", re.S)
_MODE_WORDS = {"主动": "主动", "主动公开": "主动", "依申请": "依申请", "依申请公开": "依申请"}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def read_mark(text: str) -> tuple[bool | None, str]:
    """(ticked, remaining text) of a tick cell; ticked is None when it is not a mark."""
    t = text.strip()
    if norm(t) in _NO_MARKS:
        return False, ""
    if t in ("是", "有", "1") or t.lower() == "yes":
        return True, ""
    if t[0] in _YES_MARKS and (len(t) == 1 or not t[1].isascii() or not t[1].isalpha()):
        rest = t[1:].strip()
        if rest[:1] in "（(" and rest[-1:] in "）)":
            rest = rest[1:-1].strip()
        return True, rest
    return None, t


def split_basis(text: str) -> list[str]:
    """公开依据 one per line; within a line, 《…》、《…》 or 《…》；《…》 are several."""
    parts = []
    for line in text.split("\n"):
        for part in re.split(r"(?<=》)\s*[、，,；;]\s*(?=《)|[；;]\s*(?=《)", line):
            part = part.strip().rstrip("；;，,、").strip()
            if part:
                parts.append(part)
    return parts


def read_channels(text: str) -> tuple[list[str], list[str]]:
    """(ticked channels, unticked ones) of a ■/□ checklist or a plain list."""
    # Text extraction turns □ into 口; a 口 that starts the cell or follows a blank or a
    # separator is a box, one inside a name (办事窗口) is not.
    text = re.sub(r"(^|[\s、，,；;■□☑☐√✓✔])口", lambda m: m.group(1) + "□", text)
    if not _BOX_RE.search(text):
        return [p for p in _LIST_SPLIT.split(text) if p], []
    on, off = [], []
    pieces = _BOX_RE.split(text)
    lead = pieces[0].strip(" \n、，,；;")
    if lead:
        on.append(re.sub(r"\s+", "", lead))
    for mark, name in zip(pieces[1::2], pieces[2::2]):
        name = re.sub(r"\s+", "", name).strip("、，,；;。")
        if name:
            (on if mark in _CHECK_ON else off).append(name)
    return on, off


def parse_date(text: str) -> date | None:
    m = _DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


@dataclass
class Imported:
    """The result of reading a table: the items in schema.ITEM's field order."""
    items: list[dict]
    warnings: list[Problem]
    table: Table


def import_table(table: Table, domain_name: str, slug: str, words: Words) -> Imported:
    """Turn a table into catalog items; raise ImportFailed with every problem found."""
    header, header_rows = find_header(table, words)
    fill_merges(table, header, header_rows)
    columns = read_columns(table, header, header_rows, words)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    fields = {c.field for c in columns if c.kind == "field"} | {c.field for c in columns if c.kind == "tick"}
    for name in ("level1", "subject", "channels", "audience", "mode", "level"):
        if name not in fields:
            label = next(f.label for f in schema.ITEM.fields if f.name == name)
            problems.append(_problem(table, f"{table.sheet_text()}表头中找不到“{label}”列",
                                     f"“{label}”是必填项；表头现有：" + "、".join(c.label for c in columns)))
    if problems:
        raise ImportFailed(problems)
    extras = [c for c in columns if c.kind == "extra"]
    domain_col = next((c for c in columns if c.kind == "domain"), None)

    items: list[dict] = []
    previous: dict | None = None
    filled: set[int] = set()                # extra columns that had something to keep
    for r in range(header + header_rows, len(table.rows)):
        row = table.rows[r]
        get = lambda col: row[col.index] if col.index < len(row) else ""  # noqa: E731
        if not any(row):
            continue
        if domain_col and get(domain_col) and get(domain_col) not in (domain_name, slug):
            continue                       # a whole-county catalog.csv: other domains' rows
        item, row_problems = _read_row(table, r, columns, get, words, previous)
        if item is None:
            if any(get(c) for c in columns if c.kind != "skip"):
                warnings.append(_problem(table, f"{table.where(r)}没有事项名称、内容或公开主体，不是事项，已跳过",
                                         "如果它是分类标题行，可以忽略本提示", "warning"))
            continue
        notes = [item.get("note", "")] if item.get("note") else []
        for c in extras:
            if get(c):
                notes.append(f"{c.label}：{get(c)}")
                filled.add(c.index)
        notes += item.pop("_notes")
        if notes:
            item["note"] = "\n".join(notes)
        item["_row"] = r
        problems += row_problems
        items.append(item)
        previous = item
    used = [c for c in extras if c.index in filled]
    if used:
        warnings.append(_problem(table, "表格中有标准目录以外的列，其内容已写入各事项的备注（note）：" +
                                 "、".join(c.label for c in used),
                                 "请核对；如不需要，可在导入后的文件中删除", "warning"))
    if not items and not problems:
        problems.append(_problem(table, f"{table.sheet_text() or '表格'}表头下面没有任何事项"))
    _assign_ids(table, items, slug, problems)
    if problems:
        raise ImportFailed(problems)
    ordered = []
    for item in items:
        ordered.append({f.name: item[f.name] for f in schema.ITEM.fields if f.name in item})
    return Imported(ordered, warnings, table)


def _read_row(table: Table, r: int, columns: list[Column], get, words: Words,
              previous: dict | None) -> tuple[dict | None, list[Problem]]:
    problems: list[Problem] = []
    item: dict = {"_notes": []}
    ticks: dict[str, list[str]] = {"audience": [], "mode": [], "level": []}

    def bad(col: Column, message: str, hint: str = "") -> None:
        problems.append(_problem(table, f"{table.where(r, col.index, col.label)}：{message}", hint))

    for col in columns:
        text = get(col)
        if col.kind == "tick":
            if not text:
                continue
            ticked, rest = read_mark(text)
            if ticked is None:
                if col.field == "audience" and col.value == "特定群体":
                    ticked, rest = True, text          # the group written in place of √
                else:
                    bad(col, f"无法识别的标记“{text}”", "打勾的单元格请填写 √，不适用的留空")
                    continue
            if ticked:
                ticks[col.field].append(col.value)
                if rest and col.field == "audience" and col.value == "特定群体":
                    item["audience_note"] = rest
                elif rest:
                    item["_notes"].append(f"{col.label}：{rest}")
            continue
        if col.kind != "field" or not text:
            continue
        name = col.field
        if name == "basis":
            item[name] = split_basis(text)
        elif name == "channels":
            item[name] = read_channels(text)[0]
        elif name == "documents":
            item[name] = [p for p in _LIST_SPLIT.split(text) if p]
        elif name == "level":
            for word in (p for p in re.split(r"[\n、，,；;/\s]+", text) if p):
                if norm(word) in words.levels:
                    ticks["level"].append(words.levels[norm(word)])
                else:
                    bad(col, f"“{word}”不是公开层级{suggestion(word, LEVEL_VARIANTS)}", "公开层级填写县级、乡级或本地称呼（如区级、镇(街)级）")
        elif name == "audience":
            m = _AUDIENCE_RE.match(text)
            if not m:
                bad(col, f"“{text}”不是公开对象", "公开对象填写“全社会”或“特定群体”")
            else:
                found = _AUDIENCE_WORDS[m.group(1)]
                ticks["audience"].append(found)
                if m.group(2) and found == "特定群体":
                    item.setdefault("audience_note", m.group(2).strip())
        elif name == "mode":
            found = _MODE_WORDS.get(norm(text))
            if not found:
                bad(col, f"“{text}”不是公开方式", "公开方式填写“主动”或“依申请”")
            else:
                ticks["mode"].append(found)
        elif name == "updated":
            day = parse_date(text)
            if day is None:
                bad(col, f"“{text}”不是日期", "日期写成 2024-03-01")
            else:
                item[name] = day
        else:                                   # id and the texts, line breaks kept
            item[name] = text

    raw_level1 = item.get("level1", "")
    if not any(item.get(k) for k in ("level1", "level2", "level3", "content", "subject", "channels")):
        return None, []
    if not raw_level1 and previous is not None:
        # A table without merged cells leaves the repeated 一级事项 blank.
        item["level1"] = previous["level1"]
        if item.get("level3") and not item.get("level2") and previous.get("level2"):
            item["level2"] = previous["level2"]

    if "channels" in item:
        known, unknown = [], []
        for name in item["channels"]:
            standard = words.channels.get(norm(name))
            other = re.match(r"其他\s*[（(:：]\s*(.+?)\s*[）)]?$", name)
            if standard is None and other:        # 其他（村务公开栏）: the channel and what it is
                standard = "其他"
                item["_notes"].append(f"公开渠道（其他）：{other.group(1)}")
            if standard is None:
                unknown.append(name)
                col = next(c for c in columns if c.field == "channels")
                bad(col, f"“{name}”不是标准的公开渠道{suggestion(name, list(words.channels.values()))}",
                    "请改用 13 种标准渠道之一；本地渠道（如 12345政务服务热线）请先在 site.yaml 的 local_channels 中声明，再导入")
            elif standard not in known:
                known.append(standard)
        item["channels"] = known or unknown     # not reported a second time as missing

    audience = list(dict.fromkeys(ticks["audience"]))
    if len(audience) > 1:
        audience = ["全社会"]
        item["_notes"].append("原表同时勾选了全社会和特定群体")
    if audience:
        item["audience"] = audience[0]
    if item.get("audience") != "特定群体" and item.get("audience_note"):
        item["_notes"].append(f"公开对象说明：{item.pop('audience_note')}")
    modes = list(dict.fromkeys(ticks["mode"]))
    if len(modes) > 1:
        item["_notes"].append("原表同时勾选了主动和依申请")
    if modes:
        item["mode"] = modes[0]
    levels = [lv for lv in LEVELS if lv in ticks["level"]]
    if levels:
        item["level"] = levels

    for name, label in (("level1", "一级事项"), ("subject", "公开主体"), ("channels", "公开渠道和载体"),
                        ("audience", "公开对象"), ("mode", "公开方式"), ("level", "公开层级")):
        if not item.get(name):
            problems.append(_problem(table, f"{table.where(r)}：缺少“{label}”", f"请在表格中填写这一行的“{label}”后再导入"))
    return item, problems


def _assign_ids(table: Table, items: list[dict], slug: str, problems: list[Problem]) -> None:
    """Keep ids the table gives (an exported catalog.xlsx has them); others are the
    domain slug and the item's position, so importing the same table twice agrees."""
    used: dict[str, int] = {}
    for n, item in enumerate(items, 1):
        given = item.get("id", "")
        if given and not _ID_RE.match(given):
            problems.append(_problem(table, f"{table.where(item['_row'])}：事项编号“{given}”只能由字母、数字、- 和 _ 组成",
                                     "请修改编号，或删除“事项编号”列让 zwgk 生成"))
            continue
        item["id"] = given or f"{slug}-{n:03d}"
        if item["id"] in used:
            problems.append(_problem(table, f"{table.where(item['_row'])}：事项编号“{item['id']}”与第 {used[item['id']] + 1} 行重复",
                                     "事项编号在一个县内必须唯一"))
        used.setdefault(item["id"], item["_row"])


# ---------------------------------------------------------------- writing YAML

class _Flow(list):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)     # indent lists under their key


def _represent_str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def domain_yaml(domain_name: str, items: list[dict], source: str) -> str:
    """The catalog YAML of one domain, fields in schema.ITEM's order, empty ones left out."""
    out_items = []
    for item in items:
        out = {}
        for f in schema.ITEM.fields:
            value = item.get(f.name)
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                short = sum(len(v) for v in value) <= 60 or f.name != "basis"
                value = _Flow(value) if short else list(value)
            out[f.name] = value
        out_items.append(out)
    head = f"# 由 zwgk import 从 {source}导入，请核对后提交。\n"
    body = yaml.dump({"domain": domain_name, "items": out_items}, Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=100, default_flow_style=False)
    return head + body


# ---------------------------------------------------------------- the command

def resolve_domain(domain: str, slug: str | None) -> tuple[str, str]:
    """(domain name, file slug) from --domain (a name or a standard slug) and --slug."""
    by_slug = {v: k for k, v in DOMAIN_SLUGS.items()}
    if slug is not None and not _ID_RE.match(slug):
        raise ValueError(f"--slug “{slug}”只能由字母、数字、- 和 _ 组成")
    if domain in by_slug:
        return by_slug[domain], slug or domain
    if domain in DOMAIN_SLUGS:
        return domain, slug or DOMAIN_SLUGS[domain]
    if slug:
        return domain, slug
    if _ID_RE.match(domain):
        raise ValueError(f"--domain “{domain}”不是标准领域的名称或缩写"
                         f"{suggestion(domain, list(by_slug))}；本地领域请写中文名称，并用 --slug 给出文件名")
    raise ValueError(f"“{domain}”不是标准领域{suggestion(domain, STANDARD_DOMAINS)}；"
                     "本地领域请同时用 --slug 给出文件名（字母、数字、- 和 _），例如 --slug xczx")


def load_site(site_dir: str):
    """The site's configuration (for its level wordings and local channels) and the errors
    in it; the default configuration when the folder has no site.yaml."""
    from zwgk.source import Sources, YamlSource
    from zwgk.source import SourceError, decode, parse_yaml
    from zwgk.library import validate_site_config
    problems: list[Problem] = []
    source = None
    path = os.path.join(site_dir, "site.yaml")
    if os.path.isfile(path):
        try:
            with open(path, "rb") as f:
                source = YamlSource("site.yaml", "site", parse_yaml(decode(f.read(), "site.yaml"), "site.yaml", problems), 0.0)
        except SourceError as exc:
            problems.append(exc.problem)
    site = validate_site_config(Sources(os.path.abspath(site_dir), source, {}, [], {}, problems), problems)
    return site, [p for p in problems if p.severity == "error"]


def validate_output(text: str, dest: str, county: str, slug: str, site) -> list[Problem]:
    """The errors the build would find in the YAML about to be written."""
    from zwgk.source import YamlSource
    from zwgk.source import SourceError, parse_yaml
    from zwgk.library import CountyDraft, validate_domain
    problems: list[Problem] = []
    try:
        node = parse_yaml(text, dest, problems)
    except SourceError as exc:
        return [exc.problem]
    draft = CountyDraft(county, {}, "", [], {}, {}, {}, [], [], {})
    validate_domain(YamlSource(dest, slug, node, 0.0), county, site, draft, problems)
    return [p for p in problems if p.severity == "error"]


def run_import_command(args) -> int:
    """`zwgk import FILE --county C --domain D [--slug S] [--sheet NAME] [--out PATH] [--force] [--site DIR]`."""
    site_dir = getattr(args, "site", None) or "."

    def fail(code: int, message: str) -> int:
        print(f"zwgk import: {message}", file=sys.stderr)
        return code

    if not _ID_RE.match(args.county or ""):
        return fail(USAGE_ERROR, f"--county “{args.county}”应为 catalog/ 下的县（区）目录名")
    try:
        domain_name, slug = resolve_domain(args.domain, getattr(args, "slug", None))
    except ValueError as exc:
        return fail(USAGE_ERROR, str(exc))
    if not os.path.isfile(args.file):
        return fail(USAGE_ERROR, f"找不到要导入的文件 {args.file}")
    if args.out:
        dest = args.out
    else:
        county_dir = os.path.join(site_dir, "catalog", args.county)
        if not os.path.isdir(county_dir):
            return fail(USAGE_ERROR, f"找不到县（区）目录 {county_dir}；请检查 --county，"
                                     f"新县（区）请先运行 zwgk new-county {args.county} --name 名称，或用 --out 指定输出文件")
        dest = os.path.join(county_dir, f"{slug}.yaml")
    shown = os.path.relpath(dest, site_dir) if not args.out else dest
    if os.path.exists(dest) and not args.force:
        return fail(CONTENT_ERROR, f"{shown} 已存在，没有覆盖。确认要用表格内容替换它，请加 --force")

    site, site_problems = load_site(site_dir)
    words = Words.for_site(site.level_names, site.local_channels)
    if site_problems:
        print(format_report(site_problems), file=sys.stderr)
        return CONTENT_ERROR
    try:
        table = read_table(args.file, getattr(args, "sheet", None), domain_name)
        imported = import_table(table, domain_name, slug, words)
    except ImportFailed as exc:
        print(format_report(exc.problems), file=sys.stderr)
        return CONTENT_ERROR
    source = os.path.basename(args.file) + (f"（工作表“{table.sheet}”）" if table.sheet else " ")
    text = domain_yaml(domain_name, imported.items, source)
    problems = validate_output(text, shown.replace(os.sep, "/"), args.county, slug, site)
    if problems:
        print(format_report(imported.warnings + problems), file=sys.stderr)
        print("导入结果不能通过检查，没有写入文件。", file=sys.stderr)
        return CONTENT_ERROR
    if imported.warnings:
        print(format_report(imported.warnings), file=sys.stderr)
    parent = os.path.dirname(os.path.abspath(dest))
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f".{os.path.basename(dest)}.import-tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, dest)
    print(f"已从 {source}导入 {len(imported.items)} 个事项到 {shown}（领域：{domain_name}）。")
    return 0
