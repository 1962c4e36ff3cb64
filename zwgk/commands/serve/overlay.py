"""The build errors shown in the browser: an overlay the server puts into every HTML page it sends, no script needed."""
from __future__ import annotations

import html
import re

from zwgk.base import Problem

_BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.I)
OVERLAY_ID = "zwgk-build-errors"


def overlay_html(problems: list[Problem], texts: dict[str, str], has_site: bool = True) -> str:
    """The errors as a box at the top of the page, styled inline (it must not depend on the theme)."""
    errors = [p for p in sorted(problems) if p.severity == "error"] or sorted(problems)
    items = []
    for p in errors:
        source = ""
        lines = (texts.get(p.path) or "").splitlines()
        if p.line and 0 < p.line <= len(lines):
            source = (f'<pre style="margin:.3em 0 0;padding:.3em .5em;background:#fff;border:1px solid #e0b4b4;'
                      f'white-space:pre-wrap;font:14px/1.5 monospace">{_marked(lines[p.line - 1], p.col)}</pre>')
        hint = f'<br><span style="color:#444">提示：{html.escape(p.hint)}</span>' if p.hint else ""
        items.append(f'<li style="margin:.6em 0"><code style="font-weight:bold">{html.escape(p.location())}</code>'
                     f"：{html.escape(p.message)}{hint}{source}</li>")
    return (
        f'<div id="{OVERLAY_ID}" role="alert" style="position:sticky;top:0;z-index:2147483647;max-height:70vh;'
        'overflow:auto;margin:0;padding:.8em 1.2em;background:#fff5f5;color:#5a0000;border-bottom:4px solid #c00;'
        'font:16px/1.6 system-ui,sans-serif;text-align:left;box-shadow:0 2px 8px rgba(0,0,0,.3)">'
        f'<details open><summary style="cursor:pointer;font-size:1.15em;font-weight:bold">'
        + (f"网站没有更新：发现 {len(errors)} 个错误（下面仍是上一次成功生成的网站）" if has_site
           else f"网站还不能生成：发现 {len(errors)} 个错误") + "</summary>"
        '<p style="margin:.4em 0">请按提示修改文件并保存，改好后页面会自动刷新。</p>'
        f'<ol style="margin:0;padding-left:1.5em">{"".join(items)}</ol></details></div>'
    )


def _marked(line: str, col: int) -> str:
    """The source line with the offending value marked, from its column to the next delimiter."""
    if not 0 < col <= len(line):
        return html.escape(line)
    start = col - 1
    end = next((i for i in range(start + 1, len(line)) if line[i] in " ,]}#:"), len(line))
    return (html.escape(line[:start]) + '<mark style="background:#ffd6d6;color:inherit;text-decoration:underline wavy #c00">'
            + html.escape(line[start:end]) + "</mark>" + html.escape(line[end:]))


def inject_overlay(page: bytes, overlay: str) -> bytes:
    """Put the overlay first in <body>, before anything the page would run or show."""
    block = overlay.encode("utf-8")
    match = _BODY_OPEN.search(page)
    if match:
        return page[:match.end()] + block + page[match.end():]
    return block + page


def placeholder_page(title: str) -> bytes:
    """A bare page for a missing file or a server error, for the overlay to go into."""
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>' + html.escape(title) +
            '</title></head><body><p style="font:16px system-ui,sans-serif;padding:1em">' + html.escape(title) +
            "</p></body></html>").encode("utf-8")
