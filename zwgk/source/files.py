"""The read stage: find a site's source files and parse them, touching nothing else.

Everything is read into a `Sources` value; problems with single files (encoding, YAML
syntax) are collected, never raised, so one report can list them all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from zwgk.base import Problem
from zwgk.source.schema import ID_PATTERN
from zwgk.source.tree import SourceTree, as_tree
from zwgk.source.yamlfile import Node, ParsedYaml, SourceError, decode, parse_yaml, split_front_matter

_ID_RE = re.compile(ID_PATTERN)
_YEAR_RE = re.compile(r"^(19|20)\d\d$")
_OUTSIDE = "这是指向站点目录以外的符号链接，不能读取"
ID_HINT = "只能使用英文字母、数字、- 和 _，且以字母或数字开头（建议用拼音缩写，如 czyjs）"


WORDLIST_FILE = "wordlist.yaml"
# content/pages: pages shared by every county; content/files: the site's own files (the footer's marks).
SITE_CONTENT_FOLDERS = ("pages", "files")
# Folder names a county may not take: the ones above, and the portal's own folders.
RESERVED_COUNTY_SLUGS = frozenset(SITE_CONTENT_FOLDERS + ("assets", "search", "furniture"))


@dataclass(slots=True)
class MarkdownSource:
    path: str              # site-relative, posix
    slug: str              # file name without .md
    front: Node | None
    body: str
    body_line: int
    mtime: float


@dataclass(slots=True)
class YamlSource:
    path: str
    slug: str
    node: Node | None
    mtime: float


@dataclass(slots=True)
class CountySources:
    slug: str
    county: YamlSource | None = None
    domains: list[YamlSource] = field(default_factory=list)
    docs: list[MarkdownSource] = field(default_factory=list)
    pages: list[MarkdownSource] = field(default_factory=list)
    reports: list[YamlSource] = field(default_factory=list)   # slug: "2024", or "2024/czj" for a body's
    files: dict[str, str] = field(default_factory=dict)   # path relative to content/<county>/ -> its tree.locate()
    incomplete: bool = False   # some file could not be read, so references to it may dangle


@dataclass(slots=True)
class Sources:
    root: str
    site: YamlSource | None
    counties: dict[str, CountySources]
    shared_pages: list[MarkdownSource]
    texts: dict[str, str]          # every text read, for showing the offending line
    problems: list[Problem]
    # Whether the site has a file (site-relative path): its tree's, not part of what was read.
    is_file: Callable[[str], bool] = field(default=lambda rel: False, repr=False, compare=False)
    wordlist: YamlSource | None = None     # wordlist.yaml: the site's 错敏词


def read_site(root: str | SourceTree, only_counties: tuple[str, ...] = (), with_counties: bool = True,
              kept: ParsedYaml | None = None) -> Sources:
    """Read every source file of the site at `root` (a folder, or a SourceTree such as a MemoryTree);
    with_counties=False reads only site.yaml and the shared pages, leaving each county's sources
    empty (read them with read_county). `kept`: YAML parsed before, reused when a text is the same."""
    reader = _Reader(as_tree(root), kept)
    site = reader.yaml("site.yaml") if reader.tree.is_file("site.yaml") else None
    if site is None and not reader.tree.exists("site.yaml"):
        reader.problems.append(Problem("site.yaml", 0, 0, "找不到站点配置文件 site.yaml",
                                       "请在站点根目录放一个 site.yaml，至少写 title 和 base_url；用 zwgk new 目录名 可以生成示例"))
    counties: dict[str, CountySources] = {}
    for slug in reader.subdirs("catalog"):
        if only_counties and slug not in only_counties:
            continue
        if not reader.valid_slug(f"catalog/{slug}", slug, "县（区）目录名"):
            continue
        if slug in RESERVED_COUNTY_SLUGS:
            reader.problems.append(Problem(f"catalog/{slug}", 0, 0, f"县（区）目录名 '{slug}' 是保留名称",
                                           "content/pages、content/files 和门户的 assets、search、furniture 目录已使用这些名称；"
                                           "请换一个目录名，例如县名的拼音"))
            continue
        counties[slug] = reader.county(slug) if with_counties else CountySources(slug)
    for slug in reader.subdirs("content"):
        if slug in SITE_CONTENT_FOLDERS or slug in counties or (only_counties and slug not in only_counties):
            continue
        reader.problems.append(Problem(f"content/{slug}", 0, 0, f"content/{slug} 没有对应的 catalog/{slug}/county.yaml",
                                       f"新县（区）请先建 catalog/{slug}/county.yaml（可用 zwgk new-county {slug} --name 名称），或检查目录名的拼写"))
    if not counties and not reader.problems:
        reader.problems.append(Problem("catalog", 0, 0, "没有任何县（区）目录", "每个县（区）一个目录：catalog/<县>/county.yaml"))
    shared = reader.markdown_dir("content/pages")
    wordlist = reader.yaml(WORDLIST_FILE) if reader.tree.is_file(WORDLIST_FILE) else None
    return Sources(reader.root, site, counties, shared, reader.texts, reader.problems, reader.tree.is_file, wordlist)


def read_county(root: str | SourceTree, slug: str, kept: ParsedYaml | None = None) -> Sources:
    """Read one county's source files (catalog/<slug>/, content/<slug>/), so counties can be read in parallel."""
    reader = _Reader(as_tree(root), kept)
    county = reader.county(slug)
    return Sources(reader.root, None, {slug: county}, [], reader.texts, reader.problems)


