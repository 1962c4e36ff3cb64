"""The command line: argument parsing and exit codes, nothing else.

Exit 0 success, 1 content errors (messages on stderr), 2 wrong usage.
"""
from __future__ import annotations

import argparse
import os
import sys

from zwgk import __version__
from zwgk.base import EngineFilesMissing
from zwgk.base import ContentErrors, format_report

USAGE_ERROR = 2
BROKEN_INSTALL = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # Chinese usage errors, exit 2
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"{self.prog}: 用法错误：{message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zwgk", description="把政务公开事项标准目录（YAML）和政府信息（Markdown）生成统一的静态网站。")
    parser.add_argument("--version", action="version", version=f"zwgk {__version__}", help="显示 zwgk 的版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = sub.add_parser("build", help="生成网站")
    p.add_argument("site", nargs="?", default=".", help="站点目录（默认当前目录）")
    p.add_argument("--out", help="输出目录（默认 站点目录/public）")
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")
    p.add_argument("--county", action="append", default=[], help="只生成这些县（区），可重复；输出中已有的其他县（区）保持不变")
    p.add_argument("--merge", action="append", default=[], metavar="DIR",
                   help="合并其他 --county 生成的输出目录（可重复）：各县（区）照原样并入，门户按它们重新生成")
    p.add_argument("-v", "--verbose", action="store_true", help="显示每个阶段的耗时")

    p = sub.add_parser("serve", help="边改边看：生成并预览网站，保存文件后自动更新浏览器")
    p.add_argument("site", nargs="?", default=".", help="站点目录（默认当前目录）")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只有本机能访问）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000；0 表示任选一个空闲端口）")

    p = sub.add_parser("check", help="检查内容，不生成网站")
    p.add_argument("site", nargs="?", default=".")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")

    p = sub.add_parser("import", help="把县里现有的目录表格（XLSX/CSV）转换为目录 YAML")
    p.add_argument("file", help="要导入的 XLSX 或 CSV 文件")
    p.add_argument("--county", required=True, help="县（区）目录名，即 catalog/ 下的目录")
    p.add_argument("--domain", required=True, help="领域名称或文件名，如 财政预决算 或 czyjs")
    p.add_argument("--slug", help="本地领域（非标准领域）的文件名")
    p.add_argument("--sheet", help="XLSX 中要导入的工作表名称（默认第一个）")
    p.add_argument("--out", help="输出的 YAML 文件（默认 catalog/<县>/<领域>.yaml）")
    p.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它")
    p.add_argument("--site", default=".", help="站点目录（默认当前目录）")

    p = sub.add_parser("search", help="全文检索（与网站上的搜索结果相同）")
    p.add_argument("query", help="要搜索的词，如 征地补偿；用引号括起来的词组须完整出现")
    p.add_argument("site", nargs="?", default=".", help="站点目录（默认当前目录）")
    p.add_argument("--county", help="只搜索这个县（区）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")

    p = sub.add_parser("new", help="新建一个可以直接生成的示例站点")
    p.add_argument("dir")

    p = sub.add_parser("new-county", help="新建一个县（区），每个标准领域一个文件")
    p.add_argument("slug")
    p.add_argument("--name", required=True)
    p.add_argument("--site", default=".")
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


def _cmd_build(args) -> int:
    from zwgk.build import build_site
    from zwgk.build import Reporter
    from zwgk.publish import OutputRefused
    site = _site_dir(args.site)
    log = (lambda line: print(line, file=sys.stderr)) if args.verbose else None
    try:
        result = build_site(site, args.out, strict=args.strict, counties=tuple(args.county), log=log,
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
    report = run_check(_site_dir(args.site), strict=args.strict)
    if args.format == "json":
        print(format_json(report))
    else:
        print(format_text(report), file=sys.stdout if report.ok else sys.stderr)
    return report.exit_code


def _cmd_import(args) -> int:
    from zwgk.commands.importer import run_import_command
    return run_import_command(args)


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
    "search": _cmd_search,
    "new": _cmd_new,
    "new-county": _cmd_new_county,
}
