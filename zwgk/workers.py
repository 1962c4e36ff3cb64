"""Running the build's CPU-bound work on every core: forked worker processes, results as they finish.

Workers are forked, so they share the build's context (the theme's compiled templates,
the history, the old manifest) without copying or pickling it; only each task's small
result comes back. A worker dies with the build: killing the build kills its workers,
so none is left writing into the next build's stage.
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_task: Callable | None = None      # set in the parent just before forking; read by the workers


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_all(task: Callable[[T], R], items: Iterable[T], processes: int) -> Iterator[R]:
    """task(item) for every item, in `processes` forked workers (in this process when 1)."""
    items = list(items)
    processes = min(processes, len(items))
    if processes <= 1:
        for item in items:
            yield task(item)
        return
    global _task
    _task = task
    gc.collect()
    gc.freeze()          # the shared objects stay shared: the collector does not touch their pages
    pool = multiprocessing.get_context("fork").Pool(processes, initializer=_start_worker)
    try:
        yield from pool.imap_unordered(_run, items, chunksize=1)
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _task = None
        gc.unfreeze()


def _start_worker() -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's to handle
    gc.disable()        # short-lived and allocation-heavy: collection costs more than it frees


def _run(item):
    try:
        return _task(item)
    finally:
        # With the collector off, the cycles a task leaves (templates' contexts, the county's
        # model) piled up: 60 MB more per county. One collection per task frees them.
        gc.collect()


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)                  # PR_SET_PDEATHSIG
        if os.getppid() == 1:                          # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
