"""`zwgk build`: read → validate → library → render → write, each stage timed.

A site is built county by county: each county is read, validated, rendered and
produced (downloads, search index, offline zip) on its own, in parallel on every core,
straight into the stage folder, and leaves a `<county>/county.json` from which the
portal is then made. Fingerprints of every page's inputs, kept in the output's
manifest, let a build skip an unchanged county without reading it, and re-render only
the pages of a changed county whose inputs changed. So `--county` builds of separate
jobs can be merged (`--merge`) into the same output as one build of the whole site.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterable

from zwgk import __version__
from zwgk.library import urls
from zwgk.base import cancellable, checkpoint
from zwgk.base import Clock, collector_paused
from zwgk.outputs import completeness_page
from zwgk.build.county import PARTIAL, WARNED, CountyContext, CountyFinisher, CountyProducer, CountyResult, build_county
from zwgk.outputs import download_outputs, downloads_page_and_offline_zip
from zwgk.base import SEARCH_RUNTIME_FILES, search_runtime
from zwgk.base import BuildCancelled, ContentErrors, Problem, errors_only
from zwgk.publish import CountySources, engine_fingerprint, folders_fingerprint, read_source_files
from zwgk.source import History, read_history
from zwgk.library import Library
from zwgk.library import Loaded, load_library, unknown_counties  # noqa: F401  (load_library: part of this module's face)
from zwgk.library import Page, Site
from zwgk.library import SnapshotError, portal_library, read_snapshot, snapshot_path
from zwgk.build.progress import Reporter
from zwgk.source import read_site
from zwgk.render import Renderer, make_environment, plan_portal, theme_dirs
from zwgk.outputs import county_search_outputs, portal_search_outputs, prepare_portal_records
from zwgk.library import validate_shared_pages, validate_site_config
from zwgk.build.workers import Workers, cores
from zwgk.publish import SiteWriter, StageFiles, build_lock, check_output_dir, digest, keep_previous, read_manifest

# Below this many bytes of sources to build, forking workers costs more than it saves.
PARALLEL_FROM_BYTES = 2_000_000


@dataclass
class BuildResult:
    problems: list[Problem]
    timings: list[tuple[str, float]] = field(default_factory=list)
    pages: int = 0                   # pages rendered by this build (0 when nothing changed)
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    counties: int = 0                # counties in the output
    skipped: int = 0                 # of those, carried over unchanged without being read
    warned_before: int = 0           # of the skipped ones, those whose last build had warnings
    phases: dict[str, float] = field(default_factory=dict)   # CPU seconds per phase, summed over the counties
    _library: Callable[[], Library] | Library | None = field(default=None, repr=False)

    @property
    def library(self) -> Library:
        """The site as the portal sees it (from every county.json: documents without their body)."""
        if callable(self._library):
            self._library = self._library()
        return self._library


# What each county gets besides its pages, attachments and assets: (library, slug) -> [(dest, bytes)].
COUNTY_PRODUCERS: list[CountyProducer] = [download_outputs, county_search_outputs]
# Made after everything else of a county, from its finished files (the offline zip).
COUNTY_FINISHERS: list[CountyFinisher] = [downloads_page_and_offline_zip]
# The portal's files besides its pages, from the portal's Library (made from every county.json).
PORTAL_PRODUCERS: list[Callable[[Library], Iterable[tuple[str, bytes]]]] = [completeness_page, portal_search_outputs]


def build_site(site_dir: str, out_dir: str | None = None, *, strict: bool = False,
               counties: tuple[str, ...] = (), log: Callable[[str], None] | None = None,
               check_personal_info: bool = True, merge: tuple[str, ...] = (),
               defer_producers: bool = False, progress: Reporter | None = None,
               cancelled: Callable[[], bool] | None = None) -> BuildResult:
    """Build the site into out_dir (default SITE/public). Raises ContentErrors on bad content.

    counties: build only these; the other counties already in the output stay as they are.
    merge: output folders of other builds of this site; their counties are taken as built.
    progress: shows the counties as they finish (a bar on a terminal) once a build runs long.
    defer_producers: pages only, for a quick preview (`zwgk serve`): downloads, search
    indexes and offline zips stay as the last full build made them, until the next build
    without it, which makes them (and only them) again.
    cancelled: asked at checkpoints (between producers, between the steps of a search
    index); when it says yes, BuildCancelled is raised, the live output is left as it was
    and what was made so far is kept for the next build to reuse.
    Personal information in sources or attachments is bad content: such a site is never published.
    """
    out_dir = out_dir or os.path.join(site_dir, "public")
    check_output_dir(out_dir, site_dir)
    out_dir = os.path.realpath(out_dir)   # a linked output folder: publish into what it points at
    timings: list[tuple[str, float]] = []
    clock = Clock(timings)
    with collector_paused():
        plan = _read_plan(site_dir, counties, check_personal_info)
        clock.lap("read")
        with build_lock(out_dir):
            writer = SiteWriter(out_dir)
            try:
                with cancellable(cancelled):
                    result = _build(plan, writer, strict, counties, merge, clock, defer_producers,
                                    progress or Reporter.silent())
                stats = writer.commit()             # all made: publishing is quicker than stopping
                clock.lap("write")
            except BuildCancelled:
                writer.shelve()
                raise
            except BaseException:
                writer.abort()
                raise
    result.timings = timings
    result.written, result.unchanged, result.removed = stats.written, stats.unchanged, stats.removed
    if log:
        for name, seconds in timings:
            log(f"{name:>10}: {seconds * 1000:8.1f} ms")
        for name, seconds in result.phases.items():
            log(f"{'':>10}  {name}: {seconds * 1000:8.1f} ms CPU（各县合计）")
    return result


@dataclass
class _Plan:
    """Everything read before the output is locked: the site's own files and every fingerprint."""
    root: str
    site: Site
    shared_pages: list[Page]
    slugs: list[str]                         # counties of the site to build
    problems: list[Problem]
    texts: dict[str, str]
    history: History
    identity: str                            # written into every county.json
    site_fingerprint: str                    # the identity and zwgk's code: the base of every fingerprint
    sources: CountySources                   # county -> its source files' digests, read when first needed
    assets: list[tuple[str, str]]
    check_personal_info: bool


