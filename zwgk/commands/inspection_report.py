"""`zwgk check --inspection`: the indicators of every county, gathered from what the check found,
and written out (text, and the JSON documented in docs/inspection.md)."""
from __future__ import annotations

from datetime import date
from typing import Callable, Iterable, Mapping

from zwgk.commands.external_links import failing_links
from zwgk.library import Library, page_sources
from zwgk.publish import LinkReport
from zwgk.source import PiiReport
from zwgk.outputs import Evidence, Indicator, Place, find_words, inspect_county, words_of

SHOWN_PLACES = 5        # the text report shows this many places of an indicator; JSON has all
PLACEHOLDER_MARK = "仍是新建站点时的示例值"     # the words of the placeholder warnings (library/validate.py)


def inspect_site(library: Library, entries: Iterable, pii: PiiReport, links: LinkReport | None, texts: Mapping[str, str],
                 today: date, updated_of: Callable[[object], date | None], external: bool = False) -> dict[str, list[Indicator]]:
    """county slug -> its indicators, from the check's own findings (its report's entries); with
    `external`, the external links of its pages are tried too."""
    entries = list(entries)
    dead: dict[str, list[Place]] = {}
    for e in entries:
        if e.kind == "broken_link":
            dead.setdefault(e.county, []).append(_place(e))
    sources = {path: text for path, text in texts.items() if path != "wordlist.yaml"}
    evidence = Evidence(
        dead_links=dead,
        textless=pii.textless,
        words=find_words({**sources, **pii.texts}, words_of(library.site)),
        placeholders=[_place(e) for e in entries if e.kind == "validation" and PLACEHOLDER_MARK in e.problem.message],
        links_checked=links is not None,
    )
    found = {c.slug: inspect_county(library, c, today, texts, updated_of, evidence) for c in library.counties}
    if external and links is not None:
        failing = failing_links(links.external)
        made_from = page_sources(library.counties, library.pages)     # a page -> the source file that wrote it
        for slug, indicators in found.items():
            places = []
            for url, pages in sorted(links.external.items()):
                mine = [p for p in pages if p.startswith(slug + "/")]
                if url in failing and mine:
                    page = next((p for p in mine if p in made_from), mine[0])
                    places.append(Place(made_from.get(page, (page, 0))[0], 0, 0, f"{url}：{failing[url]}"))
            indicators.append(Indicator("external_links", "打不开的外部链接", not places, len(places), "0 个", places=tuple(places)))
    return found


def _place(entry) -> Place:
    p = entry.problem
    return Place(p.path, p.line, p.col, p.message)


def vetoed(inspection: Mapping[str, list[Indicator]]) -> bool:
    """Some county fails a 单项否决 indicator: the whole site would fail the inspection."""
    return any(i.veto and not i.passed for indicators in inspection.values() for i in indicators)


def format_inspection(names: Mapping[str, str], inspection: Mapping[str, list[Indicator]]) -> str:
    out = ["", "政府网站检查（zwgk check --inspection；各项依据见 docs/inspection.md）："]
    for slug, indicators in inspection.items():
        failed = [i for i in indicators if not i.passed]
        verdict = "有单项否决项" if any(i.veto for i in failed) else (f"{len(failed)} 项未达标" if failed else "全部达标")
        out.append("")
        out.append(f"{names.get(slug, slug)}：{verdict}")
        for i in indicators:
            mark = "✓" if i.passed else ("✗（单项否决）" if i.veto else "✗")
            out.append(f"  {mark} {i.label}：{i.figure}（要求：{i.threshold}）{'；' + i.note if i.note else ''}")
            for p in i.places[:SHOWN_PLACES]:
                where = f"{p.path}:{p.line}:{p.col}" if p.line else p.path
                out.append(f"      {where}: {p.text}")
            if len(i.places) > SHOWN_PLACES:
                out.append(f"      ……另有 {len(i.places) - SHOWN_PLACES} 处（完整列表：--format json）")
    return "\n".join(out)


def inspection_data(names: Mapping[str, str], inspection: Mapping[str, list[Indicator]]) -> dict:
    return {"vetoed": vetoed(inspection), "counties": [{
        "slug": slug, "name": names.get(slug, slug),
        "passed": all(i.passed for i in indicators),
        "vetoed": any(i.veto and not i.passed for i in indicators),
        "indicators": [{
            "key": i.key, "label": i.label, "passed": i.passed, "veto": i.veto, "figure": i.figure,
            "threshold": i.threshold, "note": i.note,
            "places": [{"path": p.path, "line": p.line, "col": p.col, "text": p.text} for p in i.places],
        } for i in indicators],
    } for slug, indicators in inspection.items()]}
