"""The validate stage: every source file checked on its own and turned into model values.

Cross-file checks (references, duplicates across files) belong to library.py.
"""
from __future__ import annotations

import re
from typing import Callable
from dataclasses import dataclass, field

from zwgk.base import LEVEL_VARIANTS, STANDARD_CHANNELS, STANDARD_DOMAINS, Problem, columns
from zwgk.library.model import (SITE_CODE_SLOT, Document, Domain, Footer, InspectionSettings, Item, Page, Report, Site, Word,
                                frozen_map)
from zwgk.library.report import validate_report
from zwgk.source import (
    COUNTY,
    DOCUMENT,
    DOMAIN,
    ID_PATTERN,
    PAGE,
    SITE,
    WORDLIST,
    CountySources,
    FieldChecker,
    MarkdownSource,
    Sources,
    links_leaving_county,
    suggestion,
)
from zwgk.source import empty_value as _empty_value
from zwgk.source import placeholders, stays_inside

# Downloads are written as catalog.* and documents.*; a domain file of either name would clash.
RESERVED_DOMAIN_SLUGS = frozenset({"catalog", "documents"})

DEFAULT_SITE = Site(title="", base_url="", domain="", footer=Footer(), theme="default",
                    local_channels=(), level_names=frozen_map({}), stale_days=365, pii_allow=())


@dataclass(slots=True)
class CountyDraft:
    """A county's validated parts, before cross-references are resolved."""
    slug: str
    values: dict               # county.yaml
    src_path: str
    domains: list[Domain]
    domain_lines: dict[str, int]               # domain src_path -> line of `domain:`
    item_positions: dict[tuple[str, str], tuple[int, int]]   # (src_path, id) -> id position
    ref_positions: dict[tuple[str, str, str], tuple[int, int]]  # (src_path, owner, ref) -> position
    documents: list[Document]
    pages: list[Page]
    files: dict[str, str]
    incomplete: bool = False
    reports: list[Report] = field(default_factory=list)   # a file failed to read: dangling references are not reported


def validate_site_config(sources: Sources, problems: list[Problem]) -> Site:
    if sources.site is None:
        return DEFAULT_SITE
    check = FieldChecker(sources.site.path, problems)
    values = check.mapping(sources.site.node, SITE.fields, what="site.yaml")
    if values is None:
        return DEFAULT_SITE
    if values["base_url"] and not is_web_address(values["base_url"]):
        # It becomes a link on every county page: a javascript: or data: address would run there.
        check.error(sources.site.node.value["base_url"], f"base_url: 网站地址 '{values['base_url']}' 应以 http:// 或 https:// 开头",
                    "例如 base_url: https://www.example.gov.cn/zwgk/")
        values["base_url"] = ""
    if values["theme"] and not re.match(ID_PATTERN, values["theme"]):
        # The theme's static files are published: a path here could publish any folder on the machine.
        check.error(sources.site.node.value["theme"], f"theme: 主题 '{values['theme']}' 应为 themes/ 下的目录名",
                    "只能使用英文字母、数字、- 和 _，例如 theme: mycity")
        values["theme"] = ""
    level_names = values["level_names"]
    for standard, node in (sources.site.node.value.get("level_names").value.items() if level_names else ()):
        if standard not in ("县级", "乡级"):
            check.error(node, f"level_names.{standard}: 只能为“县级”和“乡级”设置本地称呼", "例如 level_names: {县级: 区级, 乡级: 镇(街)级}")
    _warn_placeholders(check, sources.site.node, values, placeholders.SITE)
    check_furniture(check, sources.site.node, values, sources.is_file, "content/")
    local = values["local_channels"]
    for channel in local:
        if channel in STANDARD_CHANNELS:
            check.error(sources.site.node.value["local_channels"], f"local_channels: '{channel}' 已是标准渠道，不必声明", "请从 local_channels 中删除它", "warning")
    return Site(
        title=values["title"], base_url=values["base_url"], domain=values["domain"],
        footer=footer_from(values), theme=values["theme"] or "default",
        local_channels=tuple(local), level_names=frozen_map(level_names),
        stale_days=values["stale_days"],
        pii_allow=tuple((v["value"], v["reason"]) for v, _node in values["pii_allow"]),
        synonyms=tuple(tuple(dict.fromkeys(v["terms"])) for v, _node in values["synonyms"] if len(set(v["terms"])) > 1),
        root=sources.root,
        inspection=InspectionSettings(**values["inspection"]) if values.get("inspection") else InspectionSettings(),
        words=validate_wordlist(sources, problems),
    )


