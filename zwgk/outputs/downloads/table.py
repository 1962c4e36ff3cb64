"""The catalog as the standard table in XLSX: its columns, header rows and merges, its cell
formats and print layout; one sheet per domain."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Callable, Iterable, Sequence

from zwgk.base import LEVELS, STANDARD_CHANNELS
from zwgk.library import County, Domain, Item, Site, level_spans
from zwgk.outputs.downloads.content import FORMULA_TRIGGERS, LIST_SEP, fixed_datetime, iso, level_label
from zwgk.outputs.downloads.xlsx import Format, PageSetup, Properties, Sheet, Styles, workbook

TICK = "√"
CHECKED = "■"
UNCHECKED = "□"


@dataclass(frozen=True)
class _Column:
    group: str           # top header cell; merged over the columns sharing it
    label: str           # second header row; "" = the group cell spans both rows
    width: float
    value: Callable[[Item], str]
    centre: bool = False
    printed: bool = True


def channel_list(site: Site, items: Iterable[Item] = ()) -> tuple[str, ...]:
    """The channels a ■/□ checklist shows: the 13 standard ones, then the declared local
    ones, then (never after validation, but a table must not lose data) any other used."""
    names = list(STANDARD_CHANNELS) + [c for c in site.local_channels if c not in STANDARD_CHANNELS]
    for item in items:
        names += [c for c in item.channels if c not in names]
    return tuple(names)


def channel_checklist(item: Item, channels: Sequence[str]) -> str:
    return " ".join((CHECKED if c in item.channels else UNCHECKED) + c for c in channels)


def _tick(flag: bool) -> str:
    return TICK if flag else ""


def _audience_mark(item: Item, audience: str) -> str:
    if item.audience != audience:
        return ""
    return f"{TICK}（{item.audience_note}）" if item.audience_note else TICK


def _columns(site: Site, domain: Domain, channels: Sequence[str]) -> list[_Column]:
    """The standard table's columns, then the data columns that make re-import exact."""
    has_level3 = any(i.level3 for i in domain.items)
    cols = [
        _Column("序号", "", 5, lambda i: str(i.seq), centre=True),
        _Column("公开事项", "一级事项", 12, lambda i: i.level1),
        _Column("公开事项", "二级事项", 14, lambda i: i.level2),
    ]
    if has_level3:
        cols.append(_Column("公开事项", "三级事项", 14, lambda i: i.level3))
    cols += [
        _Column("公开内容（要素）", "", 30, lambda i: i.content),
        _Column("公开依据", "", 26, lambda i: "\n".join(i.basis)),
        _Column("公开时限", "", 16, lambda i: i.deadline),
        _Column("公开主体", "", 12, lambda i: i.subject),
        _Column("公开渠道和载体", "", 24, lambda i: channel_checklist(i, channels)),
        _Column("公开对象", "全社会", 6.5, lambda i: _audience_mark(i, "全社会"), centre=True),
        _Column("公开对象", "特定群体", 8, lambda i: _audience_mark(i, "特定群体"), centre=True),
        _Column("公开方式", "主动", 5.5, lambda i: _tick(i.mode == "主动"), centre=True),
        _Column("公开方式", "依申请", 6.5, lambda i: _tick(i.mode == "依申请"), centre=True),
    ]
    for level in LEVELS:
        cols.append(_Column("公开层级", level_label(site, level), 6.5,
                            lambda i, level=level: _tick(level in i.level), centre=True))
    cols += [
        _Column("备注", "", 12, lambda i: i.note),
        # Outside the print area: the data a re-import needs to give back the same items.
        _Column("事项编号", "", 16, lambda i: i.id, printed=False),
        _Column("相关文件", "", 16, lambda i: LIST_SEP.join(i.documents), printed=False),
        _Column("最后更新", "", 11, lambda i: iso(i.updated), centre=True, printed=False),
    ]
    return cols


_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(domain_name: str) -> str:
    """The sheet name Excel accepts for a domain (at most 31 characters, no []:*?/\\)."""
    # An apostrophe may not end a name either, and cutting the name may leave one there.
    return domain_name.translate(_SHEET_FORBIDDEN).strip("'")[:31].rstrip("'") or "目录"


