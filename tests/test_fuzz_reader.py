"""Property tests: whatever an editor saves, the reader and validator answer with
user-facing problems, never with an exception of their own; and what they accept renders.

The sites are built in memory (tests/memory.py): no file is written per example."""
from __future__ import annotations

import os

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import minimal_site
from memory import build_in_memory
from zwgk.source.schema import DOCUMENT, ITEM

KEYS = [f.name for f in ITEM.fields] + [f.name for f in DOCUMENT.fields] + ["domain", "items", "x", "中文键"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.dates(),
                    st.text(max_size=12), st.sampled_from(["主动", "全社会", "县级", "政府网站", "2020-13-45", "现行有效"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
                      max_leaves=20)
yaml_docs = st.one_of(
    values.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
    st.dictionaries(st.sampled_from(KEYS), values, max_size=8).map(
        lambda d: yaml.safe_dump({"domain": "财政预决算", "items": [d]}, allow_unicode=True)),
    st.text(max_size=200),
    st.binary(max_size=200),
)

SETTINGS = settings(max_examples=150, deadline=None)


def load(files: dict) -> None:
    """Load (and, when it has no errors, render) the site: every problem is placed and worded."""
    build = build_in_memory(files)
    for p in build.problems:
        assert p.path and p.message, p
    assert (build.library is None) == bool(build.errors)
    assert build.library is None or build.pages


@SETTINGS
@given(source=yaml_docs)
def test_any_catalog_file_gives_problems_not_exceptions(source):
    load({**minimal_site(), "catalog/jia/czyjs.yaml": source})


@SETTINGS
@given(front=yaml_docs, body=st.text(max_size=300))
def test_any_document_gives_problems_not_exceptions(front, body):
    if isinstance(front, bytes):
        text: str | bytes = b"---\n" + front + b"\n---\n" + body.encode("utf-8", "surrogatepass")
    else:
        text = f"---\n{front}\n---\n{body}"
    try:
        text = text if isinstance(text, bytes) else text.encode("utf-8")
    except UnicodeEncodeError:
        return  # lone surrogates cannot be saved by any editor
    load({**minimal_site(), "content/jia/docs/2024-czj-001.md": text})


def test_hostile_yaml_files_get_clear_errors():
    # Anchors inside [ ] (an anchor at the start of a value is refused before composing).
    bomb = "a: [&a [x,x,x,x,x,x,x,x,x]]\n" + "".join(
        f"{n}: [&{n} [{', '.join(['*' + p] * 9)}]]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    cases = {
        "bomb": (bomb, "YAML 别名（*）展开过多"),
        "anchored value": ("a: &a [x,x,x]\nb: *a\n", "值以 & 开头"),
        "deep": ("domain: " + "[" * 5000 + "]" * 5000, "YAML 嵌套层数过多"),
        "deep-block": ("- " * 100000 + "x", "YAML 嵌套层数过多"),
        "tag": ("domain: !!python/object/apply:os.system ['echo hacked']\n", "会把它当作标签"),
        "huge": ("domain: 财政预决算\n# " + "x" * (50 * 1024 * 1024) + "\n", "文件过大"),
        "utf16": ("domain: 财政预决算\n".encode("utf-16"), "UTF-16"),
        "invalid-utf8": (b"domain: \xff\xfe\xfa\n", "无效的 UTF-8"),
    }
    for name, (source, expected) in cases.items():
        build = build_in_memory({**minimal_site(), "catalog/jia/czyjs.yaml": source}, render=False)
        if build.library is None:
            messages = [p.message for p in build.problems]
            assert any(expected in m for m in messages), (name, messages)
        else:
            raise AssertionError(f"{name}: no error")
    assert not os.path.exists("hacked")


def test_bom_and_crlf_are_read_like_plain_utf8():
    files = minimal_site()
    files["catalog/jia/czyjs.yaml"] = b"\xef\xbb\xbf" + files["catalog/jia/czyjs.yaml"].replace("\n", "\r\n").encode()
    library = build_in_memory(files).library
    assert [i.id for i in library.county("jia").items] == ["czyjs-ys-01", "czyjs-js-01"]


BROKEN_YAML = {
    "deep flow": "domain: " + "[" * 1500 + "]" * 1500,
    "unclosed bracket": "domain: 财政预决算\nitems:\n  - id: a\n    level1: [未闭合\n",
    "unclosed brace": "domain: {a: 1\n",
    "tab": "domain: 财政预决算\nitems:\n\t- id: a\n",
    "colon in value": "domain: 财政预决算\nitems:\n  - id: a\n    level1: 甲: 乙\n",
    "bad indentation": "domain: 财政预决算\nitems:\n  - id: a\n     level1: 乙\n    level2: 丙\n",
    "two documents": "domain: 财政预决算\n---\ndomain: 财政预决算\n",
    "unclosed quote": 'domain: "财政预决算\n',
}


def test_yaml_messages_are_chinese_and_placed_whichever_loader_pyyaml_has(monkeypatch):
    """PyYAML's C loader (libyaml) and its pure-Python loader word their errors differently,
    and new releases word them anew: the editor gets a Chinese message with a position from
    either, never the dependency's English."""
    import zwgk.source.yamlfile as sourcefile
    loaders = {"pure": yaml.SafeLoader}
    if hasattr(yaml, "CSafeLoader"):
        loaders["libyaml"] = yaml.CSafeLoader
    seen: dict[str, set[str]] = {}
    for loader_name, loader in loaders.items():
        monkeypatch.setattr(sourcefile, "_Loader", loader)
        for name, source in BROKEN_YAML.items():
            build = build_in_memory({**minimal_site(), "catalog/jia/czyjs.yaml": source}, render=False)
            if build.library is None:
                problems = [p for p in build.problems if p.path.endswith("czyjs.yaml")]
            else:
                raise AssertionError(f"{loader_name}/{name}: no error")
            assert problems, (loader_name, name)
            for p in problems:
                assert p.line > 0 and p.col > 0, (loader_name, name, p)
                english = [w for w in p.message.split() if w.isascii() and w.isalpha() and len(w) > 3 and w != "YAML"]
                assert not english, (loader_name, name, p.message)
            seen.setdefault(name, set()).add(problems[0].message.split("：")[0])
    assert all(len(kinds) == 1 for kinds in seen.values()), seen
