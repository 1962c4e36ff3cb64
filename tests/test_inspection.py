"""`zwgk check --inspection`: each indicator, with a site that fails it and one that passes."""
from __future__ import annotations

import json
import os
import re
from datetime import date

import pytest

from conftest import REPO, REPORT_YAML, read, run_zwgk, write_files
from memory import build_in_memory, minimal_site, site_files
from zwgk.outputs.inspection import Evidence, Place, inspect_county, working_days_after

TODAY = date(2025, 6, 1)
GUIDE = "---\ntitle: 甲县政府信息公开指南\n---\n\n指南正文。\n"
RULES = "---\ntitle: 甲县政府信息公开制度\nissuer: 甲县政府办\npublished: 2025-03-01\ncategory: 政府信息公开制度\n---\n正文。\n"


def good_files() -> dict:
    """A county that passes every indicator on TODAY."""
    from conftest import COUNTY_YAML
    return site_files({
        "catalog/jia/county.yaml": COUNTY_YAML,          # it has the office already
        "content/jia/pages/guide.md": GUIDE,
        "content/jia/docs/2025-bgs-001.md": RULES,
        "content/jia/docs/2024-czj-001.md": "---\ntitle: 甲县2025年预算公开\nissuer: 甲县财政局\nwritten: 2025-01-20\n"
                                            "published: 2025-02-05\ncategory: 财政预决算\n---\n正文。\n",
        "content/jia/reports/2024.yaml": REPORT_YAML,
    })


def inspect(files: dict, *, today: date = TODAY, evidence: Evidence = Evidence(), recent: bool = True) -> dict:
    build = build_in_memory(files, render=False)
    assert build.library is not None, build.problems
    county = build.library.county("jia")
    updated = (lambda thing: date(2025, 5, 1)) if recent else (lambda thing: date(2023, 1, 1))
    return {i.key: i for i in inspect_county(build.library, county, today, build.texts, updated, evidence)}


@pytest.fixture(scope="module")
def good():
    return inspect(good_files())


def test_the_good_county_passes_every_indicator(good):
    assert [k for k, i in good.items() if not i.passed] == []
    assert good["blank_columns"].figure == 0


def test_blank_columns_none_even_for_a_county_with_nothing_and_the_missing_ones_are_named():
    found = inspect(site_files({"content/jia/docs/2024-czj-001.md": None, "catalog/jia/czyjs.yaml": "domain: 财政预决算\nitems: []\n"}))
    assert found["blank_columns"].passed and found["blank_columns"].figure == 0      # zwgk makes no blank column
    missing = found["missing_columns"]
    assert not missing.passed and missing.figure == 4
    assert [p.text.split("：")[0] for p in missing.places] == ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"]


def test_stale_columns_fail_the_site_from_five(good):
    files = good_files()
    categories = ["统计信息", "规划信息", "行政许可", "监督检查", "民生政策"]
    for n, category in enumerate(categories):
        files[f"content/jia/docs/2023-x-{n}.md"] = (f"---\ntitle: 文件{n}\nissuer: 甲县政府办\npublished: 2023-0{n + 1}-01\n"
                                                    f"category: {category}\n---\n正文。\n")
    four = dict(files)
    four.pop("content/jia/docs/2023-x-4.md")
    assert inspect(four)["stale_columns"].passed and inspect(four)["stale_columns"].figure == 4
    stale = inspect(files)["stale_columns"]
    assert not stale.passed and stale.veto and stale.figure == 5
    assert stale.places[0].path.startswith("content/jia/docs/2023-x-") and "超过 180 天" in stale.places[0].text
    # A domain not updated within catalog_days is stale too (site.yaml can shorten it).
    files["site.yaml"] += "inspection:\n  catalog_days: 60\n"
    assert inspect(files)["stale_columns"].figure == 5 and inspect(files, recent=False)["stale_columns"].figure == 6


def test_late_documents_count_working_days_with_the_official_holidays():
    assert working_days_after(date(2024, 9, 27), date(2024, 10, 8)).days == 3       # 国庆: 9/29 worked, 10/1–7 off
    assert working_days_after(date(2024, 9, 27), date(2024, 10, 8)).estimated is False
    assert working_days_after(date(2031, 1, 3), date(2031, 1, 10)) .estimated is True   # no calendar yet: Mon–Fri
    files = good_files()
    files["content/jia/docs/2024-czj-001.md"] = files["content/jia/docs/2024-czj-001.md"].replace("published: 2025-02-05", "published: 2025-03-05")
    late = inspect(files)["late_documents"]
    assert not late.passed and late.figure == 1
    assert late.places[0].line == 5 and "相隔" in late.places[0].text


def test_the_annual_report_is_due_by_march_31_of_the_next_year(good):
    files = good_files()
    files.pop("content/jia/reports/2024.yaml")
    assert inspect(files, today=date(2025, 3, 31))["annual_report"].passed
    missing = inspect(files, today=date(2025, 4, 1))["annual_report"]
    assert not missing.passed and "2024 年度的年报" in missing.places[0].text
    files["content/jia/reports/2024.yaml"] = REPORT_YAML.replace("published: 2025-01-20", "published: 2025-04-10")
    assert not inspect(files)["annual_report"].passed


def test_a_county_without_a_guide_fails(good):
    files = good_files()
    files.pop("content/jia/pages/guide.md")
    assert not inspect(files)["guide"].passed and good["guide"].passed