def _read_plan(site_dir: str, only: tuple[str, ...], check_personal_info: bool) -> _Plan:
    root = os.path.abspath(site_dir)
    sources = read_site(root, only, with_counties=False)
    problems = list(sources.problems)
    site = validate_site_config(sources, problems)
    pages = validate_shared_pages(sources, problems)
    problems += unknown_counties(only, sources.counties)
    if check_personal_info:
        from zwgk.source import scan_site
        problems += scan_site(root, sources.texts, site.pii_allow, []).problems()
    history = read_history(root)
    themes = theme_dirs(portal_library(site, pages, []))
    slugs = list(sources.counties)
    # What a county was made from, as its county.json says (a merge checks it): this site's
    # configuration and theme and this version of zwgk. The manifest's fingerprints add
    # zwgk's code itself, so that any change to the engine re-makes what it would change.
    shared = read_source_files(root, ["site.yaml", "content/pages"], history)
    identity = shared.fingerprint(digest("\n".join(
        [__version__, folders_fingerprint([*themes, search_runtime()])]).encode("utf-8")))
    site_fingerprint = digest(f"{identity}\n{engine_fingerprint()}".encode("utf-8"))
    return _Plan(root, site, pages, slugs, problems, dict(sources.texts), history, identity, site_fingerprint,
                 CountySources(root, slugs, history), theme_assets(themes), check_personal_info)


