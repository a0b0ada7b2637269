"""Whole-graph exports that are not RDF: GraphML (for Gephi, yEd, Cytoscape)."""

from __future__ import annotations

import io
import json

import networkx as nx

from graph.store import GraphStore


def to_networkx(store: GraphStore) -> nx.MultiDiGraph:
    """A copy of the store as a networkx MultiDiGraph: node attributes ``kind``, ``code`` and the
    properties; edge key = edge type, attributes = edge properties."""
    g = nx.MultiDiGraph()
    for node in store.iter_nodes():
        g.add_node(node.id, kind=node.kind, code=node.code, **node.props)
    for edge in store.iter_edges():
        g.add_edge(edge.source, edge.target, key=edge.type, type=edge.type, **edge.props)
    return g


def export_graphml(store: GraphStore) -> str:
    """GraphML text; list and null values are written as JSON strings (GraphML has no lists)."""
    g = to_networkx(store)
    for _, data in list(g.nodes(data=True)) + [(None, d) for *_, d in g.edges(keys=True, data=True)]:
        for k, v in list(data.items()):
            if v is None or isinstance(v, list):
                data[k] = json.dumps(v, ensure_ascii=False)
    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")
