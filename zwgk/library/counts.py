"""How much a county has published, computed once: which standard domains are published,
未涉及 (not applicable, with the county's reason), empty (a file with no items: 未发布) or
missing, and the published totals. The county home, the catalog index, the portal, the
completeness report, the check and the downloads all read these figures."""
from __future__ import annotations

from dataclasses import dataclass

from zwgk.base import STANDARD_DOMAINS
from zwgk.library.model import County, Domain

PUBLISHED, NOT_APPLICABLE, EMPTY, MISSING = "published", "not_applicable", "empty", "missing"

@dataclass(frozen=True, slots=True)
class DomainCell:
    standard: str        # the standard domain
    status: str          # published / not_applicable / empty / missing
    items: int = 0
    name: str = ""       # the county's name for it (乡村振兴 for 扶贫)
    slug: str = ""       # the county's domain slug, when it has a file
    reason: str = ""     # why 未涉及


@dataclass(frozen=True, slots=True)
class CountyCompleteness:
    slug: str
    name: str
    cells: tuple[DomainCell, ...]      # one per standard domain, in the standard order

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.cells)

    @property
    def items(self) -> int:
        """Items of the published standard domains."""
        return sum(c.items for c in self.cells)

    @property
    def not_published(self) -> int:
        """Standard domains 未发布: missing, or a file with no items (未涉及 ones are not counted)."""
        return self.count(MISSING) + self.count(EMPTY)

    @property
    def unpublished(self) -> tuple[tuple[str, str], ...]:
        """(standard domain, reason) of each not published: the reason is "" unless 未涉及."""
        return tuple((c.standard, c.reason) for c in self.cells if c.status != PUBLISHED)


@dataclass(frozen=True, slots=True)
class CountyTotals:
    """What a county has published, local domains included: the figures its pages show."""
    domains: tuple[Domain, ...]        # domains with at least one item, in the county's order
    items: int
    documents: int
    standard: CountyCompleteness


def county_totals(county: County) -> CountyTotals:
    published = tuple(d for d in county.domains if d.items)       # an empty domain file is 未发布
    return CountyTotals(published, sum(len(d.items) for d in published), len(county.documents),
                        assess_county(county))



def assess_county(county: County) -> CountyCompleteness:
    by_standard = {d.standard: d for d in county.domains if d.standard}
    cells = []
    for name in STANDARD_DOMAINS:
        domain = by_standard.get(name)
        if domain is not None and domain.items:
            cells.append(DomainCell(name, PUBLISHED, len(domain.items), domain.name, domain.slug))
        elif name in county.not_applicable:
            cells.append(DomainCell(name, NOT_APPLICABLE, reason=county.not_applicable[name],
                                    name=domain.name if domain else "", slug=domain.slug if domain else ""))
        elif domain is not None:
            cells.append(DomainCell(name, EMPTY, 0, domain.name, domain.slug))
        else:
            cells.append(DomainCell(name, MISSING))
    return CountyCompleteness(county.slug, county.name, tuple(cells))
