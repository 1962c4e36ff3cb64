"""Building one county: read, validate, render and produce its files into the stage.

It runs in a forked worker process (sharing the build's context without copying it) or,
for a small site, in the build's own process. Only what the build needs comes back: the
manifest entries, the problems, the number of pages rendered and the county's
county.json for the portal. A page whose inputs' fingerprint is unchanged is not
rendered at all; its live file is kept.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from zwgk.base import Problem, errors_only, never
from zwgk.library import Library, Page, Site, build_library, columns_key, county_snapshot, page_inputs, snapshot_path, urls, validate_county
from zwgk.outputs import county_verdicts
from zwgk.publish import CountyDigests, StageFiles, Stamp
from zwgk.render import CompiledTemplates, Renderer, plan_county
from zwgk.source import ExtractedTexts, History, ParsedYaml, read_county

# A producer is handed the build's checkpoint, to call between long steps.
CountyProducer = Callable[[Library, str, Callable[[], None]], Iterable[tuple[str, bytes]]]
# A finisher sees every file of the county made so far: (dest, its bytes, or the path of a
# file on disk to read them from).
CountyFinisher = Callable[[Library, str, list[tuple[str, bytes | str]], Renderer], Iterable[tuple[str, bytes]]]



@dataclass
class CountyContext:
    """What every county of one build shares; set before the workers fork."""
    root: str
    site: Site
    shared_pages: list[Page]
    history: History
    site_fingerprint: str
    identity: str                            # what county.json says the county was made from
    sources: CountyDigests                   # county slug -> its source files' digests
    assets: list[tuple[str, bytes]]          # theme assets: (path under assets/, the bytes served)
    producers: list[CountyProducer]
    finishers: list[CountyFinisher]
    files: StageFiles
    templates: CompiledTemplates             # the theme, compiled once for the build (and kept by serve)
    parsed: ParsedYaml                       # YAML parsed by earlier builds (zwgk serve keeps some)
    extracted: ExtractedTexts                # attachments' text read by earlier builds (zwgk serve keeps it)
    strict: bool = False
    check_personal_info: bool = True
    validate_only: bool = False              # the site itself has errors: only collect the counties' problems
    early: object = None                     # a queue for (slug, county.json or None), when in workers
    partial: bool = False                    # producers and finishers left for a later build
    checkpoint: Callable[[], None] = never   # where a build asked to stop (zwgk serve) stops


@dataclass
class CountyResult:
    slug: str
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)     # source lines for the problems (PII masked)
    entries: list[tuple[str, str, str, bool]] = field(default_factory=list)   # dest, hash, fingerprint, written
    rendered: int = 0
    snapshot: bytes | None = None            # county.json; None when the county has errors
    seconds: dict[str, float] = field(default_factory=dict)   # CPU seconds spent in each phase, for `build -v`
    file_digests: dict = field(default_factory=dict)          # source files hashed (FileDigests.take_new)


def county_fingerprint(ctx: CountyContext, slug: str) -> str:
    return ctx.sources[slug].fingerprint(ctx.site_fingerprint)


def build_county(ctx: CountyContext, slug: str) -> CountyResult:
    """The county's files, into the stage. Its county.json goes to ctx.early as soon as it is
    known (None when the county has errors), so the portal can be made meanwhile."""
    result = CountyResult(slug)
    try:
        _build_county(ctx, slug, result)
        # A worker's hashes of the county's sources, for the main process to keep for the next build.
        result.file_digests = ctx.sources.digests.take_new()
        return result
    finally:
        if ctx.early is not None and result.snapshot is None:
            ctx.early.put((slug, None))


def _build_county(ctx: CountyContext, slug: str, result: CountyResult) -> None:
    lap = _Laps(result.seconds)
    library, texts = _load(ctx, slug, result)
    lap("load")
    if library is None or ctx.validate_only:
        return
    county = library.county(slug)
    # county.json also carries the inspection indicators the portal's summary shows.
    result.snapshot = county_snapshot(library, replace(county, verdicts=county_verdicts(library, county, texts)), ctx.identity)
    if ctx.early is not None:
        ctx.early.put((slug, result.snapshot))
    sources = ctx.sources[slug]
    whole = county_fingerprint(ctx, slug)
    # A page made from one file shows county.yaml (its footer) and the county's columns (its navigation) too.
    base = sources.fingerprint(ctx.site_fingerprint + columns_key(county), [county.src_path])
    files = ctx.files
    # Every file of the county, for the finishers: the bytes just made are kept (reading
    # 2,600 files back for the offline zip cost 0.18 s a county), the others are on disk.
    made: list[tuple[str, bytes | str]] = []

    def put(dest: str, data: bytes, fingerprint: str) -> None:
        hexdigest, written = files.put(dest, data)
        result.entries.append((dest, hexdigest, fingerprint, written))
        made.append((dest, data))

    def put_file(dest: str, src: str) -> None:
        hexdigest, written = files.put_file(dest, src)
        result.entries.append((dest, hexdigest, whole, written))
        made.append((dest, src))

    renderer = Renderer(library, ctx.history, ctx.templates)
    for job in plan_county(county):
        inputs = page_inputs(library, job)
        fingerprint = whole if inputs is None else sources.fingerprint(base, inputs)
        if files.current(job.dest, fingerprint):
            result.entries.append((job.dest, files.old[job.dest][0], fingerprint, False))
            made.append((job.dest, files.path_of(job.dest, False)))
            continue
        put(job.dest, renderer.render(job), fingerprint)
        result.rendered += 1
    lap("render")
    for rel, data in ctx.assets:
        put(f"{urls.assets(slug)}/{rel}", data, whole)
    for path, src in county_attachments(ctx.root, library, slug):
        put_file(urls.attachment(slug, path), src)
    for name, image, _link, _alt in county.footer.furniture:
        put_file(urls.furniture(slug, name, image), os.path.join(ctx.root, *image.split("/")))
    lap("copy")
    for producer in ctx.producers:
        ctx.checkpoint()
        for dest, data in producer(library, slug, ctx.checkpoint):
            put(dest, data, whole)
        lap(getattr(producer, "__name__", "producer"))
    stamp = Stamp(whole, warned=bool(result.problems), partial=ctx.partial)
    put(snapshot_path(slug), result.snapshot, str(stamp))
    for finisher in ctx.finishers:
        ctx.checkpoint()
        for dest, data in list(finisher(library, slug, list(made), renderer)):
            put(dest, data, whole)
        lap(getattr(finisher, "__name__", "finisher"))


class _Laps:
    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds
        self.last = time.process_time()

    def __call__(self, name: str) -> None:
        now = time.process_time()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self.last
        self.last = now


def _load(ctx: CountyContext, slug: str, result: CountyResult) -> tuple[Library | None, dict[str, str]]:
    """The county's own Library (with the shared pages) and its source texts; None with the errors in result."""
    sources = read_county(ctx.root, slug, ctx.parsed)
    problems = result.problems
    problems += sources.problems
    draft = validate_county(sources.counties[slug], ctx.site, problems)
    library = build_library(ctx.site, [draft] if draft else [], ctx.shared_pages, problems)
    extracted = None
    if ctx.check_personal_info:
        from zwgk.source import scan_site
        report = scan_site(ctx.root, sources.texts, ctx.site.pii_allow, [slug], ctx.extracted)
        problems += report.problems()
        extracted = {path.removeprefix(f"content/{slug}/"): text for path, text in report.searchable.items()}
    if draft is not None and not ctx.validate_only:
        library = _with_attachment_texts(ctx.root, library, slug, extracted)
    if draft is None or errors_only(problems, ctx.strict):
        from zwgk.source import mask_texts
        shown = {p.path for p in problems}
        result.texts = mask_texts({path: text for path, text in sources.texts.items() if path in shown})
        return None, sources.texts
    return library, sources.texts


def _with_attachment_texts(root: str, library: Library, slug: str, extracted: dict[str, str] | None) -> Library:
    """The library with the text of the county's document attachments, for search: what the
    personal-information scan read, or read now when the scan is off."""
    paths = library.county(slug).document_attachments
    if extracted is None:
        from zwgk.source import attachment_searchable_texts
        extracted = attachment_searchable_texts(root, slug, paths)
    return library.with_attachment_texts(slug, {p: extracted[p] for p in paths if extracted.get(p)})


def county_attachments(root: str, library: Library, county: str) -> list[tuple[str, str]]:
    """The attachments documents and pages refer to (path relative to content/<county>/, source file)."""
    seen: dict[str, str] = {}
    owner = library.county(county)
    for path in [*(p for doc in owner.documents for p in doc.attachments),
                 *(p for page in owner.pages for p in page.attachments)]:
        full = os.path.join(root, "content", county, *path.split("/"))
        if path not in seen and os.path.isfile(full):
            seen[path] = full
    return sorted(seen.items())
