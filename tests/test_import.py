"""`zwgk import`: tables as counties publish them, in their real-world variants, become catalog YAML that builds."""
from __future__ import annotations

import argparse
import csv
import io
import os
from datetime import date

import openpyxl
import pytest
import yaml

from conftest import REPO, read, run_zwgk
from zwgk.outputs import downloads
from zwgk.commands import importer
from zwgk.library import load_library

TITLE = "某区社会救助领域基层政务公开标准目录"
HEADER_1 = ["序号", "公开事项", "", "", "公开内容（要素）及要求", "公开依据", "公开时限", "公开主体",
            "公开渠道和载体", "公开对象", "", "公开方式", "", "公开层级", "", "责任科室", "备注"]
HEADER_2 = ["", "一级事项", "二级事项", "三级事项", "", "", "", "", "", "全社会", "特定群众", "主动",
            "依申请公开", "区级", "镇(街)级", "", ""]
ROWS = [
    ["1", "最低生活保障", "审核确认", "办事指南", "申请条件\n办理流程", "《社会救助暂行办法》、《最低生活保障审核确认办法》",
     "信息形成或变更之日起20个工作日内", "区民政局", "■政府网站 □政府公报\n□两微一端 ■社区/企事业单位/村公示栏（电子屏）",
     "√", "", "√", "", "√", "✓", "社会救助科", ""],
    ["2", "", "审核确认", "保障对象", "保障对象姓名（隐去身份证号）、保障金额", "《最低生活保障审核确认办法》",
     "每月更新", "各镇（街道）", "□政府网站 ■社区/企事业单位/村公示栏(电子屏) ■12345政务服务热线",
     "", "√（低保对象）", "", "✔", "", "是", "", "原表备注"],
    ["3", "特困人员救助供养", "", "", "认定条件、供养标准", "《社会救助暂行办法》", "20个工作日内", "区民政局",
     "政府网站、政务服务中心", "√", "", "√", "", "√", "", "", ""],
]


def official_xlsx(path, rows=ROWS, sheet="Sheet1") -> str:
    """The official layout: a title row, two header rows with merged group cells, and the
    一级事项 of the first two items merged over both rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([TITLE])
    ws.append(HEADER_1)
    ws.append(HEADER_2)
    for row in rows:
        ws.append(row)
    for ref in ("A1:Q1", "A2:A3", "B2:D2", "E2:E3", "F2:F3", "G2:G3", "H2:H3", "I2:I3", "J2:K2",
                "L2:M2", "N2:O2", "P2:P3", "Q2:Q3", "B4:B5"):
        ws.merge_cells(ref)
    wb.save(path)
    return str(path)


def text_extracted_csv(path, encoding: str, box: str = "口") -> str:
    """The same table as text extraction gives it: no merges (blank repeated 一级事项),
    □ turned into 口, group labels only above the first column of their group."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([TITLE])
    writer.writerow(HEADER_1)
    writer.writerow(HEADER_2)
    for row in ROWS:
        cells = [cell.replace("□", box) for cell in row]
        if encoding.startswith("gb"):        # GBK has √ but no ✓ ✔
            cells = [cell.replace("✓", "√").replace("✔", "√") for cell in cells]
        writer.writerow(cells)
    with open(path, "wb") as f:
        f.write(out.getvalue().encode(encoding))
    return str(path)


EXPECTED = [
    {"id": "shjz-001", "level1": "最低生活保障", "level2": "审核确认", "level3": "办事指南",
     "content": "申请条件\n办理流程", "basis": ["《社会救助暂行办法》", "《最低生活保障审核确认办法》"],
     "deadline": "信息形成或变更之日起20个工作日内", "subject": "区民政局",
     "channels": ["政府网站", "社区/企事业单位/村公示栏(电子屏)"], "audience": "全社会", "mode": "主动",
     "level": ["县级", "乡级"], "note": "责任科室：社会救助科"},
    {"id": "shjz-002", "level1": "最低生活保障", "level2": "审核确认", "level3": "保障对象",
     "content": "保障对象姓名（隐去身份证号）、保障金额", "basis": ["《最低生活保障审核确认办法》"],
     "deadline": "每月更新", "subject": "各镇（街道）",
     "channels": ["社区/企事业单位/村公示栏(电子屏)", "12345政务服务热线"], "audience": "特定群体",
     "audience_note": "低保对象", "mode": "依申请", "level": ["乡级"], "note": "原表备注"},
    {"id": "shjz-003", "level1": "特困人员救助供养", "content": "认定条件、供养标准", "basis": ["《社会救助暂行办法》"],
     "deadline": "20个工作日内", "subject": "区民政局", "channels": ["政府网站", "政务服务中心"],
     "audience": "全社会", "mode": "主动", "level": ["县级"]},
]


