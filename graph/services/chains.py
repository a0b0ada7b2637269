"""What the edge types mean for chains: which edges lead down a chain, which lead to a node's
parent, and which name its owners. Kept in one place so trace, ownership, impact and checks agree.

Source: GLOSSARY.md relations — 分解 (规划→目标→子目标→任务) decomposes_to, 落实 (目标→任务)
implemented_by, 测量 (指标→目标/标准) measures, 牵头 led_by, 责任 assigned_to.
"""

from __future__ import annotations

from graph.model import Edge, Node
from graph.store import GraphStore

#: Edges from a parent to its child in a chain (plan → target → sub-target → task → sub-task;
#: institution item → sub-item → its Z/L/B codes; diagnosis item → element → point).
DOWN_EDGES: tuple[str, ...] = ("decomposes_to", "implemented_by", "includes")
#: Kinds that form the decomposition chains checked for cycles (CHECKS.md TC005).
CHAIN_KINDS = frozenset({"Plan", "Target", "Task"})
#: Steps from a node to the nodes whose owner it inherits, nearest first:
#: (edge type, direction from the node). An indicator inherits through what it measures.
PARENT_STEPS: tuple[tuple[str, str], ...] = (
    ("measurement_of", "out"),
    ("measures", "out"),
    ("decomposes_to", "in"),
    ("implemented_by", "in"),
    ("includes", "in"),
    ("part_of", "out"),
)
OWNER_EDGES: tuple[str, ...] = ("led_by", "assigned_to")


def children(store: GraphStore, node_id: str) -> list[tuple[Edge, Node]]:
    """Chain children of a node (outgoing DOWN_EDGES), ordered by edge type then child id."""
    return store.neighbors(node_id, DOWN_EDGES, "out")


def parents(store: GraphStore, node_id: str) -> list[tuple[Edge, Node]]:
    """Chain parents of a node (incoming DOWN_EDGES), ordered by edge type then parent id."""
    return store.neighbors(node_id, DOWN_EDGES, "in")


def inheritance_parents(store: GraphStore, node_id: str) -> list[tuple[Edge, Node]]:
    """Nodes a node may inherit its owner from, in PARENT_STEPS order (nearest meaning first)."""
    out: list[tuple[Edge, Node]] = []
    for edge_type, direction in PARENT_STEPS:
        out.extend(store.neighbors(node_id, (edge_type,), direction))  # type: ignore[arg-type]
    return out
