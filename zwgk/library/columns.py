"""The columns of a county's 政府信息公开专栏 (base/columns.py names them), each with what it holds.

The navigation, the county's home and its site map read this one list. A column with
nothing in it has no address: zwgk never links an empty column (an inspector counts a
blank column against the site), and the county's home names it as 尚未发布 instead.
"""
from __future__ import annotations

from dataclasses import dataclass

from zwgk.base import columns
from zwgk.library import urls
from zwgk.library.counts import county_totals
from zwgk.library.model import County, Document


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    url: str          # "" when the county has nothing in it yet
    summary: str      # what it holds, in a few words ("" when empty)
    missing: str = ""  # when empty: what the county's web team adds to fill it


def rules_documents(county: County) -> tuple[Document, ...]:
    return tuple(d for d in county.documents if d.category == columns.RULES)


def active_documents(county: County) -> tuple[Document, ...]:
    """法定主动公开内容: every document but the 制度, which has its own column."""
    return tuple(d for d in county.documents if d.category != columns.RULES)


def guide_page(county: County):
    return next((p for p in county.pages if p.slug == urls.GUIDE_SLUG), None)


def county_columns(county: County) -> tuple[Column, ...]:
    c = county.slug
    guide, rules, active = guide_page(county), rules_documents(county), active_documents(county)
    totals = county_totals(county)
    reports = county.reports
    return (
        Column(columns.GUIDE, urls.page_page(c, guide.slug) if guide else "", guide.title if guide else "",
               f"content/{c}/pages/{urls.GUIDE_SLUG}.md"),
        Column(columns.RULES, urls.rules_page(c) if rules else "", f"{len(rules)} 件" if rules else "",
               f"category 为“{columns.RULES}”的文件"),
        Column(columns.ACTIVE, urls.docs_index(c) if active else "", f"{len(active)} 件" if active else "",
               f"content/{c}/docs/ 下的文件"),
        Column(columns.CATALOG, urls.catalog_index(c) if totals.items else "",
               f"{len(totals.domains)} 个领域、{totals.items} 个事项" if totals.items else "", f"catalog/{c}/ 下的领域目录"),
        Column(columns.REPORTS, urls.reports_index(c) if reports else "",
               f"最新：{reports[0].year}年度" if reports else "",
               f"content/{c}/reports/ 下的年报"),
        Column(columns.APPLY, urls.apply_page(c), "申请方式和申请表"),
    )


def columns_key(county: County) -> str:
    """Which columns the county has: every page's navigation shows them, so a page made from
    one file is made again when a column appears or empties (the incremental build's key)."""
    return " ".join(col.url for col in county_columns(county) if col.url)
