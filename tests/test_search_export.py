"""`zwgk export-search`: the portal's records as OpenSearch and Meilisearch bulk files, checked
against those formats' rules (no server is reachable here)."""
from __future__ import annotations

import json
import os
import re

import pytest

from conftest import REPO, run_zwgk
from zwgk.library import load_library
from zwgk.outputs import search_server_files
from zwgk.outputs.search.records import portal_records
from zwgk.outputs.search.whoosh_index import with_attachments


@pytest.fixture(scope="module")
def demo():
    library = load_library(REPO).library
    return library, portal_records(with_attachments(library))


def _lines(data: bytes) -> list[dict]:
    text = data.decode("utf-8")
    assert text.endswith("\n")                      # the _bulk API needs the last line ended too
    return [json.loads(line) for line in text.split("\n")[:-1]]


def test_opensearch_bulk_pairs_an_index_action_with_each_record(demo):
    library, records = demo
    files = dict(search_server_files(library, "opensearch"))
    lines = _lines(files["bulk.ndjson"])
    actions, sources = lines[0::2], lines[1::2]
    assert len(actions) == len(sources) == len(records)
    assert all(list(a) == ["index"] and set(a["index"]) == {"_index", "_id"} for a in actions)
    ids = [a["index"]["_id"] for a in actions]
    assert len(set(ids)) == len(ids)
    assert not any(k.startswith("_") for s in sources for k in s)     # metadata fields may not stand in a document
    assert {s["key"] for s in sources} == {r.key for r in records}
    settings = json.loads(files["settings.json"])
    declared = settings["mappings"]["properties"]
    assert set().union(*sources) <= set(declared)                     # every field mapped, none left to guessing
    analysis = settings["settings"]["analysis"]
    assert analysis["filter"]["zwgk_bigram"] == {"type": "cjk_bigram", "output_unigrams": True}
    assert analysis["analyzer"]["zwgk"]["tokenizer"] == "standard"
    assert {declared[z]["analyzer"] for z in ("title", "names", "content", "basis", "body")} == {"zwgk"}
    boosts = json.loads(files["query.json"])["query"]["multi_match"]["fields"]
    assert boosts[0] == "title^8"                                     # the title weighs most, as in zwgk


def test_meilisearch_documents_have_valid_primary_keys_and_the_settings_name_their_fields(demo):
    library, records = demo
    files = dict(search_server_files(library, "meilisearch"))
    docs = _lines(files["documents.ndjson"])
    assert len(docs) == len(records)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,511}", d["id"]) for d in docs)
    assert len({d["id"] for d in docs}) == len(docs)
    settings = json.loads(files["settings.json"])
    known = {"displayedAttributes", "searchableAttributes", "filterableAttributes", "sortableAttributes",
             "rankingRules", "stopWords", "synonyms", "distinctAttribute", "typoTolerance", "faceting", "pagination"}
    assert set(settings) <= known
    fields = set().union(*docs)
    assert settings["searchableAttributes"][0] == "title" and set(settings["searchableAttributes"]) <= fields
    assert set(settings["filterableAttributes"]) - fields <= {"mode", "audience", "issuer", "year", "validity"}
    assert "最低生活保障" in settings["synonyms"]["低保"] and "低保" in settings["synonyms"]["最低生活保障"]
    assert any(d["kind"] == "attachment" and "户政大队" in d["body"] for d in docs)   # attachment text too


def test_the_command_writes_the_files_and_refuses_a_source_folder(tmp_path):
    out = tmp_path / "export"
    done = run_zwgk("export-search", str(out), REPO, "--format", "meilisearch")
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(out / "meilisearch")) == ["documents.ndjson", "settings.json"]
    refused = run_zwgk("export-search", os.path.join(REPO, "content"), REPO, "--format", "opensearch")
    assert refused.returncode == 2 and "content/" in refused.stderr
