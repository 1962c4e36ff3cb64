"""The command line: argument parsing and exit codes, nothing else.

Exit 0 success, 1 content errors (messages on stderr), 2 wrong usage.
"""
from __future__ import annotations

import argparse
import os
import sys

from .errors import ContentErrors, format_json, format_report

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # Chinese usage errors, exit 2
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"{self.prog}: 用法错误：{message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zwgk", description="把政务公开事项标准目录（YAML）和政府信息（Markdown）生成统一的静态网站。")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = sub.add_parser("build", help="生成网站")
    p.add_argument("site", nargs="?", default=".", help="站点目录（默认当前目录）")
    p.add_argument("--out", help="输出目录（默认 站点目录/public）")
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")
    p.add_argument("--county", action="append", default=[], help="只生成这些县（区），可重复")
    p.add_argument("-v", "--verbose", action="store_true", help="显示每个阶段的耗时")

    p = sub.add_parser("check", help="检查内容，不生成网站")
    p.add_argument("site", nargs="?", default=".")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")

    p = sub.add_parser("new", help="新建一个可以直接生成的示例站点")
    p.add_argument("dir")

    p = sub.add_parser("new-county", help="新建一个县（区），每个标准领域一个文件")
    p.add_argument("slug")
    p.add_argument("--name", required=True)
    p.add_argument("--site", default=".")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE_ERROR
    handler = globals()[f"_cmd_{args.command.replace('-', '_')}"]
    try:
        return handler(args)
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
    from .build import build_site
    from .write import OutputRefused
    site = _site_dir(args.site)
    log = (lambda line: print(line, file=sys.stderr)) if args.verbose else None
    try:
        result = build_site(site, args.out, strict=args.strict, counties=tuple(args.county), log=log)
    except OutputRefused as exc:
        print(f"zwgk: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if result.problems:
        print(format_report(result.problems), file=sys.stderr)
    out = args.out or os.path.join(site, "public")
    print(f"已生成 {out}：{len(result.library.counties)} 个县（区），渲染 {result.pages} 个页面；"
          f"写入 {result.written} 个文件，{result.unchanged} 个未变，删除 {result.removed} 个。")
    return 0


def _cmd_check(args) -> int:
    from .build import load_library
    site = _site_dir(args.site)
    try:
        loaded = load_library(site, strict=args.strict)
        problems, texts, failed = loaded.problems, loaded.texts, False
    except ContentErrors as exc:
        problems, texts, failed = exc.problems, exc.texts, True
    if args.format == "json":
        print(format_json(problems))
    else:
        print(format_report(problems, texts), file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _cmd_new(args) -> int:
    from .scaffold import new_site
    return new_site(args.dir)


def _cmd_new_county(args) -> int:
    from .scaffold import new_county
    return new_county(_site_dir(args.site), args.slug, args.name)
