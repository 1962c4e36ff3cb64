"""Parsing YAML and front matter with every value's position.

Values come back as `Node`s that remember line and column, so every later error can
point at `file:line:col`. Only safe YAML is composed (no object construction), aliases
and nesting are bounded, and duplicate keys are refused.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import yaml

from zwgk.base import Problem

# Sources are decoded by the one decoder, under its sources' policy (UTF-8 only); files.py reads
# them through this module.
from zwgk.source.text import SourceError, decode  # noqa: F401 - re-exported
from zwgk.source.yamlhints import culprit, tab_hint

try:  # the C loader is several times faster; the pure one is the fallback
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_DEPTH = 40
MAX_ALIAS_USES = 1000
# Fewer flow brackets than this cannot nest deep enough to hurt libyaml (20,000 levels
# compose fine); deeper than MAX_DEPTH is then refused by the converter, with its position.
# A 40-item catalog has hundreds of brackets ([政府网站, 政府公报] ...): checking those files
# with a second full parse cost a quarter of reading a city's catalogs.
SAFE_FLOW_BRACKETS = 2000

_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "timestamp",
    "tag:yaml.org,2002:map": "map",
    "tag:yaml.org,2002:seq": "seq",
}


@dataclass(slots=True)
class Node:
    """A YAML value with its position. `value` is dict[str, Node], list[Node] or str."""
    value: Any
    kind: str      # str int float bool null timestamp map seq
    line: int
    col: int
    key_positions: dict[str, tuple[int, int]] | None = None

    def plain(self) -> Any:
        """The value without positions (scalars stay as written)."""
        if self.kind == "map":
            return {k: v.plain() for k, v in self.value.items()}
        if self.kind == "seq":
            return [v.plain() for v in self.value]
        return self.value


# The parsers' problems in English (libyaml's and, where it words them otherwise, the
# pure-Python parser's), said in Chinese with a way out.
_YAML_PROBLEMS = (
    ("found character '\\t'", "这里有制表符（Tab）", "YAML 的缩进只能用空格，请把 Tab 换成两个空格"),
    ("mapping values are not allowed", "这里不能出现冒号“:”", "值里含有英文冒号时，请用引号把整个值括起来"),
    ("could not find expected ':'", "缺少冒号“:”", "每个键后面要有英文冒号和一个空格，例如 title: 标题"),
    ("did not find expected key", "缩进不一致或缺少键", "请检查这一行的缩进是否与同级的其他行对齐"),
    ("expected <block end>", "缩进不一致或缺少键", "请检查这一行的缩进是否与同级的其他行对齐"),
    ("did not find expected '-' indicator", "列表缩进不一致", "列表中每一项的“-”应对齐"),
    ("found undefined alias", "引用了未定义的别名（*）", "请删除 * 开头的引用，或先用 & 定义它"),
    ("expected a single document", "文件中有多个 YAML 文档（---）", "一个文件只写一个文档，请删除多余的 ---"),
    ("expected ',' or ']'", "方括号 [ ] 没有闭合，或列表项之间缺少逗号", "列表写成 [甲, 乙]，用英文逗号分隔，并以 ] 结束"),
    ("expected ',' or '}'", "花括号 { } 没有闭合，或项之间缺少逗号", "写成 {键: 值, 键: 值}，并以 } 结束"),
    ("found unexpected end of stream", "文件意外结束", "请检查引号或括号是否成对"),
    ("invalid Unicode character escape", "双引号中有无效的 Unicode 转义（\\u…）", "请删除这个转义，或直接写出要用的字符"),
    ("found unknown escape character", "双引号中有无效的转义字符（\\）", "请改用单引号，或把 \\ 写成 \\\\"),
    ("while scanning a quoted scalar", "引号没有闭合", "请检查这一行的引号是否成对"),
    ("found duplicate anchor", "重复定义了别名（&）", "请给别名取不同的名字"),
    ("found unhashable key", "键不能是列表或映射", "键只能是普通文本"),
)


def _yaml_problem(exc: yaml.YAMLError, path: str, line_offset: int, text: str) -> Problem | None:
    """The Chinese problem for a parser's error, or None when its wording is not known."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = (mark.line + 1 + line_offset) if mark else 0
    col = (mark.column + 1) if mark else 0
    if mark and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return Problem(path, line, col, "YAML 语法错误：这里有制表符（Tab）", tab_hint(text.split("\n"), mark.line))
    if mark:
        # Where the editor must type the fix, which the parser often names a line or more later.
        found = culprit(text, mark.line + 1)
        if found:
            return Problem(path, found.line + line_offset, found.col, f"YAML 语法错误：{found.message}", found.hint)
    raw = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or ''}".strip() or str(exc)
    for needle, message, hint in _YAML_PROBLEMS:
        if needle in raw:
            return Problem(path, line, col, f"YAML 语法错误：{message}", hint)
    return None


