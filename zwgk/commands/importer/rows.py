"""Turning the rows under the header into catalog items, with every problem at its cell."""
from __future__ import annotations

import re
from dataclasses import dataclass

from zwgk.base import LEVEL_VARIANTS, LEVELS, Problem, caret_under
from zwgk.commands.importer.cells import (
    AUDIENCE_RE,
    AUDIENCE_WORDS,
    LIST_SPLIT,
    MODE_WORDS,
    norm,
    parse_date,
    read_channels,
    read_mark,
    split_basis,
)
from zwgk.commands.importer.columns import Column, Words, fill_merges, find_header, read_columns
from zwgk.commands.importer.table import ImportFailed, Table, problem_at
from zwgk.source import ID_PATTERN, schema, suggestion

_ID_RE = re.compile(ID_PATTERN)


@dataclass
class Imported:
    """The result of reading a table: the items in schema.ITEM's field order."""
    items: list[dict]
    warnings: list[Problem]
    table: Table


def import_table(table: Table, domain_name: str, slug: str, words: Words) -> Imported:
    """Turn a table into catalog items; raise ImportFailed with every problem found."""
    header, header_rows = find_header(table, words)
    fill_merges(table, header, header_rows)
    columns = read_columns(table, header, header_rows, words)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    fields = {c.field for c in columns if c.kind == "field"} | {c.field for c in columns if c.kind == "tick"}
    for name in ("level1", "subject", "channels", "audience", "mode", "level"):
        if name not in fields:
            label = next(f.label for f in schema.ITEM.fields if f.name == name)
            problems.append(problem_at(table, f"{table.sheet_text()}表头中找不到“{label}”列",
                                       f"“{label}”是必填项；表头现有：" + "、".join(c.label for c in columns)))
    if problems:
        raise ImportFailed(problems)
    extras = [c for c in columns if c.kind == "extra"]
    domain_col = next((c for c in columns if c.kind == "domain"), None)

    items: list[dict] = []
    previous: dict | None = None
    filled: set[int] = set()                # extra columns that had something to keep
    for r in range(header + header_rows, len(table.rows)):
        row = table.rows[r]
        get = lambda col: row[col.index] if col.index < len(row) else ""  # noqa: E731
        if not any(row):
            continue
        if domain_col and get(domain_col) and get(domain_col) not in (domain_name, slug):
            continue                       # a whole-county catalog.csv: other domains' rows
        item, row_problems = _read_row(table, r, columns, get, words, previous)
        if item is None:
            if any(get(c) for c in columns if c.kind != "skip"):
                warnings.append(problem_at(table, f"{table.where(r)}没有事项名称、内容或公开主体，不是事项，已跳过",
                                           "如果它是分类标题行，可以忽略本提示", "warning"))
            continue
        notes = [item.get("note", "")] if item.get("note") else []
        for c in extras:
            if get(c):
                notes.append(f"{c.label}：{get(c)}")
                filled.add(c.index)
        notes += item.pop("_notes")
        if notes:
            item["note"] = "\n".join(notes)
        item["_row"] = r
        problems += row_problems
        items.append(item)
        previous = item
    used = [c for c in extras if c.index in filled]
    if used:
        warnings.append(problem_at(table, "表格中有标准目录以外的列，其内容已写入各事项的备注（note）：" +
                                   "、".join(c.label for c in used),
                                   "请核对；如不需要，可在导入后的文件中删除", "warning"))
    if not items and not problems:
        problems.append(problem_at(table, f"{table.sheet_text() or '表格'}表头下面没有任何事项"))
    _assign_ids(table, items, slug, problems)
    if problems:
        raise ImportFailed(problems)
    ordered = []
    for item in items:
        ordered.append({f.name: item[f.name] for f in schema.ITEM.fields if f.name in item})
    return Imported(ordered, warnings, table)


