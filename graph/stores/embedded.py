"""The embedded default store: one SQLite file (or an in-memory SQLite database), read where it
lies.

Nothing is read on open. Every read is answered by SQLite through its indexes: a node by id or
code, the edges at a node by (source, type) or (target, type), a traversal one query per level
for all the nodes of that level. A whole-graph read (``iter_nodes``, ``iter_edges``, what the
checks use) streams the tables. So a point question costs the same on a college of 1,000 nodes
and of a million, and the process holds only what a question needs (docs/performance.md).

SQLite runs in WAL mode and every transaction is one SQLite transaction, so a failed or killed
load leaves the file exactly as it was. Every read sees what other processes committed;
:meth:`EmbeddedStore.stale` (one pragma) still tells that something was committed since this
object last looked, so callers can drop what they derived from the data. Edges are keyed by type,
so two nodes may be linked by several edge types but by each type only once.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from graph.errors import (NotFoundError, StoreBusyError, StoreError, StoreFullError, StoreReadOnlyError,
                          ValidationError)
from graph.files import private_file
from graph.model import Edge, Node, validate_edge, validate_node
from graph.store import (CAP_IN_PROCESS, CAP_PERSISTENT, CAP_TRANSACTIONS, Direction, GraphRead, GraphStore,
                         adjacency)
from graph.stores.embedded_journal import EmbeddedJournal, create_schema
from graph.subgraph import Step, Subgraph
from graph.textsearch import kind_token, norm, short_doc, short_query
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
CREATE INDEX IF NOT EXISTS nodes_kind ON nodes (kind, id);
CREATE INDEX IF NOT EXISTS edges_in ON edges (target, type, source);
"""
#: An index of stores written by earlier versions, dropped on their first writable open: ``edges_in``
#: serves every lookup by target, and the extra b-tree made each edge write dearer (inserting
#: the 3.5M edges of a ~1M-node college: 13.6–15.8 s CPU without it, 19.0–26.3 s with it).
_DROPPED_INDEX = "edges_target"

