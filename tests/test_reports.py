"""The structured 年报 (国办公开办函〔2021〕30号): its figures checked where the editor typed them,
its tables in the template's layout, and its downloads."""
from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from conftest import OFFICE_YAML, REPORT_YAML
from memory import build_in_memory, site_files
from zwgk.base import annual_report as ar
from zwgk.outputs.downloads.report import report_csv, report_xlsx

REPORT = "content/jia/reports/2024.yaml"


def report_problems(text: str, path: str = REPORT) -> list[str]:
    build = build_in_memory(site_files({"catalog/jia/county.yaml": "name: 甲县\ncode: '990901'\n" + OFFICE_YAML, path: text}),
                            render=False)
    return [f"{p.line}:{p.col}: {p.message}" for p in build.problems if p.path == path and p.severity == "error"]


def changed(old: str, new: str) -> str:
    assert old in REPORT_YAML, old
    return REPORT_YAML.replace(old, new)


def test_the_sample_report_adds_up():
    assert report_problems(REPORT_YAML) == []


# Broken figures, each with where the editor must look (line:col in REPORT_YAML as changed) and what is said.
BROKEN = [
    ("a row's total", changed("disclosed: [3, 1, 0, 0, 0, 0, 4]", "disclosed: [3, 1, 0, 0, 0, 0, 5]"),
     "10:33", "（一）予以公开的总计应为 4（前 6 个数之和），实际写的是 5"),
    ("（七）总计 of one column", changed("total: [5, 1, 0, 0, 0, 0, 6]", "total: [4, 1, 0, 0, 0, 0, 5]"),
     "13:11", "（七）总计的“自然人”应为 5"),
    ("new + carried over ≠ results + carried forward", changed("carried_forward: [1, 0, 0, 0, 0, 0, 1]", "carried_forward: [2, 0, 0, 0, 0, 0, 2]"),
     "14:21", "“自然人”一列，本年新收 5 + 上年结转 1 = 6，不等于办理结果总计 5 + 结转下年度继续办理 2 = 7"),
    ("an unbalanced column without a written total", changed("  carried_over: [1, 0, 0, 0, 0, 0]\n", ""),
     "13:21", "本年新收 5 + 上年结转 0 = 5，不等于办理结果总计 5 + 结转下年度继续办理 1 = 6"),
    ("a negative figure", changed("new: [5, 1", "new: [-5, 1"), "8:9", "requests.new[0]: 应为不小于 0 的整数，实际是 '-5'"),
    ("a decimal count", changed("licensing: 30", "licensing: 30.5"), "5:14", "active.licensing: 应为不小于 0 的整数"),
    ("a figure with a unit", changed("normative: [2, 1, 10]", "normative: [2, 1, 10件]"), "4:21", "应为不小于 0 的整数，实际是 '10件'"),
    ("a thousands comma", changed("licensing: 30", "licensing: 1,230"), "5:14", "应为不小于 0 的整数，实际是 '1,230'"),
    ("too few figures", changed("carried_over: [1, 0, 0, 0, 0, 0]", "carried_over: [1, 0, 0, 0, 0]"),
     "9:17", "requests.carried_over: 二、上年结转政府信息公开申请数量应为6 个数"),
    ("too many figures", changed("normative: [2, 1, 10]", "normative: [2, 1, 10, 13]"),
     "4:14", "active.normative: 行政规范性文件应为3 个数（本年制发件数、本年废止件数、现行有效件数），实际写了 4 个"),
    ("a negative amount", changed("fees: 1.5", "fees: -1.5"), "6:9", "active.fees: 应为不小于 0 的数"),
    ("a review's total", changed("review: [1, 0, 0, 0, 1]", "review: [1, 0, 0, 0, 2]"),
     "16:24", "reviews.review: 行政复议的总计应为 1（前 4 个数之和），实际写的是 2"),
    ("an unknown row", changed("  disclosed:", "  disclose:"), "10:3", "requests: 未知的字段 'disclose'"),
    ("an unknown reason of 不予公开", changed("  unable:\n    not_held:", "  unable:\n    not_hold:"),
     "12:5", "requests.unable: 未知的字段 'not_hold'"),
    ("the 总体情况 missing", changed("overview: 全年主动公开政府信息120条。\n", ""), "1:1", "缺少必填字段 overview"),
]


