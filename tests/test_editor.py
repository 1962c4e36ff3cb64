"""The editor's workflow: schemas and the field reference from one set of declarations,
scaffolding, the pre-commit hook, the CI example, and build progress."""
from __future__ import annotations

import glob
import io
import json
import os
import posixpath
import re

import jsonschema
import pytest
import yaml

from conftest import DOC_MD, DOMAIN_YAML, REPO, minimal_site, read, run_zwgk
from memory import build_in_memory, site_files
from zwgk.source import fieldref
from zwgk.source import jsonschema as jsonschema_gen
from zwgk.library import load_library
from zwgk.build.progress import Reporter
from zwgk.source.schema import FILE_KINDS
from zwgk.base.standards import STANDARD_DOMAINS


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as editors' tools do (YAML 1.2): a date stays text, as the schemas expect."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema(kind: str) -> dict:
    with open(os.path.join(REPO, "schemas", jsonschema_gen.schema_file(kind)), encoding="utf-8") as fh:
        return json.load(fh)


def schema_errors(kind: str, text: str) -> list[str]:
    validator = jsonschema.Draft7Validator(schema(kind))
    return [e.message for e in validator.iter_errors(yaml.load(text, Loader=Yaml12Loader))]


def front_matter(text: str) -> str:
    return re.match(r"\A---\n(.*?\n)---\n", text, re.S).group(1)


# --- JSON Schemas ---------------------------------------------------------------------

def test_the_schema_files_are_generated_from_the_declarations():
    for folder in (jsonschema_gen.PACKAGE_SCHEMA_DIR, os.path.join(REPO, "schemas")):
        assert jsonschema_gen.stale_schemas(folder) == [], f"run python -m zwgk.source.jsonschema ({folder})"
    for name, generated in jsonschema_gen.all_schemas().items():
        jsonschema.Draft7Validator.check_schema(generated)
    assert set(jsonschema_gen.all_schemas()) == {f"{k.name}.schema.json" for k in FILE_KINDS}


def test_the_demo_site_follows_its_schemas_and_names_them_on_its_first_line():
    yaml_files = ["site.yaml"] + sorted(os.path.relpath(p, REPO).replace(os.sep, "/")
                                        for p in glob.glob(os.path.join(REPO, "catalog", "*", "*.yaml")))
    assert len(yaml_files) > 5
    for rel in yaml_files:
        text = read(os.path.join(REPO, rel))
        first = text.splitlines()[0]
        assert first == jsonschema_gen.modeline(rel), rel
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), first.split("$schema=", 1)[1]))
        assert os.path.isfile(os.path.join(REPO, target)), target
        assert schema_errors(jsonschema_gen.kind_of(rel), text) == [], rel
    for path in glob.glob(os.path.join(REPO, "content", "*", "docs", "*.md")):
        assert schema_errors("document", front_matter(read(path))) == [], path
    for path in glob.glob(os.path.join(REPO, "content", "**", "pages", "*.md"), recursive=True):
        assert schema_errors("page", front_matter(read(path))) == [], path


BAD_INPUTS = [
    # (file, kind, how the file is spoiled)
    ("catalog/jia/czyjs.yaml", "domain", lambda t: t.replace("    mode: 主动\n", "    mode: 主动\n    colour: 红\n", 1)),
    ("catalog/jia/czyjs.yaml", "domain", lambda t: t.replace("    subject: 县财政局\n", "", 1)),
    ("catalog/jia/czyjs.yaml", "domain", lambda t: t.replace("mode: 主动", "mode: 主动公开", 1)),
    ("catalog/jia/czyjs.yaml", "domain", lambda t: t.replace("id: czyjs-ys-01", "id: 'czyjs ys 01'", 1)),
    ("catalog/jia/czyjs.yaml", "domain", lambda t: t.replace("audience: 全社会", "audience: ''", 1)),
    ("catalog/jia/county.yaml", "county", lambda t: t + "weight: 第一\n"),
    ("catalog/jia/county.yaml", "county", lambda t: t.replace("name: 甲县\n", "")),
    ("site.yaml", "site", lambda t: re.sub(r"base_url: .*\n", "", t)),
    ("site.yaml", "site", lambda t: t + "stale_days: [1]\n"),
    ("content/jia/docs/2024-czj-001.md", "document", lambda t: t.replace("validity: 现行有效", "validity: 有效")),
    ("content/jia/docs/2024-czj-001.md", "document", lambda t: t.replace("validity: 现行有效", "validity: 现行有效\nattachments: [../../site.yaml]")),
    ("content/jia/docs/2024-czj-001.md", "document", lambda t: t.replace("published: 2024-02-01", "published: 二月一日")),
]


