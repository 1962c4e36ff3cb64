"""The code's shape, as docs/architecture.md draws it: stage packages whose imports run one
way (commands → build → outputs → render → publish → library → source → base), no cycle
between modules, other packages reached only through a package's face (its __init__), and
modules small enough to read in one sitting."""
from __future__ import annotations

import ast
import os
from collections import defaultdict

from conftest import REPO

ENGINE = os.path.join(REPO, "zwgk")
# A package may import only the packages after it in this list.
STAGES = ["commands", "build", "outputs", "render", "publish", "library", "source", "base"]
MAX_MODULE_LINES = 400


def _modules() -> dict[str, str]:
    """Dotted module name -> path, for every module of the engine."""
    found = {}
    for dirpath, _dirs, files in os.walk(ENGINE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, REPO)[:-3].replace(os.sep, ".").removesuffix(".__init__")
                found[rel] = path
    return found


def _imports(path: str) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every `from zwgk... import` in the file, lazy ones included."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    return [(node.module, [a.name for a in node.names], node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zwgk")
            and node.level == 0]


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_belongs_to_a_stage_package():
    loose = [m for m in _modules() if m.count(".") == 1 and m.split(".")[1] not in STAGES
             and m not in ("zwgk.__main__",)]
    assert loose == [], f"modules outside the stage packages: {loose}"


def test_imports_run_one_way_through_the_stages():
    against = []
    for module, path in _modules().items():
        own = _stage(module)
        for target, names, line in _imports(path):
            theirs = _stage(target)
            if target == "zwgk" and own is not None:
                theirs = next((n for n in names if n in STAGES), None)
            if own and theirs and STAGES.index(theirs) < STAGES.index(own):
                against.append(f"{path}:{line}: {own} imports {target} ({theirs})")
    assert against == []


def test_other_packages_are_reached_only_through_a_package_face():
    behind = []
    for module, path in _modules().items():
        own = _stage(module)
        for target, _names, line in _imports(path):
            theirs = _stage(target)
            if own and theirs and theirs != own and target != f"zwgk.{theirs}":
                behind.append(f"{path}:{line}: from {target} (use zwgk.{theirs})")
    assert behind == []


def test_no_import_cycle_between_modules():
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for target, names, _line in _imports(path):
            candidates = [f"{target}.{n}" for n in names] + [target]
            for candidate in candidates:
                if candidate in modules and candidate != module:
                    graph[module].add(candidate)
                    break
    # A package face re-exports its modules: an edge into a face stands for edges into them.
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt.startswith(node + "."):
                continue                       # a face imports its own modules
            if state.get(nxt) == 1:
                cycle.extend(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, trail + [nxt]):
                return True
        state[node] = 2
        return False
    for start in sorted(modules):
        if state.get(start) is None and visit(start, [start]):
            break
    assert cycle == [], " → ".join(cycle)


def test_no_module_is_longer_than_one_sitting():
    long = {m: n for m, p in _modules().items()
            if (n := sum(1 for _ in open(p, encoding="utf-8"))) > MAX_MODULE_LINES}
    assert long == {}
