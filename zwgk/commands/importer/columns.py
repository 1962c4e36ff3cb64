"""Recognising the header: where it is, which column holds which field, and the merged cells over it."""
from __future__ import annotations

from dataclasses import dataclass

from zwgk.base import LEVEL_VARIANTS, STANDARD_CHANNELS
from zwgk.commands.importer.cells import norm
from zwgk.commands.importer.table import HEADER_SEARCH_ROWS, ImportFailed, Table, problem_at

# (kind, field, value): kind "field" is a column holding a field's text, "tick" a
# column of √ marks meaning field=value, "skip" a column derived from others.
_LABELS: dict[str, tuple[str, str, str]] = {
    "序号": ("skip", "", ""), "链接": ("skip", "", ""), "网址": ("skip", "", ""),
    "领域": ("domain", "", ""), "所属领域": ("domain", "", ""),
    "事项编号": ("field", "id", ""), "编号": ("field", "id", ""),
    "公开事项": ("field", "level1", ""), "事项名称": ("field", "level1", ""),
    "一级事项": ("field", "level1", ""), "二级事项": ("field", "level2", ""), "三级事项": ("field", "level3", ""),
    "公开依据": ("field", "basis", ""), "公开时限": ("field", "deadline", ""),
    "公开主体": ("field", "subject", ""), "公开渠道和载体": ("field", "channels", ""),
    "公开渠道": ("field", "channels", ""), "公开载体": ("field", "channels", ""),
    "公开渠道及载体": ("field", "channels", ""),
    "公开对象": ("field", "audience", ""), "特定群体说明": ("field", "audience_note", ""),
    "全社会": ("tick", "audience", "全社会"), "社会公众": ("tick", "audience", "全社会"),
    "特定群体": ("tick", "audience", "特定群体"), "特定群众": ("tick", "audience", "特定群体"),
    "特定对象": ("tick", "audience", "特定群体"), "特定人群": ("tick", "audience", "特定群体"),
    "公开方式": ("field", "mode", ""),
    "主动": ("tick", "mode", "主动"), "主动公开": ("tick", "mode", "主动"),
    "依申请": ("tick", "mode", "依申请"), "依申请公开": ("tick", "mode", "依申请"),
    "公开层级": ("field", "level", ""),
    "备注": ("field", "note", ""), "说明": ("field", "note", ""),
    "相关文件": ("field", "documents", ""),
    "最后更新": ("field", "updated", ""), "更新日期": ("field", "updated", ""), "更新时间": ("field", "updated", ""),
}
# Labels that only a second header row has (under a group cell).
_SUB_FIELDS = {"level1", "level2", "level3"}


@dataclass(frozen=True)
class Words:
    """What a site calls things: its level wordings and its local channels."""
    levels: dict[str, str]        # norm(word) -> standard level
    channels: dict[str, str]      # norm(name) -> name as the site declares it

    @classmethod
    def for_site(cls, level_names=None, local_channels=()) -> "Words":
        levels = {norm(k): v for k, v in LEVEL_VARIANTS.items()}
        levels.update({norm(local): std for std, local in (level_names or {}).items()})
        channels = {norm(c): c for c in (*STANDARD_CHANNELS, *local_channels)}
        return cls(levels, channels)


def classify(label: str, words: Words) -> tuple[str, str, str] | None:
    key = norm(label)
    if not key:
        return None
    if key in _LABELS:
        return _LABELS[key]
    if key in words.levels:
        return ("tick", "level", words.levels[key])
    for label, kind in _LABELS.items():       # 特定群体（注明群体） ...
        if kind[0] == "tick" and key.startswith(label):
            return kind
    if key.startswith(("公开内容", "公开要素")):          # 公开内容(要素)及要求 ...
        return ("field", "content", "")
    for prefix, name in (("公开依据", "basis"), ("公开时限", "deadline"), ("公开主体", "subject"),
                         ("公开渠道", "channels"), ("公开对象", "audience"), ("公开方式", "mode"),
                         ("公开层级", "level")):
        if key.startswith(prefix):
            return ("field", name, "")
    return None


def _is_sub_label(kind: tuple[str, str, str] | None) -> bool:
    return kind is not None and (kind[0] == "tick" or (kind[0] == "field" and kind[1] in _SUB_FIELDS))


@dataclass
class Column:
    index: int
    label: str                    # as shown in the header, for messages and notes
    kind: str                     # field / tick / skip / domain / extra
    field: str = ""
    value: str = ""


def find_header(table: Table, words: Words) -> tuple[int, int]:
    """(first header row, number of header rows) of a table."""
    for r, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        kinds = [classify(c, words) for c in row]
        if sum(k is not None for k in kinds) >= 3 and any(k and k[1] in ("level1", "subject", "content") for k in kinds):
            below = table.rows[r + 1] if r + 1 < len(table.rows) else []
            below_kinds = [classify(c, words) for c in below if c]
            # A second header row holds nothing but labels, some of them sub-labels;
            # a data row always has text that is not a label.
            if below_kinds and all(below_kinds) and sum(map(_is_sub_label, below_kinds)) >= 2:
                return r, 2
            return r, 1
    raise ImportFailed([problem_at(table, f"{table.sheet_text() or '表格'}前 {HEADER_SEARCH_ROWS} 行中找不到表头",
                                   "表头应含“一级事项”（或“公开事项”）“公开内容”“公开主体”等列名；"
                                   "如果是 CSV 文件，也请确认它是 UTF-8 或 GBK 编码")])


def fill_merges(table: Table, header: int, header_rows: int) -> None:
    """Give every cell of a merged range its value: across the header, and down the
    data rows (only down: a data row merged across is one value, not several)."""
    rows = table.rows
    header_end = header + header_rows - 1
    for r1, c1, r2, c2 in table.merges:
        if r1 >= len(rows) or c1 >= len(rows[r1]):
            continue
        value = rows[r1][c1]
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            cols = range(c1, c2 + 1) if header <= r <= header_end else (c1,)
            for c in cols:
                if c < len(rows[r]) and not rows[r][c]:
                    rows[r][c] = value


def read_columns(table: Table, header: int, header_rows: int, words: Words) -> list[Column]:
    top = table.rows[header]
    sub = table.rows[header + 1] if header_rows == 2 else []
    width = max(len(r) for r in table.rows)
    columns: list[Column] = []
    group = ""                         # a group label spans the empty cells after it (CSV)
    seen: set[tuple[str, str]] = set()
    for c in range(width):
        t = top[c] if c < len(top) else ""
        s = sub[c] if c < len(sub) else ""
        if t:
            group = t
        elif not s:
            group = ""
        kind = classify(s, words) if s else None
        kind = kind or classify(t or (group if s else ""), words)
        label = "/".join(dict.fromkeys(x for x in (t or (group if s else ""), s) if x)) or f"第{c + 1}列"
        if kind is None:
            columns.append(Column(c, label, "extra"))
            continue
        key = (kind[1], kind[2])
        if kind[0] in ("field", "tick") and key in seen:
            columns.append(Column(c, label, "extra"))     # a second 备注 ... is kept as text
            continue
        seen.add(key)
        columns.append(Column(c, label, kind[0], kind[1], kind[2]))
    return columns