def _unrecognised(exc: yaml.YAMLError, path: str, line_offset: int) -> Problem:
    # Never pass a dependency's English through: say what we can, keep the position.
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = ((mark.line + 1 + line_offset), (mark.column + 1)) if mark else (0, 0)
    return Problem(path, line, col, "YAML 语法错误：这一行的结构无法识别", "请检查这一行及上一行的缩进、冒号和引号")


class ParsedYaml:
    """The Nodes of the last `capacity` texts parsed. `zwgk serve` keeps one, so a save parses
    again only the file that changed, not the whole county (a third of a city county's
    reload); a plain build does not (capacity 0): it parses each file once, and the kept
    Nodes would only take memory."""

    def __init__(self, capacity: int = 0):
        self.capacity = capacity
        self._known: OrderedDict[tuple[str, str, int], tuple[Node | None, list[Problem]]] = OrderedDict()

    def parse(self, text: str, path: str, problems: list[Problem], line_offset: int) -> Node | None:
        key = (text, path, line_offset)
        known = self._known.get(key)
        if known is not None:
            self._known.move_to_end(key)
            problems += known[1]
            return known[0]
        found: list[Problem] = []
        root = _parse(text, path, found, line_offset)
        problems += found
        self._known[key] = (root, found)
        if len(self._known) > self.capacity:
            self._known.popitem(last=False)
        return root


def parse_yaml(text: str, path: str, problems: list[Problem], line_offset: int = 0,
               kept: ParsedYaml | None = None) -> Node | None:
    """Compose YAML into Nodes. Raises SourceError for anything that is not plain data;
    duplicate keys are added to `problems` and the first value is kept. With `kept`, the
    Nodes of a text parsed before are reused."""
    if kept is None or not kept.capacity:
        return _parse(text, path, problems, line_offset)
    return kept.parse(text, path, problems, line_offset)


def _parse(text: str, path: str, problems: list[Problem], line_offset: int) -> Node | None:
    _check_depth(text, path, line_offset)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise SourceError(_yaml_problem(exc, path, line_offset, text) or _diagnose(exc, text, path, line_offset)) from None
    except RecursionError:
        raise SourceError(_depth_problem(text, path, line_offset) or _too_deep(path, 0, 0)) from None
    if root is None:
        return None
    if "&" in text:
        _refuse_anchors(text, path, line_offset)
    return _Converter(path, line_offset, problems).convert(root, 0)


# `key: &name` parses: & names an anchor and the text after it is lost without a word.
_ANCHORED = re.compile(r"^(\s*(?:-\s+)?(?:[^\s:#'\"][^:#]*:\s+)?)&\S*", re.M)


def _refuse_anchors(text: str, path: str, line_offset: int) -> None:
    m = _ANCHORED.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1 + line_offset
        raise SourceError(Problem(path, line, len(m.group(1)) + 1, f"YAML 语法错误：值以 & 开头，YAML 会把它当作特殊符号",
                                  f"请用引号把整个值括起来，例如 '{m.group(0)[len(m.group(1)):]}'"))


# Deep block nesting needs a long run of indentation or indicators ("- - - x") at a line start.
_DEEP_LINE = re.compile(r"^[ \t?:-]{%d,}" % MAX_DEPTH, re.M)


def _check_depth(text: str, path: str, line_offset: int) -> None:
    """Refuse absurd nesting before libyaml recurses into it (it can crash the process)."""
    if text.count("[") + text.count("{") < SAFE_FLOW_BRACKETS and not _DEEP_LINE.search(text):
        return
    problem = _depth_problem(text, path, line_offset)
    if problem:
        raise SourceError(problem)


