"""A document's body laid out as official documents are (GB/T 9704): the 落款 and its date set
right, and the body's 附件 line linking to the attachments; the attachments with a title, format
and size. Works on the HTML markdown-it made (its paragraphs are plain <p> elements)."""
from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass

from markupsafe import escape

_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_DATE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_ATTACHMENT_LINE = re.compile(r"^附\s*件\s*[:：]")
FORMATS = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".xls": "Excel", ".xlsx": "Excel", ".csv": "CSV",
           ".wps": "WPS", ".et": "WPS 表格", ".ofd": "OFD", ".zip": "压缩包", ".jpg": "图片", ".jpeg": "图片", ".png": "图片"}


@dataclass(frozen=True)
class Attachment:
    path: str            # relative to content/<county>/
    title: str
    kind: str            # PDF, Word ...
    size: str            # "33.2 KB", or "" when unknown


def attachments(paths, folder: str, body: str = "") -> list[Attachment]:
    """The attachments with a title (as the body's 附件 line names them, else from the file name
    without its 附件N- prefix), the format and the size of the file in `folder` (content/<county>/)."""
    named = attachment_titles(body, len(paths))
    found = []
    for n, path in enumerate(paths):
        name, suffix = posixpath.splitext(posixpath.basename(path))
        title = named[n] if named else file_title(path)
        full = os.path.join(folder, *path.split("/")) if folder else ""
        size = os.path.getsize(full) if full and os.path.isfile(full) else None
        found.append(Attachment(path, title, FORMATS.get(suffix.lower(), suffix.lstrip(".").upper()),
                                size_text(size) if size is not None else ""))
    return found


def file_title(path: str) -> str:
    """An attachment's title from its file name, without the extension and a 附件N- prefix."""
    name = posixpath.splitext(posixpath.basename(path))[0]
    return re.sub(r"^(附件\s*\d*\s*[-_.、：:]?\s*)", "", name) or name


def size_text(n: int) -> str:
    """A file's size as the attachments and the downloads page show it."""
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def lay_out(body: str, links: list[str]) -> str:
    """The body with its 落款 set right and its 附件 line linked (`links`: the attachments' hrefs, in order)."""
    paragraphs = list(_PARAGRAPH.finditer(body))
    if len(paragraphs) >= 2 and _DATE.match(_text(paragraphs[-1].group(1))) and len(_text(paragraphs[-2].group(1))) <= 40:
        for m in reversed(paragraphs[-2:]):
            body = body[:m.start()] + '<p class="sign">' + m.group(1) + "</p>" + body[m.end():]
    if links:
        body = _PARAGRAPH.sub(lambda m: _linked(m, links), body)
    return body


def attachment_titles(body: str, count: int) -> list[str]:
    """The titles the body's 附件 line gives, one per attachment, or [] when they do not match up."""
    for m in _PARAGRAPH.finditer(body):
        parts = _parts(m.group(1))
        if parts is not None:
            titles = [re.sub(r"^\d{1,2}\s*[.．、]\s*", "", p.strip()) for p in parts]
            return titles if len(titles) == count else []
    return []


def _parts(inner: str) -> list[str] | None:
    """The items of a 附件 line (附件：1.甲 2.乙), or None for another paragraph."""
    if "<" in inner or not _ATTACHMENT_LINE.match(inner):
        return None
    rest = inner[len(_ATTACHMENT_LINE.match(inner).group(0)):]
    return [p for p in re.split(r"(?=(?:^|\s)\d{1,2}\s*[.．、])", rest) if p.strip()]


def _linked(m: re.Match, links: list[str]) -> str:
    parts = _parts(m.group(1))
    if parts is None:
        return m.group(0)
    label = _ATTACHMENT_LINE.match(m.group(1)).group(0)
    rest = m.group(1)[len(label):]
    if len(parts) == len(links) > 0:
        linked = "".join(f'<a href="{escape(href)}">{part.strip()}</a> ' for part, href in zip(parts, links)).strip()
        return f"<p>{label}{linked}</p>"
    if len(links) == 1:
        return f'<p>{label}<a href="{escape(links[0])}">{rest.strip()}</a></p>'
    return m.group(0)


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment).strip()