def _read_row(table: Table, r: int, columns: list[Column], get, words: Words,
              previous: dict | None) -> tuple[dict | None, list[Problem]]:
    problems: list[Problem] = []
    item: dict = {"_notes": []}
    ticks: dict[str, list[str]] = {"audience": [], "mode": [], "level": []}

    def bad(col: Column, message: str, hint: str = "") -> None:
        problems.append(problem_at(table, f"{table.where(r, col.index, col.label)}：{message}", hint))

    for col in columns:
        text = get(col)
        if col.kind == "tick":
            if not text:
                continue
            ticked, rest = read_mark(text)
            if ticked is None:
                if col.field == "audience" and col.value == "特定群体":
                    ticked, rest = True, text          # the group written in place of √
                else:
                    bad(col, f"无法识别的标记“{text}”", "打勾的单元格请填写 √，不适用的留空")
                    continue
            if ticked:
                ticks[col.field].append(col.value)
                if rest and col.field == "audience" and col.value == "特定群体":
                    item["audience_note"] = rest
                elif rest:
                    item["_notes"].append(f"{col.label}：{rest}")
            continue
        if col.kind != "field" or not text:
            continue
        name = col.field
        if name == "basis":
            item[name] = split_basis(text)
        elif name == "channels":
            cell = read_channels(text, list(words.channels.values()))
            # The names as the site spells them (the standard ones, its local ones); a cell with
            # nothing recognised keeps its text, so it is not reported a second time as missing.
            item[name] = list(dict.fromkeys(words.channels[norm(n)] for n in cell.on)) or [u[2] for u in cell.unknown]
            if cell.other:
                item["_notes"].append(f"公开渠道（其他）：{cell.other}")
            for start, end, part in cell.unknown:
                shown = text.replace("\n", " ")
                bad(col, f"“{part}”不是标准的公开渠道{suggestion(part, list(words.channels.values()))}\n"
                         f"      {shown}\n      {caret_under(shown, start + 1, end - start)}",
                    "这一格里其余的都是标准渠道；请把这一部分改成 13 种标准渠道之一，或删去；"
                    "本地渠道（如 12345政务服务热线）请先在 site.yaml 的 local_channels 中声明，再导入")
        elif name == "documents":
            item[name] = [p for p in LIST_SPLIT.split(text) if p]
        elif name == "level":
            for word in (p for p in re.split(r"[\n、，,；;/\s]+", text) if p):
                if norm(word) in words.levels:
                    ticks["level"].append(words.levels[norm(word)])
                else:
                    bad(col, f"“{word}”不是公开层级{suggestion(word, LEVEL_VARIANTS)}", "公开层级填写县级、乡级或本地称呼（如区级、镇(街)级）")
        elif name == "audience":
            m = AUDIENCE_RE.match(text)
            if not m:
                bad(col, f"“{text}”不是公开对象", "公开对象填写“全社会”或“特定群体”")
            else:
                found = AUDIENCE_WORDS[m.group(1)]
                ticks["audience"].append(found)
                if m.group(2) and found == "特定群体":
                    item.setdefault("audience_note", m.group(2).strip())
        elif name == "mode":
            found = MODE_WORDS.get(norm(text))
            if not found:
                bad(col, f"“{text}”不是公开方式", "公开方式填写“主动”或“依申请”")
            else:
                ticks["mode"].append(found)
        elif name == "updated":
            day = parse_date(text)
            if day is None:
                bad(col, f"“{text}”不是日期", "日期写成 2024-03-01")
            else:
                item[name] = day
        else:                                   # id and the texts, line breaks kept
            item[name] = text

    raw_level1 = item.get("level1", "")
    if not any(item.get(k) for k in ("level1", "level2", "level3", "content", "subject", "channels")):
        return None, []
    if not raw_level1 and previous is not None:
        # A table without merged cells leaves the repeated 一级事项 blank.
        item["level1"] = previous["level1"]
        if item.get("level3") and not item.get("level2") and previous.get("level2"):
            item["level2"] = previous["level2"]

    audience = list(dict.fromkeys(ticks["audience"]))
    if len(audience) > 1:
        audience = ["全社会"]
        item["_notes"].append("原表同时勾选了全社会和特定群体")
    if audience:
        item["audience"] = audience[0]
    if item.get("audience") != "特定群体" and item.get("audience_note"):
        item["_notes"].append(f"公开对象说明：{item.pop('audience_note')}")
    modes = list(dict.fromkeys(ticks["mode"]))
    if len(modes) > 1:
        item["_notes"].append("原表同时勾选了主动和依申请")
    if modes:
        item["mode"] = modes[0]
    levels = [lv for lv in LEVELS if lv in ticks["level"]]
    if levels:
        item["level"] = levels

    for name, label in (("level1", "一级事项"), ("subject", "公开主体"), ("channels", "公开渠道和载体"),
                        ("audience", "公开对象"), ("mode", "公开方式"), ("level", "公开层级")):
        if not item.get(name):
            problems.append(problem_at(table, f"{table.where(r)}：缺少“{label}”", f"请在表格中填写这一行的“{label}”后再导入"))
    return item, problems


def _assign_ids(table: Table, items: list[dict], slug: str, problems: list[Problem]) -> None:
    """Keep ids the table gives (an exported catalog.xlsx has them); others are the
    domain slug and the item's position, so importing the same table twice agrees."""
    used: dict[str, int] = {}
    for n, item in enumerate(items, 1):
        given = item.get("id", "")
        if given and not _ID_RE.match(given):
            problems.append(problem_at(table, f"{table.where(item['_row'])}：事项编号“{given}”只能由字母、数字、- 和 _ 组成",
                                       "请修改编号，或删除“事项编号”列让 zwgk 生成"))
            continue
        item["id"] = given or f"{slug}-{n:03d}"
        if item["id"] in used:
            problems.append(problem_at(table, f"{table.where(item['_row'])}：事项编号“{item['id']}”与第 {used[item['id']] + 1} 行重复",
                                       "事项编号在一个县内必须唯一"))
        used.setdefault(item["id"], item["_row"])
