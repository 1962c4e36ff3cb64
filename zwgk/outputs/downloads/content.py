"""What every download file of a county shares: names and paths, the content dates written
inside the files, and the values every format shows alike."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from zwgk.library import County, Document, Domain, Item, Site

DOWNLOADS = "downloads"
CATALOG_NAME = "catalog"
DOCUMENTS_NAME = "documents"
SCHEMA_NAME = "catalog.schema.json"

LIST_SEP = "、"
# A text starting with one of these is run as a formula by a spreadsheet (see the package's docstring).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EPOCH = date(1980, 1, 1)   # the earliest date a ZIP entry can carry


# ---------------------------------------------------------------- paths

def download_path(county: str, name: str) -> str:
    """Output path of a download file of a county, relative to the output root."""
    return f"{county}/{DOWNLOADS}/{name}"


def offline_zip_name(county: str) -> str:
    return f"{county}-offline.zip"


def domain_download_paths(county: str, domain: str) -> dict[str, str]:
    """The per-domain files, by format, for links from a domain page."""
    return {fmt: download_path(county, f"{domain}.{fmt}") for fmt in ("xlsx", "csv", "json")}


# ---------------------------------------------------------------- dates

def _newest(dates: Iterable[date | None]) -> date | None:
    present = [d for d in dates if d is not None]
    return max(present) if present else None


def _item_dates(items: Iterable[Item]) -> Iterable[date | None]:
    return (i.updated for i in items)


def _doc_dates(docs: Iterable[Document]) -> Iterable[date | None]:
    for d in docs:
        yield d.updated
        yield d.published


def domain_updated(domain: Domain, docs: Iterable[Document] = ()) -> date | None:
    """Newest content date of a domain: its file, its items and their documents."""
    return _newest([domain.updated, *_item_dates(domain.items), *_doc_dates(docs)])


def catalog_updated(county: County) -> date | None:
    return _newest([*(d.updated for d in county.domains), *_item_dates(county.items),
                    *_doc_dates(county.documents)])


def documents_updated(county: County) -> date | None:
    return _newest(_doc_dates(county.documents))


def site_updated(county: County) -> date | None:
    """Newest date of anything the county's pages show, for the offline zip."""
    return _newest([catalog_updated(county), *(p.updated for p in county.pages)])


def fixed_datetime(day: date | None) -> datetime:
    """The time written inside an XLSX or ZIP file: a content date, never the clock, so the
    same input gives the same bytes."""
    day = min(max(day or EPOCH, EPOCH), date(2107, 12, 31))   # what a ZIP entry can hold
    return datetime(day.year, day.month, day.day)


# ---------------------------------------------------------------- values

def level_label(site: Site, level: str) -> str:
    """The county's wording of a standard level (区级 for 县级 ...)."""
    return site.level_names.get(level, level)


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def absolute_url(site: Site, path: str) -> str:
    base = site.base_url
    if not base:
        return path
    return base.rstrip("/") + "/" + path


def documents_of(county: County, items: Iterable[Item]) -> tuple[Document, ...]:
    """The documents linked to any of items, from either side of the link, newest first."""
    items = tuple(items)
    ids = {i.id for i in items}
    wanted = {d for i in items for d in i.documents}
    return tuple(d for d in county.documents if d.id in wanted or ids.intersection(d.items))
