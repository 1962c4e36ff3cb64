"""The download files: XLSX laid out like the standard table, CSV, JSON with its schema, the offline zip."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

import jsonschema
import openpyxl
import pytest

from conftest import DOMAIN_YAML, SITE_YAML
from zwgk.outputs import downloads
from zwgk.library import load_library
from zwgk.base.errors import ContentErrors
from zwgk.library import PagePlan
from zwgk.render.renderer import Renderer
from zwgk.base.standards import STANDARD_CHANNELS

SITE = SITE_YAML + "level_names: {县级: 区级, 乡级: 镇(街)级}\n"

# A second domain with 三级事项, a 一级事项 spanning two rows, a local channel, a
# 特定群体 with its note, line breaks, and values a spreadsheet would run as formulas.
SHJZ_YAML = """\
domain: 社会救助
updated: 2024-05-01
items:
  - id: shjz-db-01
    level1: 最低生活保障
    level2: 审核确认
    level3: 办事指南
    content: |-
      申请条件、办理流程
      办理时限
    basis: [《社会救助暂行办法》, 《最低生活保障审核确认办法》]
    deadline: 信息形成或变更之日起20个工作日内
    subject: 县民政局
    channels: [政府网站, 12345政务服务热线, 政务服务中心]
    audience: 特定群体
    audience_note: 低保对象
    mode: 主动
    level: [县级, 乡级]
    updated: 2024-06-30
  - id: shjz-db-02
    level1: 最低生活保障
    level2: 审核确认
    level3: 保障对象
    content: "=HYPERLINK(\\"http://evil.example/\\",\\"点此\\")"
    basis: ["@SUM(A1)"]
    deadline: "-1+2"
    subject: "+县民政局"
    channels: [社区/企事业单位/村公示栏(电子屏)]
    audience: 全社会
    mode: 依申请
    level: [乡级]
  - id: shjz-tk-01
    level1: 特困人员救助供养
    subject: 县民政局
    channels: [政府网站]
    audience: 全社会
    mode: 主动
    level: [县级]
    note: 每年更新
"""

DOC2_MD = """\
---
title: 甲县社会救助办事指南
issuer: 甲县民政局
published: 2024-07-15
items: [shjz-db-01]
---

