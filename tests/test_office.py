"""The downloads as an office suite shows and prints them: LibreOffice (Debian's headless
packages) converts each kind of file zwgk writes to PDF, and the PDF's text positions are
read back with pdfplumber.

A table is readable when every cell's text is printed whole, inside its own row and column,
no two characters on top of each other, on A4 landscape with every printed column on the page.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess

import openpyxl
import pytest

from browser import demo_site  # noqa: F401   (the demo built once per run)

pytestmark = pytest.mark.slow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
A4_LANDSCAPE = (841.9, 595.3)        # points
A4_PORTRAIT = (595.3, 841.9)
# LibreOffice's CSV import options: comma, double quote, UTF-8 (its character set 76).
CSV_FILTER = "CSV:44,34,76"


def convert(files: list[str], out_dir: str, profile: str, infilter: str = "") -> dict[str, str]:
    """Each file converted to PDF by headless LibreOffice: file -> PDF path."""
    if not SOFFICE:
        pytest.fail("LibreOffice is not installed: ./tests/run installs libreoffice-calc-nogui and libreoffice-writer-nogui")
    command = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               *([f"--infilter={infilter}"] if infilter else []), "--convert-to", "pdf", "--outdir", out_dir, *files]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "repair" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    pdfs = {f: os.path.join(out_dir, os.path.splitext(os.path.basename(f))[0] + ".pdf") for f in files}
    for f, pdf in pdfs.items():
        assert os.path.isfile(pdf), f"LibreOffice made no PDF of {f}: {done.stdout} {done.stderr}"
    return pdfs


def squeeze(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def printed_cells(path: str) -> tuple[list[str], set[str]]:
    """(each sheet's title, the texts of every bordered cell inside the sheets' print areas)."""
    book = openpyxl.load_workbook(path)
    titles, texts = [], set()
    for ws in book.worksheets:
        area = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
        rows = ws[area.replace("$", "").split("!")[-1]]
        titles.append(squeeze(rows[0][0].value))
        for row in rows[1:]:
            texts.update(squeeze(c.value) for c in row if c.value)
    return titles, texts


def overlapping_chars(chars: list[dict]) -> list[str]:
    """Pairs of characters whose boxes cover each other by more than a fifth of the smaller."""
    grid: dict[tuple[int, int], list[dict]] = {}
    found = []
    for ch in chars:
        cells = {(int(x) // 10, int(y) // 10) for x in (ch["x0"], ch["x1"]) for y in (ch["top"], ch["bottom"])}
        for key in cells:
            for other in grid.get(key, ()):
                w = min(ch["x1"], other["x1"]) - max(ch["x0"], other["x0"])
                h = min(ch["bottom"], other["bottom"]) - max(ch["top"], other["top"])
                smaller = min((ch["x1"] - ch["x0"]) * (ch["bottom"] - ch["top"]),
                              (other["x1"] - other["x0"]) * (other["bottom"] - other["top"]))
                if w > 0 and h > 0 and w * h > 0.2 * smaller:
                    found.append(f"{other['text']}@({other['x0']:.0f},{other['top']:.0f}) × {ch['text']}")
            grid.setdefault(key, []).append(ch)
    return sorted(set(found))


def printed_chars(page) -> list[dict]:
    """The characters that show. LibreOffice also writes the text of a range merged over a page
    break on the next page, clipped: starting above the page's top edge, where nothing prints."""
    return [ch for ch in page.chars if ch["text"].strip() and 0 <= ch["top"] < page.height]


def crossing_borders(page, chars: list[dict]) -> list[str]:
    """Characters that a drawn border passes through: text that ran out of its cell."""
    rows: dict[int, list[dict]] = {}
    cols: dict[int, list[dict]] = {}
    for edge in page.edges:
        if edge["orientation"] == "h":
            rows.setdefault(int(edge["top"]), []).append(edge)
        else:
            cols.setdefault(int(edge["x0"]), []).append(edge)
    found = []
    for ch in chars:
        # A character's box is its font's whole em: the ink leaves about a tenth free above and below.
        inset = max(0.5, 0.12 * (ch["bottom"] - ch["top"]))
        x0, x1, top, bottom = ch["x0"] + 0.5, ch["x1"] - 0.5, ch["top"] + inset, ch["bottom"] - inset
        across = any(top < e["top"] < bottom and e["x0"] < x1 and e["x1"] > x0
                     for y in range(int(top), int(bottom) + 1) for e in rows.get(y, ()))
        across = across or any(x0 < e["x0"] < x1 and e["top"] < bottom and e["bottom"] > top
                               for x in range(int(x0), int(x1) + 1) for e in cols.get(x, ()))
        if across:
            found.append(f"{ch['text']!r} at ({ch['x0']:.0f},{ch['top']:.0f})")
    return found


