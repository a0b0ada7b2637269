"""The journal of the embedded store: two SQLite tables in the store's own database (the file, or
the in-memory database of a ``:memory:`` store), written in the store's transaction, so that a
rolled-back write leaves no revision. See graph/history/model.py for what the rows mean."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from typing import Any

from graph.errors import StoreError
from graph.history.model import Change, Journal, Revision, dump, load


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


def create_schema(db: sqlite3.Connection) -> None:
    """Create the journal's tables if missing (called when the store opens its file for writing)."""
    db.executescript(SCHEMA)


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
