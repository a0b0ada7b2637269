"""The embedded default store: a networkx ``MultiDiGraph`` in memory, persisted to one SQLite file.

SQLite runs in WAL mode and every transaction is one SQLite transaction, so a failed or killed
load leaves the file exactly as it was. The whole graph is read into memory on open; reads never
touch the file, except :meth:`EmbeddedStore.stale` (one pragma) that tells whether another process
committed since, and :meth:`EmbeddedStore.refresh` that then reads the graph again. A write
transaction does that itself once it holds SQLite's write lock, so many processes can share one
file: each sees what the others committed, and no write is based on a stale copy. Edges are keyed by type, so two nodes may be linked by several edge types but by
each type only once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx
import orjson

from graph.errors import (NotFoundError, StoreBusyError, StoreError, StoreFullError, StoreReadOnlyError,
                          ValidationError)
from graph.files import private_file
from graph.model import Edge, Node, validate_edge, validate_node
from graph.store import CAP_PERSISTENT, CAP_TRANSACTIONS, Direction, GraphStore
from graph.stores.embedded_journal import EmbeddedJournal, create_schema
from graph.subgraph import Step, Subgraph, walk
from ontology import get_ontology

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, code TEXT NOT NULL, props TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS nodes_code ON nodes (code);
CREATE TABLE IF NOT EXISTS edges (
    source TEXT NOT NULL, type TEXT NOT NULL, target TEXT NOT NULL, props TEXT NOT NULL,
    PRIMARY KEY (source, type, target));
CREATE INDEX IF NOT EXISTS edges_target ON edges (target);
"""


#: Seconds a write waits for another process's write to finish before StoreBusyError.
BUSY_TIMEOUT = 5.0