def _build(plan: _Plan, writer: SiteWriter, strict: bool, only: tuple[str, ...], merge: tuple[str, ...],
           clock: Clock, partial: bool = False, progress: Reporter | None = None) -> BuildResult:
    result = BuildResult(list(plan.problems))
    texts = dict(plan.texts)
    snapshots: dict[str, bytes] = {}
    if merge:
        _take_merged(plan, writer, merge, snapshots, result)
        todo = []
    else:
        todo = _carry_over(plan, writer, strict, only, snapshots, result, partial)
    ahead = None
    if todo:
        ctx = CountyContext(plan.root, plan.site, plan.shared_pages, plan.history, plan.site_fingerprint,
                            plan.identity, plan.sources, plan.assets, list(COUNTY_PRODUCERS),
                            list(COUNTY_FINISHERS), writer.files, strict, plan.check_personal_info)
        ctx.validate_only = bool(errors_only(result.problems, strict))
        if partial:
            ctx.producers, ctx.finishers, ctx.partial = [], [], True
        sizes = {c: plan.sources.size(c) for c in todo}
        processes = int(os.environ.get("ZWGK_WORKERS", 0)) or (cores() if sum(sizes.values()) >= PARALLEL_FROM_BYTES else 1)
        largest_first = sorted(todo, key=lambda c: -sizes[c])
        writer.files.with_workers = processes > 1 and len(todo) > 1
        with Workers(processes) as workers:
            ctx.early = workers.channel() if len(todo) > 1 and not ctx.validate_only and not partial else None
            finished = workers.run(lambda slug: build_county(ctx, slug), largest_first)
            if ctx.early is not None:
                # The portal is made from the counties' county.json files, which the workers send
                # as soon as they have read a county: it is made meanwhile, on the core the first
                # worker to run out of counties leaves free, instead of after all of them.
                ahead = _PortalAhead(plan, writer, dict(snapshots), set(todo), ctx.early, workers.drained)
                ahead.start()
            try:
                for done in (progress or Reporter.silent()).track(finished, "生成县（区）", total=len(todo)):
                    _take_county(done, writer, snapshots, result, texts)
            except BaseException:
                if ahead is not None:
                    ahead.cancelled = True
                raise
            finally:
                if ahead is not None:
                    ctx.early.put(None)          # wakes it if a county never came
                    workers.drained.set()
                    ahead.join()
    clock.lap("counties")
    if errors_only(result.problems, strict):
        raise ContentErrors(result.problems, texts)
    checkpoint()
    _build_portal(plan, writer, snapshots, result, ahead, partial)
    if partial:
        # What the producers made last time stays until a full build makes it again (a page
        # of an item just removed stays too, unlinked, until then).
        for dest in writer.old_manifest.keys() - writer.manifest.keys():
            writer.keep(dest)
    clock.lap("portal")
    result.counties = len(snapshots)
    return result


def _carry_over(plan: _Plan, writer: SiteWriter, strict: bool, only: tuple[str, ...],
                snapshots: dict[str, bytes], result: BuildResult, partial: bool = False) -> list[str]:
    """Keep what needs no work; return the counties to build."""
    todo = []
    for slug in plan.slugs:
        old = writer.old_manifest.get(snapshot_path(slug))
        if old is None:             # never built here: no need to hash its sources now
            todo.append(slug)
            continue
        fingerprint = plan.sources[slug].fingerprint(plan.site_fingerprint)
        marks = [fingerprint] if strict else [fingerprint, fingerprint + WARNED]
        if partial:        # only a build that runs the producers needs one whose last build did not
            marks += [mark + PARTIAL for mark in marks]
        if old[1] in marks and _keep_county(writer, slug, snapshots):
            result.skipped += 1
            result.warned_before += WARNED in old[1]
        else:
            todo.append(slug)
    if only:
        # A subset build: the other counties already in the output stay as they are.
        for slug in _counties_in(writer.old_manifest):
            if slug not in plan.slugs:
                _keep_county(writer, slug, snapshots)
    return todo


def _keep_county(writer: SiteWriter, slug: str, snapshots: dict[str, bytes]) -> bool:
    dests = writer.old_by_county().get(slug, [])
    if not all(d in writer.live for d in dests):
        return False                                     # a file was deleted by hand: build it again
    try:
        with open(os.path.join(writer.out, snapshot_path(slug)), "rb") as fh:
            snapshots[slug] = fh.read()
    except OSError:
        return False
    for dest in dests:
        writer.keep(dest)
    return True


def _counties_in(manifest) -> list[str]:
    return sorted(d.split("/", 1)[0] for d in manifest if d.count("/") == 1 and d.endswith("/county.json"))


def _take_county(done: CountyResult, writer: SiteWriter, snapshots: dict[str, bytes], result: BuildResult,
                 texts: dict[str, str]) -> None:
    result.problems += done.problems
    texts.update(done.texts)
    result.pages += done.rendered
    for phase, seconds in done.seconds.items():
        result.phases[phase] = result.phases.get(phase, 0.0) + seconds
    for dest, hexdigest, fingerprint, written in done.entries:
        writer.record(dest, hexdigest, fingerprint, written)
    if done.snapshot is not None:
        snapshots[done.slug] = done.snapshot


