"""The command line: argument parsing and exit codes, nothing else.

Exit 0 success, 1 content errors (messages on stderr), 2 wrong usage.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

from zwgk import __version__
from zwgk.base import ContentErrors, EngineFilesMissing, format_report

USAGE_ERROR = 2
BROKEN_INSTALL = 3


# argparse words its own messages in English; an editor reads them in Chinese. The patterns
# follow argparse's wording (Python 3.11 to 3.13); what none of them matches is still said
# in Chinese, with the command's usage above it.
_ARGPARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少必填的参数：{0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数：{0}"),
    (re.compile(r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)"), "参数 {0} 的取值 {1} 无效，可选的值：{2}"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面要写一个值"),
    (re.compile(r"argument (\S+): invalid \w+ value: (.+)"), "参数 {0} 的值 {1} 无效"),
    (re.compile(r"ambiguous option: (\S+) could match (.+)"), "选项 {0} 不明确，可能是：{1}"),
)


def chinese_usage_error(message: str) -> str:
    for pattern, text in _ARGPARSE_ERRORS:
        found = pattern.fullmatch(message.strip())
        if found:
            return text.format(*found.groups())
    return "命令行参数有误"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese: its own help option, Chinese group titles and
    usage line, and usage errors said in Chinese (exit 2)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs["add_help"] = False           # our own -h, with Chinese help
        super().__init__(*args, **kwargs)
        self.arguments = self.add_argument_group("参数")
        self.options = self.add_argument_group("选项")
        self.options.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_usage(self) -> str:
        return _chinese_usage(super().format_usage())

    def format_help(self) -> str:
        return _chinese_usage(super().format_help())

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"{self.prog}: 用法错误：{chinese_usage_error(message)}\n"
                               f"查看用法：{self.prog} --help\n")


def _chinese_usage(text: str) -> str:
    return "用法：" + text[len("usage: "):] if text.startswith("usage: ") else text


def _command(sub, name: str, help: str, example: str) -> _Parser:
    return sub.add_parser(name, help=help, description=help, epilog=f"例如：\n{example}")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zwgk", description="把政务公开事项标准目录（YAML）和政府信息（Markdown）生成统一的静态网站。",
                     epilog="例如：\n  zwgk new 本县站点 && cd 本县站点 && zwgk check && zwgk build")
    parser.options.add_argument("--version", action="version", version=f"zwgk {__version__}", help="显示 zwgk 的版本号并退出")
    sub = parser.add_subparsers(dest="command", title="命令", metavar="命令", parser_class=_Parser,
                                help="下面之一；每个命令的用法：zwgk 命令 --help")

    p = _command(sub, "build", "生成网站", "  zwgk build                      生成当前目录的站点，输出到 public/\n"
                                           "  zwgk build 站点目录 --strict     有警告也不生成")
    p.arguments.add_argument("site", nargs="?", default=".", metavar="站点目录", help="站点目录（默认当前目录）")
    p.options.add_argument("--out", metavar="目录", help="输出目录（默认 站点目录/public）")
    p.options.add_argument("--strict", action="store_true", help="把警告也当作错误")
    p.options.add_argument("--county", action="append", default=[], metavar="县",
                           help="只生成这些县（区），可重复；输出中已有的其他县（区）保持不变")
    p.options.add_argument("--shard", metavar="第几份/共几份",
                           help="把各县（区）按目录名排序后轮流分成几份，只生成其中一份，如 --shard 2/4（供 CI 并行生成，再用 --merge 合并）")
    p.options.add_argument("--merge", action="append", default=[], metavar="目录",
                           help="合并其他 --county 或 --shard 生成的输出目录（可重复）：各县（区）照原样并入，门户按它们重新生成")
    p.options.add_argument("-v", "--verbose", action="store_true", help="显示每个阶段的耗时")

    p = _command(sub, "serve", "边改边看：生成并预览网站，保存文件后自动更新浏览器",
                 "  zwgk serve                      然后用浏览器打开 http://127.0.0.1:8000/")
    p.arguments.add_argument("site", nargs="?", default=".", metavar="站点目录", help="站点目录（默认当前目录）")
    p.options.add_argument("--host", default="127.0.0.1", metavar="地址", help="监听地址（默认 127.0.0.1，只有本机能访问）")
    p.options.add_argument("--port", type=int, default=8000, metavar="端口", help="端口（默认 8000；0 表示任选一个空闲端口）")

    p = _command(sub, "check", "检查内容，不生成网站",
                 "  zwgk check\n  zwgk check 站点目录 --format json > 检查报告.json\n  zwgk check --inspection        按政府网站检查指标逐项检查")
    p.arguments.add_argument("site", nargs="?", default=".", metavar="站点目录", help="站点目录（默认当前目录）")
    p.options.add_argument("--format", choices=("text", "json"), default="text", metavar="text|json", help="报告格式：text（默认）或 json")
    p.options.add_argument("--strict", action="store_true", help="把警告也当作错误")
    p.options.add_argument("--inspection", action="store_true",
                           help="再按政府网站检查指标逐项检查：空白栏目、更新期限、发布时限、错敏词、失效链接、年报、指南等；"
                                "有单项否决项时退出码为 1")
    p.options.add_argument("--external", action="store_true",
                           help="与 --inspection 一起用：逐个访问外部链接（每个一次，限时），报告打不开的")

    p = _command(sub, "import", "把县里现有的目录表格（XLSX、XLS、ODS、CSV、DOCX、网页）转换为目录 YAML",
                 "  zwgk import 社会救助.xlsx --county qingshan --domain 社会救助\n"
                 "  zwgk import 目录表格/ --county qingshan --dry-run      整个目录：按标题认出各表的领域，先看结果\n"
                 "  zwgk import 目录表格/ --county qingshan                确认无误后写入")
    p.arguments.add_argument("file", metavar="表格文件或目录", help="要导入的表格文件，或放着各领域表格的目录")
    p.options.add_argument("--county", required=True, metavar="县", help="县（区）目录名，即 catalog/ 下的目录（必填）")
    p.options.add_argument("--domain", metavar="领域", help="领域名称或文件名，如 财政预决算 或 czyjs；不写时按各表的标题、工作表名或文件名认出领域")
    p.options.add_argument("--dry-run", action="store_true", help="只显示会导入什么，不写入任何文件")
    p.options.add_argument("--slug", metavar="文件名", help="本地领域（非标准领域）的文件名")
    p.options.add_argument("--sheet", metavar="工作表", help="XLSX 中要导入的工作表名称（默认第一个）")
    p.options.add_argument("--out", metavar="文件", help="输出的 YAML 文件（默认 catalog/<县>/<领域>.yaml）")
    p.options.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它")
    p.options.add_argument("--site", default=".", metavar="站点目录", help="站点目录（默认当前目录）")

    p = _command(sub, "import-docs", "把县里现有的政府信息文件（DOCX、从旧网站保存的网页、TXT）转换为 Markdown 文件",
                 "  zwgk import-docs 旧网站文件/ --county qingshan --dry-run   先看结果\n"
                 "  zwgk import-docs 旧网站文件/ --county qingshan             写入 content/qingshan/docs/")
    p.arguments.add_argument("folder", metavar="文件或目录", help="要导入的文件，或放着它们的目录")
    p.options.add_argument("--county", required=True, metavar="县", help="县（区）目录名，即 catalog/ 下的目录（必填）")
    p.options.add_argument("--dry-run", action="store_true", help="只显示会导入什么，不写入任何文件")
    p.options.add_argument("--force", action="store_true", help="文件已存在时覆盖它")
    p.options.add_argument("--site", default=".", metavar="站点目录", help="站点目录（默认当前目录）")

    p = _command(sub, "search", "全文检索（与网站上的搜索结果相同）", "  zwgk search 征地补偿\n  zwgk search \"最低生活保障\" --county qingshan --json")
    p.arguments.add_argument("query", metavar="关键词", help="要搜索的词，如 征地补偿；用引号括起来的词组须完整出现")
    p.arguments.add_argument("site", nargs="?", default=".", metavar="站点目录", help="站点目录（默认当前目录）")
    p.options.add_argument("--county", metavar="县", help="只搜索这个县（区）")
    p.options.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")

    p = _command(sub, "export-search", "把跨县（区）检索的全部记录导出为 OpenSearch 或 Meilisearch 的批量导入文件",
                 "  zwgk export-search 导出目录 --format opensearch\n  zwgk export-search 导出目录 站点目录 --format meilisearch")
    p.arguments.add_argument("out", metavar="导出目录", help="写入导入文件的目录（不能在站点的源文件目录里）")
    p.arguments.add_argument("site", nargs="?", default=".", metavar="站点目录", help="站点目录（默认当前目录）")
    p.options.add_argument("--format", required=True, choices=["opensearch", "meilisearch"], help="检索服务器的种类")

    p = _command(sub, "new", "新建一个可以直接生成的示例站点（含流水线文件和编辑说明）", "  zwgk new 本县站点")
    p.arguments.add_argument("dir", metavar="目录", help="新站点的目录（不存在或为空）")

    p = _command(sub, "new-county", "新建一个县（区），每个标准领域一个文件",
                 "  zwgk new-county qingshan --name 青山县")
    p.arguments.add_argument("slug", metavar="县目录名",
                             help="catalog/ 下的目录名，也是网址的一部分：英文字母、数字、- 和 _，如 qingshan")
    p.options.add_argument("--name", metavar="名称", help="县（区）的中文名称，如 青山县")
    p.options.add_argument("--site", default=".", metavar="站点目录", help="站点目录（默认当前目录）")
    return parser


def run() -> None:
    """The `zwgk` command. It leaves without freeing the heap object by object: after a city's
    build that took 0.16 s, and the system takes the memory back at once anyway."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):       # a closed pipe (zwgk build | head): nothing to keep
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE_ERROR
    try:
        return COMMANDS[args.command](args)
    except EngineFilesMissing as exc:
        print(f"zwgk: {exc}", file=sys.stderr)
        return BROKEN_INSTALL
    except ContentErrors as exc:
        print(format_report(exc.problems, exc.texts), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断；上一次生成的网站保持不变。", file=sys.stderr)
        return 130


def _site_dir(path: str) -> str:
    if not os.path.isdir(path):
        print(f"zwgk: 找不到站点目录 {path}", file=sys.stderr)
        raise SystemExit(USAGE_ERROR)
    return path


def _shard(site: str, spec: str) -> tuple[str, ...]:
    """The counties of shard I of N (`I/N`, I from 1, as GitLab's CI_NODE_INDEX counts): every
    Nth county folder in name order, starting with the Ith."""
    from zwgk.source import read_site
    try:
        index, total = (int(n) for n in spec.split("/"))
        if not 1 <= index <= total:
            raise ValueError
    except ValueError:
        print(f"zwgk: --shard 的值 '{spec}' 应写成 第几份/共几份，如 2/4（第几份从 1 数起，不大于共几份）", file=sys.stderr)
        raise SystemExit(USAGE_ERROR)
    every = sorted(read_site(site, with_counties=False).counties)
    if index > len(every):
        print(f"zwgk: 站点只有 {len(every)} 个县（区），分不出第 {index} 份；请把份数减到 {len(every)} 以内", file=sys.stderr)
        raise SystemExit(USAGE_ERROR)
    return tuple(every[index - 1::total])


def _cmd_build(args) -> int:
    from zwgk.build import Reporter, build_site
    from zwgk.publish import OutputRefused
    site = _site_dir(args.site)
    log = (lambda line: print(line, file=sys.stderr)) if args.verbose else None
    counties = tuple(args.county)
    if args.shard:
        counties += _shard(site, args.shard)
    try:
        result = build_site(site, args.out, strict=args.strict, counties=counties, log=log,
                            merge=tuple(args.merge), progress=Reporter.for_stream(sys.stderr))
    except OutputRefused as exc:
        print(f"zwgk: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if result.problems:
        print(format_report(result.problems), file=sys.stderr)
    out = args.out or os.path.join(site, "public")
    print(f"已生成 {out}：{result.counties} 个县（区），渲染 {result.pages} 个页面；"
          f"写入 {result.written} 个文件，{result.unchanged} 个未变，删除 {result.removed} 个。")
    if result.skipped:
        warned = f"，其中 {result.warned_before} 个上次有警告（用 zwgk check 查看）" if result.warned_before else ""
        print(f"{result.skipped} 个县（区）的内容未变，沿用上次生成的文件{warned}。")
    return 0


def _cmd_serve(args) -> int:
    from zwgk.commands.serve import serve
    return serve(_site_dir(args.site), host=args.host, port=args.port)


def _cmd_check(args) -> int:
    from zwgk.commands.check import format_json, format_text, run_check
    if args.external and not args.inspection:
        print("zwgk: --external 要与 --inspection 一起使用，例如：zwgk check --inspection --external", file=sys.stderr)
        return 2
    report = run_check(_site_dir(args.site), strict=args.strict, inspection=args.inspection, external=args.external)
    if args.format == "json":
        print(format_json(report))
    else:
        print(format_text(report), file=sys.stdout if report.ok else sys.stderr)
    return report.exit_code


def _cmd_import_docs(args) -> int:
    from zwgk.commands.importdocs import run_import_docs
    return run_import_docs(args)


def _cmd_import(args) -> int:
    from zwgk.commands.importer import run_import_command
    return run_import_command(args)


def _cmd_export_search(args) -> int:
    from zwgk.commands.export_search import run_export_search
    return run_export_search(_site_dir(args.site), args.out, args.format)


def _cmd_search(args) -> int:
    from zwgk.outputs import run_search_command
    return run_search_command(args)


def _cmd_new(args) -> int:
    from zwgk.commands.scaffold import new_site
    return new_site(args.dir)


def _cmd_new_county(args) -> int:
    from zwgk.commands.scaffold import new_county
    return new_county(_site_dir(args.site), args.slug, args.name)


COMMANDS = {
    "build": _cmd_build,
    "serve": _cmd_serve,
    "check": _cmd_check,
    "import": _cmd_import,
    "import-docs": _cmd_import_docs,
    "search": _cmd_search,
    "new": _cmd_new,
    "new-county": _cmd_new_county,
    "export-search": _cmd_export_search,
}
