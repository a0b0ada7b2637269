"""Exploring the graph from one node: its properties and relations grouped by edge type, its
neighbourhood within a few hops (capped for drawing), trace trees capped and flattened for display,
and findings narrowed by several filters at once. The UI's Browse, Trace and Checks pages call these
(``graph.services.search`` holds search, owned items and the one-hop neighbourhood); every function
returns plain data in the shapes its docstring states.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Collection, Iterable
from typing import Any

from graph.model import Node
from graph.checks import CheckReport
from graph.store import GraphStore

#: The most nodes a drawn graph holds (Browse neighbourhood, Trace tree).
DRAW_CAP = 300


def node_ref(node: Node) -> dict[str, str]:
    """``{"id", "kind", "code", "name"}`` of a node."""
    return {"id": node.id, "kind": node.kind, "code": node.code, "name": node.name}


# ------------------------------------------------------------------------------ one node
def node_detail(store: GraphStore, node: Node) -> dict[str, Any]:
    """A node and its relations grouped by edge type and direction::

        {"id", "kind", "code", "name", "props": {name: value},
         "relations": [{"edge": type, "direction": "out" | "in", "count": n,
                        "items": [{"id", "kind", "code", "name"}]}]}

    ``direction`` is ``"out"`` for ``node -edge-> item`` and ``"in"`` for ``item -edge-> node``.
    Groups are ordered outgoing first, then by edge type; items by id. Every neighbour is listed.
    """
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for edge, other in store.neighbors(node.id, None, "both"):
        direction = "out" if edge.source == node.id else "in"
        groups.setdefault((direction, edge.type), []).append(node_ref(other))
    relations = []
    for (direction, edge_type) in sorted(groups, key=lambda k: (k[0] != "out", k[1])):
        items = sorted(groups[(direction, edge_type)], key=lambda i: i["id"])
        relations.append({"edge": edge_type, "direction": direction, "count": len(items), "items": items})
    return {**node_ref(node), "props": dict(node.props), "relations": relations}


#: The most neighbours one node brings into a drawn neighbourhood (the rest are its ``hidden``).
PER_NODE_CAP = 24


def neighbourhood_graph(store: GraphStore, node: Node, depth: int = 1, max_nodes: int = DRAW_CAP,
                  hide_kinds: Collection[str] = (), per_node: int = PER_NODE_CAP) -> dict[str, Any]:
    """The nodes within ``depth`` hops of ``node`` (edges followed both ways), for drawing::

        {"center": id, "depth": d, "cap": max_nodes, "per_node": per_node,
         "nodes": [{"id", "kind", "code", "name", "depth",       # at most max_nodes, centre first
                    "parent", "via", "side",                     # how the walk reached it
                    "hidden"}],                                   # its neighbours not drawn
         "edges": [{"source", "type", "target"}],              # edges among the drawn nodes
         "omitted": n, "omitted_by_kind": {kind: n}}           # met within depth but not drawn

    Nodes are taken breadth first (nearest first; within a level in the store's neighbour order),
    each node bringing at most ``per_node`` new neighbours, until ``max_nodes``. ``parent`` is the
    node it was reached from (None for the centre), ``via`` the edge type of that step and ``side``
    ``"out"`` when the step followed an edge forwards (``parent -via-> node``: downstream), ``"in"``
    when backwards (upstream); a node keeps its parent's side after the first step, so that a
    drawing can put what is above the centre on one side and what is below on the other.
    ``hidden`` counts the node's neighbours (not of ``hide_kinds``) that are not drawn: the expand
    cue of a drawing (open the node to see them). The nodes within ``depth`` that are not drawn —
    beyond the per-node or the total cap, or reached only through such a node — are counted in
    ``omitted``.
    Nodes of ``hide_kinds`` (e.g. ``Measurement``) are neither drawn, counted nor walked through.
    Raises ValueError for a negative ``depth``.
    """
    if depth < 0:
        raise ValueError("depth must be ≥ 0")
    max_nodes = max(1, max_nodes)
    per_node = max(1, per_node)
    hidden = frozenset(hide_kinds) - {node.kind}
    level = {node.id: 0}
    how: dict[str, tuple[str | None, str | None, str | None]] = {node.id: (None, None, None)}
    drawn: list[Node] = [node]
    drawn_ids = {node.id}
    left: list[Node] = []
    queue: deque[Node] = deque([node])
    while queue:
        current = queue.popleft()
        d = level[current.id]
        if d >= depth:
            continue
        brought = 0
        for edge, other in store.neighbors(current.id, None, "both"):
            if other.id in level or other.kind in hidden:
                continue
            level[other.id] = d + 1
            queue.append(other)  # walked either way: what is not drawn is counted in omitted
            if current.id in drawn_ids and brought < per_node and len(drawn) < max_nodes:
                brought += 1
                step = "out" if edge.source == current.id else "in"
                how[other.id] = (current.id, edge.type, how[current.id][2] or step)
                drawn.append(other)
                drawn_ids.add(other.id)
            else:
                left.append(other)
    kept_ids = drawn_ids
    edges = []
    seen_edges: set[tuple[str, str, str]] = set()
    nodes = []
    for n in drawn:
        out_of_view = set()
        for edge, other in store.neighbors(n.id, None, "both"):
            if other.id in kept_ids:
                if edge.source == n.id and edge.key not in seen_edges:
                    seen_edges.add(edge.key)
                    edges.append({"source": edge.source, "type": edge.type, "target": edge.target})
            elif other.kind not in hidden:
                out_of_view.add(other.id)
        parent, via, side = how[n.id]
        nodes.append({**node_ref(n), "depth": level[n.id], "parent": parent, "via": via, "side": side,
                      "hidden": len(out_of_view)})
    return {
        "center": node.id, "depth": depth, "cap": max_nodes, "per_node": per_node,
        "nodes": nodes,
        "edges": edges,
        "omitted": len(left),
        "omitted_by_kind": dict(sorted(Counter(n.kind for n in left).items())),
    }


# ------------------------------------------------------------------------------ trace trees
def count_tree(tree: dict[str, Any], key: str = "children") -> int:
    """How many entries a trace tree holds (references included)."""
    return 1 + sum(count_tree(c, key) for c in tree.get(key, []))


def cap_tree(tree: dict[str, Any], key: str = "children", max_nodes: int = DRAW_CAP) -> tuple[dict[str, Any], int]:
    """A copy of a trace tree (``graph.services.trace`` shape) holding at most ``max_nodes``
    entries, taken breadth first, and how many entries were left out. An entry that lost
    children carries ``"omitted": k`` (its children not shown, with everything under them)."""
    max_nodes = max(1, max_nodes)
    root = {k: v for k, v in tree.items() if k != key}
    root[key] = []
    kept = 1
    queue: deque[tuple[dict[str, Any], dict[str, Any]]] = deque([(tree, root)])
    while queue:
        source, copy = queue.popleft()
        for child in source.get(key, []):
            if kept >= max_nodes:
                copy["omitted"] = copy.get("omitted", 0) + count_tree(child, key)
                continue
            kept += 1
            child_copy = {k: v for k, v in child.items() if k != key}
            child_copy[key] = []
            copy[key].append(child_copy)
            queue.append((child, child_copy))
    return root, count_tree(tree, key) - kept


def flatten_tree(tree: dict[str, Any], key: str = "children") -> list[dict[str, Any]]:
    """The entries of a trace tree depth first, one row each::

        {"depth", "id", "kind", "name", "layer", "status", "deadline", "via", "ref",
         "unit", "post", "person", "inherited_from", "truncated"}

    ``unit`` / ``post`` / ``person`` are names (or None); ``ref`` is True for a node shown in full
    elsewhere in the tree; ``truncated`` counts children cut by a depth limit (0 if none)."""
    rows: list[dict[str, Any]] = []
    # An explicit stack, not a recursive closure: a closure that calls itself is a reference cycle,
    # which kept every row alive until the next garbage collection.
    stack: list[tuple[dict[str, Any], int]] = [(tree, 0)]
    while stack:
        entry, depth = stack.pop()
        owner = entry.get("owner") or {}
        rows.append({
            "depth": depth, "id": entry["id"], "kind": entry.get("kind"), "name": entry.get("name"),
            "layer": entry.get("layer"), "status": entry.get("status"), "deadline": entry.get("deadline"),
            "via": entry.get("via"), "ref": bool(entry.get("ref")),
            "unit": (owner.get("unit") or {}).get("name"), "post": (owner.get("post") or {}).get("name"),
            "person": (owner.get("person") or {}).get("name"),
            "inherited_from": entry.get("owner_inherited_from"), "truncated": entry.get("truncated", 0),
        })
        stack.extend((child, depth + 1) for child in reversed(entry.get(key, [])))
    return rows


# ------------------------------------------------------------------------------ findings
def select_findings(report: CheckReport, *, rules: Iterable[str] | None = None,
                    severities: Iterable[str] | None = None, units: Iterable[str] | None = None,
                    text: str | None = None) -> CheckReport:
    """A copy of ``report`` keeping the findings that match every given filter: rule ids,
    severities (``error`` / ``warning``), owner unit ids (``""`` for findings without a unit), and
    ``text`` found (case-insensitively) in the node id, name or either message. ``None`` or an
    empty filter keeps everything."""
    rules_ = set(rules or ())
    severities_ = set(severities or ())
    units_ = set(units) if units is not None else set()
    needle = (text or "").strip().casefold()

    def keep(f) -> bool:
        if rules_ and f.rule not in rules_:
            return False
        if severities_ and f.severity not in severities_:
            return False
        if units_ and (f.unit_id or "") not in units_:
            return False
        if needle and not any(needle in s.casefold() for s in (f.node, f.name, f.message, f.message_en)):
            return False
        return True

    return CheckReport([f for f in report.findings if keep(f)], report.as_of, report.rules, report.owner)


__all__ = ["DRAW_CAP", "PER_NODE_CAP", "cap_tree", "count_tree", "flatten_tree", "neighbourhood_graph", "node_detail", "node_ref",
           "select_findings"]
