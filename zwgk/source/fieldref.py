"""The editors' field reference (docs/fields.md), written from the declarations in schema.py.

`python -m zwgk.source.fieldref` rewrites docs/fields.md; `--check` only says whether it is current.
"""
from __future__ import annotations

import argparse
import os
import sys

import yaml

from zwgk.source.schema import (
    AMOUNT,
    BOOL,
    COUNTS,
    CHOICE,
    DATE,
    FILE_KINDS,
    ID,
    ID_LIST,
    INT,
    MAPPING,
    PATH_LIST,
    RECORDS,
    TEXT,
    TEXT_LIST,
    TEXT_MAP,
    Field,
    FileKind,
)

DOC_REL = "docs/fields.md"          # in zwgk's repository (the maintainers' checkout)

KIND_TEXT = {
    TEXT: "文本",
    TEXT_LIST: "文本列表（只有一项时也可以直接写一个文本）",
    DATE: "日期，格式 YYYY-MM-DD",
    CHOICE: "下列之一：",
    ID: "编号：英文字母、数字、- 和 _，以字母或数字开头",
    ID_LIST: "编号列表（英文字母、数字、- 和 _）",
    PATH_LIST: "路径列表，相对于 content/<县>/，不能用绝对路径、.. 或反斜杠",
    INT: "整数",
    BOOL: "true 或 false",
    COUNTS: "不小于 0 的整数，几个数写成列表 [1, 0, 2]",
    AMOUNT: "不小于 0 的数，可带小数",
    TEXT_MAP: "映射（名称: 文本），每行一个",
    RECORDS: "列表，每一项的字段见下表",
    MAPPING: "映射，字段见下表",
}

INTRO = """\
# 字段说明

本文件由 `python -m zwgk.source.fieldref` 根据 zwgk/source/schema.py 中的字段声明生成，请不要手工修改。
校验程序、编辑器使用的 JSON Schema（schemas/ 目录）和本说明都来自同一份声明，所以三者总是一致的。

- **必填** 的字段缺少或为空时，`zwgk check` 和 `zwgk build` 会报错并指出文件、行和列。
- 没有列出的字段都是错误（常见原因是拼写错误，报错时会提示最接近的字段名）。
- 用 VS Code 编辑时，安装 YAML 扩展（Red Hat）后，文件第一行的
  `# yaml-language-server: $schema=...` 会让编辑器在输入时补全字段名、显示本说明并检查取值。
"""


def render_reference() -> str:
    """The whole reference as Markdown."""
    parts = [INTRO]
    for kind in FILE_KINDS:
        parts.append(_kind_section(kind))
    return "\n".join(parts)


def undocumented_fields() -> list[str]:
    """Fields whose declaration lacks a label, an explanation or an example."""
    missing = []
    for kind in FILE_KINDS:
        for where, spec in _walk(kind.fields, kind.name):
            if not spec.label.strip() or not spec.help.strip() or spec.example is None:
                missing.append(where)
            if spec.kind == CHOICE and not spec.choices:
                missing.append(f"{where}（没有列出可选值）")
    return missing


def _walk(fields: tuple[Field, ...], prefix: str):
    for spec in fields:
        yield f"{prefix}.{spec.name}", spec
        if spec.fields:
            yield from _walk(spec.fields, f"{prefix}.{spec.name}[]")


def _kind_section(kind: FileKind) -> str:
    lines = [f"## {kind.title}", "", f"位置：`{kind.where}`", ""]
    lines += _table(kind.fields)
    lines += _nested(kind.fields, kind.title)
    lines.append("")
    return "\n".join(lines)


def _nested(fields: tuple[Field, ...], trail: str) -> list[str]:
    """A table for the fields of each list of records or mapping, at any depth."""
    lines = []
    for spec in fields:
        if spec.fields:
            here = f"{trail} · {spec.name}（{spec.label}）"
            lines += ["", f"### {here}{'的每一项' if spec.kind == RECORDS else '的字段'}", ""]
            lines += _table(spec.fields)
            lines += _nested(spec.fields, here)
    return lines


def _table(fields: tuple[Field, ...]) -> list[str]:
    rows = ["| 字段 | 名称 | 必填 | 取值 | 说明 | 示例 |", "| --- | --- | --- | --- | --- | --- |"]
    for spec in fields:
        allowed = KIND_TEXT[spec.kind]
        if spec.kind == CHOICE:
            allowed += "、".join(spec.choices)
        if spec.default is not None:
            allowed += f"；不填时为 {spec.default}"
        rows.append("| " + " | ".join(_cell(c) for c in (
            f"`{spec.name}`", spec.label, "是" if spec.required else "", allowed, spec.help, _example(spec))) + " |")
    return rows


def _example(spec: Field) -> str:
    if spec.kind in (RECORDS, MAPPING) and not spec.example:
        return "见下表"
    if spec.kind == DATE:
        return f"`{spec.name}: {spec.example}`"   # a date is written without quotes
    text = yaml.safe_dump({spec.name: spec.example}, allow_unicode=True, default_flow_style=True, sort_keys=False, width=1000).strip()
    return f"`{text[1:-1]}`"      # without the outer braces of the flow mapping


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zwgk.source.fieldref", description="生成字段说明 docs/fields.md")
    parser.add_argument("--check", action="store_true", help="只检查是否需要重新生成")
    parser.add_argument("--repo", default=".", help="zwgk 仓库的目录（默认当前目录）")
    args = parser.parse_args(argv)
    doc_path = os.path.join(args.repo, DOC_REL)
    text = render_reference()
    try:
        with open(doc_path, encoding="utf-8") as fh:
            current = fh.read()
    except OSError:
        current = None
    if args.check:
        if current != text:
            print(f"需要重新生成：{doc_path}（python -m zwgk.source.fieldref）", file=sys.stderr)
            return 1
        return 0
    if current != text:
        os.makedirs(os.path.dirname(doc_path), exist_ok=True)
        with open(doc_path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        print(f"已写入 {doc_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
