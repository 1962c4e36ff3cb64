"""zwgk side by side with Hugo on the same corpus: both times and the ratios, in one run.

    python bench/vs_hugo.py                 # the default city (22 counties, ~29,000 pages)
    python bench/vs_hugo.py --counties 4 --runs 1

Installs nothing: it needs `hugo` on PATH (Debian's hugo 0.111 here) and says so if it
is missing. It writes the corpus (bench/gen_corpus.py) as a Hugo site too
(bench/hugo_site.py: one Markdown file per item and per document, the same fields, an
equivalent layout and standard table), then builds each into a fresh folder, three
times (median wall and CPU of the whole process tree), and once more each with memory
sampled for the peak (bench/measure.py):

- Hugo (`hugo --quiet`);
- zwgk's pages alone: the same build with the county and portal producers switched off
  (no downloads, no search index, no offline zip);
- zwgk's full build: pages, downloads, search index, offline zips.

Goals (issue 8): zwgk pages / Hugo <= 1.0; zwgk full / Hugo <= 2.0. The figures depend
on the machine's load, which is printed beside them.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from city import generate, snapshot_engine  # noqa: E402
from measure import Measured, run  # noqa: E402

PAGES_ONLY = """\
import sys
from zwgk.build import portal, site
site.COUNTY_PRODUCERS.clear(); site.COUNTY_FINISHERS.clear(); portal.PORTAL_PRODUCERS.clear()
from zwgk.commands.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def hugo_site(engine: str, site: str, into: str) -> None:
    code = ("import sys; sys.path.insert(0, sys.argv[3]); from hugo_site import write_hugo_site; "
            "from zwgk.library import load_library; write_hugo_site(load_library(sys.argv[1]).library, sys.argv[2])")
    subprocess.run([sys.executable, "-c", code, site, into, HERE], check=True, env={**os.environ, "PYTHONPATH": engine})


def check(done: Measured) -> Measured:
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return done


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="zwgk against Hugo on one corpus (issue 8).")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "zwgk-vs-hugo"))
    parser.add_argument("--counties", type=int, default=22)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    hugo = shutil.which("hugo")
    if hugo is None:
        print("hugo is not on PATH; install it (Debian: apt-get install hugo) to compare. Nothing measured.")
        return 0
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    os.makedirs(args.work, exist_ok=True)
    engine = snapshot_engine(args.work)
    site, hugo_src = os.path.join(args.work, "site"), os.path.join(args.work, "hugo-site")
    generate(site, args.counties)
    with open(site + ".made") as fh, open(os.path.join(HERE, "hugo_site.py"), "rb") as code:
        stamp = fh.read() + hashlib.sha256(code.read()).hexdigest()
    if not os.path.exists(hugo_src + ".made") or open(hugo_src + ".made").read() != stamp:
        hugo_site(engine, site, hugo_src)
        with open(hugo_src + ".made", "w") as fh:
            fh.write(stamp)
    env = {**os.environ, "PYTHONPATH": engine}
    outs = []
    # Every build gets a folder of its own, deleted only at the end: on this file system
    # (ext4 without a journal) files created within minutes of a mass delete are slow.
    run_dir = tempfile.mkdtemp(prefix="run-", dir=args.work)

    def fresh(name: str) -> str:
        outs.append(os.path.join(run_dir, name))
        return outs[-1]

    print(f"{version}; zwgk from {engine}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    # Runs interleave, so a slow spell of this shared machine (or of its file system, which
    # slows down after many files are deleted) falls on all three alike.
    commands = {
        "hugo": lambda out: ([hugo, "--source", hugo_src, "--destination", out, "--quiet"], None),
        "zwgk pages": lambda out: ([sys.executable, "-c", PAGES_ONLY, "build", site, "--out", out], engine),
        "zwgk full": lambda out: ([sys.executable, "-m", "zwgk", "build", site, "--out", out], engine),
    }
    results: dict[str, list[Measured]] = {name: [] for name in commands}
    for n in range(args.runs):
        for name, command in commands.items():
            cmd, cwd = command(fresh(f"{name.replace(' ', '-')}-{n}"))
            results[name].append(check(run(cmd, env=env, cwd=cwd, memory=False)))
    # Memory from one more run each: sampling a process's memory stalls its page faults, so
    # timed runs are not sampled.
    peaks: dict[str, Measured] = {}
    for name, command in commands.items():
        cmd, cwd = command(fresh(f"{name.replace(' ', '-')}-memory"))
        peaks[name] = check(run(cmd, env=env, cwd=cwd, memory=True))
    pages = sum(1 for _d, _s, fs in os.walk(outs[0]) for f in fs if f.endswith(".html"))
    print(f"Hugo wrote {pages} HTML pages per build")
    medians = {name: statistics.median(m.seconds for m in done) for name, done in results.items()}
    for name, done in results.items():
        runs = ", ".join(f"{m.seconds:.1f}" for m in done)
        print(f"{name:11} median {medians[name]:6.1f} s  (runs {runs} s; CPU {statistics.median(m.cpu for m in done):.1f} s, "
              f"system {statistics.median(m.system for m in done):.1f} s; "
              f"peak {peaks[name].peak_pss_mb:.0f} MB PSS, {peaks[name].peak_rss_mb:.0f} MB RSS in a sampled run)")
    print(f"ratio zwgk pages / Hugo = {medians['zwgk pages'] / medians['hugo']:.2f}   (goal <= 0.6)")
    print(f"ratio zwgk full  / Hugo = {medians['zwgk full'] / medians['hugo']:.2f}   (goal <= 1.0)")
    print(f"load {os.getloadavg()[0]:.1f}")
    shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
