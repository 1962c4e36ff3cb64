"""A 年报 file checked and turned into a `Report`: its fields, the size of every row, and the
arithmetic of the 30号 tables (docs/reports.md lists each identity):

- 表三, every line: 总计 = 自然人 + the five 法人或其他组织 columns;
- 表三, every column: （七）总计 = （一） + （二） + every line of （三） to （六）;
- 表三, every column: 本年新收 + 上年结转 = （七）总计 + 结转下年度继续办理 (the template's own
  勾稽关系: 第一项加第二项之和，等于第三项加第四项之和);
- 表四, every group: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.

A line left out is zeros; a total left out is computed; a total written is checked.
"""
from __future__ import annotations

from zwgk.base import Problem
from zwgk.base import annual_report as ar
from zwgk.library.model import Report, frozen_map
from zwgk.source import REPORT, FieldChecker, YamlSource

_COLUMNS = ar.APPLICANTS + (ar.TOTAL,)
_IDENTITY_HINT = "30号格式表三的勾稽关系：第一项加第二项之和，等于第三项加第四项之和；请核对这一列的数字"


def validate_report(source: YamlSource, county: str, county_name: str, problems: list[Problem]) -> Report | None:
    check = FieldChecker(source.path, problems)
    values = check.mapping(source.node, REPORT.fields, what="年报文件")
    if values is None:
        return None
    year = int(source.slug[:4])
    organ = values["organ"] or (f"{county_name}人民政府" if "/" not in source.slug else "")
    if not organ:
        check.error(source.node, "缺少必填字段 organ（报告机关）", "部门、乡镇的年报请写明报告机关，例如 organ: 临江县财政局")
        return None
    if values["published"] and values["published"].year <= year:
        check.error(source.node.value["published"], f"published: 发布日期 {values['published']} 早于 {year} 年度结束",
                    f"年报在次年公布：文件名是报告的年度（{year}），published 是公布的日期，例如 {year + 1}-01-20", "warning")
    if not values["published"]:
        return None
    figures = _Figures(check, source.node)
    active = figures.active(values["active"] or {})
    requests = figures.requests(values["requests"] or {})
    reviews = figures.reviews(values["reviews"] or {})
    return Report(key=source.slug, county=county, year=year, organ=organ, published=values["published"],
                  overview=values["overview"], problems=values["problems"], other=values["other"],
                  active=frozen_map(active), requests=frozen_map(requests), reviews=frozen_map(reviews),
                  src_path=source.path)


class _Figures:
    """The rows of the three tables, checked against the template, with their positions."""

    def __init__(self, check: FieldChecker, node):
        self.check = check
        self.node = node
        self.broken = False     # a figure was refused: sums over it would only repeat that error

    def at(self, *path: str, column: int | None = None):
        """The node of a row (or of one figure in it), or of the nearest part of its path that is written."""
        node = self.node
        for key in path:
            child = node.value.get(key) if node.kind == "map" else None
            if child is None:
                return node
            node = child
        if column is not None and node.kind == "seq" and column < len(node.value):
            return node.value[column]
        return node

    def row(self, path: tuple[str, ...], given: tuple | None, label: str, parts: tuple[str, ...], total: bool) -> tuple:
        """A row's figures, `parts` long and then its total (computed, or checked when written)."""
        n = len(parts)
        if not given:
            node = self.at(*path)
            written = node is not self.at(*path[:-1]) and node.kind != "null" and node.value not in ([], "")
            self.broken |= written      # and refused
            return (0,) * (n + total)
        if len(given) not in ((n, n + 1) if total else (n,)):
            self.broken = True
            wanted = f"{n} 个数（{'、'.join(parts)}）" + (f"，或再加总计共 {n + 1} 个" if total else "")
            self.check.error(self.at(*path), f"{'.'.join(path)}: {label}应为{wanted}，实际写了 {len(given)} 个",
                             f"例如：{path[-1]}: [{', '.join(['0'] * n)}]")
            return (0,) * (n + total)
        if not total:
            return tuple(given)
        expected = sum(given[:n])
        if len(given) == n + 1 and given[n] != expected:
            self.check.error(self.at(*path, column=n), f"{'.'.join(path)}: {label}的总计应为 {expected}（前 {n} 个数之和），实际写的是 {given[n]}",
                             "请核对这一行的数字和总计")
        return tuple(given[:n]) + (expected,)

    def active(self, raw: dict) -> dict[str, tuple[float, ...]]:
        out = {}
        for part in ar.ACTIVE_PARTS:
            for key, label in part.rows:
                if part.amount:
                    out[key] = (raw.get(key) or 0.0,)
                else:
                    out[key] = self.row(("active", key), raw.get(key), label, part.columns, total=False)
        return out

    def requests(self, raw: dict) -> dict[str, tuple[int, ...]]:
        self.broken |= self._unknown_request_rows()
        lines: dict[str, tuple[int, ...]] = {}
        for line in ar.REQUEST_LINES:
            group, _, sub = line.key.partition(".")
            given = (raw.get(group) or {}).get(sub) if sub else raw.get(group)
            lines[line.key] = self.row(("requests", *line.key.split(".")), given, line.heads[-1], ar.APPLICANTS, total=True)
        results = tuple(sum(lines[key][c] for key in ar.RESULT_KEYS) for c in range(len(_COLUMNS)))
        if self.broken:
            lines["total"] = results
            return lines
        if raw.get("total"):
            for c, (written, expected) in enumerate(zip(lines["total"], results)):
                if written != expected:
                    self.check.error(self.at("requests", "total", column=c),
                                     f"requests.total: （七）总计的“{_COLUMNS[c]}”应为 {expected}（（一）至（六）各行之和），实际写的是 {written}",
                                     "请核对这一列办理结果各行的数字")
                    break       # one column's slip shows in its 总计 column too
        lines["total"] = results
        failed = False
        for c, column in enumerate(_COLUMNS):
            new, carried, done, forward = (lines[key][c] for key in ("new", "carried_over", "total", "carried_forward"))
            if new + carried != done + forward and not (failed and column == ar.TOTAL):
                failed = True
                where = self.at("requests", "carried_forward", column=c) if raw.get("carried_forward") else self.at("requests")
                self.check.error(where, f"requests: “{column}”一列，本年新收 {new} + 上年结转 {carried} = {new + carried}，"
                                        f"不等于办理结果总计 {done} + 结转下年度继续办理 {forward} = {done + forward}", _IDENTITY_HINT)
        return lines

    def _unknown_request_rows(self) -> bool:
        """A row under a name the template does not have (reported as 未知的字段): its figures are missing."""
        node = self.at("requests")
        if node is self.node or node.kind != "map":
            return False
        known = {line.key.partition(".")[0]: line for line in ar.REQUEST_LINES}
        for key, child in node.value.items():
            if key not in known:
                return True
            if key in ar.REQUEST_GROUPS and child.kind == "map" and set(child.value) - set(ar.REQUEST_GROUPS[key][1]):
                return True
        return False

    def reviews(self, raw: dict) -> dict[str, tuple[int, ...]]:
        return {key: self.row(("reviews", key), raw.get(key), label, ar.OUTCOMES[:-1], total=True)
                for key, label in ar.REVIEW_GROUPS}
