"""`zwgk check` on a site with planted mistakes: each is reported at its place, and nothing else is."""
from __future__ import annotations

import io
import json
import os
import re
from datetime import date

import pytest

from conftest import COUNTY_YAML, DOC_MD, DOMAIN_YAML, REPO, SITE_YAML, minimal_site, read, run_zwgk, write_files
from zwgk.commands.check import format_json, format_text, report_data, run_check
from zwgk.source.pii import find_personal_info

TODAY = date(2025, 6, 1)
ID_YAML = "350102198001011233"          # valid
ID_BAD = "350102198001011230"           # wrong check digit: not personal information
ID_MD, ID_CSV, ID_XLSX, ID_DOCX = "440306199003150029", "510107198811224566", "320581197512083017", "11010519491231002X"
CARD_MD, CARD_XLSX = "6222021234567890128", "6217000012345670"
HOTLINE = "13800138000"

D = "catalog/jia/czyjs.yaml"
DOC = "content/jia/docs/2024-czj-001.md"
OLD = "content/jia/docs/2021-czj-009.md"

DOMAIN = DOMAIN_YAML.replace("domain: 财政预决算\n", "domain: 财政预决算\nupdated: 2025-05-01\n").replace(
    "    content: 一般公共预算收入表、支出表\n",
    f"    content: 一般公共预算收入表、支出表。联系人身份证 {ID_YAML}\n"
    f"    note: 旧证号 {ID_BAD} 校验位不对；依据甲财〔2020〕28号，索引号 11130100MB0000000X/2020-00028\n",
).replace("    audience_note: 预算单位\n", "    audience_note: 预算单位\n    updated: 2020-01-01\n")

BODY = f"""
联系电话：13912345678；已遮蔽的号码 35*************123、139****5678 不算。

咨询热线 {HOTLINE}（已在 site.yaml 中放行）。

退款账户 {CARD_MD}，举报邮箱 zhangsan@example.com。

行政区划代码 990901，成文日期 2024-01-20，金额 15000000000 元。

[附件](files/missing.pdf) · [跳到正文](#main) · [见下文](#no-such-anchor)

| 姓名 | 身份证号码 | 金额（元） |
| --- | --- | ---: |
| 张三 | {ID_MD} | 300 |
| 李四 | 44*************029 | 300 |
"""

DOC_TEXT = DOC_MD.replace("validity: 现行有效\n", "validity: 现行有效\nindex_no: 11130100MB0000000X/2024-00001\n"
                          "attachments: [files/list.csv, files/list.xlsx, files/list.docx, files/notice.pdf]\n") + BODY

OLD_DOC = """\
---
title: 甲县2021年预算公开（已废止）
issuer: 甲县财政局
published: 2021-02-01
validity: 已废止
items: [czyjs-ys-01]
---

已废止。
"""

CSV = f"""序号,户主姓名,身份证号码,联系电话,金额（元）
1,王五,{ID_CSV},13712345678,1200
2,赵六,51*************566,137****5678,1200
"""


