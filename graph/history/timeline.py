"""The log, a node's history, the diff between two revisions and the graph as it was at one, all
read from the store's journal (graph/history/model.py). A point in time is a revision number,
a date (``2025-06-30``: the last revision made on or before that day, UTC) or a baseline's name.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from graph.errors import NotFoundError, ValidationError
from graph.history.model import ADDED, BASELINE, CHANGED, EDGE, NODE, REMOVED, REVIEW, Change, Journal, journal_of
from graph.model import Edge, Node, split_id
from graph.store import GraphStore

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def journal(store: GraphStore) -> Journal:
    """The store's journal; ValidationError when the store keeps none."""
    found = journal_of(store)
    if found is None:
        raise ValidationError(f"{getattr(store, 'location', 'the store')}: this store keeps no revisions")
    return found


def latest(store: GraphStore) -> int:
    """The newest revision number (0 when nothing was ever written)."""
    revs = journal(store).revisions()
    return revs[-1].rev if revs else 0


def baselines(store: GraphStore) -> dict[str, int]:
    """``{baseline name: revision}`` (a name given again points to its latest revision)."""
    return {c.node: c.rev for c in journal(store).changes_by_op([BASELINE])}


def resolve_point(store: GraphStore, point: str | int | None) -> int:
    """The revision number a point in time names: an integer (``"3"``, 0 = before the first write),
    a date ``YYYY-MM-DD`` (the last revision on or before that day, UTC; 0 when none) or a baseline
    name; None = the latest. Raises NotFoundError for a revision that does not exist or an unknown
    baseline, ValidationError for a malformed date."""
    top = latest(store)
    if point is None:
        return top
    text = str(point).strip()
    if text.isdigit():
        rev = int(text)
        if rev > top:
            raise NotFoundError(f"no revision {rev}: the latest is {top}")
        return rev
    if _DATE.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError(f"{text!r} is not a date: {exc}") from None
        made = [r.rev for r in journal(store).revisions() if r.at[:10] <= day.isoformat()]
        return made[-1] if made else 0
    named = baselines(store)
    if text in named:
        return named[text]
    known = ", ".join(sorted(named)) or "none yet"
    raise NotFoundError(f"{text!r} is neither a revision number, a date (YYYY-MM-DD) nor a baseline "
                        f"(baselines: {known})")


def log(store: GraphStore) -> dict[str, Any]:
    """``{"revisions": [Revision.to_dict(), …]}``, newest first."""
    return {"revisions": [r.to_dict() for r in reversed(journal(store).revisions())]}


def _edge_label(c: Change) -> dict[str, str]:
    return c.edge_dict()


def history(store: GraphStore, node_id: str) -> dict[str, Any]:
    """Every version of node ``node_id``: ``{"id", "versions": [{"rev", "at", "who", "source",
    "op" (added | changed | removed | null when only its edges changed), "fields": {property:
    [before, after]}, "edges_added": [{"source", "type", "target"}], "edges_removed": […],
    "reviews": [{"parent", "by"}]}]}``, oldest first. NotFoundError when the journal never saw it."""
    j = journal(store)
    touching = [c for c in j.changes_touching([node_id]) if c.kind in (NODE, EDGE, REVIEW)]
    if not touching:
        raise NotFoundError(f"no history of {node_id}: no revision ever wrote it")
    meta = {r.rev: r for r in j.revisions()}
    versions: dict[int, dict[str, Any]] = {}
    for c in touching:
        r = meta[c.rev]
        v = versions.setdefault(c.rev, {"rev": c.rev, "at": r.at, "who": r.who, "source": r.source, "op": None,
                                        "fields": {}, "edges_added": [], "edges_removed": [], "reviews": []})
        if c.kind == NODE and c.node == node_id:
            v["op"], v["fields"] = c.op, c.fields()
        elif c.kind == EDGE and c.op in (ADDED, REMOVED):
            v[f"edges_{c.op}"].append(_edge_label(c))
        elif c.kind == REVIEW and c.node == node_id:
            v["reviews"].append({"parent": c.other, "by": (c.after or {}).get("by")})
    return {"id": node_id, "versions": [versions[k] for k in sorted(versions)]}


