"""The synonym dictionary: groups of terms a query is widened with (低保 also finds 最低生活保障).

The groups ship in synonyms.yaml beside this module, each with the source of its full form;
a site adds its own under `synonyms:` in site.yaml, and those come first. Both engines get
the normalised groups: `zwgk search` here, the browser from index.js.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from zwgk.library import Site
from zwgk.outputs.search.analysis import normalize


@lru_cache(maxsize=1)
def shipped_synonyms() -> tuple[tuple[str, ...], ...]:
    """The dictionary zwgk ships: [{terms, source}] from synonyms.yaml."""
    text = resources.files("zwgk.outputs.search").joinpath("synonyms.yaml").read_text(encoding="utf-8")
    return tuple(tuple(entry["terms"]) for entry in yaml.safe_load(text))


def synonym_groups(site: Site) -> tuple[tuple[str, ...], ...]:
    """The site's groups, then the shipped ones, normalised as queries are."""
    groups = []
    for group in (*site.synonyms, *shipped_synonyms()):
        terms = tuple(dict.fromkeys(normalize(t).strip() for t in group if t.strip()))
        if len(terms) > 1:
            groups.append(terms)
    return tuple(groups)
