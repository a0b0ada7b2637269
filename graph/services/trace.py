"""Trace a chain down (plan → targets → sub-targets → tasks → sub-tasks) or up (a task to the
target, school goal and plan it serves).

Chains are a DAG: a node reached a second time (a shared sub-target) is shown in full the first
time only; later occurrences are references ``{"id", "kind", "name", "ref": true}`` without
children. JSON shape (stable): ``{"id", "kind", "name", "layer", "owner", "status", "deadline",
"children": [...]}`` (``"parents"`` instead of ``"children"`` when tracing up); ``owner`` is
``{"person", "post", "unit"}`` (each ``{"id", "name"}`` or null) and ``owner_inherited_from``
says where an inherited owner came from. A node whose children were cut by ``depth`` or by
``limit`` carries ``"truncated": n`` (how many of its children were not shown). With ``limit`` the
root also carries ``"total"`` (its children in all), ``"limit"`` and ``"offset"``
(graph.services.paging).
"""

from __future__ import annotations

from typing import Any, Literal

from graph.model import Node
from graph.services.chains import DOWN_EDGES, DOWN_STEPS, UP_STEPS, children, parents
from graph.services.paging import page_of
from graph.services.ownership import OwnerAnswer, owners_of
from graph.store import GraphStore


def node_summary(node: Node, own: OwnerAnswer) -> dict[str, Any]:
    """The per-node fields of a trace entry (everything but children/parents), given its owner."""
    return {
        "id": node.id,
        "kind": node.kind,
        "name": node.name,
        "layer": node.props.get("layer"),
        "owner": own.owner_dict(),
        "owner_inherited_from": own.inherited_from,
        "status": node.props.get("status"),
        "deadline": node.props.get("deadline"),
    }


def trace(store: GraphStore, node: Node, direction: Literal["down", "up"] = "down",
          depth: int | None = None, limit: int | None = None, offset: int = 0) -> dict[str, Any]:
    """The chain below (``down``) or above (``up``) ``node`` as a nested dict, at most ``depth``
    levels (None = all). Raises nothing for a leaf: it simply has an empty list.

    ``limit`` (None = all) shows at most that many children (parents going up) under each node,
    the root's starting at ``offset``; the rest are counted in ``truncated``.

    Reads the store in a few calls whatever the size: one traversal of the chain down to
    ``depth``, one count of the edges leaving its last level (what was cut:
    :meth:`GraphStore.count_neighbors`, no node read), and two to four for the owners of the nodes
    shown (:func:`graph.services.ownership.owners_of`)."""
    key = "children" if direction == "down" else "parents"
    chain = store.traverse([node.id], DOWN_STEPS if direction == "down" else UP_STEPS, depth)
    step = children if direction == "down" else parents
    shown = list(chain.nodes.values())
    # The nodes of the last level: their edges onward were not read, only counted.
    last = [] if depth is None else [nid for nid, d in chain.depth.items() if d >= depth]
    cut = store.count_neighbors(last, DOWN_EDGES, "out" if direction == "down" else "in") if last else {}
    owners = owners_of(store, shown)
    seen: set[str] = set()

    def n_next(nid: str) -> int:
        """How many children (parents) ``nid`` has: counted on the last level, else as read."""
        d = chain.depth.get(nid)
        if depth is not None and d is not None and d >= depth:
            return cut.get(nid, 0)
        return len(step(chain, nid))

    def visit(n: Node, level: int) -> dict[str, Any]:
        seen.add(n.id)
        entry = node_summary(n, owners[n.id])
        if depth is not None and level >= depth:
            entry[key] = []
            count = n_next(n.id)
            if count:
                entry["truncated"] = count
            return entry
        nxt = step(chain, n.id)
        shown_nxt = nxt if limit is None else page_of(nxt, limit, offset if level == 0 else 0)
        if len(shown_nxt) < len(nxt):
            entry["truncated"] = len(nxt) - len(shown_nxt)
        out = []
        for edge, other in shown_nxt:
            if other.id in seen:
                out.append({"id": other.id, "kind": other.kind, "name": other.name, "ref": True, key: []})
            else:
                child = visit(other, level + 1)
                child["via"] = edge.type
                out.append(child)
        entry[key] = out
        return entry

    root = chain.nodes.get(node.id, node)
    tree = visit(root, 0)
    if limit is not None:
        tree.update(total=n_next(root.id), limit=limit, offset=offset)
    return tree


def walk_trace(tree: dict[str, Any], key: str = "children"):
    """Yield every entry of a trace tree (depth first, references included)."""
    yield tree
    for child in tree.get(key, []):
        yield from walk_trace(child, key)
