"""Guessing a document's front matter from its text: the labelled metadata block an old CMS
prints above the article (索引号、发文字号、发文机关、成文日期、发布日期), else the document's own
落款 (the issuing body and the date at its end) and its 发文字号 line under the title.
Every guess is named, so the summary can list what an editor should review."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from zwgk.commands.importer import parse_date

_LABEL = r"[ \t]*[:：][ \t]*"
_FIELDS = {
    "index_no": r"索\s*引\s*号",
    "doc_no": r"(?:发文字号|文\s*号)",
    "issuer": r"(?:发文机关|发布机构|发文单位|发布单位|信息来源)",
    "written": r"(?:成文日期|成文时间|生成日期)",
    "published": r"(?:发布日期|发布时间|公开日期)",
}
# GB/T 9704: 机关代字〔年份〕序号号; old sites write the year in [] 【】 () （） too.
_DOC_NO = re.compile(r"([\u4e00-\u9fff]{1,12}?)\s*[〔\[【(（［]\s*(\d{4})\s*[〕\]】)）］]\s*(\d{1,4})\s*号")


@dataclass
class Guessed:
    values: dict = field(default_factory=dict)     # front matter field -> value
    how: dict = field(default_factory=dict)        # field -> where the value came from (Chinese)


def normalise_doc_no(text: str) -> str:
    """A 发文字号 as GB/T 9704 writes it: 〔〕 around the year, no leading zeros."""
    m = _DOC_NO.search(text)
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号" if m else ""


def guess_fields(text: str, title: str) -> Guessed:
    found = Guessed()
    for key, label in _FIELDS.items():
        m = re.search(label + _LABEL + r"([^\n\t]{1,80}?)(?=\s{2,}|\t|\n|$|" + "|".join(_FIELDS.values()) + ")", text)
        if not m:
            continue
        raw = m.group(1).strip()
        value = parse_date(raw) if key in ("written", "published") else (normalise_doc_no(raw) if key == "doc_no" else raw)
        if value:
            found.values[key], found.how[key] = value, "页面的信息栏"
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if "doc_no" not in found.values:
        for line in lines[:8]:                       # the 发文字号 line sits just under the title
            if _DOC_NO.fullmatch(line.replace(" ", "")) or (len(line) <= 20 and _DOC_NO.search(line)):
                found.values["doc_no"], found.how["doc_no"] = normalise_doc_no(line), "正文开头的发文字号"
                break
    tail = lines[-6:]
    for n in range(len(tail) - 1, 0, -1):            # 落款: the body, then the date on the next line
        day = parse_date(tail[n])
        if day and re.fullmatch(r"[\s\d年月日\-/.]+", tail[n]) and re.search(r"[\u4e00-\u9fff]{4,}(?:政府|办公室|局|委员会|委|厅|处|中心|院|所|站|会)$", tail[n - 1]):
            found.values.setdefault("issuer", tail[n - 1])
            found.how.setdefault("issuer", "落款")
            if "written" not in found.values:
                found.values["written"], found.how["written"] = day, "落款的日期"
            break
    if "published" not in found.values and "written" in found.values:
        found.values["published"], found.how["published"] = found.values["written"], "没有发布日期，用成文日期代替"
    if "issuer" not in found.values:
        m = re.match(r"([\u4e00-\u9fff]{2,20}?(?:人民政府办公室|人民政府|办公室|局|委员会))(?:关于|印发)", title)
        if m:
            found.values["issuer"], found.how["issuer"] = m.group(1), "标题"
    return found
