"""Personal information in sources and attachments: ID, mobile and bank card numbers, e-mail, name lists.

Numbers are recognised by their structure, not by their length: an ID number needs a
valid region, birth date and GB 11643 check digit, a bank card the Luhn check. Masked
forms (35*************123, 138****1234) never match. Findings never carry the raw value:
the report shows masked excerpts only, so the report itself cannot leak.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping, Sequence

from zwgk.source.attachments import Extracted, Piece, describe, extract
from zwgk.base import Problem

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

# Full-width digits and letters, as typed with a Chinese input method; one character each,
# so positions in the text stay the same.
_HALF_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                             **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
                             **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
                             "＠": "@", "－": "-", "．": ".", "＋": "+"})

_PATTERN = re.compile(r"""
    (?P<email>(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@
        [A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}
        (?![A-Za-z0-9-]))
  | (?P<run>(?<![0-9A-Za-z])(?<!\d\.)\d{15,19}[Xx]?(?![0-9A-Za-z]))
  | (?P<grouped>(?<![0-9A-Za-z])\d{4}(?P<gsep>[ -])\d{4}(?P=gsep)\d{4}(?P=gsep)\d{4}(?:(?P=gsep)\d{1,3})?(?![0-9A-Za-z]))
  | (?P<mobile>(?<![0-9A-Za-z])(?<!\d\.)(?:\+?86[ -]?)?1[3-9]\d(?P<msep>[ -]?)\d{4}(?P=msep)\d{4}(?![0-9A-Za-z]))
""", re.X)

# A number followed by a unit of money is an amount, not a phone number.
_AMOUNT_AFTER = re.compile(r"\s*(?:元|万|亿|千|百|美元|%|％)")

_REGIONS = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
            50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True, slots=True)
class Match:
    kind: str
    start: int
    end: int
    value: str


def _valid_birth(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1800, 1, 1) <= born <= date.today()


def looks_like_id18(number: str) -> bool:
    """A region and a birth date where an ID number has them (the check digit aside)."""
    return (len(number) == 18 and number[:17].isdigit() and int(number[:2]) in _REGIONS
            and _valid_birth(int(number[6:10]), int(number[10:12]), int(number[12:14])))


def id18_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def is_id18(number: str) -> bool:
    """An 18-digit 居民身份证号码 with a valid GB 11643 check digit."""
    return looks_like_id18(number) and id18_check_digit(number[:17]) == number[17].upper()


def is_id15(number: str) -> bool:
    """A 15-digit legacy number: region and a valid 19YYMMDD birth date."""
    return (len(number) == 15 and number.isdigit() and int(number[:2]) in _REGIONS
            and _valid_birth(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])))


def luhn_ok(digits: str) -> bool:
    total = 0
    for n, ch in enumerate(reversed(digits)):
        d = int(ch)
        if n % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_issuer_plausible(digits: str) -> bool:
    # Visa 4, Mastercard 5 and 2221-2720, JCB 35, UnionPay 6x, old domestic cards 95xx.
    return digits[0] in "3456" or digits.startswith("95") or 2221 <= int(digits[:4]) <= 2720


def is_bank_card(digits: str) -> bool:
    return 16 <= len(digits) <= 19 and digits.isdigit() and _card_issuer_plausible(digits) and luhn_ok(digits)


def _classify(number: str) -> str:
    """The kind of a 15-19 character number, or '' when it is none of ours."""
    if len(number) == 18 and looks_like_id18(number):
        # An ID-shaped number with a wrong check digit is a typo or a specimen, not a card.
        return "id_card" if is_id18(number) else ""
    if len(number) == 15:
        return "id_card" if is_id15(number) else ""
    return "bank_card" if is_bank_card(number) else ""


# Cheap to search for: every match contains one of these. Lines without one are skipped,
# which makes scanning ordinary prose several times faster.
_CANDIDATE = re.compile(r"(?=[0-9０-９@＠])(?:[0-9０-９]{11}|[0-9０-９]{4}[ \-－][0-9０-９]{4}|[@＠])")


def find_personal_info(text: str) -> list[Match]:
    """Every ID, mobile and bank card number and e-mail address in text, in order."""
    found: list[Match] = []
    done_to = 0
    for candidate in _CANDIDATE.finditer(text):
        if candidate.start() < done_to:
            continue
        start = text.rfind("\n", 0, candidate.start()) + 1
        end = text.find("\n", candidate.end())
        end = len(text) if end < 0 else end
        found += _find_in_line(text, start, end)
        done_to = end
    return found


def _find_in_line(text: str, start: int, end: int) -> list[Match]:
    found = []
    half = text[start:end].translate(_HALF_WIDTH)
    for m in _PATTERN.finditer(half):
        value = text[start + m.start():start + m.end()]
        span = (start + m.start(), start + m.end())
        if m.lastgroup == "email":
            found.append(Match("email", *span, value))
        elif m.lastgroup in ("run", "grouped"):
            kind = _classify(re.sub(r"[ -]", "", m.group()))
            if kind:
                found.append(Match(kind, *span, value))
        elif m.group("mobile") is not None:
            digits = re.sub(r"\D", "", m.group())
            if digits.endswith("0000000") or _AMOUNT_AFTER.match(half, m.end()) or half[m.start() - 1:m.start()] in ("¥", "￥"):
                continue
            found.append(Match("mobile", *span, value))
    return found


def mask(kind: str, value: str) -> str:
    """The value as it may be shown: 35*************123, 138****1234, 6222***********1234, z***@example.cn."""
    if kind == "email":
        local, _, host = value.partition("@")
        return f"{local[:1]}***@{host}"
    digits = re.sub(r"[^0-9Xx]", "", value.translate(_HALF_WIDTH))
    if kind == "mobile":
        digits = digits[-11:]
        return f"{digits[:3]}****{digits[-4:]}"
    if kind == "id_card":
        return digits[:2] + "*" * (len(digits) - 5) + digits[-3:]
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_all(text: str, matches: Sequence[Match]) -> str:
    out, last = [], 0
    for m in matches:
        out.append(text[last:m.start])
        out.append(mask(m.kind, m.value))
        last = m.end
    out.append(text[last:])
    return "".join(out)


def excerpt(line: str, matches: Sequence[Match], target: Match, width: int = 12) -> str:
    """A short piece of the line around target, with every number in it masked."""
    before = [m for m in matches if m.end <= target.start]
    masked_before = mask_all(line[:target.start], before)
    shown = mask(target.kind, target.value)
    after = mask_all(line[target.end:], [Match(m.kind, m.start - target.end, m.end - target.end, m.value)
                                         for m in matches if m.start >= target.end])
    head = masked_before[-width:]
    tail = after[:width]
    text = ("…" if len(masked_before) > width else "") + head + shown + tail + ("…" if len(after) > width else "")
    return " ".join(text.split())


# ---------------------------------------------------------------- allowances

def _keys(value: str) -> set[str]:
    value = value.translate(_HALF_WIDTH).strip()
    keys = {value.lower()}
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    if digits:
        keys.add(digits)
        if len(digits) == 13 and digits.startswith("86"):   # a mobile written with +86
            keys.add(digits[2:])
    return keys


def _match_key(m: Match) -> str:
    if m.kind == "email":
        return m.value.translate(_HALF_WIDTH).lower()
    digits = re.sub(r"[^0-9Xx]", "", m.value.translate(_HALF_WIDTH)).upper()
    return digits[-11:] if m.kind == "mobile" else digits


class Allowlist:
    """site.yaml's pii_allow: values that may be published, each with its reason."""

    def __init__(self, entries: Iterable[tuple[str, str]]):
        self.entries = tuple(entries)
        self._by_key: dict[str, tuple[str, str]] = {}
        for value, reason in self.entries:
            for key in _keys(value):
                self._by_key.setdefault(key, (value, reason))

    def find(self, m: Match) -> tuple[str, str] | None:
        return self._by_key.get(_match_key(m))


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
              counties: Sequence[str] | None = None) -> PiiReport:
    """Scan every source text (YAML, Markdown) and every attachment of the given counties."""
    scanner = _Scanner(Allowlist(allow))
    for path in sorted(texts):
        scanner.text(path, texts[path])
    for rel, full in attachment_files(root, counties):
        got = extract(full)
        if got is not None:
            scanner.attachment(rel, got)
    return scanner.report


def mask_texts(texts: Mapping[str, str]) -> dict[str, str]:
    """Copies of the source texts with every personal number masked, for showing source lines."""
    return {path: mask_all(text, find_personal_info(text)) for path, text in texts.items()}
