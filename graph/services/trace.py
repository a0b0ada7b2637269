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
from graph.services.chains import DOWN_EDGES
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

    Reads only what the answer shows, in a few calls whatever the size of the chain: per level
    shown, one :meth:`GraphStore.neighbor_pages` call — the edges leaving the nodes of the level
    (each node's count and its first ``limit`` edges, no node read) —, one count of the edges
    leaving the nodes shown on the last level (:meth:`GraphStore.count_neighbors`), one read of the
    nodes shown in full (:meth:`GraphStore.get_nodes`) and two to four for their owners
    (:func:`graph.services.ownership.owners_of`). With ``limit``, a trace to depth 3 from the
    largest school target of the 20,000-student college reads ~4,100 node rows, not the ~21,500
    nodes of its chain.

    The cyclic garbage collector is paused meanwhile (``graph.gcpause``): the pages, the owners and
    the answer are alive until it is sent and hold no cycles."""
    with gc_paused():
        return _trace(store, node, direction, depth, limit, offset, kept)


def _trace(store: GraphStore, node: Node, direction: Literal["down", "up"], depth: int | None,
           limit: int | None, offset: int, kept: KeptOwners | None) -> dict[str, Any]:
    key = "children" if direction == "down" else "parents"
    side = "out" if direction == "down" else "in"
    root_id = node.id
    # id → (how many children, the first of them as (edge type, child id)), read level by level:
    # a node is shown with its children only where the walk below meets it first, which is never
    # at a level deeper than the shallowest level of the pages read; the root alone with offset.
    pages: dict[str, tuple[int, list[tuple[str, str]]]] = {}
    frontier = [root_id]
    level = 0
    while frontier and (depth is None or level < depth):
        cap = None if limit is None else max(0, limit + (max(0, offset) if level == 0 else 0))
        got = store.neighbor_pages(frontier, DOWN_EDGES, side, cap)
        for nid in frontier:
            pages[nid] = got.get(nid, (0, []))
        nxt: dict[str, None] = {}
        for nid in frontier:
            for _, other in _shown(pages[nid][1], limit, offset, level, nid == root_id):
                if other not in pages:
                    nxt[other] = None
        frontier = list(nxt)
        level += 1

    # The nodes the answer shows in full, in the order the tree below visits them, and those of
    # them shown on the last level (their edges onward were not read, only counted).
    full: list[str] = []
    last: list[str] = []
    planned: set[str] = set()

    def plan(nid: str, lvl: int) -> None:
        planned.add(nid)
        full.append(nid)
        if depth is not None and lvl >= depth:
            last.append(nid)
            return
        for _, other in _shown(pages[nid][1], limit, offset, lvl, lvl == 0):
            if other not in planned:
                plan(other, lvl + 1)

    try:
        plan(root_id, 0)
    finally:
        plan = None  # type: ignore[assignment]  # it refers to itself through its closure cell
    uncounted = [nid for nid in last if nid not in pages]
    cut = store.count_neighbors(uncounted, DOWN_EDGES, side) if uncounted else {}
    read = store.get_nodes(full)
    if root_id not in read:  # gone meanwhile: shown as given, as a leaf
        read[root_id] = node
    nodes = {nid: read[nid] for nid in full if nid in read}
    owners = owners_of(store, list(nodes.values()), kept=kept)

    def n_next(nid: str) -> int:
        """How many children (parents) ``nid`` has."""
        page = pages.get(nid)
        return page[0] if page is not None else cut.get(nid, 0)

    seen: set[str] = set()

    def visit(n: Node, lvl: int) -> dict[str, Any]:
        seen.add(n.id)
        entry = node_summary(n, owners[n.id])
        if depth is not None and lvl >= depth:
            entry[key] = []
            count = n_next(n.id)
            if count:
                entry["truncated"] = count
            return entry
        total, pairs = pages[n.id]
        shown_nxt = _shown(pairs, limit, offset, lvl, lvl == 0)
        if len(shown_nxt) < total:
            entry["truncated"] = total - len(shown_nxt)
        out = []
        for edge_type, other_id in shown_nxt:
            other = nodes.get(other_id)
            if other is None:  # deleted by another process between the reads: left out
                continue
            if other_id in seen:
                out.append({"id": other.id, "kind": other.kind, "name": other.name, "ref": True, key: []})
            else:
                child = visit(other, lvl + 1)
                child["via"] = edge_type
                out.append(child)
        entry[key] = out
        return entry

    try:
        tree = visit(nodes[root_id], 0)
        if limit is not None:
            tree.update(total=n_next(root_id), limit=limit, offset=offset)
        return tree
    finally:
        visit = None  # type: ignore[assignment]  # as plan: no cycle left for the collector


def _shown(pairs: list[tuple[str, str]], limit: int | None, offset: int, level: int,
           root: bool) -> list[tuple[str, str]]:
    """The children shown under a node at ``level`` of those read (its first ones, as
    :meth:`GraphStore.neighbor_pages` read them: the root's from ``offset``)."""
    if limit is None:
        return pairs
    return page_of(pairs, limit, offset if level == 0 and root else 0)


def walk_trace(tree: dict[str, Any], key: str = "children"):
    """Yield every entry of a trace tree (depth first, references included)."""
    yield tree
    for child in tree.get(key, []):
        yield from walk_trace(child, key)
