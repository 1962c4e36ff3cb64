"""The immutable model of a site: validation of the sources into model records, the Library
that links them, whole-site loading, and the county snapshot (county.json) the portal is made from.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.library.library import Library, build_library
from zwgk.library.load import Loaded, load_library, unknown_counties
from zwgk.library.model import County, Document, Domain, Item, Page, Site
from zwgk.library.snapshot import SnapshotError, county_snapshot, portal_library, read_snapshot, snapshot_path
from zwgk.library.validate import CountyDraft, validate_county, validate_domain, validate_shared_pages, validate_site_config

__all__ = ["County", "CountyDraft", "Document", "Domain", "Item", "Library", "Loaded", "Page", "Site", "SnapshotError", "build_library", "county_snapshot", "load_library", "portal_library", "read_snapshot", "snapshot_path", "unknown_counties", "validate_county", "validate_domain", "validate_shared_pages", "validate_site_config"]
