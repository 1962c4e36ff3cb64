"""Running the build's CPU-bound work on every core: forked worker processes, results as they finish.

Workers are forked, so they share the build's context (the theme's compiled templates,
the history, the old manifest) without copying or pickling it; only each task's small
result comes back. A worker leaves as soon as no task is left for it, giving its memory
back while the others finish (`drained` tells when), and dies with the build: killing
the build kills its workers, so none is left writing into the next build's stage. A
worker that dies (say, out of memory) fails the build instead of leaving it waiting.
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import threading
import traceback
from multiprocessing.connection import wait
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

class WorkerFailed(RuntimeError):
    """A worker raised something that could not be sent back as it was, or died."""


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Workers:
    """Processes for one build (none when processes is 1: the tasks then run here, in order).

        with Workers(2) as workers:
            channel = workers.channel()          # before run(): the workers inherit it
            for result in workers.run(task, items): ...
    """

    def __init__(self, processes: int):
        self.processes = processes
        self.drained = threading.Event()        # set once a core is free: a worker found no task left
        self._context = multiprocessing.get_context("fork")
        self._processes: list = []

    @property
    def parallel(self) -> bool:
        return self.processes > 1

    def channel(self):
        """A queue the workers can put small messages into while they work (None when not parallel)."""
        return self._context.SimpleQueue() if self.parallel else None

    def run(self, task: Callable[[T], R], items: Iterable[T], fork_single: bool = False) -> Iterator[R]:
        """task(item) for every item, results in the order they finish. The workers are forked
        here, at once (not when the results are first asked for). fork_single: one item runs
        in a worker too, leaving this process free for other work meanwhile."""
        items = list(items)
        if not self.parallel or not items or (len(items) == 1 and not fork_single):
            self.drained.set()
            return (task(item) for item in items)
        gc.collect()
        gc.freeze()          # the shared objects stay shared: the collector does not touch their pages
        tasks = self._context.SimpleQueue()
        outputs = []
        for _ in range(min(self.processes, len(items))):
            receive, send = self._context.Pipe(duplex=False)
            # Forked, not spawned: the task (a closure over the build's state) is inherited
            # with the memory, never pickled.
            process = self._context.Process(target=_work, args=(task, tasks, send), daemon=True)
            process.start()
            send.close()
            self._processes.append(process)
            outputs.append(receive)
        if len(outputs) < self.processes:
            self.drained.set()       # fewer tasks than cores: one is free from the start
        for item in items:
            tasks.put(item)
        for _ in self._processes:
            tasks.put(None)                      # one "no more" for each worker
        return self._results(len(items), outputs)

    def _results(self, count: int, outputs: list) -> Iterator:
        alive = dict(zip(outputs, self._processes))
        while count:
            for ready in wait(list(alive)):
                try:
                    kind, value, details = ready.recv()
                except EOFError:                 # the worker is gone
                    process = alive.pop(ready)
                    process.join()
                    if process.exitcode != 0:
                        raise WorkerFailed(f"a build worker died (exit code {process.exitcode})") from None
                    self.drained.set()
                    continue
                if kind == "error":
                    if value is None:
                        raise WorkerFailed(details)
                    raise value
                count -= 1
                yield value

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        for process in self._processes:
            if exc[0] is not None and process.is_alive():
                process.kill()                   # the build failed: its stage is thrown away
            process.join()
        if self._processes:
            gc.unfreeze()
        self._processes = []


def _work(task: Callable, tasks, send) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's to handle
    gc.disable()        # allocation-heavy; one collection per task (below) is enough
    while True:
        item = tasks.get()
        if item is None:
            break
        try:
            message = ("ok", task(item), "")
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
            message = ("error", exc, traceback.format_exc())
        # With the collector off, the cycles a task leaves (templates' contexts, the county's
        # model) piled up: 60 MB more per county. One collection per task frees them.
        # (Giving the freed C heap back with malloc_trim kept a worker ~40 MB smaller, but
        # the next county faulted it in again: 0.3 s more for a city's build.)
        gc.collect()
        try:
            send.send(message)
        except Exception:  # noqa: BLE001 - the exception itself could not be pickled
            send.send(("error", None, message[2] or repr(message[1])))
    send.close()


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)                  # PR_SET_PDEATHSIG
        if os.getppid() == 1:                          # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
