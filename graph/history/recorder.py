"""Turns the writes of one store transaction into one revision of the store's journal.

``ConcurrentStore`` (graph/services/edit.py) tells a :class:`Recorder` about every write before
it reaches the store and opens :meth:`Recorder.scope` inside each store transaction. The
recorder keeps, per node and per edge touched, the state before the transaction's first write
and the state after its last; when the outermost transaction is about to commit it writes the
net differences as one revision, in the same transaction. A transaction that ends where it began
(an unchanged workbook loaded again, a clear followed by the same data) writes no revision.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from graph.history.model import ADDED, CHANGED, EDGE, NODE, REMOVED, REVIEW, Change, Journal, Revision
from graph.model import Edge, Node
from graph.store import GraphStore

#: How many edges of unknown state are looked up one by one before one traversal fetches them all.
_ONE_BY_ONE = 16


def utc_now() -> str:
    """Now, UTC, ISO 8601 with ``Z`` and milliseconds."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def os_user() -> str:
    """The operating-system user running the command line (``who`` of its revisions)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def file_digests(paths: Sequence[str | os.PathLike[str]],
                 names: Sequence[str] | None = None) -> list[dict[str, str]]:
    """``[{"name", "sha256"}]`` of the files at ``paths`` (``names`` as the user knows them,
    default the paths as given); a path that is not a readable file is left out."""
    out = []
    for i, path in enumerate(paths):
        try:
            digest = hashlib.sha256()
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            continue
        out.append({"name": str(names[i] if names else path), "sha256": digest.hexdigest()})
    return out


class Recorder:
    """The pending revision of one store (see the module docstring). ``describe`` sets who wrote
    and from what; ``review`` adds a review to the pending revision."""

    def __init__(self, store: GraphStore, journal: Journal):
        self.store = store
        self.journal = journal
        self._depth = 0
        self._reset()

    def _reset(self) -> None:
        self._nodes: dict[str, list[Node | None]] = {}
        self._edges: dict[tuple[str, str, str], list[Edge | None]] = {}
        self._extra: list[Change] = []
        self._meta: dict[str, Any] = {}
        self.last: Revision | None = None
        #: The transaction began on an empty store (and the journal can write a revision from the
        #: stored rows): its revision is then everything the store holds at the end, added, so no
        #: node or edge is followed one by one (see :meth:`_begin`).
        self._whole = False

    # -- what the caller says ----------------------------------------------------------------
    def describe(self, *, who: str | None = None, source: str | None = None,
                 files: list[dict[str, str]] | None = None) -> None:
        """Say who writes and from what; the first caller to say a thing wins (the outer layer
        knows best). Only inside :meth:`scope`."""
        for key, value in (("who", who), ("source", source), ("files", files)):
            if value is not None and key not in self._meta:
                self._meta[key] = value

    def review(self, child: str, parent: str, type: str, who: str) -> None:
        """Record that ``who`` reviewed the link ``parent -type-> child``."""
        self._extra.append(Change(0, REVIEW, REVIEW, child, parent, type, None, {"by": who}))

    # -- what the store is about to do -------------------------------------------------------
    def nodes_written(self, nodes: Sequence[Node]) -> None:
        """``nodes`` are about to be upserted; call :meth:`nodes_done` after the write succeeded."""
        if self._whole:
            return
        unseen = [n.id for n in nodes if n.id not in self._nodes]
        if unseen:
            found = self.store.get_nodes(unseen)
            for nid in unseen:
                before = found.get(nid)
                self._nodes[nid] = [before, before]

    def nodes_done(self, nodes: Sequence[Node]) -> None:
        if self._whole:
            return
        for n in nodes:
            self._nodes[n.id][1] = n

    def edges_written(self, edges: Sequence[Edge]) -> None:
        """``edges`` are about to be upserted; call :meth:`edges_done` after the write succeeded."""
        if self._whole:
            return
        unseen = [e for e in edges if e.key not in self._edges]
        nodes = self._nodes

        def created(node_id: str) -> bool:
            entry = nodes.get(node_id)
            return entry is not None and entry[0] is None

        # an edge from or to a node this transaction created cannot have existed before it (a
        # grown college's every new target hangs under an existing parent: no lookup for those)
        lookup = [e for e in unseen if not (created(e.source) or created(e.target))]
        found: dict[tuple[str, str, str], Edge] = {}
        if len(lookup) > _ONE_BY_ONE:
            steps = {(e.type, "out") for e in lookup}
            sub = self.store.traverse({e.source for e in lookup}, steps, 1)
            found = {e.key: e for e in sub.edges()}
        else:
            for e in lookup:
                if (old := self.store.get_edge(*e.key)) is not None:
                    found[e.key] = old
        for e in unseen:
            before = found.get(e.key)
            self._edges[e.key] = [before, before]

    def edges_done(self, edges: Sequence[Edge]) -> None:
        if self._whole:
            return
        for e in edges:
            self._edges[e.key][1] = e

    def edge_deleting(self, key: tuple[str, str, str]) -> None:
        """The edge ``key`` is about to be deleted."""
        if self._whole:
            return
        if key not in self._edges:
            before = self.store.get_edge(*key)
            self._edges[key] = [before, before]
        self._edges[key][1] = None

    def node_deleting(self, node_id: str) -> None:
        """The node and its edges are about to be deleted."""
        if self._whole:
            return
        for e, _ in self.store.neighbors(node_id, None, "both"):
            self.edge_deleting(e.key)
        if node_id not in self._nodes:
            before = self.store.get_node(node_id)
            self._nodes[node_id] = [before, before]
        self._nodes[node_id][1] = None

    def clearing(self) -> None:
        """Every node and edge is about to be deleted."""
        if self._whole:
            return
        for e in self.store.iter_edges():
            self._edges.setdefault(e.key, [e, e])[1] = None
        for n in self.store.iter_nodes():
            self._nodes.setdefault(n.id, [n, n])[1] = None

    # -- the transaction ---------------------------------------------------------------------
    @contextmanager
    def scope(self) -> Iterator[None]:
        """One store transaction (nested ones join it). At the end of the outermost one the
        pending revision is written; on an exception it is dropped."""
        self._depth += 1
        try:
            if self._depth == 1:
                self._begin()
            yield
        except BaseException:
            self._depth -= 1
            if not self._depth:
                self._reset()
            raise
        self._depth -= 1
        if not self._depth:
            try:
                self.last = self._finish()
            finally:
                last = self.last
                self._reset()
                self.last = last

    def _begin(self) -> None:
        """At the start of the outermost transaction (the store's own has begun, so no other
        writer can come between): whether it starts on an empty store whose journal writes a
        revision from the stored rows (``store_is_empty`` / ``store_counts`` / ``append_store``,
        e.g. :class:`~graph.stores.embedded_journal.EmbeddedJournal`). Then nothing existed before
        and every net change is an addition of what the store holds at the commit: a first load
        of a million nodes keeps no state per node and edge."""
        empty = getattr(self.journal, "store_is_empty", None)
        self._whole = bool(empty is not None and hasattr(self.journal, "append_store") and empty())

    def pending_changes(self) -> list[Change]:
        """The net changes so far (revision number 0), nodes then edges, each in id order."""
        out: list[Change] = []
        if self._whole:  # all added: what the store holds now
            out += [Change(0, NODE, ADDED, n.id, after=dict(n.props))
                    for n in sorted(self.store.iter_nodes(), key=lambda n: n.id)]
            out += [Change(0, EDGE, ADDED, e.source, e.target, e.type, None, dict(e.props))
                    for e in sorted(self.store.iter_edges(), key=lambda e: e.key)]
            return out
        for nid in sorted(self._nodes):
            before, after = self._nodes[nid]
            if before is None and after is None:
                continue
            if before is None:
                out.append(Change(0, NODE, ADDED, nid, after=dict(after.props)))
            elif after is None:
                out.append(Change(0, NODE, REMOVED, nid, before=dict(before.props)))
            elif before.props != after.props:
                out.append(Change(0, NODE, CHANGED, nid, before=dict(before.props), after=dict(after.props)))
        for key in sorted(self._edges):
            before, after = self._edges[key]
            s, t, tgt = key
            if before is None and after is None:
                continue
            if before is None:
                out.append(Change(0, EDGE, ADDED, s, tgt, t, None, dict(after.props)))
            elif after is None:
                out.append(Change(0, EDGE, REMOVED, s, tgt, t, dict(before.props), None))
            elif before.props != after.props:
                out.append(Change(0, EDGE, CHANGED, s, tgt, t, dict(before.props), dict(after.props)))
        return out

    def _counts(self) -> dict[str, int]:
        """:func:`count` of the pending changes, without making them."""
        out = dict.fromkeys(("nodes_added", "nodes_changed", "nodes_removed", "edges_added", "edges_removed"), 0)
        for before, after in self._nodes.values():
            if before is None:
                out["nodes_added"] += after is not None
            elif after is None:
                out["nodes_removed"] += 1
            else:
                out["nodes_changed"] += before.props != after.props
        for before, after in self._edges.values():
            if before is None:
                out["edges_added"] += after is not None
            elif after is None:
                out["edges_removed"] += 1
        return out

    def _draining(self, rev: int) -> Iterator[Change]:
        """The changes of :meth:`pending_changes` then the extra ones, numbered ``rev``, made one at
        a time while the pending states are dropped (a big load's nodes and edges are freed as
        their rows are written, not held beside them). Their props are the nodes' own dicts, not
        copies: each change is written and dropped at once. Only from :meth:`_finish`."""
        nodes, edges = self._nodes, self._edges
        for nid in sorted(nodes):
            before, after = nodes.pop(nid)
            if before is None:
                if after is not None:
                    yield Change(rev, NODE, ADDED, nid, after=after.props)
            elif after is None:
                yield Change(rev, NODE, REMOVED, nid, before=before.props)
            elif before.props != after.props:
                yield Change(rev, NODE, CHANGED, nid, before=before.props, after=after.props)
        for key in sorted(edges):
            before, after = edges.pop(key)
            s, t, tgt = key
            if before is None:
                if after is not None:
                    yield Change(rev, EDGE, ADDED, s, tgt, t, None, after.props)
            elif after is None:
                yield Change(rev, EDGE, REMOVED, s, tgt, t, before.props, None)
            elif before.props != after.props:
                yield Change(rev, EDGE, CHANGED, s, tgt, t, before.props, after.props)
        for c in self._extra:
            c.rev = rev
            yield c

    def _finish(self) -> Revision | None:
        if self._whole:
            return self._finish_whole()
        counts = self._counts()
        for c in self._extra:
            if c.kind == NODE:
                counts[f"nodes_{c.op}"] += 1
            elif c.kind == EDGE and c.op in (ADDED, REMOVED):
                counts[f"edges_{c.op}"] += 1
        if not any(counts.values()) and not self._extra and not self._any_edge_changed():
            return None
        rev = self.journal.allocate()
        revision = Revision(rev, utc_now(), str(self._meta.get("who") or "unknown"),
                            str(self._meta.get("source") or "write"), list(self._meta.get("files") or []), counts)
        self.journal.append(revision, self._draining(rev))
        return revision

    def _finish_whole(self) -> Revision | None:
        """:meth:`_finish` of a transaction that began on an empty store (see :meth:`_begin`): the
        same revision, its changes written by the journal from the stored rows."""
        nodes, edges = self.journal.store_counts()  # type: ignore[attr-defined]
        counts = dict.fromkeys(("nodes_added", "nodes_changed", "nodes_removed", "edges_added", "edges_removed"), 0)
        counts["nodes_added"], counts["edges_added"] = nodes, edges
        for c in self._extra:
            if c.kind == NODE:
                counts[f"nodes_{c.op}"] += 1
            elif c.kind == EDGE and c.op in (ADDED, REMOVED):
                counts[f"edges_{c.op}"] += 1
        if not any(counts.values()) and not self._extra:
            return None
        rev = self.journal.allocate()
        revision = Revision(rev, utc_now(), str(self._meta.get("who") or "unknown"),
                            str(self._meta.get("source") or "write"), list(self._meta.get("files") or []), counts)
        for c in self._extra:
            c.rev = rev
        self.journal.append_store(revision, self._extra)  # type: ignore[attr-defined]
        return revision

    def _any_edge_changed(self) -> bool:
        """Whether a pending edge kept its key but changed its properties (counted as nothing)."""
        return any(b is not None and a is not None and b.props != a.props for b, a in self._edges.values())


def count(changes: Iterable[Change]) -> dict[str, int]:
    """The counts of a revision: ``nodes_added`` … ``edges_removed`` (edges whose properties
    changed count as neither)."""
    out = {"nodes_added": 0, "nodes_changed": 0, "nodes_removed": 0, "edges_added": 0, "edges_removed": 0}
    for c in changes:
        if c.kind == NODE:
            out[f"nodes_{c.op}"] += 1
        elif c.kind == EDGE and c.op in (ADDED, REMOVED):
            out[f"edges_{c.op}"] += 1
    return out


__all__ = ["Recorder", "count", "file_digests", "os_user", "utc_now"]
