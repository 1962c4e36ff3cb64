"""Output paths of every page, relative to the output root (posix).

Every link in the site is made relative from these, so a county folder works on its
own, under any path, and from file://.
"""
from __future__ import annotations

import posixpath
from functools import lru_cache

PORTAL_HOME = "index.html"
PORTAL_SEARCH = "search.html"
PORTAL_COMPLETENESS = "completeness.html"


def county_home(county: str) -> str:
    return f"{county}/index.html"


def catalog_index(county: str) -> str:
    return f"{county}/catalog/index.html"


def domain_page(county: str, domain: str) -> str:
    return f"{county}/catalog/{domain}/index.html"


def item_page(county: str, item_id: str) -> str:
    return f"{county}/catalog/items/{item_id}.html"


def docs_index(county: str) -> str:
    return f"{county}/docs/index.html"


def doc_page(county: str, doc_id: str) -> str:
    return f"{county}/docs/{doc_id}.html"


def page_page(county: str, slug: str) -> str:
    """A Markdown page: under the county, or at the portal when county is ''."""
    return f"{county}/pages/{slug}.html" if county else f"pages/{slug}.html"


def rules_page(county: str) -> str:
    """政府信息公开制度: the county's documents of that category."""
    return f"{county}/rules.html"


def reports_index(county: str) -> str:
    """政府信息公开年报: the reports by year."""
    return f"{county}/reports/index.html"


def report_page(county: str, key: str) -> str:
    """A 年报 ("2024", or "2024/czj" for a department's or township's)."""
    return f"{county}/reports/{key}.html"


def report_download(county: str, key: str, suffix: str) -> str:
    """A 年报's tables as a file (xlsx, csv), beside its page."""
    return f"{county}/reports/{key}.{suffix}"


def search_page(county: str) -> str:
    return f"{county}/search.html" if county else PORTAL_SEARCH


GUIDE_SLUG = "guide"            # content/<county>/pages/guide.md is the county's 政府信息公开指南
APPLY_FORM = "apply-form.docx"


def furniture(county: str, name: str, image: str) -> str:
    """Where the footer's mark `name` (badge, jiucuo) is published, keeping its image's suffix."""
    suffix = posixpath.splitext(image)[1].lower()
    return f"{county}/furniture/{name}{suffix}" if county else f"furniture/{name}{suffix}"


def site_map(county: str) -> str:
    """网站地图: every column of the county's site (or the portal's), as a page for people."""
    return f"{county}/sitemap.html" if county else "sitemap.html"


def not_found(county: str) -> str:
    """The styled 404 page the web server shows for a missing address (of the county, or elsewhere)."""
    return f"{county}/404.html" if county else "404.html"


def apply_form(county: str) -> str:
    """The county's 政府信息公开申请表 (a download)."""
    return f"{county}/downloads/{APPLY_FORM}"


def apply_page(county: str) -> str:
    """依申请公开: how to ask for information, and the 申请表."""
    return f"{county}/apply.html"


def downloads_page(county: str) -> str:
    return f"{county}/downloads/index.html"


def attachment(county: str, path: str) -> str:
    return f"{county}/{path}"


def assets(county: str) -> str:
    """Each county carries its own copy of the theme's assets, so it can stand alone."""
    return f"{county}/assets" if county else "assets"


def relative(from_path: str, to_path: str) -> str:
    """The relative link from the page at from_path to to_path (both output paths)."""
    return _relative_from(from_path.rpartition("/")[0], to_path)


@lru_cache(maxsize=1 << 16)
def _relative_from(start: str, to_path: str) -> str:
    # Pure string work, cached by folder: the pages of one folder share most of their links
    # (navigation, breadcrumbs, assets). posixpath.relpath calls os.getcwd() twice per link,
    # which was 40% of rendering an item page (profiled on a 29,000-page city). Same results.
    start_parts = [p for p in start.split("/") if p and p != "."]
    target = [p for p in to_path.split("/") if p and p != "."]
    if ".." in start_parts or ".." in target:
        return posixpath.relpath(to_path, start or ".")
    common = 0
    for a, b in zip(start_parts, target):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + target[common:]) or "."
