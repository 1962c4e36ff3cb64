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
from dataclasses import dataclass, field
from typing import Callable

from zwgk.base import BuildCancelled, Cancellation, Clock, ContentErrors, Problem, collector_paused, errors_only
from zwgk.build.cache import BuildCache
from zwgk.build.county import CountyContext, CountyFinisher, CountyProducer, CountyResult, build_county
from zwgk.build.plan import Plan, read_plan
from zwgk.build.portal import PortalAhead, build_portal, prepare_portal_part
from zwgk.build.progress import Reporter
from zwgk.build.snapshots import Snapshots
from zwgk.build.workers import Workers, cores
from zwgk.library import Library, SnapshotError, held, portal_library, read_snapshot, snapshot_path
from zwgk.outputs import PartStore, county_search_outputs, download_outputs, downloads_page_and_offline_zip
from zwgk.publish import (FileDigests, SiteWriter, Stamp, build_lock, cache_folder, check_output_dir, engine_fingerprint,
                          keep_previous, read_manifest)
from zwgk.render import make_environment

# Below this many bytes of sources to build, forking workers costs more than it saves.
PARALLEL_FROM_BYTES = 2_000_000
SOURCE_DIGESTS = "sources.json"     # in the cache folder beside the output (FileDigests.save)
SUMMARIES = "summaries.json"        # there too: the counties as the portal's pages show them
TEMPLATES = "templates"             # and the theme's compiled templates (CompiledTemplates.keep_in)

def _downloads(library: Library, slug: str, checkpoint: Callable[[], None]) -> list[tuple[str, bytes]]:
    return download_outputs(library, slug)


def _county_search(library: Library, slug: str, checkpoint: Callable[[], None]) -> list[tuple[str, bytes]]:
    return county_search_outputs(library, slug, checkpoint)


# What each county gets besides its pages, attachments and assets: (library, slug, checkpoint) -> [(dest, bytes)].
COUNTY_PRODUCERS: list[CountyProducer] = [_downloads, _county_search]
# Made after everything else of a county, from its finished files (the offline zip).
COUNTY_FINISHERS: list[CountyFinisher] = [downloads_page_and_offline_zip]


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
        """The whole site from every county.json (documents without their body), made when first asked for."""
        if callable(self._library):
            self._library = self._library()
        return self._library


