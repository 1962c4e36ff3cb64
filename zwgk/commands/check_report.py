"""The report of `zwgk check`: its data (`CheckReport`) and how it is written out.

`format_text` is for a terminal, grouped by county and kind with counts; `format_json` is
for CI (documented in docs/check-report.md).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping

from zwgk.base import Problem, caret_under
from zwgk.commands.inspection_report import format_inspection, inspection_data, vetoed
from zwgk.outputs import NOT_APPLICABLE, PUBLISHED, CountyCompleteness
from zwgk.publish import LinkReport
from zwgk.source import PiiReport, mask_texts

REPORT_FORMAT = "zwgk-check/1"

# Every kind of finding, in the order the text report shows them; the keys are stable (JSON).
KIND_LABELS = {
    "validation": "内容错误",
    "pii": "个人信息",
    "pii_unchecked": "未能检查个人信息的附件",
    "broken_link": "失效链接",
    "missing_domain": "缺少标准领域",
    "empty_domain": "没有事项的标准领域",
    "not_applicable_published": "标为未涉及却已发布",
    "missing_basis": "缺少公开依据",
    "missing_deadline": "缺少公开时限",
    "unfulfilled": "主动公开但没有落实文件",
    "repealed_linked": "仍链接已废止的文件",
    "stale": "超期未更新",
}
SHOWN_PER_GROUP = 10   # the text report shows this many of each kind per county; JSON has all


@dataclass(frozen=True, slots=True)
class Entry:
    county: str          # county slug, "" for the whole site
    kind: str            # a key of KIND_LABELS
    problem: Problem
    place: dict          # where in the file, e.g. {"line": 3, "col": 5} or {"sheet": "名单", "cell": "B3"}
    detail: dict = field(default_factory=dict)


@dataclass
class CheckReport:
    site_title: str
    strict: bool
    entries: list[Entry]
    counties: list[tuple[str, str]]                 # (slug, name), in site order
    completeness: list[CountyCompleteness]
    pii: PiiReport
    links: LinkReport | None                       # None when the site could not be built
    checked: dict[str, bool]                        # which checks ran
    texts: Mapping[str, str] = field(default_factory=dict, repr=False)   # sources, for showing lines
    inspection: dict | None = None                  # county -> indicators, with --inspection

    @property
    def errors(self) -> int:
        return sum(e.problem.severity == "error" for e in self.entries)

    @property
    def warnings(self) -> int:
        return len(self.entries) - self.errors

    @property
    def ok(self) -> bool:
        """No error (nor, strict, warning); with --inspection, no 单项否决 indicator failed either."""
        return not self.errors and not (self.strict and self.warnings) and not vetoed(self.inspection or {})

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


# ---------------------------------------------------------------- text

def _group(report: CheckReport) -> list[tuple[str, str, dict[str, list[Entry]]]]:
    """(slug, name, kind -> entries) for every county with entries, then the whole site."""
    order = list(KIND_LABELS)
    groups = []
    for slug, name in list(report.counties) + [("", "全站")]:
        mine = [e for e in report.entries if e.county == slug]
        if not mine:
            continue
        by_kind: dict[str, list[Entry]] = {}
        # Stable on insertion order within one file, so missing domains keep the standard order.
        for entry in sorted(mine, key=lambda e: (order.index(e.kind), e.problem.path, e.problem.line, e.problem.col)):
            by_kind.setdefault(entry.kind, []).append(entry)
        groups.append((slug, name, by_kind))
    return groups


def _counts(entries: list[Entry]) -> str:
    errors = sum(e.problem.severity == "error" for e in entries)
    return f"{errors} 个错误、{len(entries) - errors} 个警告"


def format_text(report: CheckReport) -> str:
    out = [f"检查：{report.site_title or '（站点名称未能读出）'}"]
    shown = {e.problem.path for e in report.entries if e.kind == "validation"}
    masked = mask_texts({path: text for path, text in report.texts.items() if path in shown})
    number = 0
    for slug, name, by_kind in _group(report):
        everything = [e for entries in by_kind.values() for e in entries]
        out.append("")
        out.append(f"{name}{f'（{slug}）' if slug and slug != name else ''}：{_counts(everything)}")
        for kind, entries in by_kind.items():
            out.append(f"  {KIND_LABELS[kind]}（{len(entries)}）")
            if kind == "missing_domain":
                names = "、".join(e.detail["domain"] for e in entries)
                number += 1
                out.append(f"    {number}. {entries[0].problem.path}: 警告：缺少 {len(entries)} 个标准领域：{names}")
                out.append(f"       提示：{entries[0].problem.hint}")
                continue
            last_hint = None
            for entry in entries[:SHOWN_PER_GROUP]:
                p = entry.problem
                number += 1
                out.append(f"    {number}. {p.as_text().splitlines()[0]}")
                source = masked.get(p.path)
                if kind == "validation" and source is not None and p.line:
                    lines = source.splitlines()
                    if 0 < p.line <= len(lines):
                        out.append(f"       | {lines[p.line - 1]}")
                        if p.col:
                            out.append(f"       | {caret_under(lines[p.line - 1], p.col)}")
                if p.hint and p.hint != last_hint:
                    out.append(f"       提示：{p.hint}")
                    last_hint = p.hint
            if len(entries) > SHOWN_PER_GROUP:
                out.append(f"    ……另有 {len(entries) - SHOWN_PER_GROUP} 条（完整列表：zwgk check --format json）")
    if report.pii.allowances:
        out.append("")
        out.append("允许公开的号码（site.yaml 的 pii_allow）：")
        for value, reason in report.pii.allowances:
            uses = report.pii.uses(value)
            where = "、".join(f.where() for f in uses[:3]) + ("等" if len(uses) > 3 else "")
            out.append(f"  {value}：{reason}（出现 {len(uses)} 处{'：' + where if uses else ''}）")
    if report.links is not None:
        links = report.links
        out.append("")
        out.append(f"链接：{links.pages} 个页面中的 {links.internal} 个站内链接，失效 {len(links.broken)} 个"
                   f"（归并为 {sum(e.kind == 'broken_link' for e in report.entries)} 条）；外部链接 {len(links.external)} 个（未访问）：")
        for url, pages in sorted(links.external.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:SHOWN_PER_GROUP]:
            out.append(f"  {url}（{len(set(pages))} 个页面）")
        if len(links.external) > SHOWN_PER_GROUP:
            out.append(f"  ……另有 {len(links.external) - SHOWN_PER_GROUP} 个")
    if report.completeness:
        out.append("")
        out.append("标准领域（26 个）：")
        for c in report.completeness:
            out.append(f"  {c.name}：已发布 {c.count(PUBLISHED)} 个（{c.items} 个事项），未涉及 {c.count(NOT_APPLICABLE)} 个，"
                       f"未发布 {c.not_published} 个")
    skipped = [name for name, ran in (("链接", report.checked["links"]), ("完整性", report.checked["completeness"])) if not ran]
    out.append("")
    if skipped:
        out.append(f"内容有错误，未能生成网站，未检查：{'、'.join(skipped)}。")
    verdict = "通过" if report.ok else "未通过"
    if report.strict and report.warnings and not report.errors:
        verdict += "（--strict：警告也算错误）"
    if report.inspection is not None:
        out.append(format_inspection(dict(report.counties), report.inspection))
        out.append("")
        if vetoed(report.inspection):
            verdict += "（有县（区）未通过单项否决指标）"
    out.append(f"共 {report.errors} 个错误、{report.warnings} 个警告：{verdict}。")
    return "\n".join(out)


# ---------------------------------------------------------------- JSON

def report_data(report: CheckReport) -> dict:
    """The JSON report as plain data; its structure is documented in docs/check-report.md."""
    def counts(entries: list[Entry]) -> dict:
        by_kind: dict[str, int] = {}
        for e in entries:
            by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
        errors = sum(e.problem.severity == "error" for e in entries)
        return {"errors": errors, "warnings": len(entries) - errors, "by_kind": by_kind}

    completeness = {c.slug: c for c in report.completeness}
    counties = []
    for slug, name in report.counties:
        data = {"slug": slug, "name": name, **counts([e for e in report.entries if e.county == slug])}
        c = completeness.get(slug)
        data["domains"] = None if c is None else {
            "published": c.count(PUBLISHED), "not_applicable": c.count(NOT_APPLICABLE),
            "missing": c.not_published, "items": c.items,
            "cells": [{"standard": cell.standard, "status": cell.status, "items": cell.items,
                       "domain": cell.slug, "reason": cell.reason} for cell in c.cells],
        }
        counties.append(data)
    order = list(KIND_LABELS)
    problems = [{
        "county": e.county, "kind": e.kind, "severity": e.problem.severity,
        "path": e.problem.path, "line": e.problem.line, "col": e.problem.col, "place": e.place,
        "message": e.problem.message, "hint": e.problem.hint, "detail": e.detail,
    } for e in sorted(report.entries, key=lambda e: (e.county, order.index(e.kind), e.problem))]
    links = report.links
    return {
        "format": REPORT_FORMAT,
        "site": report.site_title,
        "ok": report.ok,
        "strict": report.strict,
        "checked": dict(report.checked),
        "summary": counts(report.entries),
        "counties": counties,
        "problems": problems,
        "pii_allowed": [{"value": value, "reason": reason,
                         "uses": [{"path": f.path, "place": f.place, "type": f.kind} for f in report.pii.uses(value)]}
                        for value, reason in report.pii.allowances],
        "inspection": None if report.inspection is None else inspection_data(dict(report.counties), report.inspection),
        "links": None if links is None else {
            "pages": links.pages, "internal": links.internal,
            "broken": sum(e.kind == "broken_link" for e in report.entries),
            "external": [{"url": url, "pages": len(set(pages)), "first_page": pages[0]}
                         for url, pages in sorted(links.external.items())],
        },
    }


def format_json(report: CheckReport) -> str:
    return json.dumps(report_data(report), ensure_ascii=False, indent=2)
