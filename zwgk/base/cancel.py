"""Cancellation points: where a long build may stop because its caller asked.

`zwgk serve` makes downloads and search indexes after the pages; when a newer save comes
in, that pass stops at its next checkpoint instead of making the save wait for all of it.
A build holds one Cancellation and hands its `checkpoint` to the steps that take long.
"""
from __future__ import annotations

from typing import Callable

from zwgk.base.errors import BuildCancelled


class Cancellation:
    """Asks `asked()` at each checkpoint; raises BuildCancelled once it says yes."""

    def __init__(self, asked: Callable[[], bool] | None = None):
        self.asked = asked

    def checkpoint(self) -> None:
        if self.asked is not None and self.asked():
            raise BuildCancelled()


def never() -> None:
    """A checkpoint for work nobody can stop (the default of the steps that take one)."""
