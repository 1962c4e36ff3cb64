"""Every download file of a county but the offline zip: the producer the build calls."""
from __future__ import annotations

from zwgk.library import County, urls
from zwgk.outputs.downloads.content import (
    CATALOG_NAME,
    DOCUMENTS_NAME,
    SCHEMA_NAME,
    catalog_updated,
    documents_of,
    domain_download_paths,
    domain_updated,
    download_path,
)
from zwgk.outputs.downloads.apply_form import apply_form_docx
from zwgk.outputs.downloads.opendata import catalog_json, catalog_schema_bytes, documents_csv, items_csv
from zwgk.outputs.downloads.report import report_csv, report_xlsx
from zwgk.outputs.downloads.table import catalog_xlsx


def download_outputs(library, county: County | str) -> list[tuple[str, bytes]]:
    """Every download file of a county except the offline zip, as (dest_path, bytes).

    county is a County or its slug, so this is also a build.COUNTY_PRODUCERS entry.
    """
    if isinstance(county, str):
        county = library.county(county)
    site = library.site
    slug = county.slug
    updated = catalog_updated(county)
    catalog, sheets = catalog_xlsx(site, county, county.domains, f"{county.name}政务公开事项标准目录", updated)
    out = [
        (download_path(slug, f"{CATALOG_NAME}.xlsx"), catalog),
        (download_path(slug, f"{CATALOG_NAME}.csv"), items_csv(site, county, county.domains)),
        (download_path(slug, f"{CATALOG_NAME}.json"),
         catalog_json(site, county, county.domains, county.documents, updated)),
        (download_path(slug, SCHEMA_NAME), catalog_schema_bytes()),
        (download_path(slug, f"{DOCUMENTS_NAME}.csv"), documents_csv(site, county)),
        (urls.apply_form(slug), apply_form_docx(site, county, updated)),
    ]
    for report in county.reports:
        out += [(urls.report_download(slug, report.key, "xlsx"), report_xlsx(site, report)),
                (urls.report_download(slug, report.key, "csv"), report_csv(report))]
    for domain, sheet in zip(county.domains, sheets):
        docs = documents_of(county, domain.items)
        d_updated = domain_updated(domain, docs)
        paths = domain_download_paths(slug, domain.slug)
        # The domain's sheet, written for the county's workbook, is this workbook's only sheet.
        xlsx, _ = catalog_xlsx(site, county, (domain,), f"{county.name}{domain.name}领域政务公开事项标准目录",
                               d_updated, sheets=(sheet,))
        out += [
            (paths["xlsx"], xlsx),
            (paths["csv"], items_csv(site, county, (domain,))),
            (paths["json"], catalog_json(site, county, (domain,), docs, d_updated)),
        ]
    return out
