"""Progress of a long build: a bar on a terminal, plain lines in CI logs, nothing for a short build.

    reporter = Reporter.for_stream(sys.stderr)          # once per build, when it starts
    for job in reporter.track(jobs, "渲染页面"):          # or: with reporter.stage("写入", total=n) as s: s.advance()
        ...

Nothing is shown until the build has run for `delay` seconds (2 s), so a quick build or a
preview rebuild stays silent. Call it from one thread (the one that collects results).
"""
from __future__ import annotations

import os
import sys
import time
import unicodedata
from typing import Callable, Iterable, Iterator, TextIO, TypeVar

T = TypeVar("T")

BAR_CELLS = 30
REDRAW_EVERY = 0.1      # seconds between redraws of the bar
LINE_EVERY = 5.0        # seconds between plain lines in a log


class Reporter:
    """Shared by the stages of one build, so the delay counts from the build's start."""

    def __init__(self, stream: TextIO | None, *, interactive: bool = False, delay: float = 2.0,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream
        self.interactive = interactive
        self.delay = delay
        self.clock = clock
        self.started = clock()

    @classmethod
    def for_stream(cls, stream: TextIO | None = None, **kwargs) -> "Reporter":
        """A bar when stream is a terminal (and not CI), plain lines otherwise."""
        stream = sys.stderr if stream is None else stream
        isatty = getattr(stream, "isatty", lambda: False)()
        interactive = isatty and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
        return cls(stream, interactive=interactive, **kwargs)

    @classmethod
    def silent(cls) -> "Reporter":
        return cls(None)

    def stage(self, label: str, total: int) -> "Stage":
        return Stage(self, label, total)

    def track(self, values: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
        if total is None:
            values = list(values)
            total = len(values)
        with self.stage(label, total) as stage:
            for value in values:
                yield value
                stage.advance()


class Stage:
    def __init__(self, reporter: Reporter, label: str, total: int):
        self.reporter = reporter
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self.stage_started = reporter.clock()
        self.shown = False
        self.last_shown = float("-inf")

    def __enter__(self) -> "Stage":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(failed=exc_type is not None)

    def advance(self, n: int = 1) -> None:
        self.done += n
        r = self.reporter
        if r.stream is None:
            return
        now = r.clock()
        if now - r.started < r.delay:
            return
        if now - self.last_shown >= (REDRAW_EVERY if r.interactive else LINE_EVERY):
            self._show(now)

    def close(self, failed: bool = False) -> None:
        r = self.reporter
        if r.stream is None or not self.shown:
            return
        elapsed = r.clock() - self.stage_started
        word = "中断" if failed else "完成"
        if r.interactive:
            self._write("\r" + self._bar_line(elapsed) + "\n")
        else:
            self._write(f"{self.label}：{word} {self.done}/{self.total}，用时 {elapsed:.1f} 秒\n")

    def _show(self, now: float) -> None:
        elapsed = now - self.stage_started
        self.shown = True
        self.last_shown = now
        if self.reporter.interactive:
            self._write("\r" + self._bar_line(elapsed))
        else:
            self._write(f"{self.label}：{self.done}/{self.total}（{self._percent()}%），已用 {elapsed:.1f} 秒\n")

    def _percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)

    def _bar_line(self, elapsed: float) -> str:
        filled = BAR_CELLS if not self.total else min(BAR_CELLS, self.done * BAR_CELLS // self.total)
        bar = "#" * filled + "-" * (BAR_CELLS - filled)   # ASCII: block glyphs are two cells wide in CJK consoles
        line = f"{self.label} [{bar}] {self.done}/{self.total} {self._percent():3d}% {elapsed:5.1f}s"
        return line + " " * max(0, 79 - _cells(line))     # wipe what a longer line left

    def _write(self, text: str) -> None:
        try:
            self.reporter.stream.write(text)
            self.reporter.stream.flush()
        except (OSError, ValueError):   # a closed pipe must not fail the build
            self.reporter.stream = None


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
