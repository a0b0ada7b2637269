"""The :class:`GraphStore` interface every backend implements (open one with ``graph.stores.open_store``).

Backends: the embedded store (networkx in memory, persisted to one SQLite file; the default) and
Neo4j (``neo4j://``, ``bolt://``, ``neo4j+s://`` URIs; an optional extra). Services in
``graph.services`` only use this interface, so they behave the same on every backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from sys import intern
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ClassVar, NamedTuple, Protocol

from graph.errors import StoreError
from graph.model import Edge, Node
from graph.subgraph import Direction, Step, Subgraph

__all__ = ["CAP_IN_PROCESS", "CAP_PERSISTENT", "CAP_SHARED", "CAP_TRANSACTIONS", "Direction", "GraphRead",
           "GraphStore", "PinnedRead", "Step", "Subgraph", "adjacency", "sort_lists"]

#: Capability flags a backend may declare (the contract suite skips what a backend lacks).
CAP_TRANSACTIONS = "transactions"  # writes inside transaction() are all-or-nothing
CAP_PERSISTENT = "persistent"  # data survives close() and reopen
CAP_SHARED = "shared"  # other processes may write the same data meanwhile (a database server)
#: Reads are answered in this process from a local file (no network round trip): a point read takes
#: microseconds, so a caller that must not wait long (the API's event loop) may run one itself.
CAP_IN_PROCESS = "in-process"

#: Per edge type, node id → the ids at the other end of its edges of that type, sorted.
Index = dict[str, dict[str, list[str]]]


class GraphRead(NamedTuple):
    """The whole graph as the whole-graph readers (the check, the diagnosis) hold it
    (:meth:`GraphStore.read_graph`).

    - ``nodes``: every node by id, in id order;
    - ``out``: ``{edge type: {source id: [target ids, sorted]}}``;
    - ``inc``: ``{edge type: {target id: [source ids, sorted]}}``;
    - ``edge_props``: ``{(source, type, target): props}`` for the edges whose props are not empty
      (most edges have none).
    """

    nodes: dict[str, Node]
    out: Index
    inc: Index
    edge_props: dict[tuple[str, str, str], dict[str, Any]]


def adjacency(edges: Iterable[tuple[str, str, str, Any]],
              decode: Callable[[Any], dict[str, Any]] | None = None,
              nodes: Mapping[str, Node] | None = None, *,
              only: tuple[Collection[str], Collection[str]] | None = None) -> tuple[Index, Index, dict]:
    """``(out, inc, edge_props)`` of :class:`GraphRead` from ``(source, type, target, props)``
    tuples in any order (each edge once). ``props``: a dict, or — with ``decode`` — what ``decode``
    turns into one (a store's JSON text: None, ``""`` and ``"{}"``, the common cases, are not
    decoded). One string object per id however many lists hold it: the ``id`` of its node in
    ``nodes``, else ``sys.intern``'s (an end that is no node). Interning the nodes' ids as well
    would cost more: at 1M nodes a read 0.4–0.6 s longer and its release 0.15 s longer (the
    interpreter's table of interned strings filled, then emptied). Edges of one type usually
    follow one another (a load writes a sheet's edges together): the per-type dicts are looked up
    again only when the type changes.

    ``only=(out_types, in_types)``: a partial read — only the out-lists of ``out_types`` and the
    in-lists of ``in_types`` are filed, each of those types present as a key (an empty dict when
    it has no edge); ``edges`` should hold edges of those types only (their props are kept)."""
    node_of = (nodes or {}).get
    partial = only is not None
    out: Index = {t: {} for t in only[0]} if only is not None else {}
    inc: Index = {t: {} for t in only[1]} if only is not None else {}
    props: dict[tuple[str, str, str], dict[str, Any]] = {}
    last = None
    per_out: dict[str, list[str]] | None = None
    per_in: dict[str, list[str]] | None = None
    for s, t, d, p in edges:
        n = node_of(s)
        s = n.id if n is not None else intern(s)
        n = node_of(d)
        d = n.id if n is not None else intern(d)
        if t != last:
            last, per_out, per_in = t, out.get(t), inc.get(t)
            if per_out is None and not partial:
                per_out = out[t] = {}
                per_in = inc[t] = {}
        if per_out is not None:
            ids = per_out.get(s)
            if ids is None:
                per_out[s] = [d]
            else:
                ids.append(d)
        if per_in is not None:
            ids = per_in.get(d)
            if ids is None:
                per_in[d] = [s]
            else:
                ids.append(s)
        if p and p != "{}":
            value = decode(p) if decode is not None else p
            if value:
                props[(s, t, d)] = value
    sort_lists(out, inc)
    return out, inc, props


def sort_lists(*indexes: Index) -> None:
    """Sort, in place, every id list of each :data:`Index` (the order :class:`GraphRead` promises)."""
    for index in indexes:
        for per_type in index.values():
            for ids in per_type.values():
                if len(ids) > 1:
                    ids.sort()


class PinnedRead(Protocol):
    """Reads of one snapshot of a store (``GraphStore.pinned``, ``graph.stores.pinned_file``):
    every read sees the same commit, whatever is written meanwhile."""

    location: str

    def read_graph(self, out_types: Collection[str], in_types: Collection[str], *,
                   bare_kinds: Collection[str] = (), bare_props: dict | None = None) -> GraphRead:
        """``GraphStore.read_graph`` with only the out-lists of ``out_types`` and the in-lists of
        ``in_types``; the nodes of ``bare_kinds`` carry ``bare_props`` instead of their properties."""
        ...

    def edges_at(self, node_id: str, edge_type: str, direction: str) -> list[tuple[str, dict[str, Any]]]:
        """``(other end, props)`` of the ``edge_type`` edges leaving (``"out"``) or entering
        (``"in"``) ``node_id``, by the other end's id."""
        ...


class GraphStore(ABC):
    """A property graph of :class:`Node` and :class:`Edge` validated against the ontology.

    Writes validate before they change anything and raise ``ValidationError`` (bad kind, edge
    type or domain/range) or ``NotFoundError`` (an edge endpoint that does not exist). Writes made
    inside ``with store.transaction():`` are applied all together or, if the block raises, not
    at all; a write outside any transaction is its own transaction.
    """

    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: The backend's name as /health and messages show it: "embedded", "neo4j".
    backend: str = "unknown"
    #: A short description of where the data lives, for messages (e.g. the SQLite path).
    location: str = ""

    # -- writes ----------------------------------------------------------------------------
    @abstractmethod
    def upsert_nodes(self, nodes: Iterable[Node]) -> int:
        """Insert or replace nodes by id (properties are replaced whole); returns the count written."""

    @abstractmethod
    def upsert_edges(self, edges: Iterable[Edge]) -> int:
        """Insert or replace edges by (source, type, target); both endpoints must exist."""

    @abstractmethod
    def delete_node(self, node_id: str) -> bool:
        """Delete a node and its incident edges; False when there was no such node."""

    @abstractmethod
    def delete_edge(self, source: str, type: str, target: str) -> bool:
        """Delete one edge; False when there was no such edge."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and edge (inside a transaction: undone if the transaction fails)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A context in which all writes commit together or not at all (nesting joins the outer one)."""

    # -- reads -----------------------------------------------------------------------------
    @abstractmethod
    def get_node(self, node_id: str) -> Node | None:
        """The node with this id, or None."""

    @abstractmethod
    def get_edge(self, source: str, type: str, target: str) -> Edge | None:
        """The edge, or None."""

    @abstractmethod
    def neighbors(
        self, node_id: str, types: Collection[str] | None = None, direction: Direction = "out"
    ) -> list[tuple[Edge, Node]]:
        """Edges at ``node_id`` (outgoing, incoming or both), optionally of the given types, each with
        the node at the other end; ordered by (edge type, other node id). Unknown id → empty list."""

    @abstractmethod
    def traverse(self, seeds: Iterable[str], steps: Collection[Step],
                 max_depth: int | None = None) -> Subgraph:
        """Walk the graph breadth first from ``seeds`` (node ids; unknown ids are left out),
        following only the ``steps`` — ``(edge type, direction)`` pairs, direction ``"out"``,
        ``"in"`` or ``"both"`` seen from the node at hand — at most ``max_depth`` hops (None: until
        nothing new is reached).

        Returns a :class:`Subgraph` with every node reached (seeds included), ``depth[id]`` its
        fewest hops from a seed, and every edge walked: for each node reached at fewer than
        ``max_depth`` hops, all its edges that match a step (so the services can walk the answer
        as they would walk the store). One call; on Neo4j one Cypher statement."""

    def count_neighbors(self, ids: Iterable[str], types: Collection[str],
                        direction: Direction = "out") -> dict[str, int]:
        """How many edges of ``types`` each node of ``ids`` has (outgoing, incoming or both), as
        many as :meth:`neighbors` would list, in one call and, where the store can, without reading
        the nodes at the other end: ``{id: count}``, nodes with no such edge and unknown ids left
        out. Raises ValidationError as :meth:`traverse` does for an unknown edge type or direction.
        Default: a traversal of one hop (:meth:`traverse`), counted."""
        ids = list(dict.fromkeys(ids))
        wanted = sorted(set(types))
        sub = self.traverse(ids, [(t, direction) for t in wanted], 1)
        counts = {i: len(sub.neighbors(i, wanted, direction)) for i in ids}
        return {i: n for i, n in counts.items() if n}

    def neighbor_pages(self, ids: Iterable[str], types: Collection[str], direction: Direction = "out",
                       limit: int | None = None) -> dict[str, tuple[int, list[tuple[str, str]]]]:
        """Per node of ``ids``: how many edges of ``types`` it has (outgoing, incoming or both; as
        many as :meth:`neighbors` would list) and the first ``limit`` of them (None: all) in the
        order of :meth:`neighbors`, as ``(edge type, other node id)`` pairs:
        ``{id: (count, [(type, other id), …])}``, nodes with no such edge and unknown ids left
        out. One call, and where the store can, no node row is read (the caller reads the rows of
        the few nodes it shows). Raises ValueError for a negative ``limit`` and ValidationError as
        :meth:`traverse` does for an unknown edge type or direction.
        Default: a traversal of one hop (:meth:`traverse`), cut."""
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be >= 0, not {limit!r}")
        ids = list(dict.fromkeys(ids))
        wanted = sorted(set(types))
        sub = self.traverse(ids, [(t, direction) for t in wanted], 1)
        out: dict[str, tuple[int, list[tuple[str, str]]]] = {}
        for i in ids:
            pairs = sub.neighbors(i, wanted, direction)
            if pairs:
                out[i] = (len(pairs), [(e.type, n.id) for e, n in (pairs if limit is None else pairs[:limit])])
        return out

    def get_node_for_update(self, node_id: str) -> Node | None:
        """The node with this id, or None, read for a read–modify–write: inside ``transaction()``
        a store shared between processes (:data:`CAP_SHARED`) locks the node until the transaction
        ends, so a version check and the write that follows cannot interleave with another
        process's. Default: :meth:`get_node` (a store of one process is serialised by its caller)."""
        return self.get_node(node_id)

    def get_nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        """The nodes with these ids (missing ids left out), in one call: ``{id: Node}``."""
        return self.traverse(ids, (), 0).nodes

    @abstractmethod
    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]:
        """Every node, or every node of one kind, in id order."""

    @abstractmethod
    def iter_edges(self, type: str | None = None) -> Iterator[Edge]:
        """Every edge, or every edge of one type."""

    def read_graph(self) -> GraphRead:
        """The whole graph at once, for the readers of every node and edge (the check, the
        diagnosis): nodes by id and the edges as sorted adjacency lists per type (see
        :class:`GraphRead`); no Edge object is made. The result belongs to the caller.

        Default: :meth:`iter_nodes` and :meth:`iter_edges` (two reads). A backend may answer
        faster, from one snapshot (the embedded store: one read transaction, the adjacency lists
        read in index order). Errors as those reads (StoreError)."""
        nodes = {n.id: n for n in self.iter_nodes()}
        out, inc, props = adjacency(((e.source, e.type, e.target, e.props) for e in self.iter_edges()), nodes=nodes)
        return GraphRead(nodes, out, inc, props)

    def count_nodes_by(self, prop: str) -> dict[tuple[str, Any], int]:
        """How many nodes per ``(kind, value of the property prop)``: ``{(kind, value): n}``, the
        value as ``node.props.get(prop)`` (None when the node has none; a list value as a tuple;
        an object value, or a list holding one, raises TypeError: it cannot be a key). Keys in the
        order of their first node by id. Errors as :meth:`iter_nodes`.

        Default: one :meth:`iter_nodes` pass. A backend may count without reading the nodes into
        Python (the embedded store: one ``GROUP BY``)."""
        counts: dict[tuple[str, Any], int] = {}
        for node in self.iter_nodes():
            value = node.props.get(prop)
            key = (node.kind, tuple(value) if isinstance(value, list) else value)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def count_edges_by_type(self) -> dict[str, int]:
        """How many edges of each type: ``{type: n}`` (types with none left out; in no particular
        order). Default: one :meth:`iter_edges` pass; the embedded store counts in SQL."""
        counts: dict[str, int] = {}
        for e in self.iter_edges():
            counts[e.type] = counts.get(e.type, 0) + 1
        return counts

    @abstractmethod
    def count_nodes(self, kind: str | None = None) -> int:
        """How many nodes (of one kind)."""

    @abstractmethod
    def count_edges(self, type: str | None = None) -> int:
        """How many edges (of one type)."""

    @abstractmethod
    def find_by_code(self, code: str) -> list[Node]:
        """Nodes of any kind whose code equals ``code`` exactly."""

    def search_text(self, q: str, kind: str | None = None, layer: str | None = None,
                    limit: int | None = 50, offset: int = 0) -> tuple[int, list[Node]]:
        """Text search as ``graph.textsearch`` defines it: ``q`` already normalised
        (``textsearch.norm``; empty: every node), only nodes of ``kind`` and whose ``layer``
        property equals ``layer`` when given. Returns ``(total, page)``: the number of matching
        nodes and, ranked (``textsearch.rank``, then id), those from ``offset``, at most ``limit``
        (all when None). Arguments are not validated here (``search_nodes`` does).

        Default: one pass over ``iter_nodes(kind)`` in Python; the embedded store answers from
        its indexes, Neo4j reads only id, code, name and layer."""
        from graph.textsearch import norm, ranked_page

        entries = ((norm(n.id), norm(n.code), norm(n.name), n) for n in self.iter_nodes(kind)
                   if layer is None or n.props.get("layer") == layer)
        return ranked_page(q, entries, limit, offset)

    def stale(self) -> bool:
        """True when another process has changed the data since this object last read it, so
        :meth:`refresh` would read something new. Stores that read through on every call (Neo4j)
        are never stale."""
        return False

    def refresh(self) -> bool:
        """Read again what another process committed, if anything (see :meth:`stale`); True when
        something was read again. Call it outside any transaction and not while a reader uses the
        store (``ConcurrentStore.refresh`` takes care of both)."""
        return False

    def shared_file(self) -> str | None:
        """A file another process may read this store's data from (``graph.stores.pinned_file``),
        each read at one commit, or None: the default (an in-memory store, a database server), and
        a store inside a transaction of the calling thread (whose writes another process cannot
        see). Where it is a file, :meth:`pinned` and :meth:`commits_watched` work too."""
        return None

    def pinned(self) -> AbstractContextManager[PinnedRead]:
        """A :class:`PinnedRead` of one snapshot, held for the block. Only where
        :meth:`shared_file` is a file; StoreError otherwise (the default)."""
        raise StoreError(f"{self.location}: no shareable snapshot")

    def commits_watched(self) -> AbstractContextManager[Callable[[], bool]]:
        """A function ``changed()`` that answers whether anything was committed to the store since
        the block began (callable from any thread). Only where :meth:`shared_file` is a file;
        StoreError otherwise (the default)."""
        raise StoreError(f"{self.location}: no commits to watch")

    def held_if_free(self) -> AbstractContextManager[bool]:
        """The store's connection held for the calling thread if no other thread is using it, without
        waiting: a context that yields True holding it (the reads the thread makes meanwhile never
        wait for another thread's query or traversal), or False (not held). For a caller that must
        not block (``ConcurrentStore.read_now``). Default: True, holding nothing (a store whose calls
        do not wait on each other in this process)."""
        return nullcontext(True)

    def close(self) -> None:
        """Release files or connections; the store is unusable afterwards."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
