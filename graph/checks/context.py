"""What a rule function sees: the graph read once in bulk, adjacency by edge type, owners, the check
date and the ontology's vocabularies."""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import Any

from graph.model import Edge, Node
from graph.services.chains import RESPONSIBLE_KINDS
from graph.services.ownership import OwnerAnswer, OwnerMemo
from graph.store import GraphStore
from graph.subgraph import Subgraph
from graph.values import blank
from ontology import Concept, Ontology, get_ontology


class CheckContext:
    """The ``store`` read once (``iter_nodes()`` and ``iter_edges()``: two store calls) into a
    :class:`Subgraph`, the check date ``as_of`` and the ontology.

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
        self._graph: Subgraph | None = None
        self._by_kind: dict[str, list[Node]] | None = None
        self._out: dict[str, dict[str, list[Edge]]] | None = None
        self._in: dict[str, dict[str, list[Edge]]] | None = None
        self._layers: dict[Any, Concept | None] = {}
        self._owners: dict[str, OwnerAnswer] = {}
        self._owner_memo: OwnerMemo | None = None

    # -- nodes -------------------------------------------------------------------------------
    @property
    def graph(self) -> Subgraph:
        """The whole graph, read once."""
        if self._graph is None:
            self._graph = Subgraph.read(self.store)
        return self._graph

    @property
    def nodes(self) -> dict[str, Node]:
        """Every node by id."""
        return self.graph.nodes

    def of_kind(self, kind: str) -> list[Node]:
        """Every node of ``kind``, in id order."""
        if self._by_kind is None:
            by_kind: dict[str, list[Node]] = defaultdict(list)
            for n in self.nodes.values():
                by_kind[n.kind].append(n)
            for bucket in by_kind.values():
                bucket.sort(key=lambda n: n.id)
            self._by_kind = by_kind
        return self._by_kind.get(kind, [])

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    # -- edges -------------------------------------------------------------------------------
    def _index(self) -> None:
        # Edge objects only (the other end is edge.target / edge.source): one object per edge and
        # direction keeps the index small, which matters at 300,000 edges.
        out: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: defaultdict(list))
        inc: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: defaultdict(list))
        for e in self.graph.edges():
            out[e.type][e.source].append(e)
            inc[e.type][e.target].append(e)
        by_target, by_source = attrgetter("target"), attrgetter("source")
        for per_type in out.values():
            for edges in per_type.values():
                if len(edges) > 1:
                    edges.sort(key=by_target)
        for per_type in inc.values():
            for edges in per_type.values():
                if len(edges) > 1:
                    edges.sort(key=by_source)
        self._out, self._in = out, inc

    def _edges(self, direction: str, node_id: str, edge_type: str) -> list[Edge]:
        if self._out is None:
            self._index()
        index = self._out if direction == "out" else self._in
        assert index is not None
        per_type = index.get(edge_type)
        return per_type.get(node_id, []) if per_type is not None else []

    def _ids(self, direction: str, node_id: str, edge_type: str, kinds: Collection[str] | None) -> list[str]:
        edges = self._edges(direction, node_id, edge_type)
        if not edges:
            return []
        ids = [e.target for e in edges] if direction == "out" else [e.source for e in edges]
        if kinds is None:
            return ids
        nodes = self.nodes
        return [i for i in ids if nodes[i].kind in kinds]

    def out_ids(self, node_id: str, edge_type: str, kinds: Collection[str] | None = None) -> list[str]:
        """Targets of ``node_id -edge_type-> *`` (of the given kinds), in id order."""
        return self._ids("out", node_id, edge_type, kinds)

    def in_ids(self, node_id: str, edge_type: str, kinds: Collection[str] | None = None) -> list[str]:
        """Sources of ``* -edge_type-> node_id`` (of the given kinds), in id order."""
        return self._ids("in", node_id, edge_type, kinds)

    def lacking(self, kind: str, edge_type: str, direction: str = "out",
                kinds: Collection[str] | None = None) -> Iterator[str]:
        """Ids (in order) of the nodes of ``kind`` with no ``edge_type`` edge in ``direction``
        (``"out"`` or ``"in"``) to or from a node of ``kinds`` (None: any kind)."""
        ids = self.out_ids if direction == "out" else self.in_ids
        for n in self.of_kind(kind):
            if not ids(n.id, edge_type, kinds):
                yield n.id

    def lacks_owner(self, node_id: str) -> bool:
        """True when the node names no lead unit (``-led_by->``) and no responsible person
        (``-assigned_to->`` a Person, or a Post standing for its holder)."""
        return not self.out_ids(node_id, "led_by") and not self.out_ids(node_id, "assigned_to", RESPONSIBLE_KINDS)

    def edges(self, edge_type: str) -> Iterator[tuple[str, str]]:
        """Every ``(source, target)`` of one edge type."""
        if self._out is None:
            self._index()
        assert self._out is not None
        for edges in self._out.get(edge_type, {}).values():
            for e in edges:
                yield e.source, e.target

    def neighbors(self, node_id: str, types: Collection[str] | None = None,
                  direction: str = "out") -> list[tuple[Edge, Node]]:
        """``GraphStore.neighbors`` answered from the snapshot (same result and order)."""
        return self.graph.neighbors(node_id, types, direction)  # type: ignore[arg-type]

    def get_node(self, node_id: str) -> Node | None:
        """``GraphStore.get_node`` answered from the snapshot."""
        return self.graph.get_node(node_id)

    def owner(self, node: Node) -> OwnerAnswer:
        """The owner of ``node`` as ``ownership.owner_of`` gives it, computed from the snapshot once
        per node; the ancestors many nodes share are resolved once per check run
        (``ownership.OwnerMemo``)."""
        own = self._owners.get(node.id)
        if own is None:
            if self._owner_memo is None:
                self._owner_memo = OwnerMemo(self.graph)
            own = self._owners[node.id] = self._owner_memo.owner(node)
        return own

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