def _take_merged(plan: _Plan, writer: SiteWriter, dirs: tuple[str, ...], snapshots: dict[str, bytes],
                 result: BuildResult) -> None:
    """Every county of each folder, as it was built there (linked, or copied across file systems)."""
    found: dict[str, str] = {}
    for folder in dirs:
        manifest = read_manifest(folder)
        if not manifest:
            result.problems.append(Problem(folder, 0, 0, f"{folder} 不是 zwgk 生成的输出目录", "--merge 的值是另一次 zwgk build 的 --out 目录"))
            continue
        for slug in _counties_in(manifest):
            if slug in found:
                result.problems.append(Problem(folder, 0, 0, f"县（区）'{slug}' 同时出现在 {found[slug]} 和 {folder} 中",
                                               "每个县（区）只能由一个目录提供"))
                continue
            found[slug] = folder
            try:
                with open(os.path.join(folder, snapshot_path(slug)), "rb") as fh:
                    data = fh.read()
            except OSError:
                result.problems.append(Problem(folder, 0, 0, f"{folder} 中县（区）'{slug}' 的输出不完整（缺少 {snapshot_path(slug)}）",
                                               "请重新生成这个县（区）：zwgk build --county " + slug))
                continue
            try:
                built_for = read_snapshot(data)["site"]
            except SnapshotError as exc:
                built_for = str(exc)
            if built_for != plan.identity:
                result.problems.append(Problem(f"{folder}/{snapshot_path(slug)}", 0, 0,
                                               f"{folder} 中的县（区）'{slug}' 是用不同的站点配置、主题或 zwgk 版本生成的",
                                               "请用同一份站点文件和同一版本的 zwgk 重新生成它，再合并"))
                continue
            snapshots[slug] = data
            files = writer.files
            for dest, (hexdigest, fingerprint) in manifest.items():
                if dest.startswith(slug + "/"):
                    written = files.put_link(dest, os.path.join(folder, dest), hexdigest)
                    writer.record(dest, hexdigest, fingerprint, written)


def _portal_fingerprint(plan: _Plan, snapshots: dict[str, bytes]) -> str:
    return digest("\n".join([plan.site_fingerprint] + [f"{slug}={digest(snapshots[slug])}"
                                                       for slug in sorted(snapshots)]).encode("utf-8"))


def _portal_from(plan: _Plan, snapshots: dict[str, bytes]) -> Library:
    return portal_library(plan.site, plan.shared_pages, (snapshots[s] for s in sorted(snapshots)))


def _make_portal(plan: _Plan, files: StageFiles, library: Library, fingerprint: str,
                 producers: bool = True) -> tuple[list, int]:
    """The portal's pages, assets and producers' files, into the stage: (entries, pages rendered)."""
    entries = []

    def put(dest: str, data: bytes) -> None:
        hexdigest, written = files.put(dest, data)
        entries.append((dest, hexdigest, fingerprint, written))

    renderer = Renderer(library, plan.history)
    jobs = plan_portal(library)
    for job in jobs:
        put(job.dest, renderer.render(job))
    for rel, src in plan.assets:
        dest = f"{urls.assets('')}/{rel}"
        hexdigest, written = files.put_file(dest, src)
        entries.append((dest, hexdigest, fingerprint, written))
    for producer in PORTAL_PRODUCERS if producers else ():
        checkpoint()
        for dest, data in producer(library):
            put(dest, data)
    return entries, len(jobs)


