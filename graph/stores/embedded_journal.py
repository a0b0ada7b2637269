"""The journal of the embedded store: two SQLite tables in the store's own database (the file, or
the in-memory database of a ``:memory:`` store), written in the store's transaction, so that a
rolled-back write leaves no revision. See graph/history/model.py for what the rows mean."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable
from typing import Any

from graph.errors import StoreError
from graph.history.model import ADDED, EDGE, NODE, Change, Journal, Revision, dump, load


SCHEMA = """
CREATE TABLE IF NOT EXISTS revisions (
    rev INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, source TEXT NOT NULL,
    files TEXT NOT NULL, counts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (
    rev INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, op TEXT NOT NULL,
    node TEXT NOT NULL, other TEXT NOT NULL, type TEXT NOT NULL, before TEXT, after TEXT,
    PRIMARY KEY (rev, seq));
CREATE INDEX IF NOT EXISTS changes_node ON changes (node);
CREATE INDEX IF NOT EXISTS changes_other ON changes (other);
CREATE INDEX IF NOT EXISTS changes_op ON changes (op);
"""
_COLUMNS = "rev, kind, op, node, other, type, before, after"
#: The journal's secondary indexes (name, column): dropped and made again around the first
#: revision of a store when it is written from the stored rows (one sort instead of millions of
#: inserts into three b-trees).
_INDEXES = (("changes_node", "node"), ("changes_other", "other"), ("changes_op", "op"))
#: The journal text of a stored props text ``{p}``: the stored text itself when it is what
#: :func:`graph.history.model.dump` writes for the same map — orjson's text (not carrying the
#: store's mark of the standard library's text) of a map without lists or maps inside, whose
#: floats orjson writes as the standard library does: the two differ only where one writes an
#: exponent (``1e-05`` there, ``0.00001`` in orjson), so a text with a digit before an ``e`` or with
#: ``0.0000`` (a text value holding either too: only slower) is made again — the map read back and
#: written by ``dump`` (the SQL function ``iqa_journal_text``).
_JOURNAL_TEXT = ("CASE WHEN {p} = '{{}}' THEN {p} WHEN substr({p}, 1, 1) = ' ' OR {p} GLOB '*[0-9][eE]*' "
                 "OR instr({p}, '0.0000') > 0 OR EXISTS (SELECT 1 FROM json_each({p}) WHERE type IN "
                 "('array', 'object')) THEN iqa_journal_text({p}) ELSE {p} END")


def create_schema(db: sqlite3.Connection, load_props: Callable[[str], dict]) -> None:
    """Create the journal's tables if missing (called when the store opens its file for writing),
    and give the connection the SQL function ``iqa_journal_text`` (see :data:`_JOURNAL_TEXT`;
    SQLite refuses to add one while a statement runs, so it is added here, once): the journal's
    text (``model.dump``) of the map a stored props text holds, read by ``load_props`` (the
    store's reader of its props texts, passed in: this module is imported by the store's)."""
    db.executescript(SCHEMA)
    db.create_function("iqa_journal_text", 1, lambda text: dump(load_props(text)), deterministic=True)


def _change(row) -> Change:
    rev, kind, op, node, other, type_, before, after = row
    return Change(rev, kind, op, node, other, type_, load(before), load(after))


def _revision(row) -> Revision:
    rev, at, who, source, files, counts = row
    return Revision(rev, at, who, source, load(files), load(counts))


class EmbeddedJournal(Journal):
    """The journal of ``store`` (an :class:`~graph.stores.embedded.EmbeddedStore`)."""

    def __init__(self, store: Any):  # the EmbeddedStore (not imported: it imports this module)
        self._store = store

    @property
    def _db(self) -> sqlite3.Connection:
        """The store's connection; StoreError once the store is closed."""
        db = self._store._db
        if db is None:
            raise StoreError(f"{self._store.location}: the store is closed")
        return db

    def _has_tables(self) -> bool:
        db = self._db
        return db.execute("SELECT 1 FROM sqlite_master WHERE name='revisions'").fetchone() is not None

    def allocate(self) -> int:
        return self._db.execute("SELECT COALESCE(MAX(rev), 0) + 1 FROM revisions").fetchone()[0]

    def append(self, revision: Revision | None, changes: Iterable[Change]) -> None:
        db = self._db
        first = 0
        if revision is not None:
            db.execute("INSERT INTO revisions (rev, at, who, source, files, counts) VALUES (?, ?, ?, ?, ?, ?)",
                       (revision.rev, revision.at, revision.who, revision.source, dump(revision.files),
                        dump(revision.counts)))
        else:
            changes = list(changes)
            if not changes:
                return
            first = db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM changes WHERE rev=?",
                               (changes[0].rev,)).fetchone()[0]
        # rows made as SQLite takes them: a load's millions of changes are never all in memory
        db.executemany(f"INSERT INTO changes (seq, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       ((first + i, c.rev, c.kind, c.op, c.node, c.other, c.type, dump(c.before), dump(c.after))
                        for i, c in enumerate(changes)))

    def store_is_empty(self) -> bool:
        """Whether the store holds no node and no edge (two index probes, whatever its size);
        inside the store's transaction it sees the transaction's writes."""
        return bool(self._db.execute("SELECT NOT EXISTS (SELECT 1 FROM nodes) AND NOT EXISTS (SELECT 1 FROM edges)")
                    .fetchone()[0])

    def store_counts(self) -> tuple[int, int]:
        """``(nodes, edges)`` the store holds now (inside its transaction: with its writes)."""
        return self._db.execute("SELECT (SELECT count(*) FROM nodes), (SELECT count(*) FROM edges)").fetchone()

    def append_store(self, revision: Revision, extra: Iterable[Change]) -> None:
        """Write ``revision`` as the store holds it now, every node and edge added: the changes
        :class:`~graph.history.recorder.Recorder` makes for a transaction that began on an empty
        store — each node added (in id order, its stored props), then each edge added (in key
        order: source, type, target), then ``extra`` (numbered ``revision.rev`` by the caller) —
        made by SQLite from the stored rows, with no row in Python (see :data:`_JOURNAL_TEXT` for
        the props text). Inside the store's transaction; StoreError when the store is closed.

        On a journal holding no change yet, its secondary indexes are made after the rows (same
        indexes, same rows, a fraction of the time at a million changes)."""
        db = self._db
        db.execute("INSERT INTO revisions (rev, at, who, source, files, counts) VALUES (?, ?, ?, ?, ?, ?)",
                   (revision.rev, revision.at, revision.who, revision.source, dump(revision.files),
                    dump(revision.counts)))
        rebuild = not db.execute("SELECT EXISTS (SELECT 1 FROM changes)").fetchone()[0]
        if rebuild:  # names of this module's list, never user text
            for name, _ in _INDEXES:
                db.execute(f"DROP INDEX IF EXISTS {name}")
        # the order of the recorder's changes: nodes by id, edges by key; seq numbers them from 0
        cur = db.execute(f"INSERT INTO changes (seq, {_COLUMNS}) SELECT row_number() OVER (ORDER BY id) - 1, ?, ?, ?, "
                   f"id, '', '', NULL, {_JOURNAL_TEXT.format(p='props')} FROM nodes ORDER BY id",
                   (revision.rev, NODE, ADDED))
        first = cur.rowcount
        cur = db.execute(f"INSERT INTO changes (seq, {_COLUMNS}) SELECT ? + row_number() OVER (ORDER BY source, type, "
                   f"target) - 1, ?, ?, ?, source, target, type, NULL, {_JOURNAL_TEXT.format(p='props')} FROM edges "
                   "ORDER BY source, type, target", (first, revision.rev, EDGE, ADDED))
        first += cur.rowcount
        db.executemany(f"INSERT INTO changes (seq, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       ((first + i, c.rev, c.kind, c.op, c.node, c.other, c.type, dump(c.before), dump(c.after))
                        for i, c in enumerate(extra)))
        if rebuild:
            for name, column in _INDEXES:
                db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON changes ({column})")

    def _select(self, where: str, params: tuple) -> list[Change]:
        db = self._db
        if not self._has_tables():
            return []
        return [_change(r) for r in db.execute(f"SELECT {_COLUMNS} FROM changes WHERE {where} ORDER BY rev, seq",
                                               params)]

    def revisions(self) -> list[Revision]:
        if not self._has_tables():
            return []
        return [_revision(r) for r in self._db.execute(
            "SELECT rev, at, who, source, files, counts FROM revisions ORDER BY rev")]

    def changes(self, after: int = 0, upto: int | None = None) -> list[Change]:
        top = upto if upto is not None else 2**62
        return self._select("rev > ? AND rev <= ?", (after, top))

    def changes_touching(self, ids: Collection[str]) -> list[Change]:
        ids = list(ids)
        out: list[Change] = []
        for i in range(0, len(ids), 400):
            chunk = ids[i:i + 400]
            marks = ",".join("?" * len(chunk))
            out += self._select(f"node IN ({marks}) OR other IN ({marks})", (*chunk, *chunk))
        out.sort(key=lambda c: c.rev)
        return _unique(out)

    def changes_by_op(self, ops: Collection[str]) -> list[Change]:
        ops = list(ops)
        return self._select(f"op IN ({','.join('?' * len(ops))})", tuple(ops))


def _unique(changes: list[Change]) -> list[Change]:
    seen: set[tuple] = set()
    out = []
    for c in changes:
        key = (c.rev, c.kind, c.op, c.node, c.other, c.type)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
