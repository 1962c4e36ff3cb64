"""The registry of page kinds: every page the site has, what it is made from, and where it goes.

Each kind declares its URL, the pages of its kind a county (or the portal) has, the source
files whose change invalidates one of them, its template and whether the sitemap lists it.
Planning the render, refusing URL collisions, the sitemap, incremental fingerprints, the
link check's "which source wrote this page" and the published counts all read this one
table: a new kind of page is one entry here and one template in the theme.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from zwgk.library import urls
from zwgk.library.columns import active_documents, rules_documents
from zwgk.library.model import County, Page

PORTAL, COUNTY = "portal", "county"

# (key, source file, line) of one page; the source is "" for a page made from the whole county.
Instance = tuple[str, str, int]
WHOLE = None     # inputs: the page shows the whole county (its counts, lists, latest documents)


def _whole(library, county: str, key: str) -> None:
    return WHOLE


@dataclass(frozen=True)
class PageKind:
    name: str
    scope: str                                            # PORTAL or COUNTY
    url: Callable[[str, str], str]                        # (county slug, key) -> output path
    instances: Callable[[County | None, tuple[Page, ...]], Iterable[Instance]]
    template: str = ""                                    # "" when an output producer writes the page
    inputs: Callable[[Any, str, str], tuple[str, ...] | None] = _whole     # (Library, county, key)
    in_sitemap: bool = False

    @property
    def rendered(self) -> bool:
        """Made by the Renderer from its template (not by an output such as the downloads)."""
        return bool(self.template)


def _one(county, shared) -> Iterable[Instance]:
    return [("", "", 0)]


def _item_inputs(library, c: str, key: str) -> tuple[str, ...]:
    item = library.item(c, key)
    return (item.src_path, *(d.src_path for d in library.documents_for_item(c, item.id)))


def _domain_inputs(library, c: str, key: str) -> tuple[str, ...]:
    domain = library.domain(c, key)
    docs = {d.src_path for i in domain.items for d in library.documents_for_item(c, i.id)}
    return (domain.src_path, *sorted(docs))


def _document_inputs(library, c: str, key: str) -> tuple[str, ...]:
    doc = library.document(c, key)
    related = {i.src_path for i in (library.item(c, ref) for ref in doc.items) if i}
    related |= {i.src_path for i in library.items_citing(c, doc.id)}
    if doc.interprets and library.document(c, doc.interprets):
        related.add(library.document(c, doc.interprets).src_path)
    related |= {d.src_path for d in library.interpretations_of(c, doc.id)}
    related |= {f"content/{c}/{path}" for path in doc.attachments}      # their sizes are shown
    return (doc.src_path, *sorted(related - {doc.src_path}))


def _one_if(has: Callable[[County], object]):
    """A single page, made only when the county has something to show in it (no blank column)."""
    return lambda county, shared: [("", "", 0)] if has(county) else []


def _report_inputs(library, c: str, key: str) -> tuple[str, ...]:
    return (library.report(c, key).src_path,)


def _county_page_inputs(library, c: str, key: str) -> tuple[str, ...]:
    pages = library.county(c).pages                                 # a page lists its siblings
    return (*(p.src_path for p in pages), *(f"content/{c}/{path}" for p in pages for path in p.attachments))


KINDS: tuple[PageKind, ...] = (
    # The portal.
    PageKind("portal", PORTAL, lambda c, k: urls.PORTAL_HOME, _one, "portal.html"),
    PageKind("portal-search", PORTAL, lambda c, k: urls.PORTAL_SEARCH, _one, "search.html"),
    PageKind("completeness", PORTAL, lambda c, k: urls.PORTAL_COMPLETENESS, _one),
    PageKind("portal-not-found", PORTAL, lambda c, k: urls.not_found(""), _one, "404.html"),
    PageKind("portal-site-map", PORTAL, lambda c, k: urls.site_map(""), _one, "sitemap.html"),
    PageKind("shared-page", PORTAL, lambda c, k: urls.page_page("", k),
             lambda county, shared: [(p.slug, p.src_path, 0) for p in shared], "page.html"),
    # A county's own pages, from the whole county.
    PageKind("county", COUNTY, lambda c, k: urls.county_home(c), _one, "county.html", in_sitemap=True),
    PageKind("catalog", COUNTY, lambda c, k: urls.catalog_index(c), _one, "catalog.html", in_sitemap=True),
    PageKind("docs", COUNTY, lambda c, k: urls.docs_index(c), _one_if(active_documents), "docs.html", in_sitemap=True),
    PageKind("rules", COUNTY, lambda c, k: urls.rules_page(c), _one_if(rules_documents), "rules.html", in_sitemap=True),
    PageKind("reports", COUNTY, lambda c, k: urls.reports_index(c), _one_if(lambda county: county.reports), "reports.html",
             in_sitemap=True),
    PageKind("search", COUNTY, lambda c, k: urls.search_page(c), _one, "search.html",
             inputs=lambda library, c, k: ()),     # shows no content: its index is made beside it
    PageKind("downloads", COUNTY, lambda c, k: urls.downloads_page(c), _one),
    PageKind("apply", COUNTY, lambda c, k: urls.apply_page(c), _one, "apply.html",
             inputs=_county_page_inputs, in_sitemap=True),      # county.yaml, and a link to the 指南
    PageKind("site-map", COUNTY, lambda c, k: urls.site_map(c), _one, "sitemap.html"),
    PageKind("not-found", COUNTY, lambda c, k: urls.not_found(c), _one, "404.html",
             inputs=lambda library, c, k: ()),     # shows no content, only the county's links
    PageKind("feed", COUNTY, lambda c, k: f"{c}/feed.xml", _one, "feed.xml"),
    PageKind("sitemap", COUNTY, lambda c, k: f"{c}/sitemap.xml", _one, "sitemap.xml"),
    # A county's pages made from one source file each.
    PageKind("domain", COUNTY, urls.domain_page,
             # An empty domain is named 未发布 on the catalog page; it gets no page of its own (a blank column).
             lambda county, shared: [(d.slug, d.src_path, 0) for d in county.domains if d.items],
             "domain.html", _domain_inputs, in_sitemap=True),
    PageKind("item", COUNTY, urls.item_page,
             lambda county, shared: [(i.id, i.src_path, i.line) for d in county.domains for i in d.items],
             "item.html", _item_inputs, in_sitemap=True),
    PageKind("document", COUNTY, urls.doc_page,
             lambda county, shared: [(d.id, d.src_path, 0) for d in county.documents],
             "document.html", _document_inputs, in_sitemap=True),
    PageKind("report", COUNTY, urls.report_page,
             lambda county, shared: [(r.key, r.src_path, 0) for r in county.reports],
             "report.html", _report_inputs, in_sitemap=True),
    PageKind("page", COUNTY, urls.page_page,
             lambda county, shared: [(p.slug, p.src_path, 0) for p in county.pages],
             "page.html", _county_page_inputs, in_sitemap=True),
)
KIND = {kind.name: kind for kind in KINDS}
# County pages that show the whole county: any change to it renders them again.
COUNTY_WIDE = frozenset(k.name for k in KINDS if k.scope == COUNTY and k.inputs is _whole)


@dataclass(frozen=True, slots=True)
class PagePlan:
    """One page to make: its kind, county ("" for the portal), key and output path."""
    dest: str
    kind: str
    county: str = ""
    key: str = ""


def portal_pages(shared: tuple[Page, ...], *, rendered_only: bool = True) -> list[tuple[PagePlan, str, int]]:
    """The portal's pages with their source file and line."""
    return _pages((k for k in KINDS if k.scope == PORTAL), None, shared, rendered_only)


