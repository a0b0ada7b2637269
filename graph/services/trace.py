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

from graph.gcpause import gc_paused
from graph.model import Node
from graph.services.chains import DOWN_EDGES, DOWN_STEPS, UP_STEPS, children, parents
from graph.services.paging import page_of
from graph.services.ownership import KeptOwners, OwnerAnswer, owners_of
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
          depth: int | None = None, limit: int | None = None, offset: int = 0,
          kept: KeptOwners | None = None) -> dict[str, Any]:
    """The chain below (``down``) or above (``up``) ``node`` as a nested dict, at most ``depth``
    levels (None = all). Raises nothing for a leaf: it simply has an empty list.

    ``limit`` (None = all) shows at most that many children (parents going up) under each node,
    the root's starting at ``offset``; the rest are counted in ``truncated``. ``kept``: owner
    answers kept from earlier calls on this state of the store (:func:`owners_of`); the answer is
    the same with or without.

    Reads the store in a few calls whatever the size: one traversal of the chain down to
    ``depth``, one count of the edges leaving the nodes shown on its last level (what was cut:
    :meth:`GraphStore.count_neighbors`, no node read), and two to four for the owners of the nodes
    shown in full (:func:`graph.services.ownership.owners_of`) — not of every node read: with
    ``limit``, a trace to depth 3 from a school target reads ~1,400 nodes and shows ~280.

    The cyclic garbage collector is paused meanwhile (``graph.gcpause``): the chain read, the owners
    and the answer are alive until it is sent and hold no cycles, and each collection triggered
    by their allocation walked all of them again (on the largest trace of the 20,000-student
    college, 21,000 nodes read, 45–180 ms of ~250–430 ms)."""
    with gc_paused():
        return _trace(store, node, direction, depth, limit, offset, kept)


def _trace(store: GraphStore, node: Node, direction: Literal["down", "up"], depth: int | None,
           limit: int | None, offset: int, kept: KeptOwners | None) -> dict[str, Any]:
    key = "children" if direction == "down" else "parents"
    chain = store.traverse([node.id], DOWN_STEPS if direction == "down" else UP_STEPS, depth)
    step = children if direction == "down" else parents
    root = chain.nodes.get(node.id, node)

    def shown_next(nid: str, level: int) -> tuple[list, list]:
        """The children (parents) of ``nid`` read, and those shown under it at ``level``."""
        nxt = step(chain, nid)
        return nxt, (nxt if limit is None else page_of(nxt, limit, offset if level == 0 else 0))

    # First the nodes the answer shows in full, in the order the tree below visits them: only
    # their owners are looked up and only their onward edges counted (the chain read to ``depth``
    # holds more: every child, also those ``limit`` leaves out).
    full: list[Node] = []
    planned: set[str] = set()

    def plan(n: Node, level: int) -> None:
        planned.add(n.id)
        full.append(n)
        if depth is not None and level >= depth:
            return
        for _, other in shown_next(n.id, level)[1]:
            if other.id not in planned:
                plan(other, level + 1)

    plan(root, 0)
    # The nodes shown on the last level: their edges onward were not read, only counted.
    last = [] if depth is None else [n.id for n in full if chain.depth.get(n.id, -1) >= depth]
    cut = store.count_neighbors(last, DOWN_EDGES, "out" if direction == "down" else "in") if last else {}
    owners = owners_of(store, full, kept=kept)
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
        nxt, shown_nxt = shown_next(n.id, level)
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

    try:
        tree = visit(root, 0)
        if limit is not None:
            tree.update(total=n_next(root.id), limit=limit, offset=offset)
        return tree
    finally:
        # ``plan`` and ``visit`` call themselves through their closure cells: a reference cycle
        # that would keep the whole chain read alive until the collector found it. Emptying the
        # cells lets it go as soon as the answer is returned.
        plan = visit = None  # type: ignore[assignment]


def walk_trace(tree: dict[str, Any], key: str = "children"):
    """Yield every entry of a trace tree (depth first, references included)."""
    yield tree
    for child in tree.get(key, []):
        yield from walk_trace(child, key)
