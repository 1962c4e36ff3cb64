"""Shared test helpers: write a whole small site from a dict, build it, run the CLI."""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _share_the_compiled_theme() -> None:
    """Every build this test process makes shares one compiled theme, as zwgk serve's builds do:
    compiling the theme's 25 templates is 0.25 s of each small site's build, most of the suite's
    time. Templates are keyed by their source's checksum, so a test that edits a theme still
    compiles its own. Builds in other processes (the real command line) compile as always."""
    import zwgk.build.site
    from zwgk.build.cache import BuildCache
    from zwgk.render import CompiledTemplates
    theme = CompiledTemplates()

    class SharedThemeBuildCache(BuildCache):
        def __init__(self, **parts):
            super().__init__(**{"templates": theme, **parts})

    zwgk.build.site.BuildCache = SharedThemeBuildCache


_share_the_compiled_theme()

SITE_YAML = """\
title: 测试市政务公开事项标准目录
base_url: https://zwgk.test.example.gov.cn/
domain: zwgk.test.example.gov.cn
organiser: 测试市人民政府办公室
site_code: '9900000009'
icp: 测ICP备00000001号
police: 测公网安备 99000000000001号
local_channels: [12345政务服务热线]
"""

OFFICE_YAML = """\
office:
  name: 县人民政府办公室
  address: 县城人民路1号
  hours: 工作日上午8:30—12:00，下午14:30—17:30
  phone: 0990-1234
  fax: 无
  online: 本县人民政府网站“依申请公开”栏目
"""

# A 年报 whose figures add up (content/<county>/reports/2024.yaml): 自然人 5 new + 1 carried over
# = 3 disclosed + 2 not held + 1 carried forward; 商业企业 1 new = 1 disclosed.
REPORT_YAML = """\
published: 2025-01-20
overview: 全年主动公开政府信息120条。
active:
  normative: [2, 1, 10]
  licensing: 30
  fees: 1.5
requests:
  new: [5, 1, 0, 0, 0, 0]
  carried_over: [1, 0, 0, 0, 0, 0]
  disclosed: [3, 1, 0, 0, 0, 0, 4]
  unable:
    not_held: [2, 0, 0, 0, 0, 0]
  total: [5, 1, 0, 0, 0, 0, 6]
  carried_forward: [1, 0, 0, 0, 0, 0, 1]
reviews:
  review: [1, 0, 0, 0, 1]
problems: 目录更新不够及时。
other: 无。
"""

COUNTY_YAML = """\
name: 甲县
code: '990901'
""" + OFFICE_YAML

DOMAIN_YAML = """\
domain: 财政预决算
items:
  - id: czyjs-ys-01
    level1: 政府预算
    level2: 一般公共预算
    content: 一般公共预算收入表、支出表
    basis: [《中华人民共和国预算法》]
    deadline: 批准后20日内
    subject: 县财政局
    channels: [政府网站, 政府公报]
    audience: 全社会
    mode: 主动
    level: [县级]
    documents: [2024-czj-001]
  - id: czyjs-js-01
    level1: 政府决算
    subject: 县财政局
    channels: [政府网站]
    audience: 特定群体
    audience_note: 预算单位
    mode: 依申请
    level: [县级, 乡级]
"""

DOC_MD = """\
---
title: 甲县2024年预算公开
doc_no: 甲财〔2024〕1号
issuer: 甲县财政局
written: 2024-01-20
published: 2024-02-01
validity: 现行有效
items: [czyjs-ys-01]
---

## 预算收入

全县一般公共预算收入 **12.3 亿元**。
"""


def minimal_site() -> dict[str, str]:
    """A small valid site: one county, one domain, one document, one page."""
    return {
        "site.yaml": SITE_YAML,
        "catalog/jia/county.yaml": COUNTY_YAML,
        "catalog/jia/czyjs.yaml": DOMAIN_YAML,
        "content/jia/docs/2024-czj-001.md": DOC_MD,
        "content/pages/about.md": "---\ntitle: 关于本站\n---\n\n说明文字。\n",
    }


def write_files(root, files: dict[str, str | bytes]) -> str:
    """Write `files` (path -> text or bytes) under root; returns root as str."""
    root = str(root)
    for rel, content in files.items():
        path = os.path.join(root, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(content, str):
            content = textwrap.dedent(content) if content.startswith("\n") else content
            content = content.encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(content)
    return root


@pytest.fixture
def make_site(tmp_path):
    """make_site(files=None, **overrides) -> site folder with minimal_site() plus overrides."""
    def make(files: dict | None = None, base: dict | None = None) -> str:
        from memory import site_files        # the same files as the in-memory builder's sites
        return write_files(tmp_path / "site", site_files(files, base))
    return make


# Modules whose tests take seconds each, longest first. Started first, they share the two
# workers evenly; left to the end of the alphabet, one worker finishes long after the other.
LONG_MODULES = ["test_install.py", "test_incremental.py", "test_browser_pages.py",
                "test_security_injection.py", "test_browser_behaviour.py", "test_security_nothing_lost.py"]


def pytest_collection_modifyitems(items):
    """A test that opens Chromium through tests/browser.py's `chromium` fixture is a browser test
    wherever it is written, so `-m "not browser"` leaves out every one."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    rank = {name: i for i, name in enumerate(LONG_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))     # stable: order within a module stays


def run_zwgk(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run the command line as a user would: the same parser, command, exit code and output,
    in this process (a new interpreter importing zwgk costs 0.6 s a call). The real entry
    point, `python -m zwgk` and the installed `zwgk`, is run by test_serve, test_incremental
    and test_install."""
    from zwgk.commands.cli import main
    stdout, stderr = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(cwd or REPO)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(list(args))
            except SystemExit as exc:          # argparse's usage errors, and the commands' own
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["zwgk", *args], code, stdout.getvalue(), stderr.getvalue())


def read(path) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()
