"""Sites built in memory, for fast tests: a dict of files in; the library, every page the
Renderer makes and the problems out. No disk is touched (but zwgk's own theme) and no
process is started, as with Hugo's integration-test builder.

    build = build_in_memory(site_files({"catalog/jia/czyjs.yaml": edited}))
    build.problems / build.messages() / build.library / build.pages["jia/index.html"]

The sources are read through zwgk.source.MemoryTree by the same reader, validator and
library as a site on disk; git history is empty, so 最后更新 comes from an explicit field or
the file's time (MEMORY_MTIME, or `mtimes`).
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Mapping

from conftest import minimal_site
from zwgk.base import ContentErrors, Problem
from zwgk.library import KIND, Library, load_library
from zwgk.render import CompiledTemplates, Renderer, plan_pages
from zwgk.source import History, MemoryTree

# The theme compiled once for every build of the test run (keyed by the templates' checksums).
_TEMPLATES = CompiledTemplates()


@dataclass
class MemoryBuild:
    library: Library | None                  # None when the site has errors
    pages: dict[str, str]                    # output path -> page, for every rendered page kind
    problems: list[Problem]                  # errors (when library is None) and warnings
    texts: dict[str, str] = field(default_factory=dict)   # the sources read, by path

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def messages(self) -> list[str]:
        """Each problem's first line, as `zwgk check` prints it: path:line:col: message."""
        return [p.as_text().splitlines()[0] for p in self.problems]


def site_files(files: Mapping[str, str | bytes | None] | None = None, base: Mapping | None = None) -> dict:
    """minimal_site() (or `base`) with `files` put in; a None value removes that file."""
    content = dict(minimal_site() if base is None else base)
    for rel, value in (files or {}).items():
        if value is None:
            content.pop(rel, None)
        else:
            content[rel] = value
    return content


def memory_tree(files: Mapping[str, str | bytes], mtimes: Mapping[str, float] | None = None) -> MemoryTree:
    """The files as conftest.write_files would save them (a text starting with a newline is dedented)."""
    return MemoryTree({rel: textwrap.dedent(v) if isinstance(v, str) and v.startswith("\n") else v
                       for rel, v in files.items()}, mtimes)


def build_in_memory(files: Mapping[str, str | bytes], *, mtimes: Mapping[str, float] | None = None,
                    strict: bool = False, render: bool = True, history: History | None = None) -> MemoryBuild:
    """Load the site in `files` (site-relative path -> text or bytes) and render every page of the
    registry's rendered kinds; a site with errors gives its problems and no pages."""
    tree = memory_tree(files, mtimes)
    try:
        loaded = load_library(tree, strict=strict)
    except ContentErrors as exc:
        return MemoryBuild(None, {}, list(exc.problems), exc.texts)
    pages = render_pages(loaded.library, history or History(tree.root, tree=tree)) if render else {}
    return MemoryBuild(loaded.library, pages, loaded.problems, loaded.texts)


def render_pages(library: Library, history: History) -> dict[str, str]:
    """Every page the Renderer makes (plan_pages: the rendered kinds of zwgk.library.pages)."""
    renderer = Renderer(library, history, _TEMPLATES)
    pages = {}
    for job in plan_pages(library):
        assert KIND[job.kind].rendered, job
        assert job.dest not in pages, f"two pages at {job.dest}"
        pages[job.dest] = renderer.render(job).decode("utf-8")
    return pages
