"""No import cycles under assistant/: the module import graph, built with ``ast``, has no strongly connected
component of more than one module (and no module imports itself).

The graph: one node per module (``pkg/__init__.py`` is ``pkg``); an edge for each import executed when the
module is imported — statements in the module body, also inside top-level ``if``/``try``/``with`` blocks and
class bodies, but not in functions and not under ``if TYPE_CHECKING:``. ``import a.b`` is an edge to ``a.b``;
``from a.b import y`` is an edge to ``a.b.y`` when that is a module, else to ``a.b``; relative imports are
resolved against the importing module's package. Only modules under ``assistant`` are nodes.

Imports inside functions (lazy imports) are not edges; ``python tests/test_import_graph.py`` lists those that
would close a cycle if they were moved to the top, as well as any cycle.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "assistant"


@dataclass(frozen=True)
class Import:
    target: str
    line: int
    lazy: bool  # inside a function: not executed on import


def module_names(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Dotted module name → file, for every .py file under ``root/package``."""
    out: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(body: list[ast.stmt], lazy: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Every statement with whether it runs only when called (inside a function), skipping TYPE_CHECKING."""
    for node in body:
        yield node, lazy
        if isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _statements(node.body, lazy)
            yield from _statements(node.orelse, lazy)
        elif isinstance(node, ast.Try | ast.TryStar):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _statements(block, lazy)
        elif isinstance(node, ast.With | ast.AsyncWith | ast.For | ast.AsyncFor | ast.While):
            yield from _statements(node.body, lazy)
            yield from _statements(getattr(node, "orelse", []), lazy)
        elif isinstance(node, ast.ClassDef):
            yield from _statements(node.body, lazy)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _statements(node.body, True)


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest known module that ``name`` is or is inside of."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    out: list[Import] = []
    for node, lazy in _statements(tree.body):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names]
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved is not None:
                out.append(Import(resolved, node.lineno, lazy))
    return out


def import_graph(root: Path = ROOT, package: str = PACKAGE, lazy: bool = False) -> dict[str, dict[str, int]]:
    """module → {imported module: line}; top-level imports only unless ``lazy``."""
    modules = module_names(root, package)
    graph: dict[str, dict[str, int]] = {m: {} for m in modules}
    for module, path in modules.items():
        for imp in imports_of(module, path, modules):
            if lazy or not imp.lazy:
                graph[module].setdefault(imp.target, imp.line)
    return graph


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's components of more than one module, or of one module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, {}):
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def cycle_in(graph: dict[str, dict[str, int]], component: list[str]) -> list[str]:
    """One cycle through the component's first module, as a list of modules ending where it starts."""
    members = set(component)
    start = component[0]
    paths: dict[str, list[str]] = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in graph[node]:
            if nxt == start:
                return [*paths[node], start]
            if nxt in members and nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    return component


def describe(graph: dict[str, dict[str, int]], cycle: list[str]) -> str:
    return " → ".join(
        f"{a} (line {graph[a][b]})" if i < len(cycle) - 1 else a
        for i, (a, b) in enumerate(zip(cycle, [*cycle[1:], cycle[0]], strict=True))
    )


def cycles(root: Path = ROOT, package: str = PACKAGE) -> list[str]:
    graph = import_graph(root, package)
    return [describe(graph, cycle_in(graph, c)) for c in strongly_connected(graph)]


def lazy_cycles(root: Path = ROOT, package: str = PACKAGE) -> list[str]:
    """Imports inside functions that would close a cycle if they were at the top of their module."""
    top = import_graph(root, package)
    every = import_graph(root, package, lazy=True)
    out = []
    for module, targets in every.items():
        for target, line in targets.items():
            if target in top[module] or target == module:
                continue
            trial = {m: dict(t) for m, t in top.items()}
            trial[module][target] = line
            for component in strongly_connected(trial):
                if module in component and target in component:
                    out.append(describe(trial, _rotate(cycle_in(trial, component), module)))
    return sorted(set(out))


def _rotate(cycle: list[str], start: str) -> list[str]:
    ring = cycle[:-1]
    if start not in ring:
        return cycle
    i = ring.index(start)
    ring = ring[i:] + ring[:i]
    return [*ring, ring[0]]


# -- tests --------------------------------------------------------------------------------------------------


def test_no_import_cycles_under_assistant() -> None:
    found = cycles()
    assert not found, "import cycles:\n" + "\n".join(found)


def test_the_graph_sees_the_modules() -> None:
    graph = import_graph()
    assert "assistant.corpus" in graph and "assistant.corpus.model" in graph["assistant.corpus"]
    assert "assistant.corpus.dates" in graph["assistant.corpus.metadata"]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_through_the_package_init_is_found(tmp_path: Path) -> None:
    _write(tmp_path, {
        "pkg/__init__.py": "from pkg.model import Thing\n",
        "pkg/model.py": "from pkg.labels import name\nclass Thing: ...\n",
        "pkg/labels.py": "from pkg import Thing\n\ndef name() -> str: ...\n",
        "pkg/fine.py": "from pkg import model\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg\n",
    })
    found = cycles(tmp_path, "pkg")
    assert len(found) == 1 and "pkg.labels" in found[0] and "pkg.model" in found[0]
    assert "pkg.fine" not in found[0]  # a submodule import and a TYPE_CHECKING import are no edges back


def test_relative_and_lazy_imports(tmp_path: Path) -> None:
    _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from . import b\n",
        "pkg/b.py": "def f():\n    from pkg.a import x\n",
        "pkg/sub/__init__.py": "from ..a import b\n",
    })
    assert cycles(tmp_path, "pkg") == []
    assert import_graph(tmp_path, "pkg")["pkg.sub"] == {"pkg.a": 1}
    assert [c.split(" ")[0] for c in lazy_cycles(tmp_path, "pkg")] == ["pkg.b"]


if __name__ == "__main__":
    found = cycles()
    print("import cycles:" if found else "no import cycles under assistant/")
    for line in found:
        print("  " + line)
    lazy = lazy_cycles()
    if lazy:
        print("imports inside functions that would be cycles at the top of their module:")
        for line in lazy:
            print("  " + line)
    sys.exit(1 if found else 0)
