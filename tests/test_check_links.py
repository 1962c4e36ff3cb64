"""Links in built output: internal links and anchors resolve, external ones are only listed."""
from __future__ import annotations

from conftest import write_files
from zwgk.publish.links import check_links, resolve


def test_resolve_relative_links():
    assert resolve("jia/docs/a.html", "../files/x.pdf") == ("jia/files/x.pdf", "")
    assert resolve("jia/docs/a.html", "b.html#%E7%AB%A0") == ("jia/docs/b.html", "章")
    assert resolve("jia/docs/a.html", "#top") == ("jia/docs/a.html", "top")
    assert resolve("jia/docs/a.html", "../catalog/") == ("jia/catalog/index.html", "")
    assert resolve("jia/index.html", "../../etc/passwd") is None
    assert resolve("index.html", "search.html?q=低保") == ("search.html", "")


def test_check_links_in_a_small_output(tmp_path):
    out = write_files(tmp_path, {
        "index.html": '<a href="jia/index.html#main">县</a><a href="https://example.gov.cn/">外</a>'
                      '<a href="mailto:a@example.gov.cn">信</a><img src="gone.png">',
        "jia/index.html": '<main id="main"></main><a href="../index.html#nope">回</a><a name="old"></a>'
                          '<a href="#old">锚</a><link rel="stylesheet" href="assets/x.css">',
        "jia/assets/x.css": "",
    })
    report = check_links(out)
    broken = sorted((b.link.page, b.link.url, b.target, b.fragment) for b in report.broken)
    assert broken == [("index.html", "gone.png", "gone.png", ""), ("jia/index.html", "../index.html#nope", "index.html", "nope")]
    assert report.broken[0].link.line == 1
    assert sorted(report.external) == ["https://example.gov.cn/", "mailto:a@example.gov.cn"]
    assert (report.pages, report.internal) == (2, 5)
