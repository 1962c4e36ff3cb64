"""The library stage: the whole site as one immutable value, cross-references resolved.

Duplicate ids, references to things that do not exist and two files claiming one domain
are refused here, with the position of the offending value.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Mapping

from zwgk.base import STANDARD_DOMAINS, Problem
from zwgk.library.counts import CountyTotals, county_totals
from zwgk.library.model import ApplyOptions, County, Document, Domain, Item, Office, Page, Report, Site, frozen_map
from zwgk.library.pages import claimed_urls
from zwgk.library.validate import CountyDraft, footer_from
from zwgk.library.urls import GUIDE_SLUG
from zwgk.source import suggestion


@dataclass(frozen=True)
class Library:
    site: Site
    counties: tuple[County, ...]
    pages: tuple[Page, ...]        # shared by all counties
    _items: Mapping[tuple[str, str], Item] = field(repr=False)
    _docs: Mapping[tuple[str, str], Document] = field(repr=False)
    _fulfilled_by: Mapping[tuple[str, str], tuple[str, ...]] = field(repr=False)
    _interpretations: Mapping[tuple[str, str], tuple[str, ...]] = field(repr=False)
    _cited_by: Mapping[tuple[str, str], tuple[Item, ...]] = field(repr=False, default_factory=dict)
    _totals: Mapping[str, CountyTotals] = field(repr=False, default_factory=dict)   # the portal's counties bring theirs

    def with_attachment_texts(self, slug: str, texts: Mapping[str, str]) -> "Library":
        """The library with the county's attachment texts (path relative to content/<county>/) for search."""
        counties = tuple(replace(c, attachment_texts=frozen_map(texts)) if c.slug == slug else c
                         for c in self.counties)
        return replace(self, counties=counties)

    def county(self, slug: str) -> County:
        for county in self.counties:
            if county.slug == slug:
                return county
        raise KeyError(slug)

    def totals(self, slug: str) -> CountyTotals:
        """What the county has published. The portal's counties have no items to count
        (library/summary.py): theirs were counted when their summary was made."""
        found = self._totals.get(slug)
        return found if found is not None else county_totals(self.county(slug))

    def item(self, county: str, item_id: str) -> Item | None:
        return self._items.get((county, item_id))

    def document(self, county: str, doc_id: str) -> Document | None:
        return self._docs.get((county, doc_id))

    def report(self, county: str, key: str) -> Report:
        return next(r for r in self.county(county).reports if r.key == key)

    def domain(self, county: str, slug: str) -> Domain:
        return next(d for d in self.county(county).domains if d.slug == slug)

    def documents_for_item(self, county: str, item_id: str) -> tuple[Document, ...]:
        """Documents that fulfil an item, named on either side; newest first."""
        return tuple(self._docs[(county, d)] for d in self._fulfilled_by.get((county, item_id), ()))

    def items_citing(self, county: str, doc_id: str) -> tuple[Item, ...]:
        """Items whose own `documents` list names the document, in catalog order."""
        return self._cited_by.get((county, doc_id), ())

    def interpretations_of(self, county: str, doc_id: str) -> tuple[Document, ...]:
        return tuple(self._docs[(county, d)] for d in self._interpretations.get((county, doc_id), ()))



def build_library(site: Site, drafts: list[CountyDraft], shared_pages: list[Page],
                  problems: list[Problem]) -> Library:
    items: dict[tuple[str, str], Item] = {}
    docs: dict[tuple[str, str], Document] = {}
    fulfilled: dict[tuple[str, str], set[str]] = defaultdict(set)
    interpretations: dict[tuple[str, str], set[str]] = defaultdict(set)
    counties = []
    for draft in drafts:
        counties.append(_resolve_county(draft, site, shared_pages, items, docs, fulfilled, interpretations, problems))
    counties.sort(key=lambda c: (c.weight, c.slug))
    _refuse_url_collisions(counties, shared_pages, problems)

    def newest_first(keys: dict[tuple[str, str], set[str]]) -> dict:
        return {k: tuple(sorted(v, key=lambda d: (docs[(k[0], d)].published, d), reverse=True)) for k, v in keys.items()}

    return Library(site=site, counties=tuple(counties), pages=tuple(sorted(shared_pages, key=_page_order)),
                   _items=frozen_map(items), _docs=frozen_map(docs),
                   _fulfilled_by=frozen_map(newest_first(fulfilled)),
                   _interpretations=frozen_map(newest_first(interpretations)),
                   _cited_by=citations(counties, docs))


def citations(counties, docs: Mapping[tuple[str, str], Document]) -> Mapping[tuple[str, str], tuple[Item, ...]]:
    """(county, document id) -> the items whose `documents` list names it, in catalog order."""
    cited_by: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for county in counties:
        for domain in county.domains:
            for item in domain.items:
                for ref in dict.fromkeys(item.documents):
                    if (county.slug, ref) in docs:
                        cited_by[(county.slug, ref)].append(item)
    return frozen_map({key: tuple(found) for key, found in cited_by.items()})


def _refuse_url_collisions(counties: list[County], shared_pages: list[Page], problems: list[Problem]) -> None:
    """Two sources that would be written to one URL are an error, never an overwrite."""
    owners: dict[str, str] = {}
    for dest, src in claimed_urls(counties, tuple(shared_pages)):
        src = src or "（zwgk 生成的页面）"
        first = owners.setdefault(dest, src)
        if first != src:
            problems.append(Problem(src, 0, 0, f"网址 {dest} 已被 {first} 使用",
                                    "请给其中一个换一个文件名或编号（index、items 等是保留名称）"))


def _page_order(page: Page):
    return (page.weight, page.slug)


