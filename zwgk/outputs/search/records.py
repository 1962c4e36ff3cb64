"""The library as search records: what each item, document and page offers to search.

A record's text is its zones in weight order: title, names (ids, 事项 names, 文号), content,
basis, body, each ended by ZONE_END (the last by the newline between records); lines within
a zone are separated by newlines. Neither is a word character, so no query spans two
fields. The browser finds the zones in the text itself: the title, then the record's id
on the first line of its names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from zwgk.library import County, Document, Item, Library, Page, urls
from zwgk.render import attachment_titles, file_title
from zwgk.outputs.search.analysis import normalize

ZONES = ("title", "names", "content", "basis", "body")
ZONE_END = "\x1f"      # between a record's zones in its text (the browser's twin is in zwgk-search.js)
TYPES = ("item", "document", "page", "attachment")
TYPE_LABELS = {"item": "事项", "document": "文件", "page": "页面", "attachment": "附件"}

# Facets in display order: (name, label). The portal adds the county.
FACETS = (("type", "类型"), ("domain", "领域"), ("mode", "公开方式"), ("audience", "公开对象"),
          ("year", "年份"), ("issuer", "发文机关"), ("validity", "有效性"))
PORTAL_FACETS = (("county", "县（区）"), ("type", "类型"), ("domain", "领域"), ("year", "年份"), ("validity", "有效性"))
ALL_FACETS = ("county",) + tuple(name for name, _label in FACETS)
# Among records matching a query alike, a document no longer (or not yet) in force comes after
# those in force: 现行有效 and records without 有效性 first, then 已修改 and 尚未生效, then 已废止.
# zwgk search reads this table, and the browser's engine reads it from index.js.
DEMOTED = {"已修改": 1, "尚未生效": 1, "已废止": 2}


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    type: str                       # item / document / page
    county: str                     # county slug; "" for a page shared by all counties
    url: str                        # output path relative to the output root
    zones: tuple[str, ...]          # original text of each zone in ZONES
    facets: tuple[tuple[str, str], ...]   # (facet name, value); a missing facet is absent
    parent: str = ""                # an attachment's document title (its url is the document's page)
    source: str = ""                # an attachment's file, relative to content/<county>/

    @property
    def key(self) -> str:
        """Unique within an index: the portal's holds every county's, and a document's attachments share its id."""
        return f"{self.county}/{self.type}/{self.id}" + (f"/{self.source}" if self.source else "")

    @property
    def title(self) -> str:
        return self.zones[0]

    @property
    def head(self) -> str:
        """Title and names (id first), the first two zones of the text: what a result shows
        besides its excerpt (an item's 事项 above it, a document's 文号 and date)."""
        return f"{self.zones[0]}\n{self.zones[1]}"

    @property
    def text(self) -> str:
        return ZONE_END.join(self.zones)

    @property
    def searchable(self) -> str:
        """The normalised text every query is matched against."""
        return normalize(self.text)

    def facet(self, name: str) -> str:
        return dict(self.facets).get(name, "")


def _line(text: str) -> str:
    """One line: runs of white space become one space."""
    if "\n" in text or "  " in text or "\t" in text or "\r" in text:
        return " ".join(text.split())
    return text.strip()


def _lines(*values) -> str:
    out = []
    for value in values:
        if isinstance(value, (tuple, list)):
            out.extend(_line(v) for v in value if v)
        elif value:
            out.append(_line(str(value)))
    return "\n".join(out)


def _facets(**values: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, values[name]) for name in ALL_FACETS if values.get(name))


def item_record(library: Library, county: County, item: Item) -> Record:
    domain = next(d for d in county.domains if d.slug == item.domain)
    levels = [library.site.level_names.get(lv, lv) for lv in item.level]
    audience = item.audience + (f"（{item.audience_note}）" if item.audience_note else "")
    body = _lines(f"公开时限：{item.deadline}" if item.deadline else "", f"公开主体：{item.subject}",
                  "公开渠道：" + "、".join(item.channels), f"公开对象：{audience}", f"公开方式：{item.mode}",
                  "公开层级：" + "、".join(levels), item.note)
    zones = (_line(item.name), _lines(item.id, item.names, domain.name), _lines(item.content),
             _lines(item.basis), body)
    return Record(item.id, "item", county.slug, urls.item_page(county.slug, item.id), zones,
                  _facets(county=county.name, type=TYPE_LABELS["item"], domain=domain.name, mode=item.mode,
                          audience=item.audience))


def document_record(library: Library, county: County, doc: Document) -> Record:
    items = [library.item(county.slug, ref) for ref in doc.items]
    items = [i for i in items if i is not None]
    meta = _lines(doc.issuer, doc.topic, doc.validity, f"成文日期：{doc.written.isoformat()}" if doc.written else "")
    zones = (_line(doc.title), _lines(doc.id, doc.doc_no, doc.index_no, doc.published.isoformat()), meta,
             _lines([i.name for i in items]), markdown_to_text(doc.body))
    return Record(doc.id, "document", county.slug, urls.doc_page(county.slug, doc.id), zones,
                  _document_facets(county, doc, items, "document"))