def county_pages(county: County, *, rendered_only: bool = True) -> list[tuple[PagePlan, str, int]]:
    """A county's pages with their source file and line ("" when made from the whole county)."""
    return _pages((k for k in KINDS if k.scope == COUNTY), county, (), rendered_only)


def _pages(kinds: Iterable[PageKind], county: County | None, shared, rendered_only: bool):
    c = county.slug if county else ""
    return [(PagePlan(kind.url(c, key), kind.name, c, key), src, line)
            for kind in kinds if kind.rendered or not rendered_only
            for key, src, line in kind.instances(county, shared)]


def page_inputs(library, plan: PagePlan) -> tuple[str, ...] | None:
    """The source files a county page shows something of; None for "the whole county".

    The incremental build re-renders a page only when one of these files, the county's
    county.yaml, the site or the engine changed (tests/test_incremental.py compares with a
    clean build, page kind by page kind)."""
    if not plan.county:
        return WHOLE
    return KIND[plan.kind].inputs(library, plan.county, plan.key)


def sitemap_paths(county: County) -> list[str]:
    return [plan.dest for plan, _src, _line in county_pages(county) if KIND[plan.kind].in_sitemap]


def page_sources(counties: Iterable[County], shared: tuple[Page, ...]) -> dict[str, tuple[str, int]]:
    """Output page -> (source file, line) for every page made from one source file."""
    found = {plan.dest: (src, line) for plan, src, line in portal_pages(shared, rendered_only=False) if src}
    for county in counties:
        found.update((plan.dest, (src, line)) for plan, src, line in county_pages(county, rendered_only=False) if src)
    return found


def claimed_urls(counties: Iterable[County], shared: tuple[Page, ...]) -> Iterable[tuple[str, str]]:
    """(output path, who makes it) of every page: a source file, or zwgk itself ("")."""
    for plan, src, _line in portal_pages(shared, rendered_only=False):
        yield plan.dest, src
    for county in counties:
        for plan, src, _line in county_pages(county, rendered_only=False):
            yield plan.dest, src
