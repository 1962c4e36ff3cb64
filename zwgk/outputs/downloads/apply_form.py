"""The county's 政府信息公开申请表 as a Word document (DOCX), made with python-docx.

The layout is the one county forms share: 申请人信息 for 公民 and for 法人或者其他组织,
所需信息情况 (name, 文号, description, and 用途 only where the county asks it: 条例第二十九条
does not require it), 获取方式 (条例第二十九条 asks the request to state the form and the way
of getting the information; the choices are the ones county forms commonly offer: 纸质、
电子邮件、光盘、磁盘; by post, e-mail, fax, collected in person, or read on the spot), and the
受理机构 with its address and contacts from county.yaml's `office`.

python-docx writes the time it saved into the zip and the document properties; both are
set to the county's content date here, so the same county gives the same bytes.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from datetime import date

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from zwgk.library import County, Site, urls
from zwgk.outputs.downloads.archive import deflate, zip_archive
from zwgk.outputs.downloads.content import fixed_datetime
from zwgk.outputs.downloads.xlsx import LEVEL

BOX = "□"
# 16.5 cm wide: an A4 page between 2.25 cm margins.
APPLICANT_CM = (1.6, 2.0, 3.4, 3.6, 2.6, 3.3)
REQUEST_CM = (1.6, 5.4, 9.5)
ROW_CM, DESCRIPTION_CM = 0.85, 3.0                # room to write by hand
DESCRIPTION = "所需政府信息的内容描述"

CITIZEN = (("姓　　名", "工作单位"), ("证件名称", "证件号码"), ("联系电话", "邮政编码"))
ORGANISATION = (("名　　称", "统一社会信用代码"), ("法定代表人或负责人", "联系人姓名"), ("联系人电话", "邮政编码"))
PER_PARTY = len(CITIZEN) + 2                      # and 通信地址, 电子邮箱
FORMS = ("纸质", "电子邮件", "光盘", "磁盘")
WAYS = ("邮寄", "电子邮件", "传真", "自行领取", "当场阅读、抄录")


def form_title(county: County) -> str:
    return f"{county.name}政府信息公开申请表"


def apply_form_docx(site: Site, county: County, updated: date | None) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.25)
    section.top_margin = section.bottom_margin = Cm(2)
    doc.styles["Normal"].font.size = Pt(10.5)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(form_title(county))
    run.bold, run.font.size = True, Pt(18)

    # Two tables, one under the other, so that few cells need merging (python-docx merges slowly):
    # the applicant's part on a grid of six columns, the rest on one of three.
    applicant, request = _layout(county)
    _table(doc, APPLICANT_CM, applicant, [(0, len(applicant) - 1, 0, "申请人信息"), (0, PER_PARTY - 1, 1, "公民"),
                                          (PER_PARTY, 2 * PER_PARTY - 1, 1, "法人或者其他组织")])
    _table(doc, REQUEST_CM, request, _request_groups(county, len(request)))

    doc.add_paragraph()
    doc.add_paragraph("填表说明：1. 申请人为公民的，填写“公民”一栏；为法人或者其他组织的，填写“法人或者其他组织”一栏。"
                      "2. 所需政府信息的名称、文号或者便于查询的其他特征性描述应尽量准确。"
                      "3. 申请表可以当面递交、邮寄，或通过本县网上申请平台提交。")
    core = doc.core_properties
    when = fixed_datetime(updated)
    # Word limits a document property to 255 characters.
    core.title, core.author = form_title(county)[:255], (county.footer.organiser or site.title)[:255]
    core.last_modified_by = core.author
    core.created = core.modified = when
    core.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip_dates(out.getvalue())


def _table(doc, widths: tuple[float, ...], rows: list[list[tuple[int, int, str]]],
           groups: list[tuple[int, int, int, str]]) -> None:
    """A bordered table: rows of (first column, last column, text); groups are (first row, last
    row, column, text) written down the left over their rows."""
    table = doc.add_table(rows=len(rows), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    # Cells are taken a row at a time: table.cell() walks the whole table on every call.
    grid = []
    for table_row, row in zip(table.rows, rows):
        table_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        table_row.height = Cm(DESCRIPTION_CM if any(text == DESCRIPTION for _f, _l, text in row) else ROW_CM)
        cells = table_row.cells
        grid.append(cells)
        for cell, width in zip(cells, widths):
            cell.width = Cm(width)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        for first, last, text in row:
            cell = cells[first].merge(cells[last]) if last > first else cells[first]
            cell.text = text
    for first, last, col, text in groups:
        cell = grid[first][col].merge(grid[last][col]) if last > first else grid[first][col]
        cell.text = text
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _layout(county: County) -> tuple[list, list]:
    """The rows of the applicant's table (columns 0-1 hold the group names) and of the request's
    (column 0 does), each row's cells as (first column, last column, text)."""
    applicant: list[list[tuple[int, int, str]]] = []
    for pairs in (CITIZEN, ORGANISATION):
        applicant += [[(2, 2, a), (3, 3, ""), (4, 4, b), (5, 5, "")] for a, b in pairs]
        applicant += [[(2, 2, "通信地址"), (3, 5, "")], [(2, 2, "电子邮箱"), (3, 5, "")]]
    applicant.append([(1, 2, "申请人签名或者盖章"), (3, 3, ""), (4, 4, "申请时间"), (5, 5, "年　　月　　日")])
    labels = ["所需政府信息的名称", "文号（选填）", DESCRIPTION] + (["所需政府信息的用途"] if county.apply.purpose else [])
    request = [[(1, 1, label), (2, 2, "")] for label in labels]
    request.append([(1, 1, "政府信息的提供形式（可选）"), (2, 2, "　".join(BOX + f for f in FORMS))])
    request.append([(1, 1, "获取政府信息的方式（可选）"), (2, 2, "　".join(BOX + w for w in WAYS))])
    office = county.office
    details = office.details if office else (("机构名称", "（请在 county.yaml 的 office 中填写）"),)
    request += [[(1, 1, label), (2, 2, value)] for label, value in details]
    if county.apply.platform:
        request.append([(1, 1, "网上申请平台"), (2, 2, county.apply.platform)])
    return applicant, request


def _request_groups(county: County, rows: int) -> list[tuple[int, int, int, str]]:
    needs = 3 + (1 if county.apply.purpose else 0)
    return [(0, needs - 1, 0, "所需信息情况"), (needs, needs + 1, 0, "获取方式"), (needs + 2, rows - 1, 0, "受理机构")]


def _fixed_zip_dates(data: bytes) -> bytes:
    """The same parts in a zip of our own (every entry dated 1980-01-01, see archive.py):
    python-docx dates its zip entries when it saves."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    return zip_archive([(name, zlib.crc32(part), len(part), deflate(part, LEVEL)) for name, part in parts])
