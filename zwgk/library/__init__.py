"""The immutable model of a site: validation of the sources into model records, the Library
that links them, whole-site loading, and the county snapshot (county.json) the portal is made from.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.library.columns import Column, active_documents, columns_key, county_columns, guide_page, rules_documents
from zwgk.library.counts import (EMPTY, MISSING, NOT_APPLICABLE, PUBLISHED, CountyCompleteness, CountyTotals, DomainCell,
                                 assess_county, county_totals)
from zwgk.library.library import Library, build_library
from zwgk.library.pages import (COUNTY_WIDE, KIND, KINDS, PageKind, PagePlan, claimed_urls, county_pages, page_inputs,
                                page_sources, portal_pages, sitemap_paths)
from zwgk.library.load import Loaded, load_library, unknown_counties
from zwgk.library.model import County, Document, Domain, Item, Page, Report, Site, Verdict, Word, level_spans
from zwgk.library.snapshot import (SnapshotError, SnapshotRef, county_library, county_snapshot, held, read_snapshot,
                                   site_from_snapshots, snapshot_county, snapshot_path)
from zwgk.library.summary import CountySummary, Summaries, portal_library
from zwgk.library.validate import CountyDraft, validate_county, validate_domain, validate_shared_pages, validate_site_config

__all__ = ["COUNTY_WIDE", "Column", "County", "Report", "Verdict", "Word", "level_spans", "active_documents", "columns_key", "county_columns", "guide_page", "rules_documents", "CountySummary", "Summaries", "site_from_snapshots", "snapshot_county", "SnapshotRef", "held", "CountyCompleteness", "CountyDraft", "CountyTotals", "Document", "Domain", "DomainCell", "EMPTY", "Item", "KIND", "KINDS", "Library", "Loaded", "MISSING", "NOT_APPLICABLE", "PUBLISHED", "Page", "PageKind", "PagePlan", "Site", "SnapshotError", "assess_county", "build_library", "claimed_urls", "county_library", "county_pages", "county_snapshot", "county_totals", "load_library", "page_inputs", "page_sources", "portal_library", "portal_pages", "read_snapshot", "sitemap_paths", "snapshot_path", "unknown_counties", "validate_county", "validate_domain", "validate_shared_pages", "validate_site_config"]
