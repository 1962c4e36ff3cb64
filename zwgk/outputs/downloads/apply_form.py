"""The county's 政府信息公开申请表 as a Word document (DOCX), made with python-docx.

The layout is the one county forms share: 申请人信息 for 公民 and for 法人或者其他组织,
所需信息情况 (name, 文号, description, and 用途 only where the county asks it: 条例第二十九条
does not require it), 获取方式 (the forms 条例第二十九条、第四十条 name: 纸质、电子邮件、
光盘、磁盘; by post, e-mail, fax, collected in person, or read on the spot), and the
受理机构 with its address and contacts from county.yaml's `office`.

python-docx writes the time it saved into the zip and the document properties; both are
set to the county's content date here, so the same county gives the same bytes.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from zwgk.library import County, Site, urls
from zwgk.outputs.downloads.content import fixed_datetime

FORM_NAME = urls.APPLY_FORM
BOX = "□"
COLUMNS_CM = (1.6, 2.0, 3.4, 3.6, 2.6, 3.3)       # 16.5 cm: an A4 page between 2.25 cm margins
ROW_CM, DESCRIPTION_CM = 0.85, 3.0                # room to write by hand

CITIZEN = (("姓　　名", "工作单位"), ("证件名称", "证件号码"), ("联系电话", "邮政编码"))
ORGANISATION = (("名　　称", "统一社会信用代码"), ("法定代表人或负责人", "联系人姓名"), ("联系人电话", "邮政编码"))
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

    rows = _layout(county)
    table = doc.add_table(rows=len(rows), cols=len(COLUMNS_CM))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, COLUMNS_CM):
        column.width = Cm(width)
    # Cells are taken a row at a time: table.cell() walks the whole table on every call.
    left = []
    for table_row, row in zip(table.rows, rows):
        table_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        table_row.height = Cm(DESCRIPTION_CM if row[0][2] == "所需政府信息的内容描述" else ROW_CM)
        cells = table_row.cells
        left.append(cells[:2])
        for cell, width in zip(cells, COLUMNS_CM):
            cell.width = Cm(width)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        for first, last, text in row:
            cell = cells[first].merge(cells[last]) if last > first else cells[first]
            cell.text = text
    # The group names down the left: merged over their rows.
    for first, last, col, text in _groups(county, rows):
        cell = left[first][col].merge(left[last][col])
        cell.text = text
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

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


def _layout(county: County) -> list[list[tuple[int, int, str]]]:
    """Each row's cells as (first column, last column, text); columns 0-1 hold the group names."""
    rows: list[list[tuple[int, int, str]]] = []
    for pairs in (CITIZEN, ORGANISATION):
        rows += [[(2, 2, a), (3, 3, ""), (4, 4, b), (5, 5, "")] for a, b in pairs]
        rows += [[(2, 2, "通信地址"), (3, 5, "")], [(2, 2, "电子邮箱"), (3, 5, "")]]
    rows.append([(1, 2, "申请人签名或者盖章"), (3, 3, ""), (4, 4, "申请时间"), (5, 5, "年　　月　　日")])
    rows.append([(1, 2, "所需政府信息的名称"), (3, 5, "")])
    rows.append([(1, 2, "文号（选填）"), (3, 5, "")])
    rows.append([(1, 2, "所需政府信息的内容描述"), (3, 5, "")])
    if county.apply.purpose:
        rows.append([(1, 2, "所需政府信息的用途"), (3, 5, "")])
    rows.append([(1, 2, "政府信息的提供形式（可选）"), (3, 5, "　".join(BOX + f for f in FORMS))])
    rows.append([(1, 2, "获取政府信息的方式（可选）"), (3, 5, "　".join(BOX + w for w in WAYS))])
    office = county.office
    details = office.details if office else (("机构名称", "（请在 county.yaml 的 office 中填写）"),)
    rows += [[(1, 2, label), (3, 5, value)] for label, value in details]
    if county.apply.platform:
        rows.append([(1, 2, "网上申请平台"), (3, 5, county.apply.platform)])
    return rows


def _groups(county: County, rows: list) -> list[tuple[int, int, int, str]]:
    """(first row, last row, column, text) of the group cells merged down the left."""
    per_party = len(CITIZEN) + 2
    signed = 2 * per_party
    needs_last = signed + 3 + (1 if county.apply.purpose else 0)
    return [
        (0, signed, 0, "申请人信息"),
        (0, per_party - 1, 1, "公民"),
        (per_party, signed - 1, 1, "法人或者其他组织"),
        (signed + 1, needs_last, 0, "所需信息情况"),
        (needs_last + 1, needs_last + 2, 0, "获取方式"),
        (needs_last + 3, len(rows) - 1, 0, "受理机构"),
    ]


def _fixed_zip_dates(data: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01 (python-docx dates them when it saves)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
