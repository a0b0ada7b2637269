"""The layers point one way (docs/architecture.md): graph/ imports nothing from ingest/, api/, ui/ or
cli/, and no two modules import each other, directly or through others (module-level and deferred
imports alike)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph", "ingest", "api", "ui", "cli", "ontology", "seed")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules ``path`` imports (``from a.b import c`` counts as ``a.b.c`` when that is
    a module, else ``a.b``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] in PACKAGES)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in PACKAGES:
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    found.add(sub if sub in modules else node.module)
    return {m for m in found if m in modules}


def _graph() -> nx.DiGraph:
    files = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    g = nx.DiGraph()
    for name, path in files.items():
        g.add_node(name)
        for target in _imports(path, set(files)):
            if target != name:
                g.add_edge(name, target)
    return g


def test_graph_imports_no_layer_above_it():
    g = _graph()
    upward = sorted((a, b) for a, b in g.edges if a.split(".")[0] == "graph"
                    and b.split(".")[0] in ("ingest", "api", "ui", "cli"))
    assert upward == []


def test_no_import_circles():
    g = _graph()
    # A package's __init__ re-exporting its own modules is not a circle of meaning.
    g.remove_edges_from([(a, b) for a, b in list(g.edges) if b.startswith(a + ".")])
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert cycles == []
