"""`zwgk import-docs`: documents from an old CMS, a Word file and plain text become Markdown
documents with their front matter guessed, reviewed in the summary, and the site checks clean."""
from __future__ import annotations

import io
import os

import docx
import pytest
from PIL import Image

from conftest import run_zwgk
from zwgk.commands.importdocs import guess_fields, normalise_doc_no, read_article

PAGE = """<!DOCTYPE html><html><head><meta charset="gb18030"><title>关于做好2023年春耕生产工作的通知_临江县人民政府</title>
<script>location.href="http://tracker.example/"</script></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/hdjl/">互动交流</a></div>
<table class="meta"><tr><td>索引号：11990102MB0000000X/2023-00015</td><td>发布机构：临江县农业农村局</td></tr>
<tr><td>发文字号：临农发[2023]07号</td><td>成文日期：2023年02月20日</td><td>发布日期：2023-02-24</td></tr></table>
<div class="article"><h1>关于做好2023年春耕生产工作的通知</h1>
<p>各乡镇人民政府，县直有关单位：</p>
<p>为切实做好今年春耕生产工作，确保粮食播种面积稳定在45万亩以上，现将有关事项通知如下。为切实做好今年春耕生产工作，确保粮食播种面积稳定。</p>
<h2>一、稳定粮食播种面积</h2><p>各乡镇要把粮食生产目标任务分解落实到村、到户、到地块。详见<a href="/zwgk/2023/fj1.doc">附件</a>。</p>
<table><tr><th>乡镇</th><th>面积（万亩）</th></tr><tr><td>青石镇</td><td>8.2</td></tr></table>
<p>临江县农业农村局</p><p>2023年2月20日</p></div>
<div class="foot">版权所有：临江县人民政府 技术支持：某公司</div></body></html>"""


def word_document(path) -> str:
    document = docx.Document()
    document.add_paragraph("临江县民政局关于调整临时救助标准的通知")
    document.add_paragraph("临民发〔2024〕6号")
    document.add_paragraph("各乡镇人民政府：")
    document.add_heading("一、调整标准", level=2)
    document.add_paragraph("临时救助标准提高到每人每次1500元。", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "类别", (0, 1): "标准（元）", (1, 0): "一般", (1, 1): "1500"}.items():
        table.cell(r, c).text = text
    picture = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(picture, "PNG")
    picture.seek(0)
    document.add_picture(picture)
    document.add_paragraph("临江县民政局")
    document.add_paragraph("2024年6月25日")
    document.save(path)
    return str(path)


def test_the_metadata_block_of_a_saved_page_and_its_article(tmp_path):
    path = tmp_path / "chungeng.html"
    path.write_bytes(PAGE.encode("gb18030"))
    article = read_article(str(path))
    assert article.title == "关于做好2023年春耕生产工作的通知"
    assert "首页" not in article.markdown and "版权所有" not in article.markdown and "tracker" not in article.markdown
    assert "## 一、稳定粮食播种面积" in article.markdown and "| 青石镇 | 8.2 |" in article.markdown
    assert "[附件]" not in article.markdown and "详见附件" in article.markdown      # a link into the old site keeps its text
    guessed = guess_fields(article.text, article.title)
    assert guessed.values["doc_no"] == "临农发〔2023〕7号"            # [] and the leading zero normalised (GB/T 9704)
    assert guessed.values["index_no"] == "11990102MB0000000X/2023-00015"
    assert guessed.values["issuer"] == "临江县农业农村局"
    assert str(guessed.values["written"]) == "2023-02-20" and str(guessed.values["published"]) == "2023-02-24"


def test_a_word_document_with_its_number_heading_list_table_image_and_signature(tmp_path):
    article = read_article(word_document(tmp_path / "救助.docx"))
    guessed = guess_fields(article.text, article.title)
    assert article.title == "临江县民政局关于调整临时救助标准的通知"
    assert guessed.values["doc_no"] == "临民发〔2024〕6号" and guessed.how["doc_no"] == "正文开头的发文字号"
    assert guessed.values["issuer"] == "临江县民政局" and str(guessed.values["written"]) == "2024-06-25"
    assert "## 一、调整标准" in article.markdown and "1. 临时救助标准" in article.markdown
    assert "| 一般 | 1500 |" in article.markdown and len(article.images) == 1


@pytest.mark.parametrize("written, expected", [("临政办发【2023】004号", "临政办发〔2023〕4号"), ("临财预(2024)3号", "临财预〔2024〕3号"),
                                               ("临政发〔2024〕12号", "临政发〔2024〕12号")])
def test_document_numbers_are_written_as_gb_t_9704_asks(written, expected):
    assert normalise_doc_no(written) == expected


@pytest.mark.slow                    # runs the command line
def test_the_command_imports_reviews_and_the_site_checks_clean(make_site, tmp_path):
    site = make_site()
    folder = tmp_path / "旧网站"
    folder.mkdir()
    (folder / "chungeng.html").write_bytes(PAGE.encode("gb18030"))
    word_document(folder / "救助.docx")
    (folder / "说明.txt").write_text("关于开展2024年防汛检查的通知\n\n各乡镇：\n\n请于6月底前完成防汛检查。\n\n临江县应急管理局\n2024年5月8日\n", encoding="utf-8")
    dry = run_zwgk("import-docs", str(folder), "--county", "jia", "--site", site, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "chungeng.html → content/jia/docs/2023-007.md" in dry.stdout
    assert "请核对：发文机关（落款）、成文日期（落款的日期）、发布日期（没有发布日期，用成文日期代替）" in dry.stdout
    assert not os.path.exists(os.path.join(site, "content", "jia", "docs", "2023-007.md"))
    done = run_zwgk("import-docs", str(folder), "--county", "jia", "--site", site)
    assert done.returncode == 0, done.stderr
    written = open(os.path.join(site, "content", "jia", "docs", "2024-006.md"), encoding="utf-8").read()
    assert written.startswith("---\ntitle: 临江县民政局关于调整临时救助标准的通知\ndoc_no: 临民发〔2024〕6号\n")
    assert "](files/2024-006-1.png)" in written and os.path.isfile(os.path.join(site, "content", "jia", "files", "2024-006-1.png"))
    check = run_zwgk("check", site)
    assert check.returncode == 0, check.stdout + check.stderr
    again = run_zwgk("import-docs", str(folder), "--county", "jia", "--site", site)
    assert again.returncode == 1 and "已存在，没有覆盖" in again.stderr
