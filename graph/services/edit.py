"""Edits of single nodes and edges — create, replace, merge, delete — and workbook loads, made safe
for many threads and recorded in an audit trail. The API and the UI write only through here.

Validation is the one ingest applies: a property the kind's schema types (a date, a number, a
controlled value such as ``layer`` or ``status``; see ``ontology.properties``) is parsed by the same
parser and stored normalised (``"学校"`` → ``"school"``, ``"2025年12月"`` → ``"2025-12-31"``); ``name``
and the contract's other required properties must be present; then the store's own validation
(``graph.model.validate_node`` / ``validate_edge``: kind, code, controlled values, edge domain
and range) and, for chain edges (``decomposes_to``, ``implemented_by``, ``includes``), a cycle
check: chains stay a DAG. Failures raise :class:`FieldValidationError` (a ``ValidationError``
whose ``field`` names the offending input: ``id``, ``props.layer``, ``type``, ``target`` …).

Concurrency: :class:`ConcurrentStore` wraps a store with a readers–writer lock (reads share it,
writes and transactions hold it alone, re-entrantly), so reads never see a half-applied write and
two writes never interleave. Every :class:`Editor` operation is one read–modify–write under the
write lock and inside one store transaction, so concurrent edits never lose an update. The node
written (for an edge, its source) is read with ``get_node_for_update``, which on a store shared
between processes (Neo4j behind several API workers) locks it in the database until the
transaction ends: the version check and the write are one transaction there too.

Revisions: every transaction through a :class:`ConcurrentStore` whose store keeps a journal is
recorded as one revision of it, in the same transaction (``graph.history.recorder``; the wrapper
tells its recorder about every write). Editor operations say who wrote and from what
(``recording``); docs/history.md describes the model.

Versions: a node's version (its ETag) is a hash of its content (:func:`node_version`); a write
given ``if_match`` proceeds only when the node's current version is one of those listed (``*``:
any existing node), else it raises :class:`VersionConflictError` and changes nothing.

Audit trail: every successful write appends one JSON line ``{"at": UTC ISO time, "who": token
name, "op": "node.put" | "node.patch" | "node.delete" | "edge.put" | "edge.patch" | "edge.delete" |
"load", "id": node id or "source -type-> target" (null for a load), "before": the node or edge
before (null when created), "after": after (null when deleted)}``; a node delete also lists the
``edges`` it removed; a load records ``files`` and the report's counts. The line is written inside
the write's transaction: if it cannot be written, the write is undone.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field as _field
from pathlib import Path
from typing import Any, TypeVar

try:  # POSIX: the audit trail's appends are locked across processes
    import fcntl
except ImportError:  # pragma: no cover - Windows: O_APPEND alone
    fcntl = None  # type: ignore[assignment]

from graph.errors import (IqaError, NotFoundError, StoreError, StoreFullError, StoreReadOnlyError,
                          ValidationError)
from graph.files import private_file
from graph.history.model import journal_of
from graph.history.recorder import Recorder
from graph.model import Edge, Node, split_id, validate_edge, validate_node
from graph.services.chains import DOWN_EDGES, closes_cycle
from graph.services.resolve import suggest
from graph.values import PARSERS, BadValue, blank, code_problem, name_problem, parse_threshold, value_problem
from graph.store import CAP_SHARED, Direction, GraphStore
from ontology import get_ontology
from ontology.properties import PROPERTIES, required_properties

R = TypeVar("R")

#: Node properties every node must have (non-blank), besides those its workbook sheet requires.


class FieldValidationError(ValidationError):
    """Invalid input; ``field`` names it: ``id``, ``props.<name>``, ``source``, ``type``, ``target``."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class VersionConflictError(IqaError):
    """A write based on a stale version: ``current`` is the node's version now (None when the
    node does not exist)."""

    def __init__(self, message: str, current: str | None):
        super().__init__(message)
        self.current = current


class ConflictError(IqaError):
    """A create-only write (``If-None-Match: *``) of a node that already exists."""


