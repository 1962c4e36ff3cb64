"""zwgk as a county web team installs it: the sdist and wheel built from this checkout, the
wheel and every dependency carried over as a wheelhouse, installed offline into a fresh
virtualenv outside the repository, and used there on a new site.

The wheelhouse is downloaded once (the only step that needs the package registry); the
install itself runs with `--no-index`, as on an intranet machine.
"""
from __future__ import annotations

import contextlib
import glob
import io
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest
import yaml

from conftest import REPO

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, (args, result.stdout[-3000:], result.stderr[-3000:])
    return result


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment of a new shell: no PYTHONPATH into the checkout, no active virtualenv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(dist folder, fresh virtualenv's bin folder, a work folder outside the repository)."""
    root = tmp_path_factory.mktemp("install")
    dist, wheelhouse, work = root / "dist", root / "wheelhouse", root / "work"
    work.mkdir()
    # Built from a copy of the checkout's tracked files, as a clean clone has them: the build
    # writes its metadata into the source folder, and other tests' processes write caches
    # into the checkout meanwhile (a file vanishing mid-copy failed the sdist).
    source = root / "source"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for rel in filter(None, listed.decode("utf-8").split("\0")):
        if os.path.isfile(os.path.join(REPO, rel)):                 # not deleted in the working tree
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(os.path.join(REPO, rel), source / rel)
    # `python -m build` must not run inside the checkout: the site's own build.py would shadow it.
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], cwd=str(work), env=_clean_env())
    wheel = glob.glob(str(dist / "zwgk-*.whl"))[0]
    # On the machine with access: the wheel and all of its dependencies into one folder.
    # As docs/install.md says: binary wheels for the target's Python and platform.
    machine = platform.machine()
    _run([sys.executable, "-m", "pip", "download", "-q", "--dest", str(wheelhouse),
          "--python-version", f"{sys.version_info.major}.{sys.version_info.minor}",
          "--platform", f"manylinux2014_{machine}", "--platform", f"manylinux_2_17_{machine}",
          "--only-binary=:all:", wheel], cwd=str(work), env=_clean_env())
    # On the intranet machine: a new virtualenv, installed with no index at all.
    venv.EnvBuilder(with_pip=True).create(str(root / "venv"))
    bin_dir = str(root / "venv" / "bin")
    _run([os.path.join(bin_dir, "python"), "-m", "pip", "install", "-q", "--no-index",
          "--find-links", str(wheelhouse), "zwgk"], cwd=str(work), env=_clean_env(PIP_NO_INDEX="1"))
    return dist, bin_dir, work


def _zwgk(bin_dir: str, *args: str, cwd) -> subprocess.CompletedProcess:
    return _run([os.path.join(bin_dir, "zwgk"), *args], cwd=str(cwd), env=_clean_env())


def test_sdist_and_wheel_carry_the_theme_search_runtime_schemas_and_licence(installed):
    dist, _bin, work = installed
    _run([sys.executable, "-m", "twine", "check", "--strict", *glob.glob(str(dist / "*"))], cwd=str(work))
    wheel = zipfile.ZipFile(glob.glob(str(dist / "zwgk-*.whl"))[0])
    names = set(wheel.namelist())
    for needed in ("zwgk/themes/default/templates/county.html", "zwgk/themes/default/static/zwgk.css",
                   "zwgk/search_runtime/zwgk-search.js", "zwgk/search_runtime/zwgk-analysis.js",
                   "zwgk/source/schemas/domain.schema.json", "zwgk/commands/scaffold_files/gitlab-ci.yml"):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "catalog/", "content/", "zwgk/search_runtime/test/")) for n in names)
    # Every package of the engine is in the wheel (the package list in pyproject.toml is explicit).
    for folder, _dirs, files in os.walk(os.path.join(REPO, "zwgk")):
        if "__init__.py" in files:
            rel = os.path.relpath(folder, REPO).replace(os.sep, "/")
            assert f"{rel}/__init__.py" in names, f"{rel} is missing from the wheel"
    metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    from zwgk import __version__
    assert f"Version: {__version__}" in metadata
    assert "License-Expression: MIT" in metadata
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_installed_zwgk_reports_its_version_both_ways(installed):
    _dist, bin_dir, work = installed
    from zwgk import __version__
    assert _zwgk(bin_dir, "--version", cwd=work).stdout.strip() == f"zwgk {__version__}"
    python = os.path.join(bin_dir, "python")
    assert _run([python, "-m", "zwgk", "--version"], cwd=str(work), env=_clean_env()).stdout.strip() == f"zwgk {__version__}"
    # The installed copy is the one that runs, not this checkout.
    where = _run([python, "-c", "import zwgk; print(zwgk.__file__)"], cwd=str(work), env=_clean_env()).stdout
    assert not where.startswith(REPO)


