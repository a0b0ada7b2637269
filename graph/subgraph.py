"""A part of the graph read from a store in bulk, answering the same reads as a store from memory.

Services read what they need in one or a few store calls (:meth:`GraphStore.traverse`, or
:meth:`Subgraph.read` for whole kinds and edge types) and then walk the :class:`Subgraph`, so that
a question costs a handful of round trips on Neo4j instead of one per node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Literal, Protocol

from graph.model import Edge, Node

Direction = Literal["out", "in", "both"]


class BulkReader(Protocol):
    """What :meth:`Subgraph.read` needs of a store (every ``GraphStore`` is one)."""

    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]: ...

    def iter_edges(self, type: str | None = None) -> Iterator[Edge]: ...

#: One step of a traversal: an edge type and the direction to walk it from the node at hand.
Step = tuple[str, Direction]


class Subgraph:
    """Nodes and edges held in memory, with the store's read methods (``get_node``, ``neighbors``,
    ``iter_nodes``, ``iter_edges``, ``find_by_code``) answered from them.

    ``depth`` maps each node reached by a traversal to its fewest hops from a seed (empty when the
    subgraph was read whole). ``neighbors`` knows only the edges held: a node at the traversal's
    depth limit may have more edges in the store than here.
    """

    def __init__(self, nodes: Iterable[Node] = (), edges: Iterable[Edge] = (),
                 depth: dict[str, int] | None = None):
        self.nodes: dict[str, Node] = {}
        self._edges: dict[tuple[str, str, str], Edge] = {}
        self._out: dict[str, list[Edge]] = defaultdict(list)
        self._in: dict[str, list[Edge]] = defaultdict(list)
        self._by_code: dict[str, list[str]] | None = None
        self.depth: dict[str, int] = dict(depth or {})
        self.add(nodes, edges)

    # -- building --------------------------------------------------------------------------
    def add(self, nodes: Iterable[Node] = (), edges: Iterable[Edge] = ()) -> Subgraph:
        """Add nodes and edges (an edge whose endpoints are not held is kept: its far node may be
        added later). Returns self."""
        held, held_edges, out, in_ = self.nodes, self._edges, self._out, self._in
        for n in nodes:
            held[n.id] = n
        for e in edges:
            key = (e.source, e.type, e.target)  # ``Edge.key``, built once
            if key in held_edges:
                continue
            held_edges[key] = e
            out[e.source].append(e)
            in_[e.target].append(e)
        self._by_code = None
        return self

    def merge(self, other: Subgraph) -> Subgraph:
        """Add everything ``other`` holds (depths keep the smaller value). Returns self."""
        self.add(other.nodes.values(), other._edges.values())
        for nid, d in other.depth.items():
            if nid not in self.depth or d < self.depth[nid]:
                self.depth[nid] = d
        return self

    @classmethod
    def read(cls, store: BulkReader, kinds: Collection[str] | None = None,
             edge_types: Collection[str] | None = None) -> Subgraph:
        """Read whole kinds and edge types from ``store`` (None = all of them): one
        ``iter_nodes`` call per kind and one ``iter_edges`` call per edge type, or one each when
        everything is read. Edges whose endpoints are not among the nodes read are kept."""
        nodes: list[Node] = []
        for kind in (None,) if kinds is None else sorted(kinds):
            nodes.extend(store.iter_nodes(kind))
        edges: list[Edge] = []
        for et in (None,) if edge_types is None else sorted(edge_types):
            edges.extend(store.iter_edges(et))
        return cls(nodes, edges)

    # -- reads (the store's read interface) -----------------------------------------------------
    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def get_node(self, node_id: str) -> Node | None:
        """The node held under this id, or None."""
        return self.nodes.get(node_id)

    def get_edge(self, source: str, type: str, target: str) -> Edge | None:
        """The edge held, or None."""
        return self._edges.get((source, type, target))

    def neighbors(self, node_id: str, types: Collection[str] | None = None,
                  direction: Direction = "out") -> list[tuple[Edge, Node]]:
        """Held edges at ``node_id`` whose far node is held, each with that node; ordered by
        (edge type, other node id) as the stores order them."""
        # A few types are looked up in the tuple itself (cheaper than building a set per call).
        wanted = (None if types is None
                  else types if isinstance(types, (tuple, list, set, frozenset)) and len(types) <= 4
                  else set(types))
        nodes = self.nodes
        out: list[tuple[Edge, Node]] = []
        if direction == "out" or direction == "both":
            for e in self._out.get(node_id, ()):
                if wanted is None or e.type in wanted:
                    n = nodes.get(e.target)
                    if n is not None:
                        out.append((e, n))
        if direction == "in" or direction == "both":
            for e in self._in.get(node_id, ()):
                if wanted is None or e.type in wanted:
                    n = nodes.get(e.source)
                    if n is not None:
                        out.append((e, n))
        if len(out) > 1:
            out.sort(key=lambda pair: (pair[0].type, pair[1].id))
        return out

    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]:
        """Held nodes (of one kind) in id order."""
        nodes = self.nodes.values() if kind is None else (n for n in self.nodes.values() if n.kind == kind)
        yield from sorted(nodes, key=lambda n: n.id)

    def edges(self) -> Iterable[Edge]:
        """Every held edge, in no particular order (cheaper than :meth:`iter_edges`)."""
        return self._edges.values()

    def iter_edges(self, type: str | None = None) -> Iterator[Edge]:
        """Held edges (of one type) in (source, type, target) order."""
        keys = sorted(self._edges) if type is None else sorted(k for k in self._edges if k[1] == type)
        for k in keys:
            yield self._edges[k]

    def count_nodes(self, kind: str | None = None) -> int:
        return len(self.nodes) if kind is None else sum(1 for n in self.nodes.values() if n.kind == kind)

    def count_edges(self, type: str | None = None) -> int:
        return len(self._edges) if type is None else sum(1 for k in self._edges if k[1] == type)

    def find_by_code(self, code: str) -> list[Node]:
        """Held nodes whose code equals ``code``, in id order."""
        if self._by_code is None:
            index: dict[str, list[str]] = defaultdict(list)
            for n in self.nodes.values():
                index[n.code].append(n.id)
            self._by_code = index
        return sorted((self.nodes[i] for i in self._by_code.get(code, ())), key=lambda n: n.id)


def walk(adjacent, seeds: Iterable[str], steps: Collection[Step], max_depth: int | None,
         get_node) -> Subgraph:
    """Breadth-first traversal shared by in-memory stores: ``adjacent(node_id, type, direction)``
    yields ``(edge, other_id)``; ``get_node(id)`` returns a Node or None. Unknown seeds are left
    out. Returns the nodes reached with their depth and every edge walked (for each node above the
    depth limit, all its edges matching ``steps``)."""
    sg = Subgraph()
    frontier: list[str] = []
    for s in seeds:
        node = get_node(s)
        if node is not None and s not in sg.depth:
            sg.add((node,))
            sg.depth[s] = 0
            frontier.append(s)
    d = 0
    while frontier and (max_depth is None or d < max_depth):
        nxt: list[str] = []
        edges: list[Edge] = []
        for nid in frontier:
            for et, direction in steps:
                for edge, other in adjacent(nid, et, direction):
                    edges.append(edge)
                    if other not in sg.depth:
                        node = get_node(other)
                        if node is None:
                            continue
                        sg.depth[other] = d + 1
                        sg.add((node,))
                        nxt.append(other)
        sg.add((), edges)
        frontier = nxt
        d += 1
    return sg