def validate_wordlist(sources: Sources, problems: list[Problem]) -> tuple[Word, ...]:
    """wordlist.yaml: wrong forms with their right ones, banned expressions with why."""
    if sources.wordlist is None:
        return ()
    check = FieldChecker(sources.wordlist.path, problems)
    values = check.mapping(sources.wordlist.node, WORDLIST.fields, what="wordlist.yaml")
    if values is None:
        return ()
    words = []
    for kind, banned in (("wrong", False), ("banned", True)):
        for text, advice in (values[kind] or {}).items():
            if not advice or (not banned and advice == text) or not text.strip():
                node = sources.wordlist.node.value[kind].value.get(text) or sources.wordlist.node.value[kind]
                check.error(node, f"{kind}.{text}: 请写明{'理由' if banned else '正确写法（与错误写法不同）'}",
                            "例如 政府信息公开条列: 政府信息公开条例" if not banned else "例如 某表述: 不符合规范用语的要求")
                continue
            words.append(Word(text.strip(), advice, banned, "wordlist.yaml"))
    return tuple(words)


def is_web_address(url: str) -> bool:
    """An http(s) address: what may become a link on every page (not javascript: or data:)."""
    return bool(re.match(r"https?://[^/\s]", url, re.IGNORECASE))


FURNITURE_FIELDS = ("badge_image", "badge_link", "jiucuo_image", "jiucuo_link")
FURNITURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")


def check_furniture(check: FieldChecker, node, values: dict, is_file: Callable[[str], bool], folder: str) -> None:
    """The footer's marks: images that exist (paths relative to `folder`, kept site-relative),
    links that are web addresses, and a 找错 link that names the 网站标识码. A bad value is
    dropped, so nothing broken shows."""
    for image, link in (("badge_image", "badge_link"), ("jiucuo_image", "jiucuo_link")):
        path = values.get(image) or ""
        if path and (not path.lower().endswith(FURNITURE_SUFFIXES) or not stays_inside(path) or not is_file(folder + path)):
            check.error(node.value[image], f"{image}: 图片 {folder}{path} 不存在或不是 PNG、JPG、GIF 图片",
                        f"请把图片放到 {folder}files/ 下，写成 files/图片名.png")
            path = ""
        values[image] = folder + path if path else ""
        url = values.get(link) or ""
        if url and not is_web_address(url):
            check.error(node.value[link], f"{link}: '{url}' 不是网址", "请写完整网址，以 http:// 或 https:// 开头")
            values[link] = ""
    code = values.get("site_code") or ""
    if values.get("jiucuo_link") and code and code not in values["jiucuo_link"] and SITE_CODE_SLOT not in values["jiucuo_link"]:
        check.error(node.value["jiucuo_link"], f"jiucuo_link: 链接中没有本站的网站标识码 {code}",
                    f"“我为政府网站找错”的链接应带上本站的网站标识码；写 {SITE_CODE_SLOT} 则由各县（区）自己的标识码代替", "warning")


def footer_from(values: dict, fallback: Footer | None = None) -> Footer:
    fallback = fallback or Footer()
    return Footer(
        organiser=values.get("organiser") or fallback.organiser,
        site_code=values.get("site_code") or fallback.site_code,
        icp=values.get("icp") or fallback.icp,
        police=values.get("police") or fallback.police,
        **{key: values.get(key) or getattr(fallback, key) for key in FURNITURE_FIELDS},
    )


