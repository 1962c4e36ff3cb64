"""What a build reads before it locks the output: the site's configuration and shared pages,
the fingerprints every output is checked against, and the theme's assets."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

from zwgk import __version__
from zwgk.base import SEARCH_RUNTIME_FILES, Problem, digest, never, search_runtime
from zwgk.build.cache import BuildCache
from zwgk.library import Page, Site, portal_library, unknown_counties, validate_shared_pages, validate_site_config
from zwgk.outputs import PartStore
from zwgk.publish import CountyDigests, engine_fingerprint, folders_fingerprint, read_source_digests
from zwgk.render import served, theme_dirs
from zwgk.source import History, read_history, read_site


@dataclass
class Plan:
    """Everything read before the output is locked: the site's own files and every fingerprint."""
    root: str
    site: Site
    shared_pages: list[Page]
    slugs: list[str]                         # counties of the site to build
    problems: list[Problem]
    texts: dict[str, str]
    history: History
    identity: str                            # written into every county.json
    site_fingerprint: str                    # the identity and zwgk's code: the base of every fingerprint
    sources: CountyDigests                   # county -> its source files' digests, read when first needed
    assets: list[tuple[str, bytes]]
    check_personal_info: bool
    cache: BuildCache
    checkpoint: Callable[[], None] = never   # where a build asked to stop (zwgk serve) stops
    # The counties' parts of the portal's search index: in memory, or kept beside the output.
    search_parts: PartStore = field(default_factory=PartStore)


def read_plan(site_dir: str, only: tuple[str, ...], check_personal_info: bool, cache: BuildCache) -> Plan:
    root = os.path.abspath(site_dir)
    sources = read_site(root, only, with_counties=False, kept=cache.parsed)
    problems = list(sources.problems)
    site = validate_site_config(sources, problems)
    pages = validate_shared_pages(sources, problems)
    problems += unknown_counties(only, sources.counties)
    if check_personal_info:
        from zwgk.source import scan_site
        problems += scan_site(root, sources.texts, site.pii_allow, []).problems()
    history = read_history(root)
    themes = theme_dirs(portal_library(site, pages, []))
    slugs = list(sources.counties)
    # What a county was made from, as its county.json says (a merge checks it): this site's
    # configuration and theme and this version of zwgk. The manifest's fingerprints add
    # zwgk's code itself, so that any change to the engine re-makes what it would change.
    # content/files: the site's own images for every footer (党政机关网站标识, 找错); wordlist.yaml:
    # the 错敏词 every county's inspection summary (in its county.json) is checked against.
    shared = read_source_digests(root, ["site.yaml", "wordlist.yaml", "content/pages", "content/files"], history,
                                 cache.file_digests)
    identity = shared.fingerprint(digest("\n".join(
        [__version__, folders_fingerprint([*themes, search_runtime()])]).encode("utf-8")))
    site_fingerprint = digest(f"{identity}\n{engine_fingerprint()}".encode("utf-8"))
    return Plan(root, site, pages, slugs, problems, dict(sources.texts), history, identity, site_fingerprint,
                 CountyDigests(root, slugs, history, cache.file_digests), theme_assets(themes), check_personal_info,
                cache)


def theme_assets(themes: list[str]) -> list[tuple[str, bytes]]:
    """Theme assets and the search runtime (path under assets/, the bytes served), written into
    the portal and every county; the site theme wins over the default one."""
    found: dict[str, str] = {}
    for theme in reversed(themes):
        static = os.path.join(theme, "static")
        for dirpath, _dirs, files in os.walk(static):
            for name in files:
                full = os.path.join(dirpath, name)
                found[os.path.relpath(full, static).replace(os.sep, "/")] = full
    runtime = search_runtime()
    for name in SEARCH_RUNTIME_FILES:
        found.setdefault(name, os.path.join(runtime, name))
    assets = []
    for rel, path in sorted(found.items()):
        with open(path, "rb") as fh:
            assets.append((rel, served(rel, fh.read())))
    return assets
