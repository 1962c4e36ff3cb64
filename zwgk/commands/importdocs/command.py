"""`zwgk import-docs DIR --county C [--dry-run] [--force] [--site DIR]`."""
from __future__ import annotations

import os
import re
import sys
from datetime import date

import yaml

from zwgk.base import Problem, format_report
from zwgk.commands.importdocs.article import Unreadable, read_article
from zwgk.commands.importdocs.fields import Guessed, guess_fields
from zwgk.commands.importer import write_imported
from zwgk.source import DOCUMENT, ID_PATTERN

DOC_SUFFIXES = (".docx", ".htm", ".html", ".txt", ".doc", ".pdf")
_ID_RE = re.compile(ID_PATTERN)
_LABELS = {f.name: f.label for f in DOCUMENT.fields}     # the front matter's names as editors know them


def document_id(values: dict, taken: set[str]) -> str:
    """The file name: year and 发文字号 number (2023-004), or year and a running number."""
    day = values.get("published") or values.get("written")
    year = day.year if isinstance(day, date) else "doc"
    number = re.search(r"〔\d{4}〕(\d+)号", values.get("doc_no", ""))
    base = f"{year}-{int(number.group(1)):03d}" if number else f"{year}-import"
    n, found = 1, base if number else f"{base}-001"
    while found in taken:
        n += 1
        found = f"{base}-{n:03d}" if not number else f"{base}-{n}"
    taken.add(found)
    return found


class _Plain(yaml.SafeDumper):
    """No anchors and aliases (&id001, *id001) when two fields hold the same date: zwgk refuses them."""

    def ignore_aliases(self, data) -> bool:
        return True


def front_matter(values: dict) -> str:
    ordered = {k: values[k] for k in ("title", "index_no", "doc_no", "issuer", "written", "published", "attachments")
               if values.get(k)}
    return "---\n" + yaml.dump(ordered, Dumper=_Plain, allow_unicode=True, sort_keys=False, width=10000) + "---\n\n"


def run_import_docs(args) -> int:
    site_dir = getattr(args, "site", None) or "."
    if not _ID_RE.match(args.county or ""):
        print(f"zwgk import-docs: --county “{args.county}”应为 catalog/ 下的县（区）目录名", file=sys.stderr)
        return 2
    if not os.path.exists(args.folder):
        print(f"zwgk import-docs: 找不到 {args.folder}", file=sys.stderr)
        return 2
    if not os.path.isdir(os.path.join(site_dir, "catalog", args.county)):
        print(f"zwgk import-docs: 找不到县（区）目录 catalog/{args.county}；请先运行 zwgk new-county {args.county} --name 名称",
              file=sys.stderr)
        return 2
    # Ids come from each document (its year and number): the same file imported again gets the same
    # id, and is refused unless --force, instead of being added twice.
    taken: set[str] = set()
    files = [args.folder] if os.path.isfile(args.folder) else sorted(
        os.path.join(folder, name) for folder, _dirs, names in os.walk(args.folder) for name in names
        if name.lower().endswith(DOC_SUFFIXES) and not name.startswith(("~$", ".")))
    planned: list[tuple[str, str, bytes | str]] = []      # (path under the site, kind, data)
    problems: list[Problem] = []
    lines = ["导入结果："]
    for path in files:
        shown = os.path.relpath(path, args.folder) if os.path.isdir(args.folder) else os.path.basename(path)
        try:
            article = read_article(path)
        except (Unreadable, OSError, ValueError) as exc:
            problems.append(Problem(shown, 0, 0, f"{shown}：无法读取：{exc}", "请另存为 .docx 或 .html 后再导入"))
            continue
        guessed = guess_fields(article.text, article.title)
        values = {"title": article.title, **guessed.values}
        missing = [f for f in ("title", "issuer", "published") if not values.get(f)]
        if missing:
            problems.append(Problem(shown, 0, 0, f"{shown}：认不出{'、'.join(_LABELS[f] for f in missing)}",
                                    "导入后请在文件头中补上；或把它们写进原文件再导入"))
            continue
        doc_id = document_id(values, taken)
        body = article.markdown
        for n, (suffix, data) in enumerate(article.images, 1):
            name = f"files/{doc_id}-{n}{suffix}"
            body = body.replace(f"img-{n}{suffix}", name)
            planned.append((f"content/{args.county}/{name}", "file", data))
            values.setdefault("attachments", []).append(name)      # published with the document
        dest = f"content/{args.county}/docs/{doc_id}.md"
        if os.path.exists(os.path.join(site_dir, dest)) and not args.force:
            problems.append(Problem(dest, 0, 0, f"{dest} 已存在，没有覆盖", "确认要替换，请加 --force"))
            continue
        planned.append((dest, "doc", front_matter(values) + body))
        lines.append(f"  {shown} → {dest}")
        review = [f"{_LABELS[k]}（{how}）" for k, how in _how(guessed).items()]
        if review:
            lines.append("      请核对：" + "、".join(review))
        if article.missing:
            lines.append(f"      未找到的图片（没有下载）：{'、'.join(article.missing[:5])}")
    print("\n".join(lines))
    if problems:
        print(format_report(problems), file=sys.stderr)
        print("有问题，没有写入任何文件。", file=sys.stderr)
        return 1
    documents = sum(kind == "doc" for _rel, kind, _data in planned)
    if getattr(args, "dry_run", False):
        print(f"--dry-run：可以导入 {documents} 个文件，没有写入。")
        return 0
    for rel, _kind, data in planned:
        write_imported(os.path.join(site_dir, *rel.split("/")), data, site_dir)
    print(f"已导入 {documents} 个文件到 content/{args.county}/docs/；请运行 zwgk check 检查。")
    return 0


def _how(guessed: Guessed) -> dict:
    return {k: how for k, how in guessed.how.items() if how != "页面的信息栏"}
