"""错敏词: the site's wordlist.yaml and a small starter list, found in every source text.

Every occurrence is reported at path:line:col with its right form (or why it must not be
used); nothing is ever rewritten. One pattern of all the words is matched once over each
text, longest first, so a city's sources are read once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from zwgk.library import Site, Word

# The starter list: slips that show up in government writing, each with where its right form comes from.
_ORDINANCE = "《中华人民共和国政府信息公开条例》（国务院令第711号）的名称和用语"
_VARIANTS = "《第一批异形词整理表》（GF 1001—2001）的推荐词形"
STARTER = (
    Word("政府信息公开条列", "政府信息公开条例", source=_ORDINANCE),
    Word("依申情公开", "依申请公开", source=_ORDINANCE),
    Word("笔划", "笔画", source=_VARIANTS),
    Word("定单", "订单", source=_VARIANTS),
    Word("帐本", "账本", source=_VARIANTS),
    Word("折衷", "折中", source=_VARIANTS),
    Word("参预", "参与", source=_VARIANTS),
    Word("成份", "成分", source=_VARIANTS),
    Word("案语", "按语", source=_VARIANTS),
)


@dataclass(frozen=True, slots=True)
class WordFinding:
    path: str
    line: int
    col: int
    word: Word
    line_text: str


def words_of(site: Site) -> tuple[Word, ...]:
    """The site's own list first (it may give a starter word another advice), then the starter list."""
    own = {w.text for w in site.words}
    return site.words + tuple(w for w in STARTER if w.text not in own)


def find_words(texts: Mapping[str, str], words: Iterable[Word]) -> list[WordFinding]:
    by_text = {w.text: w for w in words}
    if not by_text:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in sorted(by_text, key=len, reverse=True)))
    found = []
    for path in sorted(texts):
        text = texts[path]
        if not pattern.search(text):
            continue
        for n, line in enumerate(text.split("\n"), 1):
            for m in pattern.finditer(line):
                found.append(WordFinding(path, n, m.start() + 1, by_text[m.group()], line))
    return found
