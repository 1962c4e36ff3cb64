"""The same catalog table in every format counties keep it in imports to the same items, and
hostile files are refused without being expanded, executed or fetched."""
from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK

from test_import import EXPECTED, HEADER_1, HEADER_2, ROWS, TITLE, failure, import_file, official_xlsx
from zwgk.commands import importer


def official_docx(path, rows=ROWS, *, before: str = TITLE) -> str:
    """The table in Word, as counties type it: a title paragraph above, merged group headers,
    the first 一级事项 merged down over two rows, line breaks inside cells."""
    document = docx.Document()
    document.add_paragraph("（封面说明）")
    document.add_paragraph(before)
    table = document.add_table(rows=2 + len(rows), cols=len(HEADER_1))
    for r, values in enumerate([HEADER_1, HEADER_2, *rows]):
        for c, value in enumerate(values):
            if value:
                cell = table.cell(r, c)
                lines = value.split("\n")
                run = cell.paragraphs[0].add_run(lines[0])
                for line in lines[1:]:
                    run.add_break(WD_BREAK.LINE)
                    run.add_text(line)
    for (r1, c1), (r2, c2) in (((0, 0), (1, 0)), ((0, 1), (0, 3)), ((0, 9), (0, 10)), ((0, 11), (0, 12)),
                               ((0, 13), (0, 14)), ((2, 1), (3, 1)), *(((0, c), (1, c)) for c in (4, 5, 6, 7, 8, 15, 16))):
        text = table.cell(r1, c1).text
        merged = table.cell(r1, c1).merge(table.cell(r2, c2))
        if merged.text != text:          # python-docx joins the texts of the cells it merges
            merged.text = text
    document.save(path)
    return str(path)


def saved_page(path, rows=ROWS, *, charset: str = "utf-8") -> str:
    """The table as a county's CMS page saved from the browser: navigation in layout tables,
    scripts, entities, <br> in cells, rowspan/colspan for the merged cells."""
    def cell(value: str, tag: str = "td", **attrs) -> str:
        extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
        return f"<{tag}{extra}>" + "<br>".join(html.escape(line) for line in value.split("\n")) + f"</{tag}>"

    head = ("<tr>" + cell("序号", "th", rowspan=2) + cell("公开事项", "th", colspan=3)
            + "".join(cell(h, "th", rowspan=2) for h in HEADER_1[4:9])
            + cell("公开对象", "th", colspan=2) + cell("公开方式", "th", colspan=2) + cell("公开层级", "th", colspan=2)
            + cell("责任科室", "th", rowspan=2) + cell("备注", "th", rowspan=2) + "</tr>"
            + "<tr>" + "".join(cell(h, "th") for h in HEADER_2 if h) + "</tr>")
    body = ""
    for n, row in enumerate(rows):
        # The first 一级事项 spans the first two items.
        cells = [cell(v, rowspan=2) if (n, c) == (0, 1) else ("" if (n, c) == (1, 1) else cell(v)) for c, v in enumerate(row)]
        body += "<tr>" + "".join(cells) + "</tr>"
    page = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{TITLE}</title>'
            '<script>document.write("<table><tr><td>广告</td></tr></table>")</script></head><body>'
            '<table class="layout"><tr><td><table><tr><td><a href="/">首页</a></td><td>政务公开</td></tr></table></td></tr>'
            f'<tr><td><h2>{TITLE}</h2><table class="catalog">{head}{body}</table></td></tr></table>'
            '<p>主办单位：某区人民政府办公室&nbsp;&copy;</p></body></html>')
    with open(path, "wb") as f:
        f.write(page.encode(charset))
    return str(path)


