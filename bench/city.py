"""City-scale build benchmark: every figure of issue 8 from one command.

    python bench/city.py                    # the default city, then 1k / 30k / 100k items
    python bench/city.py --no-scaling       # the default city only
    python bench/city.py --noise            # full builds quiet, right after a mass delete, and (as root) with the page cache dropped
    python bench/city.py --no-city --sizes 1k,30k,100k,200c   # the scaling table up to a province

It copies the engine (zwgk/, with themes/ and search/ inside it as the wheel has them) to a scratch folder first, so the figures
belong to one version of the code even while others edit the working tree, generates
the corpora with bench/gen_corpus.py (outside any git repository, so no history is
involved), and runs `zwgk build` as a user would, measuring each run's whole process
tree (bench/measure.py): wall time, CPU time, peak memory (sum of PSS; sum of RSS too).

Printed: the full build (pages, search index, downloads, offline zips), a second build
with nothing changed (it must rewrite no file: every file keeps its inode and time, the
output folder is not swapped), an edit to one domain file of one county (pages
re-rendered, wall time), a check that the incremental output equals a clean build
(manifest digests, and every file hashed against them), and the full build at 1k, 30k
and 100k items side by side. The machine is shared, so the load average is printed with
every figure; CPU time is the steadier measure.

What profiling the city build taught (pyinstrument on one county in one process, then
/proc sampling of the parallel build):
- The cyclic garbage collector, not YAML, was the biggest single cost of reading: a build
  holds millions of small long-lived objects and each collection walked them all
  (reading the city went from 7.6 s to 4.5 s with it paused). With it off, though, the
  cycles each county leaves behind (templates' contexts, the county's model) piled up in
  the workers, 60 MB a county: one collection per county in the worker frees them.
- posixpath.relpath (two os.getcwd() calls per link) was 40% of rendering an item page;
  a string-only `urls.relative`, cached by folder, gives the same links.
- Jinja2 checked every template's mtime on every page and each Renderer compiled the
  theme again; templates are now compiled once per process and not re-checked in a build.
- A second full YAML parse, meant to refuse absurd nesting, ran on every catalog file
  with more than 40 flow brackets (all of them): a quarter of reading.
- Creating files is the most erratic cost on this machine: the same 4,000 files took
  0.15 s or 1.7 s depending on how recently many files were deleted nearby (ext4 without
  a journal does not reuse recently freed inodes), and system time is 10-40% of a full
  build. So an unchanged file is never written again, and benchmarks delete nothing
  until they are done.
- The rest is spread thin: Jinja2 templates, markdown-it-py (0.7 ms a document),
  xlsxwriter, the search index. So the win is structural: both cores (one county per
  task in forked workers that write straight into the stage, the portal made while the
  last county finishes), and not doing work twice (fingerprints: an unchanged county is
  not even read, a changed one re-renders only the pages whose inputs changed).
- Then (perf, cProfile, pyinstrument, tracemalloc, a per-worker timeline): new files
  cost ~65 us of kernel time each (inode allocation), so the search index's text pieces
  are 4,096 code points (16,000 fewer files); ISA-L deflates the offline zip 4x faster
  than zlib; json.dump was 0.4 s of the manifest (json.dumps: 0.05 s); the masthead and
  footer are rendered once per folder; the portal's search index is built in place
  (its peak went from 320 to 220 MB). Starting the portal as soon as the last county was
  read, rather than when a worker is free, saved ~0.7 s but peaked at 540-550 MB in two
  of three runs, so only decoding each county.json moved ahead. Sampling memory stalls
  the build (19.2 s sampled, 16.9 s not), so timings and memory come from separate runs.
- Then (tracemalloc line by line, gc.DEBUG_SAVEALL, a per-worker timeline): the portal's
  search records depend on one county each, so they are made as each county.json arrives;
  XlsxWriter's sheets refer back to their workbook, so a county's 40,000 cells waited for
  the cycle collector until the workbook's lists of them are emptied; freeing the heap at
  exit took 0.16 s. Trimming the C heap after each county kept workers 40 MB smaller but
  cost 0.3 s (the next county faulted the memory in again), so it was taken back. The
  system time of the same build ranges from 2.4 to 5.3 s with the state of the file
  system: run this bench after a quiet spell, not right after a mass delete.
- Then (cProfile of one county's downloads): XlsxWriter writing cells as XML was 0.18 s
  of a county's 0.30 s of downloads, and every domain's table was written twice (a sheet
  of the county's workbook and the domain's own). With inline strings and fixed format
  numbers a sheet's rows are the same XML in any workbook, so they are written once:
  0.30 -> 0.18 s a county, 3 s of CPU for the city. Giving the workers a lower priority
  than the portal, or starting the portal before a worker is free (423 MB at the peak
  now), moved no figure: the build is CPU-bound, and only less work shortens it.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from measure import Measured, run  # noqa: E402

# Counties of 26 domains x 40 items and 250 documents; 200c is a province's platform.
SIZES = {"1k": 1, "30k": 29, "100k": 96, "200c": 200}


def snapshot_engine(into: str) -> str:
    """A copy of the code as it is now; `python -m zwgk` runs from it. Its modules are
    compiled once, as installing a package does: with PYTHONDONTWRITEBYTECODE set (as on
    this machine) every run would compile them again (60 ms before the workers start)."""
    engine = os.path.join(into, "engine")
    shutil.rmtree(engine, ignore_errors=True)
    # Laid out as the wheel is: the theme and the search runtime inside the package, so the
    # copy never falls back on the checkout's folders through an editable install.
    ignore = shutil.ignore_patterns("__pycache__", "node_modules", "*.pyc", "test", "fixture")
    for name, dest in (("zwgk", "zwgk"), ("themes", "zwgk/themes"), ("search", "zwgk/search_runtime")):
        shutil.copytree(os.path.join(REPO, name), os.path.join(engine, *dest.split("/")), ignore=ignore)
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(engine, "zwgk")], check=True)
    return engine


def generate(site: str, counties: int) -> None:
    """The corpus, made again only when the generator or its size changed (deleting and
    re-creating thousands of files right before a timed build would slow that build)."""
    generator = os.path.join(HERE, "gen_corpus.py")
    with open(generator, "rb") as fh:
        stamp = f"{hashlib.sha256(fh.read()).hexdigest()} counties={counties}\n"
    marker = os.path.join(site + ".made")
    if os.path.isdir(site) and os.path.exists(marker) and open(marker).read() == stamp:
        return
    subprocess.run([sys.executable, generator, "--out", site, "--counties", str(counties)],
                   check=True, stdout=subprocess.DEVNULL)
    with open(marker, "w") as fh:
        fh.write(stamp)


def zwgk(engine: str, *args: str, memory: bool = False) -> Measured:
    """Run zwgk from the engine copy. Timed runs do not sample memory: reading a process's
    smaps takes its memory map's lock and stalls its page faults (the city's full build took
    19.2 s sampled, 16.9 s not), so memory is measured in a separate run of its own."""
    env = {**os.environ, "PYTHONPATH": engine}
    done = run([sys.executable, "-m", "zwgk", *args], env=env, cwd=engine, memory=memory)
    if done.returncode != 0:
        raise SystemExit(f"zwgk {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done


def stamps(out: str) -> dict[str, tuple[int, int]]:
    found = {}
    for dirpath, _dirs, names in os.walk(out):
        for name in names:
            st = os.stat(os.path.join(dirpath, name))
            found[os.path.join(dirpath, name)] = (st.st_ino, st.st_mtime_ns)
    return found


def manifest(out: str) -> dict[str, str]:
    import json
    with open(os.path.join(out, ".zwgk-manifest.json"), encoding="utf-8") as fh:
        return {dest: v[0] if isinstance(v, list) else v for dest, v in json.load(fh).items()}


def verify(out: str) -> dict[str, str]:
    """The output is whole: every file the manifest names has the bytes it names, nothing else."""
    digests = manifest(out)
    on_disk = {os.path.relpath(os.path.join(d, f), out) for d, _s, fs in os.walk(out) for f in fs} - {".zwgk-manifest.json"}
    assert on_disk == set(digests), "files and manifest differ"
    for dest, expected in digests.items():
        with open(os.path.join(out, dest), "rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest()[:32] == expected, dest
    return digests


def summary(done: Measured) -> str:
    return next((line for line in done.stdout.splitlines() if line.startswith("已生成")), "").split("：", 1)[-1]


def load() -> str:
    return "load %.1f" % os.getloadavg()[0]


def figures(m: Measured) -> str:
    text = f"{m.seconds:6.1f} s wall, {m.cpu:6.1f} s CPU ({m.system:.1f} system)"
    if m.peak_pss_mb:
        text += f", peak {m.peak_pss_mb:5.0f} MB PSS ({m.peak_rss_mb:.0f} MB RSS)"
    return text


def city(engine: str, work: str, run_dir: str) -> None:
    site = os.path.join(work, "city")
    out, clean = os.path.join(run_dir, "city-public"), os.path.join(run_dir, "city-clean")
    generate(site, 22)
    print(f"== default city ({load()})")
    full = zwgk(engine, "build", site, "--out", out, "-v")
    print(f"full build          {figures(full)}  [{summary(full)}]")
    for line in full.stderr.splitlines():
        print("   ", line.strip())
    print(f"   ({load()})")
    sampled = zwgk(engine, "build", site, "--out", os.path.join(run_dir, "city-memory"), memory=True)
    print(f"peak memory         {sampled.peak_pss_mb:5.0f} MB PSS ({sampled.peak_rss_mb:.0f} MB RSS), "
          f"from a second full build into an empty folder, sampled every 20 ms ({sampled.seconds:.1f} s with sampling)")
    before, folder = stamps(out), os.stat(out).st_ino
    print(f"   ({load()})")
    second = zwgk(engine, "build", site, "--out", out)
    untouched = stamps(out) == before and os.stat(out).st_ino == folder
    print(f"unchanged rebuild   {figures(second)}  = {second.seconds / full.seconds:.3f} of the full build; "
          f"{'no file rewritten' if untouched else 'FILES WERE REWRITTEN'}  [{summary(second)}]")
    domain = os.path.join(site, "catalog", "linjiang", "czyjs.yaml")
    with open(domain, encoding="utf-8") as fh:
        original = fh.read()
    first_item = "  - id: " + original.split("  - id: ")[1]
    with open(domain, "a", encoding="utf-8") as fh:     # one more item, a copy of the first
        fh.write(first_item.replace("id: czyjs-001", "id: czyjs-999", 1))
    print(f"   ({load()})")
    edit = zwgk(engine, "build", site, "--out", out)
    print(f"one domain edited   {figures(edit)}  [{summary(edit)}]")
    preview_figures(engine, site, out, domain)
    zwgk(engine, "build", site, "--out", clean)
    same = verify(out) == verify(clean)
    print(f"incremental output {'equals' if same else 'DIFFERS FROM'} a clean build ({len(manifest(out))} files hashed)")
    with open(domain, "w", encoding="utf-8") as fh:
        fh.write(original)


PREVIEW = """\
import sys, time
from zwgk.build import build_site, warm_up
site, out, domain = sys.argv[1:4]
try:                                                    # as zwgk serve does: one cache for every build
    from zwgk.build import BuildCache
    cache = BuildCache()
    kept = {"cache": cache}
