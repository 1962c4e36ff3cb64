"""JSON files a build keeps for the next one, written whole or not at all."""
from __future__ import annotations

import json
import os


def save_json(path: str, payload) -> None:
    """payload as compact JSON at path: written aside, then renamed over it. json.dumps, not
    json.dump, which streams through the pure-Python encoder (0.4 s for a city's manifest)."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    os.replace(tmp, path)
