"""The portal: made from the counties' county.json files alone, partly while the workers still
build the last counties, and carried over when no county changed."""
from __future__ import annotations

import functools
import os
import threading
from typing import Callable, Iterable

from zwgk.base import digest
from zwgk.build.plan import Plan
from zwgk.build.snapshots import Snapshots
from zwgk.library import Library, SnapshotRef, county_library, portal_library, site_from_snapshots, snapshot_county, urls
from zwgk.outputs import completeness_page, portal_search_outputs, portal_search_part
from zwgk.publish import SiteWriter, Stamp
from zwgk.render import Renderer, plan_portal


# The portal's files besides its pages, from the portal's Library (made from every county.json);
# kept(dest, data): when the live site has that file with those bytes, its folder's files are
# carried over as they are.
def _completeness(library: Library, plan: Plan, kept: Callable[[str, bytes], bool]) -> list[tuple[str, bytes]]:
    return completeness_page(library)


def _portal_search(library: Library, plan: Plan, kept: Callable[[str, bytes], bool]) -> Iterable[tuple[str, bytes]]:
    return portal_search_outputs(library, plan.search_parts, plan.checkpoint, scratch=plan.search_parts.folder,
                                 kept=kept)


def _furniture(library: Library, plan: Plan, kept: Callable[[str, bytes], bool]) -> list[tuple[str, bytes]]:
    """The portal's footer marks (党政机关网站标识, 找错), copied from content/."""
    out = []
    for name, image, _link, _alt in library.site.footer.furniture:
        with open(os.path.join(plan.root, *image.split("/")), "rb") as fh:
            out.append((urls.furniture("", name, image), fh.read()))
    return out


PORTAL_PRODUCERS = [_completeness, _portal_search, _furniture]


def portal_fingerprint(plan: Plan, snapshots: Snapshots) -> str:
    return digest("\n".join([plan.site_fingerprint] + [f"{slug}={snapshots.digest(slug)}"
                                                       for slug in snapshots.slugs()]).encode("utf-8"))


def portal_from(plan: Plan, snapshots: Snapshots) -> Library:
    """The portal's pages' Library: every county's summary (library/summary.py)."""
    return portal_library(plan.site, plan.shared_pages, [
        plan.cache.summaries.summary(_cache_key(plan, key), lambda read=read: snapshot_county(read()))
        for key, read in snapshots.refs()])


def _cache_key(plan: Plan, snapshot_key: str) -> str:
    """A county's key in the cache beside the output: it changes with its county.json and the engine."""
    return digest(f"{plan.site_fingerprint}\n{snapshot_key}".encode("utf-8"))


def _make_portal(plan: Plan, writer: SiteWriter, library: Library, fingerprint: str,
                 producers: bool = True) -> tuple[list, int]:
    """The portal's pages, assets and producers' files, into the stage: (entries, pages rendered)."""
    entries = []
    files = writer.files

    def put(dest: str, data: bytes) -> None:
        hexdigest, written = files.put(dest, data)
        entries.append((dest, hexdigest, fingerprint, written))

    def kept(marker: str, data: bytes) -> bool:
        old = writer.old_manifest.get(marker)
        found = writer.live_under(marker.rpartition("/")[0] + "/") if old and old[0] == digest(data) else []
        entries.extend((dest, hexdigest, fingerprint, False) for dest, hexdigest in found)
        return bool(found)

    renderer = Renderer(library, plan.history, plan.cache.templates)
    jobs = plan_portal(library)
    for job in jobs:
        put(job.dest, renderer.render(job))
    for rel, data in plan.assets:
        put(f"{urls.assets('')}/{rel}", data)
    for producer in PORTAL_PRODUCERS if producers else ():
        plan.checkpoint()
        for dest, data in producer(library, plan, kept):
            put(dest, data)
    return entries, len(jobs)


