"""The render stage: pure functions from the library to page bytes.

`plan_pages` lists every page as a small `Job`; `Renderer.render` turns one job into
bytes. Jobs are cheap and independent, so they can be rendered in any order or process.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import replace
from datetime import date
from itertools import groupby
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from zwgk.base import AUDIENCES, CATEGORIES, LEVELS, MODES, annual_report, category_heading, columns, default_theme
from zwgk.library import (KIND, County, Library, PagePlan, active_documents, county_columns, county_pages,
                          guide_page, level_spans, portal_pages, rules_documents, sitemap_paths, urls)
from zwgk.render.markdown import make_markdown
from zwgk.render.official import attachments, lay_out
from zwgk.source import History, read_history


# Pages linked from every page's footer, when the site has them (content/pages/about.md, help.md).
FOOTER_PAGES = ("about", "help")


def plan_pages(library: Library) -> list[PagePlan]:
    """Every page the Renderer makes: the portal's, then each county's."""
    jobs = plan_portal(library)
    for county in library.counties:
        jobs += plan_county(county)
    return jobs


def plan_portal(library: Library) -> list[PagePlan]:
    return [plan for plan, _src, _line in portal_pages(library.pages)]


def plan_county(county: County) -> list[PagePlan]:
    return [plan for plan, _src, _line in county_pages(county)]


def theme_dirs(library: Library) -> list[str]:
    """The site's theme first, so it overrides the default template by template."""
    dirs = []
    if library.site.theme and library.site.theme != "default" and library.site.root:
        dirs.append(os.path.join(library.site.root, "themes", library.site.theme))
    dirs.append(default_theme())
    return dirs


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates keyed by their source's checksum, shared by the Renderers of a build
    (one per county and process) and, in `zwgk serve`, of later builds: the theme is compiled once.
    keep_in: kept on disk too, so that a new build process and its workers load the theme
    instead of compiling it (0.25 s in each, twice on the path of a one-domain edit)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}
        self.on_disk: jinja2.FileSystemBytecodeCache | None = None

    def keep_in(self, folder: str, version: str) -> None:
        """Keep compiled templates in folder, for this version of zwgk (its option settings
        compile into the code too); other versions' files are removed."""
        prefix = f"{version[:16]}-"
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if not name.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(folder, name))
        self.on_disk = jinja2.FileSystemBytecodeCache(folder, prefix + "%s.jinja")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key + bucket.checksum)
        if code is not None:
            bucket.bytecode_from_string(code)
        elif self.on_disk is not None:
            try:
                self.on_disk.load_bytecode(bucket)      # checks jinja's and Python's versions and the source's checksum
            except (ValueError, EOFError, TypeError):   # a damaged file: compiled again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key + bucket.checksum] = bucket.bytecode_to_string()
        if self.on_disk is not None:
            with contextlib.suppress(OSError):          # a cache: a full disk only costs compiling again
                self.on_disk.dump_bytecode(bucket)


