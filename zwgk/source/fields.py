"""Checking one YAML mapping against its field declarations (schema.py).

Pure: Node in, plain values and problems out. Every problem names the position of the
value (or key) it is about.
"""
from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Any

from zwgk.base import Problem
from zwgk.source.schema import (
    AMOUNT,
    BOOL,
    CHOICE,
    COUNTS,
    DATE,
    DATE_PATTERN,
    ID,
    ID_LIST,
    ID_PATTERN,
    INT,
    MAPPING,
    PATH_LIST,
    RECORDS,
    TEXT,
    TEXT_LIST,
    TEXT_MAP,
    Field,
)
from zwgk.source.yamlfile import Node

_ID_RE = re.compile(ID_PATTERN)
_DATE_RE = re.compile(DATE_PATTERN)
_NUMBERISH = {"int", "float"}
KIND_NAMES = {"map": "映射（键: 值）", "seq": "列表", "str": "文本", "int": "数字", "float": "数字",
              "bool": "是/否值", "null": "空值", "timestamp": "日期"}


def nearest(value: str, options, cutoff: float = 0.4) -> str:
    """The closest of `options` to `value`, or '' when nothing is close."""
    found = difflib.get_close_matches(value, list(options), n=1, cutoff=cutoff)
    return found[0] if found else ""


def suggestion(value: str, options) -> str:
    near = nearest(value, options)
    return f"（是否应为 '{near}'？）" if near else ""


# Control characters other than newline and tab, and the noncharacters U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")

