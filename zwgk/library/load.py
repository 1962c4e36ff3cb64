"""Reading a whole site into a Library in this process: read → validate → library."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from zwgk.base import Clock, ContentErrors, Problem, collector_paused, errors_only
from zwgk.library.library import Library, build_library
from zwgk.library.validate import validate_county, validate_shared_pages, validate_site_config
from zwgk.source import SourceTree, read_site


@dataclass
class Loaded:
    library: Library
    problems: list[Problem]          # warnings (and errors, when not raised)
    texts: dict[str, str]            # source texts, for showing the offending line


def load_library(site_dir: str | SourceTree, counties: tuple[str, ...] = (), strict: bool = False,
                 timings: list | None = None) -> Loaded:
    """Read and validate a whole site in this process; raise ContentErrors with every problem if any is an error.
    The site is a folder, or a SourceTree (a MemoryTree: a site held in a dict, for tests)."""
    clock = Clock(timings)
    with collector_paused():
        sources = read_site(site_dir, counties)
        clock.lap("read")
        problems = list(sources.problems)
        site = validate_site_config(sources, problems)
        drafts = [validate_county(c, site, problems) for c in sources.counties.values()]
        shared = validate_shared_pages(sources, problems)
        clock.lap("validate")
        problems += unknown_counties(counties, sources.counties)
        library = build_library(site, drafts, shared, problems)
        clock.lap("library")
    if errors_only(problems, strict):
        raise ContentErrors(problems, sources.texts)
    return Loaded(library, problems, sources.texts)


def unknown_counties(asked: Iterable[str], found) -> list[Problem]:
    return [Problem("catalog", 0, 0, f"找不到县（区）'{slug}'", "--county 的值是 catalog/ 下的目录名")
            for slug in asked if slug not in found]