def build_site(site_dir: str, out_dir: str | None = None, *, strict: bool = False,
               counties: tuple[str, ...] = (), log: Callable[[str], None] | None = None,
               check_personal_info: bool = True, merge: tuple[str, ...] = (),
               defer_producers: bool = False, progress: Reporter | None = None,
               cancelled: Callable[[], bool] | None = None, cache: BuildCache | None = None) -> BuildResult:
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
    cache: what a long-running process keeps between builds (`zwgk serve`); a new one otherwise.
    Personal information in sources or attachments is bad content: such a site is never published.
    """
    cache = cache or BuildCache()
    out_dir = out_dir or os.path.join(site_dir, "public")
    check_output_dir(out_dir, site_dir)
    out_dir = os.path.realpath(out_dir)   # a linked output folder: publish into what it points at
    timings: list[tuple[str, float]] = []
    clock = Clock(timings)
    keep = _open_cache(out_dir, cache)
    with collector_paused():
        plan = read_plan(site_dir, counties, check_personal_info, cache)
        plan.checkpoint = Cancellation(cancelled).checkpoint
        plan.search_parts = PartStore(keep)
        clock.lap("read")
        with build_lock(out_dir):
            writer = SiteWriter(out_dir, cache.manifests)
            try:
                result = _build(plan, writer, strict, counties, merge, clock, defer_producers,
                                progress or Reporter.silent())
                stats = writer.commit()             # all made: publishing is quicker than stopping
                cache.file_digests.save(os.path.join(keep, SOURCE_DIGESTS))
                cache.summaries.save(os.path.join(keep, SUMMARIES))
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


def _build(plan: Plan, writer: SiteWriter, strict: bool, only: tuple[str, ...], merge: tuple[str, ...],
           clock: Clock, partial: bool = False, progress: Reporter | None = None) -> BuildResult:
    result = BuildResult(list(plan.problems))
    texts = dict(plan.texts)
    snapshots = Snapshots((writer.stage, writer.out))
    if merge:
        _take_merged(plan, writer, merge, snapshots, result)
        todo = []
    else:
        todo = _carry_over(plan, writer, strict, only, snapshots, result, partial)
    ahead = None
    if todo:
        ctx = CountyContext(plan.root, plan.site, plan.shared_pages, plan.history, plan.site_fingerprint,
                            plan.identity, plan.sources, plan.assets, list(COUNTY_PRODUCERS),
                            list(COUNTY_FINISHERS), writer.files, plan.cache.templates, plan.cache.parsed,
                            plan.cache.extracted, strict, plan.check_personal_info)
        ctx.validate_only = bool(errors_only(result.problems, strict))
        ctx.checkpoint = plan.checkpoint
        if partial:
            ctx.producers, ctx.finishers, ctx.partial = [], [], True
        sizes = {c: plan.sources.size(c) for c in todo}
        # The portal is made again from every county: the unchanged ones' share of it (their
        # county.json decoded, their search part found or made) is work too, done beside the workers.
        portal_share = 0 if partial else snapshots.total_size()
        processes = int(os.environ.get("ZWGK_WORKERS", 0)) or \
            (cores() if sum(sizes.values()) + portal_share >= PARALLEL_FROM_BYTES else 1)
        largest_first = sorted(todo, key=lambda c: -sizes[c])
        early = processes > 1 and not ctx.validate_only and not partial and (len(todo) > 1 or bool(snapshots))
        writer.files.with_workers = processes > 1 and (len(todo) > 1 or early)
        with Workers(processes) as workers:
            ctx.early = workers.channel() if early else None
            # One edited county of a city builds in a worker while this process makes the
            # other counties' share of the portal (the city's edit: 3.6 s of it).
            finished = workers.run(lambda slug: build_county(ctx, slug), largest_first, fork_single=early)
            if ctx.early is not None:
                # The portal is made from the counties' county.json files, which the workers send
                # as soon as they have read a county: it is made meanwhile, on the core the first
                # worker to run out of counties leaves free, instead of after all of them.
                ahead = PortalAhead(plan, writer, snapshots.copy(), set(todo), ctx.early, workers.drained)
                ahead.start()
            try:
                for done in (progress or Reporter.silent()).track(finished, "生成县（区）", total=len(todo)):
                    _take_county(done, writer, snapshots, result, texts, plan.cache.file_digests)
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
    plan.checkpoint()
    result._library, pages = build_portal(plan, writer, snapshots, ahead, partial)
    result.pages += pages
    if partial:
        # What the producers made last time stays until a full build makes it again (a page
        # of an item just removed stays too, unlinked, until then).
        for dest in writer.old_manifest.keys() - writer.manifest.keys():
            writer.keep(dest)
    clock.lap("portal")
    result.counties = len(snapshots)
    return result


def _carry_over(plan: Plan, writer: SiteWriter, strict: bool, only: tuple[str, ...],
                snapshots: Snapshots, result: BuildResult, partial: bool = False) -> list[str]:
    """Keep what needs no work; return the counties to build."""
    todo = []
    for slug in plan.slugs:
        old = writer.old_manifest.get(snapshot_path(slug))
        if old is None:             # never built here: no need to hash its sources now
            todo.append(slug)
            continue
        fingerprint = plan.sources[slug].fingerprint(plan.site_fingerprint)
        stamp = Stamp.parse(old[1])
        if stamp.serves(fingerprint, strict=strict, partial=partial) and _keep_county(writer, slug, snapshots):
            result.skipped += 1
            result.warned_before += stamp.warned
        else:
            todo.append(slug)
    if only:
        # A subset build: the other counties already in the output stay as they are.
        for slug in _counties_in(writer.old_manifest):
            if slug not in plan.slugs:
                _keep_county(writer, slug, snapshots)
    return todo


def _keep_county(writer: SiteWriter, slug: str, snapshots: Snapshots) -> bool:
    dests = writer.old_by_county().get(slug, [])
    if not writer.live.issuperset(dests):
        return False                                     # a file was deleted by hand: build it again
    # Its county.json is known by the manifest's digest: a province's 540 MB are not read
    # and hashed again to find that nothing changed.
    try:
        snapshots.add_digest(slug, writer.old_manifest[snapshot_path(slug)][0],
                             os.path.getsize(os.path.join(writer.out, snapshot_path(slug))))
    except (OSError, KeyError):
        return False
    return writer.keep_all(dests)


def _counties_in(manifest) -> list[str]:
    return sorted(d.split("/", 1)[0] for d in manifest if d.count("/") == 1 and d.endswith("/county.json"))


def _take_county(done: CountyResult, writer: SiteWriter, snapshots: Snapshots, result: BuildResult,
                 texts: dict[str, str], file_digests: FileDigests) -> None:
    result.problems += done.problems
    texts.update(done.texts)
    result.pages += done.rendered
    for phase, seconds in done.seconds.items():
        result.phases[phase] = result.phases.get(phase, 0.0) + seconds
    file_digests.add(done.file_digests)
    for dest, hexdigest, fingerprint, written in done.entries:
        writer.record(dest, hexdigest, fingerprint, written)
    if done.snapshot is not None:
        # Its digest is the one the worker's stage took for the file: not hashed again here.
        snapshots.add_digest(done.slug, writer.manifest[snapshot_path(done.slug)][0], len(done.snapshot))


def _take_merged(plan: Plan, writer: SiteWriter, dirs: tuple[str, ...], snapshots: Snapshots,
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
            snapshots.add(slug, data, folder)
            files = writer.files
            for dest, (hexdigest, fingerprint) in manifest.items():
                if dest.startswith(slug + "/"):
                    written = files.put_link(dest, os.path.join(folder, dest), hexdigest)
                    writer.record(dest, hexdigest, fingerprint, written)


def _open_cache(out_dir: str, cache: BuildCache) -> str:
    """The cache folder beside the output, made if missing, with the last build's source
    digests and county summaries taken into the build cache."""
    keep = cache_folder(out_dir, make=True)
    cache.file_digests.load(os.path.join(keep, SOURCE_DIGESTS))
    cache.summaries.load(os.path.join(keep, SUMMARIES))
    cache.templates.keep_in(os.path.join(keep, TEMPLATES), engine_fingerprint())
    return keep


def warm_up(site_dir: str, out_dir: str, cache: BuildCache) -> None:
    """What a long-running process's builds ask for first, made ready ahead: the hash of
    every source file, each county's summary and search part, the compiled theme (a first build that ran
    the counties in workers, or found nothing to do, left these cold here) and a previous
    site to reuse as the stage. The first save after `zwgk serve` started on a city took
    1-1.5 s without them, 0.5 s with."""
    keep_previous(out_dir, cache.manifests)
    plan = read_plan(site_dir, (), check_personal_info=False, cache=cache)
    plan.search_parts = PartStore(_open_cache(os.path.realpath(out_dir), cache))
    for slug in plan.slugs:
        plan.sources[slug]                          # hashed, and remembered in cache.file_digests
        try:
            with open(os.path.join(out_dir, snapshot_path(slug)), "rb") as fh:
                prepare_portal_part(plan, held(fh.read()))   # for the portal's Library and search
        except OSError:
            pass
    env = make_environment(portal_library(plan.site, plan.shared_pages, []), cache.templates)
    for name in env.list_templates(extensions=("html", "xml")):
        env.get_template(name)                      # compiled once, into cache.templates


