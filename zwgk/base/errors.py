"""The one user-facing error type, and how a list of them is reported."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str          # site-relative, posix
    line: int          # 1-based; 0 when the whole file is meant
    col: int           # 1-based; 0 when the whole file is meant
    message: str       # Chinese: what is wrong
    hint: str = ""     # Chinese: how to fix it
    severity: str = "error"   # "error" or "warning"

    def location(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}"
        return self.path

    def as_text(self) -> str:
        kind = "" if self.severity == "error" else "警告："
        text = f"{self.location()}: {kind}{self.message}"
        if self.hint:
            text += f"\n   提示：{self.hint}"
        return text


class ContentErrors(Exception):
    """Raised when content is wrong; carries every problem found, never a traceback."""

    def __init__(self, problems: list[Problem], texts: dict[str, str] | None = None):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)
        self.texts = texts or {}


def errors_only(problems: list[Problem], strict: bool = False) -> list[Problem]:
    """The problems that stop a build: errors, and warnings too when strict."""
    return [p for p in problems if strict or p.severity == "error"]


def format_report(problems: list[Problem], sources: dict[str, str] | None = None) -> str:
    """A numbered list, each with its position, the source line and a caret."""
    lines = []
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    for n, p in enumerate(sorted(problems), 1):
        lines.append(f"{n}. {p.as_text()}")
        src = (sources or {}).get(p.path)
        if src is not None and p.line:
            text_lines = src.splitlines()
            if 0 < p.line <= len(text_lines):
                shown = text_lines[p.line - 1]
                lines.append(f"   | {shown}")
                lines.append("   | " + caret_under(shown, p.col))
    summary = []
    if errors:
        summary.append(f"{errors} 个错误")
    if warnings:
        summary.append(f"{warnings} 个警告")
    lines.append("共 " + "、".join(summary) + "。" if summary else "没有发现问题。")
    return "\n".join(lines)


def caret_under(line: str, col: int, length: int = 0) -> str:
    """A ^ at column `col` of `line` as a terminal shows it; given a `length`, ^ under all
    the cells of those characters."""
    start = max(col - 1, 0)
    return " " * _cells(line[:start]) + "^" * max(_cells(line[start:start + length]), 1)


def _cells(text: str) -> int:
    """Terminal cells the text takes: a wide (CJK) character takes two."""
    import unicodedata
    return sum(1 if ch == "\t" else (2 if unicodedata.east_asian_width(ch) in "WF" else 1) for ch in text)


def format_json(problems: list[Problem]) -> str:
    return json.dumps({"problems": [asdict(p) for p in sorted(problems)]}, ensure_ascii=False, indent=2)


class BuildCancelled(Exception):
    """A build stopped because its caller asked (`zwgk serve`: a newer save came in)."""