def validate_county(county: CountySources, site: Site, problems: list[Problem]) -> CountyDraft:
    """A county's files; a broken county.yaml does not stop its catalogs being checked."""
    values = None
    if county.county is not None:
        check = FieldChecker(county.county.path, problems)
        values = check.mapping(county.county.node, COUNTY.fields, what="county.yaml")
    if values is None:
        values = {f.name: _empty_value(f) for f in COUNTY.fields} | {"name": county.slug}
    else:
        _check_county_values(check, county.county.node, values)
        folder = f"content/{county.slug}/"
        check_furniture(check, county.county.node, values, lambda rel: rel.removeprefix(folder) in county.files, folder)
    src_path = county.county.path if county.county else f"catalog/{county.slug}/county.yaml"
    draft = CountyDraft(county.slug, values, src_path, [], {}, {}, {}, [], [], county.files, county.incomplete)
    for source in county.domains:
        domain = validate_domain(source, county.slug, site, draft, problems)
        if domain is not None:
            draft.domains.append(domain)
        else:
            draft.incomplete = True
    for source in county.docs:
        doc = _validate_document(source, county.slug, draft, problems)
        if doc is not None:
            draft.documents.append(doc)
        else:
            draft.incomplete = True   # references to it would only repeat its own error
    draft.pages = [p for p in (_validate_page(s, county.slug, problems, draft) for s in county.pages) if p]
    draft.reports = [r for r in (validate_report(s, county.slug, values["name"], problems) for s in county.reports) if r]
    return draft


def _warn_placeholders(check: FieldChecker, node, values: dict, examples: dict) -> None:
    for key, value in placeholders.placeholders_in(values, examples):
        check.error(node.value[key], f"{key}: 仍是新建站点时的示例值 '{value}'", placeholders.HINTS[key], "warning")


def _check_county_values(check: FieldChecker, node, values: dict) -> None:
    _warn_placeholders(check, node, values, placeholders.county_examples(values["name"]))
    platform = (values.get("apply") or {}).get("platform", "")
    if platform and not is_web_address(platform):
        check.error(node.value["apply"].value["platform"], f"apply.platform: '{platform}' 不是网址",
                    "网上申请平台请写完整网址，以 http:// 或 https:// 开头")
        values["apply"]["platform"] = ""
    if values["code"] and not re.fullmatch(r"\d{6}", values["code"]):
        check.error(node.value["code"], f"code: 行政区划代码 '{values['code']}' 应为 6 位数字", "例如 code: '130181'")
    for domain_name, reason_node in (node.value["not_applicable"].value.items() if values["not_applicable"] else ()):
        if domain_name not in STANDARD_DOMAINS:
            check.error(node.value["not_applicable"].key_positions[domain_name],
                        f"not_applicable: '{domain_name}' 不是标准领域{suggestion(domain_name, STANDARD_DOMAINS)}",
                        "未涉及只能标注 26 个标准领域")
        elif not values["not_applicable"].get(domain_name):
            check.error(reason_node, f"not_applicable.{domain_name}: 请写明未涉及的原因", "例如：本县无此类事项，由市级统一公开")


def validate_shared_pages(sources: Sources, problems: list[Problem]) -> list[Page]:
    return [p for p in (_validate_page(s, "", problems) for s in sources.shared_pages) if p]


