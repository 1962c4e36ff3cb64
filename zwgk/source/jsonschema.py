"""JSON Schemas of the source files for editors, derived from the field declarations in schema.py.

`python -m zwgk.jsonschema_gen` rewrites the copies shipped in the package (zwgk/schemas/)
and the demo site's (schemas/); `--check` only says whether they are current. New sites
get their own copy from `zwgk new`, so the `# yaml-language-server: $schema=` line at
the top of every YAML file is a relative path that works offline.

The mapping from a field to JSON Schema (field_schema) is the only one: with data=True it
describes the field as the JSON downloads hold it, for their catalog.schema.json.
"""
from __future__ import annotations

import argparse
import json
import os
import posixpath
import sys
from typing import Any

from zwgk.source.schema import (
    AMOUNT,
    BOOL,
    COUNTS,
    CHOICE,
    DATE,
    DATE_PATTERN,
    DOCUMENT,
    DOMAIN,
    FILE_KINDS,
    ID,
    ID_LIST,
    ID_PATTERN,
    INT,
    MAPPING,
    PATH_LIST,
    RECORDS,
    TEXT,
    TEXT_LIST,
    TEXT_MAP,
    Field,
    FileKind,
)

DIALECT = "http://json-schema.org/draft-07/schema#"   # the newest draft yaml-language-server supports
SCHEMA_DIR = "schemas"                                  # in a site folder, beside site.yaml
PACKAGE_SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")

# Not blank: the validator treats '' and '   ' like a missing value.
_NOT_BLANK = r"\S"
# The validator refuses absolute paths, drive letters, backslashes, URLs and ., .. or empty parts.
_REL_PATH = r"^(?![/\\]|[A-Za-z]:)(?!.*(\\|://|//|(^|/)\.{1,2}(/|$)|/$)).+$"

# Which schema a YAML file of a site follows, by its site-relative path.
YAML_KINDS = ("site", "county", "domain")


def schema_file(kind: str) -> str:
    return f"{kind}.schema.json"


def kind_of(src_path: str) -> str | None:
    """'site', 'wordlist', 'county', 'domain' or 'report' for a site's YAML file (site-relative, posix), else None."""
    parts = src_path.split("/")
    if parts == ["site.yaml"]:
        return "site"
    if parts == ["wordlist.yaml"]:
        return "wordlist"
    if len(parts) == 3 and parts[0] == "catalog" and parts[2].endswith(".yaml"):
        return "county" if parts[2] == "county.yaml" else "domain"
    if len(parts) in (4, 5) and parts[0] == "content" and parts[2] == "reports" and parts[-1].endswith(".yaml"):
        return "report"
    return None


def modeline(src_path: str) -> str:
    """The `# yaml-language-server: $schema=` line for a site's YAML file (path relative to the file)."""
    kind = kind_of(src_path)
    if kind is None:
        raise ValueError(f"no schema for {src_path}")
    target = posixpath.relpath(f"{SCHEMA_DIR}/{schema_file(kind)}", posixpath.dirname(src_path) or ".")
    return f"# yaml-language-server: $schema={target}"


