"""Completeness and freshness of each county's catalog, for `zwgk check` and the portal's overview page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Mapping

from zwgk.base import STANDARD_DOMAINS, Problem
from zwgk.library import (
    EMPTY,
    MISSING,
    NOT_APPLICABLE,
    PUBLISHED,
    County,
    CountyCompleteness,
    Domain,
    Item,
    Library,
    Page,
    assess_county,
    urls,
)

UpdatedOf = Callable[[object], "date | None"]


@dataclass(frozen=True, slots=True)
class Gap:
    """One completeness or freshness finding; kind is a stable name used by the JSON report."""
    kind: str
    county: str
    problem: Problem
    detail: Mapping = field(default_factory=dict)   # the facts behind the message: domain, item, dates


def assess(library: Library) -> list[CountyCompleteness]:
    return [library.totals(c.slug).standard for c in library.counties]


def _own_date(obj) -> date | None:
    return getattr(obj, "updated", None)


def find_gaps(library: Library, today: date, updated_of: UpdatedOf | None = None,
              texts: Mapping[str, str] | None = None) -> list[Gap]:
    """Everything incomplete or stale in every county, as warnings.

    updated_of(obj) gives the last-modified date of a domain, item or page (default: its
    `updated` field); texts, when given, place findings on the exact source line.
    """
    updated_of = updated_of or _own_date
    texts = texts or {}
    stale_days = library.site.stale_days
    gaps: list[Gap] = []
    for county in library.counties:
        gaps += _domain_gaps(county, texts)
        for domain in county.domains:
            for item in domain.items:
                gaps += _item_gaps(library, county, item, texts)
        gaps += _stale(county.slug, county.domains, county.pages, today, stale_days, updated_of, texts)
    gaps += _stale("", (), library.pages, today, stale_days, updated_of, texts)
    return gaps


def line_of(texts: Mapping[str, str], path: str, needle: str, after: int = 0) -> tuple[int, int]:
    """(line, col) of the first `needle` at or after line `after`, or (after, 1)."""
    text = texts.get(path)
    if text is None:
        return after, 1 if after else 0
    for n, line in enumerate(text.split("\n")[max(after - 1, 0):], max(after, 1)):
        col = line.find(needle)
        if col >= 0:
            return n, col + 1
    return after, 1 if after else 0


def _domain_gaps(county: County, texts) -> list[Gap]:
    gaps = []
    cells = assess_county(county)
    published = {d.standard for d in county.domains if d.items}
    for cell in cells.cells:
        if cell.status == MISSING:
            gaps.append(Gap("missing_domain", county.slug, Problem(
                county.src_path, 0, 0, f"缺少标准领域“{cell.standard}”",
                f"请新建 catalog/{county.slug}/<领域>.yaml 发布本领域事项；本县确不涉及的，在 county.yaml 的 not_applicable 中写明原因",
                "warning"), {"domain": cell.standard}))
        elif cell.status == EMPTY:
            domain = next(d for d in county.domains if d.slug == cell.slug)
            line, col = line_of(texts, domain.src_path, "items", 1)
            gaps.append(Gap("empty_domain", county.slug, Problem(
                domain.src_path, line, col, f"标准领域“{cell.standard}”没有任何事项",
                "请在 items 下填写本领域的公开事项；本县确不涉及的，在 county.yaml 的 not_applicable 中写明原因", "warning"),
                {"domain": cell.standard}))
    for name in county.not_applicable:
        if name in published:
            line, col = line_of(texts, county.src_path, name, 1)
            gaps.append(Gap("not_applicable_published", county.slug, Problem(
                county.src_path, line, col, f"领域“{name}”标注为未涉及，却已发布了事项",
                "请从 not_applicable 中删除它，或删除本领域的事项", "warning"), {"domain": name}))
    return gaps


def _item_gaps(library: Library, county: County, item: Item, texts) -> list[Gap]:
    gaps = []
    where = (item.src_path, item.line, 1)
    label = f"事项“{item.name}”（{item.id}）"
    if not item.basis:
        gaps.append(Gap("missing_basis", county.slug, Problem(
            *where, f"{label}缺少公开依据", "请用 basis 列出公开依据的法律、法规、规章或规范性文件", "warning"),
            {"item": item.id}))
    if not item.deadline:
        gaps.append(Gap("missing_deadline", county.slug, Problem(
            *where, f"{label}缺少公开时限", "请用 deadline 写明公开时限，如：信息形成或变更之日起20个工作日内", "warning"),
            {"item": item.id}))
    documents = library.documents_for_item(county.slug, item.id)
    if item.mode == "主动" and not documents:
        gaps.append(Gap("unfulfilled", county.slug, Problem(
            *where, f"{label}为主动公开，但没有任何政府信息落实它",
            "请在事项的 documents 中列出落实它的文件编号，或在该文件文件头的 items 中写上事项编号", "warning"),
            {"item": item.id}))
    for doc in documents:
        if doc.validity == "已废止":
            if doc.id in item.documents:
                path, (line, col) = item.src_path, line_of(texts, item.src_path, doc.id, item.line)
            else:
                path, (line, col) = doc.src_path, line_of(texts, doc.src_path, item.id, 1)
            gaps.append(Gap("repealed_linked", county.slug, Problem(
                path, line, col, f"{label}仍链接已废止的文件“{doc.title}”（{doc.id}）",
                "请改为链接现行有效的文件；已废止的文件可保留在政府信息中，但不应再作为事项的落实文件", "warning"),
                {"item": item.id, "document": doc.id}))
    return gaps


def _stale(county: str, domains: Iterable[Domain], pages: Iterable[Page], today: date, stale_days: int,
           updated_of: UpdatedOf, texts) -> list[Gap]:
    gaps = []

    def old(day: date | None) -> int:
        """Days since day when that is more than stale_days, else 0."""
        return (today - day).days if day and (today - day).days > stale_days else 0

    def gap(path: str, line: int, what: str, day: date, detail: dict) -> Gap:
        col = 1 if line else 0
        return Gap("stale", county, Problem(
            path, line, col, f"{what}已 {(today - day).days} 天未更新（最后更新 {day.isoformat()}，期限 {stale_days} 天）",
            "请核对内容是否仍然准确，更新后修改 updated 日期；期限在 site.yaml 的 stale_days 中设定", "warning"),
            {**detail, "updated": day.isoformat(), "days": (today - day).days})

    for domain in domains:
        own = updated_of(domain)
        dates = [d for d in [own, *(updated_of(i) for i in domain.items)] if d]
        newest = max(dates) if dates else None
        if old(newest):
            line, _col = line_of(texts, domain.src_path, "updated:", 1) if own else (1, 1)
            gaps.append(gap(domain.src_path, line, f"领域“{domain.name}”", newest, {"domain": domain.name}))
            continue      # its items are stale with it; one finding says it
        for item in domain.items:
            day = updated_of(item)
            if old(day):
                gaps.append(gap(item.src_path, item.line, f"事项“{item.name}”（{item.id}）", day, {"item": item.id}))
    for page in pages:
        day = updated_of(page)
        if old(day):
            line, _col = line_of(texts, page.src_path, "updated:", 1)
            gaps.append(gap(page.src_path, line, f"页面“{page.title}”", day, {"page": page.slug}))
    return gaps


# ---------------------------------------------------------------- the portal page

def completeness_page(library: Library) -> list[tuple[str, bytes]]:
    """The portal's overview: counties × standard domains (a build.PORTAL_PRODUCERS entry)."""
    from zwgk.render import Renderer
    from zwgk.source import History
    counties = assess(library)
    rows = []
    for n, name in enumerate(STANDARD_DOMAINS):
        cells = [(c, c.cells[n]) for c in counties]
        rows.append({"name": name, "cells": cells, "published": sum(cell.status == PUBLISHED for _c, cell in cells)})
    reasons = [(c, [cell for cell in c.cells if cell.status == NOT_APPLICABLE]) for c in counties]
    # The page shows no dates, so an empty history spares a second `git log` per build.
    page = Renderer(library, History(library.site.root)).render_extra(
        "completeness.html", urls.PORTAL_COMPLETENESS, title="标准领域公开情况",
        crumbs=[("标准领域公开情况", urls.PORTAL_COMPLETENESS)],
        counties=counties, rows=rows, reasons=[r for r in reasons if r[1]],
        verdicts=[(c, c.verdicts) for c in library.counties if c.verdicts],
        STATUS=dict(published=PUBLISHED, not_applicable=NOT_APPLICABLE, empty=EMPTY, missing=MISSING),
    )
    return [(urls.PORTAL_COMPLETENESS, page)]
