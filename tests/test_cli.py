"""The command line speaks Chinese: every help text, every usage error (argparse's own words
included), and the hints of `new-county` when a Chinese name is given where a folder name goes."""
from __future__ import annotations

import re

import pytest

from zwgk.commands.cli import COMMANDS, main

# Words argparse prints in English when nobody translates them.
ARGPARSE_ENGLISH = re.compile(r"usage:|positional arguments|options:|optional arguments|show this help|"
                              r"required|unrecognized|invalid choice|expected one argument|error:")


def _run(capsys, *args: str) -> tuple[int, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_is_chinese_and_shows_an_example(capsys, command):
    code, text = _run(capsys, *([command] if command else []), "--help")
    assert code == 0
    assert text.startswith("用法：zwgk")
    assert "例如：" in text and "zwgk " in text.split("例如：", 1)[1]
    assert not ARGPARSE_ENGLISH.search(text), text
    if command:
        usage = text.split("\n\n", 1)[0]
        assert not re.search(r"\s[A-Z]{3,}\b", usage), "every argument has a Chinese name in the usage line"


@pytest.mark.parametrize("args, message", [
    (["build", "--nope"], "无法识别的参数：--nope"),
    (["check", "--format", "xml"], "参数 --format 的取值 'xml' 无效"),
    (["import", "table.xlsx"], "缺少必填的参数：--county"),
    (["serve", "--port"], "参数 --port 后面要写一个值"),
    (["serve", "--port", "八千"], "参数 --port 的值 '八千' 无效"),
    (["frobnicate"], "参数 命令 的取值 'frobnicate' 无效"),
])
def test_usage_errors_are_said_in_chinese_with_the_way_to_help(capsys, args, message):
    code, text = _run(capsys, *args)
    assert code == 2
    assert message in text and "查看用法：zwgk" in text
    assert not ARGPARSE_ENGLISH.search(text), text


def test_a_chinese_county_name_given_as_folder_name_gets_a_pinyin_suggestion(capsys, tmp_path):
    code, text = _run(capsys, "new-county", "青山县", "--site", str(tmp_path))
    assert code == 2
    assert "zwgk new-county qingshan --name 青山县" in text
    code, text = _run(capsys, "new-county", "qingshan", "--site", str(tmp_path))
    assert code == 2 and "--name 青山县" in text          # the name is asked for, with an example
    assert not (tmp_path / "catalog").exists()