def _kind(exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "busy"
    if "readonly" in text or "read-only" in text:
        return "readonly"
    if "full" in text:
        return "full"
    return "other"


def _writable(path: Path) -> bool:
    """Whether the store file (and its folder, where SQLite keeps the -wal and -shm files) can be
    written by this process."""
    folder = path.resolve().parent
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _store_error(path: Path | None, exc: sqlite3.Error) -> StoreError:
    """A SQLite failure as the StoreError a user can act on (one line, naming the store)."""
    where = str(path) if path is not None else ":memory:"
    kind = _kind(exc)
    if kind == "busy":
        return StoreBusyError(f"{where}: the store is locked by another process (database is locked); "
                              "nothing was written, try again")
    if kind == "readonly":
        return StoreReadOnlyError(f"{where}: the store is read-only (the file or its folder cannot be written); "
                                  "it can be read, not changed")
    if kind == "full":
        return StoreFullError(f"{where}: the disk is full (database or disk is full); nothing was written")
    return StoreError(f"{where}: the store failed: {exc}")


def _dump(props: dict) -> str:
    """Properties as stored: compact UTF-8 JSON text, keys sorted. orjson (several times the
    standard library's speed), which refuses integers beyond 64 bits: those the standard library writes."""
    try:
        return orjson.dumps(props, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(props, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class EmbeddedStore(GraphStore):
    """networkx + SQLite. ``path=None`` keeps the graph in memory only (nothing persisted).

    Raises StoreError when the file is not an iqa-graph store or was written by a newer schema. A
    file (or folder) that cannot be written is opened read-only (``read_only``): reads work, writes
    raise StoreReadOnlyError.
    """

    capabilities = frozenset({CAP_TRANSACTIONS, CAP_PERSISTENT})
    backend = "embedded"

    def __init__(self, path: str | Path | None = None):
        self.onto = get_ontology()
        self.path = Path(path) if path is not None else None
        self.location = str(self.path) if self.path else ":memory:"
        self.g = nx.MultiDiGraph()
        self._by_code: dict[str, set[str]] = defaultdict(set)
        self._depth = 0
        self._undo: list[tuple] = []
        self._db: sqlite3.Connection | None = None
        self._version: int | None = None
        #: True when the file or its folder cannot be written: reads work, writes raise StoreReadOnlyError.
        self.read_only = False
        #: The revisions of this store (graph/history), in the same file and transactions.
        self.journal = EmbeddedJournal(self)
        if self.path is not None:
            self._open_db()

    # -- persistence -----------------------------------------------------------------------
    def _open_db(self) -> None:
        assert self.path is not None
        try:
            private_file(self.path)
        except PermissionError:
            if not self.path.exists():
                raise StoreError(f"{self.path}: cannot create the store here (permission denied)") from None
        try:
            db = self._connect()
            self._db = db
            self._load_all()
        except sqlite3.DatabaseError as exc:
            self._db = None
            if isinstance(exc, sqlite3.OperationalError) and _kind(exc) == "busy":
                raise _store_error(self.path, exc) from exc
            raise StoreError(f"{self.path}: cannot open as an iqa-graph store: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        """A connection in WAL mode with the schema in place; a read-only one (``read_only``) when
        the file or its folder cannot be written."""
        assert self.path is not None
        if _writable(self.path):
            return self._connect_rw()
        return self._connect_ro()

    def _connect_rw(self) -> sqlite3.Connection:
        assert self.path is not None
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            create_schema(db)
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            return self._checked(db)
        except sqlite3.OperationalError as exc:
            db.close()
            if _kind(exc) != "readonly":
                raise
        return self._connect_ro()

    def _connect_ro(self) -> sqlite3.Connection:
        """A read-only file or folder: open it for reading only."""
        assert self.path is not None
        uri = f"file:{urllib.parse.quote(str(self.path.resolve()))}?mode=ro"
        db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT)
        self.read_only = True
        return self._checked(db)

    def _checked(self, db: sqlite3.Connection) -> sqlite3.Connection:
        row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            db.close()
            raise StoreError(f"{self.path}: written by a newer iqa-graph (schema {row[0]} > {SCHEMA_VERSION})")
        return db

    def _load_all(self) -> None:
        """Read the whole graph from the file in one read transaction and remember the file's
        version (``PRAGMA data_version``) it was read at."""
        db = self._db
        assert db is not None
        g = nx.MultiDiGraph()
        by_code: dict[str, set[str]] = defaultdict(set)
        own = db.in_transaction
        if not own:
            db.execute("BEGIN")
        try:
            for nid, kind, code, props in db.execute("SELECT id, kind, code, props FROM nodes"):
                g.add_node(nid, node=Node(kind, code, orjson.loads(props)))
                by_code[code].add(nid)
            for s, t, tgt, props in db.execute("SELECT source, type, target, props FROM edges"):
                g.add_edge(s, tgt, key=t, edge=Edge(s, t, tgt, orjson.loads(props)))
            self._version = db.execute("PRAGMA data_version").fetchone()[0]
        finally:
            if not own and db.in_transaction:
                db.execute("COMMIT")
        self.g, self._by_code = g, by_code

    def stale(self) -> bool:
        """True when another connection (another process, or another store object on the same
        file) has committed since this store last read or wrote the file. Cheap: one pragma."""
        if self._db is None or self._depth:
            return False
        try:
            return self._db.execute("PRAGMA data_version").fetchone()[0] != self._version
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc

    def refresh(self) -> bool:
        """Read the graph again when another connection has committed since (see :meth:`stale`);
        True when it was read again. StoreError when the file cannot be read."""
        if not self.stale():
            return False
        try:
            self._load_all()
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc
        return True

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """All writes in the block commit together; on an exception both the SQLite file and the
        in-memory graph are rolled back and the exception propagates. The outermost transaction
        takes SQLite's write lock first and, when another process committed meanwhile, reads the
        graph again before the block runs (so a read–modify–write never works on a stale copy).

        SQLite failures become StoreError: StoreBusyError when another writer holds the lock past
        the wait (:data:`BUSY_TIMEOUT`), StoreReadOnlyError, StoreFullError."""
        self._depth += 1
        if self._depth == 1:
            self._undo = []
            if self._db is not None:
                try:
                    if self.read_only:
                        raise StoreReadOnlyError(f"{self.path}: the store is read-only (the file or its folder "
                                                 "cannot be written); it can be read, not changed")
                    self._db.execute("BEGIN IMMEDIATE")
                    if self._db.execute("PRAGMA data_version").fetchone()[0] != self._version:
                        self._load_all()
                except sqlite3.Error as exc:
                    self._depth -= 1
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise _store_error(self.path, exc) from exc
                except BaseException:
                    self._depth -= 1
                    raise
        try:
            yield
        except sqlite3.Error as exc:
            self._depth -= 1
            if self._depth == 0:
                self._rollback()
            raise _store_error(self.path, exc) from exc
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._rollback()
            raise
        self._depth -= 1
        if self._depth == 0:
            if self._db is not None:
                try:
                    self._db.execute("COMMIT")
                except sqlite3.Error as exc:
                    self._rollback()
                    raise _store_error(self.path, exc) from exc
            self._undo = []

    def _rollback(self) -> None:
        if self._db is not None and self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite has rolled back itself (a full disk, an I/O error)
        for op in reversed(self._undo):
            if op[0] == "call":
                op[1]()
            elif op[0] == "clear":
                _, self.g, self._by_code = op
            elif op[0] == "node":
                _, nid, before = op
                if before is None:
                    self._drop_node(nid)
                else:
                    self._put_node(before)
            elif op[0] == "edge":
                _, (s, t, tgt), before = op
                if before is None:
                    if self.g.has_edge(s, tgt, key=t):
                        self.g.remove_edge(s, tgt, key=t)
                else:
                    self.g.add_edge(s, tgt, key=t, edge=before)
        self._undo = []

    # -- in-memory primitives ----------------------------------------------------------------
    def _put_node(self, node: Node) -> None:
        self.g.add_node(node.id, node=node)
        self._by_code[node.code].add(node.id)

    def _drop_node(self, nid: str) -> None:
        node = self.g.nodes[nid]["node"]
        self.g.remove_node(nid)
        ids = self._by_code.get(node.code)
        if ids:
            ids.discard(nid)
            if not ids:
                del self._by_code[node.code]

    # -- writes ----------------------------------------------------------------------------
    def upsert_nodes(self, nodes: Iterable[Node]) -> int:
        nodes = list(nodes)
        for n in nodes:
            validate_node(n, self.onto)
        with self.transaction():
            for n in nodes:
                nid = n.id
                before = self.g.nodes[nid]["node"] if nid in self.g else None
                self._undo.append(("node", nid, before))
                if before is not None:
                    self.g.nodes[nid]["node"] = n
                else:
                    self._put_node(n)
            if self._db is not None:
                self._db.executemany(
                    "INSERT INTO nodes (id, kind, code, props) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET props=excluded.props",
                    [(n.id, n.kind, n.code, _dump(n.props)) for n in nodes],
                )
        return len(nodes)

    def upsert_edges(self, edges: Iterable[Edge]) -> int:
        edges = list(edges)
        nodes = self.g.nodes
        for e in edges:
            for end in (e.source, e.target):
                if end not in nodes:
                    raise NotFoundError(f"edge {e.source} -{e.type}-> {e.target}: no node {end}")
            validate_edge(e, nodes[e.source]["node"].kind, nodes[e.target]["node"].kind, self.onto)
        with self.transaction():
            for e in edges:
                data = self.g.get_edge_data(e.source, e.target, key=e.type)
                self._undo.append(("edge", e.key, data["edge"] if data else None))
                self.g.add_edge(e.source, e.target, key=e.type, edge=e)
            if self._db is not None:
                self._db.executemany(
                    "INSERT INTO edges (source, type, target, props) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(source, type, target) DO UPDATE SET props=excluded.props",
                    [(e.source, e.type, e.target, _dump(e.props)) for e in edges],
                )
        return len(edges)

    def clear(self) -> None:
        with self.transaction():
            self._undo.append(("clear", self.g, self._by_code))
            self.g = nx.MultiDiGraph()
            self._by_code = defaultdict(set)
            if self._db is not None:
                self._db.execute("DELETE FROM edges")
                self._db.execute("DELETE FROM nodes")

    def delete_edge(self, source: str, type: str, target: str) -> bool:
        data = self.g.get_edge_data(source, target, key=type)
        if data is None:
            return False
        with self.transaction():
            self._undo.append(("edge", (source, type, target), data["edge"]))
            self.g.remove_edge(source, target, key=type)
            if self._db is not None:
                self._db.execute("DELETE FROM edges WHERE source=? AND type=? AND target=?", (source, type, target))
        return True

    def delete_node(self, node_id: str) -> bool:
        if node_id not in self.g:
            return False
        with self.transaction():
            incident = list(self.g.out_edges(node_id, keys=True)) + list(self.g.in_edges(node_id, keys=True))
            for s, tgt, t in incident:
                if self.g.has_edge(s, tgt, key=t):
                    self.delete_edge(s, t, tgt)
            self._undo.append(("node", node_id, self.g.nodes[node_id]["node"]))
            self._drop_node(node_id)
            if self._db is not None:
                self._db.execute("DELETE FROM nodes WHERE id=?", (node_id,))
        return True

    # -- reads -----------------------------------------------------------------------------
    def get_node(self, node_id: str) -> Node | None:
        data = self.g.nodes.get(node_id)
        return data["node"] if data else None

    def get_edge(self, source: str, type: str, target: str) -> Edge | None:
        data = self.g.get_edge_data(source, target, key=type)
        return data["edge"] if data else None

    def neighbors(
        self, node_id: str, types: Collection[str] | None = None, direction: Direction = "out"
    ) -> list[tuple[Edge, Node]]:
        # The hottest read (trace, owner, checks): walk networkx's adjacency dicts directly
        # rather than building edge views on every call.
        if node_id not in self.g:
            return []
        wanted = None if types is None else (types if isinstance(types, (set, frozenset)) else set(types))
        nodes = self.g._node
        out: list[tuple[Edge, Node]] = []
        sides = {"out": (self.g._succ,), "in": (self.g._pred,), "both": (self.g._succ, self.g._pred)}.get(direction, ())
        for adj in sides:
            for other, keyed in adj[node_id].items():
                for t, data in keyed.items():
                    if wanted is None or t in wanted:
                        out.append((data["edge"], nodes[other]["node"]))
        if len(out) > 1:
            out.sort(key=lambda pair: (pair[0].type, pair[1].id))
        return out

    def traverse(self, seeds: Iterable[str], steps: Collection[Step],
                 max_depth: int | None = None) -> Subgraph:
        succ, pred = self.g._succ, self.g._pred
        sides = {"out": (succ,), "in": (pred,), "both": (succ, pred)}
        for et, direction in steps:  # refuse what Neo4j refuses, with the same words
            if et not in self.onto.edge_types:
                raise ValidationError(f"unknown edge type {et!r} (known: {', '.join(sorted(self.onto.edge_types))})")
            if direction not in sides:
                raise ValidationError(f"unknown direction {direction!r} (use out, in or both)")

        def adjacent(nid: str, et: str, direction: str):
            for adj in sides[direction]:
                for other, keyed in adj[nid].items():
                    data = keyed.get(et)
                    if data is not None:
                        yield data["edge"], other

        return walk(adjacent, seeds, steps, max_depth, self.get_node)

    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]:
        nodes = (d["node"] for _, d in self.g.nodes(data=True))
        if kind is not None:
            nodes = (n for n in nodes if n.kind == kind)
        yield from sorted(nodes, key=lambda n: n.id)

    def iter_edges(self, type: str | None = None) -> Iterator[Edge]:
        for _, _, t, e in self.g.edges(keys=True, data="edge"):
            if type is None or t == type:
                yield e

    def count_nodes(self, kind: str | None = None) -> int:
        if kind is None:
            return self.g.number_of_nodes()
        return sum(1 for _, n in self.g.nodes(data="node") if n.kind == kind)

    def count_edges(self, type: str | None = None) -> int:
        if type is None:
            return self.g.number_of_edges()
        return sum(1 for _, _, t in self.g.edges(keys=True) if t == type)

    def find_by_code(self, code: str) -> list[Node]:
        return sorted((self.g.nodes[i]["node"] for i in self._by_code.get(code, ())), key=lambda n: n.id)
