"""Counts for overviews: nodes by kind and by layer, edges by type."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.store import GraphStore


def graph_stats(store: GraphStore) -> dict[str, Any]:
    """``{"nodes": n, "edges": n, "by_kind": {kind: n}, "by_layer": {kind: {layer: n}},
    "by_edge_type": {type: n}}`` — layers only for kinds that carry one. Counted by the store
    (``count_nodes_by``, ``count_edges_by_type``): no node is read into Python on the embedded
    store."""
    by_kind: Counter[str] = Counter()
    by_layer: dict[str, Counter[str]] = {}
    for (kind, layer), n in store.count_nodes_by("layer").items():  # in order of first node by id
        by_kind[kind] += n
        if layer:
            by_layer.setdefault(kind, Counter())[layer] += n
    by_edge = store.count_edges_by_type()
    return {
        "nodes": sum(by_kind.values()),
        "edges": sum(by_edge.values()),
        "by_kind": dict(sorted(by_kind.items())),
        "by_layer": {k: dict(v) for k, v in sorted(by_layer.items())},
        "by_edge_type": dict(sorted(by_edge.items())),
    }
