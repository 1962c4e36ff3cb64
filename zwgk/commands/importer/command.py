"""`zwgk import` itself: the arguments, the site's words, and writing the file only when it validates."""
from __future__ import annotations

import os
import re
import sys

from zwgk.base import DOMAIN_SLUGS, STANDARD_DOMAINS, Problem, format_report
from zwgk.commands.importer.batch import claimed_twice, import_all, summary
from zwgk.commands.importer.columns import Words
from zwgk.commands.importer.rows import import_table
from zwgk.commands.importer.formats import read_table
from zwgk.commands.importer.table import ImportFailed
from zwgk.commands.importer.yamlout import domain_yaml
from zwgk.source import ID_PATTERN, kind_of, modeline, suggestion

CONTENT_ERROR = 1
USAGE_ERROR = 2

_ID_RE = re.compile(ID_PATTERN)


def resolve_domain(domain: str, slug: str | None) -> tuple[str, str]:
    """(domain name, file slug) from --domain (a name or a standard slug) and --slug."""
    by_slug = {v: k for k, v in DOMAIN_SLUGS.items()}
    if slug is not None and not _ID_RE.match(slug):
        raise ValueError(f"--slug “{slug}”只能由字母、数字、- 和 _ 组成")
    if domain in by_slug:
        return by_slug[domain], slug or domain
    if domain in DOMAIN_SLUGS:
        return domain, slug or DOMAIN_SLUGS[domain]
    if slug:
        return domain, slug
    if _ID_RE.match(domain):
        raise ValueError(f"--domain “{domain}”不是标准领域的名称或缩写"
                         f"{suggestion(domain, list(by_slug))}；本地领域请写中文名称，并用 --slug 给出文件名")
    raise ValueError(f"“{domain}”不是标准领域{suggestion(domain, STANDARD_DOMAINS)}；"
                     "本地领域请同时用 --slug 给出文件名（字母、数字、- 和 _），例如 --slug xczx")


def load_site(site_dir: str):
    """The site's configuration (for its level wordings and local channels) and the errors
    in it; the default configuration when the folder has no site.yaml."""
    from zwgk.library import validate_site_config
    from zwgk.source import SOURCE_TEXT, SourceError, Sources, YamlSource, decode, parse_yaml
    problems: list[Problem] = []
    source = None
    path = os.path.join(site_dir, "site.yaml")
    if os.path.isfile(path):
        try:
            with open(path, "rb") as f:
                text = decode(f.read(), "site.yaml", SOURCE_TEXT)
            source = YamlSource("site.yaml", "site", parse_yaml(text, "site.yaml", problems), 0.0)
        except SourceError as exc:
            problems.append(exc.problem)
    site = validate_site_config(Sources(os.path.abspath(site_dir), source, {}, [], {}, problems), problems)
    return site, [p for p in problems if p.severity == "error"]


def validate_output(text: str, dest: str, county: str, slug: str, site) -> list[Problem]:
    """The errors the build would find in the YAML about to be written."""
    from zwgk.library import CountyDraft, validate_domain
    from zwgk.source import SourceError, YamlSource, parse_yaml
    problems: list[Problem] = []
    try:
        node = parse_yaml(text, dest, problems)
    except SourceError as exc:
        return [exc.problem]
    draft = CountyDraft(county, {}, "", [], {}, {}, {}, [], [], {})
    validate_domain(YamlSource(dest, slug, node, 0.0), county, site, draft, problems)
    return [p for p in problems if p.severity == "error"]


