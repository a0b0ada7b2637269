"""What a load would change in the store, node by node and edge by edge: the ``--dry-run`` of
``iqa load`` and the preview of the UI's Load page (``LoadReport.changes``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.model import Edge, Node
from graph.store import GraphStore


@dataclass
class LoadChanges:
    """``nodes_added``: ids of new nodes; ``nodes_changed``: ``{"id", "fields": {property:
    {"before", "after"}}}`` for nodes already in the store whose properties change (a property the
    load removes has ``after`` null); ``edges_added`` / ``edges_removed``: ``{"source", "type",
    "target"}``. A load never removes a node, so there is no ``nodes_removed``. Sorted by id."""

    nodes_added: list[str] = field(default_factory=list)
    nodes_changed: list[dict[str, Any]] = field(default_factory=list)
    edges_added: list[dict[str, str]] = field(default_factory=list)
    edges_removed: list[dict[str, str]] = field(default_factory=list)

    @property
    def changes_existing(self) -> bool:
        """Whether the load changes what the store holds already (a changed node, a removed edge)."""
        return bool(self.nodes_changed or self.edges_removed)

    def to_dict(self) -> dict[str, Any]:
        return {"nodes_added": self.nodes_added, "nodes_changed": self.nodes_changed,
                "edges_added": self.edges_added, "edges_removed": self.edges_removed}


def _edge(key: tuple[str, str, str]) -> dict[str, str]:
    source, type_, target = key
    return {"source": source, "type": type_, "target": target}


def plan_changes(store: GraphStore, nodes: list[Node], add: list[Edge], remove: list[tuple[str, str, str]]) -> LoadChanges:
    """The changes writing ``nodes`` (new or changed), deleting the edges ``remove`` and writing the
    edges ``add`` would make to ``store`` (read, never written). Edges already stored as they are
    are left out."""
    before = store.get_nodes([n.id for n in nodes])
    out = LoadChanges()
    for node in sorted(nodes, key=lambda n: n.id):
        old = before.get(node.id)
        if old is None:
            out.nodes_added.append(node.id)
            continue
        fields = {k: {"before": old.props.get(k), "after": node.props.get(k)}
                  for k in sorted(set(old.props) | set(node.props)) if old.props.get(k) != node.props.get(k)}
        if fields:
            out.nodes_changed.append({"id": node.id, "fields": fields})
    for edge in sorted(add, key=lambda e: e.key):
        stored = store.get_edge(*edge.key)
        if stored is None or stored.props != edge.props:
            out.edges_added.append(_edge(edge.key))
    out.edges_removed = [_edge(k) for k in sorted(remove)]
    return out
