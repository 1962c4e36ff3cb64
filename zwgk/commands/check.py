"""`zwgk check`: validation, personal information, completeness and links, in one report.

The report is plain data (`CheckReport`); `format_text` is for a terminal, grouped by
county and kind with counts, and `format_json` is for CI (documented in docs/check-report.md).
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Mapping

from zwgk.library import urls
from zwgk.outputs import CountyCompleteness, NOT_APPLICABLE, PUBLISHED, assess, find_gaps
from zwgk.base import ContentErrors, Problem
from zwgk.library import Library
from zwgk.publish import LinkReport, check_links
from zwgk.source import KIND_LABELS as PII_LABELS, PiiReport, mask_texts, scan_site
from zwgk.source import SourceError, parse_yaml

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

    @property
    def errors(self) -> int:
        return sum(e.problem.severity == "error" for e in self.entries)

    @property
    def warnings(self) -> int:
        return len(self.entries) - self.errors

    @property
    def ok(self) -> bool:
        return not self.errors and not (self.strict and self.warnings)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def county_of(path: str) -> str:
    """The county a site-relative path belongs to ("" for site-wide files and shared pages)."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] in ("catalog", "content") and parts[1] != "pages":
        return parts[1]
    return ""


def _text_place(problem: Problem) -> dict:
    return {"line": problem.line, "col": problem.col} if problem.line else {}


def run_check(site_dir: str, *, strict: bool = False, today: date | None = None,
              updated_of: Callable[[object], date | None] | None = None) -> CheckReport:
    """Check the site at site_dir; `today` and `updated_of` are arguments so results can be pinned."""
    from zwgk.library import load_library
    today = today or date.today()
    entries: list[Entry] = []
    library: Library | None = None
    try:
        loaded = load_library(site_dir)
        library, texts, problems = loaded.library, loaded.texts, loaded.problems
    except ContentErrors as exc:
        texts, problems = exc.texts, exc.problems
    entries += [Entry(county_of(p.path), "validation", p, _text_place(p)) for p in problems]

    allow = library.site.pii_allow if library else _allowlist_from(texts)
    counties = [c.slug for c in library.counties] if library else None
    pii = scan_site(os.path.abspath(site_dir), texts, allow, counties)
    entries += _pii_entries(pii)

    links = None
    completeness: list[CountyCompleteness] = []
    if library is not None:
        if updated_of is None:
            updated_of = _history_dates(site_dir)
        completeness = assess(library)
        entries += [Entry(g.county, g.kind, g.problem, _text_place(g.problem), dict(g.detail))
                    for g in find_gaps(library, today, updated_of, texts)]
        links = _built_links(site_dir)
        entries += _link_entries(links, library, texts)
    names = [(c.slug, c.name) for c in library.counties] if library else \
        sorted({(e.county, e.county) for e in entries if e.county})
    title = library.site.title if library else ""
    return CheckReport(title, strict, entries, names, completeness, pii, links,
                       {"validation": True, "pii": True, "completeness": library is not None,
                        "links": links is not None}, texts)


def _history_dates(site_dir: str):
    from zwgk.source import read_history
    history = read_history(site_dir)
    return lambda obj: history.updated(obj.src_path, getattr(obj, "updated", None))


