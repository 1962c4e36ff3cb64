"""Save-to-reload latency of `zwgk serve`, measured in headless Chromium.

    python bench/serve_latency.py [--edits 15] [--gap 1.0] [--server zwgk|livereload]
    python bench/serve_latency.py --site /tmp/zwgk-bench/city --gap 6     # the default city

On the demo site by default; --site takes a copy of another site (such as the city that
bench/city.py generates, which has the same catalog/linjiang/czyjs.yaml).

Each round rewrites one catalog file (a new marker in one item's 公开内容), and measures from
just before the write to the reloaded page's DOMContentLoaded in the browser (both on this
machine's clock), checking that the page shows the marker. Prints every round and the median.

--server livereload measures python-livereload used on its own, as its documentation shows
(`Server.watch(folder, build)` + `serve`), for comparison: it polls every 0.8 s and ignores
a change that comes within 3 s of the previous reload.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
EDITED = "catalog/linjiang/czyjs.yaml"
PAGE = "linjiang/catalog/czyjs/index.html"
CONNECTED = "window.LiveReload && LiveReload.connector && LiveReload.connector.protocol > 0"


def copy_site(target: str, source: str = REPO) -> str:
    os.makedirs(target)
    for name in ("site.yaml", "catalog", "content", "schemas"):
        src = os.path.join(source, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(target, name))
        elif os.path.exists(src):
            shutil.copy(src, target)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, site: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": REPO, "PYTHONUNBUFFERED": "1"}
    if kind == "zwgk":
        cmd = [sys.executable, "-m", "zwgk", "serve", site, "--port", str(port)]
    else:
        cmd = [sys.executable, os.path.abspath(__file__), "--run-plain-livereload", site, str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:     # wait until it answers
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"server exited:\n{proc.stdout.read()}")
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) the process has used so far, from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def run_plain_livereload(site: str, port: int) -> None:
    """python-livereload on its own: its polling watcher calls the build, then reloads."""
    from livereload import Server
    from zwgk.build import build_site
    out = os.path.join(site, "public")
    build_site(site, out)
    server = Server()
    server.watch(os.path.join(site, "catalog"), lambda: build_site(site, out))
    server.serve(port=port, host="127.0.0.1", root=out)


def measure(kind: str, edits: int, gap: float, source: str = REPO) -> list[float]:
    from playwright.sync_api import sync_playwright
    work = tempfile.mkdtemp(prefix="zwgk-serve-bench-")
    site = copy_site(os.path.join(work, "site"), source)
    # Files changed within 2 s of being hashed are hashed again at the next build (their time
    # cannot yet tell a later change apart); a site an editor opens is older than that.
    time.sleep(2.5)
    port = free_port()
    server = start_server(kind, site, port)
    path = os.path.join(site, *EDITED.split("/"))
    with open(path, encoding="utf-8") as fh:
        original = fh.read()
    anchor = re.search(r"^(\s+content: )(.*)$", original, re.M)
    latencies: list[float] = []
    cpu: list[float] = []
    missed = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/{PAGE}")
            page.wait_for_function(CONNECTED, timeout=15000)
            for n in range(edits):
                time.sleep(gap)                 # an editor's pause between saves
                marker = f"基准标记{n}"
                text = original[:anchor.start(2)] + marker + anchor.group(2) + original[anchor.end(2):]
                try:
                    with page.expect_event("load", timeout=10000):
                        cpu_before = cpu_ms(server.pid)
                        saved = time.time()
                        with open(path, "w", encoding="utf-8") as fh:
                            fh.write(text)
                except Exception:               # no reload came: the change was dropped
                    missed += 1
                    print(f"  round {n + 1:2d}: no reload within 10 s")
                    page.reload()
                    page.wait_for_function(CONNECTED, timeout=15000)
                    continue
                origin, loaded = page.evaluate("[performance.timeOrigin, performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]")
                shown = origin + loaded
                if marker not in page.content():
                    raise SystemExit(f"round {n + 1}: the reloaded page does not show the edit")
                latencies.append(shown - saved * 1000)
                cpu.append(cpu_ms(server.pid) - cpu_before)
                print(f"  round {n + 1:2d}: {latencies[-1]:6.0f} ms  (reload began after {origin - saved * 1000:4.0f} ms, page ready {loaded:3.0f} ms later)")
                page.wait_for_function(CONNECTED, timeout=15000)
            browser.close()
    finally:
        server.terminate()
        try:
            log, _ = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            log, _ = server.communicate()
        shutil.rmtree(work, ignore_errors=True)
    builds = [int(m) for m in re.findall(r"用时 (\d+) ms", log or "")]
    if builds:
        print(f"  server-side build (median of {len(builds)}): {statistics.median(builds)} ms")
    if cpu:
        print(f"  server CPU time per save (median): {statistics.median(cpu):.0f} ms; load average {os.getloadavg()[0]:.1f}")
    if missed:
        print(f"  {missed} of {edits} saves were never shown")
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between saves")
    parser.add_argument("--server", choices=("zwgk", "livereload"), default="zwgk")
    parser.add_argument("--site", default=REPO, help="the site to copy and serve (default: the demo site)")
    parser.add_argument("--run-plain-livereload", nargs=2, metavar=("SITE", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_plain_livereload:
        run_plain_livereload(args.run_plain_livereload[0], int(args.run_plain_livereload[1]))
        return 0
    print(f"{args.server}: {args.edits} saves of {EDITED}, {args.gap} s apart; save → reloaded page (DOMContentLoaded)")
    latencies = measure(args.server, args.edits, args.gap, os.path.abspath(args.site))
    if latencies:
        target = "≤ 300 ms" if os.path.abspath(args.site) == REPO else "≤ 1000 ms"
        print(f"median {statistics.median(latencies):.0f} ms (min {min(latencies):.0f}, max {max(latencies):.0f}, "
              f"{len(latencies)} reloads); target {target}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, REPO)
    raise SystemExit(main())
