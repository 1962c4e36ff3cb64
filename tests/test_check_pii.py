"""The personal-information scanner: what counts as an ID, phone or card number, and what never does."""
from __future__ import annotations

import pytest

from zwgk.source.attachments import decode_text, extract
from zwgk.source.pii import find_personal_info, is_id18, luhn_ok, mask, scan_site

# GB 11643's own examples, and numbers made with its check digit.
VALID_IDS = ["11010519491231002X", "440524188001010014", "350102198001011233", "440306199003150029"]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(m.kind, m.value) for m in find_personal_info(text)]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers_are_found(number):
    assert is_id18(number)
    assert kinds(f"身份证号码：{number}。") == [("id_card", number)]


@pytest.mark.parametrize("number", [
    "350102198001011230",   # wrong check digit
    "350102198013011233",   # month 13
    "990102198001011233",   # no such region
    "3501021980010112331",  # 19 digits: part of something longer
])
def test_numbers_that_merely_have_18_digits_are_not_id_numbers(number):
    assert [k for k, _ in kinds(number) if k == "id_card"] == []


def test_legacy_15_digit_numbers_need_a_valid_birth_date():
    assert kinds("旧证 350102800101123") == [("id_card", "350102800101123")]
    assert kinds("旧证 350102801301123") == []


def test_mobile_numbers_alone_with_separators_and_full_width():
    assert kinds("电话13912345678。") == [("mobile", "13912345678")]
    assert kinds("电话 139-1234-5678") == [("mobile", "139-1234-5678")]
    assert kinds("+86 139 1234 5678") == [("mobile", "+86 139 1234 5678")]
    assert kinds("１３９１２３４５６７８") == [("mobile", "１３９１２３４５６７８")]
    assert kinds("编号 2139123456789") == []          # embedded in a longer run
    assert kinds("总投资 13900000000 元") == []        # an amount


def test_bank_cards_must_pass_luhn():
    assert luhn_ok("6222021234567890128")
    assert kinds("卡号 6222021234567890128") == [("bank_card", "6222021234567890128")]
    assert kinds("卡号 6222 0212 3456 7890 128") == [("bank_card", "6222 0212 3456 7890 128")]
    assert kinds("卡号 6222021234567890127") == []


def test_email_addresses():
    assert kinds("邮箱 zhang.san@example.com。") == [("email", "zhang.san@example.com")]


@pytest.mark.parametrize("text", [
    "35*************123", "138****1234", "6222***********0128", "11*************02X", "z***@example.com",
    "石政办函〔2020〕28号", "索引号 11130100MB0000000X/2020-00028", "成文日期 2020-08-06，发布 2020年8月10日",
    "行政区划代码 130102，统计用区划代码 130102001001", "金额 1,234,567.89 元，12.3 亿元，86500 万元",
    "统一社会信用代码 91130100MA0000000X", "服务电话 0311-85212345，12345 政务服务热线",
    "2019 2020 2021 2022 年度", "项目代码 2019-130181-47-01-000123",
])
def test_no_false_alarms(text):
    assert find_personal_info(text) == []


def test_masks_keep_what_the_rules_allow():
    assert mask("id_card", "350102198001011233") == "35*************233"
    assert mask("mobile", "+86 139-1234-5678") == "139****5678"
    assert mask("bank_card", "6222021234567890128") == "6222***********0128"
    assert mask("email", "zhang.san@example.com") == "z***@example.com"


def test_gbk_csv_is_decoded():
    assert decode_text("姓名,电话\n".encode("gbk")) == "姓名,电话\n"
    assert decode_text("\ufeff姓名".encode("utf-8")) == "姓名"


# A list of people as Excel's "Unicode 文本" and other tools save it: byte-order mark first.
PEOPLE = "姓名,身份证号码\n张三,350102198001011233\n"
ENCODED = {
    "UTF-16 LE": b"\xff\xfe" + PEOPLE.encode("utf-16-le"),
    "UTF-16 BE": b"\xfe\xff" + PEOPLE.encode("utf-16-be"),
    "UTF-8 BOM": PEOPLE.encode("utf-8-sig"),
    "GB18030": PEOPLE.encode("gb18030"),
}


@pytest.mark.parametrize("encoding", ENCODED)
@pytest.mark.parametrize("name", ["list.csv", "list.txt"])
def test_an_id_number_is_found_whatever_the_attachment_encoding(tmp_path, encoding, name):
    """The scan reads attachments with the decoder `zwgk import` uses: a UTF-16 CSV that
    imports is never "unreadable" here."""
    files = tmp_path / "content/jia/files"
    files.mkdir(parents=True)
    (files / name).write_bytes(ENCODED[encoding])
    report = scan_site(str(tmp_path), {}, ())
    assert report.unchecked == []
    ids = [f for f in report.findings if f.kind == "id_card"]
    assert [(f.where(), f.masked) for f in ids] == [(f"content/jia/files/{name}:2:4", "35*************233")]
    assert all("350102198001011233" not in f.excerpt for f in report.findings)
    if name.endswith(".csv"):
        assert [f.kind for f in report.findings] == ["id_card", "name_table"]


def test_an_attachment_that_is_not_text_says_why_and_where(tmp_path):
    files = tmp_path / "content/jia/files"
    files.mkdir(parents=True)
    (files / "nul.txt").write_bytes(b"line one\nab\x00cd\n")
    (files / "mixed.csv").write_bytes("姓名,电话\n".encode("gbk") + b"\x81\xff\n")
    report = scan_site(str(tmp_path), {}, ())
    assert dict(report.unchecked) == {
        "content/jia/files/mixed.csv": "无法识别文件的字符编码（不是 UTF-8，也不是 GBK/GB18030），第 2 行第 1 个字节起无法读取",
        "content/jia/files/nul.txt": "文件含有空字符（NUL），不是文本文件（第 2 行第 3 个字符）",
    }


def test_an_xlsx_phone_typed_as_a_number_is_found(tmp_path):
    import openpyxl
    book = openpyxl.Workbook()
    book.active.title = "名单"
    book.active.append(["户主", "电话"])
    book.active.append(["王五", 13712345678])
    path = tmp_path / "a.xlsx"
    book.save(path)
    got = extract(str(path))
    assert [p.place for p in got.pieces if "137" in p.text] == [{"sheet": "名单", "cell": "B2"}]


def test_a_broken_attachment_is_reported_not_raised(tmp_path):
    (tmp_path / "content/jia/files").mkdir(parents=True)
    (tmp_path / "content/jia/files/bad.xlsx").write_bytes(b"not a zip")
    (tmp_path / "content/jia/files/old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "content/jia/files/photo.jpg").write_bytes(b"\xff\xd8")
    report = scan_site(str(tmp_path), {}, ())
    assert [path for path, _why in report.unchecked] == ["content/jia/files/bad.xlsx", "content/jia/files/old.doc"]
    assert report.findings == []


def test_the_demo_site_has_no_personal_information():
    from conftest import REPO
    from zwgk.library import load_library
    loaded = load_library(REPO)
    report = scan_site(REPO, loaded.texts, loaded.library.site.pii_allow, [c.slug for c in loaded.library.counties])
    assert [f.where() for f in report.findings] == []
    assert report.unchecked == []
