"""zwgk's own XLSX writer: a closed sheet serves several workbooks, text stays text, the zip is sound."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

import openpyxl
import pytest

from zwgk.outputs.downloads import sheet_name
from zwgk.outputs.downloads.xlsx import Format, PageSetup, Properties, Sheet, Styles, workbook

STYLES = Styles([Format(font="宋体", size=10, border=True), Format(font="宋体", size=10, border=True, quote_prefix=True)])
PLAIN, QUOTED = STYLES.number(STYLES.formats[0]), STYLES.number(STYLES.formats[1])
TRICKY = ["<r><t>改写</t></r>", " 前后空格 ", "&amp; \"引号\"", "行一\n行二", "_x0041_", "a\x01b", "=1+1"]
# What Excel reads back as the text written; openpyxl does not undo Excel's _xHHHH_ escapes.
ESCAPED = {"_x0041_": "_x005F_x0041_", "a\x01b": "a_x0001_b"}


def sheet() -> Sheet:
    ws = Sheet(STYLES)
    ws.widths([8, 0.5, 20])
    ws.merge(0, 0, 0, 2, "标题", PLAIN)
    for r, text in enumerate(TRICKY, start=1):
        ws.row(r, [(str(r), PLAIN), ("", PLAIN), (text, QUOTED if text.startswith("=") else PLAIN)])
    ws.frozen_rows = 1
    ws.page = PageSetup(landscape=True, paper=9, area=(0, 0, len(TRICKY), 2), title_rows=(0, 0), footer="&C第 &P 页")
    ws.close()
    return ws


def opened(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None                         # every entry's CRC-32 checks out
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    return openpyxl.load_workbook(io.BytesIO(data))


def test_a_closed_sheet_is_the_same_table_in_every_workbook():
    table, other = sheet(), Sheet(STYLES)
    other.cell(0, 0, "另一张", PLAIN)
    props = Properties(title="目录", author="某市", company="某办公室", created=datetime(2024, 7, 15))
    alone, second = opened(workbook([("表", table)], props)), opened(workbook([("前", other), ("表", table)], props))
    assert second.sheetnames == ["前", "表"]
    a, b = alone["表"], second["表"]
    values = [[c.value for c in row] for row in a.iter_rows()]
    assert values == [[c.value for c in row] for row in b.iter_rows()]
    assert [row[2] for row in values[1:]] == [ESCAPED.get(t, t) for t in TRICKY]   # text comes back as written
    assert values[1][1] is None                                   # "" is a blank cell
    assert all(c.data_type == "s" for row in a.iter_rows() for c in row if c.value is not None)
    assert a["C8"].quotePrefix and not a["C7"].quotePrefix and a["B2"].border.left.style == "thin"
    assert a.sheet_view.tabSelected and not b.sheet_view.tabSelected and second["前"].sheet_view.tabSelected
    assert {str(r) for r in a.merged_cells.ranges} == {"A1:C1"} and a.freeze_panes == "A2"
    assert a.print_area.endswith("!$A$1:$C$8") and a.print_title_rows == "$1:$1" == b.print_title_rows
    assert a.page_setup.orientation == "landscape" and a.oddFooter.center.text == "第 &P 页"
    assert (alone.properties.title, alone.properties.creator, alone.properties.created) == ("目录", "某市", datetime(2024, 7, 15))


def test_sheet_names_excel_refuses_are_refused():
    with pytest.raises(ValueError):
        workbook([("表", sheet()), ("表", sheet())], Properties())       # twice
    with pytest.raises(ValueError):
        workbook([("a/b", sheet())], Properties())
    with pytest.raises(ValueError):
        Sheet(STYLES).cell(1_048_576, 0, "x", PLAIN)                    # below Excel's last row


def test_a_domain_name_always_gives_a_sheet_name_excel_accepts():
    for name in ("'" + "长" * 29 + "'尾", "[财政]/预决算*", "'", "x" * 40):
        got = sheet_name(name)
        assert got and len(got) <= 31 and not got.startswith("'") and not got.endswith("'")
        assert not set("[]:*?/\\") & set(got)


def test_text_is_escaped_never_read_as_markup():
    with zipfile.ZipFile(io.BytesIO(workbook([("表", sheet())], Properties()))) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<t>&lt;r&gt;&lt;t&gt;改写&lt;/t&gt;&lt;/r&gt;</t>" in xml
    assert '<t xml:space="preserve"> 前后空格 </t>' in xml
    assert "<t>_x005F_x0041_</t>" in xml and "<t>a_x0001_b</t>" in xml
    assert "<f>" not in xml and 't="s"' not in xml and "<r>" not in xml


def test_every_row_is_as_tall_as_its_wrapped_text_needs():
    wrap = Styles([Format(font="宋体", size=10, wrap=True, border=True), Format(font="宋体", size=16)])
    text, title = wrap.number(wrap.formats[0]), wrap.number(wrap.formats[1])
    ws = Sheet(wrap)
    ws.widths([10, 10, 10])
    ws.merge(0, 0, 0, 2, "一个标题", title)
    ws.row(1, [("短", text), ("", text), ("", text)])
    ws.row(2, [("公开内容" * 10, text), ("2024", text), ("", text)])         # 40 CJK characters in 10
    ws.row(3, [("第一行\n第二行\n第三行", text), ("", text), ("", text)])
    ws.merge(4, 0, 5, 0, "合并的单元格里很长的一段文字" * 3, text)               # over two rows
    ws.row(6, [("a" * 60, text), ("", text), ("", text)])                  # Latin: about half as wide
    ws.close()
    rows = opened(workbook([("表", ws)], Properties())).active.row_dimensions
    heights = {r: rows[r].height for r in range(1, 8)}
    assert all(heights.values()), "every row carries a height"
    one_line = heights[2]
    assert heights[1] > one_line                         # 16-point title
    # A 10-character column holds 70 pixels: four or five 13-pixel characters a line.
    assert heights[3] >= 8 * (one_line - 4)
    assert heights[4] >= 3 * (one_line - 4)             # a line each paragraph
    assert heights[5] >= 9 * (one_line - 4)             # a merged range's first row holds its text
    assert one_line * 2 < heights[7] < heights[3]
