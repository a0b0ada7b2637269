"""Whole-graph exports that are not RDF: GraphML (for Gephi, yEd, Cytoscape, networkx, igraph).

Node and edge properties are written as ``ontology.properties.export_props`` says, the same as
in the RDF export: a text value of a mixed property goes to its text property (a 目标值 ``优秀`` is
``target_text``, so ``target_value`` is always a number), numbers of number properties are doubles.
GraphML declares one ``<key>`` per attribute name and type; a key whose values would still mix
types (an extra workbook column holding numbers and text) is written as text throughout, so every
attribute has exactly one key and strict readers (python-igraph) accept the file.
"""

from __future__ import annotations

import io
import json

import networkx as nx

from graph.store import GraphStore
from ontology.properties import export_edge_props, export_props


def to_networkx(store: GraphStore) -> nx.MultiDiGraph:
    """A copy of the store as a networkx MultiDiGraph: node attributes ``kind``, ``code`` and the
    properties; edge key = edge type, attributes = edge properties."""
    g = nx.MultiDiGraph()
    for node in store.iter_nodes():
        g.add_node(node.id, kind=node.kind, code=node.code, **export_props(node.kind, node.props))
    for edge in store.iter_edges():
        g.add_edge(edge.source, edge.target, key=edge.type, type=edge.type, **export_edge_props(edge.props))
    return g


def _one_type_per_key(items: list[dict]) -> None:
    """Make every key hold one type across ``items`` (attribute dicts, changed in place): lists and
    nulls as JSON text; ints among floats as floats; any other mix as text."""
    kinds: dict[str, set[type]] = {}
    for data in items:
        for k, v in data.items():
            if v is None or isinstance(v, list):
                data[k] = v = json.dumps(v, ensure_ascii=False)
            kinds.setdefault(k, set()).add(type(v))
    for k, types in kinds.items():
        if len(types) <= 1:
            continue
        to = float if types <= {int, float} else str
        for data in items:
            if k in data and type(data[k]) is not to:
                v = data[k]
                data[k] = float(v) if to is float else ("true" if v is True else "false" if v is False else str(v))


def export_graphml(store: GraphStore) -> str:
    """GraphML text (UTF-8) with one key per attribute (module docstring); list and null values are
    written as JSON strings (GraphML has no lists). Never raises for stored data."""
    g = to_networkx(store)
    _one_type_per_key([d for _, d in g.nodes(data=True)])
    _one_type_per_key([d for *_, d in g.edges(keys=True, data=True)])
    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")