def table_layout_problems(pdf_path: str) -> tuple[list[str], set[str], str]:
    """(what is wrong with the printed table, the texts of its cells, all of its text)."""
    import pdfplumber
    problems, cells_text, all_text = [], set(), []
    with pdfplumber.open(pdf_path) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            if (round(page.width, 1), round(page.height, 1)) != A4_LANDSCAPE:
                problems.append(f"page {n} is {page.width:.0f}×{page.height:.0f} pt, not A4 landscape")
            chars = printed_chars(page)
            all_text.append("".join(ch["text"] for ch in chars))
            if "公开渠道和载体" not in all_text[-1]:
                problems.append(f"page {n} does not repeat the header rows")
            problems += [f"page {n}: {ch['text']!r} is cut off at the page's edge" for ch in chars
                         if ch["x0"] < 0 or ch["x1"] > page.width or ch["bottom"] > page.height]
            tables = page.find_tables()
            if not tables:
                problems.append(f"page {n} has no table")
            for table in tables:
                for row in table.extract():
                    cells_text.update(squeeze(t) for t in row if t)
            problems += [f"page {n}: {where} crosses a cell's border" for where in crossing_borders(page, chars)]
            problems += [f"page {n}: {pair} overlap" for pair in overlapping_chars(chars)]
    return problems, cells_text, squeeze("".join(all_text))


@pytest.fixture(scope="module")
def converted(demo_site, tmp_path_factory):
    """The demo's workbooks (the county's, and a domain's own) and its CSV as LibreOffice prints them."""
    work = tmp_path_factory.mktemp("office")
    downloads = os.path.join(demo_site, "linjiang", "downloads")
    workbooks = [os.path.join(downloads, "catalog.xlsx"), os.path.join(downloads, "czyjs.xlsx")]
    pdfs = convert(workbooks, str(work / "xlsx"), str(work / "profile"))
    forms = []
    for county in ("linjiang", "shiqiao"):       # one name in every county: copied apart to convert at once
        forms.append(str(work / f"{county}-apply-form.docx"))
        shutil.copyfile(os.path.join(demo_site, county, "downloads", "apply-form.docx"), forms[-1])
    pdfs.update(convert(forms, str(work / "docx"), str(work / "profile")))
    pdfs.update(convert([os.path.join(downloads, "catalog.csv")], str(work / "csv"), str(work / "profile"), CSV_FILTER))
    return pdfs


@pytest.mark.parametrize("name", ["catalog.xlsx", "czyjs.xlsx"])
def test_every_cell_of_a_workbook_prints_whole_in_its_own_cell_on_a4_landscape(converted, name):
    xlsx = next(path for path in converted if path.endswith(name))
    titles, expected = printed_cells(xlsx)
    problems, printed, text = table_layout_problems(converted[xlsx])
    assert problems == [], "\n".join(problems[:20])
    # Text that ran over into another cell would show as texts the workbook does not have.
    assert printed - expected == set(), sorted(printed - expected)[:10]
    # Every cell's text is printed: in a closed cell of the table, or (a range merged over a
    # page break, which the page leaves open) whole in the page's text, drawn cell by cell.
    missing = {t for t in expected - printed if t not in text}
    assert missing == set(), sorted(missing)[:10]
    for header in ("序号", "一级事项", "公开内容（要素）", "公开渠道和载体", "公开层级", "备注"):
        assert header in printed
    for title in titles:
        assert title in text, title


def test_the_csv_opened_as_utf8_reads_in_chinese(converted, demo_site):
    path = next(p for p in converted if p.endswith(".csv"))
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    _problems, _cells, text = table_layout_problems(converted[path])
    for header in rows[0]:
        assert squeeze(header) in text, header
    assert "ï»¿" not in text and "åº" not in text
    id_column = rows[0].index("事项编号")
    for row in rows[1:]:
        assert row[id_column] in text


@pytest.mark.parametrize("county", ["linjiang", "shiqiao"])
def test_the_application_form_prints_on_one_a4_page_with_every_field_and_the_office(converted, demo_site, county):
    import pdfplumber
    from docx import Document
    docx = next(p for p in converted if p.endswith(f"{county}-apply-form.docx"))
    form = Document(docx)
    expected = {squeeze(cell.text) for table in form.tables for row in table.rows for cell in row.cells if cell.text.strip()}
    with pdfplumber.open(converted[docx]) as pdf:
        assert len(pdf.pages) == 1, "the form fits on one page"
        page = pdf.pages[0]
        assert (round(page.width, 1), round(page.height, 1)) == A4_PORTRAIT
        chars = printed_chars(page)
        assert crossing_borders(page, chars) == []
        assert overlapping_chars(chars) == []
        assert all(0 <= ch["x0"] and ch["x1"] <= page.width for ch in chars)
        printed = {squeeze(t) for table in page.find_tables() for row in table.extract() for t in row if t}
    assert expected - printed == set(), sorted(expected - printed)
    for label in ("申请人信息", "公民", "法人或者其他组织", "所需政府信息的名称", "获取政府信息的方式（可选）",
                  "受理机构", "办公地址", "办公时间", "联系电话", "传真号码", "互联网联系方式"):
        assert label in printed, label