def make_xlsx() -> bytes:
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["甲县2024年临时救助对象名单"])
    sheet.append(["序号", "申请人", "身份证号", "银行卡号", "联系电话"])
    sheet.append([1, "孙七", ID_XLSX, CARD_XLSX, 13612345678])
    sheet.append([2, "周八", "32*************017", "6217********5670", "136****5678"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_docx() -> bytes:
    import docx
    document = docx.Document()
    document.add_paragraph("甲县2024年危房改造补助公示")
    document.add_paragraph("联系人：钱九，手机 15912345678。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "身份证号"
    table.cell(1, 0).text, table.cell(1, 1).text = "吴十", ID_DOCX
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with ASCII text, small enough to write by hand."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               f"<< /Length {len(content)} >>\nstream\n{content}\nendstream"]
    out, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def planted_site() -> dict:
    files = minimal_site()
    files.update({
        "site.yaml": SITE_YAML + f"stale_days: 365\npii_allow:\n  - value: '{HOTLINE}'\n    reason: 甲县民政局社会救助咨询热线\n",
        "catalog/jia/county.yaml": COUNTY_YAML + "not_applicable:\n  税收管理: 由税务部门垂直管理并公开\n",
        D: DOMAIN,
        DOC: DOC_TEXT,
        OLD: OLD_DOC,
        "content/jia/files/list.csv": CSV.encode("gbk"),
        "content/jia/files/list.xlsx": make_xlsx(),
        "content/jia/files/list.docx": make_docx(),
        "content/jia/files/notice.pdf": make_pdf(["Notice 2024", "Tel 18612345678"]),
        "content/jia/files/old.xls": b"\xd0\xcf\x11\xe0 not readable",
    })
    return files


def at(text: str, needle: str) -> dict:
    """{"line", "col"} of needle in text, counted the way editors count."""
    for n, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return {"line": n, "col": line.index(needle) + 1}
    raise AssertionError(needle)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = write_files(tmp_path_factory.mktemp("planted") / "site", planted_site())
    report = run_check(root, today=TODAY, updated_of=lambda obj: obj.updated)
    return root, report, report_data(report)


def of_kind(data: dict, kind: str) -> list[dict]:
    return [p for p in data["problems"] if p["kind"] == kind]


def test_personal_information_is_reported_at_its_place_and_nothing_else(planted):
    _root, _report, data = planted
    found = sorted((p["path"], json.dumps(p["place"], sort_keys=True), p["detail"]["type"]) for p in of_kind(data, "pii"))
    csv_text = CSV
    expected = [
        (D, at(DOMAIN, ID_YAML), "id_card"),
        (DOC, at(DOC_TEXT, "13912345678"), "mobile"),
        (DOC, at(DOC_TEXT, CARD_MD), "bank_card"),
        (DOC, at(DOC_TEXT, "zhangsan@"), "email"),
        (DOC, at(DOC_TEXT, ID_MD), "id_card"),
        (DOC, {**at(DOC_TEXT, "| 姓名"), "col": 3, "column": 1}, "name_table"),
        ("content/jia/files/list.csv", at(csv_text, ID_CSV), "id_card"),
        ("content/jia/files/list.csv", at(csv_text, "13712345678"), "mobile"),
        ("content/jia/files/list.csv", {"line": 1, "column": 2}, "name_table"),
        ("content/jia/files/list.xlsx", {"sheet": "名单", "cell": "C3"}, "id_card"),
        ("content/jia/files/list.xlsx", {"sheet": "名单", "cell": "D3"}, "bank_card"),
        ("content/jia/files/list.xlsx", {"sheet": "名单", "cell": "E3"}, "mobile"),
        ("content/jia/files/list.xlsx", {"sheet": "名单", "cell": "B2"}, "name_table"),
        ("content/jia/files/list.docx", {"paragraph": 2}, "mobile"),
        ("content/jia/files/list.docx", {"table": 1, "row": 2, "column": 2}, "id_card"),
        ("content/jia/files/list.docx", {"table": 1, "row": 1, "column": 1}, "name_table"),
        ("content/jia/files/notice.pdf", {"page": 1, "line": 2}, "mobile"),
    ]
    assert found == sorted((path, json.dumps(place, sort_keys=True), kind) for path, place, kind in expected)
    assert all(p["severity"] == "error" for p in of_kind(data, "pii"))


def test_the_report_never_shows_a_personal_number_unmasked(planted):
    _root, report, data = planted
    text, raw = format_text(report), json.dumps(data, ensure_ascii=False)
    for number in (ID_YAML, ID_MD, ID_CSV, ID_XLSX, ID_DOCX, CARD_MD, CARD_XLSX, "13912345678", "13712345678",
                   "13612345678", "15912345678", "18612345678", "zhangsan@"):
        assert number not in text and number not in raw, number
    assert "35*************233" in text          # masked like the rules allow
    excerpt = next(p for p in of_kind(data, "pii") if p["detail"]["type"] == "mobile" and p["path"] == DOC)["detail"]["excerpt"]
    assert excerpt == "联系电话：139****5678；已遮蔽的号码 35**…"


def test_the_allowed_hotline_is_listed_with_its_reason(planted):
    _root, report, data = planted
    assert data["pii_allowed"] == [{"value": HOTLINE, "reason": "甲县民政局社会救助咨询热线",
                                    "uses": [{"path": DOC, "place": at(DOC_TEXT, HOTLINE), "type": "mobile"}]}]
    assert f"{HOTLINE}：甲县民政局社会救助咨询热线（出现 1 处：{DOC}:{at(DOC_TEXT, HOTLINE)['line']}" in format_text(report)


def test_an_unreadable_attachment_is_a_warning(planted):
    _root, _report, data = planted
    assert [(p["path"], p["severity"]) for p in of_kind(data, "pii_unchecked")] == [("content/jia/files/old.xls", "warning")]


def test_broken_links_are_reported_at_the_source_line(planted):
    _root, _report, data = planted
    from_sources = [p for p in of_kind(data, "broken_link") if p["path"].startswith(("content/", "catalog/"))]
    assert all(p["severity"] == "error" for p in from_sources)
    found = sorted((p["path"], p["line"], p["col"], p["detail"]["anchor"], p["detail"]["target"]) for p in from_sources)
    missing, anchor = at(DOC_TEXT, "files/missing.pdf"), at(DOC_TEXT, "#no-such-anchor")
    assert found == sorted([(DOC, missing["line"], missing["col"], "", "jia/files/missing.pdf"),
                            (DOC, anchor["line"], anchor["col"], "no-such-anchor", "jia/docs/2024-czj-001.html")])
    assert data["links"]["internal"] > 0 and data["links"]["pages"] > 0
    assert "https://beian.miit.gov.cn/" in [e["url"] for e in data["links"]["external"]]


def test_completeness_and_freshness_findings(planted):
    _root, _report, data = planted
    missing = [p["detail"]["domain"] for p in of_kind(data, "missing_domain")]
    assert len(missing) == 24 and "财政预决算" not in missing and "税收管理" not in missing
    assert [(p["path"], p["detail"]) for p in of_kind(data, "missing_basis")] == [(D, {"item": "czyjs-js-01"})]
    assert [(p["path"], p["detail"]) for p in of_kind(data, "missing_deadline")] == [(D, {"item": "czyjs-js-01"})]
    assert [(p["path"], p["line"], p["detail"]) for p in of_kind(data, "repealed_linked")] == [
        (OLD, at(OLD_DOC, "items:")["line"], {"item": "czyjs-ys-01", "document": "2021-czj-009"})]
    assert [(p["path"], p["line"], p["detail"]) for p in of_kind(data, "stale")] == [
        (D, at(DOMAIN, "- id: czyjs-js-01")["line"], {"item": "czyjs-js-01", "updated": "2020-01-01", "days": 1978})]
    assert of_kind(data, "unfulfilled") == [] and of_kind(data, "empty_domain") == []
    jia = data["counties"][0]
    assert (jia["domains"]["published"], jia["domains"]["not_applicable"], jia["domains"]["missing"]) == (1, 1, 24)


def test_nothing_else_is_reported(planted):
    _root, _report, data = planted
    kinds = {p["kind"] for p in data["problems"]}
    assert kinds == {"pii", "pii_unchecked", "broken_link", "missing_domain", "missing_basis", "missing_deadline",
                     "repealed_linked", "stale"}
    from_sources = [p for p in of_kind(data, "broken_link") if p["severity"] == "error"]
    assert data["ok"] is False and data["summary"]["errors"] == len(of_kind(data, "pii")) + len(from_sources) == 19


def test_json_report_follows_its_documented_schema(planted):
    import jsonschema
    _root, report, _data = planted
    doc = read(os.path.join(REPO, "docs", "check-report.md"))
    schema = json.loads(re.search(r"```json\n(.*?)\n```", doc, re.S).group(1))
    jsonschema.validate(json.loads(format_json(report)), schema)
    for kind in {p["kind"] for p in report_data(report)["problems"]}:
        assert f"| `{kind}` |" in doc, f"kind {kind} is not documented"


def test_text_report_groups_by_county_and_kind_with_counts(planted):
    _root, report, data = planted
    text = format_text(report)
    assert f"甲县（jia）：{data['counties'][0]['errors']} 个错误、{data['counties'][0]['warnings']} 个警告" in text
    assert f"  个人信息（{len(of_kind(data, 'pii'))}）" in text
    assert "  缺少标准领域（24）" in text
    assert text.rstrip().endswith("未通过。")


def test_check_command_exits_1_and_writes_json(planted):
    root, _report, _data = planted
    result = run_zwgk("check", root, "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["format"] == "zwgk-check/1"


def test_build_refuses_a_site_that_leaks_an_id_number(make_site, tmp_path):
    site = make_site({DOC: DOC_MD + f"\n申请人身份证号：{ID_MD}\n"})
    out = tmp_path / "out"
    result = run_zwgk("build", site, "--out", str(out))
    assert result.returncode == 1
    assert "个人信息：发现身份证号码 44*************029" in result.stderr
    assert ID_MD not in result.stderr + result.stdout
    assert not out.exists()


def test_strict_build_refuses_an_attachment_it_cannot_check(make_site, tmp_path):
    site = make_site({"content/jia/files/old.xls": b"\xd0\xcf\x11\xe0"})
    assert run_zwgk("build", site, "--out", str(tmp_path / "a")).returncode == 0
    result = run_zwgk("build", site, "--strict", "--out", str(tmp_path / "b"))
    assert result.returncode == 1 and "附件无法检查个人信息" in result.stderr


def test_the_portal_shows_completeness_without_paths_or_personal_information(tmp_path):
    from zwgk.build import build_site
    files = planted_site()
    files[DOC] = DOC_MD     # a publishable site: no leaks
    files[D] = DOMAIN.replace(ID_YAML, "35*************233")
    site = write_files(tmp_path / "site", {k: v for k, v in files.items() if not k.startswith("content/jia/files/")})
    out = tmp_path / "out"
    build_site(site, str(out))
    page = read(out / "completeness.html")
    assert 'href="completeness.html"' in read(out / "index.html")
    assert re.search(r"<th scope=\"row\">财政预决算</th>\s*<td class=\"st-published\"><a href=\"jia/catalog/czyjs/index.html\">2 项</a>", page)
    assert re.search(r"<th scope=\"row\">税收管理</th>\s*<td class=\"st-na\">未涉及</td>", page)
    assert re.search(r"<th scope=\"row\">城乡规划</th>\s*<td class=\"st-missing\">未发布</td>", page)
    assert "由税务部门垂直管理并公开" in page
    assert ".yaml" not in page and "catalog/jia" not in page and "content/" not in page
    assert find_personal_info(page) == []


def test_a_site_that_fails_validation_is_still_scanned_with_its_allowlist(make_site):
    site = make_site({
        "site.yaml": SITE_YAML + f"pii_allow:\n  - value: '{HOTLINE}'\n    reason: 热线\n",
        D: DOMAIN_YAML.replace("audience: 全社会", "audience: 全社"),
        DOC: DOC_MD + f"\n热线 {HOTLINE}，申请人电话 13912345678。\n",
    })
    data = report_data(run_check(site, today=TODAY))
    assert data["checked"] == {"validation": True, "pii": True, "completeness": False, "links": False}
    assert [p["kind"] for p in data["problems"]] == ["validation", "pii"]
    assert data["problems"][1]["detail"]["masked"] == "139****5678"
    assert [len(a["uses"]) for a in data["pii_allowed"]] == [1]


def test_a_site_with_errors_is_reported_by_its_names_each_problem_once_with_a_caret(make_site):
    site = make_site({D: DOMAIN_YAML.replace("    subject: 县财政局", "    subject：县财政局")})
    text = format_text(run_check(site, today=TODAY))
    assert text.startswith("检查：测试市政务公开事项标准目录")        # the title, read although the site has errors
    assert "\n甲县（jia）：" in text                                    # the county by its name
    line = next(line for line in text.splitlines() if "czyjs.yaml:" in line)
    assert line.count("中文冒号") == 1 and text.count(line) == 1         # reported once
    shown = text.splitlines()
    at = shown.index(line)
    assert shown[at + 1].strip() == "|     subject：县财政局"
    assert shown[at + 2].endswith("^") and shown[at + 2].index("^") == shown[at + 1].index("：")
