"""A county's download files: the catalog as XLSX, CSV and JSON, the documents list, the offline zip.

Every function here is pure (model in, bytes out) and deterministic: the timestamps
written inside the XLSX and ZIP files are taken from the content's own dates, never
from the clock, so the same input gives byte-identical files.

Formula injection (a cell such as ``=HYPERLINK(...)`` or ``@SUM(...)`` that a
spreadsheet would run when the file is opened) is neutralised differently per format:

- XLSX: every value is written as a text cell (an inline string), which Excel, WPS
  and LibreOffice never evaluate nor read as rich text; a value starting with
  ``= + - @``, tab or CR also gets Excel's "quote prefix" cell style (what Excel
  itself does when one types ``'=1+1``), so it stays text even after the cell is
  edited. The stored value is the original text, so an export re-imports unchanged.
- CSV: a text file has no cell types, so such a value is written with a leading
  apostrophe (``'=1+1``), as OWASP recommends; ``zwgk import`` removes that apostrophe
  again when it reads a CSV.
- JSON is data, not a spreadsheet, and needs nothing.

The modules, each with one job: content (names, paths, dates, shared values), table (the
standard table as XLSX sheets), xlsx (the XLSX writer), rowfit (the rows' heights it
writes), opendata (CSV, JSON and its schema), archive (deflate and zip), county (all of a
county's files), offline (the offline zip and the downloads page).
"""
from zwgk.outputs.downloads.content import (CATALOG_NAME, DOCUMENTS_NAME, DOWNLOADS, FORMULA_TRIGGERS, SCHEMA_NAME,
                                            catalog_updated, domain_download_paths, domain_updated, download_path,
                                            fixed_datetime, offline_zip_name, site_updated)
from zwgk.outputs.downloads.county import download_outputs
from zwgk.outputs.downloads.offline import download_listing, downloads_page_and_offline_zip, offline_zip, size_text
from zwgk.outputs.downloads.opendata import catalog_json, catalog_schema, items_csv, neutralise_csv
from zwgk.outputs.downloads.table import catalog_xlsx, sheet_name

_fixed_datetime = fixed_datetime   # its name before the package was split, which tests still use

__all__ = ["CATALOG_NAME", "DOCUMENTS_NAME", "DOWNLOADS", "FORMULA_TRIGGERS", "SCHEMA_NAME", "catalog_json",
           "catalog_schema", "catalog_updated", "catalog_xlsx", "domain_download_paths", "domain_updated",
           "download_listing", "download_outputs", "download_path", "downloads_page_and_offline_zip",
           "fixed_datetime", "items_csv", "neutralise_csv", "offline_zip", "offline_zip_name", "site_updated",
           "sheet_name", "size_text"]
