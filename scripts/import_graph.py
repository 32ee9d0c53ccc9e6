"""The import graph of app/, read with `ast` (nothing is imported or run).

Used by tests/test_architecture.py, which enforces the layout rules, and run by
hand to regenerate the dependency picture in docs/architecture.md:

    .venv/bin/python scripts/import_graph.py            # feature graph as mermaid
    .venv/bin/python scripts/import_graph.py --edges    # every cross-feature module edge

Every import counts, including those inside functions (`init_app`, lazy
imports that dodge a cycle): a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import functools
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"


@dataclass(frozen=True)
class Edge:
    source: str  # importing module, e.g. "app.events.services"
    target: str  # imported module, e.g. "app.alliance.services"
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_modules() -> dict[str, Path]:
    """Every module under app/, by dotted name."""
    return {module_name(p): p for p in sorted(APP.rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of `name` that is a module of app/ (None outside app)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def module_edges(modules: dict[str, Path] | None = None) -> list[Edge]:
    """Every import of an app module by an app module (a module importing itself excluded)."""
    modules = modules if modules is not None else app_modules()
    edges: set[Edge] = set()
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    if node.level > 1:
                        base = base[: -(node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                # `from app.x import y` imports the submodule app.x.y when it exists
                targets = [f"{prefix}.{alias.name}" for alias in node.names] or [prefix]
            for target in targets:
                resolved = _resolve(target, modules)
                if resolved and resolved != name:
                    edges.add(Edge(name, resolved, node.lineno))
    # one edge per (source, target): the first line it is imported on
    first: dict[tuple[str, str], Edge] = {}
    for edge in sorted(edges, key=lambda e: (e.source, e.target, e.line)):
        first.setdefault((edge.source, edge.target), edge)
    return list(first.values())


@functools.cache
def packages() -> list[str]:
    """The packages directly under app/ (app.events, app.alliance, …)."""
    return sorted(f"app.{p.parent.name}" for p in APP.glob("*/__init__.py"))


def package_of(module: str) -> str | None:
    """`app.events.services` -> `app.events`; a top-level module (app.database) -> None."""
    parts = module.split(".")
    if len(parts) >= 2 and f"app.{parts[1]}" in packages():
        return f"app.{parts[1]}"
    return None


def feature_edges(edges: list[Edge], features: list[str]) -> dict[tuple[str, str], list[Edge]]:
    """Package-level graph between the given feature packages, with the module edges behind each arrow."""
    graph: dict[tuple[str, str], list[Edge]] = {}
    for edge in edges:
        a, b = package_of(edge.source), package_of(edge.target)
        if a in features and b in features and a != b:
            graph.setdefault((a, b), []).append(edge)
    return graph


def cycles(graph: dict[tuple[str, str], list[Edge]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    nodes = sorted({n for pair in graph for n in pair})
    succ: dict[str, list[str]] = {n: sorted(b for (a, b) in graph if a == n) for n in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for n in nodes:
        if n not in index:
            visit(n)
    return sorted(result)


def two_way(graph: dict[tuple[str, str], list[Edge]]) -> list[tuple[str, str]]:
    """Pairs of packages that import each other."""
    return sorted((a, b) for (a, b) in graph if a < b and (b, a) in graph)


def short(name: str) -> str:
    return name.removeprefix("app.")


def mermaid(graph: dict[tuple[str, str], list[Edge]]) -> str:
    knots = {frozenset(p) for p in two_way(graph)}
    lines = ["graph LR"]
    for (a, b) in sorted(graph):
        arrow = "<-->" if frozenset((a, b)) in knots else "-->"
        if arrow == "<-->" and a > b:
            continue  # drawn once, from the other side
        lines.append(f"  {short(a)} {arrow} {short(b)}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from tests.test_architecture import FEATURES

    edges = module_edges()
    graph = feature_edges(edges, FEATURES)
    if "--edges" in argv:
        for (a, b), behind in sorted(graph.items()):
            print(f"{short(a)} -> {short(b)}")
            for e in behind:
                print(f"    {e.source} -> {e.target}  (line {e.line})")
        return 0
    print(mermaid(graph))
    print()
    print("two-way:", ", ".join(f"{short(a)}↔{short(b)}" for a, b in two_way(graph)) or "none")
    for component in cycles(graph):
        print("cycle:", " ".join(short(n) for n in component))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