# Every value is a text cell, which Excel, WPS and LibreOffice never evaluate; one that
# starts like a formula also gets the quote prefix, so it stays text after an edit.
_TITLE = Format(font="黑体", size=16, align="center", valign="center")
_HEADER = Format(font="宋体", size=10, bold=True, align="center", valign="center", wrap=True, border=True, fill="D9E1F2")
_TEXT = Format(font="宋体", size=10, align="left", valign="center", wrap=True, border=True)
_CENTRE = Format(font="宋体", size=10, align="center", valign="center", wrap=True, border=True)
# A range merged over rows shows its text at the top: a page break may cut the range, never the text.
_TOP = replace(_TEXT, valign="top")
_FORMATS = [f for plain in (_TITLE, _HEADER, _TEXT, _CENTRE, _TOP) for f in (plain, replace(plain, quote_prefix=True))]
# One Styles for every workbook: a sheet's format numbers, and so its XML, are the same in
# the county's workbook and the domain's own.
STYLES = Styles(_FORMATS)
_TITLE_N, _HEADER_N, _TEXT_N, _CENTRE_N, _TOP_N = (STYLES.number(f) for f in (_TITLE, _HEADER, _TEXT, _CENTRE, _TOP))


def _style(plain: int, value: str) -> int:
    # Each format's quoted twin is numbered right after it. Titles and headers are quoted
    # too: they hold names (county, domain, level_names, channels) an editor chose.
    return plain + 1 if value.startswith(FORMULA_TRIGGERS) else plain


def domain_sheet(site: Site, county: County, domain: Domain) -> Sheet:
    """The domain's table, laid out like the standard table, as a closed sheet."""
    ws = Sheet(STYLES)
    cols = _columns(site, domain, channel_list(site, domain.items))
    last = len(cols) - 1
    last_printed = max(n for n, c in enumerate(cols) if c.printed)
    ws.widths([c.width for c in cols])

    ws.height(0, 36)
    title = f"{county.name}{domain.name}领域政务公开事项标准目录"
    ws.merge(0, 0, 0, last_printed, title, _style(_TITLE_N, title))
    # Two header rows: a group spanning columns is merged across them, a column
    # without a second-row label is merged down over both rows.
    n = 0
    while n <= last:
        col = cols[n]
        if not col.label:
            ws.merge(1, n, 2, n, col.group, _style(_HEADER_N, col.group))
            n += 1
            continue
        end = n
        while end + 1 <= last and cols[end + 1].group == col.group and cols[end + 1].label:
            end += 1
        if end > n:
            ws.merge(1, n, 1, end, col.group, _style(_HEADER_N, col.group))
        else:
            ws.cell(1, n, col.group, _style(_HEADER_N, col.group))
        for k in range(n, end + 1):
            ws.cell(2, k, cols[k].label, _style(_HEADER_N, cols[k].label))
        n = end + 1

    first_row = 3
    items = domain.items
    styles = [_CENTRE_N if c.centre else _TEXT_N for c in cols]
    # An empty value is a blank cell, not an empty string: COUNTA and "go to blanks"
    # then see it as empty, as they do in a table typed into Excel.
    for r, item in enumerate(items, start=first_row):
        ws.row(r, [(value, _style(style, value)) for col, style in zip(cols, styles) for value in (col.value(item),)])
    # 一级事项 spanning consecutive rows is merged, as in the official tables.
    level1_col = 1
    for k, (rows, _level2) in enumerate(level_spans(items)):
        if rows > 1:
            value = items[k].level1
            ws.merge(first_row + k, level1_col, first_row + k + rows - 1, level1_col, value, _style(_TOP_N, value))

    ws.frozen_rows = first_row
    ws.page = PageSetup(landscape=True, paper=9, margins=(0.4, 0.4, 0.6, 0.6), centred=True, fit_width=True,
                        footer="&C第 &P 页，共 &N 页", area=(0, 0, max(first_row + len(items) - 1, 2), last_printed),
                        title_rows=(1, 2))
    ws.close()
    return ws


def catalog_xlsx(site: Site, county: County, domains: Sequence[Domain], title: str, updated: date | None,
                 sheets: Sequence[Sheet] = ()) -> tuple[bytes, list[Sheet]]:
    """A workbook with one sheet per domain, and its sheets; given the sheets of the same
    domains (from another workbook), it takes them instead of writing them again."""
    named: list[tuple[str, Sheet]] = []
    used: set[str] = set()
    for k, domain in enumerate(domains):
        name = base = sheet_name(domain.name)
        n = 2
        while name.lower() in used:      # Excel compares sheet names case-insensitively
            suffix = f"({n})"
            name = base[:31 - len(suffix)] + suffix
            n += 1
        used.add(name.lower())
        named.append((name, sheets[k] if sheets else domain_sheet(site, county, domain)))
    if not domains:
        empty = Sheet(STYLES)
        empty.cell(0, 0, f"{county.name}尚未发布政务公开事项标准目录。", 0)
        named.append(("目录", empty))
    props = Properties(title=title, author=site.title, company=site.footer.organiser, created=fixed_datetime(updated))
    return workbook(named, props), [sheet for _, sheet in named][:len(domains)]
