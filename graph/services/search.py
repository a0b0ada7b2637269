"""Queries the API and the UI answer besides trace / owner / impact: node search, what an owner
owns, a node's neighbourhood, and check reports filtered by severity.

Search matching (``graph.textsearch``): the query is compared, after Unicode NFKC normalisation
and case folding, with each node's code and ``name`` as a substring (Chinese included: ``招生``
finds ``完成年度招生计划``), and with its id when the query holds a colon (``Task:RW``). Results
are ranked: exact code, id or name first, then codes starting with the query, then names starting
with it, then the rest; within a rank by id. The store answers (``GraphStore.search_text``: the
embedded store from its search index, without reading every node).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from graph.errors import ValidationError
from graph.model import Node
from graph.checks import CheckReport, RuleConfig, resolve_unit, run_checks
from graph.services.ownership import owner_of
from graph.services.paging import page_of
from graph.store import Direction, GraphStore
from graph.textsearch import norm as _norm
from graph.textsearch import ranked_page
from ontology import get_ontology

#: Largest page :func:`search_nodes` returns.
MAX_LIMIT = 1000
#: Kinds that own things: what ``owned_items`` accepts.
OWNER_KINDS = ("OrgUnit", "Person", "Post")


@dataclass
class SearchPage:
    """One page of a search: ``total`` matches, the ``items`` from ``offset`` (at most ``limit``)."""

    total: int
    limit: int
    offset: int
    items: list[Node]

    def to_dict(self) -> dict[str, Any]:
        """``{"total", "limit", "offset", "items": [Node.to_dict() …]}``."""
        return {"total": self.total, "limit": self.limit, "offset": self.offset,
                "items": [n.to_dict() for n in self.items]}


class NodeIndex:
    """Every node with its normalised id, code and name, by kind, and one text per kind in which
    a substring is found at C speed: an in-process copy :func:`search_nodes` scans when given one
    (the store's own ``search_text`` needs none). Build it once per state of the store and reuse it."""

    def __init__(self, store: GraphStore):
        self.by_kind: dict[str, list[tuple[str, str, str, Node]]] = {}
        for node in store.iter_nodes():
            entry = (_norm(node.id), _norm(node.code), _norm(node.name), node)
            self.by_kind.setdefault(node.kind, []).append(entry)
        self._all = sorted((e for entries in self.by_kind.values() for e in entries), key=lambda e: e[3].id)
        self._texts: dict[str | None, tuple[str, list[int]]] = {}

    def entries(self, kind: str | None = None) -> list[tuple[str, str, str, Node]]:
        """``(id, code, name, node)`` entries (normalised text) of one kind or of all, in id order."""
        return self.by_kind.get(kind, []) if kind is not None else self._all

    def _text(self, kind: str | None) -> tuple[str, list[int]]:
        """``code \x1f name`` of every entry joined by ``\n``, with each entry's start offset."""
        cached = self._texts.get(kind)
        if cached is None:
            starts, parts, at = [], [], 0
            for _, code, name, _ in self.entries(kind):
                starts.append(at)
                part = f"{code}\x1f{name}\n"
                parts.append(part)
                at += len(part)
            cached = self._texts[kind] = ("".join(parts), starts)
        return cached

    def matching(self, q: str, kind: str | None = None) -> list[tuple[str, str, str, Node]]:
        """Entries whose code or name contains ``q`` (normalised; also the id when ``q`` holds a
        colon), in id order; every entry when ``q`` is empty."""
        entries = self.entries(kind)
        if not q:
            return entries
        if ":" in q or "\n" in q or "\x1f" in q:
            return [e for e in entries if q in e[0] or q in e[1] or q in e[2]]
        text, starts = self._text(kind)
        hits = []
        pos = text.find(q)
        while pos != -1:
            i = bisect.bisect_right(starts, pos) - 1
            hits.append(entries[i])
            if i + 1 >= len(starts):
                break
            pos = text.find(q, starts[i + 1])
        return hits


def search_nodes(store: GraphStore, q: str | None = None, *, kind: str | None = None, layer: str | None = None,
                 unit: str | None = None, limit: int = 50, offset: int = 0,
                 index: NodeIndex | None = None) -> SearchPage:
    """Nodes whose code or name (or id, for a query with a colon) contains ``q`` (all nodes when
    ``q`` is empty), optionally only of ``kind``, of ``layer`` (a Layers notation or its zh/en
    label: ``school`` / ``学校``), and owned by ``unit`` (an org unit's id, code or exact name;
    owned as ``owner_of`` says: explicitly or inherited). ``index``: a :class:`NodeIndex` of
    ``store`` to scan instead of asking the store (``GraphStore.search_text``). Returns a
    :class:`SearchPage`; ``total`` is exact.

    Raises ValidationError for an unknown kind or layer, or a ``limit`` outside 1–1000 or a
    negative ``offset``; NotFoundError / AmbiguousIdError for a ``unit`` that names no / several
    org units."""
    onto = get_ontology()
    if kind is not None and kind not in onto.kinds:
        raise ValidationError(f"unknown kind {kind!r} (known: {', '.join(sorted(onto.kinds))})")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise ValidationError(f"offset must not be negative, not {offset}")
    layer_notation = None
    if layer is not None:
        concept = onto.concept("Layers", layer)
        if concept is None:
            allowed = ", ".join(f"{c.notation} ({c.labels.zh})" for c in onto.schemes["Layers"])
            raise ValidationError(f"unknown layer {layer!r} (known: {allowed})")
        layer_notation = concept.notation
    owner_unit = resolve_unit(store, unit) if unit is not None else None
    needle = _norm(q.strip()) if q and q.strip() else ""
    if index is not None:
        entries = [e for e in index.matching(needle, kind)
                   if layer_notation is None or e[3].props.get("layer") == layer_notation]
        if owner_unit is not None:
            entries = [e for e in entries if _owned_by(store, e[3], owner_unit)]
        total, items = ranked_page(needle, entries, limit, offset)
    elif owner_unit is None:
        total, items = store.search_text(needle, kind, layer_notation, limit, offset)
    else:  # ownership is walked per node: every match first, then the page
        _, matched = store.search_text(needle, kind, layer_notation, None)
        owned = [n for n in matched if _owned_by(store, n, owner_unit)]
        total, items = len(owned), owned[offset:offset + limit]
    return SearchPage(total, limit, offset, items)


def _owned_by(store: GraphStore, node: Node, unit: Node) -> bool:
    owner = owner_of(store, node).unit
    return owner is not None and owner.id == unit.id


def owned_items(store: GraphStore, owner: Node, limit: int | None = None, offset: int = 0) -> dict[str, Any]:
    """What an org unit, person or post owns or leads, explicitly: nodes ``led_by`` or
    ``assigned_to`` it, and for a person also nodes ``assigned_to`` a post the person holds.
    Inherited ownership (everything below those nodes) is not listed: ``GET /impact`` shows it.

    ``{"owner": {"id", "kind", "name"}, "total": n, "by_kind": {kind: [{"id", "name", "via",
    "through"}]}}`` — kinds in name order, items by id; ``via`` is ``led_by`` or ``assigned_to``,
    ``through`` the post it came through (null when direct). Raises ValidationError when ``owner``
    is not an OrgUnit, Person or Post.

    ``limit`` / ``offset`` (graph.services.paging) page the items in that order (kind, then id);
    ``total`` counts them all, and the answer then also carries ``limit`` and ``offset``."""
    if owner.kind not in OWNER_KINDS:
        raise ValidationError(f"{owner.id} is a {owner.kind}; only an OrgUnit, Person or Post owns items")
    items: dict[str, dict[str, Any]] = {}

    def add(pairs: Iterable, through: str | None) -> None:
        for edge, node in pairs:
            if node.id not in items:
                items[node.id] = {"kind": node.kind, "id": node.id, "name": node.name, "via": edge.type,
                                  "through": through}

    add(store.neighbors(owner.id, ("led_by", "assigned_to"), "in"), None)
    if owner.kind == "Person":
        for _, post in store.neighbors(owner.id, ("holds",), "out"):
            add(store.neighbors(post.id, ("assigned_to",), "in"), post.id)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    ordered = sorted(items.values(), key=lambda i: (i["kind"], i["id"]))
    for item in ordered if limit is None and not offset else page_of(ordered, limit, offset):
        by_kind.setdefault(item.pop("kind"), []).append(item)
    answer = {"owner": {"id": owner.id, "kind": owner.kind, "name": owner.name}, "total": len(items),
              "by_kind": by_kind}
    if limit is not None or offset:
        answer.update(limit=limit, offset=offset)
    return answer


def neighborhood(store: GraphStore, node: Node, types: Collection[str] | None = None,
                 direction: Direction = "out") -> dict[str, Any]:
    """``{"node": id, "direction", "neighbors": [{"edge": Edge.to_dict(), "node": Node.to_dict()}]}``:
    the edges at ``node`` (outgoing, incoming or both; of ``types`` only when given), ordered by edge
    type then other node id. Raises ValidationError for an unknown edge type or direction."""
    onto = get_ontology()
    unknown = sorted(set(types or ()) - set(onto.edge_types))
    if unknown:
        raise ValidationError(f"unknown edge type {unknown[0]!r} (known: {', '.join(sorted(onto.edge_types))})")
    if direction not in ("out", "in", "both"):
        raise ValidationError(f"direction must be out, in or both, not {direction!r}")
    pairs = store.neighbors(node.id, list(types) if types else None, direction)
    return {"node": node.id, "direction": direction,
            "neighbors": [{"edge": e.to_dict(), "node": n.to_dict()} for e, n in pairs]}


def check_report(store: GraphStore, *, rules: Iterable[str] | None = None, owner: str | None = None,
                 severity: Literal["error", "warning"] | None = None, as_of: dt.date | None = None,
                 config: RuleConfig | None = None) -> CheckReport:
    """``checks.run_checks`` (same arguments and errors), keeping only findings of ``severity`` when
    given; the summary counts what is kept."""
    if severity is not None and severity not in ("error", "warning"):
        raise ValidationError(f"severity must be error or warning, not {severity!r}")
    report = run_checks(store, rules=rules, owner=owner, as_of=as_of, config=config)
    if severity is None:
        return report
    return dataclasses.replace(report, findings=[f for f in report.findings if f.severity == severity])


__all__ = ["MAX_LIMIT", "OWNER_KINDS", "NodeIndex", "SearchPage", "check_report", "neighborhood", "owned_items", "search_nodes"]
