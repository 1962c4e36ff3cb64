"""The one analysis: shared vectors, per-code-point normalisation, Python and JS agree."""
from __future__ import annotations

import json
import os
import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk.outputs.search.analysis import WORD_RANGES, normalize, normalize_char, parse_query, tokenize

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = json.load(open(os.path.join(REPO, "search", "vectors.json"), encoding="utf-8"))


def test_vectors_give_their_tokens():
    for case in VECTORS["cases"]:
        assert normalize(case["text"]) == case["normalized"], case["text"]
        assert [list(t) for t in tokenize(case["text"])] == case["tokens"], case["text"]


def test_vectors_give_their_query_parts():
    for q in VECTORS["queries"]:
        parts = [{"text": p.text, "phrase": p.phrase, "runs": [list(r) for r in p.runs], "terms": p.terms}
                 for p in parse_query(q["query"])]
        assert parts == q["parts"], q["query"]


def test_vectors_carry_the_word_ranges():
    assert [list(r) for r in WORD_RANGES] == VECTORS["word_ranges"]


def test_document_numbers_and_ids_are_found_inside_longer_runs():
    tokens = {t for t, _pos in tokenize("石政办函〔2020〕128号 czyjs-zfys-01 ２０２０年")}
    assert {"28", "8号"} <= tokens            # 28号 inside 128号
    assert {"20", "02"} <= tokens             # 2020, also from full-width digits
    assert {"cz", "zy", "yj", "js"} <= tokens
    assert "0年" in tokens                    # a digit run followed by CJK


# Characters Python's Unicode database knows (node's may be newer), no surrogates.
ASSIGNED = st.characters(blacklist_categories=("Cs", "Cn"))
CJKISH = st.sampled_from(list("征地补偿号县政府〔〕（）。，、……①㈠㎡ＡＢ１２ 　\n\t-/年月日ΣσςİıﬁⅫ丽𠀋") + ["\u0301", "\u2028", "\ufeff"])
TEXTS = st.lists(st.one_of(st.text(ASSIGNED, max_size=30), st.text(CJKISH, max_size=30)), min_size=1, max_size=200)


@settings(max_examples=25, deadline=None)
@given(st.text(ASSIGNED, max_size=60))
def test_normalize_works_one_code_point_at_a_time(text):
    assert normalize(text) == "".join(normalize_char(ch) for ch in text)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(TEXTS)
def test_python_and_js_tokenizers_agree(texts):
    # One node process per example, with many strings in it.
    run = subprocess.run(["node", os.path.join(REPO, "search", "tokenize.mjs")], input=json.dumps(texts),
                         capture_output=True, text=True, check=True, encoding="utf-8")
    js = json.loads(run.stdout)
    for text, got in zip(texts, js):
        assert got["normalized"] == normalize(text), repr(text)
        assert [tuple(t) for t in got["tokens"]] == tokenize(text), repr(text)
