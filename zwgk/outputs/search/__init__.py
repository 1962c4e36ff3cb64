"""Search: the browser index every build writes, and `zwgk search` for the command line.

The build calls `county_search_outputs(library, slug)` for each county,
`portal_search_part` for each county.json as it comes, and `portal_search_outputs(library)`
once (or `search_outputs(library)` for all of it); each gives (dest path relative to the
output root, bytes).
"""
from __future__ import annotations

from typing import Callable, Iterator

from zwgk.base import never
from zwgk.library import Library
from zwgk.outputs.search.browser_index import build_index
from zwgk.outputs.search.synonyms import synonym_groups
from zwgk.outputs.search.portal_index import portal_index_files
from zwgk.outputs.search.portal_parts import Part, PartStore
from zwgk.outputs.search.records import PORTAL_FACETS, Record, county_records, page_record, portal_records


def county_search_outputs(library: Library, slug: str, checkpoint: Callable[[], None] = never) -> list[tuple[str, bytes]]:
    """The county's own index under <county>/search/: items, documents (full text) and pages.
    checkpoint is called between the index's steps (a build that is asked to stop, stops)."""
    return build_index(county_records(library, slug), slug, checkpoint=checkpoint, synonyms=synonym_groups(library.site))


def portal_search_outputs(library: Library, parts: PartStore | None = None, checkpoint: Callable[[], None] = never,
                          scratch: str | None = None,
                          kept: Callable[[str, bytes], bool] = lambda dest, data: False) -> Iterator[tuple[str, bytes]]:
    """The cross-county index under search/, a file at a time: every county's records, full text
    included; the text itself is read from the counties' own indexes (county_search_outputs).
    parts: every county's part, made ahead (portal_search_part; the build's library has no
    document text to make them from); scratch: a folder for the merge; kept(dest, data): whether
    a block of postings made from the same parts is live, and kept (portal_index.py)."""
    if parts is None:           # made here, in memory, from the library (whose documents have their text)
        parts = PartStore()
        for county in library.counties:
            portal_search_part(parts, county.slug, lambda: library, county.slug)
    county_parts = [parts.for_county(c.slug) for c in library.counties]
    missing = [c.slug for c, part in zip(library.counties, county_parts) if part is None]
    if missing:
        raise ValueError(f"no search part for {', '.join(missing)}")
    shared = [page_record("", "", page) for page in library.pages]
    yield from portal_index_files(county_parts, shared, PORTAL_FACETS, synonym_groups(library.site), checkpoint, scratch,
                                  kept)
    parts.keep_only(p.key for p in county_parts)


def portal_search_part(parts: PartStore, key: str, county_library: Callable[[], Library], county: str = "") -> Part:
    """One county's part of the portal's index, found under key or made from county_library()
    and kept there: a Library of that county alone, or one that has it (county names it)."""
    def records() -> tuple[str, list[Record]]:
        library = county_library()
        slug = county or library.counties[0].slug
        return slug, county_records(library, slug, shared_pages=False)
    return parts.part(key, records, PORTAL_FACETS)


def search_outputs(library: Library) -> list[tuple[str, bytes]]:
    """Every county's index and the portal's."""
    out = []
    for county in library.counties:
        out += county_search_outputs(library, county.slug)
    return out + list(portal_search_outputs(library))


def search_server_files(library: Library, fmt: str) -> list[tuple[str, bytes]]:
    """The portal's records (attachment texts read) as bulk files for OpenSearch or Meilisearch."""
    from zwgk.outputs.search.export import export_files
    from zwgk.outputs.search.whoosh_index import with_attachments
    library = with_attachments(library)
    return export_files(portal_records(library), synonym_groups(library.site), fmt)


def run_search_command(args) -> int:
    """`zwgk search QUERY [SITE] [--county C] [--json]`."""
    from zwgk.outputs.search.whoosh_index import run_search_command as run
    return run(args)