def validate_domain(source, county: str, site: Site, draft: CountyDraft, problems: list[Problem]) -> Domain | None:
    check = FieldChecker(source.path, problems)
    if source.slug in RESERVED_DOMAIN_SLUGS:
        problems.append(Problem(source.path, 0, 0, f"领域文件名 '{source.slug}' 是保留名称（下载文件 {source.slug}.xlsx 等已使用）",
                                "请换一个文件名，例如该领域名称的拼音缩写"))
        return None
    values = check.mapping(source.node, DOMAIN.fields, what="领域目录文件")
    if values is None:
        return None
    node = source.node
    name, standard = values["domain"], values["standard"]
    if standard and standard not in STANDARD_DOMAINS:
        check.error(node.value["standard"], f"standard: '{standard}' 不是标准领域{suggestion(standard, STANDARD_DOMAINS)}",
                    "standard 填写 26 个标准领域之一，说明本地领域对应哪个标准领域")
        standard = ""
    if not standard and name in STANDARD_DOMAINS:
        standard = name
    channels = STANDARD_CHANNELS + site.local_channels
    level_words = dict(LEVEL_VARIANTS)
    level_words.update({local: std for std, local in site.level_names.items()})
    items = []
    for seq, (raw, item_node) in enumerate(values["items"], 1):
        where = f"items[{seq - 1}]."
        for n, channel in enumerate(raw["channels"]):
            if channel not in channels:
                pos, k = _element(item_node, "channels", n, channel)
                if _listed_with_chinese_separators(channel, channels):
                    check.error(pos, f"{where}channels[{k}]: '{channel}' 是几个渠道，但用了中文标点分隔",
                                _SEPARATOR_HINT.format(listed=", ".join(_CHINESE_SEPARATORS.split(channel))))
                    continue
                check.error(pos, f"{where}channels[{k}]: '{channel}' 不是标准的公开渠道{suggestion(channel, channels)}",
                            "请使用 13 种标准渠道之一；本地渠道（如 12345政务服务热线）请先在 site.yaml 的 local_channels 中声明")
        levels = []
        for n, word in enumerate(raw["level"]):
            if word in level_words:
                levels.append(level_words[word])
            elif _listed_with_chinese_separators(word, level_words):
                pos, k = _element(item_node, "level", n, word)
                check.error(pos, f"{where}level[{k}]: '{word}' 是几个层级，但用了中文标点分隔",
                            _SEPARATOR_HINT.format(listed=", ".join(_CHINESE_SEPARATORS.split(word))))
            else:
                pos, k = _element(item_node, "level", n, word)
                check.error(pos, f"{where}level[{k}]: '{word}' 不是公开层级{suggestion(word, level_words)}",
                            "可填写：县级、乡级（或 site.yaml 中 level_names 设定的本地称呼）")
        if raw["audience"] == "特定群体" and not raw["audience_note"]:
            check.error(item_node.value["audience"], f"{where}audience: 公开对象为特定群体时，请用 audience_note 写明是哪些人",
                        "例如 audience_note: 低保对象", "warning")
        if not raw["id"]:
            continue
        id_node = item_node.value["id"]
        draft.item_positions[(source.path, raw["id"])] = (id_node.line, id_node.col)
        for n, ref in enumerate(raw["documents"]):
            pos, _k = _element(item_node, "documents", n, ref)
            draft.ref_positions[(source.path, raw["id"], ref)] = (pos.line, pos.col)
        items.append(Item(
            id=raw["id"], county=county, domain=source.slug, seq=seq,
            level1=raw["level1"], level2=raw["level2"], level3=raw["level3"], content=raw["content"],
            basis=raw["basis"], deadline=raw["deadline"], subject=raw["subject"],
            channels=raw["channels"], audience=raw["audience"], audience_note=raw["audience_note"],
            mode=raw["mode"], level=tuple(dict.fromkeys(levels)), documents=raw["documents"],
            note=raw["note"], updated=raw["updated"], src_path=source.path, line=item_node.line,
        ))
    draft.domain_lines[source.path] = node.value["domain"].line if "domain" in node.value else 1
    return Domain(slug=source.slug, name=name, standard=standard, guideline=values["guideline"],
                  county=county, items=tuple(items), updated=values["updated"], src_path=source.path)


_CHINESE_SEPARATORS = re.compile("[，、；]")
_SEPARATOR_HINT = "列表各项之间用英文逗号加空格分隔：[{listed}]"


def _listed_with_chinese_separators(text: str, names) -> bool:
    """`政府网站，政府公报`: names a list would hold, joined by a Chinese comma, 顿号 or semicolon."""
    parts = _CHINESE_SEPARATORS.split(text)
    return len(parts) > 1 and all(part.strip() in names for part in parts)


def _element(parent, key: str, n: int, value: str | None = None):
    """(node, index in the source list) of the n-th kept list element: blank or refused
    elements were dropped from the values, so find it by its text when that is given."""
    node = parent.value[key]
    if node.kind != "seq":
        return node, n
    if value is not None:
        for index, child in enumerate(node.value):
            if isinstance(child.value, str) and child.value.strip() == value:
                return child, index
    return node.value[n], n


_DOC_NO = re.compile(r"^(?P<org>.+?)〔(?P<year>\d{4})〕(?P<num>\d+)号$")


