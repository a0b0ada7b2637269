"""Counts for overviews: nodes by kind and by layer, edges by type."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.store import GraphStore


def graph_stats(store: GraphStore) -> dict[str, Any]:
    """``{"nodes": n, "edges": n, "by_kind": {kind: n}, "by_layer": {kind: {layer: n}},
    "by_edge_type": {type: n}}`` — layers only for kinds that carry one."""
    by_kind: Counter[str] = Counter()
    by_layer: dict[str, Counter[str]] = {}
    for node in store.iter_nodes():
        by_kind[node.kind] += 1
        layer = node.props.get("layer")
        if layer:
            by_layer.setdefault(node.kind, Counter())[layer] += 1
    by_edge: Counter[str] = Counter(e.type for e in store.iter_edges())
    return {
        "nodes": sum(by_kind.values()),
        "edges": sum(by_edge.values()),
        "by_kind": dict(sorted(by_kind.items())),
        "by_layer": {k: dict(v) for k, v in sorted(by_layer.items())},
        "by_edge_type": dict(sorted(by_edge.items())),
    }