except ImportError:                                     # an engine from before the BuildCache (A/B runs)
    from zwgk.source.yamlfile import keep_parsed
    cache, kept = None, {}
build_site(site, out, **kept)                           # the server's first build (all current)
if cache is None:
    keep_parsed(2000)                                   # as zwgk serve does after it,
    warm_up(site, out)                                  # while it waits for the first save
else:
    cache.parsed.capacity = 2000
    warm_up(site, out, cache)
time.sleep(2.5)                                         # the edit is a later save, not racily clean
original = open(domain, encoding="utf-8").read()
for n in range(3):                                      # one more item each time, a copy of the first
    with open(domain, "a", encoding="utf-8") as fh:
        fh.write(("  - id: " + original.split("  - id: ")[1]).replace("id: czyjs-001", f"id: czyjs-99{n}", 1))
    started = time.perf_counter()
    preview = build_site(site, out, defer_producers=True, **kept)
    middle = time.perf_counter()
    full = build_site(site, out, **kept)
    print(f"{middle - started:.2f} {time.perf_counter() - middle:.2f} {preview.pages} {full.pages}")
    time.sleep(2.5)
with open(domain, "w", encoding="utf-8") as fh:
    fh.write(original)
build_site(site, out, **kept)                           # the output matches the sources again
"""


def preview_figures(engine: str, site: str, out: str, domain: str) -> None:
    """What `zwgk serve` does in one process: pages first (defer_producers), then the rest.
    Three edits in a row; the browser's own reload is measured by bench/serve_latency.py."""
    done = run([sys.executable, "-c", PREVIEW, site, out, domain], env={**os.environ, "PYTHONPATH": engine},
               cwd=engine, memory=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    rounds = [line.split() for line in done.stdout.split("\n") if line.strip()]
    firsts = ", ".join(f"{float(r[0]):.2f}" for r in rounds)
    rests = ", ".join(f"{float(r[1]):.2f}" for r in rounds)
    print(f"  in one process, as `zwgk serve`: pages first {firsts} s ({rounds[0][2]} pages; "
          f"build_site(defer_producers=True)), then downloads, search and zips {rests} s ({rounds[0][3]} portal pages again)")


def scaling(engine: str, work: str, run_dir: str, sizes: list[str]) -> None:
    print("== cost against size (full build into an empty folder; memory from a second, sampled build)")
    print(f"{'items':>7} {'docs':>6} {'counties':>8} {'wall s':>7} {'CPU s':>7} {'PSS MB':>7} {'RSS MB':>7} {'s/1k items':>10}  output")
    for label in sizes:
        counties = SIZES[label]
        site, out = os.path.join(work, f"size-{label}"), os.path.join(run_dir, f"size-{label}-public")
        generate(site, counties)
        done = zwgk(engine, "build", site, "--out", out)
        sampled = zwgk(engine, "build", site, "--out", out + "-memory", memory=True)
        items = sum(1 for d, _s, fs in os.walk(os.path.join(site, "catalog")) for f in fs if f != "county.yaml"
                    for line in open(os.path.join(d, f), encoding="utf-8") if line.startswith("  - id: "))
        docs = sum(len(fs) for d, _s, fs in os.walk(os.path.join(site, "content")) if d.endswith("docs"))
        print(f"{items:7d} {docs:6d} {counties:8d} {done.seconds:7.1f} {done.cpu:7.1f} {sampled.peak_pss_mb:7.0f} "
              f"{sampled.peak_rss_mb:7.0f} {done.seconds / items * 1000:10.2f}  [{summary(done)}] ({load()})")


def noise(engine: str, work: str, run_dir: str, runs: int, quiet_seconds: float) -> None:
    """The file system's part of a full build: a build into a new folder after a quiet spell
    (nothing deleted for quiet_seconds), one into the same place right after deleting that
    output (70,000 files), as a CI job that starts with `rm -rf public` does, and, when run as
    root, one right after the kernel dropped its page cache (free memory, nothing deleted).
    Each row has the memory the kernel had free when the build started."""
    site = os.path.join(work, "city")
    generate(site, 22)
    print(f"== file-system noise: the city's full build into a new folder, {runs} rounds")
    print(f"{'round':>5}  {'when':<30} {'wall s':>7} {'CPU s':>7} {'system s':>8} {'free MB':>8}  load")

    def row(n: int, when: str, out: str) -> None:
        free = free_mb()
        done = zwgk(engine, "build", site, "--out", out)
        print(f"{n:5d}  {when:<30} {done.seconds:7.1f} {done.cpu:7.1f} {done.system:8.1f} {free:8.0f}  {load()}")

    for n in range(1, runs + 1):
        out = os.path.join(run_dir, f"noise-{n}")
        time.sleep(quiet_seconds)
        row(n, f"after {quiet_seconds:.0f} s with no delete", out)
        started = time.perf_counter()
        remove_output(out)
        row(n, f"right after rm -rf ({time.perf_counter() - started:.1f} s)", out)
        remove_output(out)
        time.sleep(quiet_seconds)
        if drop_page_cache():
            row(n, "right after dropping the cache", out)
            remove_output(out)
        else:
            print(f"{n:5d}  {'(dropping the cache needs root)':<30}")


def free_mb() -> float:
    """MemFree of /proc/meminfo: memory the kernel can hand out without reclaiming any."""
    with open("/proc/meminfo", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("MemFree:")) / 1024


def drop_page_cache() -> bool:
    """Written-back, then dropped: the next build starts with the machine's memory free."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w", encoding="ascii") as fh:
            fh.write("3\n")
        return True
    except OSError:
        return False


def remove_output(out: str) -> None:
    """The output and what the build keeps beside it (the cache folder: search parts, digests, summaries): the next
    build into the same folder is a full build again."""
    shutil.rmtree(out)
    parent, name = os.path.split(out)
    for kept in ("cache", "previous", "staging"):
        shutil.rmtree(os.path.join(parent, f".{name}.{kept}"), ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="City-scale build benchmark (issue 8).")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "zwgk-bench"),
                        help="scratch folder, outside any git repository (default: %(default)s)")
    parser.add_argument("--no-scaling", action="store_true", help="only the default city")
    parser.add_argument("--sizes", default="1k,30k,100k", help="sizes for the scaling table (%(default)s; 200c: a province)")
    parser.add_argument("--no-city", action="store_true", help="only the scaling table")
    parser.add_argument("--noise", action="store_true", help="only the file-system noise rounds (quiet, then right after a delete)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --noise (%(default)s)")
    parser.add_argument("--quiet", type=float, default=60, help="seconds with no delete before a quiet build (%(default)s)")
    args = parser.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    engine = snapshot_engine(args.work)
    print(f"zwgk from {engine} (a copy of {REPO}); {os.cpu_count()} cores")
    # Outputs are deleted only at the end: on this file system (ext4 without a journal) files
    # created within minutes of a mass delete are several times slower to create.
    run_dir = tempfile.mkdtemp(prefix="run-", dir=args.work)
    try:
        if args.noise:
            noise(engine, args.work, run_dir, args.rounds, args.quiet)
            return 0
        if not args.no_city:
            city(engine, args.work, run_dir)
        if not args.no_scaling:
            scaling(engine, args.work, run_dir, args.sizes.split(","))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