def check_doc_no(doc_no: str) -> str:
    """What breaks GB/T 9704 in a 发文字号, or ''."""
    if _DOC_NO.match(doc_no):
        num = _DOC_NO.match(doc_no)["num"]
        return f"序号 '{num}' 不应有前导零" if num.startswith("0") else ""
    if re.search(r"[\[【(（［{]\s*\d{4}\s*[\]】)）］}]", doc_no):
        return "年份应使用六角括号〔〕，不能用 []、【】或（）"
    if re.search(r"〔\d{4}〕", doc_no) and not doc_no.endswith("号"):
        return "末尾缺少“号”"
    return "不符合“机关代字〔年份〕序号号”的格式"


def _validate_document(source: MarkdownSource, county: str, draft: CountyDraft, problems: list[Problem]) -> Document | None:
    check = FieldChecker(source.path, problems)
    if source.front is None:
        problems.append(Problem(source.path, 1, 1, "文件缺少文件头（front matter）",
                                "在文件开头用两行 --- 夹住文件信息，至少写 title、issuer、published"))
        return None
    values = check.mapping(source.front, DOCUMENT.fields, what="文件头")
    if values is None:
        return None
    if values["doc_no"]:
        wrong = check_doc_no(values["doc_no"])
        if wrong:
            check.error(source.front.value["doc_no"], f"doc_no: 发文字号 '{values['doc_no']}' {wrong}",
                        "按 GB/T 9704 书写，例如 示政办〔2020〕28号", "warning")
    if not values["published"] or not values["title"] or not values["issuer"]:
        return None
    _remember_positions(draft, source, "items", values["items"])
    _remember_positions(draft, source, "attachments", values["attachments"])
    if values["interprets"]:
        pos = source.front.value["interprets"]
        draft.ref_positions[(source.path, source.slug, values["interprets"])] = (pos.line, pos.col)
    _check_links(source, problems)
    return Document(
        id=source.slug, county=county, title=values["title"], index_no=values["index_no"],
        doc_no=values["doc_no"], issuer=values["issuer"], written=values["written"],
        published=values["published"], topic=values["topic"], validity=values["validity"] or "现行有效",
        items=values["items"], attachments=values["attachments"], interprets=values["interprets"],
        body=source.body, updated=values["updated"], src_path=source.path,
        category=values["category"] or (columns.INTERPRETATION if values["interprets"] else ""),
    )


def _remember_positions(draft: CountyDraft, source: MarkdownSource, key: str, refs) -> None:
    """Where each reference of the front matter's list `key` is written, for the cross-file
    checks (library.py) to report a dangling one there."""
    for n, ref in enumerate(refs):
        pos, _k = _element(source.front, key, n, ref)
        draft.ref_positions[(source.path, source.slug, ref)] = (pos.line, pos.col)


def _validate_page(source: MarkdownSource, county: str, problems: list[Problem], draft: CountyDraft | None = None) -> Page | None:
    check = FieldChecker(source.path, problems)
    if source.front is None:
        problems.append(Problem(source.path, 1, 1, "页面缺少文件头（front matter）", "在文件开头写：\n---\ntitle: 页面标题\n---"))
        return None
    values = check.mapping(source.front, PAGE.fields, what="文件头")
    if values is None or not values["title"]:
        return None
    if draft is not None:
        _remember_positions(draft, source, "attachments", values["attachments"])
    else:                       # a shared page has no county folder for its files
        for n, ref in enumerate(values["attachments"]):
            pos, _k = _element(source.front, "attachments", n, ref)
            problems.append(Problem(source.path, pos.line, pos.col, f"attachments: 全站共用页面不能带附件 '{ref}'",
                                    "带附件的页面请放到 content/<县>/pages/ 下，附件放在 content/<县>/files/ 下"))
    _check_links(source, problems)
    return Page(slug=source.slug, county=county, title=values["title"], weight=values["weight"],
                body=source.body, updated=values["updated"], src_path=source.path, attachments=values["attachments"])


def _check_links(source: MarkdownSource, problems: list[Problem]) -> None:
    for line, col, target in links_leaving_county(source.body):
        problems.append(Problem(source.path, source.body_line + line, col, f"链接 '{target}' 指向本县 content 目录以外",
                                "站内链接相对于 content/<县>/ 书写，例如 files/2020-28.pdf 或 docs/2020-001.md；"
                                "不能用 ..、/ 开头的路径或反斜杠；外部网站请写完整地址 https://…"))
