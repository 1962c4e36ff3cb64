"""The immutable model of a site: what validation produces and every renderer reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    county: str            # county slug
    domain: str            # domain slug
    seq: int               # 序号 within its domain, from 1
    level1: str
    level2: str
    level3: str
    content: str
    basis: tuple[str, ...]
    deadline: str
    subject: str
    channels: tuple[str, ...]
    audience: str          # 全社会 / 特定群体
    audience_note: str
    mode: str              # 主动 / 依申请
    level: tuple[str, ...]  # standard names: 县级 / 乡级
    documents: tuple[str, ...]
    note: str
    updated: date | None
    src_path: str          # site-relative, posix
    line: int

    @property
    def name(self) -> str:
        """The most specific 事项 name, for titles and links."""
        return self.level3 or self.level2 or self.level1

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.level1, self.level2, self.level3) if n)


def level_spans(items, depth: int = 2) -> list[tuple[int, int]]:
    """How the standard table merges its 事项 cells, as county tables do: per item, the rows its
    一级事项 cell spans and, with three levels, its 二级事项 cell (0: merged into the cell above)."""
    spans = [[1, 1] for _ in items]
    start1 = start2 = 0                   # the items whose cells the current runs started with
    for n in range(1, len(items)):
        previous, item = items[n - 1], items[n]
        if previous.level1 != item.level1:
            start1 = start2 = n
            continue
        spans[start1][0] += 1
        spans[n][0] = 0
        if depth == 3 and previous.level2 == item.level2:
            spans[start2][1] += 1
            spans[n][1] = 0
        else:
            start2 = n
    return [(a, b) for a, b in spans]


@dataclass(frozen=True, slots=True)
class Domain:
    slug: str
    name: str
    standard: str          # the standard domain it stands for, or ""
    guideline: str
    county: str
    items: tuple[Item, ...]
    updated: date | None
    src_path: str


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    county: str
    title: str
    index_no: str
    doc_no: str
    issuer: str
    written: date | None
    published: date
    topic: str
    validity: str
    items: tuple[str, ...]
    attachments: tuple[str, ...]   # relative to content/<county>/
    interprets: str
    body: str                      # Markdown source
    updated: date | None
    src_path: str
    category: str = ""             # one of base.CATEGORIES, or "" (listed under 其他政府信息)


@dataclass(frozen=True, slots=True)
class Page:
    slug: str
    county: str            # "" for a page shared by all counties
    title: str
    weight: int
    body: str
    updated: date | None
    src_path: str
    attachments: tuple[str, ...] = ()   # relative to content/<county>/ (content/ for a shared page)


@dataclass(frozen=True, slots=True)
class Office:
    """The 政府信息公开工作机构 as 条例第十二条 asks the 指南 to name it."""
    name: str
    address: str
    postcode: str
    hours: str
    phone: str
    fax: str
    online: str

    @property
    def details(self) -> tuple[tuple[str, str], ...]:
        """(label, value) in the order the 指南 and the 申请表 show them."""
        address = f"{self.address}（邮政编码：{self.postcode}）" if self.postcode else self.address
        return (("机构名称", self.name), ("办公地址", address), ("办公时间", self.hours),
                ("联系电话", self.phone), ("传真号码", self.fax), ("互联网联系方式", self.online))


@dataclass(frozen=True, slots=True)
class ApplyOptions:
    platform: str = ""      # the county's online application platform, if it has one
    purpose: bool = False   # the 申请表 asks for the 用途 of the information


@dataclass(frozen=True, slots=True)
class Report:
    """A 政府信息公开工作年度报告 in the format of 国办公开办函〔2021〕30号 (base/annual_report.py).

    Every figure is there, totals included: a row left out of the file is zeros, a total left
    out is computed, and a total written is checked (library/report.py)."""
    key: str                  # "2024", or "2024/czj" for a department's or township's
    county: str
    year: int
    organ: str                # the 行政机关 that reports
    published: date
    overview: str             # 一、总体情况 (Markdown)
    problems: str             # 五、存在的主要问题及改进情况
    other: str                # 六、其他需要报告的事项
    active: Mapping[str, tuple[float, ...]]    # 二: row key -> its figures
    requests: Mapping[str, tuple[int, ...]]    # 三: line key -> the six applicant columns and 总计
    reviews: Mapping[str, tuple[int, ...]]     # 四: group key -> four outcomes and 总计
    src_path: str
    updated: date | None = None

    @property
    def title(self) -> str:
        return f"{self.organ}{self.year}年政府信息公开工作年度报告"

    @property
    def own(self) -> bool:
        """The county government's own report (not a department's or township's)."""
        return "/" not in self.key


