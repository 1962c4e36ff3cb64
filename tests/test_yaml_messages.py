"""Editors' YAML slips, reported where the fix must be typed: a table of broken files, each
with the position and the words an editor should see, from both of PyYAML's loaders."""
from __future__ import annotations

import pytest
import yaml

from memory import build_in_memory, minimal_site

PATH = "catalog/jia/czyjs.yaml"
GOOD = """\
domain: 财政预决算
items:
  - id: czyjs-01
    level1: 政府预算
    content: 一般公共预算收支
    subject: 县财政局
    channels: [政府网站, 政府公报]
    audience: 全社会
    mode: 主动
    level: [县级]
"""


def broken(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (what, file text, line:col, words the message has)
CASES = [
    # Full-width colons, the commonest slip with a Chinese input method.
    ("full-width colon after an item's key", broken("subject: 县财政局", "subject：县财政局"), "6:12", "键 'subject' 后面用了中文冒号“：”"),
    ("full-width colon and a space", broken("subject: 县财政局", "subject： 县财政局"), "6:12", "中文冒号"),
    ("full-width colon at the top", broken("domain: 财政预决算", "domain：财政预决算"), "1:7", "键 'domain' 后面用了中文冒号"),
    ("full-width colon after a list item's dash", broken("  - id: czyjs-01", "  - id：czyjs-01"), "3:7", "键 'id' 后面用了中文冒号"),
    ("full-width colon on the last line", broken("level: [县级]", "level：[县级]"), "10:10", "键 'level' 后面用了中文冒号"),
    ("full-width colon after items", broken("items:", "items："), "2:6", "键 'items' 后面用了中文冒号"),
    ("full-width colon after a Chinese key", broken("domain: 财政预决算", "领域：财政预决算"), "1:3", "键 '领域' 后面用了中文冒号"),
    ("full-width colon, then an English one below", broken("mode: 主动", "mode：主动"), "9:9", "键 'mode' 后面用了中文冒号"),
    # Colons missing, or with no space after them.
    ("missing colon after an item's key", broken("subject: 县财政局", "subject 县财政局"), "6:12", "键 'subject' 后面缺少冒号"),
    ("missing colon at the top", broken("domain: 财政预决算", "domain 财政预决算"), "1:7", "键 'domain' 后面缺少冒号"),
    ("missing colon in the middle", broken("mode: 主动", "mode 主动"), "9:9", "键 'mode' 后面缺少冒号"),
    ("missing colon after level1", broken("level1: 政府预算", "level1 政府预算"), "4:11", "键 'level1' 后面缺少冒号"),
    ("no space after the colon", broken("subject: 县财政局", "subject:县财政局"), "6:12", "键 'subject' 的冒号后面缺少空格"),
    ("no space after the colon at the top", broken("domain: 财政预决算", "domain:财政预决算"), "1:7", "冒号后面缺少空格"),
    # Quotes.
    ("a double quote closed by ”", broken("content: 一般公共预算收支", 'content: "一般公共预算收支”'), "5:14", "引号没有闭合"),
    ("a double quote never closed", broken("content: 一般公共预算收支", 'content: "一般公共预算收支'), "5:14", "引号没有闭合"),
    ("a single quote closed by ’", broken("content: 一般公共预算收支", "content: '一般公共预算收支’"), "5:14", "引号没有闭合"),
    ("a single quote never closed", broken("content: 一般公共预算收支", "content: '一般公共预算收支"), "5:14", "引号没有闭合"),
    ("an unclosed quote at the top", broken("domain: 财政预决算", 'domain: "财政预决算'), "1:9", "引号没有闭合"),
    ("an unclosed quote on a list item", broken("  - id: czyjs-01", '  - id: "czyjs-01'), "3:9", "引号没有闭合"),
    # Indentation.
    ("a key two spaces too far in", broken("    content:", "      content:"), "5:7", "'content' 比上一行的 'level1' 多缩进了 2 个空格"),
    ("a key one space too far in", broken("    subject:", "     subject:"), "6:6", "多缩进了 1 个空格"),
    ("a key one space too little", broken("    content:", "   content:"), "5:4", "'content' 比上一行的 'level1' 少缩进了 1 个空格"),
    ("a key two spaces too little", broken("    subject:", "  subject:"), "6:3", "少缩进了 2 个空格"),
    ("a key three spaces too little", broken("    mode:", " mode:"), "9:2", "少缩进了 3 个空格"),
    ("a list item's dash one space off", GOOD + "   - id: czyjs-02\n    level1: 政府决算\n", "11:4", "列表项的“-”没有对齐"),
    ("a list item's dash one space short", GOOD + " - id: czyjs-02\n", "11:2", "列表项的“-”没有对齐"),
    # Tabs: the hint says how many spaces.
    ("a tab before an item's key", broken("    subject:", "\tsubject:"), "6:1", "换成 4 个空格"),
    ("a tab before a list item", broken("  - id:", "\t- id:"), "3:1", "换成 2 个空格"),
    ("a tab before a top-level key", broken("items:", "\titems:"), "2:1", "Tab"),
    # A list item in a mapping.
    ("a list item under the domain", broken("items:\n", "items: 事项\n- id: x\n"), "3:1", "这里混入了一个列表项"),
    ("a channel written as a list item under a key with a value", broken("    audience: 全社会", "    audience: 全社会\n    - 特定群体"), "9:5", "这里混入了一个列表项"),
    # Brackets.
    ("an unclosed [", broken("[政府网站, 政府公报]", "[政府网站, 政府公报"), "7:15", "方括号 [ ] 没有闭合"),
    ("one ] too many", broken("[政府网站, 政府公报]", "[政府网站, 政府公报]]"), "7:15", "方括号 [ ] 没有闭合"),
    ("an unclosed {", broken("level: [县级]", "level: {县级"), "10:12", "花括号 { } 没有闭合"),
    ("an unclosed [ on the last line", broken("level: [县级]", "level: [县级"), "10:12", "方括号 [ ] 没有闭合"),
    # Values that start with a YAML indicator.
    ("a value starting with *", broken("content: 一般公共预算收支", "content: *全部收支"), "5:14", "值以 * 开头"),
    ("a value starting with &", broken("content: 一般公共预算收支", "content: &全部 收支"), "5:14", "值以 & 开头"),
    ("a value starting with !", broken("content: 一般公共预算收支", "content: !重要 收支"), "5:14", "值以 ! 开头"),
    ("a value starting with %", broken("content: 一般公共预算收支", "content: %50的收支"), "5:14", "值以 % 开头"),
    ("a value starting with @", broken("content: 一般公共预算收支", "content: @财政局"), "5:14", "值以 @ 开头"),
    ("a value starting with `", broken("content: 一般公共预算收支", "content: `收支`"), "5:14", "值以 ` 开头"),
    # Repeated keys.
    ("a key written twice in an item", broken("    mode: 主动", "    mode: 主动\n    mode: 依申请"), "10:5", "键 'mode' 重复出现（第一次在第 9 行）"),
    ("a key written twice at the top", GOOD + "domain: 财政\n", "11:1", "键 'domain' 重复出现（第一次在第 1 行）"),
    # A colon inside a value, which does need quotes.
    ("a colon and space inside a value", broken("content: 一般公共预算收支", "content: 注意: 每年更新"), "5:16", "这里不能出现冒号"),
    # Chinese separators inside [ ].
    ("channels separated by ，", broken("[政府网站, 政府公报]", "[政府网站，政府公报]"), "7:16", "是几个渠道，但用了中文标点分隔"),
    ("channels separated by 、", broken("[政府网站, 政府公报]", "[政府网站、政府公报]"), "7:16", "用了中文标点分隔"),
    ("levels separated by ；", broken("level: [县级]", "level: [县级；乡级]"), "10:13", "是几个层级，但用了中文标点分隔"),
]

LOADERS = {"pure": yaml.SafeLoader, **({"libyaml": yaml.CSafeLoader} if hasattr(yaml, "CSafeLoader") else {})}


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("what, text, where, words", CASES, ids=[c[0] for c in CASES])
def test_a_yaml_slip_is_reported_where_the_fix_is_typed(monkeypatch, loader, what, text, where, words):
    import zwgk.source.yamlfile as yamlfile
    monkeypatch.setattr(yamlfile, "_Loader", LOADERS[loader])
    build = build_in_memory({**minimal_site(), PATH: text}, render=False)
    found = [p for p in build.problems if p.path == PATH and p.severity == "error"]
    assert found, "no error"
    first = found[0]
    assert f"{first.line}:{first.col}" == where and words in first.message + first.hint, [f"{p.line}:{p.col}: {p.message} / {p.hint}" for p in found]
    assert first.hint, first


def test_there_are_at_least_forty_slips_in_the_table():
    assert len(CASES) >= 40


def test_the_good_file_has_no_error():
    build = build_in_memory({**minimal_site(), PATH: GOOD}, render=False)
    assert [p for p in build.problems if p.path == PATH and p.severity == "error"] == []


@pytest.mark.slow            # runs the command line twice
def test_check_build_and_the_serve_overlay_name_the_same_place(tmp_path):
    from conftest import run_zwgk, write_files
    from zwgk.base import ContentErrors
    from zwgk.commands.serve import overlay_html
    from zwgk.library import load_library
    site = write_files(tmp_path / "site", {**minimal_site(), PATH: CASES[0][1]})
    where = f"{PATH}:6:12"
    check, build = run_zwgk("check", site), run_zwgk("build", site)
    assert check.returncode == build.returncode == 1
    assert where in check.stdout + check.stderr and where in build.stdout + build.stderr
    with pytest.raises(ContentErrors) as refused:
        load_library(site)
    overlay = overlay_html(list(refused.value.problems), refused.value.texts)
    assert where in overlay and "中文冒号" in overlay