class PortalAhead(threading.Thread):
    """Makes the portal in this process while the workers finish the last counties.

    Each county.json a worker sends is decoded as it arrives, and the counties not being
    built have their share made in between; the rest waits for a free core and for its
    worker's memory to be given back. Started beside two busy workers, the portal's search
    index took the city's build from 430 to 540-550 MB at the peak in two of three runs."""

    def __init__(self, plan: Plan, writer: SiteWriter, kept: Snapshots, todo: set[str], channel,
                 drained: threading.Event):
        super().__init__(name="zwgk-portal", daemon=True)
        self.plan, self.writer, self.snapshots, self.todo, self.channel = plan, writer, kept, todo, channel
        self.drained = drained
        self.cancelled = False
        self.fingerprint = ""
        self.made: tuple[list, int] | None = None

    def run(self) -> None:
        unchanged = self.snapshots.refs()                # the counties not being built
        waiting = set(self.todo)
        while waiting or unchanged:
            if self.cancelled:
                return
            # A worker's county.json is taken as soon as it is sent: a worker stays blocked
            # on the pipe until its message is read whole.
            if waiting and (not unchanged or not self.channel.empty()):
                message = self.channel.get()
                if message is None or message[1] is None:
                    return                          # the build stopped, or a county has errors
                waiting.discard(message[0])
                prepare_portal_part(self.plan, self.snapshots.add(message[0], message[1]))
            else:
                prepare_portal_part(self.plan, unchanged.pop())
        self.drained.wait()
        if self.cancelled:
            return
        self.fingerprint = portal_fingerprint(self.plan, self.snapshots)
        if self.writer.current(urls.PORTAL_HOME, self.fingerprint):
            return
        try:
            _every_search_part(self.plan, self.snapshots)
            library = portal_from(self.plan, self.snapshots)
            self.made = _make_portal(self.plan, self.writer, library, self.fingerprint)
        except Exception:       # made again, in the open, by the build itself
            self.made = None


def prepare_portal_part(plan: Plan, snapshot: SnapshotRef) -> None:
    """A county's share of the portal, made as its county.json arrives: its part of the portal's
    search index and its summary for the portal's pages, both kept beside the output (an
    unchanged county's are read back, not made again)."""
    key, read = snapshot
    whole = functools.cache(lambda: county_library(plan.site, read()))      # decoded once, if at all
    try:
        _search_part(plan, key, whole)
        plan.cache.summaries.summary(_cache_key(plan, key), lambda: whole().counties[0])
    except Exception:           # noqa: BLE001 - made again, and reported, with the whole portal
        pass


def _search_part(plan: Plan, key: str, county: Callable[[], Library]) -> None:
    portal_search_part(plan.search_parts, _cache_key(plan, key), county)


def _every_search_part(plan: Plan, snapshots: Snapshots) -> None:
    """A county whose part could not be made ahead has it made now, its error raised: the
    portal's Library has no document text to make one from."""
    for slug in snapshots.slugs():
        if plan.search_parts.for_county(slug) is None:
            key, read = snapshots.ref(slug)
            _search_part(plan, key, lambda read=read: county_library(plan.site, read()))


def build_portal(plan: Plan, writer: SiteWriter, snapshots: Snapshots, ahead: PortalAhead | None,
                 partial: bool = False) -> tuple[Callable[[], Library], int]:
    """The portal's pages, assets and producers, from the counties' county.json files only:
    (how to make the whole site from them, pages rendered)."""
    fingerprint = portal_fingerprint(plan, snapshots)
    old = writer.old_manifest.get(urls.PORTAL_HOME)
    if old is not None and Stamp.parse(old[1]).serves(fingerprint, strict=False, partial=partial) \
            and writer.current(urls.PORTAL_HOME, old[1]):
        county_prefixes = tuple(slug + "/" for slug in snapshots.slugs())
        for dest, (_hexdigest, fp) in writer.old_manifest.items():
            if fp == old[1] and not dest.startswith(county_prefixes):
                writer.keep(dest)
        return _whole_site(plan, snapshots), 0
    fingerprint = str(Stamp(fingerprint, partial=partial))
    if ahead is not None and ahead.made is not None and ahead.fingerprint == fingerprint:
        entries, pages = ahead.made
    else:
        if not partial:
            for snapshot in snapshots.refs():
                prepare_portal_part(plan, snapshot)
            _every_search_part(plan, snapshots)
        library = portal_from(plan, snapshots)
        entries, pages = _make_portal(plan, writer, library, fingerprint, producers=not partial)
    for entry in entries:
        writer.record(*entry)
    return _whole_site(plan, snapshots), pages


def _whole_site(plan: Plan, snapshots: Snapshots) -> Callable[[], Library]:
    """The site from every county.json, made if the build's caller asks for it."""
    return lambda: site_from_snapshots(plan.site, plan.shared_pages, snapshots.refs())
