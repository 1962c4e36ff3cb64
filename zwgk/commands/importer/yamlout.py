"""Writing one domain's catalog YAML as an editor would: fields in schema order, short lists inline."""
from __future__ import annotations

import yaml

from zwgk.source import schema


class _Flow(list):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)     # indent lists under their key


def _represent_str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def domain_yaml(domain_name: str, items: list[dict], source: str) -> str:
    """The catalog YAML of one domain, fields in schema.ITEM's order, empty ones left out."""
    out_items = []
    for item in items:
        out = {}
        for f in schema.ITEM.fields:
            value = item.get(f.name)
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                short = sum(len(v) for v in value) <= 60 or f.name != "basis"
                value = _Flow(value) if short else list(value)
            out[f.name] = value
        out_items.append(out)
    head = f"# 由 zwgk import 从 {source}导入，请核对后提交。\n"
    body = yaml.dump({"domain": domain_name, "items": out_items}, Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=100, default_flow_style=False)
    return head + body
