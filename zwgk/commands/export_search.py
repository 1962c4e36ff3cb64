"""`zwgk export-search OUT [SITE] --format opensearch|meilisearch`: bulk files for a search server."""
from __future__ import annotations

import os
import sys

from zwgk.library import load_library
from zwgk.outputs import search_server_files

SOURCE_FOLDERS = ("catalog", "content", "themes")
HOW_TO_LOAD = {
    "opensearch": "导入：curl -XPUT 服务器/zwgk -H 'Content-Type: application/json' --data-binary @settings.json；"
                  "curl -XPOST 服务器/_bulk -H 'Content-Type: application/x-ndjson' --data-binary @bulk.ndjson",
    "meilisearch": "导入：先建索引 zwgk（主键 id），PATCH /indexes/zwgk/settings 提交 settings.json，"
                   "再 POST /indexes/zwgk/documents（Content-Type: application/x-ndjson）提交 documents.ndjson",
}


def run_export_search(site: str, out: str, fmt: str) -> int:
    root, target = os.path.realpath(site), os.path.realpath(out)
    if target == root or any(target == os.path.join(root, f) or target.startswith(os.path.join(root, f) + os.sep)
                             for f in SOURCE_FOLDERS):
        print(f"zwgk: 导出目录 {out} 不能是站点目录或其中的 catalog/、content/、themes/；请换一个目录", file=sys.stderr)
        return 2
    library = load_library(site).library      # content errors are reported by the command line
    folder = os.path.join(out, fmt)
    os.makedirs(folder, exist_ok=True)
    for name, data in search_server_files(library, fmt):
        path = os.path.join(folder, name)
        with open(path + ".tmp", "wb") as fh:        # whole files only: a reader never sees half a bulk file
            fh.write(data)
        os.replace(path + ".tmp", path)
        print(f"已写入 {path}（{len(data):,} 字节）")
    print(HOW_TO_LOAD[fmt])
    return 0
