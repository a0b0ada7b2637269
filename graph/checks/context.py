"""What a rule function sees: the graph read once in bulk, adjacency by edge type, owners, the check
date and the ontology's vocabularies."""

from __future__ import annotations

import bisect
import datetime as _dt
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from graph.model import Edge, Node
from graph.services.chains import RESPONSIBLE_KINDS
from graph.services.ownership import OwnerAnswer, OwnerMemo
from graph.store import GraphStore
from graph.subgraph import Subgraph
from graph.values import blank, date_or_none
from ontology import Concept, Ontology, get_ontology


class CheckContext:
    """The ``store`` read once (``read_graph()``) into nodes by id and, per edge type, sorted id
    lists of each node's neighbours; the check date ``as_of`` and the ontology.

    ``out_ids(id, type, kinds)`` / ``in_ids(...)`` list the node ids at the other end of outgoing /
    incoming edges of one type, optionally only of the given kinds, in id order. ``owner(node)``
    answers like ``ownership.owner_of`` from the snapshot (cached per node). The snapshot is taken
    on first use; later writes to the store are not seen.
    """

    def __init__(self, store: GraphStore, as_of: _dt.date, onto: Ontology | None = None, *,
                 suspect_fields: Mapping[str, Sequence[str]] | None = None):
        self.store = store
        self.as_of = as_of
        #: Node kind → properties whose change makes its links suspect (CH001; configuration).
        self.suspect_fields = dict(suspect_fields or {})
        self.onto = onto or get_ontology()
        self._nodes: dict[str, Node] | None = None
        self._graph: Subgraph | None = None
        self._by_kind: dict[str, list[Node]] | None = None
        self._out: dict[str, dict[str, list[str]]] = {}
        self._in: dict[str, dict[str, list[str]]] = {}
        self._edge_props: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._dates: dict[Any, _dt.date | None] = {}
        self._layers: dict[Any, Concept | None] = {}
        self._owners: dict[str, OwnerAnswer] = {}
        self._owner_memo: OwnerMemo | None = None
        #: While set (``focused``): kind → the only nodes ``of_kind`` returns.
        self._focus: _FocusByKind | None = None

    # -- the snapshot ------------------------------------------------------------------------
    def _read(self) -> dict[str, Node]:
        """Read the store once (``GraphStore.read_graph``: one call, one snapshot on the embedded
        store): every node by id, and per edge type the ids at the other end of each node's edges,
        sorted (what out_ids / in_ids return). No Edge object is kept: the properties of the few
        edges that have any are kept by key, and ``neighbors`` makes the Edge objects it returns."""
        g = self.store.read_graph()
        self._out, self._in, self._edge_props = g.out, g.inc, g.edge_props
        self._nodes = g.nodes
        return g.nodes

    @property
    def graph(self) -> Subgraph:
        """The whole snapshot as a :class:`Subgraph` (built on first use; the rules do not need
        it: they read the context's own index)."""
        if self._graph is None:
            nodes = self.nodes
            self._graph = Subgraph(nodes.values(), (
                Edge(s, t, d, dict(self._edge_props.get((s, t, d), {})))
                for t, per in self._out.items() for s, ids in per.items() for d in ids))
        return self._graph

    # -- nodes -------------------------------------------------------------------------------
    @property
    def nodes(self) -> dict[str, Node]:
        """Every node by id."""
        nodes = self._nodes
        return nodes if nodes is not None else self._read()

    def of_kind(self, kind: str) -> list[Node]:
        """Every node of ``kind``, in id order (inside ``focused(ids)``: only those of ``ids``)."""
        if self._focus is not None:
            return self._focus.get(kind, [])
        if self._by_kind is None:
            by_kind: dict[str, list[Node]] = defaultdict(list)
            for n in self.nodes.values():
                by_kind[n.kind].append(n)
            for bucket in by_kind.values():
                bucket.sort(key=lambda n: n.id)
            self._by_kind = by_kind
        return self._by_kind.get(kind, [])

    def node(self, node_id: str) -> Node:
        """The node of this id (KeyError when the snapshot has none)."""
        nodes = self._nodes
        return (nodes if nodes is not None else self._read())[node_id]

    # -- edges -------------------------------------------------------------------------------
    def _ids(self, index: dict[str, dict[str, list[str]]], node_id: str, edge_type: str,
             kinds: Collection[str] | None) -> list[str]:
        per_type = index.get(edge_type)
        ids = per_type.get(node_id) if per_type is not None else None
        if not ids:
            return []
        if kinds is None:
            return list(ids)
        nodes = self._nodes
        return [i for i in ids if nodes[i].kind in kinds]  # type: ignore[index]

    def out_ids(self, node_id: str, edge_type: str, kinds: Collection[str] | None = None) -> list[str]:
        """Targets of ``node_id -edge_type-> *`` (of the given kinds), in id order."""
        if self._nodes is None:
            self._read()
        return self._ids(self._out, node_id, edge_type, kinds)

    def in_ids(self, node_id: str, edge_type: str, kinds: Collection[str] | None = None) -> list[str]:
        """Sources of ``* -edge_type-> node_id`` (of the given kinds), in id order."""
        if self._nodes is None:
            self._read()
        return self._ids(self._in, node_id, edge_type, kinds)

    def out_map(self, edge_type: str) -> Mapping[str, list[str]]:
        """``{source id: [target ids, in id order]}`` of every ``edge_type`` edge (sources with
        none are absent): what ``out_ids`` reads, for a rule that scans every node of a kind or a
        whole chain. Read-only: the lists are the context's own."""
        if self._nodes is None:
            self._read()
        return self._out.get(edge_type) or {}

    def in_map(self, edge_type: str) -> Mapping[str, list[str]]:
        """``{target id: [source ids, in id order]}`` of every ``edge_type`` edge (what ``in_ids``
        reads); read-only, as ``out_map``."""
        if self._nodes is None:
            self._read()
        return self._in.get(edge_type) or {}

    def lacking(self, kind: str, edge_type: str, direction: str = "out",
                kinds: Collection[str] | None = None) -> Iterator[str]:
        """Ids (in order) of the nodes of ``kind`` with no ``edge_type`` edge in ``direction``
        (``"out"`` or ``"in"``) to or from a node of ``kinds`` (None: any kind)."""
        m = self.out_map(edge_type) if direction == "out" else self.in_map(edge_type)
        nodes = self._nodes
        for n in self.of_kind(kind):
            ids = m.get(n.id)
            if not ids or kinds is not None and not any_of_kinds(nodes, ids, kinds):  # type: ignore[arg-type]
                yield n.id

    def lacks_owner(self, node_id: str) -> bool:
        """True when the node names no lead unit (``-led_by->``) and no responsible person
        (``-assigned_to->`` a Person, or a Post standing for its holder)."""
        if self._nodes is None:
            self._read()
        if self._out.get("led_by", {}).get(node_id):
            return False
        ids = self._out.get("assigned_to", {}).get(node_id)
        return not ids or not any_of_kinds(self._nodes, ids, RESPONSIBLE_KINDS)  # type: ignore[arg-type]

    def edges(self, edge_type: str) -> Iterator[tuple[str, str]]:
        """Every ``(source, target)`` of one edge type."""
        if self._nodes is None:
            self._read()
        for source, targets in self._out.get(edge_type, {}).items():
            for target in targets:
                yield source, target

    def iter_edges(self, type: str | None = None) -> Iterator[Edge]:
        """``GraphStore.iter_edges`` answered from the snapshot: every edge (of one type), as new
        Edge objects made from the index (by type, then source, then target)."""
        if self._nodes is None:
            self._read()
        props = self._edge_props
        for t in ([type] if type is not None else sorted(self._out)):
            for s, targets in self._out.get(t, {}).items():
                for d in targets:
                    yield Edge(s, t, d, dict(props.get((s, t, d), {})))

    def neighbors(self, node_id: str, types: Collection[str] | None = None,
                  direction: str = "out") -> list[tuple[Edge, Node]]:
        """``GraphStore.neighbors`` answered from the snapshot (same result and order): each
        ``(edge, node at the other end)``, ordered by edge type then other node id; edges whose
        other end is not a node are left out."""
        nodes = self.nodes
        wanted = sorted(self._out) if types is None else types if len(types) == 1 else dict.fromkeys(types)
        props = self._edge_props  # usually empty: then no key is made per edge
        out: list[tuple[Edge, Node]] = []
        if direction == "out" or direction == "both":
            for t in wanted:
                for d in self._out.get(t, {}).get(node_id, ()):
                    n = nodes.get(d)
                    if n is not None:
                        p = props.get((node_id, t, d)) if props else None
                        out.append((Edge(node_id, t, d, dict(p) if p else {}), n))
        if direction == "in" or direction == "both":
            for t in wanted:
                for s in self._in.get(t, {}).get(node_id, ()):
                    n = nodes.get(s)
                    if n is not None:
                        p = props.get((s, t, node_id)) if props else None
                        out.append((Edge(s, t, node_id, dict(p) if p else {}), n))
        # one type in one direction: already in id order (the index lists are sorted)
        if len(out) > 1 and (direction == "both" or len(wanted) > 1):
            out.sort(key=lambda pair: (pair[0].type, pair[1].id))
        return out

    def get_node(self, node_id: str) -> Node | None:
        """``GraphStore.get_node`` answered from the snapshot."""
        return self.nodes.get(node_id)

    def owner(self, node: Node) -> OwnerAnswer:
        """The owner of ``node`` as ``ownership.owner_of`` gives it, computed from the snapshot once
        per node; the ancestors many nodes share are resolved once per check run
        (``ownership.OwnerMemo``)."""
        own = self._owners.get(node.id)
        if own is None:
            if self._owner_memo is None:
                self._owner_memo = OwnerMemo(self)
            own = self._owners[node.id] = self._owner_memo.owner(node)
        return own

    def date(self, value: Any) -> _dt.date | None:
        """``values.date_or_none(value)``, memoised by value for the run (a college's deadlines
        repeat a few dozen dates over hundreds of thousands of nodes)."""
        key = (value.__class__, value)  # 1, 1.0 and True are equal keys but not the same value
        try:
            return self._dates[key]
        except KeyError:
            d = self._dates[key] = date_or_none(value)
            return d
        except TypeError:  # an unhashable value (a list): not memoised
            return date_or_none(value)

    # -- vocabularies ------------------------------------------------------------------------
    def layer(self, node: Node) -> Concept | None:
        """The Layers concept of ``node.props["layer"]`` (notation or label), or None."""
        value = node.props.get("layer")
        if value not in self._layers:
            self._layers[value] = self.onto.concept("Layers", value) if not blank(value) else None
        return self._layers[value]

    @property
    def top_layer(self) -> Concept:
        """The highest layer (rank 1, 学校) as the ontology orders them."""
        return self.onto.schemes["Layers"][0]

    def layer_labels(self, node: Node) -> tuple[str, str]:
        """(zh, en) label of the node's layer; a raw unknown value is shown as is."""
        c = self.layer(node)
        if c is not None:
            return c.labels.zh, c.labels.en
        raw = node.props.get("layer")
        return ("未填写", "unspecified") if blank(raw) else (str(raw), str(raw))

    def kind_labels(self, kind: str) -> tuple[str, str]:
        k = self.onto.kinds.get(kind)
        return (k.labels.zh, k.labels.en) if k else (kind, kind)

    def code(self, node_id: str) -> str:
        return self.nodes[node_id].code

    # -- bringing the snapshot up to date (graph.checks.incremental) -------------------------------
    def patch(self, store: GraphStore, nodes: Collection[str], deleted: Collection[str],
              edges: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Bring the snapshot up to date after writes that touched ``nodes`` (ids written or
        deleted), of which ``deleted`` were deleted (with their edges; maybe written again since),
        and the edges ``edges`` (``(source, type, target)`` written or deleted): each is read again
        from ``store`` (``get_nodes``, ``get_edge``) and the nodes, the per-kind lists and the
        adjacency are changed to match. Returns the edges touched: the keys of the edges dropped
        with deleted nodes, and ``edges``. LookupError when an edge read ends at a node neither the
        snapshot nor ``nodes`` holds (read the store afresh then). The Subgraph built from the
        snapshot is dropped; call ``reset_owners`` too when the owners may change."""
        if self._nodes is None:
            self._read()
        index = self._nodes
        assert index is not None
        touched: set[tuple[str, str, str]] = set(edges)
        for nid in deleted:  # their edges went with them (re-added ones are among ``edges``)
            for key in self._edges_at(nid):
                touched.add(key)
                self._drop_edge(key)
        fresh = store.get_nodes(list(nodes)) if nodes else {}
        for nid in nodes:
            new, old = fresh.get(nid), index.get(nid)
            if new is None:
                if old is not None:
                    for key in self._edges_at(nid):  # deleted although not listed as deleted
                        touched.add(key)
                        self._drop_edge(key)
                    del index[nid]
                    self._bucket_set(old, None)
            else:
                index[nid] = new
                self._bucket_set(new, new)
        for key in edges:
            e = store.get_edge(*key)
            if e is None:
                self._drop_edge(key)
            elif e.source in index and e.target in index:
                self._add_edge(key, e.props)
            else:  # an end the snapshot does not hold: the caller must read the store afresh
                raise LookupError(f"edge {key} ends at a node the snapshot does not hold")
        self._graph = None
        return touched

    def reset_owners(self) -> None:
        """Forget every owner answer (the next ``owner`` uses a fresh ``OwnerMemo``)."""
        self._owners = {}
        self._owner_memo = None

    def _edges_at(self, node_id: str) -> list[tuple[str, str, str]]:
        out = [(node_id, t, d) for t, per in self._out.items() for d in per.get(node_id, ())]
        out += [(s, t, node_id) for t, per in self._in.items() for s in per.get(node_id, ())]
        return out

    def _drop_edge(self, key: tuple[str, str, str]) -> None:
        s, t, d = key
        for index, a, b in ((self._out, s, d), (self._in, d, s)):
            ids = index.get(t, {}).get(a)
            if ids is not None:
                i = bisect.bisect_left(ids, b)
                if i < len(ids) and ids[i] == b:
                    del ids[i]
                if not ids:
                    del index[t][a]
        self._edge_props.pop(key, None)

    def _add_edge(self, key: tuple[str, str, str], props: Mapping[str, Any]) -> None:
        s, t, d = key
        for index, a, b in ((self._out, s, d), (self._in, d, s)):
            ids = index.setdefault(t, {}).setdefault(a, [])
            i = bisect.bisect_left(ids, b)
            if i == len(ids) or ids[i] != b:
                ids.insert(i, b)
        if props:
            self._edge_props[key] = dict(props)
        else:
            self._edge_props.pop(key, None)

    def _bucket_set(self, node: Node, new: Node | None) -> None:
        """Put ``new`` in place of the node of ``node.id`` in the per-kind lists (None: remove)."""
        if self._by_kind is None:
            return
        bucket = self._by_kind.setdefault(node.kind, [])
        i = bisect.bisect_left(bucket, node.id, key=lambda n: n.id)
        present = i < len(bucket) and bucket[i].id == node.id
        if new is None:
            if present:
                del bucket[i]
        elif present:
            bucket[i] = new
        else:
            bucket.insert(i, new)

    def focused(self, ids: Collection[str]) -> _Focus:
        """A context manager: inside it ``of_kind`` (and so ``lacking``) returns only the nodes of
        ``ids`` that exist, in id order — what a rule that judges each node on its own iterates when
        only those nodes are to be judged again."""
        return _Focus(self, ids)


def any_of_kinds(nodes: Mapping[str, Node], ids: Collection[str], kinds: Collection[str]) -> bool:
    """Whether one of ``ids`` is a node of ``kinds`` (KeyError for an id that is no node, as
    ``CheckContext.out_ids`` with kinds): ``bool(ctx.out_ids(id, type, kinds))`` without the list."""
    for i in ids:
        if nodes[i].kind in kinds:
            return True
    return False


class _Focus:
    def __init__(self, ctx: CheckContext, ids: Collection[str]):
        self.ctx, self.ids = ctx, ids

    def __enter__(self) -> CheckContext:
        self.ctx._focus = _FocusByKind(self.ctx.nodes, self.ids)
        return self.ctx

    def __exit__(self, *exc: object) -> None:
        self.ctx._focus = None


class _FocusByKind(dict):
    """kind → the nodes of ``ids`` of that kind, in id order; each kind listed on first ``get``
    (a node's kind is the part of its id before the first colon)."""

    def __init__(self, nodes: Mapping[str, Node], ids: Collection[str]):
        super().__init__()
        self._nodes, self._ids = nodes, ids

    def get(self, kind: str, default: Any = None) -> list[Node]:  # type: ignore[override]
        found = dict.get(self, kind)
        if found is None:
            prefix = kind + ":"
            nodes = self._nodes
            found = self[kind] = [nodes[i] for i in sorted(i for i in self._ids if i.startswith(prefix) and i in nodes)]
        return found