def test_wrong_words_from_the_site_list_and_the_starter_list_are_found_where_they_are():
    files = good_files()
    files["wordlist.yaml"] = "wrong:\n  临时救济: 临时救助\nbanned:\n  某某表述: 不符合规范用语\n"
    files["content/jia/docs/2024-czj-001.md"] += "依据《政府信息公开条例》和临时救济办法。\n某某表述。\n"
    from zwgk.outputs.inspection import find_words, words_of
    build = build_in_memory(files, render=False)
    found = find_words(build.texts, words_of(build.library.site))
    assert [(f.path, f.line, f.col, f.word.advice) for f in found if f.path.endswith(".md")] == [
        ("content/jia/docs/2024-czj-001.md", 9, 14, "临时救助"), ("content/jia/docs/2024-czj-001.md", 10, 1, "不符合规范用语")]
    files["content/jia/docs/2024-czj-001.md"] += "按《政府信息公开条列》办理。\n"
    build = build_in_memory(files, render=False)
    words = inspect(files, evidence=Evidence(words=find_words(build.texts, words_of(build.library.site))))["words"]
    assert not words.passed and words.veto and words.figure == 3
    assert "“政府信息公开条列”应为“政府信息公开条例”" in [p.text for p in words.places]


def test_a_wordlist_entry_without_its_right_form_is_an_error():
    build = build_in_memory(site_files({"wordlist.yaml": "wrong:\n  条列: 条列\n"}), render=False)
    assert any(p.path == "wordlist.yaml" and "正确写法" in p.message for p in build.problems)


def test_evidence_from_the_check_fails_its_indicators(good):
    place = Place("content/jia/docs/2024-czj-001.md", 5, 3, "…")
    found = inspect(good_files(), evidence=Evidence(dead_links={"jia": [place]}, textless=["content/jia/files/scan.pdf"],
                                                  placeholders=[Place("catalog/jia/county.yaml", 2, 7, "示例值")]))
    assert [found[k].passed for k in ("dead_links", "textless_attachments", "placeholders")] == [False] * 3
    assert [good[k].passed for k in ("dead_links", "textless_attachments", "placeholders")] == [True] * 3


def test_images_without_alt_text_are_placed():
    files = good_files()
    files["content/jia/docs/2024-czj-001.md"] += "![](files/chart.png)\n![预算图](files/chart.png)\n"
    found = inspect(files)["images_without_alt"]
    assert not found.passed and found.figure == 1 and (found.places[0].line, found.places[0].col) == (9, 1)


def test_a_policy_without_interpretation_is_a_warning_only(good):
    files = good_files()
    files["content/jia/docs/2024-czj-001.md"] = files["content/jia/docs/2024-czj-001.md"].replace("category: 财政预决算", "category: 政策文件")
    found = inspect(files)["policies_without_interpretation"]
    assert found.passed and found.figure == 1          # a hint, never a failure
    files["content/jia/docs/2025-czj-002.md"] = "---\ntitle: 解读\nissuer: 甲县财政局\npublished: 2025-02-06\ninterprets: 2024-czj-001\n---\n解读。\n"
    assert inspect(files)["policies_without_interpretation"].figure == 0


@pytest.mark.slow                # runs the command line on a site on disk
def test_the_command_writes_the_documented_json_and_fails_on_a_veto(tmp_path):
    import jsonschema
    files = good_files()
    files["content/jia/docs/2024-czj-001.md"] += "按《政府信息公开条列》办理。\n"
    site = write_files(tmp_path / "site", files)
    result = run_zwgk("check", site, "--inspection", "--format", "json")
    assert result.returncode == 1, result.stderr       # 错敏词 is a veto indicator
    data = json.loads(result.stdout)
    doc = read(os.path.join(REPO, "docs", "check-report.md"))
    jsonschema.validate(data, json.loads(re.search(r"```json\n(.*?)\n```", doc, re.S).group(1)))
    jia = data["inspection"]["counties"][0]
    words = next(i for i in jia["indicators"] if i["key"] == "words")
    assert words["passed"] is False and words["places"][0]["path"] == "content/jia/docs/2024-czj-001.md"
    for indicator in jia["indicators"]:
        assert f"`{indicator['key']}`" in read(os.path.join(REPO, "docs", "inspection.md")), indicator["key"]
    text = run_zwgk("check", site, "--inspection")
    assert "✗（单项否决） 错敏词：1" in text.stderr


@pytest.mark.slow                # builds the site to find its links
def test_external_links_are_tried_once_on_request_only(tmp_path):
    import http.server
    import threading
    from zwgk.commands.check import run_check
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            asked.append(self.path)
            self.send_response(200 if self.path in ("/ok", "/site/") else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        files = good_files()
        # Every external link of the site is on the local server: the test reaches no other host.
        files["site.yaml"] = f"title: 测试站\nbase_url: {base}/site/\nlocal_channels: [12345政务服务热线]\n"
        files["content/jia/docs/2024-czj-001.md"] += f"[有效]({base}/ok)，[失效]({base}/gone)\n"
        site = write_files(tmp_path / "site", files)
        report = run_check(site, today=TODAY, inspection=True)
        assert asked == [] and "external_links" not in {i.key for i in report.inspection["jia"]}
        report = run_check(site, today=TODAY, inspection=True, external=True)
    finally:
        server.shutdown()
    found = next(i for i in report.inspection["jia"] if i.key == "external_links")
    assert not found.passed and found.figure == 1 and found.places[0].text == f"{base}/gone：服务器返回 404"
    assert found.places[0].path == "content/jia/docs/2024-czj-001.md"           # the file that has the link
    assert sorted(asked) == ["/gone", "/ok", "/site/"]          # each once
