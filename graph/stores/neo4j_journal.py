"""The journal of the Neo4j store: one ``IqaRevision`` node per revision and one ``IqaChange``
node per change (properties ``rev``, ``seq``, ``kind``, ``op``, ``node``, ``other``, ``type``
and, as JSON text, ``before`` / ``after``), written in the store's transaction. A single
``IqaJournal`` node holds the last revision number: allocating one updates it, so two processes
writing at once get their numbers one after the other (Neo4j locks the node until commit).

These labels are not ``IqaNode``: the graph's reads, counts and ``clear()`` never see them.
Every statement is listed by ``neo4j_queries.all_statements()`` (the Cypher lint checks them).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from graph.history.model import Change, Journal, Revision, dump, load


_RETURN_CHANGE = ("RETURN c.rev AS rev, c.kind AS kind, c.op AS op, c.node AS node, c.other AS other, "
                  "c.type AS type, c.before AS before, c.after AS after ORDER BY c.rev, c.seq")

JOURNAL_ALLOCATE = ("MERGE (j:IqaJournal {key: 'journal'}) ON CREATE SET j.rev = 0 "
                    "SET j.rev = j.rev + 1 RETURN j.rev AS rev")
JOURNAL_APPEND_REVISION = ("CREATE (:IqaRevision {rev: $rev, at: $at, who: $who, source: $source, "
                           "files: $files, counts: $counts})")
JOURNAL_APPEND_CHANGES = ("UNWIND $rows AS row CREATE (:IqaChange {rev: row.rev, seq: row.seq, kind: row.kind, "
                          "op: row.op, node: row.node, other: row.other, type: row.type, before: row.before, "
                          "after: row.after})")
JOURNAL_REVISIONS = ("MATCH (r:IqaRevision) RETURN r.rev AS rev, r.at AS at, r.who AS who, r.source AS source, "
                     "r.files AS files, r.counts AS counts ORDER BY r.rev")
JOURNAL_CHANGES_RANGE = "MATCH (c:IqaChange) WHERE c.rev > $after AND c.rev <= $upto " + _RETURN_CHANGE
JOURNAL_CHANGES_TOUCHING = "MATCH (c:IqaChange) WHERE c.node IN $ids OR c.other IN $ids " + _RETURN_CHANGE
JOURNAL_CHANGES_BY_OP = "MATCH (c:IqaChange) WHERE c.op IN $ops " + _RETURN_CHANGE

#: ``(name, statement)`` of the journal's schema, created with the store's.
SCHEMA = [
    # the counter node is MERGEd by concurrent writers: the constraint makes that safe (one node)
    ("iqa_IqaJournal_key", "CREATE CONSTRAINT iqa_IqaJournal_key IF NOT EXISTS "
                           "FOR (n:IqaJournal) REQUIRE n.key IS UNIQUE"),
    ("iqa_IqaRevision_rev", "CREATE CONSTRAINT iqa_IqaRevision_rev IF NOT EXISTS "
                            "FOR (n:IqaRevision) REQUIRE n.rev IS UNIQUE"),
    ("iqa_IqaChange_node", "CREATE INDEX iqa_IqaChange_node IF NOT EXISTS FOR (n:IqaChange) ON (n.node)"),
    ("iqa_IqaChange_other", "CREATE INDEX iqa_IqaChange_other IF NOT EXISTS FOR (n:IqaChange) ON (n.other)"),
    ("iqa_IqaChange_op", "CREATE INDEX iqa_IqaChange_op IF NOT EXISTS FOR (n:IqaChange) ON (n.op)"),
    ("iqa_IqaChange_rev", "CREATE INDEX iqa_IqaChange_rev IF NOT EXISTS FOR (n:IqaChange) ON (n.rev)"),
]
#: The journal's statements by name (``neo4j_queries.all_statements`` lists them).
STATEMENTS = {name: value for name, value in globals().items() if name.startswith("JOURNAL_")}
#: The journal's labels and property keys (declared to the Cypher lint).
LABELS = ("IqaJournal", "IqaRevision", "IqaChange")
PROPERTY_KEYS = ("key", "rev", "at", "who", "source", "files", "counts", "seq", "kind", "op", "node", "other",
                 "type", "before", "after")
#: Rows per UNWIND of changes.
_BATCH = 5000


def _change(r: dict[str, Any]) -> Change:
    return Change(r["rev"], r["kind"], r["op"], r["node"], r["other"] or "", r["type"] or "",
                  load(r["before"]), load(r["after"]))


class Neo4jJournal(Journal):
    """The journal of ``store`` (a :class:`~graph.stores.neo4j.Neo4jStore`)."""

    def __init__(self, store: Any):  # the Neo4jStore (not imported: it imports this module)
        self._store = store

    def allocate(self) -> int:
        rows = self._store._write(lambda tx: self._store._rows(tx.run(JOURNAL_ALLOCATE, {})), "numbering a revision")
        return int(rows[0]["rev"])

    def append(self, revision: Revision | None, changes: list[Change]) -> None:
        head = None if revision is None else {
            "rev": revision.rev, "at": revision.at, "who": revision.who, "source": revision.source,
            "files": dump(revision.files), "counts": dump(revision.counts)}
        # rows added to an existing revision (a baseline name) sort after its own
        base = 0 if revision is not None else 1_000_000_000
        rows = [{"rev": c.rev, "seq": base + i, "kind": c.kind, "op": c.op, "node": c.node, "other": c.other,
                 "type": c.type, "before": dump(c.before), "after": dump(c.after)} for i, c in enumerate(changes)]

        def work(tx) -> None:
            if head is not None:
                tx.run(JOURNAL_APPEND_REVISION, head).consume()
            for i in range(0, len(rows), _BATCH):
                tx.run(JOURNAL_APPEND_CHANGES, {"rows": rows[i:i + _BATCH]}).consume()

        self._store._write(work, "recording a revision")

    def revisions(self) -> list[Revision]:
        return [Revision(r["rev"], r["at"], r["who"], r["source"], load(r["files"]) or [], load(r["counts"]) or {})
                for r in self._store._read(JOURNAL_REVISIONS)]

    def changes(self, after: int = 0, upto: int | None = None) -> list[Change]:
        top = upto if upto is not None else 2**62
        return [_change(r) for r in self._store._read(JOURNAL_CHANGES_RANGE, {"after": after, "upto": top})]

    def changes_touching(self, ids: Collection[str]) -> list[Change]:
        return [_change(r) for r in self._store._read(JOURNAL_CHANGES_TOUCHING, {"ids": list(ids)})]

    def changes_by_op(self, ops: Collection[str]) -> list[Change]:
        return [_change(r) for r in self._store._read(JOURNAL_CHANGES_BY_OP, {"ops": list(ops)})]
