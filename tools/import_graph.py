"""Callboard's import graph in numbers: links between packages, imports against the layers,
cycles, imports hidden inside functions, and the largest modules.

    .venv/bin/python tools/import_graph.py            # product code (no tests, no migrations)
    .venv/bin/python tools/import_graph.py --tests    # tests and test helpers included
    .venv/bin/python tools/import_graph.py --json     # the same figures as JSON

The layers are those of docs/architecture.md, bottom to top; a module belongs to the layer of
the longest prefix listed in LAYERS. The graph comes from grimp (the library import-linter uses),
which counts every import, including those inside functions and under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(ROOT))

# Module prefix -> layer number (0 is the bottom). Apps on one layer must not import each other.
LAYERS: dict[str, float] = {
    "callboard.core": 0,
    "callboard.audit": 1,
    "callboard.company": 2,
    "callboard.repertoire": 3,
    "callboard.season": 4,
    "callboard.wellbeing": 5,  # the medical part: injuries, return-to-dance plans, limits
    "callboard.casting": 6,
    "callboard.boxoffice": 6,
    "callboard.scheduling.solver": 6.5,  # imports nothing of the apps (its own contract)
    "callboard.scheduling": 7,
    "callboard.reception": 8,
    "callboard.workload": 8,  # the workload part of wellbeing, derived from published calls
    "callboard.wellbeing.workload": 8,
    # The assembly: everything that needs every app.
    "callboard.site": 9,
    "callboard.urls": 9,
    "callboard.settings": 9,
    "callboard.cli": 9,
    "callboard.celery": 9,
    "callboard.wsgi": 9,
    "callboard.bench": 9,
    "callboard": 9,
}


ASSEMBLY = 9  # the top layer's packages may import each other (urls.py imports site.api)


def package_of(module: str) -> str:
    """The package a module is counted in: the longest LAYERS prefix."""
    best = "callboard"
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return best


def is_test(module: str) -> bool:
    parts = module.split(".")
    return (
        "tests" in parts
        or "testing" in parts
        or any(p.startswith("test_") or p == "conftest" for p in parts)
    )


def is_migration(module: str) -> bool:
    return "migrations" in module.split(".")


def module_path(module: str) -> Path:
    base = ROOT.joinpath(*module.split("."))
    if base.is_dir():
        return base / "__init__.py"
    return base.with_suffix(".py")


def nested_imports(module: str) -> list[tuple[int, str]]:
    """Imports of callboard modules inside a function body: (line, imported module)."""
    path = module_path(module)
    tree = ast.parse(path.read_text(), str(path))
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if in_function and isinstance(child, ast.ImportFrom):
                if child.module and child.module.startswith("callboard"):
                    found.append((child.lineno, child.module))
                elif child.level:
                    found.append((child.lineno, "." * child.level + (child.module or "")))
            elif in_function and isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("callboard"):
                        found.append((child.lineno, alias.name))
            visit(child, inside)

    visit(tree, False)
    return found


def sccs(nodes: set[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one member."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = itertools.count()
    sys.setrecursionlimit(10000)

    def strong(v: str) -> None:
        index[v] = low[v] = next(counter)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
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

    for v in sorted(nodes):
        if v not in index:
            strong(v)
    return result


def simple_cycles(edges: dict[str, set[str]], limit: int = 100000) -> int:
    """How many elementary cycles the package graph has (each counted once)."""
    nodes = sorted(edges)
    count = 0
    for i, start in enumerate(nodes):
        allowed = set(nodes[i:])
        path = [start]
        stack = [iter(sorted(edges.get(start, set()) & allowed))]
        on_path = {start}
        while stack:
            for nxt in stack[-1]:
                if nxt == start:
                    count += 1
                    if count >= limit:
                        return count
                elif nxt not in on_path:
                    path.append(nxt)
                    on_path.add(nxt)
                    stack.append(iter(sorted(edges.get(nxt, set()) & allowed)))
                    break
            else:
                stack.pop()
                on_path.discard(path.pop())
    return count


def measure(with_tests: bool) -> dict[str, object]:
    graph = grimp.build_graph("callboard", cache_dir=None)
    modules = {
        m
        for m in graph.modules
        if not is_migration(m) and (with_tests or not is_test(m)) and module_path(m).exists()
    }
    packages = {package_of(m) for m in modules}
    module_edges: dict[str, set[str]] = defaultdict(set)
    package_edges: dict[str, set[str]] = defaultdict(set)
    against: list[tuple[str, str]] = []
    for importer in sorted(modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported not in modules:
                continue
            module_edges[importer].add(imported)
            a, b = package_of(importer), package_of(imported)
            if a == b:
                continue
            package_edges[a].add(b)
            solver_breach = a == "callboard.scheduling.solver"
            same_layer = LAYERS[a] == LAYERS[b] and a != b and LAYERS[a] != ASSEMBLY
            if LAYERS[a] < LAYERS[b] or same_layer or solver_breach:
                against.append((importer, imported))
    links = sorted((a, b) for a, bs in package_edges.items() for b in bs)
    links_against = sorted(
        (a, b)
        for a, b in links
        if LAYERS[a] < LAYERS[b]
        or (LAYERS[a] == LAYERS[b] and LAYERS[a] != ASSEMBLY)
        or (a == "callboard.scheduling.solver" and b != "callboard.scheduling.solver")
    )
    nested = {m: nested_imports(m) for m in sorted(modules)}
    sizes = sorted(
        ((len(module_path(m).read_text().splitlines()), m) for m in modules if not is_test(m)),
        reverse=True,
    )
    module_cycles = sccs(modules, module_edges)
    return {
        "tests_included": with_tests,
        "modules": len(modules),
        "packages": sorted(packages),
        "package_links": len(links),
        "package_links_against_layers": [f"{a} -> {b}" for a, b in links_against],
        "imports_against_layers": [f"{a} -> {b}" for a, b in against],
        "package_cycles": sccs(packages, package_edges),
        "package_simple_cycles": simple_cycles(package_edges),
        "module_cycles": module_cycles,
        "imports_inside_functions": sum(len(v) for v in nested.values()),
        "modules_over_800_lines": [f"{m} ({n})" for n, m in sizes if n > 800],
        "largest_modules": [f"{m} ({n})" for n, m in sizes[:10]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", action="store_true", help="count tests and test helpers too")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every import")
    args = parser.parse_args()
    figures = measure(args.tests)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"code measured: {'product and tests' if args.tests else 'product (no tests)'}")
    print(f"modules: {figures['modules']}, packages: {len(figures['packages'])}")  # type: ignore[arg-type]
    print(f"links between packages: {figures['package_links']}")
    la = figures["package_links_against_layers"]
    ia = figures["imports_against_layers"]
    print(f"package links against the layers: {len(la)}")  # type: ignore[arg-type]
    for line in la:  # type: ignore[attr-defined]
        print(f"    {line}")
    print(f"imports against the layers (module to module): {len(ia)}")  # type: ignore[arg-type]
    if args.verbose:
        for line in ia:  # type: ignore[attr-defined]
            print(f"    {line}")
    pc = figures["package_cycles"]
    print(
        f"package cycles: {len(pc)} strongly connected group(s), "  # type: ignore[arg-type]
        f"{figures['package_simple_cycles']} elementary cycle(s)"
    )
    for group in pc:  # type: ignore[attr-defined]
        print(f"    {' <-> '.join(p.removeprefix('callboard.') for p in group)}")
    mc = figures["module_cycles"]
    print(
        f"module cycles: {len(mc)} group(s), "  # type: ignore[arg-type]
        f"{sum(len(g) for g in mc)} modules in them"  # type: ignore[attr-defined]
    )
    if args.verbose:
        for group in mc:  # type: ignore[attr-defined]
            print(f"    {' <-> '.join(group)}")
    print(f"imports of callboard modules inside functions: {figures['imports_inside_functions']}")
    print(f"modules over 800 lines: {len(figures['modules_over_800_lines'])}")  # type: ignore[arg-type]
    print("largest modules:")
    for line in figures["largest_modules"]:  # type: ignore[attr-defined]
        print(f"    {line}")


if __name__ == "__main__":
    main()
