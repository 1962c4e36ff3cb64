"""`zwgk import FILE_OR_DIR --county C` without --domain: every catalog table found, each into the
file of the domain its title, sheet or file name names, with a summary (and nothing written
under --dry-run, or when any table fails)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from zwgk.base import DOMAIN_SLUGS, STANDARD_DOMAINS, Problem
from zwgk.commands.importer.columns import Words, find_header
from zwgk.commands.importer.formats import read_tables
from zwgk.commands.importer.rows import import_table
from zwgk.commands.importer.table import ImportFailed, Table

# Table files a folder may hold; others (images, notes) are passed over and listed.
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".tsv", ".txt", ".docx", ".htm", ".html", ".doc", ".pdf")

# What counties call the standard domains in their tables' titles (the 26 names are matched as they are).
DOMAIN_VARIANTS = {
    "乡村振兴": "扶贫", "巩固拓展脱贫攻坚成果": "扶贫", "脱贫攻坚": "扶贫", "扶贫开发": "扶贫",
    "社会救助及福利": "社会救助", "社会救助和福利": "社会救助", "最低生活保障": "社会救助",
    "自然资源": "城乡规划", "国土空间规划": "城乡规划", "规划管理": "城乡规划",
    "预决算": "财政预决算", "财政预算决算": "财政预决算", "预算决算": "财政预决算",
    "国有土地上房屋征收": "国有土地上房屋征收与补偿", "房屋征收与补偿": "国有土地上房屋征收与补偿",
    "环境保护": "生态环境", "环保": "生态环境", "医疗卫生": "卫生健康", "卫生计生": "卫生健康",
    "食品药品": "食品药品监管", "市场监管": "食品药品监管", "综合执法": "城市综合执法", "城管执法": "城市综合执法",
    "养老": "养老服务", "户政": "户籍管理", "户籍": "户籍管理", "教育": "义务教育", "住房保障": "保障性住房",
    "危房改造": "农村危房改造", "农业补贴": "涉农补贴", "惠农补贴": "涉农补贴", "税务": "税收管理",
    "就业创业": "就业", "社保": "社会保险", "公共法律": "公共法律服务", "公共文化": "公共文化服务",
    "政府采购": "公共资源交易", "招标投标": "公共资源交易", "重大项目": "重大建设项目", "防灾减灾": "救灾",
}
_NAMES = sorted([*STANDARD_DOMAINS, *DOMAIN_VARIANTS], key=len, reverse=True)


def recognise_domain(*texts: str) -> str:
    """The standard domain the first text that names one names (longest name first), or ''."""
    for text in texts:
        for name in _NAMES:
            if name in (text or ""):
                return DOMAIN_VARIANTS.get(name, name)
    return ""


@dataclass
class Found:
    """One table of the batch: where it came from, what it became."""
    source: str                    # file, and sheet or table
    domain: str = ""
    items: list[dict] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: str = ""              # why it was passed over (no catalog header; not a table file)


def table_files(path: str) -> list[str]:
    if os.path.isfile(path):
        return [path]
    found = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(folder, f) for f in sorted(files) if not f.startswith((".", "~$"))]
    return found


def import_all(path: str, words: Words) -> list[Found]:
    """Every table under `path`, its domain recognised and its items read (nothing written)."""
    results: list[Found] = []
    for file in table_files(path):
        shown = os.path.relpath(file, path) if os.path.isdir(path) else os.path.basename(file)
        if not file.lower().endswith(TABLE_SUFFIXES):
            results.append(Found(shown, skipped="不是表格文件"))
            continue
        try:
            tables = read_tables(file)
        except ImportFailed as exc:
            results.append(Found(shown, problems=exc.problems))
            continue
        for table in tables:
            results.append(_one(table, shown, file, words, several=len(tables) > 1))
    return results


def _one(table: Table, shown: str, file: str, words: Words, several: bool) -> Found:
    source = f"{shown}（{table.sheet}）" if several and table.sheet else shown
    try:
        find_header(table, words)
    except ImportFailed:
        return Found(source, skipped="没有目录表头（公开事项、公开内容、公开主体……）")
    stem = os.path.splitext(os.path.basename(file))[0]
    heading = " ".join(" ".join(row) for row in table.rows[:2])
    domain = recognise_domain(table.title, heading, table.sheet, stem)
    if not domain:
        return Found(source, problems=[Problem(file, 0, 0, f"{source}：认不出是哪个领域的目录",
                                               "请把领域名称写进表格标题、工作表名或文件名，或者单独导入这个文件并用 --domain 指定")])
    try:
        imported = import_table(table, domain, DOMAIN_SLUGS[domain], words)
    except ImportFailed as exc:
        return Found(source, domain, problems=exc.problems)
    return Found(source, domain, imported.items, imported.warnings)


def claimed_twice(results: list[Found]) -> list[Problem]:
    """Two tables of one domain: which one is meant is the editor's call."""
    first: dict[str, str] = {}
    problems = []
    for found in results:
        if found.domain and not found.problems and not found.skipped:
            if found.domain in first:
                problems.append(Problem(found.source, 0, 0, f"{found.source} 与 {first[found.domain]} 都是“{found.domain}”领域的目录",
                                        "同一个领域只导入一个表格：请移走其中一个，或分别用 --domain 导入"))
            first.setdefault(found.domain, found.source)
    return problems


def summary(results: list[Found], dests: dict[str, str]) -> str:
    lines = ["导入结果："]
    for found in results:
        if found.skipped:
            lines.append(f"  {found.source}：跳过（{found.skipped}）")
        elif found.problems:
            lines.append(f"  {found.source}：有 {len(found.problems)} 个问题，未导入")
        else:
            note = f"，{len(found.warnings)} 条提示" if found.warnings else ""
            lines.append(f"  {found.source} → {dests.get(found.domain, '')}（{found.domain}，{len(found.items)} 个事项{note}）")
    return "\n".join(lines)
