"""Search: the browser index every build writes, and `zwgk search` for the command line.

The build calls `county_search_outputs(library, slug)` for each county and
`portal_search_outputs(library)` once (or `search_outputs(library)` for all of it);
each gives (dest path relative to the output root, bytes).
"""
from __future__ import annotations

from typing import Callable

from zwgk.base import never
from zwgk.library import Library
from zwgk.outputs.search.browser_index import build_index
from zwgk.outputs.search.synonyms import synonym_groups
from zwgk.outputs.search.records import PORTAL_FACETS, PortalRecords, county_portal_records, county_records, portal_records


def county_search_outputs(library: Library, slug: str, checkpoint: Callable[[], None] = never) -> list[tuple[str, bytes]]:
    """The county's own index under <county>/search/: items, documents (full text) and pages.
    checkpoint is called between the index's steps (a build that is asked to stop, stops)."""
    return build_index(county_records(library, slug), slug, checkpoint=checkpoint, synonyms=synonym_groups(library.site))


def portal_search_outputs(library: Library, kept: PortalRecords | None = None,
                          checkpoint: Callable[[], None] = never) -> list[tuple[str, bytes]]:
    """The cross-county index under search/: every county's records, full text included; the
    text itself is read from the counties' own indexes (county_search_outputs)."""
    return build_index(portal_records(library, kept), "", PORTAL_FACETS, checkpoint=checkpoint,
                       synonyms=synonym_groups(library.site), borrow_pieces=True)


def prepare_portal_records(library: Library, kept: PortalRecords) -> None:
    """Make the portal's records of the library's counties ahead of portal_search_outputs."""
    for county in library.counties:
        county_portal_records(library, county, kept)


def search_outputs(library: Library) -> list[tuple[str, bytes]]:
    """Every county's index and the portal's."""
    out = []
    for county in library.counties:
        out += county_search_outputs(library, county.slug)
    return out + portal_search_outputs(library)


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