def _allowlist_from(texts: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """site.yaml's pii_allow read directly, for a site whose validation failed."""
    try:
        node = parse_yaml(texts.get("site.yaml", ""), "site.yaml", [])
    except SourceError:
        return ()
    allow = node.value.get("pii_allow") if node is not None and node.kind == "map" else None
    found = []
    for entry in (allow.value if allow is not None and allow.kind == "seq" else ()):
        if entry.kind == "map" and "value" in entry.value:
            reason = entry.value.get("reason")
            found.append((str(entry.value["value"].value), str(reason.value) if reason else ""))
    return tuple(found)


def _pii_entries(pii: PiiReport) -> list[Entry]:
    entries = []
    for finding in pii.findings:
        entries.append(Entry(county_of(finding.path), "pii", finding.problem(), dict(finding.place),
                             {"type": finding.kind, "label": PII_LABELS[finding.kind],
                              "masked": finding.masked, "excerpt": finding.excerpt}))
    for problem in pii.problems()[len(pii.findings):]:
        entries.append(Entry(county_of(problem.path), "pii_unchecked", problem, {}))
    return entries


# ---------------------------------------------------------------- links

def _built_links(site_dir: str) -> LinkReport | None:
    from zwgk.build import build_site
    from zwgk.publish import OutputRefused
    with tempfile.TemporaryDirectory(prefix="zwgk-check-") as tmp:
        out = os.path.join(tmp, "site")
        try:
            # Personal information is scanned by the check itself; the build must not stop on it.
            build_site(site_dir, out, check_personal_info=False)
        except (ContentErrors, OutputRefused):
            return None
        return check_links(out)


def page_sources(library: Library) -> dict[str, tuple[str, int]]:
    """Output page -> (source file, line) for every page made from one source file."""
    sources: dict[str, tuple[str, int]] = {}
    for page in library.pages:
        sources[urls.page_page("", page.slug)] = (page.src_path, 0)
    for county in library.counties:
        c = county.slug
        for domain in county.domains:
            sources[urls.domain_page(c, domain.slug)] = (domain.src_path, 0)
            for item in domain.items:
                sources[urls.item_page(c, item.id)] = (item.src_path, item.line)
        for doc in county.documents:
            sources[urls.doc_page(c, doc.id)] = (doc.src_path, 0)
        for page in county.pages:
            sources[urls.page_page(c, page.slug)] = (page.src_path, 0)
    return sources


def _link_entries(report: LinkReport, library: Library, texts: Mapping[str, str]) -> list[Entry]:
    """Broken links, each reported once: at the source line that wrote it, or, for links made by
    templates (found on many pages), once per county with the number of pages."""
    sources = page_sources(library)
    counties = {c.slug for c in library.counties}
    lines_of: dict[str, list[str]] = {}
    grouped: dict[tuple, list] = {}
    for broken in report.broken:
        link = broken.link
        county = link.page.split("/")[0] if link.page.split("/")[0] in counties else ""
        src_path, after = sources.get(link.page, ("", 0))
        line = col = 0
        if src_path:
            if src_path not in lines_of:
                lines_of[src_path] = texts.get(src_path, "").split("\n")
            line, col = _find_in_source(lines_of[src_path], _needles(broken, county), after)
        key = (county, src_path if line else "", line, broken.target, broken.fragment, "" if broken.target else link.url)
        grouped.setdefault(key, []).append(broken)
    entries = []
    for (county, src_path, line, target, fragment, _url), found in grouped.items():
        link = found[0].link
        pages = len({b.link.page for b in found})
        if src_path:
            where = f"生成的页面 {link.page} 第 {link.line} 行"
            hint = _missing_hint(target, county)
            col = _find_in_source(lines_of[src_path], _needles(found[0], county), line)[1]
            problem_at = (src_path, line, col)
        else:
            where = f"{pages} 个生成的页面，如 {link.page} 第 {link.line} 行"
            hint = "这个链接不是内容源文件写的，而是模板或 zwgk 生成的：请检查主题模板，或生成该页面的功能是否已启用"
            problem_at = (link.page, 0, 0)
        if not target:
            message, hint = f"链接“{link.url}”指向网站之外（{where}）", "站内链接只能指向本站的页面和附件"
        elif fragment:
            message = f"链接“{link.url}”指向的锚点 #{fragment} 在 {target} 中不存在（{where}）"
            hint = "请检查 # 后面的锚点名称" if src_path else hint
        else:
            message = f"链接“{link.url}”指向的 {target} 不存在（{where}）"
        # An editor can fix a link in a source file; one made by a template is the theme's or engine's.
        problem = Problem(*problem_at, message, hint, "error" if src_path else "warning")
        place = {"line": problem.line, "col": problem.col} if problem.line else {}
        entries.append(Entry(county, "broken_link", problem, place,
                             {"url": link.url, "page": link.page, "page_line": link.line,
                              "target": target, "anchor": fragment, "pages": pages}))
    return entries


def _needles(broken, county: str) -> list[str]:
    """What the source may have written for a broken link: the county-relative path or the anchor."""
    needles = []
    if broken.target:
        in_county = broken.target[len(county) + 1:] if county and broken.target.startswith(county + "/") else broken.target
        if in_county.endswith(".html"):
            needles.append(in_county[:-5] + ".md")
        needles.append(in_county)
    if broken.fragment:
        needles.append("#" + broken.fragment)
    return needles


def _find_in_source(lines: list[str], needles: list[str], after: int) -> tuple[int, int]:
    for needle in needles:
        for n in range(max(after, 1), len(lines) + 1):
            col = lines[n - 1].find(needle)
            if col >= 0:
                return n, col + 1
    return 0, 0


def _missing_hint(target: str, county: str) -> str:
    parts = target.split("/")
    if county and len(parts) >= 2 and parts[1] == "files":
        return f"附件要放在 content/{county}/files/ 下，并列入文件头的 attachments"
    if county and len(parts) >= 2 and parts[1] == "docs":
        return f"链接其他文件请写 docs/编号.md，编号是 content/{county}/docs/ 下的文件名"
    return "请检查链接地址的拼写；链接其他页面请用相对地址"


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
    out = [f"检查：{report.site_title or '（站点配置有误）'}"]
    shown = {e.problem.path for e in report.entries if e.kind == "validation"}
    masked = mask_texts({path: text for path, text in report.texts.items() if path in shown})
    number = 0
    for slug, name, by_kind in _group(report):
        everything = [e for entries in by_kind.values() for e in entries]
        out.append("")
        out.append(f"{name}{f'（{slug}）' if slug else ''}：{_counts(everything)}")
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
                       f"未发布 {26 - c.count(PUBLISHED) - c.count(NOT_APPLICABLE)} 个")
    skipped = [name for name, ran in (("链接", report.checked["links"]), ("完整性", report.checked["completeness"])) if not ran]
    out.append("")
    if skipped:
        out.append(f"内容有错误，未能生成网站，未检查：{'、'.join(skipped)}。")
    verdict = "通过" if report.ok else "未通过"
    if report.strict and report.warnings and not report.errors:
        verdict += "（--strict：警告也算错误）"
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
            "missing": len(c.cells) - c.count(PUBLISHED) - c.count(NOT_APPLICABLE), "items": c.items,
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
        "links": None if links is None else {
            "pages": links.pages, "internal": links.internal,
            "broken": sum(e.kind == "broken_link" for e in report.entries),
            "external": [{"url": url, "pages": len(set(pages)), "first_page": pages[0]}
                         for url, pages in sorted(links.external.items())],
        },
    }


def format_json(report: CheckReport) -> str:
    return json.dumps(report_data(report), ensure_ascii=False, indent=2)
