"""Reading cells: √ marks, ■/□ checklists of channels, lists of 公开依据, dates, and the
words a 公开对象 or 公开方式 column holds."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from zwgk.base import STANDARD_CHANNELS


def norm(text: str) -> str:
    """A header label or mark as compared: NFKC (full-width → half-width), no blanks."""
    return re.sub(r"[\s*＊:：]+", "", unicodedata.normalize("NFKC", text))


_YES_MARKS = "√✓✔☑✅■●◆★vVyY"
_NO_MARKS = {"", "×", "✗", "✘", "□", "口", "☐", "否", "-", "—", "－", "/", "无", "n", "N"}
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


@dataclass
class ChannelCell:
    """A 公开渠道和载体 cell read against the channel names: the ticked and unticked channels,
    what 其他 stands for, and the parts that are no channel (start, end, text)."""
    on: list[str] = field(default_factory=list)
    off: list[str] = field(default_factory=list)
    other: str = ""
    unknown: list[tuple[int, int, str]] = field(default_factory=list)


_ON = "■☑√✓✔✅"
_OFF = "□☐×✗"
_SEPARATORS = r"[\s、，,；;/／]+|\d+\s*[.、．)）]|[（(]\d+[)）]|[①-⑳]"


def _name_pattern(name: str) -> str:
    """A channel name as tables write it: ( ) and / full-width or not."""
    out = ""
    for ch in name:
        out += {"(": "[(（]", ")": "[)）]", "/": "[/／]"}.get(ch, re.escape(ch))
    return out


def read_channels(text: str, names=STANDARD_CHANNELS) -> ChannelCell:
    """Tokenise a cell against the channel names, longest first, so names glued together or to
    their boxes are found, and a 口 (text extraction's □) is a box only before a channel name:
    one inside a name (出入境口岸, 人口) stays text."""
    ordered = sorted(set(names), key=len, reverse=True)
    by_pattern = [(re.compile(_name_pattern(n)), n) for n in ordered]
    names_re = re.compile("|".join(f"(?:{_name_pattern(n)})" for n in ordered)) if ordered else None
    separators = re.compile(_SEPARATORS)
    cell, mark, pos, unknown_from, unknown_mark = ChannelCell(), None, 0, None, None

    def close_unknown(at: int) -> None:
        nonlocal unknown_from
        if unknown_from is not None:
            piece = text[unknown_from:at]
            stripped = piece.strip(" \n、，,；;。")
            if stripped and unknown_mark == "off":
                cell.off.append(stripped)         # an unticked box: not a channel the item uses
            elif stripped:
                start = unknown_from + piece.index(stripped)
                cell.unknown.append((start, start + len(stripped), stripped))
            unknown_from = None

    while pos < len(text):
        found = names_re.match(text, pos) if names_re else None
        if found:
            close_unknown(pos)
            name = next(n for pattern, n in by_pattern if pattern.fullmatch(found.group()))
            pos = found.end()
            if name == "其他":
                other = re.match(r"\s*[（(:：]\s*([^）)■□☑☐]+?)\s*[）)]", text[pos:])
                if other:
                    cell.other = other.group(1)
                    pos += other.end()
            (cell.off if mark == "off" else cell.on).append(name)
            mark = None
            continue
        ch = text[pos]
        # 口 is a box before a channel name, or where a box stands (the cell's start, after a blank,
        # a separator or another box); inside a word (人口, 办事窗口) it is a character.
        box = ch == "口" and ((names_re is not None and names_re.match(text[pos + 1:].lstrip()))
                             or pos == 0 or text[pos - 1] in " \n、，,；;" + _ON + _OFF)
        if ch in _ON or ch in _OFF or box:
            close_unknown(pos)
            mark = "on" if ch in _ON else "off"
            pos += 1
            continue
        sep = separators.match(text, pos)
        if sep and unknown_from is None:
            pos = sep.end()
            continue
        if sep and sep.group().strip() != "":
            close_unknown(pos)
            pos = sep.end()
            continue
        if unknown_from is None:
            unknown_from, unknown_mark, mark = pos, mark, None
        pos += 1
    close_unknown(len(text))
    return cell


def parse_date(text: str) -> date | None:
    m = _DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