def run_import_command(args) -> int:
    """`zwgk import FILE_OR_DIR --county C [--domain D] [--slug S] [--sheet NAME] [--out PATH] [--dry-run]
    [--force] [--site DIR]`: one table into one domain with --domain, else every table found."""
    site_dir = getattr(args, "site", None) or "."

    def fail(code: int, message: str) -> int:
        print(f"zwgk import: {message}", file=sys.stderr)
        return code

    if not _ID_RE.match(args.county or ""):
        return fail(USAGE_ERROR, f"--county “{args.county}”应为 catalog/ 下的县（区）目录名")
    if not getattr(args, "domain", None) or os.path.isdir(args.file):
        if getattr(args, "domain", None) or args.out or getattr(args, "sheet", None):
            return fail(USAGE_ERROR, "导入整个目录时不能用 --domain、--sheet 或 --out：各表格按标题、工作表名或文件名认出领域")
        return _import_all(args, site_dir, fail)
    try:
        domain_name, slug = resolve_domain(args.domain, getattr(args, "slug", None))
    except ValueError as exc:
        return fail(USAGE_ERROR, str(exc))
    if not os.path.isfile(args.file):
        return fail(USAGE_ERROR, f"找不到要导入的文件 {args.file}")
    if args.out:
        dest = args.out
    else:
        county_dir = os.path.join(site_dir, "catalog", args.county)
        if not os.path.isdir(county_dir):
            return fail(USAGE_ERROR, f"找不到县（区）目录 {county_dir}；请检查 --county，"
                                     f"新县（区）请先运行 zwgk new-county {args.county} --name 名称，或用 --out 指定输出文件")
        dest = os.path.join(county_dir, f"{slug}.yaml")
    shown = os.path.relpath(dest, site_dir) if not args.out else dest
    if os.path.exists(dest) and not args.force:
        return fail(CONTENT_ERROR, f"{shown} 已存在，没有覆盖。确认要用表格内容替换它，请加 --force")

    site, site_problems = load_site(site_dir)
    words = Words.for_site(site.level_names, site.local_channels)
    if site_problems:
        print(format_report(site_problems), file=sys.stderr)
        return CONTENT_ERROR
    try:
        table = read_table(args.file, getattr(args, "sheet", None), domain_name)
        imported = import_table(table, domain_name, slug, words)
    except ImportFailed as exc:
        print(format_report(exc.problems), file=sys.stderr)
        return CONTENT_ERROR
    source = os.path.basename(args.file) + (f"（工作表“{table.sheet}”）" if table.sheet else " ")
    text = domain_yaml(domain_name, imported.items, source)
    problems = validate_output(text, shown.replace(os.sep, "/"), args.county, slug, site)
    if problems:
        print(format_report(imported.warnings + problems), file=sys.stderr)
        print("导入结果不能通过检查，没有写入文件。", file=sys.stderr)
        return CONTENT_ERROR
    if imported.warnings:
        print(format_report(imported.warnings), file=sys.stderr)
    if getattr(args, "dry_run", False):
        print(f"可以从 {source}导入 {len(imported.items)} 个事项到 {shown}（领域：{domain_name}）；--dry-run：没有写入文件。")
        return 0
    write_imported(dest, text, site_dir)
    print(f"已从 {source}导入 {len(imported.items)} 个事项到 {shown}（领域：{domain_name}）。")
    return 0


def write_imported(dest: str, data: str | bytes, site_dir: str) -> None:
    """An imported file into place whole (through a temporary file beside it): text as UTF-8
    with Unix line ends, bytes (an image, an attachment) as they are."""
    if isinstance(data, str):
        # Inside the site, a YAML file starts with its schema line as scaffolded files do, so the
        # editor keeps checking the very file that most needs it.
        in_site = os.path.relpath(os.path.abspath(dest), os.path.abspath(site_dir)).replace(os.sep, "/")
        if not in_site.startswith("../") and kind_of(in_site):
            data = modeline(in_site) + "\n" + data
        data = data.encode("utf-8")
    parent = os.path.dirname(os.path.abspath(dest))
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f".{os.path.basename(dest)}.import-tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, dest)


def _import_all(args, site_dir: str, fail) -> int:
    """Every table under the path, each into its domain's file: all of them, or none."""
    if not os.path.exists(args.file):
        return fail(USAGE_ERROR, f"找不到要导入的文件或目录 {args.file}")
    county_dir = os.path.join(site_dir, "catalog", args.county)
    if not os.path.isdir(county_dir):
        return fail(USAGE_ERROR, f"找不到县（区）目录 {county_dir}；新县（区）请先运行 zwgk new-county {args.county} --name 名称")
    site, site_problems = load_site(site_dir)
    if site_problems:
        print(format_report(site_problems), file=sys.stderr)
        return CONTENT_ERROR
    results = import_all(args.file, Words.for_site(site.level_names, site.local_channels))
    problems = [p for found in results for p in found.problems] + claimed_twice(results)
    dests, texts = {}, {}
    for found in results:
        if found.problems or found.skipped or not found.domain or found.domain in dests:
            continue
        dest = os.path.join(county_dir, f"{DOMAIN_SLUGS[found.domain]}.yaml")
        shown = os.path.relpath(dest, site_dir).replace(os.sep, "/")
        dests[found.domain] = shown
        texts[dest] = domain_yaml(found.domain, found.items, found.source + " ")
        problems += validate_output(texts[dest], shown, args.county, DOMAIN_SLUGS[found.domain], site)
        if os.path.exists(dest) and not args.force:
            problems.append(Problem(shown, 0, 0, f"{shown} 已存在，没有覆盖", "确认要用表格内容替换它，请加 --force"))
    print(summary(results, dests))
    warnings = [w for found in results for w in found.warnings]
    if warnings:
        print(format_report(warnings), file=sys.stderr)
    if problems:
        print(format_report(problems), file=sys.stderr)
        print("有问题，没有写入任何文件。", file=sys.stderr)
        return CONTENT_ERROR
    if not texts:
        return fail(CONTENT_ERROR, f"{args.file} 中没有找到目录表格")
    if getattr(args, "dry_run", False):
        print(f"--dry-run：可以导入 {len(texts)} 个领域，没有写入文件。")
        return 0
    for dest, text in texts.items():
        write_imported(dest, text, site_dir)
    print(f"已导入 {len(texts)} 个领域、{sum(len(f.items) for f in results if f.domain in dests)} 个事项。")
    return 0