#: The search index (``search_text``): each node's id, code and name normalised
#: (``graph.textsearch.norm``) and its layer, a trigram full-text index of those texts (queries of
#: three characters or more) and a one- and two-character index (``textsearch.short_grams``; FTS5
#: without positions) for shorter queries. Kept up to date by every write, in the same transaction.
_SEARCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS node_text (
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, layer TEXT,
    id_n TEXT NOT NULL, code_n TEXT NOT NULL, name_n TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS node_text_kind ON node_text (kind, id);
CREATE INDEX IF NOT EXISTS node_text_code ON node_text (code_n);
CREATE INDEX IF NOT EXISTS node_text_name ON node_text (name_n);
CREATE INDEX IF NOT EXISTS node_text_idn ON node_text (id_n);
CREATE VIRTUAL TABLE IF NOT EXISTS node_tri USING fts5(
    code_n, name_n, id_n, kind, content='node_text', content_rowid='rid', tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE IF NOT EXISTS node_short USING fts5(
    grams, content='', detail='none', tokenize='unicode61 remove_diacritics 0');
"""
#: A search with more matches than this is ranked rank by rank, walking the nodes in id order
#: (see ``EmbeddedStore._ranked_by_parts``) instead of sorting every match.
SEARCH_SORT_MAX = 2000
#: ``meta`` key set to :data:`_SEARCH_VERSION` once the search index holds every node (a file
#: written before it had none, or one of another version, which is rebuilt).
_SEARCH_READY = "search_index"
_SEARCH_VERSION = "3"


#: Seconds a write waits for another process's write to finish before StoreBusyError.
BUSY_TIMEOUT = 5.0
#: Nodes kept decoded between point reads (the cache is emptied when it holds more, on every
#: write or rollback, and when another process has committed).
NODE_CACHE_SIZE = 100_000
#: Rows a whole-table read (``iter_nodes``, ``iter_edges``) takes from SQLite at a time.
BULK_CHUNK = 2000
#: Idle read connections a file store keeps for whole-table reads (more are opened when more
#: such reads run at once, and closed when they end).
BULK_POOL = 4


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
    standard library's speed) refuses integers beyond 64 bits and keys that are not text: such
    props are written by the standard library behind a leading space (:data:`_STDLIB_MARK`), so
    that :func:`_load` reads them back with the standard library too."""
    try:
        return orjson.dumps(props, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        return _STDLIB_MARK + json.dumps(props, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


#: First character of property JSON written by the standard library. JSON allows leading
#: whitespace, so SQLite's json functions read it as they read the rest; orjson would read it too,
#: but turns an integer beyond 64 bits into a float, silently.
_STDLIB_MARK = " "
#: ``meta`` key set once every stored props text that may hold an integer beyond 64 bits carries
#: the mark (stores written before the mark existed are marked on their first writable open).
_PROPS_MARKED = "props_marked"
#: A props text with a run of 20 digits may hold an integer orjson cannot read exactly
#: (2**64 has 20 digits; orjson's floats have at most 17 significant digits).
_BIG_INT_GLOB = "*" + "[0-9]" * 20 + "*"


def _load(text: str) -> dict:
    """Stored property JSON as a dict: orjson, or the standard library for text carrying
    :data:`_STDLIB_MARK` (integers beyond 64 bits stay exact integers)."""
    if text[:1] == _STDLIB_MARK:
        return json.loads(text)
    return orjson.loads(text)


#: A run of 20 digits (see :data:`_BIG_INT_GLOB`), for texts no mark can be added to.
_BIG_INT_RUN = re.compile(r"[0-9]{20}")


def _load_unmarked(text: str) -> dict:
    """:func:`_load` for the props of a store written before the mark and opened read-only (so it
    cannot be marked): the standard library for a text that may hold an integer beyond 64 bits.
    Slower than :func:`_load` by a pattern search per text; used for such stores only."""
    if text[:1] == _STDLIB_MARK or _BIG_INT_RUN.search(text):
        return json.loads(text)
    return orjson.loads(text)


def _marked(db: sqlite3.Connection) -> bool:
    """Whether every props text of the store behind ``db`` that may hold an integer beyond 64 bits
    carries :data:`_STDLIB_MARK` (``meta`` key :data:`_PROPS_MARKED`)."""
    return db.execute("SELECT 1 FROM meta WHERE key=?", (_PROPS_MARKED,)).fetchone() is not None


def _mark_props(db: sqlite3.Connection) -> None:
    """Mark (:data:`_STDLIB_MARK`) the props texts of a store written before the mark that may hold
    an integer beyond 64 bits, once (``meta`` key :data:`_PROPS_MARKED`). Marking a text that holds
    none only sends it to the slower parser; the values read are the same."""
    if _marked(db):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for table in ("nodes", "edges"):  # one of two literals: no user text in the SQL
            db.execute(f"UPDATE {table} SET props = ? || props WHERE props GLOB ? AND substr(props, 1, 1) <> ?",
                       (_STDLIB_MARK, _BIG_INT_GLOB, _STDLIB_MARK))
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", (_PROPS_MARKED,))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _ids(values: Iterable[str]) -> str:
    """A list of ids as one JSON array parameter (read back with ``json_each``): one statement
    whatever the number of ids, and the ids never enter the SQL text."""
    return orjson.dumps(list(values)).decode()


_NODE_COLS = "kind, code, props"
#: A property name that may be put in a JSON path (``$."name"``) as is.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IN_IDS = "IN (SELECT value FROM json_each(?))"


class EmbeddedStore(GraphStore):
    """SQLite, read where it lies. ``path=None`` keeps the graph in an in-memory SQLite database
    (nothing persisted).

    Raises StoreError when the file is not an iqa-graph store or was written by a newer schema. A
    file (or folder) that cannot be written is opened read-only (``read_only``): reads work, writes
    raise StoreReadOnlyError. One object may be shared by threads: each point read holds the
    object's lock while SQLite answers, and a transaction holds it until it ends (so no other
    thread of the process sees a write half done). Whole-table reads (``iter_nodes``,
    ``iter_edges``) of a file store run on read-only connections of their own, each one snapshot,
    and never hold the lock: a check reading the graph does not hold up an owner question.

    ``search_index=False`` (in-memory stores only): the search index is not kept — a throwaway
    store that is checked and dropped (``iqa check PATH…``) saves the quarter of its load time the
    index costs; ``search_text`` then scans the nodes (the interface's default).
    """

    capabilities = frozenset({CAP_TRANSACTIONS, CAP_PERSISTENT, CAP_IN_PROCESS})
    backend = "embedded"

    def __init__(self, path: str | Path | None = None, *, search_index: bool = True):
        if path is not None and not search_index:
            raise ValueError("a store file always keeps its search index (search_index=False is for in-memory stores)")
        self.onto = get_ontology()
        self.path = Path(path) if path is not None else None
        self.location = str(self.path) if self.path else ":memory:"
        self._depth = 0
        self._lock = threading.RLock()
        self._owner: int | None = None  # the thread whose transaction is open (see _bulk_rows)
        #: Idle read-only connections for whole-table reads (file stores only; see _bulk_rows).
        self._pool: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._version: int | None = None
        self._nodes: dict[str, Node] = {}  # id → Node decoded by a point read (see _cached)
        self._nodes_version: int | None = None
        self._search_ready = False  # the search index holds every node (else search_text scans)
        #: True when the file or its folder cannot be written: reads work, writes raise StoreReadOnlyError.
        self.read_only = False
        #: The props decoder: :func:`_load_unmarked` for a read-only store written before the mark.
        self._loads: Callable[[str], dict] = _load
        #: The revisions of this store (graph/history), in the same file and transactions.
        self.journal = EmbeddedJournal(self)
        if self.path is not None:
            self._open_db()
        else:
            db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            db.executescript(_SCHEMA)
            db.executescript(_SEARCH_SCHEMA)
            create_schema(db, _load)
            db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            db.execute("INSERT INTO meta VALUES (?, '1')", (_PROPS_MARKED,))
            if search_index:
                db.execute("INSERT INTO meta VALUES (?, ?)", (_SEARCH_READY, _SEARCH_VERSION))
            self._db = db
            self._version = 0
            self._search_ready = search_index

    # -- persistence -----------------------------------------------------------------------
    def _open_db(self) -> None:
        assert self.path is not None
        try:
            private_file(self.path)
        except PermissionError:
            if not self.path.exists():
                raise StoreError(f"{self.path}: cannot create the store here (permission denied)") from None
        except (FileNotFoundError, NotADirectoryError):
            raise StoreError(f"{self.path}: cannot create the store here (the folder {self.path.parent} "
                             "does not exist)") from None
        try:
            db = self._connect()
            # Reading one page proves the file is a database before anything else is asked of it.
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            self._version = db.execute("PRAGMA data_version").fetchone()[0]
            self._db = db
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
            db.execute(f"DROP INDEX IF EXISTS {_DROPPED_INDEX}")  # a store written by an earlier version
            create_schema(db, _load)
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                db.execute("INSERT OR IGNORE INTO meta VALUES (?, '1')", (_PROPS_MARKED,))
            db = self._checked(db)
            _mark_props(db)
            self._ensure_search_index(db)
            return db
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
        db = self._checked(db)
        if not _marked(db):
            self._loads = _load_unmarked  # written before the mark, and it cannot be marked now
        return db

    def _props(self, text: str) -> dict:
        """Stored property JSON as a dict; most edges have none, so ``{}`` skips the parser."""
        return {} if text == "{}" else self._loads(text)

    def _checked(self, db: sqlite3.Connection) -> sqlite3.Connection:
        row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            db.close()
            raise StoreError(f"{self.path}: written by a newer iqa-graph (schema {row[0]} > {SCHEMA_VERSION})")
        ready = db.execute("SELECT value FROM meta WHERE key=?", (_SEARCH_READY,)).fetchone()
        self._search_ready = ready is not None and ready[0] == _SEARCH_VERSION
        return db

    def _ensure_search_index(self, db: sqlite3.Connection) -> None:
        """Create the search index of a file opened for writing that has none (a file written
        before it existed), or rebuild it when it does not hold as many nodes as the store (nodes
        written by a version without it): one transaction reading every node (a minute of CPU
        at most on a 100,000-student college). Another process opening the file meanwhile waits
        for it up to BUSY_TIMEOUT, then gets StoreBusyError."""
        if self._search_ready:  # a writer without the index (an older version) leaves the counts apart
            counts = db.execute("SELECT (SELECT count(*) FROM nodes), (SELECT count(*) FROM node_text)").fetchone()
            if counts[0] == counts[1]:
                return
        ready = db.execute("SELECT value FROM meta WHERE key=?", (_SEARCH_READY,)).fetchone()
        if ready is not None and ready[0] != _SEARCH_VERSION:  # another layout: made again
            db.executescript("DROP TABLE IF EXISTS node_tri; DROP TABLE IF EXISTS node_short;")
        db.executescript(_SEARCH_SCHEMA)
        db.execute("BEGIN IMMEDIATE")
        try:
            ready = db.execute("SELECT value FROM meta WHERE key=?", (_SEARCH_READY,)).fetchone()
            counts = db.execute("SELECT (SELECT count(*) FROM nodes), (SELECT count(*) FROM node_text)").fetchone()
            if ready is not None and ready[0] == _SEARCH_VERSION and counts[0] == counts[1]:
                db.execute("COMMIT")  # another process built it meanwhile
                self._search_ready = True
                return
            db.execute("DELETE FROM node_text")
            db.execute("INSERT INTO node_short(node_short) VALUES ('delete-all')")
            db.execute("INSERT INTO node_tri(node_tri) VALUES ('delete-all')")
            batch: list[Node] = []
            for k, c, p in db.execute(f"SELECT {_NODE_COLS} FROM nodes ORDER BY id").fetchall():
                batch.append(Node(k, c, self._loads(p)))
                if len(batch) >= 5000:
                    self._index_nodes(db, batch, fresh=True)
                    batch = []
            self._index_nodes(db, batch, fresh=True)
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_SEARCH_READY, _SEARCH_VERSION))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._search_ready = True

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Every row of one query, read under the object's lock; SQLite failures as StoreError."""
        db = self._db
        if db is None:
            raise StoreError(f"{self.location}: the store is closed")
        with self._lock:
            try:
                return db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise _store_error(self.path, exc) from exc

    def _bulk_rows(self, sql: str, params: tuple = ()) -> Iterator[tuple]:
        """The rows of one whole-table query, streamed :data:`BULK_CHUNK` at a time without the
        object's lock, so that point reads of other threads go on meanwhile.

        On a file store the query runs on a read-only connection of its own (a pool of them,
        see :data:`BULK_POOL`): one SQLite statement, hence one read transaction and one
        consistent snapshot of the last commit (WAL lets it read beside a writer); a write
        committed while the rows stream is not seen. Inside a transaction of the calling thread
        the rows come from the transaction's connection instead (it sees its own writes), read
        under the lock as :meth:`_rows` reads; so does the in-memory store (one database, one
        connection). SQLite failures as StoreError."""
        if self._db is None:
            raise StoreError(f"{self.location}: the store is closed")
        if self.path is None or (self._depth and self._owner == threading.get_ident()):
            yield from self._rows(sql, params)
            return
        db = self._take_reader()
        cur = None
        try:
            try:
                cur = db.execute(sql, params)
                rows = cur.fetchmany(BULK_CHUNK)
            except sqlite3.Error as exc:
                raise _store_error(self.path, exc) from exc
            while rows:
                yield from rows
                try:
                    rows = cur.fetchmany(BULK_CHUNK)
                except sqlite3.Error as exc:
                    raise _store_error(self.path, exc) from exc
        finally:
            if cur is not None:
                cur.close()  # ends the statement, hence its read transaction
            self._give_reader(db)

    def _take_reader(self) -> sqlite3.Connection:
        """An idle read-only connection of the pool, or a new one."""
        with self._pool_lock:
            if self._pool:
                return self._pool.pop()
        assert self.path is not None
        uri = f"file:{urllib.parse.quote(str(self.path.resolve()))}?mode=ro"
        try:
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                                   timeout=BUSY_TIMEOUT)
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc

    def _give_reader(self, db: sqlite3.Connection) -> None:
        """Return a read connection to the pool (closed when the pool is full or the store is)."""
        with self._pool_lock:
            if self._db is not None and len(self._pool) < BULK_POOL:
                self._pool.append(db)
                return
        db.close()

    def _cached(self) -> dict[str, Node]:
        """The decoded-node cache, replaced by an empty one first when another connection has
        committed since it was made (one pragma; inside a transaction the cache is replaced by each
        write instead). Every node in the dict this returns was read at or after the version the
        dict was made for: a reader still holding an older dict puts what it decodes there."""
        if self.path is not None and not self._depth:
            with self._lock:
                version = self._db.execute("PRAGMA data_version").fetchone()[0]  # type: ignore[union-attr]
                if version != self._nodes_version:
                    self._drop_cache()
                    self._nodes_version = version
        nodes = self._nodes
        if len(nodes) > NODE_CACHE_SIZE:
            nodes = self._drop_cache()
        return nodes

    def _drop_cache(self) -> dict[str, Node]:
        """Empty the decoded-node cache by replacing it: a reader that took the old dict before and
        decoded a row read before the change puts it there, where nobody looks any more (clearing
        in place would let that stale node into the cache that the next transaction trusts)."""
        self._nodes = {}
        return self._nodes

    def _node(self, cache: dict[str, Node], kind: str, code: str, props: str) -> Node:
        """The node of a row, from ``cache`` when it is there (decoding JSON is most of a read)."""
        nid = f"{kind}:{code}"
        node = cache.get(nid)
        if node is None:
            node = cache[nid] = Node(kind, code, self._loads(props))
        return node

    def stale(self) -> bool:
        """True when another connection (another process, or another store object on the same
        file) has committed since this store last looked (:meth:`refresh`). Reads always see the
        committed data; this tells callers to drop what they derived from it. Cheap: one pragma."""
        if self._db is None or self._depth or self.path is None:
            return False
        try:
            with self._lock:
                return self._db.execute("PRAGMA data_version").fetchone()[0] != self._version
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc

    @contextmanager
    def held_if_free(self) -> Iterator[bool]:
        """See :meth:`GraphStore.held_if_free`: this object's connection lock, taken only if no
        other thread holds it (a traversal holds it for all its levels)."""
        held = self._lock.acquire(blocking=False)
        try:
            yield held
        finally:
            if held:
                self._lock.release()

    def refresh(self) -> bool:
        """Note that another connection has committed since (see :meth:`stale`); True when it
        had. Nothing needs reading again: every read goes to the file. StoreError when the file
        cannot be read."""
        if not self.stale():
            return False
        with self._lock:
            self._drop_cache()
            try:
                self._version = self._db.execute("PRAGMA data_version").fetchone()[0]  # type: ignore[union-attr]
            except sqlite3.Error as exc:
                raise _store_error(self.path, exc) from exc
        return True

    def close(self) -> None:
        """Close the store. The idle read connections are closed before the main one, so that the
        main connection is the file's last: SQLite then checkpoints the write-ahead log into the
        file and removes it — the file alone holds every commit (a copy of it is a backup). A bulk
        read still running in another thread closes its connection when it ends."""
        with self._lock:
            with self._pool_lock:
                idle, self._pool = self._pool, []
            for db in idle:
                db.close()
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """All writes in the block commit together; on an exception SQLite rolls them back and
        the exception propagates. The outermost transaction takes SQLite's write lock first
        (``BEGIN IMMEDIATE``), so reads inside it see the latest commit of every process and a
        read–modify–write never works on a stale copy.

        SQLite failures become StoreError: StoreBusyError when another writer holds the lock past
        the wait (:data:`BUSY_TIMEOUT`), StoreReadOnlyError, StoreFullError."""
        db = self._db
        if db is None:
            raise StoreError(f"{self.location}: the store is closed")
        self._lock.acquire()
        try:
            self._depth += 1
            if self._depth == 1:
                self._owner = threading.get_ident()
                try:
                    if self.read_only:
                        raise StoreReadOnlyError(f"{self.path}: the store is read-only (the file or its folder "
                                                 "cannot be written); it can be read, not changed")
                    db.execute("BEGIN IMMEDIATE")
                    if self.path is not None:  # what another process committed replaces the cached nodes
                        version = db.execute("PRAGMA data_version").fetchone()[0]
                        if version != self._nodes_version:
                            self._drop_cache()
                            self._nodes_version = version
                except sqlite3.Error as exc:
                    self._depth -= 1
                    self._owner = None
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise _store_error(self.path, exc) from exc
                except BaseException:
                    self._depth -= 1
                    self._owner = None
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
                try:
                    db.execute("COMMIT")
                except sqlite3.Error as exc:
                    self._rollback()
                    raise _store_error(self.path, exc) from exc
        finally:
            if self._depth == 0:
                self._owner = None
            self._lock.release()

    def _rollback(self) -> None:
        self._drop_cache()
        if self._db is not None and self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite has rolled back itself (a full disk, an I/O error)

    # -- the search index (see _SEARCH_SCHEMA) ---------------------------------------------
    @staticmethod
    def _text_row(n: Node) -> tuple:
        layer = n.props.get("layer")
        return (n.id, n.kind, layer if isinstance(layer, str) else None, norm(n.id), norm(n.code), norm(n.name))

    @staticmethod
    def _unindex_row(db: sqlite3.Connection, rid: int, id_n: str, code_n: str, name_n: str, kind: str) -> None:
        """Remove one node_text row and its entries in both full-text indexes."""
        db.execute("INSERT INTO node_tri (node_tri, rowid, code_n, name_n, id_n, kind) VALUES ('delete', ?, ?, ?, ?, ?)",
                   (rid, code_n, name_n, id_n, kind))
        db.execute("INSERT INTO node_short (node_short, rowid, grams) VALUES ('delete', ?, ?)",
                   (rid, short_doc(id_n, code_n, name_n)))
        db.execute("DELETE FROM node_text WHERE rid=?", (rid,))

    def _index_nodes(self, db: sqlite3.Connection, nodes: list[Node], fresh: bool = False) -> None:
        """Bring the search index up to date for ``nodes`` (just written, inside the caller's
        transaction); ``fresh``: none of them is indexed yet. A node whose id, code, name and layer
        did not change is left alone."""
        rows = {n.id: self._text_row(n) for n in nodes}
        if not rows:
            return
        if not fresh:
            for rid, nid, layer, id_n, code_n, name_n, kind in db.execute(
                    f"SELECT rid, id, layer, id_n, code_n, name_n, kind FROM node_text WHERE id {_IN_IDS}",
                    (_ids(rows),)).fetchall():
                if (layer, id_n, code_n, name_n) == rows[nid][2:]:
                    del rows[nid]
                else:
                    self._unindex_row(db, rid, id_n, code_n, name_n, kind)
            if not rows:
                return
        db.executemany("INSERT INTO node_text (id, kind, layer, id_n, code_n, name_n) VALUES (?, ?, ?, ?, ?, ?)",
                       list(rows.values()))
        added = db.execute(f"SELECT rid, code_n, name_n, id_n, kind FROM node_text WHERE id {_IN_IDS}",
                           (_ids(rows),)).fetchall()
        db.executemany("INSERT INTO node_tri (rowid, code_n, name_n, id_n, kind) VALUES (?, ?, ?, ?, ?)", added)
        db.executemany("INSERT INTO node_short (rowid, grams) VALUES (?, ?)",
                       [(rid, short_doc(id_n, code_n, name_n)) for rid, code_n, name_n, id_n, _ in added])

    def _ranked_by_parts(self, q: str, filters: list[str], named: dict, limit: int, offset: int) -> list[str]:
        """The ids of one page of a search with many matches, rank by rank: exact matches and
        code / name prefixes from the b-tree indexes on the normalised texts, the other matches
        by walking the nodes in id order and stopping when the page is full (with many matches
        that is soon). ``filters``: SQL conditions on ``t`` with ``named`` parameters
        (``:p1`` …; ``:p0`` is the full-text match, not used here)."""
        filt = "".join(f" AND {f}" for f in filters)
        hi = q[:-1] + chr(ord(q[-1]) + 1) if ord(q[-1]) < 0x10FFFF else None
        exact = "(t.code_n = :q OR t.id_n = :q OR t.name_n = :q)"
        code_pre = "(t.code_n >= :q AND t.code_n < :hi)" if hi else "substr(t.code_n, 1, :n) = :q"
        name_pre = "(t.name_n >= :q AND t.name_n < :hi)" if hi else "substr(t.name_n, 1, :n) = :q"
        found = "(instr(t.code_n, :q) > 0 OR instr(t.name_n, :q) > 0" + (" OR instr(t.id_n, :q) > 0)" if ":" in q else ")")
        parts = [exact, f"{code_pre} AND NOT {exact}", f"{name_pre} AND NOT {code_pre} AND NOT {exact}",
                 f"{found} AND NOT {name_pre} AND NOT {code_pre} AND NOT {exact}"]
        named = {**named, "hi": hi}
        walk_kinds = self._kinds_matching(named["kind"])
        ids: list[str] = []
        skip, want = offset, limit
        for i, part in enumerate(parts):
            cond = part + filt
            if i < 3:  # exact or prefix: counted from the index, sorted by id when few
                count = self._rows(f"SELECT count(*) FROM node_text t WHERE {cond}", named)[0][0]  # type: ignore[arg-type]
                if skip >= count:
                    skip -= count
                    continue
                if count <= SEARCH_SORT_MAX:
                    rows = self._rows(f"SELECT t.id FROM node_text t WHERE {cond} ORDER BY t.id LIMIT :want OFFSET :skip",
                                      {**named, "want": want, "skip": skip})  # type: ignore[arg-type]
                    ids += [r[0] for r in rows]
                    want -= len(rows)
                    skip = 0
                    if want <= 0:
                        break
                    continue
            # many: walk kind by kind (in id order), only the kinds the full-text index has matches of
            for k in walk_kinds(named):
                kcond = f"t.kind = :wk AND {cond}"
                rows = self._rows(f"SELECT t.id FROM node_text t WHERE {kcond} ORDER BY t.id LIMIT :want OFFSET :skip",
                                  {**named, "wk": k, "want": want, "skip": skip})  # type: ignore[arg-type]
                if not rows and skip:
                    skip -= self._rows(f"SELECT count(*) FROM node_text t WHERE {kcond}", {**named, "wk": k})[0][0]  # type: ignore[arg-type]
                    continue
                ids += [r[0] for r in rows]
                want -= len(rows)
                skip = 0
                if want <= 0:
                    return ids
            if want <= 0:
                break
        return ids

    def _kinds_matching(self, kind: str | None):
        """``walk(named) -> [kind …]``: the kinds (only ``kind`` when given) in the order their ids
        sort, that have at least one candidate in the full-text match ``named["m"]`` (from
        ``named["src"]``), tested per kind by the index; every kind when there is no match."""
        kinds = sorted(self.onto.kinds if kind is None else [kind], key=lambda k: f"{k}:")

        def walk(named: dict) -> list[str]:
            src, m = named.get("src"), named.get("m")
            if not src:
                return kinds
            out = []
            for k in kinds:
                if len(k) < 3:  # below the trigram index's reach: walked anyway
                    out.append(k)
                elif src == "node_tri":
                    mk = f'({m}) AND {{kind}} : "{k}"'
                else:
                    mk = f'({m}) AND "{kind_token(k)}"'
                if self._rows(f"SELECT 1 FROM {src} WHERE {src} MATCH ? LIMIT 1", (mk,)):
                    out.append(k)
            return out
        return walk

    def search_text(self, q: str, kind: str | None = None, layer: str | None = None,
                    limit: int | None = 50, offset: int = 0) -> tuple[int, list[Node]]:
        """See :meth:`GraphStore.search_text`. From the search index: the candidates of a query of
        three characters or more from the trigram index, of one or two characters from the short
        index (a query with a colon that short: a scan of the normalised texts), then ranked and
        paged by SQLite. A read-only file written before the index existed is scanned instead."""
        if not self._search_ready:
            return super().search_text(q, kind, layer, limit, offset)
        named = {"q": q, "n": len(q), "kind": kind, "layer": layer, "lim": -1 if limit is None else limit,
                 "off": offset, "m": None}
        source = ""  # the full-text index whose matching row ids are the candidates, when one serves
        if q and len(q) >= 3:
            columns = "{code_n name_n id_n}" if ":" in q else "{code_n name_n}"
            source, named["m"] = "node_tri", f'{columns} : "{q.replace(chr(34), chr(34) * 2)}"'
        elif q:
            source, named["m"] = "node_short", short_query(q)
        named["src"] = source
        where = []
        if source:
            where.append(f"t.rid IN (SELECT rowid FROM {source} WHERE {source} MATCH :m)")
        filters = ([] if kind is None else ["t.kind = :kind"]) + ([] if layer is None else ["t.layer = :layer"])
        cond = " AND ".join(where + filters) or "1"
        if source and not filters:
            total = self._rows(f"SELECT count(*) FROM {source} WHERE {source} MATCH :m", named)[0][0]  # type: ignore[arg-type]
        else:
            total = self._rows(f"SELECT count(*) FROM node_text t WHERE {cond}", named)[0][0]  # type: ignore[arg-type]
        if limit is not None and (limit <= 0 or offset >= total):
            return total, []
        if not q:
            ids = [r[0] for r in self._rows(f"SELECT t.id FROM node_text t WHERE {cond} ORDER BY t.id "
                                            "LIMIT :lim OFFSET :off", named)]  # type: ignore[arg-type]
        elif total <= SEARCH_SORT_MAX or limit is None:
            order = ("CASE WHEN t.code_n = :q OR t.id_n = :q OR t.name_n = :q THEN 0 "
                     "WHEN substr(t.code_n, 1, :n) = :q THEN 1 WHEN substr(t.name_n, 1, :n) = :q THEN 2 ELSE 3 END, t.id")
            ids = [r[0] for r in self._rows(f"SELECT t.id FROM node_text t WHERE {cond} ORDER BY {order} "
                                            "LIMIT :lim OFFSET :off", named)]  # type: ignore[arg-type]
        else:
            ids = self._ranked_by_parts(q, filters, named, limit, offset)
        found = self.get_nodes(ids)
        return total, [found[i] for i in ids if i in found]

    # -- writes ----------------------------------------------------------------------------
    def upsert_nodes(self, nodes: Iterable[Node]) -> int:
        nodes = list(nodes)
        valid = self._valid
        for n in nodes:
            if id(n) not in valid:  # else validated by the caller (see validated)
                validate_node(n, self.onto)
        with self.transaction():
            self._drop_cache()
            self._db.executemany(  # type: ignore[union-attr]
                "INSERT INTO nodes (id, kind, code, props) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET props=excluded.props",
                [(n.id, n.kind, n.code, _dump(n.props)) for n in nodes],
            )
            if self._search_ready:  # else no index is kept (search_index=False) or it is rebuilt on open
                self._index_nodes(self._db, nodes)  # type: ignore[arg-type]
        return len(nodes)

    #: ``id()`` of the Node objects :meth:`validated` vouches for (held by its caller meanwhile).
    _valid: frozenset[int] | set[int] = frozenset()

    @contextmanager
    def validated(self, nodes: list[Node]) -> Iterator[None]:
        """Within the block :meth:`upsert_nodes` does not validate these very Node objects again:
        the caller has passed each through ``validate_node`` with this store's ontology and changes
        none of them until the block ends (``ingest`` writes the nodes its resolver validated).
        Any other node written meanwhile is validated as always."""
        if self.onto is get_ontology():  # the ontology the caller validated with
            self._valid = {id(n) for n in nodes}
        try:
            yield
        finally:
            self._valid = frozenset()

    def _kinds(self, ids: Iterable[str]) -> dict[str, str]:
        """``{id: kind}`` of the nodes among ``ids`` that exist."""
        return dict(self._rows(f"SELECT id, kind FROM nodes WHERE id {_IN_IDS}", (_ids(set(ids)),)))

    def upsert_edges(self, edges: Iterable[Edge]) -> int:
        edges = list(edges)
        with self.transaction():
            kinds = self._kinds(end for e in edges for end in (e.source, e.target))
            for e in edges:
                for end in (e.source, e.target):
                    if end not in kinds:
                        raise NotFoundError(f"edge {e.source} -{e.type}-> {e.target}: no node {end}")
                validate_edge(e, kinds[e.source], kinds[e.target], self.onto)
            self._db.executemany(  # type: ignore[union-attr]
                "INSERT INTO edges (source, type, target, props) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(source, type, target) DO UPDATE SET props=excluded.props",
                # most edges have no props: "{}" is _dump's text of them, not made again per edge
                [(e.source, e.type, e.target, _dump(e.props) if e.props else "{}") for e in edges],
            )
        return len(edges)

    def clear(self) -> None:
        with self.transaction():
            self._drop_cache()
            self._db.execute("DELETE FROM edges")  # type: ignore[union-attr]
            self._db.execute("DELETE FROM nodes")  # type: ignore[union-attr]
            self._db.execute("DELETE FROM node_text")  # type: ignore[union-attr]
            self._db.execute("INSERT INTO node_tri (node_tri) VALUES ('delete-all')")  # type: ignore[union-attr]
            self._db.execute("INSERT INTO node_short (node_short) VALUES ('delete-all')")  # type: ignore[union-attr]

    def delete_edge(self, source: str, type: str, target: str) -> bool:
        if self.get_edge(source, type, target) is None:
            return False
        with self.transaction():
            cur = self._db.execute("DELETE FROM edges WHERE source=? AND type=? AND target=?",  # type: ignore[union-attr]
                                   (source, type, target))
            return cur.rowcount > 0

    def delete_node(self, node_id: str) -> bool:
        if not self._rows("SELECT 1 FROM nodes WHERE id=?", (node_id,)):
            return False
        with self.transaction():
            self._drop_cache()
            db = self._db
            assert db is not None
            if db.execute("SELECT 1 FROM nodes WHERE id=?", (node_id,)).fetchone() is None:
                return False
            db.execute("DELETE FROM edges WHERE source=?", (node_id,))
            db.execute("DELETE FROM edges WHERE target=?", (node_id,))
            db.execute("DELETE FROM nodes WHERE id=?", (node_id,))
            for rid, id_n, code_n, name_n, kind in db.execute(
                    "SELECT rid, id_n, code_n, name_n, kind FROM node_text WHERE id=?", (node_id,)).fetchall():
                self._unindex_row(db, rid, id_n, code_n, name_n, kind)
        return True

    # -- reads -----------------------------------------------------------------------------
    def get_node(self, node_id: str) -> Node | None:
        cache = self._cached()
        node = cache.get(node_id)
        if node is not None:
            return node
        rows = self._rows(f"SELECT {_NODE_COLS} FROM nodes WHERE id=?", (node_id,))
        return self._node(cache, *rows[0]) if rows else None

    def get_nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        """The nodes with these ids (missing ids left out), in one query: ``{id: Node}``."""
        ids = list(dict.fromkeys(ids))
        cache = self._cached()
        missing = [i for i in ids if i not in cache]
        if len(missing) == 1:
            self.get_node(missing[0])
        elif missing:
            for row in self._rows(f"SELECT {_NODE_COLS} FROM nodes WHERE id {_IN_IDS}", (_ids(missing),)):
                self._node(cache, *row)
        return {i: cache[i] for i in ids if i in cache}

    def get_edge(self, source: str, type: str, target: str) -> Edge | None:
        rows = self._rows("SELECT props FROM edges WHERE source=? AND type=? AND target=?", (source, type, target))
        return Edge(source, type, target, self._props(rows[0][0])) if rows else None

    def neighbors(
        self, node_id: str, types: Collection[str] | None = None, direction: Direction = "out"
    ) -> list[tuple[Edge, Node]]:
        # One query per side, joined to the node at the other end; the indexes on (source, type,
        # target) and (target, type, source) make it a range read whatever the graph's size.
        out: list[tuple[Edge, Node]] = []
        cache = self._cached()
        typed = "" if types is None else f" AND e.type {_IN_IDS}"
        extra = () if types is None else (_ids(types),)
        if direction in ("out", "both"):
            for t, other, ep, k, c, p in self._rows(
                    f"SELECT e.type, e.target, e.props, n.kind, n.code, n.props FROM edges e "
                    f"JOIN nodes n ON n.id = e.target WHERE e.source = ?{typed}", (node_id, *extra)):
                out.append((Edge(node_id, t, other, self._props(ep)), self._node(cache, k, c, p)))
        if direction in ("in", "both"):
            for t, other, ep, k, c, p in self._rows(
                    f"SELECT e.type, e.source, e.props, n.kind, n.code, n.props FROM edges e "
                    f"JOIN nodes n ON n.id = e.source WHERE e.target = ?{typed}", (node_id, *extra)):
                out.append((Edge(other, t, node_id, self._props(ep)), self._node(cache, k, c, p)))
        if len(out) > 1:
            out.sort(key=lambda pair: (pair[0].type, pair[1].id))
        return out

    def _check_steps(self, steps: Collection[Step]) -> None:
        """Refuse what Neo4j refuses, with the same words: ValidationError for an unknown edge
        type or direction."""
        for et, direction in steps:
            if et not in self.onto.edge_types:
                raise ValidationError(f"unknown edge type {et!r} (known: {', '.join(sorted(self.onto.edge_types))})")
            if direction not in ("out", "in", "both"):
                raise ValidationError(f"unknown direction {direction!r} (use out, in or both)")

    def count_neighbors(self, ids: Iterable[str], types: Collection[str],
                        direction: Direction = "out") -> dict[str, int]:
        """See :meth:`GraphStore.count_neighbors`: one ``GROUP BY`` query per side over the edge
        indexes; no node and no property is read."""
        ids = list(dict.fromkeys(ids))
        wanted = sorted(set(types))
        self._check_steps([(t, direction) for t in wanted])
        out: dict[str, int] = {}
        if not ids or not wanted:
            return out
        level, typed = _ids(ids), _ids(wanted)
        sides = [col for col, on in (("source", direction in ("out", "both")),
                                     ("target", direction in ("in", "both"))) if on]
        with self._lock:  # both sides see the same data within this process
            for col in sides:  # a column name of this list, never user text
                for nid, n in self._rows(f"SELECT {col}, count(*) FROM edges WHERE {col} {_IN_IDS} "
                                         f"AND type {_IN_IDS} GROUP BY {col}", (level, typed)):
                    out[nid] = out.get(nid, 0) + n
        return out

    #: :meth:`neighbor_pages` counts first for at most this many ids (see there).
    count_first_below = 256

    def neighbor_pages(self, ids: Iterable[str], types: Collection[str], direction: Direction = "out",
                       limit: int | None = None) -> dict[str, tuple[int, list[tuple[str, str]]]]:
        """See :meth:`GraphStore.neighbor_pages`: per side, with ``limit``, one ``GROUP BY`` count,
        one query for the nodes whose edges all fit in the page and one ``LIMIT`` query per node
        with more; without, one query. Range reads of the edge indexes in their order (no sort; a
        window function ranking the edges sorted them again: twice the time); no node and no
        property is read."""
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be >= 0, not {limit!r}")
        ids = list(dict.fromkeys(ids))
        wanted = sorted(set(types))
        self._check_steps([(t, direction) for t in wanted])
        out: dict[str, tuple[int, list[tuple[str, str]]]] = {}
        if not ids or not wanted:
            return out
        typed = _ids(wanted)
        sides = [cols for cols, on in ((("source", "target"), direction in ("out", "both")),
                                       (("target", "source"), direction in ("in", "both"))) if on]
        per_side: list[dict[str, tuple[int, list[tuple[str, str]]]]] = []
        with self._lock:  # both sides see the same data within this process
            for col, other in sides:  # column names of this list, never user text
                got: dict[str, tuple[int, list[tuple[str, str]]]] = {}
                whole = ids
                if limit is not None and len(ids) <= self.count_first_below:
                    # Counted first (in SQL: no row made): the nodes with more edges than the page
                    # are read one by one, LIMIT cut; the others in one query below. Only for a
                    # short list: for a long one the second pass costs more than the rows saved.
                    counts = dict(self._rows(f"SELECT {col}, count(*) FROM edges WHERE {col} {_IN_IDS} "
                                             f"AND type {_IN_IDS} GROUP BY {col}", (_ids(ids), typed)))
                    whole = [i for i in ids if 0 < counts.get(i, 0) <= limit]
                    for i in ids:
                        n = counts.get(i, 0)
                        if n > limit:
                            got[i] = (n, self._rows(f"SELECT type, {other} FROM edges WHERE {col} = ? AND type "
                                                    f"{_IN_IDS} ORDER BY type, {other} LIMIT ?", (i, typed, limit)))
                nid = None
                n = 0
                pairs: list[tuple[str, str]] = []
                for node_id, t, o in (self._rows(
                        f"SELECT {col}, type, {other} FROM edges WHERE {col} {_IN_IDS} AND type {_IN_IDS} "
                        f"ORDER BY {col}, type, {other}", (_ids(whole), typed)) if whole else ()):
                    if node_id != nid:
                        if nid is not None:
                            got[nid] = (n, pairs)
                        nid, n, pairs = node_id, 0, []
                    n += 1
                    if limit is None or n <= limit:
                        pairs.append((t, o))
                if nid is not None:
                    got[nid] = (n, pairs)
                per_side.append(got)
        if len(per_side) == 1:
            out = per_side[0]
        else:  # both sides: counts added, pages merged in (type, other id) order, then cut
            for got in per_side:
                for nid, (n, pairs) in got.items():
                    had = out.get(nid)
                    out[nid] = (n, pairs) if had is None else (had[0] + n, sorted(had[1] + pairs))
        if limit is not None:
            for nid, (n, pairs) in out.items():
                if len(pairs) > limit:
                    out[nid] = (n, pairs[:limit])
        return {i: out[i] for i in ids if i in out}

    def traverse(self, seeds: Iterable[str], steps: Collection[Step],
                 max_depth: int | None = None) -> Subgraph:
        """Breadth first, one level at a time: per level one query for the outgoing and one for the
        incoming edges of every node of the level, and one for the nodes newly reached."""
        self._check_steps(steps)
        out_types = sorted({et for et, d in steps if d in ("out", "both")})
        in_types = sorted({et for et, d in steps if d in ("in", "both")})
        sg = Subgraph()
        found = self.get_nodes(seeds)
        sg.add(found.values())
        frontier = list(found)
        for nid in frontier:
            sg.depth[nid] = 0
        d = 0
        with self._lock:  # one level's queries and the next see the same data within this process
            while frontier and (max_depth is None or d < max_depth):
                edges: list[Edge] = []
                reached: list[str] = []
                level = _ids(frontier)
                if out_types:
                    for s, t, tgt, p in self._rows(
                            f"SELECT source, type, target, props FROM edges WHERE source {_IN_IDS} "
                            f"AND type {_IN_IDS}", (level, _ids(out_types))):
                        edges.append(Edge(s, t, tgt, self._props(p)))
                        reached.append(tgt)
                if in_types:
                    for s, t, tgt, p in self._rows(
                            f"SELECT source, type, target, props FROM edges WHERE target {_IN_IDS} "
                            f"AND type {_IN_IDS}", (level, _ids(in_types))):
                        edges.append(Edge(s, t, tgt, self._props(p)))
                        reached.append(s)
                new = [nid for nid in dict.fromkeys(reached) if nid not in sg.depth]
                nodes = self.get_nodes(new)
                for nid, node in nodes.items():
                    sg.depth[nid] = d + 1
                sg.add(nodes.values(), edges)
                frontier = list(nodes)
                d += 1
        return sg

    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]:
        """See :meth:`GraphStore.iter_nodes`. Streamed from one snapshot without blocking the
        point reads of other threads (:meth:`_bulk_rows`)."""
        if kind is None:
            rows = self._bulk_rows(f"SELECT {_NODE_COLS} FROM nodes ORDER BY id")
        else:
            rows = self._bulk_rows(f"SELECT {_NODE_COLS} FROM nodes WHERE kind=? ORDER BY id", (kind,))
        for k, c, p in rows:
            yield Node(k, c, self._loads(p))

    def iter_edges(self, type: str | None = None) -> Iterator[Edge]:
        """See :meth:`GraphStore.iter_edges`. Streamed from one snapshot without blocking the
        point reads of other threads (:meth:`_bulk_rows`)."""
        if type is None:
            rows = self._bulk_rows("SELECT source, type, target, props FROM edges")
        else:
            rows = self._bulk_rows("SELECT source, type, target, props FROM edges WHERE type=?", (type,))
        for s, t, tgt, p in rows:
            yield Edge(s, t, tgt, self._props(p))

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A connection for several whole-table statements that must see one state of the store.

        On a file store: a read-only connection of the pool inside one read transaction (``BEGIN``
        … ``COMMIT``: every statement reads the same commit, beside writers, without the object's
        lock). Inside a transaction of the calling thread, and on the in-memory store: the main
        connection under the lock (as :meth:`_bulk_rows`). SQLite failures as StoreError."""
        if self._db is None:
            raise StoreError(f"{self.location}: the store is closed")
        try:
            if self.path is None or (self._depth and self._owner == threading.get_ident()):
                with self._lock:
                    yield self._db
                return
            db = self._take_reader()
            try:
                db.execute("BEGIN")
                try:
                    yield db
                finally:
                    if db.in_transaction:
                        db.execute("COMMIT")  # a read transaction: nothing to write, ends the snapshot
            finally:
                if db.in_transaction:  # the end failed: not fit for the pool
                    db.close()
                else:
                    self._give_reader(db)
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc

    def read_graph(self) -> GraphRead:
        """See :meth:`GraphStore.read_graph`. One read transaction (:meth:`_snapshot`): the nodes
        in id order, then every edge row in table order (as :meth:`iter_edges` streams them: the
        adjacency lists' keys come in the same order) as plain tuples — no Edge object, no
        generator per row; the props of an edge are decoded only when it has any."""
        loads = self._loads
        nodes: dict[str, Node] = {}
        with self._snapshot() as db:
            for k, c, p in db.execute(f"SELECT {_NODE_COLS} FROM nodes ORDER BY id"):
                n = Node(k, c, loads(p))
                nodes[n.id] = n  # the edge ends below are this very string (adjacency)
            # props "{}" (nearly every edge) comes as None: no string made for it
            out, inc, props = adjacency(db.execute(
                "SELECT source, type, target, CASE WHEN props = '{}' THEN NULL ELSE props END "
                "FROM edges ORDER BY rowid"), loads, nodes)
        return GraphRead(nodes, out, inc, props)

    def shared_file(self) -> str | None:
        """See :meth:`GraphStore.shared_file`: the store's file, unless it is in memory or the
        calling thread is inside a transaction."""
        if self.path is None or (self._depth and self._owner == threading.get_ident()):
            return None
        return str(self.path)

    @contextmanager
    def pinned(self) -> Iterator[PinnedFileRead]:
        """One read transaction held open for the block: every read of the yielded
        :class:`PinnedFileRead` sees the same commit of the file, whatever is written meanwhile (for
        a reader that reads in parts, or beside another process). File stores only, outside a
        transaction of the calling thread (whose writes another process could not see):
        StoreError otherwise, and SQLite failures as StoreError."""
        if self.shared_file() is None:
            raise StoreError(f"{self.location}: no shareable snapshot (an in-memory store, or inside a transaction)")
        with self._snapshot() as db:
            yield PinnedFileRead(db, self.location)

    @contextmanager
    def commits_watched(self) -> Iterator[Callable[[], bool]]:
        """A function ``changed()`` that answers whether any connection (of this process or
        another) committed to the file since the block began (``PRAGMA data_version`` of one
        read-only connection kept for the block; callable from any thread). File stores only:
        StoreError for an in-memory store; SQLite failures as StoreError."""
        if self.path is None:
            raise StoreError(f"{self.location}: an in-memory store has no commits to watch")
        db = self._take_reader()
        try:
            start = db.execute("PRAGMA data_version").fetchone()[0]
            yield lambda: db.execute("PRAGMA data_version").fetchone()[0] != start
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc
        finally:
            self._give_reader(db)

    def count_nodes_by(self, prop: str) -> dict[tuple[str, Any], int]:
        """See :meth:`GraphStore.count_nodes_by`: one ``GROUP BY`` over the nodes' JSON for text,
        booleans, null and missing values (the JSON path is a parameter); the nodes whose value
        is a number, an array or an object (rare) are decoded in Python, so that every value is
        the one ``node.props.get`` gives (SQLite would turn an integer beyond 64 bits into a
        float). A property name that is not a plain word is counted by the default (a Python
        pass). Both streamed beside point reads, as :meth:`iter_nodes`."""
        if not _PLAIN_KEY.fullmatch(prop):
            return super().count_nodes_by(prop)
        path = f'$."{prop}"'
        decoded = "('integer', 'real', 'array', 'object')"
        groups: list[tuple[str, str, Any, int]] = []  # (first id, kind, value, n)
        for kind, jtype, value, n, first in self._bulk_rows(
                "SELECT kind, json_type(props, ?1) AS jt, json_extract(props, ?1) AS v, count(*), min(id) "
                f"FROM nodes WHERE jt IS NULL OR jt NOT IN {decoded} GROUP BY kind, jt, v", (path,)):
            if jtype == "true" or jtype == "false":
                value = jtype == "true"
            groups.append((first, kind, value, n))
        others: dict[tuple[str, Any], list] = {}
        for nid, kind, text in self._bulk_rows(
                f"SELECT id, kind, props FROM nodes WHERE json_type(props, ?1) IN {decoded} ORDER BY id", (path,)):
            value = self._loads(text).get(prop)
            key = (kind, tuple(value) if isinstance(value, list) else value)
            seen = others.get(key)
            if seen is None:
                others[key] = [nid, 1]
            else:
                seen[1] += 1
        groups += [(first, kind, value, n) for (kind, value), (first, n) in others.items()]
        groups.sort(key=lambda g: g[0])
        counts: dict[tuple[str, Any], int] = {}
        for _first, kind, value, n in groups:
            key = (kind, value)
            counts[key] = counts.get(key, 0) + n
        return counts

    def count_edges_by_type(self) -> dict[str, int]:
        """See :meth:`GraphStore.count_edges_by_type` (one ``GROUP BY``)."""
        return dict(self._bulk_rows("SELECT type, count(*) FROM edges GROUP BY type"))

    def count_nodes(self, kind: str | None = None) -> int:
        if kind is None:
            return self._rows("SELECT count(*) FROM nodes")[0][0]
        return self._rows("SELECT count(*) FROM nodes WHERE kind=?", (kind,))[0][0]

    def count_edges(self, type: str | None = None) -> int:
        if type is None:
            return self._rows("SELECT count(*) FROM edges")[0][0]
        return self._rows("SELECT count(*) FROM edges WHERE type=?", (type,))[0][0]

    def find_by_code(self, code: str) -> list[Node]:
        cache = self._cached()
        return [self._node(cache, k, c, p) for k, c, p in
                self._rows(f"SELECT {_NODE_COLS} FROM nodes WHERE code=? ORDER BY id", (code,))]


@contextmanager
def pinned_file(path: str | Path) -> Iterator[PinnedFileRead]:
    """:meth:`EmbeddedStore.pinned` of the store file at ``path`` without opening the store
    (nothing is written, no schema is checked: for a helper process reading a store that its
    parent opened). StoreError when the file cannot be read as SQLite."""
    uri = f"file:{urllib.parse.quote(str(Path(path).resolve()))}?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as exc:
        raise _store_error(Path(path), exc) from exc
    try:
        db.execute("BEGIN")
        yield PinnedFileRead(db, str(path))
    except sqlite3.Error as exc:
        raise _store_error(Path(path), exc) from exc
    finally:
        db.close()  # ends the read transaction


class PinnedFileRead:
    """``graph.store.PinnedRead`` of a store file: the reads of one read transaction
    (:meth:`EmbeddedStore.pinned`, :func:`pinned_file`); the snapshot is taken when this object is
    made, and every read sees it."""

    def __init__(self, db: sqlite3.Connection, location: str):
        self._db, self.location = db, location
        db.execute("SELECT 1 FROM nodes LIMIT 1").fetchall()  # the first read fixes the snapshot
        self._loads = _load if _marked(db) else _load_unmarked  # see EmbeddedStore._connect_ro

    def read_graph(self, out_types: Collection[str], in_types: Collection[str], *,
                   bare_kinds: Collection[str] = (), bare_props: dict | None = None) -> GraphRead:
        """:meth:`EmbeddedStore.read_graph` with only some adjacency: every node, and the out-lists
        (``GraphRead.out``) of the edge types ``out_types`` and the in-lists (``GraphRead.inc``) of
        ``in_types`` only, each of those types present as a key (an empty dict when the type has
        no edge); ``edge_props`` of the edges of those types. The lists are those of ``read_graph``
        (filed by the same `graph.store.adjacency`); nothing else is filed (at 1M nodes filing an edge end
        costs about as much as fetching the edge). The nodes of ``bare_kinds`` get ``bare_props``
        (one object for all) instead of their properties, which are then neither fetched nor
        decoded: for a reader that never looks at them."""
        loads = self._loads
        nodes: dict[str, Node] = {}
        db = self._db
        bare = list(bare_kinds)
        for k, c, p in db.execute(
                f"SELECT kind, code, CASE WHEN kind {_IN_IDS} THEN NULL ELSE props END FROM nodes ORDER BY id",
                (_ids(bare),)):
            n = Node(k, c, loads(p) if p is not None else bare_props)  # type: ignore[arg-type]
            nodes[n.id] = n
        out, inc, props = adjacency(db.execute(
            "SELECT source, type, target, CASE WHEN props = '{}' THEN NULL ELSE props END "
            f"FROM edges WHERE type {_IN_IDS} ORDER BY rowid", (_ids(sorted({*out_types, *in_types})),)),
            loads, nodes, only=(out_types, in_types))
        return GraphRead(nodes, out, inc, props)

    def edges_at(self, node_id: str, edge_type: str, direction: str) -> list[tuple[str, dict[str, Any]]]:
        """``(other end, props)`` of the ``edge_type`` edges leaving (``"out"``) or entering
        (``"in"``) ``node_id``, by other end's id: one range read of an edge index, whether or not
        the other end is a node."""
        if direction == "out":
            sql = "SELECT target, props FROM edges WHERE source = ? AND type = ? ORDER BY target"
        elif direction == "in":
            sql = "SELECT source, props FROM edges WHERE target = ? AND type = ? ORDER BY source"
        else:
            raise ValueError(f"direction must be 'out' or 'in', not {direction!r}")
        loads = self._loads
        return [(other, {} if p == "{}" else loads(p)) for other, p in self._db.execute(sql, (node_id, edge_type))]
