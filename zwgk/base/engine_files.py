"""Where zwgk's own files are: the default theme and the browser search runtime.

Both ship inside the package (pyproject.toml maps the top-level themes/ and search/ folders
to `zwgk.themes` and `zwgk.search_runtime`), so they are found the same way from a wheel,
an editable install or a checkout, and a missing one is an error, never a quiet gap.
"""
from __future__ import annotations

import os
from importlib import resources

# The files a build cannot do without; their absence means a broken install.
SEARCH_RUNTIME_FILES = ("zwgk-analysis.js", "zwgk-search.js", "zwgk-search-page.js")
THEME_FILES = ("templates/base.html", "static/zwgk.css")


class EngineFilesMissing(RuntimeError):
    """zwgk's installation lacks files of its own (a broken or partial install)."""


def _package_folder(package: str, sub: str, required: tuple[str, ...]) -> str:
    try:
        folder = os.path.join(str(resources.files(package)), sub)
    except ModuleNotFoundError:
        folder = ""
    missing = [name for name in required if not os.path.isfile(os.path.join(folder, name))]
    if not folder or missing:
        raise EngineFilesMissing(
            f"zwgk 的安装不完整：找不到 {package} 中的 {', '.join(missing) or sub}。"
            "请重新安装 zwgk（pip install --force-reinstall zwgk-*.whl）")
    return folder


def default_theme() -> str:
    """The folder of the default theme (templates/ and static/)."""
    return _package_folder("zwgk.themes", "default", THEME_FILES)


def search_runtime() -> str:
    """The folder holding the browser search scripts."""
    return _package_folder("zwgk.search_runtime", "", SEARCH_RUNTIME_FILES)