正文。
"""


@pytest.fixture
def library(make_site):
    site = make_site({
        "site.yaml": SITE,
        "catalog/jia/shjz.yaml": SHJZ_YAML,
        "content/jia/docs/2024-mzj-001.md": DOC2_MD,
    })
    return load_library(site).library


@pytest.fixture
def outputs(library):
    return dict(downloads.download_outputs(library, library.county("jia")))


def xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def rows_of(ws) -> list[list[str]]:
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


def test_every_file_is_produced(outputs):
    names = {p.removeprefix("jia/downloads/") for p in outputs}
    assert names == {"catalog.xlsx", "catalog.csv", "catalog.json", "catalog.schema.json", "documents.csv",
                     "apply-form.docx", "czyjs.xlsx", "czyjs.csv", "czyjs.json", "shjz.xlsx", "shjz.csv", "shjz.json"}


def test_a_county_slug_is_accepted_as_well_as_a_county(library, outputs):
    assert dict(downloads.download_outputs(library, "jia")) == outputs


def test_xlsx_has_one_sheet_per_domain_laid_out_like_the_standard_table(outputs):
    wb = xlsx(outputs["jia/downloads/catalog.xlsx"])
    assert wb.sheetnames == ["财政预决算", "社会救助"]
    ws = wb["财政预决算"]
    rows = rows_of(ws)
    assert rows[0][0] == "甲县财政预决算领域政务公开事项标准目录"
    assert rows[1][:15] == ["序号", "公开事项", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
                            "公开渠道和载体", "公开对象", "", "公开方式", "", "公开层级", "", "备注"]
    assert rows[2][1:3] == ["一级事项", "二级事项"]
    assert rows[2][8:14] == ["全社会", "特定群体", "主动", "依申请", "区级", "镇(街)级"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:O1", "A2:A3", "B2:C2", "D2:D3", "H2:H3", "I2:J2", "K2:L2", "M2:N2", "O2:O3"} <= merged

    first, second = rows[3], rows[4]
    assert first[:3] == ["1", "政府预算", "一般公共预算"]
    assert first[4] == "《中华人民共和国预算法》"
    assert first[8:14] == ["√", "", "√", "", "√", ""]
    assert second[8:14] == ["", "√（预算单位）", "", "√", "√", "√"]
    # The ■/□ checklist against all 13 standard channels, then the declared local one.
    checklist = first[7].split(" ")
    assert [c[1:] for c in checklist] == list(STANDARD_CHANNELS) + ["12345政务服务热线"]
    assert "■政府网站" in checklist and "■政府公报" in checklist and "□两微一端" in checklist
    assert sum(c.startswith("■") for c in checklist) == 2
    # The data columns after the printed table make a re-import exact.
    assert rows[1][15:18] == ["事项编号", "相关文件", "最后更新"]
    assert first[15:17] == ["czyjs-ys-01", "2024-czj-001"]


def test_xlsx_leaves_unticked_cells_blank_but_bordered(outputs):
    # Blank, not an empty string: COUNTA over a column then counts the ticks alone.
    ws = xlsx(outputs["jia/downloads/catalog.xlsx"])["财政预决算"]
    ticks = [ws.cell(row=4, column=c) for c in range(9, 15)]
    assert [c.value for c in ticks] == ["√", None, "√", None, "√", None]
    assert all(c.border.left.style == "thin" for c in ticks)


def test_xlsx_shows_level3_and_merges_a_level1_spanning_rows(outputs):
    ws = xlsx(outputs["jia/downloads/shjz.xlsx"])["社会救助"]
    rows = rows_of(ws)
    assert rows[2][1:4] == ["一级事项", "二级事项", "三级事项"]
    assert "B2:D2" in {str(r) for r in ws.merged_cells.ranges}
    assert "B4:B5" in {str(r) for r in ws.merged_cells.ranges}      # 最低生活保障, two rows
    assert rows[3][4] == "申请条件、办理流程\n办理时限"                 # a line break kept
    assert rows[3][5] == "《社会救助暂行办法》\n《最低生活保障审核确认办法》"
    assert "■12345政务服务热线" in rows[3][8]
    assert rows[5][15] == "每年更新"


def test_a_domain_workbook_shows_the_same_table_as_its_sheet_in_the_county_workbook(outputs):
    county = xlsx(outputs["jia/downloads/catalog.xlsx"])
    for name, file in (("财政预决算", "czyjs.xlsx"), ("社会救助", "shjz.xlsx")):
        own, whole = xlsx(outputs[f"jia/downloads/{file}"]), county[name]
        assert own.sheetnames == [name]
        sheet = own[name]
        assert rows_of(sheet) == rows_of(whole), file
        assert {str(r) for r in sheet.merged_cells.ranges} == {str(r) for r in whole.merged_cells.ranges}
        assert (sheet.print_area, sheet.print_title_rows) == (whole.print_area, whole.print_title_rows)
        for mine, theirs in zip(sheet.iter_rows(), whole.iter_rows()):
            for a, b in zip(mine, theirs):
                assert (a.font.name, a.font.b, a.fill.fgColor.rgb, a.alignment.horizontal, a.quotePrefix) == \
                       (b.font.name, b.font.b, b.fill.fgColor.rgb, b.alignment.horizontal, b.quotePrefix), \
                       f"{file}!{a.coordinate}"


def test_xlsx_prints_on_a4_landscape_with_repeated_headers(outputs):
    ws = xlsx(outputs["jia/downloads/catalog.xlsx"])["财政预决算"]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0   # 1 is the default
    assert ws.print_title_rows == "$2:$3"
    assert ws.print_area.endswith("!$A$1:$O$5")                # 备注 is the last printed column
    assert ws.column_dimensions["D"].width > ws.column_dimensions["A"].width
    assert ws["D4"].alignment.wrap_text
    assert ws.freeze_panes == "A4"


def test_formula_like_values_stay_text(outputs):
    ws = xlsx(outputs["jia/downloads/shjz.xlsx"])["社会救助"]
    for ref, value in (("E5", '=HYPERLINK("http://evil.example/","点此")'), ("F5", "@SUM(A1)"),
                       ("G5", "-1+2"), ("H5", "+县民政局")):
        cell = ws[ref]
        assert cell.value == value and cell.data_type == "s", ref
        assert cell.quotePrefix, ref                     # stays text when edited in Excel
    assert not ws["E4"].quotePrefix

    rows = list(csv.reader(io.StringIO(outputs["jia/downloads/shjz.csv"].decode("utf-8-sig"))))
    header, row = rows[0], rows[2]
    assert row[header.index("公开内容（要素）")] == "'=HYPERLINK(\"http://evil.example/\",\"点此\")"
    assert row[header.index("公开依据")] == "'@SUM(A1)"
    assert row[header.index("公开时限")] == "'-1+2"
    assert row[header.index("公开主体")] == "'+县民政局"


def test_csv_is_utf8_with_bom_one_row_per_item_with_every_field(outputs):
    data = outputs["jia/downloads/catalog.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["事项编号"] for r in rows] == ["czyjs-ys-01", "czyjs-js-01", "shjz-db-01", "shjz-db-02", "shjz-tk-01"]
    assert list(rows[0]) == ["序号", "领域", "事项编号", "一级事项", "二级事项", "三级事项", "公开内容（要素）",
                             "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象", "特定群体说明",
                             "公开方式", "公开层级", "相关文件", "备注", "最后更新", "链接"]
    db = rows[2]
    assert db["领域"] == "社会救助" and db["序号"] == "1"
    assert db["公开依据"] == "《社会救助暂行办法》、《最低生活保障审核确认办法》"
    assert db["公开渠道和载体"] == "政府网站、12345政务服务热线、政务服务中心"
    assert db["公开层级"] == "区级、镇(街)级"
    assert db["特定群体说明"] == "低保对象" and db["公开对象"] == "特定群体"
    assert db["公开内容（要素）"] == "申请条件、办理流程\n办理时限"
    assert db["最后更新"] == "2024-06-30"
    assert db["链接"] == "https://zwgk.test.example.gov.cn/jia/catalog/items/shjz-db-01.html"
    per_domain = list(csv.DictReader(io.StringIO(outputs["jia/downloads/czyjs.csv"].decode("utf-8-sig"))))
    assert [r["事项编号"] for r in per_domain] == ["czyjs-ys-01", "czyjs-js-01"]


def test_documents_csv(outputs):
    rows = list(csv.DictReader(io.StringIO(outputs["jia/downloads/documents.csv"].decode("utf-8-sig"))))
    assert [r["编号"] for r in rows] == ["2024-mzj-001", "2024-czj-001"]     # newest first
    assert rows[1]["发文字号"] == "甲财〔2024〕1号" and rows[1]["发布日期"] == "2024-02-01"
    assert rows[1]["对应事项"] == "czyjs-ys-01"


def test_json_validates_against_its_published_schema(outputs):
    schema = json.loads(outputs["jia/downloads/catalog.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for name in ("catalog.json", "czyjs.json", "shjz.json"):
        data = json.loads(outputs[f"jia/downloads/{name}"])
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (name, errors)
    data = json.loads(outputs["jia/downloads/catalog.json"])
    assert data["format"] == "zwgk-catalog" and data["version"] == 1
    assert data["county"] == {"slug": "jia", "name": "甲县", "code": "990901",
                              "url": "https://zwgk.test.example.gov.cn/jia/index.html"}
    assert data["updated"] == "2024-07-15"
    item = data["domains"][1]["items"][0]
    assert item["level"] == ["县级", "乡级"]                    # standard names in the data
    assert item["channels"] == ["政府网站", "12345政务服务热线", "政务服务中心"]
    assert item["updated"] == "2024-06-30" and item["seq"] == 1
    assert data["domains"][0]["items"][1]["updated"] is None
    assert [d["id"] for d in data["documents"]] == ["2024-mzj-001", "2024-czj-001"]
    # A domain's file has that domain and the documents of its items only.
    shjz = json.loads(outputs["jia/downloads/shjz.json"])
    assert [d["slug"] for d in shjz["domains"]] == ["shjz"]
    assert [d["id"] for d in shjz["documents"]] == ["2024-mzj-001"]


def test_json_schema_rejects_what_the_structure_forbids(outputs):
    schema = json.loads(outputs["jia/downloads/catalog.schema.json"])
    data = json.loads(outputs["jia/downloads/catalog.json"])
    data["domains"][0]["items"][0]["mode"] = "公开"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_same_input_gives_byte_identical_files_with_content_dates_inside(library, outputs):
    again = dict(downloads.download_outputs(library, library.county("jia")))
    assert again == outputs
    with zipfile.ZipFile(io.BytesIO(outputs["jia/downloads/shjz.xlsx"])) as zf:
        core = zf.read("docProps/core.xml").decode()
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "2024-07-15T00:00:00Z" in core               # the newest content date, not the clock


def test_a_domain_named_like_a_county_wide_file_is_refused(make_site):
    with pytest.raises(ContentErrors) as exc:
        load_library(make_site({"catalog/jia/czyjs.yaml": None, "catalog/jia/catalog.yaml": DOMAIN_YAML}))
    problem = next(p for p in exc.value.problems if p.path == "catalog/jia/catalog.yaml")
    assert "保留名称" in problem.message


def site_files(county: str) -> list[tuple[str, bytes | str]]:
    return [
        (f"{county}/index.html", b"<!doctype html><title>home</title>"),
        (f"{county}/catalog/items/a.html", b"<p>a</p>"),
        (f"{county}/assets/zwgk.css", b"body{}"),
        (f"{county}/downloads/catalog.xlsx", b"PK-already-compressed"),
        (f"{county}/downloads/{county}-offline.zip", b"an older zip, never inside itself"),
        ("other/index.html", b"another county"),
        ("index.html", b"the portal"),
    ]


def test_offline_zip_holds_the_county_folder_deterministically(library, tmp_path):
    county = library.county("jia")
    attachment = tmp_path / "budget.csv"
    attachment.write_bytes(b"a,b\n1,2\n")
    files = site_files("jia") + [("jia/files/budget.csv", str(attachment))]
    dest, data = downloads.offline_zip(county, list(reversed(files)))
    assert dest == "jia/downloads/jia-offline.zip"
    assert downloads.offline_zip(county, files) == (dest, data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names) == ["jia/assets/zwgk.css", "jia/catalog/items/a.html",
                                          "jia/downloads/catalog.xlsx", "jia/files/budget.csv", "jia/index.html"]
        assert {i.date_time for i in infos} == {(2024, 7, 15, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        assert zf.getinfo("jia/downloads/catalog.xlsx").compress_type == zipfile.ZIP_STORED
        assert zf.getinfo("jia/index.html").compress_type == zipfile.ZIP_DEFLATED
        assert zf.read("jia/files/budget.csv") == b"a,b\n1,2\n"
        zf.extractall(tmp_path / "unzipped")
    assert (tmp_path / "unzipped" / "jia" / "index.html").read_bytes().startswith(b"<!doctype html>")


def test_a_file_given_twice_to_the_zip_is_refused(library):
    with pytest.raises(ValueError):
        downloads.offline_zip(library.county("jia"), site_files("jia") + [("jia/index.html", b"again")])


def test_listing_gives_format_size_and_content_date(library, outputs):
    county = library.county("jia")
    files = list(outputs.items())
    rows = downloads.download_listing(county, files)
    by_name = {r["name"]: r for r in rows}
    assert [r["name"] for r in rows][:5] == ["catalog.xlsx", "catalog.csv", "catalog.json",
                                             "catalog.schema.json", "documents.csv"]
    assert "jia-offline.zip" not in by_name                 # the copy inside the zip
    xlsx_row = by_name["catalog.xlsx"]
    assert xlsx_row["format"] == "XLSX" and xlsx_row["label"] == "全部领域目录（Excel 表格）"
    assert xlsx_row["size_bytes"] == len(outputs["jia/downloads/catalog.xlsx"])
    assert xlsx_row["size_text"].endswith("KB")
    assert xlsx_row["updated"] == "2024-07-15" and xlsx_row["domain"] == ""
    assert by_name["czyjs.csv"]["updated"] == "2024-02-01"           # its document's date
    assert by_name["shjz.json"]["domain"] == "社会救助"
    assert by_name["documents.csv"]["updated"] == "2024-07-15"

    zip_path, zip_data = downloads.offline_zip(county, files)
    rows = downloads.download_listing(county, files + [(zip_path, zip_data)])
    zip_row = next(r for r in rows if r["name"] == "jia-offline.zip")
    assert zip_row["format"] == "ZIP" and zip_row["size_bytes"] == len(zip_data)


def test_size_text():
    assert downloads.size_text(512) == "512 字节"
    assert downloads.size_text(2048) == "2.0 KB"
    assert downloads.size_text(3 * 1024 * 1024 + 1) == "3.0 MB"


def test_downloads_page_lists_the_files_in_chinese(library, outputs):
    county = library.county("jia")
    rows = downloads.download_listing(county, list(outputs.items()))
    dest = "jia/downloads/index.html"
    html = Renderer(library)._layout("downloads.html", PagePlan(dest, "downloads", "jia"), title="下载",
                                     county=county, crumbs=[("下载", dest)], downloads=rows)
    assert "甲县政务公开目录下载" in html
    assert '<a href="catalog.xlsx" download>全部领域目录（Excel 表格）</a>' in html
    assert '<th scope="rowgroup" rowspan="3">社会救助</th>' in html
    assert '<time datetime="2024-07-15">2024-07-15</time>' in html
    assert "大小" in html and "内容更新日期" in html


def test_dates_come_from_the_content():
    assert downloads._fixed_datetime(None).year == 1980
    assert downloads._fixed_datetime(date(1970, 5, 1)).year == 1980     # a ZIP cannot say earlier


# The offline zip opened from disk in headless Chromium, with search working, comes
# with the search runtime (issue 4 / search issue): unzip, open index.html by file://,
# type a query, expect results.
