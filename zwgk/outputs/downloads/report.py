"""A 年报's tables as downloads: XLSX in the template's layout (merged headers, figures as
numbers that sum), and CSV as open data, one figure a line."""
from __future__ import annotations

from dataclasses import replace

from zwgk.base import annual_report as ar
from zwgk.library import Report, Site
from zwgk.outputs.downloads.content import FORMULA_TRIGGERS, fixed_datetime
from zwgk.outputs.downloads.opendata import csv_bytes
from zwgk.outputs.downloads.xlsx import Format, PageSetup, Properties, Sheet, Styles, workbook

_TITLE = Format(font="黑体", size=14, align="center", valign="center", wrap=True)
_HEAD = Format(font="宋体", size=10, bold=True, align="center", valign="center", wrap=True, border=True)
_ROW = Format(font="宋体", size=10, align="left", valign="center", wrap=True, border=True)
_FIGURE = Format(font="宋体", size=10, align="right", valign="center", border=True)
STYLES = Styles([_TITLE, replace(_TITLE, quote_prefix=True), _HEAD, _ROW, _FIGURE])
_T, _TQ, _H, _R, _F = range(1, 6)


def _sheet(title: str, widths: list[float], landscape: bool) -> Sheet:
    ws = Sheet(STYLES)
    ws.widths(widths)
    ws.merge(0, 0, 0, len(widths) - 1, title, _TQ if title.startswith(FORMULA_TRIGGERS) else _T)
    ws.height(0, 36)
    ws.page = PageSetup(landscape=landscape, paper=9, margins=(0.5, 0.5, 0.6, 0.6), centred=True, fit_width=True,
                        footer="&C第 &P 页，共 &N 页")
    return ws


def _active_sheet(report: Report) -> Sheet:
    ws = _sheet(f"{report.title}\n{ar.SECTION_TITLE['active']}", [20, 16, 16, 16], landscape=False)
    r = 1
    for part in ar.ACTIVE_PARTS:
        ws.merge(r, 0, r, 3, part.article, _H)
        ws.cell(r + 1, 0, "信息内容", _H)
        if len(part.columns) == 1:
            ws.merge(r + 1, 1, r + 1, 3, part.columns[0], _H)
        else:
            for c, name in enumerate(part.columns, 1):
                ws.cell(r + 1, c, name, _H)
        r += 2
        for key, label in part.rows:
            ws.cell(r, 0, label, _R)
            figures = report.active[key]
            if len(figures) == 1:
                ws.merge(r, 1, r, 3, "", _F)
                ws.number(r, 1, figures[0], _F)
            else:
                for c, value in enumerate(figures, 1):
                    ws.number(r, c, value, _F)
            r += 1
    ws.close()
    return ws


def _requests_sheet(report: Report) -> Sheet:
    ws = _sheet(f"{report.title}\n{ar.SECTION_TITLE['requests']}", [6, 10, 30] + [9] * 7, landscape=True)
    ws.merge(1, 0, 3, 2, ar.REQUEST_CORNER, _H)
    ws.merge(1, 3, 1, 9, "申请人情况", _H)
    ws.merge(2, 3, 3, 3, ar.APPLICANTS[0], _H)
    ws.merge(2, 4, 2, 8, "法人或其他组织", _H)
    ws.merge(2, 9, 3, 9, ar.TOTAL, _H)
    for c, name in enumerate(ar.ORGANISATIONS, 4):
        ws.cell(3, c, name, _H)
    first = 4
    for n, (line, heads) in enumerate(zip(ar.REQUEST_LINES, ar.REQUEST_HEADS)):
        for text, rows, cols, col in heads:
            if rows == cols == 1:
                ws.cell(first + n, col, text, _R)
            else:
                ws.merge(first + n, col, first + n + rows - 1, col + cols - 1, text, _R)
        for c, value in enumerate(report.requests[line.key], 3):
            ws.number(first + n, c, value, _F)
    ws.frozen_rows = first
    ws.page.title_rows = (1, 3)
    ws.close()
    return ws


def _reviews_sheet(report: Report) -> Sheet:
    ws = _sheet(f"{report.title}\n{ar.SECTION_TITLE['reviews']}", [8] * 15, landscape=True)
    ws.merge(1, 0, 1, 4, ar.REVIEW_GROUPS[0][1], _H)
    ws.merge(1, 5, 1, 14, ar.SUIT, _H)
    for c, outcome in enumerate(ar.OUTCOMES):
        ws.merge(2, c, 3, c, outcome, _H)
    for g, (_key, label) in enumerate(ar.REVIEW_GROUPS[1:]):
        ws.merge(2, 5 + 5 * g, 2, 9 + 5 * g, label, _H)
        for c, outcome in enumerate(ar.OUTCOMES):
            ws.cell(3, 5 + 5 * g + c, outcome, _H)
    for g, (key, _label) in enumerate(ar.REVIEW_GROUPS):
        for c, value in enumerate(report.reviews[key]):
            ws.number(4, 5 * g + c, value, _F)
    ws.close()
    return ws


def report_xlsx(site: Site, report: Report) -> bytes:
    sheets = [("主动公开", _active_sheet(report)), ("依申请公开", _requests_sheet(report)),
              ("行政复议和行政诉讼", _reviews_sheet(report))]
    return workbook(sheets, Properties(title=report.title, author=report.organ, company=site.footer.organiser,
                                       created=fixed_datetime(report.published)))


CSV_HEADER = ("报告机关", "年度", "表格", "项目", "指标", "数值")


def report_rows(report: Report) -> list[tuple[str, str, str, str, str, str]]:
    """Every figure of the report, one a line: which table, row and column it stands in."""
    rows = []

    def add(section: str, item: str, column: str, value) -> None:
        rows.append((report.organ, str(report.year), ar.SECTION_TITLE[section], item, column,
                     f"{value:g}" if isinstance(value, float) else str(value)))

    for part in ar.ACTIVE_PARTS:
        for key, label in part.rows:
            for column, value in zip(part.columns, report.active[key]):
                add("active", f"{part.article} {label}", column, value)
    for line in ar.REQUEST_LINES:
        for column, value in zip(ar.APPLICANTS + (ar.TOTAL,), report.requests[line.key]):
            add("requests", " ".join(line.heads), column, value)
    for key, label in ar.REVIEW_GROUPS:
        item = label if key == "review" else f"{ar.SUIT} {label}"
        for column, value in zip(ar.OUTCOMES, report.reviews[key]):
            add("reviews", item, column, value)
    return rows


def report_csv(report: Report) -> bytes:
    return csv_bytes(CSV_HEADER, report_rows(report))      # csv_bytes neutralises formula-like cells
