"""Each kind of invalid input gives one exact message at its file:line:col, in Chinese.

The messages are checked on sites built in memory (tests/memory.py); the command line's
report, exit codes and JSON on sites on disk."""
from __future__ import annotations

import os

import pytest

from conftest import DOMAIN_YAML, run_zwgk
from memory import build_in_memory, site_files


def problems_of(files: dict, strict: bool = False) -> list[str]:
    """The problems of minimal_site() with `files` put in, as `zwgk check` words them."""
    return build_in_memory(site_files(files), strict=strict, render=False).messages()


D = "catalog/jia/czyjs.yaml"
DOC = "content/jia/docs/2024-czj-001.md"

CASES = {
    "misspelled channel": (
        {D: DOMAIN_YAML.replace("channels: [政府网站, 政府公报]", "channels: [政府网站, 政府网占]")},
        f"{D}:10:22: items[0].channels[1]: '政府网占' 不是标准的公开渠道（是否应为 '政府网站'？）",
    ),
    "unknown key": (
        {D: DOMAIN_YAML.replace("    subject: 县财政局\n    channels: [政府网站]", "    subjct: 县财政局\n    channels: [政府网站]")},
        f"{D}:17:5: items[1]: 未知的字段 'subjct'",
    ),
    "missing required field": (
        {D: DOMAIN_YAML.replace("    mode: 依申请\n", "")},
        f"{D}:15:5: items[1]: 缺少必填字段 mode（公开方式）",
    ),
    "duplicate key": (
        {D: DOMAIN_YAML.replace("    mode: 主动\n", "    mode: 主动\n    mode: 依申请\n", 1)},
        f"{D}:13:5: 键 'mode' 重复出现（第一次在第 12 行）",
    ),
    "audience outside the list": (
        {D: DOMAIN_YAML.replace("audience: 全社会", "audience: 全社")},
        f"{D}:11:15: items[0].audience: '全社' 不是允许的公开对象（是否应为 '全社会'？）",
    ),
    "mode outside the list": (
        {D: DOMAIN_YAML.replace("mode: 主动", "mode: 主动公开")},
        f"{D}:12:11: items[0].mode: '主动公开' 不是允许的公开方式（是否应为 '主动'？）",
    ),
    "level outside the list": (
        {D: DOMAIN_YAML.replace("level: [县级]", "level: [村级]")},
        f"{D}:13:13: items[0].level[0]: '村级' 不是公开层级（是否应为 '镇级'？）",
    ),
    "validity outside the list": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\nvalidity: 有效\n---\n"},
        f"{DOC}:5:11: validity: '有效' 不是允许的有效性（是否应为 '现行有效'？）",
    ),
    "duplicate item id": (
        {D: DOMAIN_YAML.replace("id: czyjs-js-01", "id: czyjs-ys-01")},
        f"{D}:15:9: 事项编号 'czyjs-ys-01' 重复（已在 catalog/jia/czyjs.yaml:3 使用）",
    ),
    "reference to a missing document": (
        {D: DOMAIN_YAML.replace("documents: [2024-czj-001]", "documents: [2024-czj-009]")},
        f"{D}:14:17: documents: 文件 '2024-czj-009' 不存在",
    ),
    "wrong type: list instead of mapping": (
        {D: "- domain: 财政预决算\n"},
        f"{D}:1:1: 领域目录文件应为映射（键: 值），实际是列表",
    ),
    "yaml syntax error": (
        {D: "domain: 财政预决算\nitems:\n  - id: a\n    level1: [未闭合\n"},
        f"{D}:4:13: YAML 语法错误：方括号 [ ] 没有闭合",
    ),
    "tab indentation": (
        {D: "domain: 财政预决算\nitems:\n\t- id: a\n"},
        f"{D}:3:1: YAML 语法错误：这里有制表符（Tab）",
    ),
    "GBK file": (
        {D: "domain: 财政预决算\nitems: []\n".encode("gbk")},
        f"{D}:1:9: 文件不是 UTF-8 编码，看起来是 GBK/GB18030 编码（第 1 行第 9 个字节起无法按 UTF-8 读取）",
    ),
    "empty file": (
        {D: ""},
        f"{D}: 领域目录文件是空的",
    ),
    "invalid date": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2020-13-45\n---\n正文\n"},
        f"{DOC}:4:12: published: 日期 '2020-13-45' 无效",
    ),
    "reference to a missing item": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\nitems: [nope-01]\n---\n"},
        f"{DOC}:5:9: items: 事项 'nope-01' 不存在",
    ),
    "missing attachment": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\nattachments: [files/a.pdf]\n---\n"},
        f"{DOC}:5:15: attachments: 附件 'files/a.pdf' 不存在",
    ),
    "attachment outside the site": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\nattachments: [../../etc/passwd]\n---\n"},
        f"{DOC}:5:15: attachments[0]: 路径 '../../etc/passwd' 不在本县的 content 目录内",
    ),
    "id that cannot be a URL": (
        {D: DOMAIN_YAML.replace("id: czyjs-js-01", "id: 'czyjs js/01'")},
        f"{D}:15:9: items[1].id: 编号 'czyjs js/01' 不能用作网址",
    ),
    "number where text is expected (warning)": (
        {D: DOMAIN_YAML.replace("subject: 县财政局", "subject: 2020", 1)},
        f"{D}:9:14: 警告：items[0].subject: '2020' 会被当作数字，这里应为文本",
    ),
    "doc_no with square brackets (warning)": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\ndoc_no: 甲财[2024]1号\n---\n"},
        f"{DOC}:5:9: 警告：doc_no: 发文字号 '甲财[2024]1号' 年份应使用六角括号〔〕，不能用 []、【】或（）",
    ),
    "doc_no with a leading zero (warning)": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\ndoc_no: 甲财〔2024〕01号\n---\n"},
        f"{DOC}:5:9: 警告：doc_no: 发文字号 '甲财〔2024〕01号' 序号 '01' 不应有前导零",
    ),
    "doc_no without 号 (warning)": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\ndoc_no: 甲财〔2024〕1\n---\n"},
        f"{DOC}:5:9: 警告：doc_no: 发文字号 '甲财〔2024〕1' 末尾缺少“号”",
    ),
    "implausible year": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2204-03-01\n---\n"},
        f"{DOC}:4:12: published: 日期 '2204-03-01' 的年份不合理",
    ),
    "misspelled channel after a blank one": (
        {D: DOMAIN_YAML.replace("channels: [政府网站, 政府公报]", "channels: ['', 政府网沾]")},
        f"{D}:10:20: items[0].channels[1]: '政府网沾' 不是标准的公开渠道（是否应为 '政府网站'？）",
    ),
    "link out of the county, inside a paragraph": (
        {DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\n---\n第一行，\n第二行，\n见[附件](../../etc/passwd)。\n"},
        f"{DOC}:8:7: 链接 '../../etc/passwd' 指向本县 content 目录以外",
    ),
    "two files of one domain": (
        {"catalog/jia/czyjs2.yaml": "domain: 财政预决算\nitems: []\n"},
        "catalog/jia/czyjs2.yaml:1:1: 领域 '财政预决算' 已在 catalog/jia/czyjs.yaml 中发布",
    ),
    "local channel not declared": (
        {D: DOMAIN_YAML.replace("channels: [政府网站, 政府公报]", "channels: [办事窗口]")},
        f"{D}:10:16: items[0].channels[0]: '办事窗口' 不是标准的公开渠道",
    ),
}

