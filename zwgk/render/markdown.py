"""Markdown to HTML for the pages: the source dialect, with links rewritten to work from
the page that shows them and table alignment as classes."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from zwgk.source import markdown_parser, rewrite_href


def make_markdown() -> MarkdownIt:
    md = markdown_parser()
    md.core.ruler.push("zwgk_links", _rewrite_links)
    md.core.ruler.push("zwgk_cell_alignment", _alignment_as_class)
    md.add_render_rule("table_open", _scroll_region_open)
    md.add_render_rule("table_close", _scroll_region_close)
    return md


def _scroll_region_open(self, tokens, idx, options, env) -> str:
    # A wide table scrolls in its own labelled region on a phone: the page itself never does.
    return '<div class="table-scroll" role="region" aria-label="表格" tabindex="0">\n<table>\n'


def _scroll_region_close(self, tokens, idx, options, env) -> str:
    return "</table>\n</div>\n"


def _rewrite_links(state) -> None:
    to_county = state.env.get("to_county", "")
    for block in state.tokens:
        for token in block.children or ():
            attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
            if attr is None:
                continue
            new = rewrite_href(token.attrGet(attr) or "", to_county)
            if new is None:
                token.attrs.pop(attr, None)
            else:
                token.attrSet(attr, new)


_ALIGNMENT = re.compile(r"text-align:(left|center|right)")


def _alignment_as_class(state) -> None:
    """Table cells aligned with `:---:` get a class instead of a style attribute: a site behind
    a Content-Security-Policy without 'unsafe-inline' (docs/deploy.md) refuses inline styles."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            found = _ALIGNMENT.fullmatch(token.attrs.pop("style", "") or "")
            if found:
                token.attrSet("class", f"align-{found[1]}")


