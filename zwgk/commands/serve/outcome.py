"""One build as the preview sees it: an `Outcome`, with every way a build can fail turned into problems to show."""
from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

import jinja2

from zwgk.base import BuildCancelled, ContentErrors, Problem
from zwgk.build import BuildResult
from zwgk.commands.serve.changes import shown_path


@dataclass
class Outcome:
    ok: bool
    seconds: float
    result: BuildResult | None = None
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    cancelled: bool = False            # stopped for a newer save, whose build takes over


def build_outcome(build: Callable[[], BuildResult], site: str) -> Outcome:
    """Run build (a build of the site at site) and say how it went; it never raises."""
    started = time.perf_counter()
    try:
        result = build()
    except BuildCancelled:
        return Outcome(True, time.perf_counter() - started, cancelled=True)
    except ContentErrors as exc:
        return Outcome(False, time.perf_counter() - started, problems=exc.problems, texts=exc.texts)
    except jinja2.TemplateError as exc:
        problem, texts = template_problem(site, exc)
        return Outcome(False, time.perf_counter() - started, problems=[problem], texts=texts)
    except Exception as exc:  # a bug must not stop the preview; the terminal gets the traceback
        traceback.print_exc()
        problem = Problem("", 0, 0, f"生成网站时出错：{type(exc).__name__}: {exc}", "这可能是 zwgk 的缺陷；终端里有详细信息")
        return Outcome(False, time.perf_counter() - started, problems=[problem])
    return Outcome(True, time.perf_counter() - started, result, problems=list(result.problems))


def template_problem(site: str, exc: jinja2.TemplateError) -> tuple[Problem, dict[str, str]]:
    """A template error as a problem at its template's line, with the template's text to show it."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None) or 0
    if not filename:   # an error while rendering: the template's frame is in the traceback
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml"))]
        if frames:
            filename, line = frames[-1].filename, frames[-1].lineno or 0
    path = shown_path(site, filename) if filename and os.path.isabs(filename) else (filename or "模板")
    message = getattr(exc, "message", None) or str(exc)
    texts = {}
    if filename and os.path.isfile(filename):
        with open(filename, encoding="utf-8", errors="replace") as fh:
            texts[path] = fh.read()           # to show the offending line
    return (Problem(path, line, 1 if line else 0, f"模板错误：{message}", "请检查模板中的变量名和 {% %} 标记是否成对"),
            texts)
