"""Cancellation points: where a long build may stop because its caller asked.

`zwgk serve` makes downloads and search indexes after the pages; when a newer save comes
in, that pass stops at its next checkpoint instead of making the save wait for all of it.
The question is set for the thread that runs the build, so code far down (a search
index being built) can stop without every function passing it along.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from zwgk.base.errors import BuildCancelled

_local = threading.local()


@contextmanager
def cancellable(cancelled: Callable[[], bool] | None) -> Iterator[None]:
    """Within this, checkpoint() raises BuildCancelled once cancelled() says yes."""
    before = getattr(_local, "cancelled", None)
    _local.cancelled = cancelled
    try:
        yield
    finally:
        _local.cancelled = before


def checkpoint() -> None:
    cancelled = getattr(_local, "cancelled", None)
    if cancelled is not None and cancelled():
        raise BuildCancelled()