def _depth_problem(text: str, path: str, line_offset: int) -> Problem | None:
    """The nesting problem of `text`, or its syntax problem, or None. Events come from the
    pure-Python parser: it keeps a stack instead of recursing, and has no nesting limit of
    its own, so the answer and its wording do not depend on the libyaml release."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return _too_deep(path, mark.line + 1 + line_offset, mark.column + 1)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        return _yaml_problem(exc, path, line_offset, text) or _unrecognised(exc, path, line_offset)
    return None


def _diagnose(exc: yaml.YAMLError, text: str, path: str, line_offset: int) -> Problem:
    """Say why libyaml refused `text` when its wording is not one zwgk knows (a new libyaml
    release words a problem anew, or adds a limit): the pure-Python parser, part of PyYAML
    itself, is asked instead, so an editor never sees a dependency's English."""
    problem = _depth_problem(text, path, line_offset)
    if problem:
        return problem
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return _yaml_problem(exc, path, line_offset, text) or _unrecognised(exc, path, line_offset)
    except RecursionError:
        return _too_deep(path, 0, 0)
    return _unrecognised(exc, path, line_offset)     # only libyaml refused it: its position stands


def _too_deep(path: str, line: int, col: int) -> Problem:
    return Problem(path, line, col, f"YAML 嵌套层数过多（超过 {MAX_DEPTH} 层）", "目录文件只需要两三层缩进，请检查文件内容")


class _Converter:
    def __init__(self, path: str, line_offset: int, problems: list[Problem]):
        self.path = path
        self.problems = problems
        self.line_offset = line_offset
        self.seen: set[int] = set()
        self.alias_uses = 0

    def _fail(self, node: yaml.Node, message: str, hint: str = "") -> SourceError:
        return SourceError(Problem(self.path, node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1, message, hint))

    def convert(self, node: yaml.Node, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self._fail(node, f"YAML 嵌套层数过多（超过 {MAX_DEPTH} 层）", "目录文件只需要两三层缩进，请检查文件内容")
        if not isinstance(node, yaml.ScalarNode):
            # A collection met twice is an alias; expanding too many is a "billion laughs" bomb.
            if id(node) in self.seen:
                self.alias_uses += 1
                if self.alias_uses > MAX_ALIAS_USES:
                    raise self._fail(node, "YAML 别名（*）展开过多，文件可能是恶意构造的", "目录文件不需要别名，请删除 & 和 * 的用法")
            self.seen.add(id(node))
        line, col = node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1
        kind = _TAGS.get(node.tag)
        if kind is None:
            raise self._fail(node, f"YAML 语法错误：值以 ! 开头，YAML 会把它当作标签（{node.tag}）",
                             "请用引号把整个值括起来，例如 '!重要'；或删除开头的 !")
        if isinstance(node, yaml.ScalarNode):
            return Node(node.value, kind, line, col)
        if isinstance(node, yaml.SequenceNode):
            return Node([self.convert(child, depth + 1) for child in node.value], "seq", line, col)
        values: dict[str, Node] = {}
        positions: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self._fail(key_node, "不支持 YAML 合并键（<<）", "请把要合并的内容直接写出来")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._fail(key_node, "键不能是列表或映射", "键只能是普通文本")
            key = key_node.value
            key_pos = (key_node.start_mark.line + 1 + self.line_offset, key_node.start_mark.column + 1)
            if key in positions:
                first = positions[key][0]
                self.problems.append(Problem(self.path, key_pos[0], key_pos[1], f"键 '{key}' 重复出现（第一次在第 {first} 行）",
                                             "同一层级中每个键只能写一次；请删除或合并重复的那一个"))
                continue
            positions[key] = key_pos
            values[key] = self.convert(value_node, depth + 1)
        return Node(values, "map", line, col, positions)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str, path: str, problems: list[Problem],
                       kept: ParsedYaml | None = None) -> tuple[Node | None, str, int]:
    """(front matter, Markdown body, line where the body starts)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        if text.startswith("---"):
            raise SourceError(Problem(path, 1, 1, "文件头（front matter）没有结束", "文件头以一行 --- 开始，也要以一行 --- 结束"))
        return None, text, 1
    header = match.group(1) or ""
    body = text[match.end():]
    body_line = text.count("\n", 0, match.end()) + 1
    return parse_yaml(header, path, problems, line_offset=1, kept=kept), body, body_line