def net_changes(changes: list[Change]) -> tuple[dict[str, list], dict[tuple[str, str, str], list]]:
    """Per node id and per edge key the state ``[before, after]`` (property maps, None for
    absent) across ``changes`` (in revision order): the first before and the last after."""
    nodes: dict[str, list] = {}
    edges: dict[tuple[str, str, str], list] = {}
    for c in changes:
        if c.kind == NODE:
            nodes.setdefault(c.node, [c.before, c.after])[1] = c.after
        elif c.kind == EDGE:
            edges.setdefault((c.node, c.type, c.other), [c.before, c.after])[1] = c.after
    return nodes, edges


def diff(store: GraphStore, start: str | int | None = None, end: str | int | None = None) -> dict[str, Any]:
    """What changed from point ``start`` to point ``end`` (see :func:`resolve_point`; default: the
    revision before the latest, and the latest): ``{"from", "to", "nodes": {"added": [id],
    "removed": [id], "changed": [{"id", "fields": {property: [before, after]}}]}, "edges":
    {"added": [{"source", "type", "target"}], "removed": […]}}``. ``start`` after ``end`` gives the
    changes backwards."""
    top = latest(store)
    to_rev = resolve_point(store, end) if end is not None else top
    from_rev = resolve_point(store, start) if start is not None else max(top - 1, 0)
    low, high = sorted((from_rev, to_rev))
    nodes, edges = net_changes(journal(store).changes(low, high))
    backwards = from_rev > to_rev
    out: dict[str, Any] = {"from": from_rev, "to": to_rev,
                           "nodes": {"added": [], "removed": [], "changed": []},
                           "edges": {"added": [], "removed": []}}
    for nid in sorted(nodes):
        before, after = nodes[nid][::-1] if backwards else nodes[nid]
        if before is None and after is not None:
            out["nodes"]["added"].append(nid)
        elif after is None and before is not None:
            out["nodes"]["removed"].append(nid)
        elif before is not None and after is not None and before != after:
            fields = Change(0, NODE, CHANGED, nid, before=before, after=after).fields()
            out["nodes"]["changed"].append({"id": nid, "fields": fields})
    for key in sorted(edges):
        before, after = edges[key][::-1] if backwards else edges[key]
        label = {"source": key[0], "type": key[1], "target": key[2]}
        if before is None and after is not None:
            out["edges"]["added"].append(label)
        elif after is None and before is not None:
            out["edges"]["removed"].append(label)
    return out


def graph_at(store: GraphStore, point: str | int | None) -> GraphStore:
    """A new in-memory store holding the graph as it was at ``point`` (see :func:`resolve_point`):
    the graph now with every later revision undone. It keeps no revisions of its own."""
    from graph.stores.embedded import EmbeddedStore  # graph.history is imported by the stores

    rev = resolve_point(store, point)
    nodes = {n.id: n.props for n in store.iter_nodes()}
    edges = {e.key: e.props for e in store.iter_edges()}
    for c in reversed(journal(store).changes(rev)):
        if c.kind == NODE:
            if c.before is None:
                nodes.pop(c.node, None)
            else:
                nodes[c.node] = c.before
        elif c.kind == EDGE:
            key = (c.node, c.type, c.other)
            if c.before is None:
                edges.pop(key, None)
            else:
                edges[key] = c.before
    then = EmbeddedStore(None)
    then.journal = None  # the past has no history of its own here
    with then.transaction():
        then.upsert_nodes(Node(*split_id(nid), dict(props)) for nid, props in sorted(nodes.items()))
        then.upsert_edges(Edge(s, t, tgt, dict(p)) for (s, t, tgt), p in sorted(edges.items())
                          if s in nodes and tgt in nodes)
    return then


def set_baseline(store: GraphStore, name: str, *, who: str) -> dict[str, Any]:
    """Name the latest revision ``name`` (recorded in the journal, no new revision): returns
    ``{"name", "rev"}``. ValidationError for a blank name, a name that is a number or a date
    (it would not be told apart from them), or when nothing was written yet."""
    from graph.services.edit import concurrent

    name = name.strip()
    if not name or name.isdigit() or _DATE.match(name):
        raise ValidationError(f"baseline name {name!r}: give a name that is neither blank, a number nor a date")
    cs = concurrent(store)
    rev = latest(cs)
    if rev == 0:
        raise ValidationError("nothing has been written yet: there is no revision to name")
    with cs.transaction():
        journal(cs).append(None, [Change(rev, BASELINE, BASELINE, name, after={"by": who})])
    return {"name": name, "rev": rev}