def test_installed_zwgk_makes_checks_builds_and_searches_a_new_site(installed):
    _dist, bin_dir, work = installed
    site = work / "county-site"
    _zwgk(bin_dir, "new", str(site), cwd=work)
    _zwgk(bin_dir, "check", cwd=site)
    _zwgk(bin_dir, "build", cwd=site)
    public = site / "public"
    county = public / "example"
    assert (county / "assets" / "zwgk.css").stat().st_size > 1000
    for script in ("zwgk-search.js", "zwgk-analysis.js", "zwgk-search-page.js"):
        assert (county / "assets" / script).stat().st_size > 1000, script
    assert glob.glob(str(county / "search" / "*.js")), "the county's search index"
    assert "zwgk-search.js" in (county / "search.html").read_text(encoding="utf-8")
    for download in ("catalog.xlsx", "catalog.csv", "catalog.json"):
        assert (county / "downloads" / download).stat().st_size > 0, download
    table = work / "社会救助.csv"
    table.write_text("一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\n"
                     "低保,城乡低保,低保对象名单,《社会救助暂行办法》,20个工作日内,县民政局,政府网站,全社会,主动,县级\n",
                     encoding="utf-8")
    _zwgk(bin_dir, "import", str(table), "--county", "example", "--domain", "社会救助", cwd=site)
    assert (site / "catalog" / "example" / "shjz.yaml").is_file()
    found = json.loads(_zwgk(bin_dir, "search", "预算", "--json", cwd=site).stdout)
    assert found["total"] >= 2
    assert {"document", "item"} <= {hit["type"] for hit in found["results"]}
    assert all("预算" in hit["title"] for hit in found["results"])


def _zwgk_commands(ci_file: str) -> list[list[str]]:
    """Every zwgk command line a CI or pre-commit file runs."""
    data = yaml.safe_load(open(ci_file, encoding="utf-8"))
    scripts: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("run", "script", "before_script", "entry") and value:
                    scripts.extend(value if isinstance(value, list) else [value])
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(data)
    commands = []
    for script in scripts:
        for line in script.replace("\\\n", " ").splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            words = list(lexer)
            for i, word in enumerate(words):
                if word == "zwgk" or word.endswith("/bin/zwgk"):
                    rest = words[i + 1:]
                    ends = [j for j, w in enumerate(rest) if w in (";", "&&", "||", "|")]
                    commands.append(rest[:ends[0]] if ends else rest)
    return commands


def test_new_sites_ci_files_run_only_commands_zwgk_has(installed):
    from zwgk.commands.cli import make_parser
    _dist, bin_dir, work = installed
    site = work / "ci-site"
    _zwgk(bin_dir, "new", str(site), cwd=work)
    files = [".gitlab-ci.yml", ".gitea/workflows/zwgk.yml", ".github/workflows/zwgk.yml", ".pre-commit-config.yaml"]
    from zwgk import __version__
    for rel in files:
        path = site / rel
        text = path.read_text(encoding="utf-8")
        assert __version__ in text, rel                       # pinned to the zwgk that wrote it
        commands = _zwgk_commands(str(path))
        assert commands, rel
        for args in commands:
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    parsed = make_parser().parse_args(args)
            except SystemExit as exc:       # --version and --help leave with 0
                assert exc.code == 0, f"{rel}: zwgk {' '.join(args)} is not a zwgk command"
            else:
                assert parsed.command, (rel, args)
    gitlab = yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["variables"]["GIT_DEPTH"] == "0"
    assert gitlab["pages"]["artifacts"]["paths"] == ["public/"]
    gitea = (site / ".gitea/workflows/zwgk.yml").read_text(encoding="utf-8")
    assert "uses:" not in gitea.replace("# 不使用任何 action（uses:）", "")   # nothing fetched from another host
    assert (site / "README.md").read_text(encoding="utf-8").startswith("# 示例市")