def importer_sheet(domain_name: str) -> str:
    from zwgk.outputs import sheet_name
    return sheet_name(domain_name)


def words():
    return importer.Words.for_site(local_channels=("12345政务服务热线",))


def import_file(path, domain="社会救助", slug="shjz", sheet=None):
    table = importer.read_table(str(path), sheet, domain)
    return importer.import_table(table, domain, slug, words())


def args(file, site, *, county="jia", domain="社会救助", out=None, force=False, sheet=None, slug=None):
    return argparse.Namespace(file=str(file), county=county, domain=domain, out=out, force=force,
                              sheet=sheet, slug=slug, site=site)


# ---------------------------------------------------------------- the variants

def test_official_xlsx_with_merged_cells_marks_and_checklists(tmp_path):
    result = import_file(official_xlsx(tmp_path / "shjz.xlsx"))
    assert result.items == EXPECTED
    assert [w.message for w in result.warnings] == ["表格中有标准目录以外的列，其内容已写入各事项的备注（note）：责任科室"]
    assert list(result.items[1]) == ["id", "level1", "level2", "level3", "content", "basis", "deadline", "subject",
                                     "channels", "audience", "audience_note", "mode", "level", "note"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_text_extracted_csv_in_every_encoding(tmp_path, encoding):
    result = import_file(text_extracted_csv(tmp_path / "shjz.csv", encoding))
    assert result.items == EXPECTED


def test_excel_unicode_text_is_read_too(tmp_path):
    path = tmp_path / "shjz.txt"
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows([HEADER_1, HEADER_2, *ROWS])
    path.write_bytes(out.getvalue().encode("utf-16"))
    assert import_file(path).items == EXPECTED


# How each encoding a county's CSV comes in is written: Python's codec, and a byte-order mark
# where the codec adds none (UTF-16 BE as some Mac and Linux tools save it).
CSV_ENCODINGS = {
    "UTF-8": lambda text: text.encode("utf-8"),
    "UTF-8 BOM": lambda text: text.encode("utf-8-sig"),
    "GB18030": lambda text: text.encode("gb18030"),
    "UTF-16 LE BOM": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "UTF-16 BE BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
}


@pytest.mark.parametrize("encoding", CSV_ENCODINGS)
def test_the_same_csv_imports_alike_in_every_encoding(tmp_path, encoding):
    """One decoder reads every table: the encoding a CSV was saved in changes nothing imported."""
    out = io.StringIO()
    csv.writer(out).writerows([[TITLE], HEADER_1, HEADER_2, *ROWS])
    path = tmp_path / "shjz.csv"
    path.write_bytes(CSV_ENCODINGS[encoding](out.getvalue()))
    result = import_file(path)
    assert result.items == EXPECTED
    assert [w.message for w in result.warnings] == ["表格中有标准目录以外的列，其内容已写入各事项的备注（note）：责任科室"]


def test_a_csv_the_import_reads_the_personal_information_scan_reads_too(tmp_path):
    """The symptom that made one decoder: a UTF-16 CSV imported, yet the scan called it unreadable."""
    from zwgk.source.attachments import extract
    out = io.StringIO()
    csv.writer(out).writerows([HEADER_1, HEADER_2, *ROWS])
    path = tmp_path / "shjz.csv"
    path.write_bytes(out.getvalue().encode("utf-16"))
    assert import_file(path).items == EXPECTED
    got = extract(str(path))
    assert got.unreadable == ""
    assert [p.text for p in got.pieces][:1] == [",".join(HEADER_1)]


def test_a_csv_with_nul_characters_is_refused_at_its_position(tmp_path):
    path = tmp_path / "shjz.csv"
    path.write_bytes("一级事项,公开主体\n政府预算,县\x00财政局\n".encode("utf-8"))
    (text,) = failure(path)
    assert text.startswith(f"{path}:2:7: ") and "空字符" in text and "CSV UTF-8" in text


def test_an_undecodable_csv_names_where_reading_stopped(tmp_path):
    path = tmp_path / "shjz.csv"
    path.write_bytes("一级事项,公开主体\n政府预算,县财政局\n".encode("gbk") + b"\x81\xff\n")
    (text,) = failure(path)
    assert text.startswith(f"{path}:3:1: ") and "无法识别文件的字符编码" in text and "第 3 行第 1 个字节" in text


def test_a_csv_the_csv_reader_refuses_gets_a_chinese_message_at_its_line(tmp_path):
    path = tmp_path / "shjz.csv"
    huge = "很长" * 70_000           # one cell past the csv module's field limit (131,072 characters)
    path.write_bytes(f"一级事项,公开主体\n政府预算,县财政局\n\"{huge}\",县\n".encode("utf-8"))
    (text,) = failure(path)
    assert text.startswith(f"{path}:3:1: ") and "CSV 格式错误" in text and "另存为" in text
    assert "field" not in text and "limit" not in text          # no English from the csv module


def channels(text: str, names=None) -> tuple[list[str], list[str]]:
    cell = importer.read_channels(text) if names is None else importer.read_channels(text, names)
    assert not cell.unknown, cell
    return cell.on, cell.off


def test_a_box_inside_a_name_is_not_taken_for_a_box():
    assert channels("口办事窗口 ■政府网站") == (["政府网站"], ["办事窗口"])
    assert channels("☑政府网站☐政府公报") == (["政府网站"], ["政府公报"])
    assert channels("政府网站\n政务服务中心") == (["政府网站", "政务服务中心"], [])
    assert channels("口政府网站 ■出入境口岸 ■人口普查公示栏", ["政府网站", "出入境口岸", "人口普查公示栏"]) == (
        ["出入境口岸", "人口普查公示栏"], ["政府网站"])


# A row's 公开渠道和载体 as OCR of a scanned table gives it: every □ became 口, glued to the names.
OCR_CELL = ("■政府网站口政府公报口两微一端口发布会/听证会口广播电视口纸质媒体口公开查阅点口政务服务中心口便民服务站"
            "■入户/现场口社区/企事业单位/村公示栏(电子屏)口精准推送口其他")


@pytest.mark.parametrize("text, on", [
    (OCR_CELL, ["政府网站", "入户/现场"]),
    ("■政府网站 口 政府公报 ■ 精准推送", ["政府网站", "精准推送"]),                 # spaced boxes
    ("√政府网站 ×政府公报 ✔两微一端 ✓精准推送", ["政府网站", "两微一端", "精准推送"]),
    ("1.政府网站 2.政府公报\n3.两微一端", ["政府网站", "政府公报", "两微一端"]),          # numbered
    ("①政府网站②政务服务中心", ["政府网站", "政务服务中心"]),
    ("政府网站、政府公报，两微一端；精准推送", ["政府网站", "政府公报", "两微一端", "精准推送"]),
    ("政府网站/政府公报 两微一端", ["政府网站", "政府公报", "两微一端"]),
    ("政府网站政府公报", ["政府网站", "政府公报"]),                                   # glued, no separator
    ("■社区／企事业单位／村公示栏（电子屏）", ["社区/企事业单位/村公示栏(电子屏)"]),       # full-width punctuation
])
def test_channel_cells_in_every_form_real_tables_use(text, on):
    assert channels(text)[0] == on


def test_a_part_that_is_no_channel_is_quoted_and_marked():
    cell = importer.read_channels("■政府网站口政府公报■村务公开栏")
    assert cell.on == ["政府网站"] and cell.unknown == [(11, 16, "村务公开栏")]


def test_other_channel_with_its_name(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("一级事项,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\n"
                    "政府预算,县财政局,■政府网站 ■其他（村务公开栏）,全社会,主动,县级\n", encoding="utf-8")
    (item,) = import_file(path, "财政预决算", "czyjs").items
    assert item["channels"] == ["政府网站", "其他"] and item["note"] == "公开渠道（其他）：村务公开栏"


def test_marks():
    for mark in ("√", "✓", "✔", "是", "■", "V"):
        assert importer.read_mark(mark) == (True, ""), mark
    for blank in ("", "×", "□", "口", "否", "—"):
        assert importer.read_mark(blank) == (False, ""), blank
    assert importer.read_mark("√（教师）") == (True, "教师")
    assert importer.read_mark("见说明")[0] is None


def test_basis_split():
    assert importer.split_basis("《甲》、《乙》；《丙》\n《丁》第三条") == ["《甲》", "《乙》", "《丙》", "《丁》第三条"]
    assert importer.split_basis("《甲》第一条、第二条") == ["《甲》第一条、第二条"]
    # The same cell as Excel shows it (line breaks) and as a CSV export often runs it together.
    typed = importer.split_basis("《中华人民共和国预算法》\n《中华人民共和国政府信息公开条例》")
    assert importer.split_basis("《中华人民共和国预算法》《中华人民共和国政府信息公开条例》") == typed
    assert importer.split_basis("《中华人民共和国预算法》 《中华人民共和国政府信息公开条例》") == typed
    assert importer.split_basis("《关于印发〈甲〉的通知》") == ["《关于印发〈甲〉的通知》"]


def test_single_row_header_with_value_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("事项名称,公开内容,公开主体,公开渠道,公开对象,公开方式,公开层级\n"
                    "政府预算,收入表,县财政局,政府网站,特定群体（教师）,依申请公开,县级、乡级\n", encoding="utf-8")
    (item,) = import_file(path, "财政预决算", "czyjs").items
    assert item == {"id": "czyjs-001", "level1": "政府预算", "content": "收入表", "subject": "县财政局",
                    "channels": ["政府网站"], "audience": "特定群体", "audience_note": "教师", "mode": "依申请",
                    "level": ["县级", "乡级"]}


def test_ids_are_stable_and_given_ids_are_kept(tmp_path):
    first = import_file(official_xlsx(tmp_path / "a.xlsx")).items
    assert [i["id"] for i in first] == [i["id"] for i in import_file(official_xlsx(tmp_path / "b.xlsx")).items]
    rows = [r[:] for r in ROWS]
    header_1 = HEADER_1 + ["事项编号"]
    path = tmp_path / "ids.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerows([header_1, HEADER_2 + [""]] + [r + [f"db-{n}"] for n, r in enumerate(rows, 1)])
    assert [i["id"] for i in import_file(path).items] == ["db-1", "db-2", "db-3"]


def test_csv_apostrophe_before_a_formula_is_removed(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("一级事项,公开内容,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\n"
                    "政府预算,'=1+2,'+县财政局,政府网站,全社会,主动,县级\n", encoding="utf-8-sig")
    (item,) = import_file(path, "财政预决算", "czyjs").items
    assert item["content"] == "=1+2" and item["subject"] == "+县财政局"


# ---------------------------------------------------------------- clear errors

def failure(path, **kw) -> list[str]:
    with pytest.raises(importer.ImportFailed) as exc:
        import_file(path, **kw)
    return [p.as_text() for p in exc.value.problems]


def test_an_undecodable_file_is_a_clear_error_naming_the_file(tmp_path):
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"\x81\xff\xfe" * 20)
    (text,) = failure(path)
    assert str(path) in text and "无法识别文件的字符编码" in text and "UTF-8" in text


def test_big5_is_not_taken_for_gbk(tmp_path):
    path = tmp_path / "big5.csv"
    path.write_bytes("一級事項,公開主體,公開渠道\n政府預算,縣財政局,政府網站\n".encode("big5"))
    (text,) = failure(path)
    assert "找不到表头" in text and "GBK" in text


def test_a_damaged_old_xls_says_how_to_save_it_anew(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (text,) = failure(path)
    assert "无法读取这个工作簿" in text and "另存为 .xlsx" in text


def test_problems_name_sheet_row_and_column(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[0][8] = "■政府网占"
    rows[2][11] = "待定"
    rows[2][7] = ""
    texts = failure(official_xlsx(tmp_path / "bad.xlsx", rows, sheet="社会救助"))
    assert texts == [
        f"{tmp_path / 'bad.xlsx'}: 工作表“社会救助”第 4 行 I 列（公开渠道和载体）：“政府网占”不是标准的公开渠道（是否应为 '政府网站'？）\n"
        "      ■政府网占\n"
        "       ^^^^^^^^\n"
        "   提示：这一格里其余的都是标准渠道；请把这一部分改成 13 种标准渠道之一，或删去；"
        "本地渠道（如 12345政务服务热线）请先在 site.yaml 的 local_channels 中声明，再导入",
        f"{tmp_path / 'bad.xlsx'}: 工作表“社会救助”第 6 行 L 列（公开方式/主动）：无法识别的标记“待定”\n"
        "   提示：打勾的单元格请填写 √，不适用的留空",
        f"{tmp_path / 'bad.xlsx'}: 工作表“社会救助”第 6 行：缺少“公开主体”\n"
        "   提示：请在表格中填写这一行的“公开主体”后再导入",
        f"{tmp_path / 'bad.xlsx'}: 工作表“社会救助”第 6 行：缺少“公开方式”\n"
        "   提示：请在表格中填写这一行的“公开方式”后再导入",
    ]


def test_a_missing_required_column_is_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("一级事项,公开内容,公开渠道,公开对象,公开方式,公开层级\n政府预算,x,政府网站,全社会,主动,县级\n", encoding="utf-8")
    (text,) = failure(path)
    assert "表头中找不到“公开主体”列" in text


def test_a_workbook_of_several_sheets_needs_the_sheet(tmp_path):
    path = official_xlsx(tmp_path / "two.xlsx")
    wb = openpyxl.load_workbook(path)
    other = wb.create_sheet("另一个")
    other.append(["x", "y"])
    other.append(["1", "2"])
    wb.save(path)
    (text,) = failure(path)
    assert "--sheet" in text and "Sheet1" in text
    assert import_file(path, sheet="Sheet1").items == EXPECTED


# ---------------------------------------------------------------- the command

def test_import_writes_yaml_that_builds_and_never_overwrites_without_force(make_site, tmp_path, capsys):
    site = make_site()
    table = official_xlsx(tmp_path / "shjz.xlsx")
    assert importer.run_import_command(args(table, site)) == 0
    dest = os.path.join(site, "catalog", "jia", "shjz.yaml")
    text = read(dest)
    schema_line, provenance = text.split("\n")[:2]
    assert schema_line == "# yaml-language-server: $schema=../../schemas/domain.schema.json"
    assert provenance.startswith("# 由 zwgk import 从 shjz.xlsx（工作表“Sheet1”）导入")
    data = yaml.safe_load(text)
    assert data["domain"] == "社会救助" and data["items"] == EXPECTED
    captured = capsys.readouterr()
    assert "导入 3 个事项" in captured.out and "责任科室" in captured.err

    library = load_library(site).library
    domain = next(d for d in library.county("jia").domains if d.slug == "shjz")
    assert [i.id for i in domain.items] == ["shjz-001", "shjz-002", "shjz-003"]

    with open(dest, "a", encoding="utf-8") as f:
        f.write("# 编辑者的修改\n")
    assert importer.run_import_command(args(table, site)) == 1
    assert "已存在，没有覆盖" in capsys.readouterr().err and read(dest).endswith("# 编辑者的修改\n")
    assert importer.run_import_command(args(table, site, force=True)) == 0
    assert not read(dest).endswith("# 编辑者的修改\n")


def test_nothing_is_written_when_the_table_has_errors(make_site, tmp_path, capsys):
    site = make_site()
    rows = [r[:] for r in ROWS]
    rows[1][8] = "■村务公开栏"
    assert importer.run_import_command(args(official_xlsx(tmp_path / "bad.xlsx", rows), site)) == 1
    err = capsys.readouterr().err
    assert "第 5 行 I 列（公开渠道和载体）：“村务公开栏”不是标准的公开渠道" in err
    assert not os.path.exists(os.path.join(site, "catalog", "jia", "shjz.yaml"))


def test_usage_errors_exit_2(make_site, tmp_path, capsys):
    site = make_site()
    table = official_xlsx(tmp_path / "shjz.xlsx")
    assert importer.run_import_command(args(tmp_path / "none.xlsx", site)) == 2
    assert importer.run_import_command(args(table, site, domain="乡村振兴")) == 2
    assert "--slug" in capsys.readouterr().err
    assert importer.run_import_command(args(table, site, county="yi")) == 2
    assert "zwgk new-county yi" in capsys.readouterr().err


def test_a_local_domain_with_its_slug_and_an_out_path(make_site, tmp_path):
    site = make_site()
    out = tmp_path / "elsewhere" / "xczx.yaml"
    table = official_xlsx(tmp_path / "x.xlsx")
    assert importer.run_import_command(args(table, site, domain="乡村振兴", slug="xczx", out=str(out))) == 0
    text = out.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["domain"] == "乡村振兴" and data["items"][0]["id"] == "xczx-001"
    assert "yaml-language-server" not in text          # outside the site: no schema path to point at


def test_the_command_line(make_site, tmp_path):
    site = make_site()
    table = official_xlsx(tmp_path / "shjz.xlsx")
    done = run_zwgk("import", table, "--county", "jia", "--domain", "shjz", cwd=site)
    assert done.returncode == 0, done.stderr
    written = read(os.path.join(site, "catalog", "jia", "shjz.yaml"))
    # The editor's checking goes on in the imported file, as in scaffolded ones.
    assert written.split("\n", 1)[0] == "# yaml-language-server: $schema=../../schemas/domain.schema.json"
    again = run_zwgk("import", table, "--county", "jia", "--domain", "shjz", cwd=site)
    assert again.returncode == 1 and "--force" in again.stderr


# ---------------------------------------------------------------- round trip

def comparable(item) -> dict:
    """An item's fields as the importer gives them; channels as a set, because the
    ■/□ checklist lists channels in the standard order, not the editor's."""
    out = {}
    for f in importer.schema.ITEM.fields:
        value = item.get(f.name) if isinstance(item, dict) else getattr(item, f.name)
        if value in (None, "", (), []):
            continue
        out[f.name] = sorted(value) if f.name == "channels" else list(value) if isinstance(value, tuple) else value
    return out


def test_round_trip_of_the_demo_site():
    library = load_library(REPO).library
    site = library.site
    words = importer.Words.for_site(site.level_names, site.local_channels)
    checked = 0
    for county in library.counties:
        outputs = dict(downloads.download_outputs(library, county))
        for name in ("catalog.xlsx", "catalog.csv", "catalog.json"):
            path = os.path.join(REPO, "public-never", name)      # a name for messages only
            data = outputs[f"{county.slug}/downloads/{name}"]
            for domain in county.domains:
                tables = importer.tables_from(path, data)
                table = next(t for t in tables if t.sheet == (domain.name if name.endswith(".json") else importer_sheet(domain.name))) \
                    if not name.endswith(".csv") else tables[0]
                got = importer.import_table(table, domain.name, domain.slug, words).items
                assert [comparable(i) for i in got] == [comparable(i) for i in domain.items], (county.slug, domain.slug, name)
                checked += len(got)
    assert checked > 50


def test_round_trip_keeps_formula_like_text_and_line_breaks(make_site, tmp_path):
    site = make_site({"content/jia/docs/2024-czj-001.md": None, "catalog/jia/czyjs.yaml": """\
domain: 财政预决算
items:
  - id: czyjs-x-01
    level1: "=政府预算"
    content: |-
      第一行
      第二行
    basis: ["@《预算法》", 《条例》]
    subject: "-县财政局"
    channels: [政府网站]
    audience: 全社会
    mode: 主动
    level: [县级]
    updated: 2024-01-02
"""})
    library = load_library(site).library
    county = library.county("jia")
    outputs = dict(downloads.download_outputs(library, county))
    for name in ("czyjs.xlsx", "czyjs.csv"):
        path = tmp_path / name
        path.write_bytes(outputs[f"jia/downloads/{name}"])
        (item,) = import_file(path, "财政预决算", "czyjs").items
        assert item == {"id": "czyjs-x-01", "level1": "=政府预算", "content": "第一行\n第二行",
                        "basis": ["@《预算法》", "《条例》"], "subject": "-县财政局", "channels": ["政府网站"],
                        "audience": "全社会", "mode": "主动", "level": ["县级"], "updated": date(2024, 1, 2)}, name
