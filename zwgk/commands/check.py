"""`zwgk check`: validation, personal information, completeness and links, in one report.

`run_check` gathers the findings into a `CheckReport`; zwgk/commands/check_report.py writes
it out (`format_text` for a terminal, `format_json` for CI).
"""
from __future__ import annotations

import os
import tempfile
from datetime import date
from typing import Callable, Mapping

from zwgk.base import ContentErrors, Problem
from zwgk.commands.inspection_report import inspect_site
from zwgk.commands.check_report import KIND_LABELS, REPORT_FORMAT, CheckReport, Entry, format_json, format_text, report_data
from zwgk.library import Library, page_sources
from zwgk.outputs import CountyCompleteness, assess, find_gaps
from zwgk.publish import LinkReport, check_links
from zwgk.source import KIND_LABELS as PII_LABELS
from zwgk.source import PiiReport, SourceError, parse_yaml, scan_site

# The whole command in one place: the report's writers too, for the command line and tests.
__all__ = ["KIND_LABELS", "REPORT_FORMAT", "CheckReport", "Entry", "county_of", "format_json", "format_text",
           "report_data", "run_check"]


def county_of(path: str) -> str:
    """The county a site-relative path belongs to ("" for site-wide files and shared pages)."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] in ("catalog", "content") and parts[1] != "pages":
        return parts[1]
    return ""


def _text_place(problem: Problem) -> dict:
    return {"line": problem.line, "col": problem.col} if problem.line else {}


def run_check(site_dir: str, *, strict: bool = False, today: date | None = None,
              updated_of: Callable[[object], date | None] | None = None, inspection: bool = False,
              external: bool = False) -> CheckReport:
    """Check the site at site_dir; `today` and `updated_of` are arguments so results can be pinned.
    With `inspection`, also what a government-website inspection looks at (docs/inspection.md)."""
    from zwgk.library import load_library
    today = today or date.today()
    entries: list[Entry] = []
    library: Library | None = None
    try:
        loaded = load_library(site_dir)
        library, texts, problems = loaded.library, loaded.texts, loaded.problems
    except ContentErrors as exc:
        texts, problems = exc.texts, exc.problems
    # One problem found twice (by two stages, or for two files of one county) is reported once.
    entries += [Entry(county_of(p.path), "validation", p, _text_place(p)) for p in dict.fromkeys(problems)]

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
        sorted({(e.county, _written_value(texts, f"catalog/{e.county}/county.yaml", "name") or e.county)
                for e in entries if e.county})
    title = library.site.title if library else _written_value(texts, "site.yaml", "title")
    report = CheckReport(title, strict, entries, names, completeness, pii, links,
                         {"validation": True, "pii": True, "completeness": library is not None,
                          "links": links is not None}, texts)
    if inspection and library is not None:
        report.inspection = inspect_site(library, entries, pii, links, texts, today, updated_of, external)
    return report


def _history_dates(site_dir: str):
    from zwgk.source import read_history
    history = read_history(site_dir)
    return lambda obj: history.updated(obj.src_path, getattr(obj, "updated", None))


def _written_value(texts: Mapping[str, str], path: str, key: str) -> str:
    """A top-level text of a YAML file read directly (a county's name, the site's title), for a
    site whose validation failed: the report still names things as the editor does."""
    try:
        node = parse_yaml(texts.get(path, ""), path, [])
    except SourceError:
        return ""
    value = node.value.get(key) if node is not None and node.kind == "map" else None
    return value.value.strip() if value is not None and isinstance(value.value, str) else ""


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


def _link_entries(report: LinkReport, library: Library, texts: Mapping[str, str]) -> list[Entry]:
    """Broken links, each reported once: at the source line that wrote it, or, for links made by
    templates (found on many pages), once per county with the number of pages."""
    sources = page_sources(library.counties, library.pages)
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