@pytest.mark.parametrize("path,kind,spoil", BAD_INPUTS)
def test_the_schemas_and_the_validator_agree_on_bad_input(path, kind, spoil):
    files = minimal_site()
    text = spoil(files[path])
    assert text != files[path]
    build = build_in_memory(site_files({path: text}), render=False)
    assert build.library is None                         # the validator refuses the site
    assert any(p.path == path and p.severity == "error" for p in build.problems)
    checked = front_matter(text) if kind == "document" else text
    assert schema_errors(kind, checked), "the schema lets through what the validator refuses"


def test_the_schemas_and_the_validator_agree_on_good_input():
    files = minimal_site()
    assert build_in_memory(files, render=False).problems == []
    assert schema_errors("domain", DOMAIN_YAML) == []
    assert schema_errors("county", files["catalog/jia/county.yaml"]) == []
    assert schema_errors("site", files["site.yaml"]) == []
    assert schema_errors("document", front_matter(DOC_MD)) == []


# --- the field reference --------------------------------------------------------------

def test_every_field_is_documented_and_the_reference_is_current():
    assert fieldref.undocumented_fields() == []
    text = read(os.path.join(REPO, fieldref.DOC_REL))
    assert text == fieldref.render_reference(), "docs/fields.md is stale: run python -m zwgk.source.fieldref"
    for kind in FILE_KINDS:
        assert f"## {kind.title}" in text
        for where, spec in fieldref._walk(kind.fields, kind.name):
            assert f"| `{spec.name}` | {spec.label} |" in text, where


# --- scaffolding ----------------------------------------------------------------------

@pytest.mark.slow            # builds a whole site in another process
def test_a_new_site_and_a_new_county_build_and_the_county_shows_as_unpublished(tmp_path):
    site = str(tmp_path / "新站点")
    assert run_zwgk("new", site).returncode == 0
    result = run_zwgk("new-county", "xinxian", "--name", "新县", "--site", site)
    assert result.returncode == 0, result.stderr
    assert jsonschema_gen.stale_schemas(os.path.join(site, "schemas")) == []
    assert json.loads(read(os.path.join(site, ".vscode", "extensions.json")))["recommendations"] == ["redhat.vscode-yaml"]
    county_files = sorted(glob.glob(os.path.join(site, "catalog", "xinxian", "*.yaml")))
    assert len(county_files) == len(STANDARD_DOMAINS) + 1
    names = set()
    for path in county_files + [os.path.join(site, "site.yaml")]:
        rel = os.path.relpath(path, site).replace(os.sep, "/")
        text = read(path)
        assert text.splitlines()[0] == jsonschema_gen.modeline(rel)
        assert schema_errors(jsonschema_gen.kind_of(rel), text) == [], rel
        if rel.endswith("county.yaml"):
            continue
        if "xinxian" in rel:
            data = yaml.safe_load(text)
            assert data["items"] == []
            names.add(data["domain"])
    assert names == set(STANDARD_DOMAINS)
    loaded = load_library(site)                          # the validator accepts every scaffolded file
    assert [p for p in loaded.problems if p.severity == "error"] == []
    assert run_zwgk("build", site).returncode == 0
    home = read(os.path.join(site, "public", "xinxian", "index.html"))
    assert home.count("：未发布</li>") == len(STANDARD_DOMAINS)
    # An empty domain is 未发布 on the catalog page and has no page of its own (no blank column);
    # an empty catalog is not in the navigation, and the home says it is not published yet.
    catalog = read(os.path.join(site, "public", "xinxian", "catalog", "index.html"))
    assert "<li>财政预决算：未发布</li>" in catalog
    assert not os.path.exists(os.path.join(site, "public", "xinxian", "catalog", "czyjs", "index.html"))
    assert "尚未发布：" in home and "基层政务公开标准目录" in home.split("尚未发布：", 1)[1].split("</p>", 1)[0]