SITE_CODE_SLOT = "{site_code}"      # in jiucuo_link: the 网站标识码 of the page's site (county or portal)


@dataclass(frozen=True, slots=True)
class Footer:
    organiser: str = ""
    site_code: str = ""
    icp: str = ""
    police: str = ""
    badge_image: str = ""       # 党政机关网站标识: image path relative to content/, and its link
    badge_link: str = ""
    jiucuo_image: str = ""      # 我为政府网站找错: image path relative to content/, and its link
    jiucuo_link: str = ""

    @property
    def furniture(self) -> tuple[tuple[str, str, str, str], ...]:
        """(name, image path, link, alt text) of the marks shown at the bottom of every page."""
        jiucuo = self.jiucuo_link.replace(SITE_CODE_SLOT, self.site_code)    # each county's own code
        marks = (("badge", self.badge_image, self.badge_link, "党政机关"),
                 ("jiucuo", self.jiucuo_image, jiucuo, "我为政府网站找错"))
        return tuple(m for m in marks if m[1])

    @property
    def police_code(self) -> str:
        """The record number alone (the digits of 公安机关备案号), for the query link."""
        return "".join(ch for ch in self.police if ch in "0123456789")


@dataclass(frozen=True, slots=True)
class Verdict:
    """One inspection indicator's result as the portal's summary shows it (no paths, no texts)."""
    key: str
    label: str
    passed: bool
    figure: int
    veto: bool = False


@dataclass(frozen=True, slots=True)
class County:
    slug: str
    name: str
    code: str
    footer: Footer
    not_applicable: Mapping[str, str]   # standard domain -> reason
    weight: int
    domains: tuple[Domain, ...]
    documents: tuple[Document, ...]     # newest first
    pages: tuple[Page, ...]             # the county's own and the shared ones, by weight
    src_path: str
    office: Office | None = None        # None until county.yaml names it
    apply: ApplyOptions = ApplyOptions()
    reports: tuple[Report, ...] = ()    # newest year first; the county government's before its bodies'
    verdicts: tuple[Verdict, ...] = ()  # the inspection indicators that depend on content alone (county.json only)
    # The text of the documents' attachments that have one (path relative to content/<county>/),
    # for search; filled by the build from what the personal-information scan extracts.
    attachment_texts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for d in self.domains for i in d.items)

    @property
    def document_attachments(self) -> tuple[str, ...]:
        """The attachments its documents name (relative to content/<county>/), each once."""
        return tuple(dict.fromkeys(p for doc in self.documents for p in doc.attachments))


@dataclass(frozen=True, slots=True)
class InspectionSettings:
    """site.yaml's `inspection`: the periods `zwgk check --inspection` holds columns and documents to."""
    policy_days: int = 180      # a category of 法定主动公开内容 with no new document for longer is stale
    catalog_days: int = 180     # a domain of the catalog not updated for longer is stale
    late_days: int = 20         # working days from 成文 to 发布


@dataclass(frozen=True, slots=True)
class Word:
    """An entry of the 错敏词 list: a wrong form and its right one, or a banned expression and why."""
    text: str
    advice: str
    banned: bool = False
    source: str = ""            # where the entry comes from (wordlist.yaml, or the starter list's reference)


@dataclass(frozen=True, slots=True)
class Site:
    title: str
    base_url: str
    domain: str
    footer: Footer
    theme: str
    local_channels: tuple[str, ...]
    level_names: Mapping[str, str]      # standard level -> local wording
    stale_days: int
    pii_allow: tuple[tuple[str, str], ...]   # (value, reason)
    synonyms: tuple[tuple[str, ...], ...] = ()   # site.yaml's own groups of terms searched as each other
    root: str = field(default="", compare=False)  # absolute path of the site folder
    inspection: InspectionSettings = InspectionSettings()
    words: tuple[Word, ...] = ()                  # the site's wordlist.yaml


def frozen_map(d: dict) -> Mapping:
    return MappingProxyType(dict(d))
