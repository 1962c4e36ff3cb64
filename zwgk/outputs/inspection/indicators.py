"""What a government-website inspection looks at, per county: each indicator with its figure,
its threshold and the places that fail it (docs/inspection.md names the sources)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Mapping

from zwgk.base import CATEGORIES, columns, category_heading
from zwgk.library import County, Library, active_documents, county_columns, guide_page
from zwgk.outputs.completeness import line_of
from zwgk.outputs.inspection.words import WordFinding
from zwgk.outputs.inspection.workdays import working_days_after

VETO_COLUMNS = 5        # 单项否决: this many blank, or stale, columns fail the whole site
REPORT_DEADLINE = (3, 31)   # 条例第四十九条: a county government's report by 3月31日 of the next year


@dataclass(frozen=True, slots=True)
class Place:
    path: str
    line: int
    col: int
    text: str                  # what is wrong there, in a few words


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    label: str
    passed: bool
    figure: int
    threshold: str
    veto: bool = False         # failing it fails the whole site (单项否决)
    places: tuple[Place, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Evidence:
    """What the checks found that the indicators count: from the build of the site (links),
    the scan of its files (attachments, words) and validation (placeholders)."""
    dead_links: Mapping[str, list[Place]] = field(default_factory=dict)      # county -> places
    textless: Iterable[str] = ()                    # attachments (site paths) with no text layer
    words: Iterable[WordFinding] = ()
    placeholders: Iterable[Place] = ()
    links_checked: bool = True


UpdatedOf = Callable[[object], "date | None"]


def inspect_county(library: Library, county: County, today: date, texts: Mapping[str, str],
                   updated_of: UpdatedOf, evidence: Evidence) -> list[Indicator]:
    """Every indicator of the county, on `today`."""
    settings = library.site.inspection

    def mine(path: str) -> bool:
        return _county_of(path) == county.slug

    content = content_indicators(library, county, texts, [w for w in evidence.words if mine(w.path)])
    return [
        *content[:3],
        _stale_columns(county, today, updated_of, settings.policy_days, settings.catalog_days, texts),
        _annual_report(county, today),
        *content[3:],
        _count("placeholders", "新建站点时的示例值", [p for p in evidence.placeholders if mine(p.path)], "0 处"),
        _count("dead_links", "失效的站内链接", evidence.dead_links.get(county.slug, []), "0 个",
               note="" if evidence.links_checked else "网站未能生成，未检查"),
        _count("textless_attachments", "只有图片、没有文字层的 PDF 附件",
               [Place(p, 0, 0, "PDF 中没有可以选择、朗读和检索的文字") for p in evidence.textless if mine(p)], "0 个"),
    ]


def content_indicators(library: Library, county: County, texts: Mapping[str, str],
                       words: list[WordFinding]) -> list[Indicator]:
    """The indicators that depend on the content alone, not on the day: the portal's summary shows
    these (a build's output never depends on the day it ran)."""
    return [
        _blank_columns(county),
        _missing_columns(county),
        _late_documents(county, library.site.inspection.late_days, texts),
        _guide(county),
        _words(words),
        _images_without_alt(county, texts),
        _policies_without_interpretation(library, county, texts),
    ]


def _county_of(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) >= 3 and parts[0] in ("catalog", "content") and parts[1] != "pages" else ""


def _count(key: str, label: str, places: list[Place], threshold: str, *, limit: int = 1, veto: bool = False,
           note: str = "", warning_only: bool = False) -> Indicator:
    """Passed with fewer than `limit` places; a veto indicator failed fails the whole site."""
    return Indicator(key, label, warning_only or len(places) < limit, len(places), threshold, veto, tuple(places), note)


def _blank_columns(county: County) -> Indicator:
    # A column with nothing in it has no page and no link (library/columns.py), and an empty
    # domain no page of its own: zwgk makes no blank column. Counted all the same, so a theme
    # or a change that brought one back would show here.
    blank = [Place(county.src_path, 0, 0, f"{c.name}：有页面但没有内容") for c in county_columns(county)
             if c.url and not c.summary]
    return _count("blank_columns", "空白栏目", blank, f"少于 {VETO_COLUMNS} 个", limit=VETO_COLUMNS, veto=True)


def _missing_columns(county: County) -> Indicator:
    required = (columns.GUIDE, columns.RULES, columns.ACTIVE, columns.REPORTS)
    missing = [Place(county.src_path, 0, 0, f"{c.name}：尚未发布（需要 {c.missing}）")
               for c in county_columns(county) if c.name in required and not c.url]
    return _count("missing_columns", "政府信息公开专栏缺少的栏目", missing, "0 个")


def _stale_columns(county: County, today: date, updated_of: UpdatedOf, policy_days: int, catalog_days: int,
                   texts: Mapping[str, str]) -> Indicator:
    stale = []
    docs = active_documents(county)
    for category in CATEGORIES:
        mine = [d for d in docs if d.category == category]
        if mine:
            newest = max(mine, key=lambda d: d.published)
            if (today - newest.published).days > policy_days:
                stale.append(Place(newest.src_path, *line_of(texts, newest.src_path, "published:", 1),
                                   f"{category_heading(category)}：最新文件发布于 {newest.published}，超过 {policy_days} 天"))
    for domain in county.domains:
        if not domain.items:
            continue
        dates = [d for d in (updated_of(domain), *(updated_of(i) for i in domain.items)) if d]
        last = max(dates) if dates else None
        if last is None or (today - last).days > catalog_days:
            stale.append(Place(domain.src_path, 1, 1, f"{domain.name}：最后更新于 {last or '（未知）'}，超过 {catalog_days} 天"))
    return _count("stale_columns", "超过更新期限的栏目", stale,
                  f"少于 {VETO_COLUMNS} 个（政策文件类 {policy_days} 天，标准目录 {catalog_days} 天）", limit=VETO_COLUMNS, veto=True)


def _late_documents(county: County, late_days: int, texts: Mapping[str, str]) -> Indicator:
    late, estimated = [], False
    for doc in county.documents:
        if not doc.written or doc.published < doc.written:
            continue
        took = working_days_after(doc.written, doc.published)
        estimated |= took.estimated
        if took.days > late_days:
            late.append(Place(doc.src_path, *line_of(texts, doc.src_path, "published:", 1),
                              f"成文 {doc.written}，发布 {doc.published}，相隔 {took.days} 个工作日"))
    note = "有的年份没有官方节假日安排，按周一至周五估算；更新：pip install -U chinesecalendar" if estimated else ""
    return _count("late_documents", f"成文后超过 {late_days} 个工作日才发布的文件", late, f"0 件（{late_days} 个工作日内）", note=note)


def _annual_report(county: County, today: date) -> Indicator:
    year = today.year - 1
    deadline = date(today.year, *REPORT_DEADLINE)
    own = next((r for r in county.reports if r.own and r.year == year), None)
    places = []
    if own is None and today > deadline:
        places.append(Place(f"content/{county.slug}/reports/{year}.yaml", 0, 0, f"{year} 年度的年报在 {deadline} 前应已公布"))
    elif own is not None and own.published > deadline:
        places.append(Place(own.src_path, 0, 0, f"{year} 年度的年报 {own.published} 才公布，晚于 {deadline}"))
    return _count("annual_report", "政府信息公开年报按时公布", places, f"上一年度的年报在 {deadline.month}月{deadline.day}日前公布")


def _guide(county: County) -> Indicator:
    guide = guide_page(county)
    places = []
    if guide is None:
        places.append(Place(f"content/{county.slug}/pages/guide.md", 0, 0, "没有政府信息公开指南"))
    elif county.office is None:
        places.append(Place(guide.src_path, 1, 1, "指南缺少条例第十二条要求的机构名称、办公地址、办公时间、联系电话、传真号码、互联网联系方式"))
    return _count("guide", "政府信息公开指南完整", places, "有指南，且写明条例第十二条要求的各项")


def _words(findings: list[WordFinding]) -> Indicator:
    places = [Place(f.path, f.line, f.col, (f"“{f.word.text}”不应使用：{f.word.advice}" if f.word.banned
                                            else f"“{f.word.text}”应为“{f.word.advice}”")) for f in findings]
    return _count("words", "错敏词", places, "0 处", veto=True)


_IMAGE = re.compile(r"!\[\s*\]\(")


def _images_without_alt(county: County, texts: Mapping[str, str]) -> Indicator:
    places = []
    for thing in (*county.documents, *(p for p in county.pages if p.county)):
        text = texts.get(thing.src_path, "")
        for n, line in enumerate(text.split("\n"), 1):
            for m in _IMAGE.finditer(line):
                places.append(Place(thing.src_path, n, m.start() + 1, "图片没有替代文字：在 ![ ] 的方括号里写上图片的内容"))
    return _count("images_without_alt", "没有替代文字的图片", places, "0 张")


def _policies_without_interpretation(library: Library, county: County, texts: Mapping[str, str]) -> Indicator:
    policies = [d for d in county.documents if d.category in (columns.POLICY, "规范性文件") and d.validity == "现行有效"]
    alone = [Place(d.src_path, *line_of(texts, d.src_path, "title:", 1), f"“{d.title}”没有政策解读")
             for d in policies if not library.interpretations_of(county.slug, d.id)]
    return _count("policies_without_interpretation", "没有解读的政策文件（提示）", alone, "0 件", warning_only=True)