class _PortalAhead(threading.Thread):
    """Makes the portal in this process while the workers finish the last counties.

    Each county.json is decoded as it arrives; the rest waits for a free core and for its
    worker's memory to be given back. Started beside two busy workers, the portal's search
    index took the city's build from 430 to 540-550 MB at the peak in two of three runs."""

    def __init__(self, plan: _Plan, writer: SiteWriter, kept: dict[str, bytes], todo: set[str], channel,
                 drained: threading.Event):
        super().__init__(name="zwgk-portal", daemon=True)
        self.plan, self.writer, self.snapshots, self.todo, self.channel = plan, writer, kept, todo, channel
        self.drained = drained
        self.cancelled = False
        self.fingerprint = ""
        self.made: tuple[list, int, Library] | None = None

    def run(self) -> None:
        waiting = set(self.todo)
        while waiting:
            message = self.channel.get()
            if message is None or message[1] is None:
                return                              # the build stopped, or a county has errors
            self.snapshots[message[0]] = message[1]
            waiting.discard(message[0])
            _prepare_portal_part(self.plan, message[1])
        self.drained.wait()
        if self.cancelled:
            return
        self.fingerprint = _portal_fingerprint(self.plan, self.snapshots)
        if self.writer.current(urls.PORTAL_HOME, self.fingerprint):
            return
        try:
            library = _portal_from(self.plan, self.snapshots)
            self.made = (*_make_portal(self.plan, self.writer.files, library, self.fingerprint), library)
        except Exception:       # made again, in the open, by the build itself
            self.made = None


def _prepare_portal_part(plan: _Plan, snapshot: bytes) -> None:
    """A county's share of the portal, made as its county.json arrives: the county decoded and
    its search records (a third of the portal's work otherwise left for after the last county)."""
    try:
        prepare_portal_records(portal_library(plan.site, (), [snapshot], remember=False))
    except Exception:           # noqa: BLE001 - made again, and reported, with the whole portal
        pass


def _build_portal(plan: _Plan, writer: SiteWriter, snapshots: dict[str, bytes], result: BuildResult,
                  ahead: _PortalAhead | None, partial: bool = False) -> None:
    """The portal's pages, assets and producers, from the counties' county.json files only."""
    fingerprint = _portal_fingerprint(plan, snapshots)
    result._library = lambda: _portal_from(plan, snapshots)
    for current in [fingerprint, fingerprint + PARTIAL] if partial else [fingerprint]:
        if writer.current(urls.PORTAL_HOME, current):
            county_prefixes = tuple(slug + "/" for slug in snapshots)
            for dest, (_hexdigest, fp) in writer.old_manifest.items():
                if fp == current and not dest.startswith(county_prefixes):
                    writer.keep(dest)
            return
    fingerprint += PARTIAL if partial else ""
    if ahead is not None and ahead.made is not None and ahead.fingerprint == fingerprint:
        entries, pages, library = ahead.made
    else:
        library = _portal_from(plan, snapshots)
        entries, pages = _make_portal(plan, writer.files, library, fingerprint, producers=not partial)
    result._library = library
    result.pages += pages
    for entry in entries:
        writer.record(*entry)


def warm_up(site_dir: str, out_dir: str) -> None:
    """What a long-running process's builds ask for first, made ready ahead: the hash of
    every source file, each county.json decoded, the compiled theme (a first build that ran
    the counties in workers, or found nothing to do, left these cold here) and a previous
    site to reuse as the stage. The first save after `zwgk serve` started on a city took
    1-1.5 s without them, 0.5 s with."""
    keep_previous(out_dir)
    plan = _read_plan(site_dir, (), check_personal_info=False)
    for slug in plan.slugs:
        plan.sources[slug]                          # hashed, and remembered by the fingerprint module
        try:
            with open(os.path.join(out_dir, snapshot_path(slug)), "rb") as fh:
                _prepare_portal_part(plan, fh.read())   # for the portal's Library and search
        except OSError:
            pass
    env = make_environment(portal_library(plan.site, plan.shared_pages, []))
    for name in env.list_templates(extensions=("html", "xml")):
        env.get_template(name)                      # compiled once for this process


def theme_assets(themes: list[str]) -> list[tuple[str, str]]:
    """Theme assets and the search runtime (path under assets/, source file), copied into the
    portal and every county; the site theme wins over the default one."""
    found: dict[str, str] = {}
    for theme in reversed(themes):
        static = os.path.join(theme, "static")
        for dirpath, _dirs, files in os.walk(static):
            for name in files:
                full = os.path.join(dirpath, name)
                found[os.path.relpath(full, static).replace(os.sep, "/")] = full
    runtime = search_runtime()
    for name in SEARCH_RUNTIME_FILES:
        found.setdefault(name, os.path.join(runtime, name))
    return sorted(found.items())


