"""The county's offline zip (its whole site, to open from disk) and its downloads page,
which lists every download file with its size and content date."""
from __future__ import annotations

import stat
from typing import Iterable, Sequence

from stream_zip import NO_COMPRESSION_32, ZIP_32, stream_zip

from zwgk.library import County, urls
from zwgk.render import size_text
from zwgk.outputs.downloads.archive import compressor
from zwgk.outputs.downloads.content import (
    CATALOG_NAME,
    DOCUMENTS_NAME,
    SCHEMA_NAME,
    catalog_updated,
    documents_of,
    documents_updated,
    domain_updated,
    download_path,
    fixed_datetime,
    iso,
    offline_zip_name,
    site_updated,
)

# Deflate level of the offline zip. Measured on a county's 17 MB of pages, search index
# and downloads: zlib level 1 took 0.20 s (6.0 MB), ISA-L level 1 0.05 s (6.1 MB). A city
# builds 22 of these per build within its 15 s, so speed wins.
OFFLINE_ZIP_LEVEL = 1

# Data already compressed gains nothing from deflate, only costs time.
STORED_SUFFIXES = (".zip", ".xlsx", ".docx", ".pptx", ".png", ".jpg", ".jpeg", ".gif",
                   ".webp", ".woff", ".woff2", ".gz", ".pdf", ".mp4", ".mp3")


# ---------------------------------------------------------------- offline zip

def offline_zip(county: County, files: Iterable[tuple[str, bytes | str]]) -> tuple[str, bytes]:
    """The county's rendered site as one zip whose folder opens from disk.

    files are (dest_path, data) with dest_path relative to the output root and data the
    file's bytes or, for a file copied as it is (attachments, theme assets), the path of
    its source file; files outside the county folder are ignored. Entries are named
    ``<county>/...`` so that unzipping gives one folder with index.html at its top.
    Sorted names, fixed dates and permissions make the bytes depend on the content only.

    The zip cannot list its own size on the downloads page it contains (the size is
    only known once the page is inside it), and it does not contain itself, so a link
    to it from inside would be dead anyway. So the downloads page is rendered twice:
    the copy given here to the zip has no row for the zip (``download_listing`` without
    it), and the published page, rendered after this, lists the finished zip's size.
    """
    dest = download_path(county.slug, offline_zip_name(county.slug))
    prefix = county.slug + "/"
    entries = sorted((f for f in files if f[0].startswith(prefix) and f[0] != dest), key=lambda f: f[0])
    for a, b in zip(entries, entries[1:]):
        if a[0] == b[0]:
            raise ValueError(f"offline_zip: {a[0]} given twice")
    modified = fixed_datetime(site_updated(county))

    def members():
        for path, data in entries:
            if isinstance(data, str):
                with open(data, "rb") as f:
                    data = f.read()
            method = NO_COMPRESSION_32 if path.lower().endswith(STORED_SUFFIXES) else ZIP_32
            yield path, modified, stat.S_IFREG | 0o644, method, (data,)

    return dest, b"".join(stream_zip(members(), get_compressobj=_compressor, extended_timestamps=False))


def _compressor():
    return compressor(OFFLINE_ZIP_LEVEL)


# ---------------------------------------------------------------- the downloads page

_FORMATS = {".xlsx": "XLSX", ".csv": "CSV", ".json": "JSON", ".zip": "ZIP", ".docx": "DOCX"}


def download_listing(county: County, outputs: Sequence[tuple[str, bytes]]) -> list[dict]:
    """Rows for the downloads page, county-wide files first, then by domain.

    Each row: name (file name, also the link from the downloads page), label, format,
    size_bytes, size_text, updated (YYYY-MM-DD of the newest content, "" if none) and
    domain (the domain's name, "" for county-wide files). Pass the zip in outputs for
    the published page, leave it out for the copy inside the zip.
    """
    prefix = download_path(county.slug, "")
    by_name = {path[len(prefix):]: data for path, data in outputs if path.startswith(prefix)}
    catalog_day = iso(catalog_updated(county))
    kinds = {"xlsx": "Excel 表格", "csv": "CSV 表格", "json": "JSON 开放数据"}
    rows: list[dict] = []

    def add(name: str, label: str, updated: str, domain: str = "", fmt: str = "") -> None:
        if name not in by_name:
            return
        size = len(by_name[name])
        ext = name[name.rfind("."):]
        rows.append({"name": name, "label": label, "format": fmt or _FORMATS.get(ext, ext[1:].upper()),
                     "size_bytes": size, "size_text": size_text(size), "updated": updated,
                     "domain": domain})

    for ext, kind in kinds.items():
        add(f"{CATALOG_NAME}.{ext}", f"全部领域目录（{kind}）", catalog_day)
    add(SCHEMA_NAME, "JSON 数据结构说明", catalog_day, fmt="JSON Schema")
    add(f"{DOCUMENTS_NAME}.csv", "政府信息文件列表（CSV 表格）", iso(documents_updated(county)))
    add(urls.APPLY_FORM, "政府信息公开申请表（Word 文档）", catalog_day)
    add(offline_zip_name(county.slug), "离线版网站（解压后打开 index.html）", iso(site_updated(county)))
    for domain in county.domains:
        day = iso(domain_updated(domain, documents_of(county, domain.items)))
        for ext, kind in kinds.items():
            add(f"{domain.slug}.{ext}", f"{domain.name}（{kind}）", day, domain=domain.name)
    return rows


def downloads_page_and_offline_zip(library, slug: str, files: list[tuple[str, bytes | str]],
                                   renderer) -> list[tuple[str, bytes]]:
    """The downloads page and the offline zip, made last: the zip holds every other file of
    the county, and the page lists the zip's size (the copy inside the zip cannot)."""
    county = library.county(slug)
    dest = urls.downloads_page(slug)
    prefix = download_path(slug, "")
    listed = []
    for path, data in files:
        if path.startswith(prefix) and path != dest:
            if isinstance(data, str):
                with open(data, "rb") as fh:
                    data = fh.read()
            listed.append((path, data))

    def page(rows) -> bytes:
        return renderer.render_extra("downloads.html", dest, title="下载", county=county,
                                     crumbs=[("下载", dest)], downloads=rows)

    inner = page(download_listing(county, listed))
    zip_dest, zip_data = offline_zip(county, [f for f in files if f[0] != dest] + [(dest, inner)])
    return [(zip_dest, zip_data), (dest, page(download_listing(county, listed + [(zip_dest, zip_data)])))]
