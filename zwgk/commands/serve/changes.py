"""What a saved file is to the site: `classify` turns a path into a `Change`, or None when the build does not read it."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from zwgk.base import search_runtime

# Editors' temporary and backup files: saving through them must not build twice.
_TEMP_FILE = re.compile(r"(^\.|~$|^#.*#$|\.(swp|swx|swo|tmp|bak|part|crdownload)$|^4913$|___jb_(tmp|old)___$)")
_THEME_PARTS = {"templates": "template", "static": "static"}


@dataclass(frozen=True, order=True)
class Change:
    path: str        # site-relative posix path, or an absolute one for the default theme
    kind: str        # config | catalog | document | page | attachment | template | static
    county: str = ""

    def describe(self) -> str:
        kinds = {"config": "站点配置", "catalog": "目录", "document": "政府信息", "page": "页面",
                 "attachment": "附件", "template": "模板", "static": "样式和脚本"}
        where = f"·{self.county}" if self.county else ""
        return f"{self.path}（{kinds[self.kind]}{where}）"


def classify(site: str, path: str, theme_dirs: tuple[str, ...] = ()) -> Change | None:
    """What a changed file is to the site, or None when it does not matter to the build.

    theme_dirs are themes outside the site folder (the default theme of an installed zwgk).
    """
    path = os.path.abspath(path)
    if _TEMP_FILE.search(os.path.basename(path)):
        return None
    for theme in theme_dirs:
        if path.startswith(theme + os.sep):
            kind = _THEME_PARTS.get(os.path.relpath(path, theme).split(os.sep)[0])
            return Change(shown_path(site, path), kind) if kind else None
    if os.path.dirname(path) == search_runtime() and path.endswith(".js"):
        return Change(shown_path(site, path), "static")
    rel = os.path.relpath(path, site)
    if rel.startswith(".." + os.sep) or rel == "..":
        return None
    parts = rel.split(os.sep)
    if any(p.startswith(".") for p in parts):
        return None
    rel = "/".join(parts)
    if parts in (["site.yaml"], ["wordlist.yaml"]):
        return Change(rel, "config")
    if parts[0] == "themes" and len(parts) >= 4 and parts[2] in _THEME_PARTS:
        return Change(rel, _THEME_PARTS[parts[2]])
    if parts[0] == "catalog" and len(parts) == 3 and parts[2].endswith((".yaml", ".yml")):
        return Change(rel, "catalog", parts[1])
    if parts[0] == "catalog" and len(parts) == 2:          # a county folder added or removed: the whole site
        return Change(rel, "catalog")
    if parts[0] == "content" and len(parts) >= 3:
        if parts[1] == "pages":
            return Change(rel, "page") if rel.endswith(".md") else None
        section = parts[2]
        if section == "docs" and rel.endswith(".md"):
            return Change(rel, "document", parts[1])
        if section == "pages" and rel.endswith(".md"):
            return Change(rel, "page", parts[1])
        if section == "files":
            return Change(rel, "attachment", parts[1])
    if parts[0] in ("catalog", "content") and len(parts) <= 2:
        return Change(rel, "catalog" if parts[0] == "catalog" else "document")
    return None


def shown_path(site: str, path: str) -> str:
    """The path as the editor knows it: site-relative, or absolute for a file outside the site."""
    rel = os.path.relpath(path, site)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")
