"""Does search put the right answer first? MRR and top-3 accuracy over judged queries.

    python bench/relevance.py                      # this checkout's engine
    python bench/relevance.py --engine DIR         # another checkout's (a `git worktree` of an older commit)
    python bench/relevance.py --show               # every query with the rank of its first expected result

bench/relevance_queries.yaml holds the queries, each with the results a citizen expects first
(any of them first counts as right). `site: demo` queries run on this repository's demo site,
`site: corpus` ones on county linjiang of `bench/gen_corpus.py --counties 1` (generated into
the work folder). Each site is built by the engine under test, and its queries run through
that engine's browser search (node search/query.mjs), which `zwgk search` orders alike.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUERIES = os.path.join(REPO, "bench", "relevance_queries.yaml")


def build(engine: str, site: str, out: str) -> None:
    # Run from the engine's folder: `python -m` puts the working folder first on the path.
    env = dict(os.environ, PYTHONPATH=engine)
    subprocess.run([sys.executable, "-m", "zwgk", "build", site, "--out", out], env=env, cwd=engine, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_queries(engine: str, site_dir: str, queries: list[str]) -> list[list[str]]:
    """The result keys (type:id) of every query, in rank order, from the engine's browser search."""
    script = os.path.join(engine, "search", "query.mjs")
    run = subprocess.run(["node", script, site_dir, "--many", json.dumps(queries)], capture_output=True, text=True)
    if run.returncode == 0:
        found = json.loads(run.stdout)
    else:       # an older checkout's query.mjs takes one query at a time
        found = [json.loads(subprocess.run(["node", script, site_dir, q], capture_output=True, text=True,
                                           check=True).stdout) for q in queries]
    return [[f"{r['type']}:{r['id']}" for r in got["results"]] for got in found]


def first_right(keys: list[str], expect: list[str]) -> int:
    """The 1-based rank of the first expected result; 0 when none is found."""
    return next((n for n, key in enumerate(keys, 1) if key in expect), 0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default=REPO, help="the zwgk checkout whose search is measured")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "zwgk-relevance"))
    parser.add_argument("--show", action="store_true", help="print every query's rank")
    args = parser.parse_args(argv)
    engine = os.path.abspath(args.engine)
    work = os.path.join(args.work, hashlib.sha1(engine.encode()).hexdigest()[:8])    # each engine its own outputs
    with open(QUERIES, encoding="utf-8") as fh:
        judged = yaml.safe_load(fh)
    corpus = os.path.join(args.work, "corpus")
    if not os.path.isdir(corpus):
        subprocess.run([sys.executable, os.path.join(REPO, "bench", "gen_corpus.py"), "--out", corpus, "--counties", "1"],
                       check=True, stdout=subprocess.DEVNULL)
    sites = {"demo": REPO, "corpus": corpus}
    ranks: dict[str, list[int]] = {}
    for name, site in sites.items():
        out = os.path.join(work, "out-" + name)
        build(engine, site, out)
        mine = [q for q in judged if q["site"] == name]
        by_county: dict[str, list[dict]] = {}
        for q in mine:
            by_county.setdefault(q["county"], []).append(q)
        for county, qs in by_county.items():
            for q, keys in zip(qs, run_queries(engine, os.path.join(out, county), [q["query"] for q in qs])):
                rank = first_right(keys, q["expect"])
                ranks.setdefault(name, []).append(rank)
                if args.show:
                    print(f"{rank or '-':>3}  {name}/{county}  {q['query']}  →  {keys[:3]}")
    print(f"engine: {engine}")
    print(f"{'site':<8}{'queries':>8}{'MRR':>8}{'top-1':>8}{'top-3':>8}{'not found':>11}")
    every = []
    for name, rs in [*ranks.items(), ("all", None)]:
        rs = rs if rs is not None else every
        if name != "all":
            every += rs
        mrr = sum(1 / r for r in rs if r) / len(rs)
        top1 = sum(1 for r in rs if r == 1) / len(rs)
        top3 = sum(1 for r in rs if 0 < r <= 3) / len(rs)
        print(f"{name:<8}{len(rs):>8}{mrr:>8.3f}{top1:>8.0%}{top3:>8.0%}{sum(1 for r in rs if not r):>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
