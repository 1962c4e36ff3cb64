"""The format of the 政府信息公开工作年度报告 (国办公开办函〔2021〕30号): its tables, rows and columns.

The labels are the template's own words. Each table is a list of `Line`s; a line's
`heads` are its row-header cells from the left, and a head repeated on consecutive lines
is one cell merged over them (三、本年度办理结果, （三）不予公开 ...), as in the template.
A line with fewer heads than the deepest one spans the remaining header columns.
The YAML keys (`key`, dotted for a line of a group) are what a report file writes.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    key: str                  # "new", or "refused.state_secret" for a line of a group
    heads: tuple[str, ...]


# 二、主动公开政府信息情况: four parts, each the information of one item of 条例第二十条.
@dataclass(frozen=True, slots=True)
class ActivePart:
    article: str                      # the item of 条例第二十条 it reports
    columns: tuple[str, ...]          # after 信息内容
    rows: tuple[tuple[str, str], ...]   # (key, 信息内容)
    amount: bool = False              # money (万元, decimals allowed), not a count


ACTIVE_PARTS = (
    ActivePart("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
               (("rules", "规章"), ("normative", "行政规范性文件"))),
    ActivePart("第二十条第（五）项", ("本年处理决定数量",), (("licensing", "行政许可"),)),
    ActivePart("第二十条第（六）项", ("本年处理决定数量",), (("penalty", "行政处罚"), ("coercion", "行政强制"))),
    ActivePart("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("fees", "行政事业性收费"),), amount=True),
)

# 三、收到和处理政府信息公开申请情况
APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
ORGANISATIONS = APPLICANTS[1:]           # under 法人或其他组织
TOTAL = "总计"
REQUEST_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

_RESULT = "三、本年度办理结果"
_GROUPS = (
    ("refused", "（三）不予公开", (
        ("state_secret", "1.属于国家秘密"),
        ("law_forbids", "2.其他法律行政法规禁止公开"),
        ("security", "3.危及“三安全一稳定”"),
        ("third_party", "4.保护第三方合法权益"),
        ("internal", "5.属于三类内部事务信息"),
        ("process", "6.属于四类过程性信息"),
        ("enforcement", "7.属于行政执法案卷"),
        ("query", "8.属于行政查询事项"),
    )),
    ("unable", "（四）无法提供", (
        ("not_held", "1.本机关不掌握相关政府信息"),
        ("needs_making", "2.没有现成信息需要另行制作"),
        ("unclear", "3.补正后申请内容仍不明确"),
    )),
    ("not_processed", "（五）不予处理", (
        ("petition", "1.信访举报投诉类申请"),
        ("repeated", "2.重复申请"),
        ("publications", "3.要求提供公开出版物"),
        ("mass", "4.无正当理由大量反复申请"),
        ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    )),
    ("other", "（六）其他处理", (
        ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("others", "3.其他"),
    )),
)

REQUEST_LINES: tuple[Line, ...] = (
    Line("new", ("一、本年新收政府信息公开申请数量",)),
    Line("carried_over", ("二、上年结转政府信息公开申请数量",)),
    Line("disclosed", (_RESULT, "（一）予以公开")),
    Line("partly", (_RESULT, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    *(Line(f"{group}.{key}", (_RESULT, head, label)) for group, head, rows in _GROUPS for key, label in rows),
    Line("total", (_RESULT, "（七）总计")),
    Line("carried_forward", ("四、结转下年度继续办理",)),
)
REQUEST_GROUPS = {group: (head, tuple(key for key, _label in rows)) for group, head, rows in _GROUPS}
# The lines whose sum is （七）总计: every result line but the total itself.
RESULT_KEYS = tuple(line.key for line in REQUEST_LINES if line.heads[0] == _RESULT and line.key != "total")

# 四、政府信息公开行政复议、行政诉讼情况: one line of three groups of five.
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", TOTAL)
REVIEW_GROUPS = (("review", "行政复议"), ("suit_direct", "未经复议直接起诉"), ("suit_after_review", "复议后起诉"))
SUIT = "行政诉讼"

# The report's text sections (一、五、六) and the tables' headings (二、三、四), in order.
SECTIONS = (
    ("overview", "一、总体情况"),
    ("active", "二、主动公开政府信息情况"),
    ("requests", "三、收到和处理政府信息公开申请情况"),
    ("reviews", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)
SECTION_TITLE = dict(SECTIONS)


def row_heads(lines: tuple[Line, ...] = REQUEST_LINES) -> list[list[tuple[str, int, int, int]]]:
    """Each line's row-header cells as the template merges them: (text, rows, columns, first
    column). A head shared with the line above is that line's cell, merged down; a line's last
    head spans the header columns it leaves empty."""
    depth = max(len(line.heads) for line in lines)
    out = []
    for n, line in enumerate(lines):
        cells = []
        for d, head in enumerate(line.heads):
            if n and lines[n - 1].heads[:d + 1] == line.heads[:d + 1]:
                continue
            rows = 1
            while n + rows < len(lines) and lines[n + rows].heads[:d + 1] == line.heads[:d + 1]:
                rows += 1
            cells.append((head, rows, depth - d if d == len(line.heads) - 1 else 1, d))
        out.append(cells)
    return out


# The row headers of 表三, as the page and the workbook draw them.
REQUEST_HEADS = row_heads()