def make_environment(library: Library, compiled: CompiledTemplates | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([os.path.join(d, "templates") for d in theme_dirs(library)]),
        bytecode_cache=compiled or CompiledTemplates(),
        auto_reload=False,     # a Renderer lives for one build; checking each template's mtime per page cost 5%
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["day"] = lambda d: d.isoformat() if isinstance(d, date) else ""
    env.filters["join_cn"] = lambda values: "、".join(values)
    env.globals.update(AUDIENCES=AUDIENCES, MODES=MODES, LEVELS=LEVELS, urls=urls)
    return env


class Renderer:
    def __init__(self, library: Library, history: History | None = None, compiled: CompiledTemplates | None = None):
        self.library = library
        # 最后更新 and domain changes; pass one in so a build calls git once, however many renderers it makes.
        self.history = history if history is not None else read_history(library.site.root)
        self.env = make_environment(library, compiled)
        self.md = make_markdown()
        self._shells: dict[tuple[str, str, str], dict[str, Markup]] = {}
        self._navs: dict[str, list[tuple[str, str]]] = {}
        self.level_labels = {lv: library.site.level_names.get(lv, lv) for lv in LEVELS}
        # How each page kind of the registry is put together (zwgk.library.pages names them).
        self._by_kind = {
            "portal": self._portal, "portal-search": self._search, "shared-page": self._page,
            "county": self._county, "catalog": self._catalog, "docs": self._docs, "search": self._search,
            "feed": self._feed, "sitemap": self._sitemap,
            "domain": self._domain, "item": self._item, "document": self._document, "page": self._page,
            "apply": self._apply, "not-found": self._not_found, "portal-not-found": self._not_found,
            "site-map": self._site_map, "portal-site-map": self._site_map,
            "rules": self._rules, "reports": self._reports, "report": self._report,
        }

    def render(self, job: PagePlan) -> bytes:
        return self._by_kind[job.kind](job).encode("utf-8")

    def render_extra(self, template: str, dest: str, *, title: str, crumbs: list[tuple[str, str]], **context) -> bytes:
        """A portal page made by a producer (not in plan_pages), laid out like every other page."""
        return self._layout(template, PagePlan(dest, "extra"), title=title, crumbs=crumbs, **context).encode("utf-8")

    # --- helpers shared by every page -------------------------------------------------

    def _layout(self, template: str, job: PagePlan, *, title: str, crumbs: list[tuple[str, str]],
              county: County | None = None, column: str = "", published: date | None = None,
              source: str = "", base_href: str = "", **context) -> str:
        dest = job.dest

        def rel(target: str) -> str:
            return urls.relative(dest, target)

        site = self.library.site
        footer = county.footer if county else site.footer
        c = county.slug if county else ""
        nav = self._nav(county)
        common = dict(site=site, county=county, footer=footer, rel=rel, dest=dest, nav=nav, section=_section(nav, dest),
                      assets=rel(urls.assets(c)), search_url=rel(urls.search_page(c)))
        return self.env.get_template(template).render(
            **common, shell=self._shell(common), title=title, crumbs=crumbs, column=column or title,
            published=published, source=source or (footer.organiser or site.title), base_href=base_href,
            level_labels=self.level_labels, **context,
        )

    def _shell(self, common: dict) -> dict[str, Markup]:
        """The masthead and footer: the same for every page of a county in one folder (but for
        the navigation link a page is itself), so rendered once there (a quarter of an item page)."""
        dest, nav = common["dest"], common["nav"]
        current = dest if any(target == dest for _label, target in nav) else ""
        # The section depends on the folder alone, so the key stays one per folder and current page.
        key = (common["county"].slug if common["county"] else "", dest.rpartition("/")[0], current)
        shell = self._shells.get(key)
        if shell is None:
            shell_context = dict(common, footer_links=self._footer_links(common["county"]))
            shell = self._shells[key] = {part: Markup(self.env.get_template(f"_{part}.html").render(**shell_context))
                                         for part in ("header", "footer")}
        return shell

    def _nav(self, county: County | None) -> list[tuple[str, str]]:
        """The portal's pages; a county's 专栏 columns that have something in them (library/columns.py)."""
        if county is None:
            return [("首页", urls.PORTAL_HOME), ("公开情况", urls.PORTAL_COMPLETENESS), ("全文检索", urls.PORTAL_SEARCH)]
        nav = self._navs.get(county.slug)
        if nav is None:
            c = county.slug
            nav = self._navs[county.slug] = (
                [("首页", urls.county_home(c))] + [(col.name, col.url) for col in county_columns(county) if col.url]
                + [("全文检索", urls.search_page(c)), ("下载", urls.downloads_page(c))])
        return nav

    def _footer_links(self, county: County | None) -> list[tuple[str, str]]:
        """网站地图, 联系我们 (the office that answers requests), and the site's 关于本站 and 使用帮助."""
        c = county.slug if county else ""
        links = [("网站地图", urls.site_map(c))]
        if county:
            links.append(("联系我们", urls.apply_page(c) + "#h-office"))
        pages = county.pages if county else self.library.pages
        links += [(p.title, urls.page_page(c, p.slug)) for p in pages if p.slug in FOOTER_PAGES]
        return links

    def _county_crumbs(self, county: County) -> list[tuple[str, str]]:
        return [(county.name, urls.county_home(county.slug))]

    def _markdown(self, text: str, job: PagePlan) -> str:
        to_county = urls.relative(job.dest, f"{job.county}/x")[:-1] if job.county else urls.relative(job.dest, "x")[:-1]
        return self.md.render(text, {"to_county": to_county})

    # --- the pages ------------------------------------------------------------------

    def _portal(self, job: PagePlan) -> str:
        lib = self.library
        rows = [(c, lib.totals(c.slug)) for c in lib.counties]
        return self._layout(KIND[job.kind].template, job, title=lib.site.title, crumbs=[], column="首页",
                          rows=rows, pages=lib.pages)

    def _county(self, job: PagePlan) -> str:
        county = self.library.county(job.county)
        # The county's home is where its site starts: no breadcrumb (it would only link to itself).
        return self._layout(KIND[job.kind].template, job, title=f"{county.name}政务公开事项标准目录", county=county,
                          crumbs=[], column="首页", latest=county.documents[:10], totals=self.library.totals(county.slug),
                          columns=county_columns(county))

    def _catalog(self, job: PagePlan) -> str:
        county = self.library.county(job.county)
        totals = self.library.totals(county.slug)
        return self._layout(KIND[job.kind].template, job, title=columns.CATALOG, county=county,
                          crumbs=self._county_crumbs(county) + [(columns.CATALOG, job.dest)], totals=totals,
                          updated={d.slug: self._domain_dated(d).updated for d in totals.domains})

    def _dated(self, thing):
        """The item, domain, document or page with its 最后更新 filled in from history: its own
        `updated`, else the date git (or the file) gives its source file (docs/fields.md)."""
        updated = self.history.updated(thing.src_path, thing.updated)
        return thing if updated == thing.updated else replace(thing, updated=updated)

    def _domain_dated(self, domain):
        """A domain's 最后更新: the newest of its own date and its items' (an item is never newer
        than the domain that lists it)."""
        dates = [self._dated(domain).updated, *(self._dated(i).updated for i in domain.items)]
        newest = max((d for d in dates if d), default=None)
        return domain if newest == domain.updated else replace(domain, updated=newest)

    def _domain(self, job: PagePlan) -> str:
        county = self.library.county(job.county)
        domain = self._domain_dated(self.library.domain(county.slug, job.key))
        depth = 3 if any(i.level3 for i in domain.items) else 2
        return self._layout(KIND[job.kind].template, job, title=f"{domain.name}领域政务公开标准目录", county=county,
                          crumbs=self._county_crumbs(county) + [(columns.CATALOG, urls.catalog_index(county.slug)), (domain.name, job.dest)],
                          column=domain.name, domain=domain, depth=depth, spans=level_spans(domain.items, depth),
                          changes=self.history.domain_changes(domain.src_path))

    def _item(self, job: PagePlan) -> str:
        lib = self.library
        item = self._dated(lib.item(job.county, job.key))
        county = lib.county(job.county)
        domain = lib.domain(county.slug, item.domain)
        return self._layout(KIND[job.kind].template, job, title=item.name, county=county,
                          crumbs=self._county_crumbs(county) + [(columns.CATALOG, urls.catalog_index(county.slug)),
                                                                (domain.name, urls.domain_page(county.slug, domain.slug)),
                                                                (item.name, job.dest)],
                          column=domain.name, item=item, domain=domain,
                          documents=lib.documents_for_item(county.slug, item.id))

    def _docs(self, job: PagePlan) -> str:
        """法定主动公开内容: the documents by category, in the order of 条例第二十条 (base/columns.py)."""
        county = self.library.county(job.county)
        docs = active_documents(county)
        groups = []
        for cat in (*CATEGORIES, ""):          # "": documents with no category, last
            found = [d for d in docs if d.category == cat]
            if found:                           # active_documents has no 制度
                groups.append((category_heading(cat) if cat else "其他政府信息", found))
        return self._layout(KIND[job.kind].template, job, title=columns.ACTIVE, county=county,
                          crumbs=self._county_crumbs(county) + [(columns.ACTIVE, job.dest)], groups=groups, total=len(docs))

    def _rules(self, job: PagePlan) -> str:
        county = self.library.county(job.county)
        return self._layout(KIND[job.kind].template, job, title=columns.RULES, county=county,
                            crumbs=self._county_crumbs(county) + [(columns.RULES, job.dest)], docs=rules_documents(county))

    def _reports(self, job: PagePlan) -> str:
        county = self.library.county(job.county)
        years = [(year, list(found)) for year, found in groupby(county.reports, key=lambda r: r.year)]
        return self._layout(KIND[job.kind].template, job, title=columns.REPORTS, county=county,
                            crumbs=self._county_crumbs(county) + [(columns.REPORTS, job.dest)], years=years)

    def _report(self, job: PagePlan) -> str:
        county = self.library.county(job.county)
        report = self._dated(self.library.report(county.slug, job.key))
        return self._layout(KIND[job.kind].template, job, title=report.title, county=county,
                            crumbs=self._county_crumbs(county) + [(columns.REPORTS, urls.reports_index(county.slug)),
                                                                  (f"{report.year}年度", job.dest)],
                            column=columns.REPORTS, published=report.published, source=report.organ, report=report,
                            AR=annual_report, heads=annual_report.REQUEST_HEADS, texts={key: self._markdown(getattr(report, key), job)
                                                     for key in ("overview", "problems", "other")})

    def _document(self, job: PagePlan) -> str:
        lib = self.library
        doc = self._dated(lib.document(job.county, job.key))
        county = lib.county(job.county)
        items = [i for i in (lib.item(county.slug, ref) for ref in dict.fromkeys(doc.items)) if i]
        named = {i.id for i in items}
        items += [i for i in lib.items_citing(county.slug, doc.id) if i.id not in named]
        column = columns.RULES if doc.category == columns.RULES else columns.ACTIVE
        index = urls.rules_page(county.slug) if doc.category == columns.RULES else urls.docs_index(county.slug)
        body = self._markdown(doc.body, job)
        files = self._attachments(county, doc.attachments, body)
        body = lay_out(body, [urls.relative(job.dest, urls.attachment(county.slug, a.path)) for a in files])
        return self._layout(KIND[job.kind].template, job, title=doc.title, county=county,
                          crumbs=self._county_crumbs(county) + [(column, index), (doc.title, job.dest)],
                          column=column, published=doc.published, source=doc.issuer, doc=doc,
                          body=body, items=items, files=files,
                          interprets=lib.document(county.slug, doc.interprets) if doc.interprets else None,
                          interpretations=lib.interpretations_of(county.slug, doc.id))

    def _attachments(self, county: County, paths, body: str = "") -> list:
        root = self.library.site.root
        return attachments(paths, os.path.join(root, "content", county.slug) if root else "", body)

    def _page_md(self, job: PagePlan):
        lib = self.library
        if job.county:
            county = lib.county(job.county)
            page = next(p for p in county.pages if p.slug == job.key)
            return county, page
        return None, next(p for p in lib.pages if p.slug == job.key)

    def _page(self, job: PagePlan) -> str:
        county, page = self._page_md(job)
        page = self._dated(page)
        crumbs = (self._county_crumbs(county) if county else []) + [(page.title, job.dest)]
        return self._layout(KIND[job.kind].template, job, title=page.title, county=county, crumbs=crumbs,
                            page=page, body=self._markdown(page.body, job),
                            files=self._attachments(county, page.attachments) if county else [])

    def _search(self, job: PagePlan) -> str:
        county = self.library.county(job.county) if job.county else None
        crumbs = (self._county_crumbs(county) if county else []) + [("全文检索", job.dest)]
        return self._layout(KIND[job.kind].template, job, title="全文检索", county=county, crumbs=crumbs)

    def _not_found(self, job: PagePlan) -> str:
        county = self.library.county(job.county) if job.county else None
        # The server shows this page at any missing address, at any depth: <base> makes its
        # relative links start from its own folder, under the site's path (a subpath too).
        base_path = urlsplit(self.library.site.base_url).path or "/"
        base_href = base_path.rstrip("/") + "/" + (job.county + "/" if job.county else "")
        return self._layout(KIND[job.kind].template, job, title="页面不存在", county=county, crumbs=[],
                            base_href=base_href)

    def _site_map(self, job: PagePlan) -> str:
        county = self.library.county(job.county) if job.county else None
        crumbs = (self._county_crumbs(county) if county else []) + [("网站地图", job.dest)]
        return self._layout(KIND[job.kind].template, job, title="网站地图", county=county, crumbs=crumbs,
                            counties=self.library.counties, pages=county.pages if county else self.library.pages)

    def _apply(self, job: PagePlan) -> str:
        county = self.library.county(job.county)
        return self._layout(KIND[job.kind].template, job, title="依申请公开", county=county,
                            crumbs=self._county_crumbs(county) + [("依申请公开", job.dest)],
                            form=urls.apply_form(county.slug), guide=guide_page(county))

    def _feed(self, job: PagePlan) -> str:
        county = self.library.county(job.county)
        return self.env.get_template(KIND[job.kind].template).render(site=self.library.site, county=county,
                                                        documents=county.documents[:50], base=_base(self.library, county))

    def _sitemap(self, job: PagePlan) -> str:
        county = self.library.county(job.county)
        paths = sitemap_paths(county)
        base = self.library.site.base_url.rstrip("/") + "/"
        return self.env.get_template(KIND[job.kind].template).render(locs=[base + p for p in paths])


def _section(nav: list[tuple[str, str]], dest: str) -> str:
    """The navigation entry whose folder holds the page (公开目录 for an item), marked as the
    current section; the home's folder holds everything and marks nothing."""
    for _label, target in nav[1:]:
        folder, _, name = target.rpartition("/")
        if name == "index.html" and dest.startswith(folder + "/") and dest != target:
            return target
    return ""


def _base(library: Library, county: County) -> str:
    return library.site.base_url.rstrip("/") + "/" + county.slug + "/"