class FieldChecker:
    """Collects problems for one file while converting its values."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems

    def error(self, node_or_pos, message: str, hint: str = "", severity: str = "error") -> None:
        if isinstance(node_or_pos, Node):
            line, col = node_or_pos.line, node_or_pos.col
        else:
            line, col = node_or_pos
        self.problems.append(Problem(self.path, line, col, message, hint, severity))

    def mapping(self, node: Node | None, fields: tuple[Field, ...], where: str = "",
                what: str = "文件") -> dict[str, Any] | None:
        """Convert a mapping; unknown keys, missing required fields and bad values are problems."""
        if node is None:
            self.problems.append(Problem(self.path, 0, 0, f"{what}是空的", "请按字段说明填写内容"))
            return None
        if node.kind != "map":
            self.error(node, f"{where or what}应为映射（键: 值），实际是{KIND_NAMES.get(node.kind, node.kind)}",
                       "顶层应写成 键: 值 的形式，例如 domain: 财政预决算")
            return None
        by_name = {f.name: f for f in fields}
        at = f"{where[:-1]}: " if where.endswith(".") else where
        out: dict[str, Any] = {}
        for key, value in node.value.items():
            spec = by_name.get(key)
            if spec is None:
                near = nearest(key, by_name, 0.5)
                hint = f"是否应为 '{near}'？" if near else ""
                hint += "可用的字段：" + "、".join(by_name)
                self.error(node.key_positions[key], f"{at}未知的字段 '{key}'", hint)
                continue
            converted = self.value(value, spec, f"{where}{key}")
            if converted is not None:
                out[key] = converted
        for spec in fields:
            if spec.name in out:
                continue
            given = node.value.get(spec.name)
            if spec.required and given is None:
                self.error(node, f"{at}缺少必填字段 {spec.name}（{spec.label}）", f"请添加一行，例如：{spec.name}: {_example(spec)}")
            elif spec.required and _blank(given):
                self.error(given, f"{where}{spec.name}（{spec.label}）不能为空", f"例如：{spec.name}: {_example(spec)}")
            out[spec.name] = empty_value(spec)
        return out

    def value(self, node: Node, spec: Field, where: str) -> Any:
        """One value of the declared kind, or None (with a problem, unless simply empty)."""
        if _blank(node):
            return None
        kind = spec.kind
        if kind == TEXT:
            return self.text(node, where)
        if kind == CHOICE:
            text = self.text(node, where)
            if text is None:
                return None
            if text not in spec.choices:
                self.error(node, f"{where}: '{text}' 不是允许的{spec.label}{suggestion(text, spec.choices)}",
                           "可填写：" + "、".join(spec.choices))
                return None
            return text
        if kind == ID:
            return self.ident(node, where)
        if kind in (TEXT_LIST, ID_LIST, PATH_LIST):
            elements = node.value if node.kind == "seq" else [node]
            out = []
            for n, element in enumerate(elements):
                label = f"{where}[{n}]" if node.kind == "seq" else where
                if kind == TEXT_LIST:
                    got = self.text(element, label)
                elif kind == ID_LIST:
                    got = self.ident(element, label)
                else:
                    got = self.rel_path(element, label)
                if got:
                    out.append(got)
            return tuple(out)
        if kind == DATE:
            return self.date(node, where)
        if kind == INT:
            return self.integer(node, where)
        if kind == COUNTS:
            elements = node.value if node.kind == "seq" else [node]
            counts = [self.count(element, f"{where}[{n}]" if node.kind == "seq" else where) for n, element in enumerate(elements)]
            return None if None in counts else tuple(counts)
        if kind == AMOUNT:
            if node.kind not in _NUMBERISH or node.value.strip().startswith("-"):
                self.error(node, f"{where}: 应为不小于 0 的数，实际是 '{_shown(node)}'", "请只写数字，可带小数，例如 2316.4；不要写单位或千分位逗号")
                return None
            return float(node.value.replace("_", ""))
        if kind == BOOL:
            if node.kind != "bool":
                self.error(node, f"{where}: 应为 true 或 false", "")
                return None
            return node.value.lower() in ("true", "yes", "on", "y")
        if kind == TEXT_MAP:
            if node.kind != "map":
                self.error(node, f"{where}: 应为映射（键: 值）", f"例如：\n{where}:\n  {_example_map(spec)}")
                return None
            return {k: t for k, v in node.value.items() if (t := self.text(v, f"{where}.{k}")) is not None}
        if kind == MAPPING:
            return self.mapping(node, spec.fields, f"{where}.", what=where)
        if kind == RECORDS:
            if node.kind != "seq":
                self.error(node, f"{where}: 应为列表（每项以 - 开头）", "")
                return None
            records = []
            for n, element in enumerate(node.value):
                got = self.mapping(element, spec.fields, f"{where}[{n}].", what=f"{where}[{n}]")
                if got is not None:
                    records.append((got, element))
            return records
        raise AssertionError(f"unknown field kind {kind}")

    def text(self, node: Node, where: str) -> str | None:
        if node.kind in ("map", "seq"):
            self.error(node, f"{where}: 应为文本，实际是{KIND_NAMES[node.kind]}",
                       "如果值里有冒号或以 - 开头，请用引号把整个值括起来")
            return None
        if node.kind in _NUMBERISH or node.kind == "bool":
            # The text is kept exactly as written, but a bare number often hides a mistake.
            self.error(node, f"{where}: '{node.value}' 会被当作{KIND_NAMES[node.kind]}，这里应为文本",
                       f"请加引号：'{node.value}'", severity="warning")
        if node.kind == "timestamp":
            self.error(node, f"{where}: '{node.value}' 会被当作日期，这里应为文本", f"请加引号：'{node.value}'", severity="warning")
        text = node.value.strip()
        # U+FFFE/U+FFFF are as invisible, and XML (the feed, the XLSX) cannot carry them at all.
        if _CONTROL.search(text):
            self.error(node, f"{where}: 含有控制字符", "请删除看不见的特殊字符")
            return None
        return text

    def count(self, node: Node, where: str) -> int | None:
        """A whole number not below 0 (a count of documents, requests or cases)."""
        return self.integer(node, where, counting=True)

    def integer(self, node: Node, where: str, counting: bool = False) -> int | None:
        """A whole number; `counting`: not below 0."""
        example = "12" if counting else "10"
        if node.kind != "int" or (counting and node.value.strip().startswith("-")):
            self.error(node, f"{where}: 应为{'不小于 0 的' if counting else ''}整数，实际是 '{_shown(node)}'",
                       f"请只写数字，例如 {example}" + ("；没有的写 0，不要写单位、小数或千分位逗号" if counting else ""))
            return None
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            self.error(node, f"{where}: '{node.value}' 不是整数", f"请只写数字，例如 {example}")
            return None

    def ident(self, node: Node, where: str) -> str | None:
        if node.kind in ("map", "seq"):
            self.error(node, f"{where}: 应为编号文本，实际是{KIND_NAMES[node.kind]}", "")
            return None
        text = node.value.strip()
        if not _ID_RE.match(text):
            self.error(node, f"{where}: 编号 '{text}' 不能用作网址",
                       "只能使用英文字母、数字、- 和 _，且以字母或数字开头，例如 czyjs-zfys-01")
            return None
        return text

    def rel_path(self, node: Node, where: str) -> str | None:
        text = self.text(node, where)
        if not text:
            return None
        if not stays_inside(text):
            self.error(node, f"{where}: 路径 '{text}' 不在本县的 content 目录内",
                       "附件路径相对于 content/<县>/ 书写，例如 files/2020-28.pdf；不能用绝对路径、.. 或反斜杠")
            return None
        return text

    def date(self, node: Node, where: str) -> date | None:
        if node.kind not in ("str", "timestamp"):
            self.error(node, f"{where}: '{_shown(node)}' 不是日期", "日期格式为 YYYY-MM-DD，例如 2020-08-06")
            return None
        match = _DATE_RE.match(node.value.strip())
        if match:
            try:
                day = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                day = None
            if day is not None and not 1949 <= day.year <= 2100:
                self.error(node, f"{where}: 日期 '{node.value}' 的年份不合理", "请检查年份是否写错，例如 2204 应为 2024")
                return None
            if day is not None:
                return day
        self.error(node, f"{where}: 日期 '{node.value}' 无效", "日期格式为 YYYY-MM-DD，并且月份在 1–12、日期在当月天数之内，例如 2020-08-06")
        return None


def stays_inside(path: str) -> bool:
    """A path written relative to a content folder that cannot leave it: no absolute path,
    drive letter, backslash, '..', '.', empty part or address."""
    parts = path.split("/")
    return not (path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path) or "\\" in path
                or ".." in parts or "" in parts or "." in parts or "://" in path)


def _blank(node: Node) -> bool:
    return node.kind == "null" or (node.kind == "str" and node.value.strip() == "") or (node.kind == "seq" and not node.value)


def _shown(node: Node) -> str:
    return node.value if isinstance(node.value, str) else KIND_NAMES.get(node.kind, node.kind)


def _example(spec: Field) -> str:
    ex = spec.example
    if isinstance(ex, (list, tuple)):
        return "[" + ", ".join(str(e) for e in ex) + "]"
    return str(ex)


def _example_map(spec: Field) -> str:
    ex = spec.example if isinstance(spec.example, dict) else {}
    return "\n  ".join(f"{k}: {v}" for k, v in ex.items())


def empty_value(spec: Field) -> Any:
    if spec.default is not None:
        return spec.default
    return {TEXT: "", CHOICE: "", ID: "", TEXT_LIST: (), ID_LIST: (), PATH_LIST: (),
            DATE: None, INT: 0, BOOL: False, COUNTS: (), AMOUNT: 0.0, TEXT_MAP: {}, RECORDS: [], MAPPING: None}[spec.kind]