class _Reader:
    def __init__(self, tree: SourceTree, kept: ParsedYaml | None = None):
        self.tree = tree
        self.kept = kept
        self.root = tree.root
        self.escaped: list[str] = []   # links out of the site already reported
        self.texts: dict[str, str] = {}
        self.problems: list[Problem] = []

    def escapes(self, rel: str) -> bool:
        """True, with a problem, when rel leads out of the site folder through a symbolic link."""
        if not self.tree.outside(rel):
            return False
        # A linked folder could publish anything on the machine (~/.ssh, /etc); say so once per link.
        if not any(rel == done or rel.startswith(done + "/") for done in self.escaped):
            self.escaped.append(rel)
            self.problems.append(Problem(rel, 0, 0, _OUTSIDE, "请把文件或目录本身放进站点目录，不要用链接指向别处"))
        return True

    def subdirs(self, rel: str) -> list[str]:
        if not self.tree.is_dir(rel) or self.escapes(rel):
            return []
        entries = self.tree.entries(rel)
        for entry in entries:
            if entry.is_link and entry.is_dir and not entry.name.startswith("."):
                self.escapes(f"{rel}/{entry.name}")
        return [e.name for e in entries if e.is_dir and not e.is_link and not e.name.startswith(".")]

    def files(self, rel: str, suffix: str) -> list[str]:
        if not self.tree.is_dir(rel) or self.escapes(rel):
            return []
        names = []
        for entry in self.tree.entries(rel):
            if entry.name.startswith(".") or not entry.name.endswith(suffix):
                continue
            if entry.is_link:
                self.problems.append(Problem(f"{rel}/{entry.name}", 0, 0, "源文件不能是符号链接", "请把文件本身放进站点目录，不要用链接指向别处"))
                continue
            if entry.is_file:
                names.append(entry.name)
        return names

    def valid_slug(self, path: str, slug: str, what: str) -> bool:
        if _ID_RE.match(slug):
            return True
        self.problems.append(Problem(path, 0, 0, f"{what} '{slug}' 不能用作网址", ID_HINT))
        return False

    def text(self, rel: str) -> tuple[str, float] | None:
        if self.escapes(rel):
            return None
        try:
            data, mtime = self.tree.read(rel)
            text = decode(data, rel)
        except SourceError as exc:
            self.problems.append(exc.problem)
            return None
        except OSError as exc:
            self.problems.append(Problem(rel, 0, 0, f"无法读取文件：{exc.strerror}", "请检查文件权限"))
            return None
        self.texts[rel] = text
        return text, mtime

    def yaml(self, rel: str) -> YamlSource | None:
        got = self.text(rel)
        if got is None:
            return None
        text, mtime = got
        try:
            node = parse_yaml(text, rel, self.problems, kept=self.kept)
        except SourceError as exc:
            self.problems.append(exc.problem)
            return None
        slug = rel.rsplit("/", 1)[-1][: -len(".yaml")]
        return YamlSource(rel, slug, node, mtime)

    def markdown(self, rel: str) -> MarkdownSource | None:
        got = self.text(rel)
        if got is None:
            return None
        text, mtime = got
        try:
            front, body, body_line = split_front_matter(text, rel, self.problems, self.kept)
        except SourceError as exc:
            self.problems.append(exc.problem)
            return None
        slug = rel.rsplit("/", 1)[-1][: -len(".md")]
        return MarkdownSource(rel, slug, front, body, body_line, mtime)

    def markdown_dir(self, rel: str) -> list[MarkdownSource]:
        found = []
        for name in self.files(rel, ".md"):
            if self.valid_slug(f"{rel}/{name}", name[:-3], "文件名"):
                source = self.markdown(f"{rel}/{name}")
                if source is not None:
                    found.append(source)
        return found

    def county(self, slug: str) -> CountySources:
        county = CountySources(slug)
        before = len(self.problems)
        base = f"catalog/{slug}"
        if self.tree.is_file(f"{base}/county.yaml"):
            county.county = self.yaml(f"{base}/county.yaml")
        else:
            self.problems.append(Problem(f"{base}/county.yaml", 0, 0, f"缺少 {base}/county.yaml",
                                         "每个县（区）目录都要有 county.yaml，写明 name（名称）和 code（行政区划代码）"))
        for name in self.files(base, ".yml"):
            self.problems.append(Problem(f"{base}/{name}", 0, 0, "目录文件的扩展名应为 .yaml", f"请改名为 {name[:-4]}.yaml"))
        for name in self.files(base, ".yaml"):
            if name == "county.yaml" or not self.valid_slug(f"{base}/{name}", name[:-5], "领域文件名"):
                continue
            source = self.yaml(f"{base}/{name}")
            if source is not None:
                county.domains.append(source)
        content = f"content/{slug}"
        if self.tree.lexists(content):
            self.escapes(content)    # reported once here, not for each folder inside it
        county.docs = self.markdown_dir(f"{content}/docs")
        county.pages = self.markdown_dir(f"{content}/pages")
        county.reports = self.reports(f"{content}/reports")
        county.files = self.attachments(content)
        county.incomplete = any(p.severity == "error" for p in self.problems[before:])
        return county

    def reports(self, rel: str) -> list[YamlSource]:
        """The 年报: reports/<year>.yaml (the county government's), reports/<year>/<body>.yaml (its
        departments' and townships'), each with its path under reports/ as its slug."""
        found = []
        year_hint = "年报文件名应为四位年份，例如 reports/2024.yaml；部门、乡镇的年报放在 reports/2024/ 下，例如 reports/2024/czj.yaml"
        for name in self.files(rel, ".yaml"):
            if not _YEAR_RE.match(name[:-5]):
                self.problems.append(Problem(f"{rel}/{name}", 0, 0, f"年报文件名 '{name}' 不是年份", year_hint))
            elif source := self.yaml(f"{rel}/{name}"):
                found.append(source)
        for year in self.subdirs(rel):
            if not _YEAR_RE.match(year):
                self.problems.append(Problem(f"{rel}/{year}", 0, 0, f"年报目录名 '{year}' 不是年份", year_hint))
                continue
            for name in self.files(f"{rel}/{year}", ".yaml"):
                if self.valid_slug(f"{rel}/{year}/{name}", name[:-5], "年报文件名") and (source := self.yaml(f"{rel}/{year}/{name}")):
                    source.slug = f"{year}/{source.slug}"
                    found.append(source)
        return found

    def attachments(self, content: str) -> dict[str, str]:
        """Every regular file under content/<county>/files, by its path relative to content/<county>/."""
        found: dict[str, str] = {}
        tree = self.tree
        if not tree.is_dir(f"{content}/files") or self.escapes(f"{content}/files"):
            return found
        for dirpath, dirnames, filenames in tree.walk(f"{content}/files"):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not tree.is_link(f"{dirpath}/{d}"))
            for name in sorted(filenames):
                full = f"{dirpath}/{name}"
                rel = full[len(content) + 1:]
                if name.startswith(".") or not tree.is_file(full):
                    continue
                if tree.is_link(full):
                    # A link could point anywhere on the machine; only real files are published.
                    self.problems.append(Problem(f"{content}/{rel}", 0, 0, "附件不能是符号链接", "请把附件文件本身放进 files/ 目录"))
                    continue
                found[rel] = tree.locate(full)
        return found
