"""What the edge types mean for chains: which edges lead down a chain, which lead to a node's
parent, which name its owners, and what a cycle is. Kept in one place so trace, ownership, impact,
edits and checks agree (docs/glossary.md, relations: 分解 decomposes_to, 落实 implemented_by,
测量 measures, 牵头 led_by, 责任 assigned_to).
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import Edge, Node
from graph.store import GraphStore
from graph.subgraph import Step, Subgraph

#: Edges from a parent to its child in a chain (plan → target → sub-target → task → sub-task;
#: institution item → sub-item → its Z/L/B codes; diagnosis item → element → point).
DOWN_EDGES: tuple[str, ...] = ("decomposes_to", "implemented_by", "includes")
#: Walking a chain down / up, as traversal steps.
DOWN_STEPS: tuple[Step, ...] = tuple((t, "out") for t in DOWN_EDGES)
UP_STEPS: tuple[Step, ...] = tuple((t, "in") for t in DOWN_EDGES)
#: Kinds of the plan → target → task chains.
CHAIN_KINDS = frozenset({"Plan", "Target", "Task"})
#: Edges from a plan, target or task to its chain child (plan → target → task; no ``includes``).
CHAIN_EDGES: tuple[str, ...] = ("decomposes_to", "implemented_by")
#: Kinds that count as a responsible person (责任人): a person, or a post standing for its holder.
RESPONSIBLE_KINDS = frozenset({"Person", "Post"})
#: Steps from a node to the nodes whose owner it inherits, nearest first:
#: (edge type, direction from the node). An indicator inherits through what it measures.
PARENT_STEPS: tuple[Step, ...] = (
    ("measurement_of", "out"),
    ("measures", "out"),
    ("decomposes_to", "in"),
    ("implemented_by", "in"),
    ("includes", "in"),
    ("part_of", "out"),
)
OWNER_EDGES: tuple[str, ...] = ("led_by", "assigned_to")


def children(store: GraphStore | Subgraph, node_id: str) -> list[tuple[Edge, Node]]:
    """Chain children of a node (outgoing DOWN_EDGES), ordered by edge type then child id."""
    return store.neighbors(node_id, DOWN_EDGES, "out")


def parents(store: GraphStore | Subgraph, node_id: str) -> list[tuple[Edge, Node]]:
    """Chain parents of a node (incoming DOWN_EDGES), ordered by edge type then parent id."""
    return store.neighbors(node_id, DOWN_EDGES, "in")


def inheritance_parents(store: GraphStore | Subgraph, node_id: str) -> list[tuple[Edge, Node]]:
    """Nodes a node may inherit its owner from, in PARENT_STEPS order (nearest meaning first)."""
    out: list[tuple[Edge, Node]] = []
    for edge_type, direction in PARENT_STEPS:
        out.extend(store.neighbors(node_id, (edge_type,), direction))  # type: ignore[arg-type]
    return out


# -- cycles ------------------------------------------------------------------------------------
# A cycle is a closed walk along DOWN_EDGES (decomposes_to, implemented_by, includes) between
# nodes of any kind: exactly the edges trace and impact walk down. Loads accept cycles (rule TC005
# reports them, routed to their owners); an interactive edit that would close one is refused.


def find_cycles(edges: Iterable[tuple[str, str]]) -> list[tuple[list[str], int]]:
    """One cycle per strongly connected component of the directed ``(source, target)`` pairs that
    holds a cycle (two or more nodes, or a self-loop), with the component's size:
    ``([start, …, start], size)`` through the component's smallest id, then a shortest path back
    from start to its smallest predecessor in the component. Ordered by start id.

    The components are found in plain Python (:func:`strong_components`); networkx is imported
    and given the edges inside cyclic components only when there is a cycle."""
    pairs = list(edges)
    cyclic: dict[str, int] = {}  # node → index of its cyclic component
    loops = {a for a, b in pairs if a == b}
    for i, component in enumerate(strong_components(_on_cycles(pairs))):
        if len(component) > 1 or component[0] in loops:
            for n in component:
                cyclic[n] = i
    if not cyclic:
        return []
    import networkx as nx  # imported here: a check that finds no cycle runs without it

    g = nx.DiGraph()
    # Only the edges inside a component: the same adjacency order, hence the same paths, as the
    # graph of every edge.
    g.add_edges_from((a, b) for a, b in pairs if cyclic.get(a, -1) == cyclic.get(b, -2))
    cycles: list[tuple[list[str], int]] = []
    for component in nx.strongly_connected_components(g):
        start = min(component)
        if g.has_edge(start, start):
            cycles.append(([start, start], len(component)))
        elif len(component) > 1:
            sub = g.subgraph(component)
            back = min(sub.predecessors(start))
            cycles.append((nx.shortest_path(sub, start, back) + [start], len(component)))
    cycles.sort(key=lambda c: c[0][0])
    return cycles


def _on_cycles(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs left after repeatedly removing every node with no incoming edge (Kahn's
    elimination): none on an acyclic chain — the usual case, which then costs one pass —, else
    the edges among the nodes that are on a cycle or lead from one cycle to another. The strongly
    connected components with a cycle are the same as those of all ``pairs``."""
    succ: dict[str, list[str]] = {}
    indegree: dict[str, int] = {}
    for a, b in pairs:
        ids = succ.get(a)
        if ids is None:
            succ[a] = [b]
        else:
            ids.append(b)
        indegree[b] = indegree.get(b, 0) + 1
    queue = [n for n in succ if n not in indegree]
    while queue:
        n = queue.pop()
        for m in succ.get(n, ()):
            left = indegree[m] - 1
            indegree[m] = left
            if left == 0:
                queue.append(m)
    return [(a, b) for a, b in pairs if indegree.get(a, 0) > 0 and indegree[b] > 0]


def strong_components(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of the directed graph of ``pairs`` (every node that
    appears in a pair, each in exactly one component), by Tarjan's algorithm without recursion
    (chains deeper than Python's recursion limit are fine). Order: components in reverse
    topological order, nodes in no particular order. Linear in nodes + edges."""
    succ: dict[str, list[str]] = {}
    for a, b in pairs:
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in succ:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ[w])))
                    break
                if w in on_stack and index[w] < low[v]:
                    low[v] = index[w]
            else:
                work.pop()
                if work:
                    u = work[-1][0]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    out.append(component)
    return out


def closes_cycle(store: GraphStore, source: str, target: str) -> bool:
    """True when adding a chain edge ``source -> target`` would close a cycle: ``target`` is
    ``source`` or already leads down to it (one traversal)."""
    return source == target or source in store.traverse([target], DOWN_STEPS).nodes