def converted(source: str, suffix: str) -> str:
    """The workbook saved as .xls or .ods by LibreOffice, as WPS and old Excel give them."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice makes the .xls and .ods fixtures; ./tests/run installs it"
    out = os.path.dirname(source)
    subprocess.run([soffice, "--headless", "--convert-to", suffix, "--outdir", out, source],
                   check=True, capture_output=True, timeout=120)
    return os.path.splitext(source)[0] + "." + suffix


@pytest.mark.parametrize("charset", ["utf-8", "gb18030"])
def test_a_saved_page_imports_like_the_workbook(tmp_path, charset):
    assert import_file(saved_page(tmp_path / "page.html", charset=charset)).items == EXPECTED


def test_a_word_table_imports_like_the_workbook_and_names_its_domain(tmp_path):
    path = official_docx(tmp_path / "目录.docx")
    assert import_file(path).items == EXPECTED
    (table,) = [t for t in importer.read_tables(path) if t.title]
    assert table.title == TITLE


@pytest.mark.slow                     # LibreOffice writes the fixtures
@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_old_excel_and_ods_import_like_the_workbook(tmp_path, suffix):
    path = converted(official_xlsx(tmp_path / "目录.xlsx"), suffix)
    assert importer.kind_of(path, open(path, "rb").read()) == suffix
    assert import_file(path).items == EXPECTED


def test_the_formats_are_told_apart_by_content_not_name(tmp_path):
    xlsx = official_xlsx(tmp_path / "a.xlsx")
    word = official_docx(tmp_path / "b.docx")
    page = saved_page(tmp_path / "c.html")
    for path, kind in ((xlsx, "xlsx"), (word, "docx"), (page, "html")):
        renamed = tmp_path / f"renamed-{kind}.dat"
        shutil.copy(path, renamed)
        assert importer.kind_of(str(renamed), renamed.read_bytes()) == kind


@pytest.mark.parametrize("name, data, words", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "soffice --headless --convert-to docx"),
    ("scan.pdf", b"%PDF-1.4\n%...", "另存为 .docx"),
])
def test_doc_and_pdf_say_how_to_convert(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    (text,) = failure(path)
    assert words in text


def test_a_zip_bomb_dressed_as_a_workbook_or_document_is_refused_unopened(tmp_path):
    for name, member in (("bomb.xlsx", "xl/workbook.xml"), ("bomb.docx", "word/document.xml")):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr(member, b"\0" * (300 * 1024 * 1024))       # 300 MB of zeros, 1.3 MB packed
        path = tmp_path / name
        path.write_bytes(buffer.getvalue())
        (text,) = failure(path)
        assert "压缩炸弹" in text


def test_a_word_file_with_an_external_link_is_read_without_fetching_it(tmp_path):
    path = official_docx(tmp_path / "external.docx")
    document = docx.Document(path)
    document.paragraphs[0].part.relate_to("http://192.0.2.1/tracker.png",
                                          "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
                                          is_external=True)
    document.save(path)
    assert import_file(path).items == EXPECTED          # nothing was fetched: 192.0.2.1 is unreachable anyway


def test_a_page_s_scripts_are_never_read_as_cells(tmp_path):
    tables = importer.read_tables(saved_page(tmp_path / "page.html"))
    texts = {cell for t in tables for row in t.rows for cell in row}
    assert "广告" not in texts and not any("document.write" in t for t in texts)


# ---------------------------------------------------------------- whole catalogs at once

def catalog_folder(root) -> str:
    """A county's folder of tables as it has them: each domain in another format, one workbook
    of two sheets, and a file that is no table."""
    import openpyxl
    folder = root / "目录表格"
    folder.mkdir()
    official_xlsx(folder / "1.xlsx")                                          # its title names 社会救助
    official_docx(folder / "2.docx", before="某区乡村振兴领域基层政务公开标准目录")   # 扶贫, by its variant
    saved_page(folder / "财政预决算.html")                                      # by the file name: the page's title names 社会救助 too
    book = openpyxl.Workbook()
    for n, name in enumerate(("养老服务", "就业")):
        sheet = book.active if n == 0 else book.create_sheet()
        sheet.title = name
        for row in [HEADER_1, HEADER_2, *ROWS]:
            sheet.append(row)
    book.save(folder / "两个领域.xlsx")
    (folder / "说明.png").write_bytes(b"\x89PNG")
    return str(folder)


def test_a_folder_imports_each_table_into_the_domain_it_names(make_site, tmp_path):
    from conftest import run_zwgk
    site = make_site({"site.yaml": "title: 测试\nbase_url: https://example.gov.cn/\nlocal_channels: [12345政务服务热线]\n"})
    folder = catalog_folder(tmp_path)
    os.rename(os.path.join(folder, "财政预决算.html"), os.path.join(folder, "预决算公开.html"))
    dry = run_zwgk("import", folder, "--county", "jia", "--site", site, "--dry-run")
    assert dry.returncode == 1, dry.stdout + dry.stderr        # 1.xlsx and the page both say 社会救助
    assert "都是“社会救助”领域的目录" in dry.stderr and "没有写入任何文件" in dry.stderr
    os.remove(os.path.join(folder, "预决算公开.html"))
    dry = run_zwgk("import", folder, "--county", "jia", "--site", site, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    for line in ("1.xlsx → catalog/jia/shjz.yaml（社会救助，3 个事项", "2.docx → catalog/jia/fp.yaml（扶贫，3 个事项",
                 "两个领域.xlsx（养老服务） → catalog/jia/ylfw.yaml", "两个领域.xlsx（就业） → catalog/jia/jy.yaml",
                 "说明.png：跳过（不是表格文件）"):
        assert line in dry.stdout, dry.stdout
    assert not os.path.exists(os.path.join(site, "catalog", "jia", "shjz.yaml"))   # --dry-run writes nothing
    done = run_zwgk("import", folder, "--county", "jia", "--site", site)
    assert done.returncode == 0, done.stderr
    assert "已导入 4 个领域、12 个事项" in done.stdout
    assert run_zwgk("check", site).returncode == 0
    again = run_zwgk("import", folder, "--county", "jia", "--site", site)
    assert again.returncode == 1 and "已存在，没有覆盖" in again.stderr           # never overwrites without --force


@pytest.mark.parametrize("title, domain", [
    ("某区社会救助领域基层政务公开标准目录", "社会救助"), ("巩固拓展脱贫攻坚成果领域目录", "扶贫"),
    ("社会救助及福利", "社会救助"), ("自然资源（城乡规划）", "城乡规划"), ("国有土地上房屋征收与补偿领域", "国有土地上房屋征收与补偿"),
    ("财政预决算", "财政预决算"), ("", ""),
])
def test_domains_are_recognised_from_their_names_and_common_variants(title, domain):
    from zwgk.commands.importer.batch import recognise_domain
    assert recognise_domain(title) == domain


GLUED = [row[:] for row in ROWS]
GLUED[0][8] = "■政府网站口政府公报口两微一端■社区/企事业单位/村公示栏(电子屏)口精准推送"     # OCR: □ became 口, no blanks


@pytest.mark.parametrize("make", [official_xlsx, official_docx, saved_page], ids=["xlsx", "docx", "html"])
def test_a_channel_cell_with_glued_boxes_reads_alike_in_every_format(tmp_path, make):
    path = make(tmp_path / ("t." + {"official_xlsx": "xlsx", "official_docx": "docx", "saved_page": "html"}[make.__name__]), GLUED)
    assert import_file(path).items[0]["channels"] == ["政府网站", "社区/企事业单位/村公示栏(电子屏)"]
