"""A document file read into its article: title, body as Markdown, all its text, its images.

DOCX through mammoth (headings, lists, tables, images), a saved web page through readability
(the article found among the site's navigation), TXT as paragraphs; HTML to Markdown through
markdownify. Nothing is fetched: an image that is not inside the file (or beside a saved
page) is listed as missing, never downloaded."""
from __future__ import annotations

import base64
import html
import io
import os
import re
from dataclasses import dataclass, field

from zwgk.source import TABLE_TEXT, SourceError, decode

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


@dataclass
class Article:
    title: str
    markdown: str
    text: str                                  # the whole file's text, metadata blocks included
    images: list[tuple[str, bytes]] = field(default_factory=list)   # (suffix, bytes), in order, as img-N
    missing: list[str] = field(default_factory=list)                # images referred to but not found


class Unreadable(Exception):
    """The file cannot be read as a document; the message says why (Chinese)."""


def read_article(path: str) -> Article:
    size = os.path.getsize(path)
    if size > MAX_DOCUMENT_BYTES:
        raise Unreadable(f"文件过大（{size // (1024 * 1024)} MB）")
    with open(path, "rb") as f:
        data = f.read()
    lower = path.lower()
    if data.startswith(b"PK\x03\x04") and lower.endswith(".docx"):
        return _docx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0") or data.startswith(b"%PDF"):
        raise Unreadable("旧版 Word（.doc）和 PDF 不能直接读取：请另存为 .docx，或运行 soffice --headless --convert-to docx 文件名")
    try:
        text = decode(data, path, TABLE_TEXT)
    except SourceError as exc:
        raise Unreadable(exc.problem.message) from None
    if lower.endswith((".htm", ".html")) or text.lstrip()[:200].lower().startswith(("<!doctype", "<html")):
        return _page(text, os.path.dirname(path))
    return _text(text)


def _docx(data: bytes) -> Article:
    import mammoth
    images: list[tuple[str, bytes]] = []

    def keep(image):
        with image.open() as stream:
            content = stream.read()
        suffix = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}.get(image.content_type, ".png")
        images.append((suffix, content))
        return {"src": f"img-{len(images)}{suffix}"}

    result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(keep))
    body = result.value
    text = _plain(body)
    title = next((line for line in text.split("\n") if line.strip()), "")
    return Article(title.strip(), to_markdown(body, drop_title=title.strip()), text, images)


def _page(text: str, folder: str) -> Article:
    from readability import Document
    page = Document(text)
    body = _whole(text, page.summary(html_partial=True))
    title = _page_title(page.short_title(), body)
    images, missing = [], []

    def local(match: re.Match) -> str:
        src = html.unescape(match.group(2))
        if src.startswith("data:image/"):
            head, _, payload = src.partition(",")
            images.append(("." + head.split("/")[1].split(";")[0].replace("jpeg", "jpg"), base64.b64decode(payload)))
        else:
            found = os.path.normpath(os.path.join(folder, src)) if not re.match(r"[a-z]+:", src, re.I) else ""
            if found and os.path.isfile(found) and os.path.commonpath([found, folder]) == folder:
                with open(found, "rb") as f:
                    images.append((os.path.splitext(found)[1].lower() or ".png", f.read()))
            else:
                missing.append(src)
                return ""
        return f'{match.group(1)}"img-{len(images)}{images[-1][0]}"'

    body = re.sub(r'(<img[^>]*?\ssrc=)["\']([^"\']+)["\']', local, body)
    return Article(title, to_markdown(body, drop_title=title), _plain(text), images, missing)


def _whole(text: str, summary: str) -> str:
    """The article element readability chose, taken whole from the page: its cleaning drops small
    tables, which documents need. Scripts and styles are removed; nothing is run."""
    import lxml.html
    chosen = lxml.html.fragment_fromstring(summary, create_parent="div")
    marked = next((e for e in chosen.iter() if e.get("class") or e.get("id")), None)
    if marked is None:
        return summary
    page = lxml.html.document_fromstring(text)
    key = "id" if marked.get("id") else "class"
    found = [e for e in page.iter(marked.tag) if e.get(key) == marked.get(key)]
    if len(found) != 1:
        return summary
    for bad in found[0].xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    return lxml.html.tostring(found[0], encoding="unicode")


def _page_title(short: str, body: str) -> str:
    """The article's heading when it has one; else the page's title without the site's name."""
    heading = re.search(r"<h[1-3][^>]*>(.*?)</h[1-3]>", body, re.S)
    if heading and _plain(heading.group(1)).strip():
        return _plain(heading.group(1)).strip()
    return re.split(r"\s*[_|｜—-]\s*", short)[0].strip()


def _text(text: str) -> Article:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    title = next((line.strip() for line in lines if line.strip()), "")
    body = "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", "\n".join(lines)) if p.strip())
    if body.startswith(title):
        body = body[len(title):].lstrip()
    return Article(title, body + "\n", text)


def to_markdown(body: str, drop_title: str = "") -> str:
    """The article as Markdown. Links into the old site would be dead here: only web addresses
    (http, https) stay links, the others keep their text."""
    from markdownify import markdownify
    body = re.sub(r'<a\b(?![^>]*\shref=["\']https?://)[^>]*>(.*?)</a>', r"\1", body, flags=re.S | re.I)
    markdown = markdownify(body, heading_style="ATX", strip=["script", "style"])
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    lines = markdown.split("\n")
    if drop_title and lines and lines[0].lstrip("# ").strip() == drop_title:
        markdown = "\n".join(lines[1:]).strip()
    return markdown + "\n"


def _plain(fragment: str) -> str:
    text = re.sub(r"<(br|/p|/div|/h\d|/li|/tr)[^>]*>", "\n", fragment, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)
