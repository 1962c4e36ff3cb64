"""The one decoder: every text file zwgk reads (sources, tables to import, attachments) turns
from bytes into text by the same rules; a policy says only where the callers differ."""
from __future__ import annotations

import dataclasses

import pytest

from zwgk.source import ATTACHMENT_TEXT, SOURCE_TEXT, TABLE_TEXT, SourceError, decode

TEXT = "一级事项,公开主体\n政府预算,县财政局\n"
WITH_BOM = {
    "UTF-8 BOM": TEXT.encode("utf-8-sig"),
    "UTF-16 LE BOM": b"\xff\xfe" + TEXT.encode("utf-16-le"),
    "UTF-16 BE BOM": b"\xfe\xff" + TEXT.encode("utf-16-be"),
}
LEGACY = (TABLE_TEXT, ATTACHMENT_TEXT)


def refusal(data: bytes, policy) -> str:
    with pytest.raises(SourceError) as exc:
        decode(data, "a.csv", policy)
    return exc.value.problem.as_text()


@pytest.mark.parametrize("policy", LEGACY)
@pytest.mark.parametrize("data", [TEXT.encode("utf-8"), TEXT.encode("gb18030"), TEXT.encode("gbk"), *WITH_BOM.values()])
def test_tables_and_attachments_read_every_encoding_alike(data, policy):
    assert decode(data, "a.csv", policy) == TEXT


def test_sources_read_utf8_with_or_without_its_mark():
    assert decode(TEXT.encode("utf-8"), "a.yaml", SOURCE_TEXT) == TEXT
    assert decode(TEXT.encode("utf-8-sig"), "a.yaml", SOURCE_TEXT) == TEXT
    assert decode(TEXT.encode("utf-8"), "a.yaml") == TEXT          # the sources' policy is the default


@pytest.mark.parametrize("bom", ["UTF-16 LE BOM", "UTF-16 BE BOM"])
def test_sources_refuse_utf16_naming_it(bom):
    text = refusal(WITH_BOM[bom], SOURCE_TEXT)
    assert "文件是 UTF-16 编码" in text and "另存为“UTF-8”" in text


def test_sources_refuse_gbk_naming_it_and_where_utf8_stopped():
    text = refusal("domain: 财政预决算\n".encode("gbk"), SOURCE_TEXT)
    assert text.startswith("a.csv:1:9: 文件不是 UTF-8 编码，看起来是 GBK/GB18030 编码（第 1 行第 9 个字节起无法按 UTF-8 读取）")


def test_line_ends_become_newlines():
    for policy in (SOURCE_TEXT, *LEGACY):
        assert decode(b"a\r\nb\rc\n", "a.csv", policy) == "a\nb\nc\n"


@pytest.mark.parametrize("policy", [SOURCE_TEXT, *LEGACY])
def test_a_nul_character_is_binary_whatever_the_encoding(policy):
    assert "a.csv:2:3: 文件含有空字符（NUL），不是文本文件（第 2 行第 3 个字符）" in refusal(b"ab\r\ncd\x00e", policy)
    # UTF-16 without its mark reads as UTF-8 full of NULs: binary too, never half-read.
    assert "空字符" in refusal(TEXT.encode("utf-16-le"), policy)


@pytest.mark.parametrize("policy", LEGACY)
def test_where_reading_stopped_is_said_by_the_encoding_that_read_furthest(policy):
    # GB18030 reads the first two lines (UTF-8 stops at the first character): the damage is on line 3.
    text = refusal(TEXT.encode("gbk") + b"ok,\x81\xff\n", policy)
    assert text.startswith("a.csv:3:4: 无法识别文件的字符编码（不是 UTF-8，也不是 GBK/GB18030），第 3 行第 4 个字节起无法读取")


def test_a_damaged_utf16_file_says_so_in_characters():
    text = refusal(WITH_BOM["UTF-16 LE BOM"][:-1], TABLE_TEXT)
    assert text.startswith("a.csv:2:10: 文件以 UTF-16 编码标记开头，但第 2 行第 10 个字符起的内容不是有效的 UTF-16")


def test_each_policy_has_its_size_limit_and_hints():
    small = dataclasses.replace(TABLE_TEXT, max_bytes=8)
    assert decode(b"12345678", "a.csv", small) == "12345678"
    assert "文件过大" in refusal(b"123456789", small)
    assert SOURCE_TEXT.max_bytes < TABLE_TEXT.max_bytes == ATTACHMENT_TEXT.max_bytes
    assert "CSV UTF-8" in refusal(b"\x81\xff", TABLE_TEXT)
    assert "另存为“UTF-8”" in refusal(b"\x81\xff", SOURCE_TEXT)
