"""Reading cells: √ marks, ■/□ checklists of channels, lists of 公开依据, dates, and the
words a 公开对象 or 公开方式 column holds."""
from __future__ import annotations

import re
import unicodedata
from datetime import date


def norm(text: str) -> str:
    """A header label or mark as compared: NFKC (full-width → half-width), no blanks."""
    return re.sub(r"[\s*＊:：]+", "", unicodedata.normalize("NFKC", text))


_YES_MARKS = "√✓✔☑✅■●◆★vVyY"
_NO_MARKS = {"", "×", "✗", "✘", "□", "口", "☐", "否", "-", "—", "－", "/", "无", "n", "N"}
_CHECK_ON = "■☑√✓✔✅"
_CHECK_OFF = "□☐"
_BOX_RE = re.compile(f"([{_CHECK_ON}{_CHECK_OFF}])")
LIST_SPLIT = re.compile(r"[\n、，,；;\s]+")
AUDIENCE_WORDS = {"全社会": "全社会", "社会公众": "全社会", "全体公众": "全社会", "公众": "全社会",
                  "特定群体": "特定群体", "特定群众": "特定群体", "特定对象": "特定群体", "特定人群": "特定群体"}
# 特定群体（教师） or 特定群体：教师 in a 公开对象 column of values.
AUDIENCE_RE = re.compile(r"\s*(" + "|".join(AUDIENCE_WORDS) + r")\s*[（(:：]?\s*(.*?)\s*[）)]?\s*$", re.S)
MODE_WORDS = {"主动": "主动", "主动公开": "主动", "依申请": "依申请", "依申请公开": "依申请"}
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
    """公开依据 one per line; within a line, 《…》、《…》, 《…》；《…》 and 《…》《…》 are several
    (a cell typed in Excel splits on line breaks, the same table saved as CSV often runs the
    titles together: both give the same list)."""
    parts = []
    for line in text.split("\n"):
        for part in re.split(r"(?<=》)\s*[、，,；;]?\s*(?=《)|[；;]\s*(?=《)", line):
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
        return [p for p in LIST_SPLIT.split(text) if p], []
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