def _resolve_county(draft: CountyDraft, site: Site, shared_pages, items, docs, fulfilled, interpretations,
                    problems: list[Problem]) -> County:
    slug = draft.slug

    def ref_error(src_path: str, owner: str, ref: str, message: str, hint: str, dangling: bool = True) -> None:
        if dangling and draft.incomplete:
            return  # the target may be in the file that failed to read; that error is reported
        line, col = draft.ref_positions.get((src_path, owner, ref), (0, 0))
        problems.append(Problem(src_path, line, col, message, hint))

    # Two files of one county may not claim the same domain.
    claimed: dict[str, Domain] = {}
    for domain in draft.domains:
        for key in {domain.name, domain.standard} - {""}:
            first = claimed.get(key)
            if first is not None and first is not domain:
                problems.append(Problem(domain.src_path, draft.domain_lines.get(domain.src_path, 1), 1,
                                        f"领域 '{key}' 已在 {first.src_path} 中发布",
                                        "同一个县的两个文件不能是同一个领域；请合并两个文件的事项"))
            claimed.setdefault(key, domain)

    for domain in draft.domains:
        for item in domain.items:
            key = (slug, item.id)
            if key in items:
                first = items[key]
                line, col = draft.item_positions.get((domain.src_path, item.id), (item.line, 1))
                problems.append(Problem(domain.src_path, line, col, f"事项编号 '{item.id}' 重复（已在 {first.src_path}:{first.line} 使用）",
                                        "事项编号在一个县内必须唯一，它就是事项页面的网址；请换一个编号"))
                continue
            items[key] = item
    for doc in draft.documents:
        docs[(slug, doc.id)] = doc

    doc_ids = [d.id for d in draft.documents]
    item_ids = [i.id for d in draft.domains for i in d.items]
    for domain in draft.domains:
        for item in domain.items:
            for ref in item.documents:
                if (slug, ref) in docs:
                    fulfilled[(slug, item.id)].add(ref)
                else:
                    ref_error(item.src_path, item.id, ref, f"documents: 文件 '{ref}' 不存在{suggestion(ref, doc_ids)}",
                              f"文件编号是 content/{slug}/docs/ 下的文件名（不带 .md）")
    for doc in draft.documents:
        for ref in doc.items:
            if (slug, ref) in items:
                fulfilled[(slug, ref)].add(doc.id)
            else:
                ref_error(doc.src_path, doc.id, ref, f"items: 事项 '{ref}' 不存在{suggestion(ref, item_ids)}",
                          f"事项编号见 catalog/{slug}/ 下各领域文件中的 id")
        if doc.interprets:
            if doc.interprets == doc.id:
                ref_error(doc.src_path, doc.id, doc.interprets, "interprets: 文件不能解读它自己", "填写被解读文件的编号", dangling=False)
            elif (slug, doc.interprets) in docs:
                interpretations[(slug, doc.interprets)].add(doc.id)
            else:
                ref_error(doc.src_path, doc.id, doc.interprets,
                          f"interprets: 被解读的文件 '{doc.interprets}' 不存在{suggestion(doc.interprets, [i for i in doc_ids if i != doc.id])}",
                          f"文件编号是 content/{slug}/docs/ 下的文件名（不带 .md）")

    guide = next((p for p in draft.pages if p.slug == GUIDE_SLUG), None)
    if guide is not None and not draft.values.get("office"):
        # 条例第十二条: the 指南 names the office and how to reach it; zwgk renders them from county.yaml.
        problems.append(Problem(guide.src_path, 1, 1, "政府信息公开指南缺少政府信息公开工作机构的名称、办公地址、办公时间、联系电话、传真号码和互联网联系方式（条例第十二条）",
                                f"在 catalog/{slug}/county.yaml 中添加 office，例如：\noffice:\n  name: 示例县人民政府办公室\n  address: 示例县人民路1号\n"
                                "  hours: 工作日上午8:30—12:00，下午14:30—17:30\n  phone: 0000-0000000\n  fax: 无\n  online: zwgk@example.gov.cn"))
    # Documents and pages carry attachments alike.
    owners = [(d.src_path, d.id, d.attachments) for d in draft.documents] + [(p.src_path, p.slug, p.attachments) for p in draft.pages]
    for src_path, owner, paths in owners:
        for path in paths:
            if path not in draft.files:
                ref_error(src_path, owner, path, f"attachments: 附件 '{path}' 不存在",
                          f"请把附件放到 content/{slug}/{path}，或检查文件名的拼写")

    own = {p.slug for p in draft.pages}
    pages = sorted(draft.pages + [p for p in shared_pages if p.slug not in own], key=_page_order)
    documents = sorted(draft.documents, key=lambda d: (d.published, d.id), reverse=True)
    domains = sorted(draft.domains, key=_domain_order)
    values = draft.values
    return County(slug=slug, name=values["name"], code=values["code"], footer=footer_from(values, site.footer),
                  not_applicable=frozen_map(values["not_applicable"]), weight=values["weight"],
                  domains=tuple(domains), documents=tuple(documents), pages=tuple(pages), src_path=draft.src_path,
                  office=Office(**values["office"]) if values.get("office") else None,
                  apply=ApplyOptions(**values["apply"]) if values.get("apply") else ApplyOptions(),
                  reports=tuple(sorted(draft.reports, key=lambda r: (-r.year, not r.own, r.key))))


def _domain_order(domain: Domain):
    # Standard domains in the order of the 标准指引 list, local ones after them.
    rank = STANDARD_DOMAINS.index(domain.standard) if domain.standard in STANDARD_DOMAINS else len(STANDARD_DOMAINS)
    return (rank, domain.slug)
