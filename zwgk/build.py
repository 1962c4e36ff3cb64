"""`zwgk build`: read → validate → library → render → write, each stage timed."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from . import urls
from .completeness import completeness_page
from .errors import ContentErrors, Problem, errors_only
from .library import Library, build_library
from .pii import refuse_leaks
from .read import read_site
from .render import Renderer, plan_pages, theme_dirs
from .validate import validate_county, validate_shared_pages, validate_site_config
from .write import SiteWriter, build_lock, check_output_dir

SEARCH_RUNTIME = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "search")


@dataclass
class Loaded:
    library: Library
    problems: list[Problem]          # warnings (and errors, when not raised)
    texts: dict[str, str]            # source texts, for showing the offending line


@dataclass
class BuildResult:
    library: Library
    problems: list[Problem]
    timings: list[tuple[str, float]] = field(default_factory=list)
    pages: int = 0                   # pages rendered
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def load_library(site_dir: str, counties: tuple[str, ...] = (), strict: bool = False,
                 timings: list | None = None) -> Loaded:
    """Read and validate a site; raise ContentErrors with every problem if any is an error."""
    clock = _Clock(timings)
    sources = read_site(site_dir, counties)
    clock.lap("read")
    problems = list(sources.problems)
    site = validate_site_config(sources, problems)
    drafts = [validate_county(c, site, problems) for c in sources.counties.values()]
    shared = validate_shared_pages(sources, problems)
    clock.lap("validate")
    for slug in counties:
        if slug not in sources.counties:
            problems.append(Problem("catalog", 0, 0, f"找不到县（区）'{slug}'", "--county 的值是 catalog/ 下的目录名"))
    library = build_library(site, drafts, shared, problems)
    clock.lap("library")
    if errors_only(problems, strict):
        raise ContentErrors(problems, sources.texts)
    return Loaded(library, problems, sources.texts)


class _Clock:
    def __init__(self, timings: list | None):
        self.timings = timings if timings is not None else []
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings.append((name, now - self.last))
        self.last = now


# Each producer gives (dest, bytes) for one county; more are added as features land.
CountyProducer = Callable[[Library, str], Iterable[tuple[str, bytes]]]
COUNTY_PRODUCERS: list[CountyProducer] = []
PORTAL_PRODUCERS: list[Callable[[Library], Iterable[tuple[str, bytes]]]] = [completeness_page]


def build_site(site_dir: str, out_dir: str | None = None, *, strict: bool = False,
               counties: tuple[str, ...] = (), log: Callable[[str], None] | None = None,
               check_personal_info: bool = True) -> BuildResult:
    """Build the site into out_dir (default SITE/public). Raises ContentErrors on bad content.

    Personal information in sources or attachments is bad content: such a site is never published.
    """
    out_dir = out_dir or os.path.join(site_dir, "public")
    check_output_dir(out_dir, site_dir)
    timings: list[tuple[str, float]] = []
    loaded = load_library(site_dir, counties, strict, timings)
    library = loaded.library
    clock = _Clock(timings)
    if check_personal_info:
        refuse_leaks(library.site, loaded.texts, loaded.problems, strict, [c.slug for c in library.counties])
        clock.lap("pii")
    with build_lock(out_dir):
        writer = SiteWriter(out_dir)
        try:
            pages = 0
            renderer = Renderer(library)
            for job in plan_pages(library):
                writer.add(job.dest, renderer.render(job))
                pages += 1
            clock.lap("render")
            for dest, src in static_files(library):
                writer.copy(dest, src)
            for county in library.counties:
                for path, src in sorted(county_attachments(library, county.slug)):
                    writer.copy(urls.attachment(county.slug, path), src)
                for producer in COUNTY_PRODUCERS:
                    for dest, data in producer(library, county.slug):
                        writer.add(dest, data)
            for producer in PORTAL_PRODUCERS:
                for dest, data in producer(library):
                    writer.add(dest, data)
            clock.lap("extras")
            stats = writer.commit()
            clock.lap("write")
        except BaseException:
            writer.abort()
            raise
    result = BuildResult(library, loaded.problems, timings, pages, stats.written, stats.unchanged, stats.removed)
    if log:
        for name, seconds in timings:
            log(f"{name:>10}: {seconds * 1000:8.1f} ms")
    return result


def static_files(library: Library) -> Iterator[tuple[str, str]]:
    """Theme assets and the search runtime, copied into the portal and every county."""
    found: dict[str, str] = {}
    for theme in reversed(theme_dirs(library)):      # the site theme wins
        static = os.path.join(theme, "static")
        for dirpath, _dirs, files in os.walk(static):
            for name in files:
                full = os.path.join(dirpath, name)
                found[os.path.relpath(full, static).replace(os.sep, "/")] = full
    if os.path.isdir(SEARCH_RUNTIME):
        for name in os.listdir(SEARCH_RUNTIME):
            if name.endswith(".js"):
                found.setdefault(name, os.path.join(SEARCH_RUNTIME, name))
    for county in ("",) + tuple(c.slug for c in library.counties):
        for rel, full in sorted(found.items()):
            yield f"{urls.assets(county)}/{rel}", full


def county_attachments(library: Library, county: str) -> Iterator[tuple[str, str]]:
    """The attachments documents refer to (path relative to content/<county>/, source file)."""
    root = library.site.root
    seen = set()
    for doc in library.county(county).documents:
        for path in doc.attachments:
            if path not in seen:
                seen.add(path)
                full = os.path.join(root, "content", county, *path.split("/"))
                if os.path.isfile(full):
                    yield path, full