def file_schema(kind: FileKind) -> dict[str, Any]:
    schema: dict[str, Any] = {"$schema": DIALECT, "title": f"{kind.title}（{kind.where}）"}
    schema.update(_object(kind.fields))
    if kind is DOMAIN:
        # The items are described once, under definitions, so the editor's hover stays short.
        items = next(f for f in kind.fields if f.name == "items")
        schema["definitions"] = {"item": {"title": "目录事项", **_object(items.fields)}}
        schema["properties"]["items"] = _describe(items, {"type": ["array", "null"], "items": {"$ref": "#/definitions/item"}})
    if kind is DOCUMENT:
        schema["description"] = "Markdown 文件开头两行 --- 之间的文件头。"
    return schema


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, for every kind of source file."""
    return {schema_file(kind.name): file_schema(kind) for kind in FILE_KINDS}


def schema_texts() -> dict[str, str]:
    return {name: json.dumps(schema, ensure_ascii=False, indent=2) + "\n" for name, schema in all_schemas().items()}


def write_schemas(folder: str) -> list[str]:
    """Write every schema into folder; returns the names of files whose content changed."""
    os.makedirs(folder, exist_ok=True)
    changed = []
    for name, text in schema_texts().items():
        path = os.path.join(folder, name)
        if _read(path) != text:
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            changed.append(name)
    return changed


def stale_schemas(folder: str) -> list[str]:
    return [name for name, text in schema_texts().items() if _read(os.path.join(folder, name)) != text]


# --- one field -----------------------------------------------------------------------

def _object(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.name: field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,   # unknown keys are errors in zwgk too
    }


def field_schema(spec: Field, *, data: bool = False) -> dict[str, Any]:
    """A field's JSON Schema: the one mapping from a Field to JSON Schema.

    By default the field as a source file may write it: a required value must not be blank,
    a list may be a single value, an optional key may stay empty (null). With data=True, the
    field as zwgk's JSON downloads give it (catalog.schema.json): the key is always there,
    text not given is "", a date not given is null, a list is always an array.
    """
    body = value_schema(spec, data=data)
    if data:
        return {"title": spec.label, "description": spec.help, **body}
    if not spec.required:
        body = _nullable(body)   # `key:` with no value is the same as leaving it out
    return _describe(spec, body)


# In the downloads an identifier not given is "", and a date is written one way only.
_DATA_ID = r"^(?:[A-Za-z0-9][A-Za-z0-9_-]*)?$"
_DATA_DATE = {"type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def value_schema(spec: Field, *, data: bool = False) -> dict[str, Any]:
    """The schema of a field's value alone, without title, description or null (field_schema)."""
    kind = spec.kind
    text = {"type": "string", **({"pattern": _NOT_BLANK} if spec.required and not data else {})}
    ident = {"type": "string", "pattern": ID_PATTERN}
    if kind == TEXT:
        return text
    if kind == CHOICE:
        # In the downloads an optional choice left out is "".
        return {"enum": list(spec.choices) + ([] if spec.required else [""])} if data else {"type": "string", "enum": list(spec.choices)}
    if kind == ID:
        return {"type": "string", "pattern": _DATA_ID} if data else ident
    if kind in (TEXT_LIST, ID_LIST, PATH_LIST):
        path = {"type": "string"} if data else {"type": "string", "pattern": _REL_PATH}
        element = {TEXT_LIST: text, ID_LIST: ident, PATH_LIST: path}[kind]
        if data:
            return {"type": "array", "items": element}
        # A single value is accepted as a list of one.
        return {"anyOf": [element, {"type": "array", "items": element, **({"minItems": 1} if spec.required else {})}]}
    if kind == DATE:
        return dict(_DATA_DATE) if data else {"type": "string", "pattern": DATE_PATTERN}
    if kind == INT:
        return {"type": "integer"}
    if kind == BOOL:
        return {"type": "boolean"}
    if kind == COUNTS:
        count = {"type": "integer", "minimum": 0}
        return {"anyOf": [count, {"type": "array", "items": count}]}
    if kind == AMOUNT:
        return {"type": "number", "minimum": 0}
    if data:   # no download holds these kinds; a schema for them would be a guess
        raise AssertionError(f"field kind {kind} has no form in the downloads")
    if kind == TEXT_MAP:
        return {"type": "object", "additionalProperties": {"type": ["string", "null"]}}
    if kind == RECORDS:
        return {"type": "array", "items": _object(spec.fields)}
    if kind == MAPPING:
        return _object(spec.fields)
    raise AssertionError(f"unknown field kind {kind}")   # a new kind must be described here before it can be declared


def _nullable(body: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in body:
        return {"anyOf": body["anyOf"] + [{"type": "null"}]}
    if "enum" in body:
        return {**body, "type": ["string", "null"], "enum": body["enum"] + [None]}
    if isinstance(body.get("type"), str):
        return {**body, "type": [body["type"], "null"]}
    return body


def _describe(spec: Field, body: dict[str, Any]) -> dict[str, Any]:
    example = json.dumps(spec.example, ensure_ascii=False)
    described = {"title": spec.label, "description": f"{spec.label}：{spec.help}" + (f" 例如：{example}" if spec.example not in ([], {}, "") else "")}
    if spec.default is not None:
        described["default"] = spec.default
    if spec.kind not in (RECORDS, MAPPING) and spec.example not in ([], {}, ""):
        described["examples"] = [spec.example]
    return {**described, **body}


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zwgk.source.jsonschema", description="生成编辑器使用的 JSON Schema")
    parser.add_argument("--check", action="store_true", help="只检查是否需要重新生成")
    parser.add_argument("--repo", default=".", help="zwgk 仓库的目录（默认当前目录）：其中示例站点的 schemas/ 也一并生成")
    args = parser.parse_args(argv)
    folders = [PACKAGE_SCHEMA_DIR, os.path.join(args.repo, SCHEMA_DIR)]
    if args.check:
        stale = [os.path.join(f, n) for f in folders for n in stale_schemas(f)]
        for path in stale:
            print(f"需要重新生成：{path}（python -m zwgk.source.jsonschema）", file=sys.stderr)
        return 1 if stale else 0
    for folder in folders:
        for name in write_schemas(folder):
            print(f"已写入 {os.path.join(folder, name)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
