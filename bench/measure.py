"""Run a command and measure it: wall time, CPU time and peak memory of its whole process tree.

Memory is sampled from /proc every 20 ms over the process and all its descendants:
`rss` is the sum of their resident sets (counts pages shared after fork once per
process, so it overstates), `pss` the sum of their proportional set sizes (each shared
page split between its sharers: the memory the build really holds). CPU is user+system
time of the process and every descendant it waited for (getrusage RUSAGE_CHILDREN).
"""
from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass
class Measured:
    seconds: float
    cpu: float            # user + system
    system: float         # of which system time (creating files is most of it)
    peak_rss_mb: float
    peak_pss_mb: float
    returncode: int
    stdout: str
    stderr: str


def _children(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return found


def _memory(pids: list[int]) -> tuple[int, int]:
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def run(cmd: list[str], env: dict | None = None, cwd: str | None = None, memory: bool = True) -> Measured:
    """memory=False: no sampling (peaks are 0). Sampling takes some of a core on a 2-core
    machine, so timings are taken from runs that do not sample."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _memory(_children(proc.pid))
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    if memory:
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    system = after.ru_stime - before.ru_stime
    cpu = (after.ru_utime - before.ru_utime) + system
    return Measured(seconds, cpu, system, peak[0] / 1024, peak[1] / 1024, proc.returncode, stdout, stderr)
