"""Links in a built site: every internal link and #anchor resolves; external links are listed, never fetched."""
from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

# (tag, attribute) pairs that point at another file.
_LINK_ATTRS = {("a", "href"), ("area", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
               ("source", "src"), ("iframe", "src"), ("audio", "src"), ("video", "src"), ("form", "action")}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class Link:
    page: str        # output path of the page, posix
    line: int
    col: int
    url: str         # as written in the page


@dataclass(frozen=True, slots=True)
class BrokenLink:
    link: Link
    target: str      # the output path it resolves to ("" when it leaves the site)
    fragment: str    # the missing anchor, or "" when the file itself is missing


@dataclass
class LinkReport:
    pages: int = 0
    internal: int = 0
    broken: list[BrokenLink] = field(default_factory=list)
    external: dict[str, list[str]] = field(default_factory=dict)   # url -> pages that link to it


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, int, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag, name) in _LINK_ATTRS:
                line, offset = self.getpos()
                self.links.append((line, offset + 1, value))

    handle_startendtag = handle_starttag


def _parse(path: str) -> _PageParser:
    parser = _PageParser()
    with open(path, encoding="utf-8", errors="replace") as fh:
        parser.feed(fh.read())
    parser.close()
    return parser


def html_pages(out_dir: str) -> list[str]:
    pages = []
    for dirpath, dirnames, filenames in os.walk(out_dir):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".html"):
                pages.append(os.path.relpath(os.path.join(dirpath, name), out_dir).replace(os.sep, "/"))
    return pages


def is_external(url: str) -> bool:
    return url.startswith("//") or bool(_SCHEME.match(url))


def resolve(page: str, url: str) -> tuple[str, str] | None:
    """(output path, fragment) that a relative url on page points at; None when it leaves the site."""
    parts = urlsplit(url)
    fragment = unquote(parts.fragment)
    if not parts.path:
        return page, fragment
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    if parts.path.endswith("/") or joined == ".":
        joined = posixpath.join("" if joined == "." else joined, "index.html")
    return joined, fragment


def check_links(out_dir: str) -> LinkReport:
    """Parse every HTML page of a built site and check its links against the files there."""
    report = LinkReport()
    pages = html_pages(out_dir)
    report.pages = len(pages)
    parsed = {page: _parse(os.path.join(out_dir, *page.split("/"))) for page in pages}
    exists: dict[str, bool] = {}
    for page, parser in parsed.items():
        for line, col, url in parser.links:
            url = url.strip()
            link = Link(page, line, col, url)
            if is_external(url):
                report.external.setdefault(url, []).append(page)
                continue
            report.internal += 1
            got = resolve(page, url)
            if got is None:
                report.broken.append(BrokenLink(link, "", ""))
                continue
            target, fragment = got
            if target not in exists:
                exists[target] = os.path.isfile(os.path.join(out_dir, *target.split("/")))
            if not exists[target]:
                report.broken.append(BrokenLink(link, target, ""))
            elif fragment and target.endswith(".html") and fragment not in parsed[target].ids:
                report.broken.append(BrokenLink(link, target, fragment))
    return report