def _document_facets(county: County, doc: Document, items: list[Item], type: str):
    domain = next((d.name for d in county.domains for i in items[:1] if d.slug == i.domain), "")
    return _facets(county=county.name, type=TYPE_LABELS[type], domain=domain,
                   year=str(doc.published.year), issuer=doc.issuer, validity=doc.validity)


def attachment_records(library: Library, county: County, doc: Document) -> list[Record]:
    """A record for each attachment of the document that has text: found by what is inside
    it, shown as that attachment of that document."""
    records = []
    facets = _document_facets(county, doc, [i for ref in doc.items if (i := library.item(county.slug, ref))], "attachment")
    # The body's 附件 line names them, as on the document's page.
    named = attachment_titles("".join(f"<p>{line}</p>" for line in markdown_to_text(doc.body).splitlines()),
                              len(doc.attachments))
    for n, path in enumerate(doc.attachments):
        text = county.attachment_texts.get(path)
        if not text:
            continue
        title = named[n] if named else file_title(path)
        if not re.search(r"[\u4e00-\u9fff]", title):
            title = f"附件（{path.rpartition('/')[2]}）"     # a file name says nothing to a citizen
        # Its names say whose it is (the browser shows that line); the url is its document's page.
        zones = (_line(title), _lines(doc.id, of_document(doc.title), path.rpartition("/")[2], doc.published.isoformat()),
                 "", "", text)
        records.append(Record(doc.id, "attachment", county.slug, urls.doc_page(county.slug, doc.id), zones,
                              facets, parent=doc.title, source=path))
    return records


def of_document(title: str) -> str:
    """The line of an attachment's names that says which document it belongs to."""
    return f"《{_line(title)}》的附件"


def page_record(county: str, county_name: str, page: Page) -> Record:
    """A page as the county shows it (every county has its own copy of the shared ones);
    county '' is the portal's copy."""
    zones = (_line(page.title), page.slug, "", "", markdown_to_text(page.body))
    return Record(page.slug, "page", county, urls.page_page(county, page.slug), zones,
                  _facets(county=county_name, type=TYPE_LABELS["page"]))


def county_records(library: Library, slug: str, shared_pages: bool = True) -> list[Record]:
    """Every record a county's own search covers: its items, documents, pages and the
    attachments of its documents, in the order of `own_order`; then the shared pages (unless
    shared_pages is False). Its records without the shared pages are exactly its part of the
    portal's, in the same order, so the portal reads that part's text from the county's own
    text pieces (browser_index.py's segments)."""
    county = library.county(slug)
    records = [item_record(library, county, item) for item in county.items]
    records += [document_record(library, county, doc) for doc in county.documents]
    records += [page_record(slug, county.name, page) for page in county.pages if page.county]
    records += [a for doc in county.documents for a in attachment_records(library, county, doc)]
    records.sort(key=own_order)
    if shared_pages:
        records += [page_record(slug, county.name, page) for page in county.pages if not page.county]
    return records


def own_order(record: Record) -> tuple:
    """Records with the same facets stand together: index.js stores a run of them as one
    number (a city's documents, newest first, changed facets at almost every record: 26 KB
    of runs). The sort is stable: within a run, the library's order stays."""
    return (TYPES.index(record.type), record.facet("domain"), -int(record.facet("year") or 0), record.facet("validity"))


def portal_records(library: Library) -> list[Record]:
    """Every county's records for the cross-county search, each shared page once: the same
    records as each county's own search, so the portal finds what the counties find."""
    records = []
    for county in library.counties:
        records += county_records(library, county.slug, shared_pages=False)
    return records + [page_record("", "", page) for page in library.pages]


# Markdown to plain text: keep what a reader sees, drop the markup. Rendered pages show
# raw HTML as text, so tags stay in the text too. Each pass runs only when its marker
# characters are present: most government documents are plain paragraphs.
_BLOCK = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:#{1,6}[ \t]+|(?:[-*+]|\d{1,9}[.)])[ \t]+)?", re.M)
_MARKUP_LINE = re.compile(r"^[ \t]*(?:`{3,}|~{3,}).*$|^[ \t|:*_=#-]*$", re.M)   # fences, rules, table rules
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|~~|\*|`)(?=\S)(.+?)(?<=\S)\1")
_PIPES = re.compile(r"[ \t]*\|[ \t]*")


def markdown_to_text(body: str) -> str:
    """The plain text of a Markdown body, one line per block."""
    text = _MARKUP_LINE.sub("", body)
    text = _BLOCK.sub("", text)
    if "](" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub(r"\1", text))
    if any(c in text for c in "*_~`"):
        text = _EMPHASIS.sub(r"\2", _EMPHASIS.sub(r"\2", text))
    if "|" in text:
        text = _PIPES.sub(" ", text)
    return "\n".join(line.strip() for line in text.splitlines() if line and not line.isspace())