@pytest.mark.parametrize("what, text, where, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_figure_is_reported_where_it_is_written(what, text, where, message):
    found = report_problems(text)
    assert any(p.startswith(where + ": ") and message in p for p in found), found


@pytest.mark.parametrize("old, new", [("new: [5, 1", "new: [-5, 1"), ("  disclosed:", "  disclose:"),
                                      ("    not_held:", "    not_hold:"), ("new: [5, 1, 0, 0, 0, 0]", "new: [5, 1, 0, 0, 0]")])
def test_one_refused_figure_does_not_drag_the_sums_into_the_report(old, new):
    found = report_problems(changed(old, new))
    assert len(found) == 1, found


def test_a_department_report_names_its_organ_and_a_report_name_must_be_a_year():
    assert report_problems(REPORT_YAML, "content/jia/reports/2024/czj.yaml") == [
        "1:1: 缺少必填字段 organ（报告机关）"]
    build = build_in_memory(site_files({"content/jia/reports/报告.yaml": REPORT_YAML}), render=False)
    assert any(p.path == "content/jia/reports/报告.yaml" and "不是年份" in p.message for p in build.problems)


@pytest.fixture(scope="module")
def reported():
    return build_in_memory(site_files({"content/jia/reports/2024.yaml": REPORT_YAML,
                                       "catalog/yi/county.yaml": "name: 乙县\ncode: '990902'\n" + OFFICE_YAML,
                                       "content/jia/reports/2024/czj.yaml": "organ: 甲县财政局\n" + REPORT_YAML}))


def test_the_report_page_has_the_template_s_merged_headers_and_every_figure(reported):
    page = reported.pages["jia/reports/2024.html"]
    assert "<h1>甲县人民政府2024年政府信息公开工作年度报告</h1>" in page
    for _key, title in ar.SECTIONS:
        assert f">{title}</h2>" in page
    assert re.search(r'rowspan="22"[^>]*>三、本年度办理结果</th>', page)
    assert re.search(r'rowspan="8"[^>]*>（三）不予公开</th>', page)
    assert '<th colspan="3" rowspan="3" class="corner c0">' + ar.REQUEST_CORNER in page
    assert re.search(r'colspan="3">一、本年新收政府信息公开申请数量</th><td>5</td><td>1</td>(<td>0</td>){4}<td>6</td>', page)
    assert re.search(r'>（七）总计</th><td>5</td><td>1</td>(<td>0</td>){4}<td>6</td>', page)   # as written, and checked
    assert "<td colspan=\"3\">1.5</td>" in page and "<td colspan=\"3\">30</td>" in page
    # Each table is a labelled scroll region: on a phone it scrolls, its figures never wrap.
    assert page.count('class="table-scroll" role="region"') == 3


def test_the_reports_column_lists_each_year_and_only_a_county_with_reports_has_it(reported):
    listing = reported.pages["jia/reports/index.html"]
    assert listing.index("甲县人民政府2024年") < listing.index("甲县财政局2024年")
    assert 'href="reports/index.html"' in reported.pages["jia/index.html"]
    assert not any(p.startswith("yi/reports/") for p in reported.pages)
    assert "政府信息公开年报" not in reported.pages["yi/index.html"].split("<main", 1)[0]     # not in 乙县's navigation


def test_the_report_downloads_hold_every_figure_as_numbers_that_sum(reported):
    report = reported.library.report("jia", "2024")
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(reported.library.site, report)))
    assert book.sheetnames == ["主动公开", "依申请公开", "行政复议和行政诉讼"]
    sheet = book["依申请公开"]
    rows = {[c.value for c in row[:3] if c.value][-1]: [c.value for c in row[3:10]] for row in sheet.iter_rows(min_row=5)}
    assert rows["一、本年新收政府信息公开申请数量"] == [5, 1, 0, 0, 0, 0, 6]
    assert rows["1.本机关不掌握相关政府信息"] == [2, 0, 0, 0, 0, 0, 2]
    assert {str(r) for r in sheet.merged_cells.ranges} >= {"A1:J1", "A2:C4", "D2:J2", "A7:A28", "B9:B16"}
    assert book["主动公开"]["B15"].value == 1.5
    lines = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    assert lines[0] == ["报告机关", "年度", "表格", "项目", "指标", "数值"]
    figures = 3 * 2 + 1 + 2 + 1 + 7 * len(ar.REQUEST_LINES) + 5 * 3
    assert len(lines) == 1 + figures
    assert ["甲县人民政府", "2024", "三、收到和处理政府信息公开申请情况", "三、本年度办理结果 （七）总计", "总计", "6"] in lines