# ============================================================================ locking
class ReadWriteLock:
    """Many readers or one writer. The writer may re-enter ``write()`` and may ``read()``;
    waiting writers go before new readers (so a stream of reads cannot starve a write).
    A reader must not nest ``read()`` or take ``write()``."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None
        self._depth = 0
        self._waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                counted = False
            else:
                while self._writer is not None or self._waiting:
                    self._cond.wait()
                self._readers += 1
                counted = True
        try:
            yield
        finally:
            if counted:
                self._leave_read()

    @contextmanager
    def read_if_free(self) -> Iterator[bool]:
        """The shared lock if it can be had without waiting: yields True holding it, False (not
        holding it) when a writer holds the lock or waits for it, or when the caller holds it
        already as the writer (re-entering is :meth:`read`'s business)."""
        with self._cond:
            free = self._writer is None and not self._waiting
            if free:
                self._readers += 1
        try:
            yield free
        finally:
            if free:
                self._leave_read()

    def _leave_read(self) -> None:
        with self._cond:
            self._readers -= 1
            if not self._readers:
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                self._depth += 1
            else:
                self._waiting += 1
                try:
                    while self._writer is not None or self._readers:
                        self._cond.wait()
                finally:
                    self._waiting -= 1
                self._writer, self._depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if not self._depth:
                    self._writer = None
                    self._cond.notify_all()


def merge_patch(props: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` with ``changes`` merged in (JSON merge patch, RFC 7396, one level: a ``None``
    value removes the property); neither argument is modified."""
    merged = dict(props)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


@dataclass
class ChangeSet:
    """What writes touched: ``nodes`` (ids written or deleted), ``deleted`` (ids deleted — their
    edges went with them; a deleted id may have been written again since), ``edges`` (``(source,
    type, target)`` keys written or deleted). It over-approximates — a write later undone (its
    transaction rolled back), a node written with the same content, are still listed — so a reader
    re-reads what it names from the store. ``unknown``: the writes are not known one by one (a
    ``clear``, a refresh after another process wrote, more than :attr:`LIMIT` ids): treat
    everything as changed."""

    nodes: set[str] = _field(default_factory=set)
    deleted: set[str] = _field(default_factory=set)
    edges: set[tuple[str, str, str]] = _field(default_factory=set)
    unknown: bool = False

    #: Ids (nodes + edges) beyond which a change set stops listing them and becomes ``unknown``.
    LIMIT = 2000

    def __len__(self) -> int:
        return len(self.nodes) + len(self.edges)

    def _check_size(self) -> None:
        if len(self) > self.LIMIT:
            self.forget()

    def forget(self) -> None:
        """Become ``unknown`` (the ids are dropped)."""
        self.unknown = True
        self.nodes, self.deleted, self.edges = set(), set(), set()

    def add_nodes(self, ids: Iterable[str], *, deleted: bool = False) -> None:
        if self.unknown:
            return
        ids = list(ids)
        self.nodes.update(ids)
        if deleted:
            self.deleted.update(ids)
        self._check_size()

    def add_edges(self, keys: Iterable[tuple[str, str, str]]) -> None:
        if self.unknown:
            return
        self.edges.update(keys)
        self._check_size()

    def update(self, other: ChangeSet) -> None:
        """Add what ``other`` lists (``unknown`` when either is)."""
        if self.unknown or other.unknown:
            self.forget()
            return
        self.nodes |= other.nodes
        self.deleted |= other.deleted
        self.edges |= other.edges
        self._check_size()


class ConcurrentStore(GraphStore):
    """A :class:`GraphStore` safe to share between threads: every read method runs under the shared
    lock, every write and ``transaction()`` under the exclusive one (``lock``). Iterators are read
    whole under the lock, then yielded. ``inner`` is the wrapped store.

    ``reading()`` holds the shared lock for a whole computation and yields ``inner``: a consistent
    view without a lock per call. ``generation`` counts the writes made through this wrapper, and
    ``memo(key, build)`` keeps one value (an index, say) per key until the next write — and, on a
    store other processes write too (``CAP_SHARED``: Neo4j served by several workers), for at most
    :attr:`SHARED_MEMO_SECONDS`, since their writes do not pass through this wrapper.
    ``changes_since(generation)`` says what the writes since then touched (a :class:`ChangeSet`),
    when it is known.

    The lock serialises the threads of ONE process. Across processes, :class:`Editor` relies on
    the store: ``get_node_for_update`` inside ``transaction()`` locks the node in the database."""

    #: How long a memo is trusted on a store shared between processes.
    SHARED_MEMO_SECONDS = 2.0
    #: How many generations ``changes_since`` can look back.
    CHANGES_KEPT = 256

    def __init__(self, inner: GraphStore):
        self.inner = inner
        self.lock = ReadWriteLock()
        self.capabilities = inner.capabilities  # type: ignore[misc]
        self.location = inner.location
        self.backend = inner.backend
        self.generation = 0
        self._memo: dict[str, tuple[int, float, Any]] = {}
        self._shared = CAP_SHARED in inner.capabilities
        self._memo_lock = threading.Lock()
        #: (generation, what the writes that made it touched), the last CHANGES_KEPT generations.
        self._changes: deque[tuple[int, ChangeSet]] = deque(maxlen=self.CHANGES_KEPT)
        self._pending = ChangeSet()  # what the writes under way touched (the writer's own)
        journal = journal_of(inner)
        #: Turns each transaction's writes into one revision of the store's journal (graph/history).
        self.recorder: Recorder | None = Recorder(inner, journal) if journal is not None else None

    @contextmanager
    def reading(self) -> Iterator[GraphStore]:
        """The wrapped store, under the shared lock until the block ends (do not write in it). What
        another process committed is read first (:meth:`refresh`)."""
        self.refresh()
        with self.lock.read():
            yield self.inner

    def read_now(self, fn: Callable[[GraphStore], R]) -> R | None:
        """``fn(inner)`` under the shared lock, if that needs no waiting: None (``fn`` not run) when
        a write holds or awaits the lock, when another thread is using the store's connection
        (``GraphStore.held_if_free``: a long traversal), or when another process has committed
        since the last look (:meth:`refresh` then has to swap under the exclusive lock). For
        callers that must not block — the API's event loop — and run ``fn`` the usual way
        (:meth:`reading`) on None. Errors of ``fn`` are raised."""
        with self.lock.read_if_free() as free, self.inner.held_if_free() as held:
            if not (free and held) or self.inner.stale():
                return None
            return fn(self.inner)

    def stale(self) -> bool:
        with self.lock.read():
            return self.inner.stale()

    def refresh(self) -> bool:
        """Read again what another process committed (``GraphStore.refresh``), under the exclusive
        lock so no reader sees the swap; a cheap check under the shared lock first. True when the
        data was read again (the memos are then dropped). StoreError when the store cannot be read."""
        if not self.stale():
            return False
        with self._writing():
            self._pending.forget()  # another process wrote: what, this one does not know
            return self.inner.refresh()

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """The value ``build()`` made for ``key`` since the last write, made now if there is none.
        Call it under ``reading()`` (or the write lock) so no write happens meanwhile."""
        generation, now = self.generation, time.monotonic()
        with self._memo_lock:
            hit = self._memo.get(key)
        if hit is not None and hit[0] == generation and not (self._shared and now - hit[1] > self.SHARED_MEMO_SECONDS):
            return hit[2]
        value = build()
        with self._memo_lock:
            self._memo[key] = (generation, now, value)
        return value

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self.lock.write():
            try:
                yield
            finally:
                self.generation += 1
                self._changes.append((self.generation, self._pending))
                self._pending = ChangeSet()

    def changes_since(self, generation: int) -> ChangeSet | None:
        """What the writes through this wrapper after ``generation`` touched (one ChangeSet, a
        new object), or None when that is not known: the store is shared with other processes
        (``CAP_SHARED``), ``generation`` is older than the last :attr:`CHANGES_KEPT` generations or
        not one of this wrapper, or a write was not tracked id by id (``ChangeSet.unknown``: a
        ``clear``, a refresh, a big load). Call it under ``reading()`` (no write meanwhile)."""
        if self._shared or generation > self.generation:
            return None
        out = ChangeSet()
        if generation == self.generation:
            return out
        kept = [c for g, c in self._changes if g > generation]
        if len(kept) != self.generation - generation:
            return None
        for c in kept:
            out.update(c)
            if out.unknown:
                return None
        return out

    # -- writes (each one transaction, so the recorder writes its revision with it) -----------
    def upsert_nodes(self, nodes: Iterable[Node]) -> int:
        with self.transaction():
            nodes = list(nodes)
            if self.recorder is not None:
                self.recorder.nodes_written(nodes)
            self._pending.add_nodes(n.id for n in nodes)
            written = self.inner.upsert_nodes(nodes)
            if self.recorder is not None:
                self.recorder.nodes_done(nodes)
            return written

    def upsert_edges(self, edges: Iterable[Edge]) -> int:
        with self.transaction():
            edges = list(edges)
            if self.recorder is not None:
                self.recorder.edges_written(edges)
            self._pending.add_edges(e.key for e in edges)
            written = self.inner.upsert_edges(edges)
            if self.recorder is not None:
                self.recorder.edges_done(edges)
            return written

    def delete_node(self, node_id: str) -> bool:
        with self.transaction():
            if self.recorder is not None and self.inner.get_node(node_id) is not None:
                self.recorder.node_deleting(node_id)
            self._pending.add_nodes([node_id], deleted=True)
            return self.inner.delete_node(node_id)

    def delete_edge(self, source: str, type: str, target: str) -> bool:
        with self.transaction():
            if self.recorder is not None and self.inner.get_edge(source, type, target) is not None:
                self.recorder.edge_deleting((source, type, target))
            self._pending.add_edges([(source, type, target)])
            return self.inner.delete_edge(source, type, target)

    def clear(self) -> None:
        with self.transaction():
            if self.recorder is not None:
                self.recorder.clearing()
            self._pending.forget()
            self.inner.clear()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._writing(), self.inner.transaction():
            if self.recorder is None:
                yield
            else:
                with self.recorder.scope():
                    yield

    @contextmanager
    def recording(self, *, who: str | None = None, source: str | None = None,
                  files: list[dict[str, str]] | None = None) -> Iterator[Recorder | None]:
        """One transaction whose revision says ``who`` wrote, from what ``source`` (a command, a
        route) and which ``files`` (``[{"name", "sha256"}]``); yields the recorder (None when the
        store keeps no journal), whose ``describe`` can add what is known only later."""
        with self.transaction():
            if self.recorder is not None:
                self.recorder.describe(who=who, source=source, files=files)
            yield self.recorder

    # -- reads -------------------------------------------------------------------------------
    def get_node(self, node_id: str) -> Node | None:
        with self.lock.read():
            return self.inner.get_node(node_id)

    def get_node_for_update(self, node_id: str) -> Node | None:
        with self.lock.write():
            return self.inner.get_node_for_update(node_id)

    def get_edge(self, source: str, type: str, target: str) -> Edge | None:
        with self.lock.read():
            return self.inner.get_edge(source, type, target)

    def neighbors(self, node_id: str, types: Collection[str] | None = None,
                  direction: Direction = "out") -> list[tuple[Edge, Node]]:
        with self.lock.read():
            return self.inner.neighbors(node_id, types, direction)

    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]:
        with self.lock.read():
            nodes = list(self.inner.iter_nodes(kind))
        yield from nodes

    def iter_edges(self, type: str | None = None) -> Iterator[Edge]:
        with self.lock.read():
            edges = list(self.inner.iter_edges(type))
        yield from edges

    def count_nodes_by(self, prop):
        with self.lock.read():
            return self.inner.count_nodes_by(prop)

    def count_edges_by_type(self):
        with self.lock.read():
            return self.inner.count_edges_by_type()

    def read_graph(self):
        with self.lock.read():
            return self.inner.read_graph()

    def traverse(self, seeds, steps, max_depth=None):
        with self.lock.read():
            return self.inner.traverse(seeds, steps, max_depth)

    def count_nodes(self, kind: str | None = None) -> int:
        with self.lock.read():
            return self.inner.count_nodes(kind)

    def count_edges(self, type: str | None = None) -> int:
        with self.lock.read():
            return self.inner.count_edges(type)

    def find_by_code(self, code: str) -> list[Node]:
        with self.lock.read():
            return self.inner.find_by_code(code)

    def close(self) -> None:
        with self.lock.write():
            self.inner.close()


def concurrent(store: GraphStore) -> ConcurrentStore:
    """``store`` wrapped in a :class:`ConcurrentStore` (returned as is when it already is one)."""
    return store if isinstance(store, ConcurrentStore) else ConcurrentStore(store)


# ============================================================================ audit trail
def utc_now() -> str:
    """The current UTC time as ISO 8601 with ``Z`` (milliseconds)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _audit_error(path: Path, exc: OSError) -> StoreError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return StoreFullError(f"{path}: the disk is full; the audit trail cannot be written, so nothing was written")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreReadOnlyError(f"{path}: the audit trail cannot be written ({reason}); nothing was written")
    return StoreError(f"{path}: the audit trail cannot be written ({reason}); nothing was written")


def _append_line(path: Path, data: bytes) -> None:
    """Append ``data`` (one whole line) to ``path`` so that processes writing the same trail never
    interleave their lines: one ``O_APPEND`` write under an exclusive ``flock`` (where the system
    has it), then fsync. OSError as the system raises it."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:  # a regular file takes it in one write; loop in case the system splits it
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock


class AuditLog:
    """An append-only JSON-lines audit trail at ``path`` (created with its folder on first write),
    or in memory when ``path`` is None. Thread-safe. Lines that cannot be parsed (a line cut by a
    crash) are skipped when reading."""

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._memory: list[str] = []

    def append(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """Append ``entry`` (``at`` added when missing) and return it; StoreError when the file
        cannot be written (StoreFullError for a full disk, StoreReadOnlyError when not permitted)."""
        record = {"at": utc_now(), **entry}
        line = json.dumps(record, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
        with self._lock:
            if self.path is None:
                self._memory.append(line)
            else:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    private_file(self.path)
                    _append_line(self.path, (line + "\n").encode("utf-8"))
                except OSError as exc:
                    raise _audit_error(self.path, exc) from exc
        return record

    def _lines(self) -> list[str]:
        with self._lock:
            if self.path is None:
                return list(self._memory)
            try:
                return self.path.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError:
                return []

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first."""
        out = []
        for line in self._lines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                out.append(record)
        return out

    def read(self, *, limit: int = 100, offset: int = 0, who: str | None = None, op: str | None = None,
             node: str | None = None) -> dict[str, Any]:
        """``{"total", "limit", "offset", "items"}``: entries newest first, optionally only those by
        ``who``, of operation ``op`` (``node.patch``; a prefix such as ``node`` matches every node
        operation), or about node ``node`` (its node writes and the edges at it)."""
        items = self.entries()
        items.reverse()
        if who is not None:
            items = [e for e in items if e.get("who") == who]
        if op is not None:
            items = [e for e in items if e.get("op") == op or str(e.get("op", "")).startswith(op + ".")]
        if node is not None:
            items = [e for e in items if _mentions(e, node)]
        return {"total": len(items), "limit": limit, "offset": offset, "items": items[offset:offset + limit]}


def _mentions(entry: Mapping[str, Any], node: str) -> bool:
    if entry.get("id") == node:
        return True
    for side in ("before", "after"):
        value = entry.get(side)
        if isinstance(value, dict) and node in (value.get("source"), value.get("target")):
            return True
    return False


# ============================================================================ versions
def node_version(node: Node) -> str:
    """The version of a node's content (kind, code, properties): 20 hex digits of a SHA-256; the
    same content has the same version everywhere, so it survives restarts and outside loads."""
    data = json.dumps(node.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


def parse_etags(header: str) -> list[str] | None:
    """An ``If-Match`` header: None for ``*``, else the versions listed (quotes and a ``W/`` weak
    marker removed)."""
    if header.strip() == "*":
        return None
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.append(tag.strip('"'))
    return [t for t in tags if t]


def _check_if_match(node: Node | None, node_id: str, if_match: str | None) -> None:
    if if_match is None:
        return
    current = node_version(node) if node is not None else None
    wanted = parse_etags(if_match)
    if current is None:
        raise VersionConflictError(f"{node_id} does not exist, but the write was based on a version of it "
                                   "(If-Match)", None)
    if wanted is not None and current not in wanted:
        raise VersionConflictError(f"{node_id} has changed since version {', '.join(wanted) or '(none)'}: it is "
                                   f"now {current}; read it again and re-apply the change", current)


# ============================================================================ validation
def _parsers_for(kind: str) -> tuple[dict[str, Callable[[object], object]], tuple[str, ...]]:
    """Value parsers by property and required properties of ``kind``, from its property schema
    (``ontology.properties``, the same the workbook contract reads)."""
    parsers = {prop: PARSERS[spec.value] for prop, spec in PROPERTIES.get(kind, {}).items() if spec.value != "text"}
    return parsers, required_properties(kind)


def _printed_threshold(kind: str, key: str, value: Any, props: Mapping[str, Any]) -> dict[str, Any]:
    """A threshold written as printed (``≥95%``, ``70%以上``, ``是``, ``—``) as ingest stores it: the
    value, the text as written in ``<key>_text``, and the direction and unit the printing carries
    when ``props`` does not state them; {} for a plain value (parsed as usual). Raises BadValue."""
    spec = PROPERTIES.get(kind, {}).get(key)
    if spec is None or spec.value not in ("threshold", "target"):
        return {}
    try:
        th = parse_threshold(value)
    except BadValue:
        if spec.value == "target":
            return {}
        raise
    if th.plain:
        return {}
    out: dict[str, Any] = {key: th.value, f"{key}_text": th.text}
    if th.direction and blank(props.get("direction")) and "direction" in PROPERTIES.get(kind, {}):
        out["direction"] = th.direction
    if th.unit and blank(props.get("unit")) and "unit" in PROPERTIES.get(kind, {}):
        out["unit"] = th.unit
    return out


def _check_text(node_id: str, field: str, value: Any) -> None:
    """FieldValidationError naming ``field`` for a value no store can carry: a non-finite number
    (NaN, Infinity), a control character other than tab and line breaks (``graph.values.value_problem``)."""
    if (why := value_problem(value)) is not None:
        raise FieldValidationError(f"{node_id}: {field} {why}", field)


def prepare_node(node_id: str, props: Mapping[str, Any]) -> Node:
    """The node ``node_id`` with ``props`` parsed and validated as ingest does (see the module
    docstring). Raises FieldValidationError naming ``id`` or ``props.<name>``."""
    try:
        kind, code = split_id(node_id)
    except ValidationError as exc:
        raise FieldValidationError(str(exc), "id") from None
    onto = get_ontology()
    if kind not in onto.kinds:
        raise FieldValidationError(f"unknown node kind {kind!r} in {node_id!r} (known: {', '.join(sorted(onto.kinds))})",
                                   "id")
    if code != code.strip():
        raise FieldValidationError(f"{node_id}: the code must not start or end with blanks", "id")
    if (why := code_problem(code)) is not None:
        raise FieldValidationError(f"{node_id[:80]}: {why}", "id")
    parsers, required = _parsers_for(kind)
    clean: dict[str, Any] = {}
    for key, value in props.items():
        if not isinstance(key, str) or not key.strip():
            raise FieldValidationError(f"{node_id}: property names must be non-empty text", "props")
        _check_text(node_id, "props", key)
        _check_text(node_id, f"props.{key}", value)
        parse = parsers.get(key)
        if parse is not None and isinstance(value, list):
            raise FieldValidationError(f"{node_id}: {key} takes one value, not a list", f"props.{key}")
        if parse is not None and value is not None:
            try:
                printed = _printed_threshold(kind, key, value, props)
                if printed:
                    clean.update(printed)
                    continue
                value = parse(value)
            except BadValue as exc:
                raise FieldValidationError(f"{node_id}: {key}: {exc}", f"props.{key}") from None
        clean[key] = value
    for key in required:
        if blank(clean.get(key)):
            raise FieldValidationError(f"{node_id}: property {key!r} is required", f"props.{key}")
    if (why := name_problem(clean.get("name"))) is not None:
        raise FieldValidationError(f"{node_id}: {why}", "props.name")
    node = Node(kind, code, clean)
    try:
        validate_node(node, onto)
    except ValidationError as exc:
        raise FieldValidationError(str(exc), _failing_prop(node)) from None
    return node


def _failing_prop(node: Node) -> str:
    for key, value in node.props.items():
        try:
            validate_node(Node(node.kind, node.code, {key: value}))
        except ValidationError:
            return f"props.{key}"
    return "id"


def _validate_edge(store: GraphStore, edge: Edge) -> None:
    label = _edge_label(edge.source, edge.type, edge.target)
    for key, value in edge.props.items():
        _check_text(label, "props", key)
        _check_text(label, f"props.{key}", value)
    ends = {}
    for field, end in (("source", edge.source), ("target", edge.target)):
        node = store.get_node(end)
        if node is None:
            hints = suggest(store, end.partition(":")[2] or end)
            raise NotFoundError(f"edge {edge.source} -{edge.type}-> {edge.target}: no node {end}"
                                + (f"; did you mean {', '.join(hints)}?" if hints else ""), hints)
        ends[field] = node
    onto = get_ontology()
    et = onto.edge_types.get(edge.type)
    if et is None:
        raise FieldValidationError(f"unknown edge type {edge.type!r} (known: {', '.join(sorted(onto.edge_types))})",
                                   "type")
    try:
        validate_edge(edge, ends["source"].kind, ends["target"].kind, onto)
    except ValidationError as exc:
        field = ("source" if ends["source"].kind not in et.domain else
                 "target" if ends["target"].kind not in et.range else "props")
        raise FieldValidationError(str(exc), field) from None
    if edge.type in DOWN_EDGES and closes_cycle(store, edge.source, edge.target):
        raise FieldValidationError(f"{edge.source} -{edge.type}-> {edge.target} would close a cycle: "
                                   f"{edge.target} already leads down to {edge.source} (chains must stay a DAG)",
                                   "target")


def _edge_label(source: str, type: str, target: str) -> str:
    return f"{source} -{type}-> {target}"


# ============================================================================ the editor
class Editor:
    """Validated, locked, audited writes to one store.

    ``store`` is wrapped in a :class:`ConcurrentStore` (use :attr:`store` for reads that must not
    race with writes); ``audit`` receives one entry per successful write (default: in memory).
    Each method takes ``who`` (recorded in the trail) and returns plain data.
    """

    def __init__(self, store: GraphStore, audit: AuditLog | None = None):
        self.store = concurrent(store)
        self.audit = audit or AuditLog(None)

    @contextmanager
    def _writing(self, who: str = "", source: str = "", files: list[dict[str, str]] | None = None) -> Iterator[None]:
        """One read–modify–write: the exclusive lock and one store transaction, recorded as one
        revision by ``who`` from ``source`` (graph/history)."""
        with self.store.recording(who=who or None, source=source or None, files=files):
            yield

    def _existing(self, node_id: str) -> Node:
        """The node, locked for this write (``get_node_for_update``); NotFoundError with hints."""
        node = self.store.get_node_for_update(node_id)
        if node is None:
            try:
                kind, code = split_id(node_id)
            except ValidationError as exc:
                raise FieldValidationError(str(exc), "id") from None
            hints = suggest(self.store, code, kind if kind in get_ontology().kinds else None)
            raise NotFoundError(f"no node {node_id}" + (f"; did you mean {', '.join(hints)}?" if hints else ""), hints)
        return node

    # -- nodes -------------------------------------------------------------------------------
    def put_node(self, node_id: str, props: Mapping[str, Any], *, who: str, if_match: str | None = None,
                 if_none_match: str | None = None) -> tuple[Node, bool]:
        """Create node ``node_id`` (``Kind:code``) or replace its properties whole; returns
        ``(node, created)``. Its edges are kept. ``if_match``: the write proceeds only if the node
        exists at one of these versions (``*``: exists at all); ``if_none_match="*"``: only if it
        does not exist yet. Raises FieldValidationError, VersionConflictError, ConflictError."""
        with self._writing(who, f"node.put {node_id}"):
            before = self.store.get_node_for_update(node_id)
            _check_if_match(before, node_id, if_match)
            if if_none_match is not None and if_none_match.strip() == "*" and before is not None:
                raise ConflictError(f"{node_id} already exists (If-None-Match: *)")
            node = prepare_node(node_id, props)
            self.store.upsert_nodes([node])
            self.audit.append({"who": who, "op": "node.put", "id": node.id,
                               "before": before.to_dict() if before else None, "after": node.to_dict()})
        return node, before is None

    def patch_node(self, node_id: str, changes: Mapping[str, Any], *, who: str,
                   if_match: str | None = None) -> Node:
        """Merge ``changes`` into the properties of node ``node_id`` (JSON merge patch: a ``None``
        value removes the property) and return the node. Raises NotFoundError (with suggestions),
        FieldValidationError, VersionConflictError."""
        with self._writing(who, f"node.patch {node_id}"):
            before = self._existing(node_id)
            _check_if_match(before, node_id, if_match)
            props = merge_patch(before.props, changes)
            node = prepare_node(node_id, props)
            if node.props != before.props:
                self.store.upsert_nodes([node])
                self.audit.append({"who": who, "op": "node.patch", "id": node.id,
                                   "before": before.to_dict(), "after": node.to_dict()})
        return node

    def delete_node(self, node_id: str, *, who: str, if_match: str | None = None) -> list[Edge]:
        """Delete node ``node_id`` and its edges; returns the edges removed. Raises NotFoundError,
        VersionConflictError."""
        with self._writing(who, f"node.delete {node_id}"):
            before = self._existing(node_id)
            _check_if_match(before, node_id, if_match)
            edges = [e for e, _ in self.store.neighbors(node_id, None, "both")]
            self.store.delete_node(node_id)
            self.audit.append({"who": who, "op": "node.delete", "id": node_id, "before": before.to_dict(),
                               "after": None, "edges": [e.to_dict() for e in edges]})
        return edges

    # -- edges -------------------------------------------------------------------------------
    def put_edge(self, source: str, type: str, target: str, props: Mapping[str, Any] | None = None, *,
                 who: str) -> tuple[Edge, bool]:
        """Create the edge ``source -type-> target`` or replace its properties; returns ``(edge,
        created)``. Raises NotFoundError for a missing endpoint, FieldValidationError (``type``,
        ``source``, ``target`` — including a chain edge that would close a cycle — or ``props``)."""
        with self._writing(who, f"edge.put {_edge_label(source, type, target)}"):
            self.store.get_node_for_update(source)  # serialises edits of this node's edges across processes
            edge = Edge(source, type, target, dict(props or {}))
            before = self.store.get_edge(source, type, target)
            _validate_edge(self.store, edge)
            self.store.upsert_edges([edge])
            self.audit.append({"who": who, "op": "edge.put", "id": _edge_label(source, type, target),
                               "before": before.to_dict() if before else None, "after": edge.to_dict()})
        return edge, before is None

    def patch_edge(self, source: str, type: str, target: str, changes: Mapping[str, Any], *, who: str) -> Edge:
        """Merge ``changes`` into the edge's properties (``None`` removes one). Raises NotFoundError
        when there is no such edge, FieldValidationError for bad values."""
        with self._writing(who, f"edge.patch {_edge_label(source, type, target)}"):
            self.store.get_node_for_update(source)
            before = self.store.get_edge(source, type, target)
            if before is None:
                raise NotFoundError(f"no edge {_edge_label(source, type, target)}")
            props = merge_patch(before.props, changes)
            edge = Edge(source, type, target, props)
            _validate_edge(self.store, edge)
            if props != before.props:
                self.store.upsert_edges([edge])
                self.audit.append({"who": who, "op": "edge.patch", "id": _edge_label(source, type, target),
                                   "before": before.to_dict(), "after": edge.to_dict()})
        return edge

    def delete_edge(self, source: str, type: str, target: str, *, who: str) -> Edge:
        """Delete one edge and return it; NotFoundError when there is no such edge."""
        with self._writing(who, f"edge.delete {_edge_label(source, type, target)}"):
            self.store.get_node_for_update(source)
            before = self.store.get_edge(source, type, target)
            if before is None:
                raise NotFoundError(f"no edge {_edge_label(source, type, target)}")
            self.store.delete_edge(source, type, target)
            self.audit.append({"who": who, "op": "edge.delete", "id": _edge_label(source, type, target),
                               "before": before.to_dict(), "after": None})
        return before

    # -- loads -------------------------------------------------------------------------------
    def apply_load(self, load: Callable[[GraphStore], R], *, who: str, files: Sequence[str],
                   counts: Callable[[R], Mapping[str, Any]], digests: list[dict[str, str]] | None = None,
                   source: str = "load") -> R:
        """Run ``load(store)`` as ONE write — under the write lock, in one store transaction — and
        record it in the audit trail as ``op: "load"`` with the file ``names`` and ``counts(result)``.
        Returns what ``load`` returns; whatever it raises undoes every write of it. The workbook
        reading and resolution live in ``ingest.upload.load_files``, which calls this. The load is
        one revision from ``source`` with ``digests`` (``[{"name", "sha256"}]``) as its files."""
        with self._writing(who, source, digests):
            result = load(self.store)
            self.audit.append({"who": who, "op": "load", "id": None, "before": None, "after": None,
                               "files": list(files), "report": dict(counts(result))})
        return result


__all__ = ["AuditLog", "ChangeSet", "ConcurrentStore", "ConflictError", "Editor", "FieldValidationError", "ReadWriteLock",
           "VersionConflictError", "concurrent", "node_version", "parse_etags", "prepare_node", "utc_now"]
