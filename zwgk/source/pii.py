"""Personal information in sources and attachments: the site scan, name lists, and the report.

What counts as an ID, mobile or bank card number or an e-mail address is piifind's. Findings
never carry the raw value: the report shows masked excerpts only, so the report itself cannot leak.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from zwgk.base import Problem
from zwgk.source.attachments import Extracted, ExtractedTexts, Piece, describe, extract, searchable_text

# Callers and tests name the finders as this module's too: the scan and what it finds go together.
from zwgk.source.piifind import (  # noqa: F401
    Allowlist,
    Match,
    excerpt,
    find_personal_info,
    id18_check_digit,
    is_bank_card,
    is_id15,
    is_id18,
    looks_like_id18,
    luhn_ok,
    mask,
    mask_all,
)

KIND_LABELS = {
    "id_card": "身份证号码",
    "mobile": "手机号码",
    "bank_card": "银行卡号",
    "email": "电子邮箱",
    "name_table": "姓名与个人信息同表",
}

ALLOW_HINT = "确需公开的号码（如单位的公开服务热线）请在 site.yaml 的 pii_allow 中写明号码和理由"
FIX_HINTS = {
    "id_card": "请删除，或只保留前 2 位和后 3 位（如 35*************123）",
    "mobile": "请删除，或遮蔽中间 4 位（如 138****1234）",
    "bank_card": "请删除，或只保留前 4 位和后 4 位（如 6222***********1234）",
    "email": "请删除个人邮箱，或改为单位的公开邮箱",
    "name_table": "公示名单只能保留必要信息：同一表格中的身份证号码、手机号码、银行卡号、邮箱应删除或遮蔽",
}

# ---------------------------------------------------------------- findings

@dataclass(frozen=True, slots=True)
class Finding:
    path: str            # site-relative, posix
    place: dict          # {"line", "col"} in a text file, or an attachment place (see attachments_text)
    kind: str            # a key of KIND_LABELS
    masked: str          # the value masked ("" for a table)
    excerpt: str         # the text around it, every number masked
    allowed_by: str = ""  # the pii_allow value that allows it
    reason: str = ""      # and its reason

    @property
    def line(self) -> int:
        return self.place.get("line", 0) if "page" not in self.place else 0

    @property
    def col(self) -> int:
        return self.place.get("col", 1) if self.line else 0

    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.col}" if self.line and self.col else f"{self.path} {describe(self.place)}"

    def problem(self) -> Problem:
        prefix = "" if (self.line and self.col) else f"{describe(self.place)}："
        label = KIND_LABELS[self.kind]
        if self.kind == "name_table":
            message = f"{prefix}表格把姓名与个人信息放在一起（{self.excerpt}）"
        else:
            message = f"{prefix}发现{label} {self.masked}：“{self.excerpt}”"
        hint = FIX_HINTS[self.kind] + ("" if self.kind == "name_table" else "；" + ALLOW_HINT)
        return Problem(self.path, self.line, self.col, "个人信息：" + message, hint, "error")


@dataclass
class PiiReport:
    findings: list[Finding] = field(default_factory=list)   # not allowed: errors
    allowed: list[Finding] = field(default_factory=list)    # allowed by site.yaml pii_allow
    allowances: tuple[tuple[str, str], ...] = ()
    unchecked: list[tuple[str, str]] = field(default_factory=list)   # (path, why) attachments not read
    textless: list[str] = field(default_factory=list)   # PDF attachments with no text layer (scans)
    texts: dict[str, str] = field(default_factory=dict, repr=False)   # text attachments (.txt, .csv): their text
    searchable: dict[str, str] = field(default_factory=dict, repr=False)   # every attachment read: its text for search

    def problems(self) -> list[Problem]:
        problems = [f.problem() for f in self.findings]
        problems += [Problem(path, 0, 0, f"附件无法检查个人信息：{why}",
                             "请另存为 .xlsx、.docx、.csv 或带文字的 PDF，以便发布前检查", "warning")
                     for path, why in self.unchecked]
        return problems

    def uses(self, value: str) -> list[Finding]:
        return [f for f in self.allowed if f.allowed_by == value]


class _Scanner:
    def __init__(self, allow: Allowlist):
        self.allow = allow
        self.report = PiiReport(allowances=allow.entries)

    def add(self, path: str, place: dict, m: Match, line_text: str, matches: Sequence[Match]) -> bool:
        """Record one match; True when it is not allowed."""
        allowed = self.allow.find(m)
        if allowed and path == "site.yaml":
            return False    # the allowance itself, not a use of it
        finding = Finding(path, place, m.kind, mask(m.kind, m.value), excerpt(line_text, matches, m),
                          *(allowed or ("", "")))
        (self.report.allowed if allowed else self.report.findings).append(finding)
        return allowed is None

    def text(self, path: str, text: str) -> None:
        """A YAML or Markdown source: every match at its line and column."""
        matches = find_personal_info(text)
        if not matches:
            return
        by_line: dict[int, list[Match]] = {}
        for m in matches:
            line_start = text.rfind("\n", 0, m.start) + 1
            by_line.setdefault(line_start, []).append(m)
        leaked = False
        line_no, counted_to = 1, 0
        for line_start, on_line in by_line.items():
            line_no += text.count("\n", counted_to, line_start)
            counted_to = line_start
            line_end = text.find("\n", line_start)
            line = text[line_start: None if line_end < 0 else line_end]
            local = [Match(m.kind, m.start - line_start, m.end - line_start, m.value) for m in on_line]
            for m in local:
                leaked |= self.add(path, {"line": line_no, "col": m.start + 1}, m, line, local)
        if leaked and path.endswith(".md"):
            for table in _markdown_tables(text):
                self.table(path, table)

    def attachment(self, path: str, got: Extracted) -> None:
        if got.unreadable:
            self.report.unchecked.append((path, got.unreadable))
            return
        if path.lower().endswith(".pdf") and not any(piece.text.strip() for piece in got.pieces):
            self.report.textless.append(path)
        if path.lower().endswith((".txt", ".csv")):
            self.report.texts[path] = "\n".join(piece.text for piece in got.pieces)
        self.report.searchable[path] = searchable_text(got)
        leaked = False
        for piece in got.pieces:
            matches = find_personal_info(piece.text)
            for m in matches:
                place = dict(piece.place)
                if "line" in place and "column" not in place and "page" not in place:
                    place["col"] = m.start + 1
                leaked |= self.add(path, place, m, piece.text, matches)
        if leaked:
            for table in got.tables:
                self.table(path, table)

    def table(self, path: str, rows: list[list[Piece]]) -> None:
        """A table whose name column sits beside unmasked numbers: one finding for the table."""
        header_at = next((n for n, row in enumerate(rows[:10]) if any(_is_name_header(c.text) for c in row)), None)
        if header_at is None:
            return
        header = {_column(c.place): c for c in rows[header_at]}
        name_cols = [k for k, c in header.items() if _is_name_header(c.text)]
        leaked_rows = 0
        columns: dict = {}
        for row in rows[header_at + 1:]:
            cells = {_column(c.place): c for c in row}
            if not any(cells.get(k) and cells[k].text.strip() for k in name_cols):
                continue
            hit = False
            for key, cell in cells.items():
                if key in name_cols:
                    continue
                kinds = [m.kind for m in find_personal_info(cell.text) if self.allow.find(m) is None]
                if kinds:
                    hit = True
                    columns.setdefault(key, kinds[0])
            leaked_rows += hit
        if not leaked_rows:
            return
        names = "、".join(f"“{_header_text(header[k])}”" for k in name_cols)
        others = "、".join(f"“{_header_text(header[k])}”列（{KIND_LABELS[kind]}）" if k in header else KIND_LABELS[kind]
                          for k, kind in columns.items())
        first = header[name_cols[0]]
        self.report.findings.append(Finding(path, dict(first.place), "name_table", "",
                                            f"{names}列与{others}，共 {leaked_rows} 行"))


_NAME_HEADER = re.compile(r"姓名|户主|申请人|户名|联系人|收款人|持卡人|领款人|领取人|监护人|被征收人|权利人|受助人"
                          r"|救助对象|补贴对象|参保人|法定代表人|负责人")


def _is_name_header(text: str) -> bool:
    compact = re.sub(r"\s|[:：*＊]", "", text)
    return 0 < len(compact) <= 10 and bool(_NAME_HEADER.search(compact))


def _header_text(cell: Piece) -> str:
    return " ".join(cell.text.split())[:20]


def _column(place: Mapping) -> object:
    if "cell" in place:
        return re.sub(r"\d", "", place["cell"])
    return place.get("column")


def _markdown_tables(text: str) -> list[list[list[Piece]]]:
    """Pipe tables of a Markdown file as rows of cells, each cell placed at its line."""
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark").enable("table")
    lines = text.split("\n")
    tables: list[list[list[Piece]]] = []
    rows: list[list[Piece]] | None = None
    row: list[Piece] = []
    line = column = 0
    for token in md.parse(text):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            line = token.map[0] + 1 if token.map else 0
            row, column = [], 0
        elif token.type == "inline" and rows is not None:
            column += 1
            col = max(lines[line - 1].find(token.content), 0) + 1 if 0 < line <= len(lines) else 1
            row.append(Piece(token.content, {"line": line, "col": col, "column": column}))
        elif token.type == "tr_close" and rows is not None:
            rows.append(row)
        elif token.type == "table_close" and rows is not None:
            tables.append(rows)
            rows = None
    return tables


# ---------------------------------------------------------------- the site

def attachment_files(root: str, counties: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(site-relative path, absolute path) of every file under content/<county>/files/."""
    content = os.path.join(root, "content")
    if counties is None:
        counties = sorted(e.name for e in os.scandir(content) if e.is_dir() and e.name != "pages") \
            if os.path.isdir(content) else []
    found = []
    for county in counties:
        top = os.path.join(content, county, "files")
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                if name.startswith(".") or os.path.islink(full) or not os.path.isfile(full):
                    continue
                found.append((os.path.relpath(full, root).replace(os.sep, "/"), full))
    return found


def scan_site(root: str, texts: Mapping[str, str], allow: Iterable[tuple[str, str]],
              counties: Sequence[str] | None = None, extracted: ExtractedTexts | None = None) -> PiiReport:
    """Scan every source text (YAML, Markdown) and every attachment of the given counties
    (their text from `extracted` when a long-running process keeps it)."""
    scanner = _Scanner(Allowlist(allow))
    for path in sorted(texts):
        scanner.text(path, texts[path])
    for rel, full in attachment_files(root, counties):
        got = extracted.extract(full) if extracted else extract(full)
        if got is not None:
            scanner.attachment(rel, got)
    return scanner.report


def mask_texts(texts: Mapping[str, str]) -> dict[str, str]:
    """Copies of the source texts with every personal number masked, for showing source lines."""
    return {path: mask_all(text, find_personal_info(text)) for path, text in texts.items()}
