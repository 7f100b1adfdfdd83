"""The package's shape: no import cycles between screener's modules (imports inside
functions and for type checking counted too), storage never imports the web layer or a
blueprint, the clinical library imports nothing else of screener's, and the top of the
package holds at most twelve modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "screener"


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _imports() -> dict[str, set[str]]:
    """Each module's imports of other screener modules. A module importing its own parent
    package (a blueprint's views importing `bp`, as in Flask's own examples) is left out:
    the package imports its views after making `bp`, which is the idiom, not a cycle."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                here = name.split(".") if is_package else name.split(".")[:-1]
                base = (".".join(here[:len(here) - node.level + 1] + [node.module or ""])
                        .rstrip(".") if node.level else node.module or "")
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[name] |= {t for t in targets
                            if t in modules and t != name and not name.startswith(t + ".")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles():
    assert _cycles(_imports()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_storage_and_the_clinical_library_import_no_web_layer_or_blueprint():
    graph = _imports()
    storage = ("screener.db", "screener.sqlite", "screener.models", "screener.screenings",
               "screener.audit", "screener.workflow")
    upward = ("screener.web", "screener.journey", "screener.staff", "screener.api",
              "screener.cli", "screener.app")
    for module in storage:
        assert {t for t in graph[module]
                if any(t == up or t.startswith(up + ".") for up in upward)} == set(), module
    for module in (m for m in graph if m.startswith("screener.clinical")):
        assert {t for t in graph[module] if not t.startswith("screener.clinical")} == set(), module


def test_the_top_of_the_package_holds_at_most_twelve_modules():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top
