"""Timing a build's stages, and pausing the cyclic garbage collector while a build runs."""
from __future__ import annotations

import gc
import time
from contextlib import contextmanager


class Clock:
    def __init__(self, timings: list | None):
        self.timings = timings if timings is not None else []
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings.append((name, now - self.last))
        self.last = now


@contextmanager
def collector_paused():
    """A build allocates millions of long-lived objects; the cyclic collector kept re-scanning
    them (reading the city's YAML took 7.6 s with it, 4.5 s without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