@pytest.mark.parametrize("name", sorted(CASES))
def test_each_invalid_input_gives_its_exact_message(name):
    files, expected = CASES[name]
    found = problems_of(files)
    assert any(line.startswith(expected) for line in found), f"{expected!r} not in {found!r}"


def test_an_unreadable_file_does_not_cascade_into_missing_references():
    assert not any("不存在" in line for line in problems_of({D: "domain: 财政预决算\nitems:\n  - id: a\n    level1: [未闭合\n"}))


def test_the_minimal_site_has_no_problems():
    assert problems_of({}) == []
    assert problems_of({}, strict=True) == []


def test_warnings_leave_a_site_to_build_unless_strict():
    files = site_files({DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\ndoc_no: 甲财[2024]1号\n---\n"})
    lenient, strict = build_in_memory(files), build_in_memory(files, strict=True)
    assert lenient.library is not None and lenient.errors == [] and lenient.messages()[0].startswith(f"{DOC}:5:9: 警告：")
    assert "jia/docs/2024-czj-001.html" in lenient.pages
    assert strict.library is None and strict.messages() == lenient.messages()


def test_check_reports_every_error_numbered_and_exits_1(make_site):
    bad = DOMAIN_YAML.replace("channels: [政府网站, 政府公报]", "channels: [政府网占]").replace(
        "    mode: 主动\n", "    mode: 主动\n    mode: 依申请\n", 1)
    site = make_site({D: bad})
    result = run_zwgk("check", site)
    assert result.returncode == 1
    assert "1. catalog/jia/czyjs.yaml:10:16: items[0].channels[0]: '政府网占' 不是标准的公开渠道（是否应为 '政府网站'？）" in result.stderr
    assert "2. catalog/jia/czyjs.yaml:13:5: 键 'mode' 重复出现（第一次在第 12 行）" in result.stderr
    assert "Traceback" not in result.stderr


def test_warnings_pass_unless_strict(make_site):
    site = make_site({DOC: "---\ntitle: 标题\nissuer: 甲县财政局\npublished: 2024-01-01\ndoc_no: 甲财[2024]1号\n---\n"})
    assert run_zwgk("check", site).returncode == 0
    assert run_zwgk("check", site, "--strict").returncode == 1


def test_json_report_lists_problems_with_positions(make_site):
    import json
    site = make_site({D: DOMAIN_YAML.replace("audience: 全社会", "audience: 全社")})
    result = run_zwgk("check", site, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    problem = next(p for p in report["problems"] if "全社" in p["message"])
    assert (problem["path"], problem["line"], problem["col"], problem["severity"]) == (D, 11, 15, "error")


def test_wrong_usage_exits_2(tmp_path):
    assert run_zwgk("build", "--no-such-flag").returncode == 2
    assert run_zwgk("frobnicate").returncode == 2
    assert run_zwgk("build", str(tmp_path / "missing")).returncode == 2


def test_check_on_a_copy_of_the_demo_site_with_two_mistakes(tmp_path):
    import shutil
    from conftest import REPO
    site = tmp_path / "demo"
    site.mkdir()
    for name in ("site.yaml", "catalog", "content"):
        src = os.path.join(REPO, name)
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, site / name)
    path = site / "catalog/linjiang/czyjs.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    first_channels = next(n for n, line in enumerate(lines) if line.strip().startswith("channels:"))
    lines[first_channels] = lines[first_channels].replace("政府网站", "政府网占", 1)
    first_mode = next(n for n, line in enumerate(lines) if line.strip().startswith("mode:"))
    lines.insert(first_mode + 1, lines[first_mode])
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run_zwgk("check", str(site))
    assert result.returncode == 1
    col = lines[first_channels].index("政府网占") + 1
    assert f"catalog/linjiang/czyjs.yaml:{first_channels + 1}:{col}: items[0].channels[0]: '政府网占' 不是标准的公开渠道（是否应为 '政府网站'？）" in result.stderr
    assert f"catalog/linjiang/czyjs.yaml:{first_mode + 2}:5: 键 'mode' 重复出现（第一次在第 {first_mode + 1} 行）" in result.stderr