def test_new_county_refuses_what_it_cannot_do_safely(tmp_path):
    site = str(tmp_path / "site")
    assert run_zwgk("new", site).returncode == 0
    assert run_zwgk("new-county", "example", "--name", "重复", "--site", site).returncode == 1
    assert run_zwgk("new-county", "新县", "--name", "新县", "--site", site).returncode == 2
    assert run_zwgk("new-county", "ok", "--name", " ", "--site", site).returncode == 2
    assert run_zwgk("new-county", "colon", "--name", "某县: 新区", "--site", site).returncode == 0
    assert yaml.safe_load(read(os.path.join(site, "catalog", "colon", "county.yaml")))["name"] == "某县: 新区"


# --- pre-commit and CI ----------------------------------------------------------------

def test_the_pre_commit_hook_runs_zwgk_check():
    hooks = yaml.safe_load(read(os.path.join(REPO, ".pre-commit-hooks.yaml")))
    hook = next(h for h in hooks if h["id"] == "zwgk-check")
    assert hook["entry"] == "zwgk check" and hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.search("catalog/linjiang/czyjs.yaml") and pattern.search("site.yaml")
    assert pattern.search("content/linjiang/docs/2024-czj-001.md") and not pattern.search("README.md")


def test_a_new_sites_workflows_check_before_they_build_and_publish():
    from zwgk.commands.scaffold import site_repository_files
    files = site_repository_files("示例市")
    for rel in (".github/workflows/zwgk.yml", ".gitea/workflows/zwgk.yml"):
        workflow = yaml.safe_load(files[rel])
        steps = [s.get("run", "") for job in workflow["jobs"].values() for s in job.get("steps", [])]
        runs = [line.strip().removeprefix(".venv/bin/") for step in steps for line in step.splitlines()]
        check = next(i for i, line in enumerate(runs) if line.startswith("zwgk check"))
        build = next(i for i, line in enumerate(runs) if line.startswith("zwgk build"))
        assert check < build, rel
        assert "public/" in files[rel], rel
    checkout = yaml.safe_load(files[".github/workflows/zwgk.yml"])["jobs"]["check-and-build"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0          # the dates need the whole history
    gitlab = yaml.safe_load(files[".gitlab-ci.yml"])
    assert gitlab["variables"]["GIT_DEPTH"] == "0"
    assert gitlab["stages"].index("check") < gitlab["stages"].index("build") < gitlab["stages"].index("publish")


# --- progress -------------------------------------------------------------------------

class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_short_build_shows_no_progress():
    out, clock = io.StringIO(), FakeClock()
    reporter = Reporter(out, interactive=True, clock=clock)
    for _ in reporter.track(range(500), "渲染页面"):
        clock.now += 0.003
    assert out.getvalue() == ""


def test_a_long_build_shows_a_bar_on_a_terminal():
    out, clock = io.StringIO(), FakeClock()
    reporter = Reporter(out, interactive=True, clock=clock)
    for _ in reporter.track(range(100), "渲染页面"):
        clock.now += 0.05
    text = out.getvalue()
    assert "\r渲染页面 [" in text and text.endswith("\n")
    assert "100/100 100%" in text.splitlines()[-1].split("\r")[-1]
    assert text.count("\n") == 1          # one line, redrawn in place


def test_a_long_build_prints_plain_lines_in_a_ci_log():
    out, clock = io.StringIO(), FakeClock()
    reporter = Reporter(out, interactive=False, clock=clock)
    with reporter.stage("写入文件", total=300) as stage:
        for _ in range(300):
            clock.now += 0.05
            stage.advance()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[0].startswith("写入文件：") and "%" in lines[0]
    assert lines[-1] == "写入文件：完成 300/300，用时 15.0 秒"
    assert 3 <= len(lines) <= 5           # a line every few seconds, not one per file


def test_a_terminal_in_ci_gets_plain_lines(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True
    monkeypatch.setenv("CI", "true")
    assert not Reporter.for_stream(Tty()).interactive
    monkeypatch.delenv("CI")
    monkeypatch.setenv("TERM", "xterm")
    assert Reporter.for_stream(Tty()).interactive
    assert not Reporter.for_stream(io.StringIO()).interactive


def test_example_values_left_from_zwgk_new_are_warnings_at_their_place_and_fail_strict(tmp_path):
    site = str(tmp_path / "site")
    assert run_zwgk("new", site).returncode == 0
    result = run_zwgk("check", "--format", "json", site)
    assert result.returncode == 0, result.stderr
    found = {(p["path"], p["line"], p["col"]) for p in json.loads(result.stdout)["problems"]
             if "仍是新建站点时的示例值" in p["message"]}
    assert found == {("site.yaml", line, col) for line, col in
                     [(2, 8), (3, 11), (4, 9), (5, 12), (6, 12), (7, 6), (8, 9)]} | {
        ("catalog/example/county.yaml", 2, 7), ("catalog/example/county.yaml", 3, 7)}
    assert run_zwgk("check", "--strict", site).returncode == 1
    # Replaced by the site's own values, the site's warnings go; the example county's stay.
    with open(os.path.join(site, "site.yaml"), encoding="utf-8") as fh:
        text = fh.read()
    for old, new in [("示例市", "青山市"), ("www.example.gov.cn", "zwgk.qingshan.gov.cn"), ("9900000001", "3301000001"),
                     ("示ICP备00000000号", "浙ICP备12345678号"), ("示公网安备 99000000000000号", "浙公网安备 33010002000001号")]:
        text = text.replace(old, new)
    with open(os.path.join(site, "site.yaml"), "w", encoding="utf-8") as fh:
        fh.write(text)
    left = [p for p in json.loads(run_zwgk("check", "--format", "json", site).stdout)["problems"]
            if "仍是新建站点时的示例值" in p["message"]]
    assert [(p["path"], p["line"]) for p in left] == [("catalog/example/county.yaml", 2), ("catalog/example/county.yaml", 3)]


@pytest.mark.slow            # scaffolds, imports and builds through the command line
def test_after_new_county_and_one_import_every_page_shows_the_same_figures(tmp_path):
    import re as _re
    from test_import import official_xlsx
    site = str(tmp_path / "站点")
    assert run_zwgk("new", site).returncode == 0
    assert run_zwgk("new-county", "xinxian", "--name", "新县", "--site", site).returncode == 0
    table = official_xlsx(tmp_path / "社会救助.xlsx")
    result = run_zwgk("import", table, "--county", "xinxian", "--domain", "社会救助", "--site", site, "--force")
    assert result.returncode == 0, result.stderr
    assert run_zwgk("build", site).returncode == 0
    public = os.path.join(site, "public")
    home = read(os.path.join(public, "xinxian", "index.html"))
    catalog = read(os.path.join(public, "xinxian", "catalog", "index.html"))
    portal = read(os.path.join(public, "index.html"))
    completeness = read(os.path.join(public, "completeness.html"))
    assert "共公开 1 个领域、3 个事项" in home                                   # the empty domain files are 未发布
    assert len(_re.findall(r'<td data-label="事项数">(\d+)</td>', catalog)) == 1
    card = portal.split('href="xinxian/index.html"', 1)[1].split("</li>", 1)[0]
    assert "已公开 1 个领域、3 个事项" in card and "25 个标准领域未发布" in card
    row = completeness.split("<th scope=\"row\">已发布领域</th>", 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td>" in row
