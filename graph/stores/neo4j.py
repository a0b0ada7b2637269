"""The Neo4j backend: a :class:`GraphStore` over the official ``neo4j`` Python driver.

Layout in the database
    Every node has two labels, its kind (``Target``) and ``IqaNode``, and the properties ``id``
    (``Kind:code``), ``code`` and its own properties. The relationship type is the edge type.
    The store owns the ``IqaNode`` label: ``clear()`` deletes ``IqaNode`` nodes only, so other data
    in the same database is left alone (but do not link ``IqaNode`` nodes to foreign nodes: the
    edge counts include every relationship leaving an ``IqaNode``).

Properties
    A property is stored as a native Neo4j property, under its own name, when Neo4j can give it
    back exactly: text, booleans, 64-bit integers, floats, and non-empty lists whose items all
    have one of those types. Everything else — ``None`` (Neo4j drops null properties), empty or
    mixed lists, lists holding ``None``, integers beyond 64 bits, and keys that clash with the
    store's own (``id``, ``code``, ``_props``) — goes into one property ``_props`` holding a JSON
    object. Reading merges both, so a node or edge reads back equal to what the embedded store
    gives (keys sorted). ``_props`` is absent when nothing needs it, so the graph stays readable
    and indexable in Neo4j Browser and Bloom.

Writes
    Validation (ontology, endpoint existence → NotFoundError) happens before anything is
    written, as in the embedded store; the one difference in order: an edge type that is not in
    the allow-list is refused before the endpoints are looked up (no query at all is sent), so an
    edge with both an unknown type and a missing endpoint raises ValidationError here and
    NotFoundError in the embedded store. Node and edge writes are ``UNWIND`` batches of
    ``batch_size`` rows (default 5,000), grouped by label / relationship type. Outside
    ``transaction()``, each call runs in ONE managed transaction (``session.execute_write``): the
    driver retries the whole unit of work on transient errors (deadlocks, leader switches, lost
    connections) for up to its ``max_transaction_retry_time`` (30 s by default); the unit of work
    is a pure function of its already-materialised input, so a retry writes the same rows again.
    Inside ``transaction()``, everything — writes AND reads — runs in one explicit driver
    transaction committed at the end of the outermost block (all or nothing); the driver does
    not retry explicit transactions, so a transient error there aborts the block with
    StoreError, nothing is written, and the caller reruns it (every write is an idempotent upsert).

Reads
    Each read is one Cypher statement (a managed read transaction, or the open transaction):
    nodes and edges are read in pages of ``batch_size`` (keyset paging on ``id``), counts come
    from Neo4j's count store, ``neighbors`` filters types with ``type(r) IN $types``,
    :meth:`Neo4jStore.traverse` (and so ``get_nodes``) is one statement whatever the depth, and
    :meth:`Neo4jStore.subgraph` fetches a bounded-depth neighbourhood in one such statement plus
    one per ``batch_size`` nodes for its edges. Node
    order is Neo4j's string order of ``id``, which equals Python's for every character of the
    Basic Multilingual Plane (all Chinese in common use).

Errors
    Driver and server errors become :class:`graph.errors.StoreError` (the driver's exception is
    its ``__cause__``); invalid data raises ValidationError / NotFoundError exactly as the
    embedded store does. A store is not thread-safe while a ``transaction()`` block is open.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

# The driver is the optional extra 'neo4j'; graph.stores.open_store turns this ImportError into StoreError.
from neo4j import GraphDatabase
from neo4j import exceptions as neo4j_errors

from graph.errors import NotFoundError, StoreError, ValidationError
from graph.model import Edge, Node, split_id, validate_edge, validate_node
from graph.subgraph import Step, Subgraph
from graph.store import CAP_PERSISTENT, CAP_SHARED, CAP_TRANSACTIONS, Direction, GraphStore
from graph.stores import neo4j_queries as q
from graph.stores.neo4j_journal import Neo4jJournal
from ontology import Ontology, get_ontology

T = TypeVar("T")
DEFAULT_BATCH_SIZE = 5000
_INT64 = (-(2**63), 2**63 - 1)
NODE_RESERVED = frozenset({"id", "code", q.PROPS_KEY})
EDGE_RESERVED = frozenset({q.PROPS_KEY})
#: Errors of the driver and the server that the store reports as StoreError.
DRIVER_ERRORS: tuple[type[BaseException], ...] = (neo4j_errors.Neo4jError, neo4j_errors.DriverError)


# -- property encoding --------------------------------------------------------------------------------
def _native_scalar(value: Any) -> bool:
    if isinstance(value, (bool, str, float)):
        return True
    return isinstance(value, int) and _INT64[0] <= value <= _INT64[1]


def is_native(value: Any) -> bool:
    """True when Neo4j stores ``value`` as a property and gives back an equal value of the same
    type: a bool, str, float, 64-bit int, or a non-empty list whose items share one of those types."""
    if isinstance(value, list):
        if not value:
            return False
        first = type(value[0])
        if first not in (bool, str, int, float):
            return False
        return all(type(v) is first and _native_scalar(v) for v in value)
    return _native_scalar(value)


def encode_props(props: dict[str, Any], reserved: Collection[str]) -> dict[str, Any]:
    """The Neo4j property map for ``props``: native values under their own key, the rest as a
    JSON object in ``_props`` (absent when empty). ``reserved`` keys always go to ``_props``."""
    native: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in props.items():
        if isinstance(key, str) and key and key not in reserved and is_native(value):
            native[key] = value
        else:
            extra[key] = value
    if extra:
        native[q.PROPS_KEY] = json.dumps(extra, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return native


def decode_props(stored: dict[str, Any], reserved: Collection[str]) -> dict[str, Any]:
    """Inverse of :func:`encode_props` (``reserved`` keys other than ``_props`` are dropped);
    keys sorted."""
    props = {k: v for k, v in stored.items() if k not in reserved}
    packed = stored.get(q.PROPS_KEY)
    if packed:
        props.update(json.loads(packed))
    return dict(sorted(props.items(), key=lambda kv: str(kv[0])))


def node_row(node: Node) -> dict[str, Any]:
    """The UNWIND row of a node: ``{"id", "props"}`` with ``props`` the full property map."""
    stored = encode_props(node.props, NODE_RESERVED)
    stored["id"] = node.id
    stored["code"] = node.code
    return {"id": node.id, "props": stored}


def edge_row(edge: Edge) -> dict[str, Any]:
    """The UNWIND row of an edge: ``{"source", "target", "props"}``."""
    return {"source": edge.source, "target": edge.target, "props": encode_props(edge.props, EDGE_RESERVED)}


def node_from_props(stored: dict[str, Any]) -> Node:
    """The Node a stored property map (``properties(n)``) stands for."""
    kind, code = split_id(stored["id"])
    return Node(kind, stored.get("code", code), decode_props(stored, NODE_RESERVED))


def traverse_types(steps: Collection[Step], onto: Ontology | None = None) -> tuple[list[str], list[str]]:
    """The ``out_types`` and ``in_types`` parameters of TRAVERSE for ``steps`` (each sorted, a
    "both" step in both): ``[("led_by", "out"), ("holds", "both")]`` → ``(["holds", "led_by"],
    ["holds"])``. Raises ValidationError for an edge type that is not an allowed relationship
    type or a direction other than "out", "in", "both"."""
    out_types: set[str] = set()
    in_types: set[str] = set()
    for step in steps:
        try:
            edge_type, direction = step
        except (TypeError, ValueError):
            raise ValidationError(f"a traversal step is an (edge type, direction) pair, not {step!r}") from None
        q.rel_type(edge_type, onto)
        if direction not in ("out", "in", "both"):
            raise ValidationError(f"direction must be out, in or both, not {direction!r}")
        if direction != "in":
            out_types.add(edge_type)
        if direction != "out":
            in_types.add(edge_type)
    return sorted(out_types), sorted(in_types)


def _chunks(rows: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _safe_uri(uri: str) -> str:
    """``uri`` without any ``user:password@`` part, for messages."""
    scheme, sep, rest = uri.partition("://")
    if sep and "@" in rest.split("/", 1)[0]:
        rest = rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"


class Neo4jStore(GraphStore):
    """A GraphStore in a Neo4j 5 database.

    ``driver``: a ``neo4j.Driver`` (the caller keeps ownership unless ``owns_driver``; close()
    closes it only then); ``database``: the database name (None = the server's default);
    ``batch_size``: rows per UNWIND and nodes per read page (≥ 1). ``onto`` is for tests.
    The constructor does not contact the server; :meth:`from_uri` does, and creates the schema.
    """

    capabilities = frozenset({CAP_TRANSACTIONS, CAP_PERSISTENT, CAP_SHARED})
    backend = "neo4j"

    def __init__(self, driver: Any, database: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE, *,
                 owns_driver: bool = False, location: str | None = None, onto: Ontology | None = None):
        if type(batch_size) is not int or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, not {batch_size!r}")
        self.onto = onto or get_ontology()
        self._driver = driver
        self.database = database
        self.batch_size = batch_size
        self._owns_driver = owns_driver
        self._bookmarks = getattr(driver, "execute_query_bookmark_manager", None)
        self._tx: Any = None
        self._session_in_tx: Any = None
        self._depth = 0
        self.location = (location or "neo4j") + (f" (database {database})" if database else "")
        #: The revisions of this store (graph/history), written in the store's transactions.
        self.journal = Neo4jJournal(self)

    # -- opening -------------------------------------------------------------------------------------
    @classmethod
    def from_uri(cls, uri: str, batch_size: int = DEFAULT_BATCH_SIZE) -> Neo4jStore:
        """Connect to ``uri`` (``neo4j://``, ``bolt://``, ``neo4j+s://`` …) with the credentials in
        ``NEO4J_USER`` (default ``neo4j``) / ``NEO4J_PASSWORD`` (no auth when unset) and the database
        in ``NEO4J_DATABASE`` (default: the server's), check the connection and create the schema.

        Raises StoreError when the URI is malformed, the server is unreachable, authentication
        fails, or the database does not exist. A user without schema rights gets a warning, not an
        error (reads still work)."""
        shown = _safe_uri(uri)
        user = os.environ.get("NEO4J_USER") or "neo4j"
        password = os.environ.get("NEO4J_PASSWORD")
        database = os.environ.get("NEO4J_DATABASE") or None
        auth = (user, password) if password is not None else None
        try:
            driver = GraphDatabase.driver(uri, auth=auth)
        except (ValueError, *DRIVER_ERRORS) as exc:
            raise StoreError(f"{shown}: not a usable Neo4j URI: {exc}") from exc
        try:
            driver.verify_connectivity()
        except neo4j_errors.AuthError as exc:
            driver.close()
            raise StoreError(f"{shown}: authentication failed for user {user!r}; set NEO4J_USER and "
                             f"NEO4J_PASSWORD ({exc})") from exc
        except ValueError as exc:  # the driver reports an unresolvable address this way
            driver.close()
            raise StoreError(f"{shown}: not a usable Neo4j URI: {exc}") from exc
        except (*DRIVER_ERRORS, OSError) as exc:
            driver.close()
            raise StoreError(f"{shown}: cannot reach the Neo4j server; is it running and is the URI right? "
                             f"({type(exc).__name__}: {exc})") from exc
        store = cls(driver, database=database, batch_size=batch_size, owns_driver=True, location=shown)
        try:
            store.ensure_schema()
        except StoreError as exc:
            if isinstance(exc.__cause__, neo4j_errors.Forbidden):
                warnings.warn(f"{store.location}: no right to create the schema (constraints, indexes); "
                              "reading works, writing may be slow", stacklevel=2)
            else:
                store.close()
                raise
        return store

    def close(self) -> None:
        """Roll back an open transaction, and close the driver when this store created it."""
        if self._tx is not None:
            self._end_tx(commit=False)
        if self._owns_driver and self._driver is not None:
            self._driver.close()
        self._driver = None

    # -- plumbing ------------------------------------------------------------------------------------
    @contextmanager
    def _errors(self, what: str):
        try:
            yield
        except DRIVER_ERRORS as exc:
            raise StoreError(f"{self.location}: {what} failed: {type(exc).__name__}: {exc}") from exc

    def _session(self):
        if self._driver is None:
            raise StoreError(f"{self.location}: the store is closed")
        return self._driver.session(database=self.database, bookmark_manager=self._bookmarks)

    @staticmethod
    def _rows(result) -> list[dict[str, Any]]:
        """The records as ``{column: value}`` dicts. The statements return only plain values, lists
        and maps (never graph objects), so the driver's values are used as they come — a third
        faster than ``record.data()`` on the 230,000 rows of a full read."""
        keys = result.keys()
        return [dict(zip(keys, record.values())) for record in result]

    def _read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of one read statement: through the open transaction, else a managed read transaction."""
        params = params or {}
        with self._errors("reading"):
            if self._tx is not None:
                return self._rows(self._tx.run(query, params))
            with self._session() as session:
                return session.execute_read(lambda tx: self._rows(tx.run(query, params)))

    def _write(self, work: Callable[[Any], T], what: str = "writing") -> T:
        """Run ``work(tx)`` in the open transaction, else in one managed write transaction (the
        driver retries it on transient errors, so ``work`` must be safe to run again)."""
        with self._errors(what):
            if self._tx is not None:
                return work(self._tx)
            with self._session() as session:
                return session.execute_write(work)

    # -- schema --------------------------------------------------------------------------------------
    def ensure_schema(self) -> list[str]:
        """Create, if missing, the uniqueness constraint on ``id`` and the indexes on ``code`` and
        ``name`` for ``IqaNode`` and every kind, each in its own managed transaction (Neo4j does not
        mix schema and data changes in one transaction, so an open ``transaction()`` is not used).
        One ``SHOW INDEXES`` first skips what exists (every statement is ``IF NOT EXISTS`` anyway,
        so a user who may not list indexes still gets the schema). Returns the names created;
        raises StoreError on failure."""
        try:
            with self._errors("listing indexes"), self._session() as session:
                existing = set(session.execute_read(
                    lambda tx: [r["name"] for r in self._rows(tx.run(q.SHOW_INDEX_NAMES, {}))]))
        except StoreError:
            existing = set()
        created = []
        for name, statement in q.schema_statements(self.onto):
            if name in existing:
                continue
            with self._errors("creating the schema"), self._session() as session:
                session.execute_write(lambda tx, s=statement: tx.run(s, {}).consume())
            created.append(name)
        return created

    # -- transactions --------------------------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """Run the block in ONE explicit Neo4j transaction: reads see its pending writes; it
        commits when the outermost block ends and rolls back (nothing written) when it raises.
        Nested blocks join the outer one. Raises StoreError when the transaction cannot start or
        commit (on a commit failure nothing was written, except after ``IncompleteCommit``, when
        the server may or may not have committed: the message says so)."""
        if self._tx is not None:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        session = self._session()
        try:
            with self._errors("starting a transaction"):
                tx = session.begin_transaction()
        except BaseException:
            session.close()
            raise
        self._tx, self._session_in_tx, self._depth = tx, session, 1
        try:
            yield
        except BaseException:
            self._end_tx(commit=False)
            raise
        self._end_tx(commit=True)

    def _end_tx(self, commit: bool) -> None:
        tx, session = self._tx, self._session_in_tx
        self._tx, self._session_in_tx, self._depth = None, None, 0
        try:
            if commit:
                try:
                    tx.commit()
                except neo4j_errors.IncompleteCommit as exc:
                    raise StoreError(f"{self.location}: the connection was lost while committing; the "
                                     f"transaction may or may not have been written ({exc})") from exc
                except DRIVER_ERRORS as exc:
                    raise StoreError(f"{self.location}: commit failed, nothing was written: "
                                     f"{type(exc).__name__}: {exc}") from exc
            else:
                try:
                    tx.rollback()
                except DRIVER_ERRORS:
                    pass  # the server rolls back a transaction whose connection is gone
        finally:
            try:
                session.close()
            except DRIVER_ERRORS:
                pass

    # -- writes --------------------------------------------------------------------------------------
    def upsert_nodes(self, nodes: Iterable[Node]) -> int:
        """Insert or replace nodes by id (properties replaced whole). Raises ValidationError before
        any query is sent when a node is invalid or its kind is not an allowed label."""
        nodes = list(nodes)
        for n in nodes:
            validate_node(n, self.onto)
        groups: dict[str, list[dict[str, Any]]] = {}
        for n in nodes:
            if n.kind not in groups:
                q.label(n.kind, self.onto)
            groups.setdefault(n.kind, []).append(node_row(n))
        batches = [(q.merge_nodes(kind, self.onto), chunk)
                   for kind, rows in groups.items() for chunk in _chunks(rows, self.batch_size)]
        if batches:
            self._write(lambda tx: self._run_batches(tx, batches))
        return len(nodes)

    def upsert_edges(self, edges: Iterable[Edge]) -> int:
        """Insert or replace edges by (source, type, target). Raises ValidationError before any
        query is sent when an edge type is not allowed; then looks the endpoints up and raises
        NotFoundError / ValidationError (domain, range, property values) before anything is written."""
        edges = list(edges)
        for t in dict.fromkeys(e.type for e in edges):
            q.rel_type(t, self.onto)
        groups: dict[str, list[dict[str, Any]]] = {}
        for e in edges:
            groups.setdefault(e.type, []).append(edge_row(e))
        batches = [(q.merge_edges(t, self.onto), chunk)
                   for t, rows in groups.items() for chunk in _chunks(rows, self.batch_size)]
        ends = list(dict.fromkeys(end for e in edges for end in (e.source, e.target)))

        def work(tx) -> None:
            existing = self._existing(tx, ends)
            for e in edges:
                for end in (e.source, e.target):
                    if end not in existing:
                        raise NotFoundError(f"edge {e.source} -{e.type}-> {e.target}: no node {end}")
                validate_edge(e, split_id(e.source)[0], split_id(e.target)[0], self.onto)
            self._run_batches(tx, batches)

        if edges:
            self._write(work)
        return len(edges)

    def create_all(self, nodes: Iterable[Node], edges: Iterable[Edge],
                   progress: Callable[[str, int], None] | None = None,
                   batch_size: int | None = None) -> dict[str, int]:
        """The bulk path of a copy into an EMPTY store: every node, then every edge, written with
        ``CREATE`` (no ``MERGE`` lookup) in batches of ``batch_size`` rows (default: the store's),
        each batch its own
        managed transaction (so no single transaction holds the whole graph). Both iterables are
        consumed once, a batch at a time; ``progress(stage, done)`` ("nodes" / "edges") is
        called after each batch. Returns ``{"nodes": n, "edges": m}``.

        Validation is that of :meth:`upsert_nodes` / :meth:`upsert_edges`, per batch, before
        the batch is sent; an edge endpoint must be one of ``nodes``. Raises StoreError when the
        store already holds nodes or a ``transaction()`` is open (nothing written); ValidationError
        for an invalid node or edge, a node id or edge (source, type, target) given twice;
        NotFoundError for an edge whose endpoint is not among ``nodes``; StoreError for a driver
        failure. On any of these after writing began, everything written is deleted again
        (:meth:`clear`), so a failed call leaves the store empty; a process killed part-way leaves
        a partial graph (``clear()`` or a copy with ``replace`` removes it)."""
        if self._tx is not None:
            raise StoreError(f"{self.location}: create_all cannot run inside transaction()")
        if self.count_nodes():
            raise StoreError(f"{self.location}: create_all needs an empty store")
        report = progress or (lambda stage, done: None)
        size = batch_size or self.batch_size
        kinds: dict[str, str] = {}
        seen_edges: set[tuple[str, str, str]] = set()
        done = {"nodes": 0, "edges": 0}
        try:
            for batch in _batched(nodes, size):
                groups: dict[str, list[dict[str, Any]]] = {}
                for n in batch:
                    validate_node(n, self.onto)
                    if n.kind not in groups:
                        q.label(n.kind, self.onto)
                    if n.id in kinds:
                        raise ValidationError(f"node {n.id} given twice")
                    kinds[n.id] = n.kind
                    groups.setdefault(n.kind, []).append(node_row(n))
                statements = [(q.create_nodes(kind, self.onto), rows) for kind, rows in groups.items()]
                self._write(lambda tx, b=statements: self._run_batches(tx, b))
                done["nodes"] += len(batch)
                report("nodes", done["nodes"])
            for batch in _batched(edges, size):
                groups = {}
                for e in batch:
                    if e.type not in groups:
                        q.rel_type(e.type, self.onto)
                    for end in (e.source, e.target):
                        if end not in kinds:
                            raise NotFoundError(f"edge {e.source} -{e.type}-> {e.target}: no node {end}")
                    validate_edge(e, kinds[e.source], kinds[e.target], self.onto)
                    if e.key in seen_edges:
                        raise ValidationError(f"edge {e.source} -{e.type}-> {e.target} given twice")
                    seen_edges.add(e.key)
                    groups.setdefault(e.type, []).append(edge_row(e))
                statements = [(q.create_edges(t, self.onto), rows) for t, rows in groups.items()]
                self._write(lambda tx, b=statements: self._run_batches(tx, b))
                done["edges"] += len(batch)
                report("edges", done["edges"])
        except BaseException:
            if done["nodes"]:
                try:
                    self.clear()
                except StoreError:
                    pass  # the original error matters more; clear() again removes the rest
            raise
        return done

    def _existing(self, tx, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(ids, self.batch_size):
            found.update(r["id"] for r in self._rows(tx.run(q.EXISTING_IDS, {"ids": chunk})))
        return found

    @staticmethod
    def _run_batches(tx, batches: list[tuple[str, list[dict[str, Any]]]]) -> None:
        for statement, rows in batches:
            tx.run(statement, {"rows": rows}).consume()

    def delete_node(self, node_id: str) -> bool:
        """Delete a node and its relationships; False when there was no such node."""
        rows = self._write(lambda tx: self._rows(tx.run(q.DELETE_NODE, {"id": node_id})))
        return bool(rows and rows[0]["deleted"])

    def delete_edge(self, source: str, type: str, target: str) -> bool:
        """Delete one edge; False when there was no such edge (or the type is unknown)."""
        if type not in q.allowed_types(self.onto):
            return False
        params = {"source": source, "type": type, "target": target}
        rows = self._write(lambda tx: self._rows(tx.run(q.DELETE_EDGE, params)))
        return bool(rows and rows[0]["deleted"])

    def clear(self) -> None:
        """Delete every ``IqaNode`` node and its relationships, ``batch_size`` at a time.

        Inside ``transaction()`` the batches run in that transaction (undone if it fails).
        Outside, each batch is its own managed transaction, so a failure part-way leaves a partly
        cleared graph (never a half-deleted node); calling clear() again finishes the job."""
        limit = {"limit": self.batch_size}
        for statement in (q.CLEAR_EDGES_BATCH, q.CLEAR_NODES_BATCH):
            while True:
                rows = self._write(lambda tx, s=statement: self._rows(tx.run(s, limit)), "clearing")
                if not rows or not rows[0]["deleted"]:
                    break

    # -- reads ---------------------------------------------------------------------------------------
    def get_node(self, node_id: str) -> Node | None:
        rows = self._read(q.GET_NODE, {"id": node_id})
        return node_from_props(rows[0]["props"]) if rows else None

    def get_node_for_update(self, node_id: str) -> Node | None:
        """Inside ``transaction()``: the node, write-locked until the transaction ends
        (:data:`neo4j_queries.LOCK_NODE`; another process's read-for-update of it waits), or None.
        Outside a transaction: :meth:`get_node`."""
        if self._tx is None:
            return self.get_node(node_id)
        rows = self._read(q.LOCK_NODE, {"id": node_id})
        return node_from_props(rows[0]["props"]) if rows else None

    def get_edge(self, source: str, type: str, target: str) -> Edge | None:
        if type not in q.allowed_types(self.onto):
            return None
        rows = self._read(q.GET_EDGE, {"source": source, "type": type, "target": target})
        return Edge(source, type, target, decode_props(rows[0]["props"], EDGE_RESERVED)) if rows else None

    def neighbors(
        self, node_id: str, types: Collection[str] | None = None, direction: Direction = "out"
    ) -> list[tuple[Edge, Node]]:
        """Edges at ``node_id`` with the node at the other end, ordered by (edge type, other id)
        exactly as the embedded store orders them (a self-loop appears twice with "both"). Like the
        embedded store, an unknown direction or an empty ``types`` gives an empty list."""
        wanted = None if types is None else sorted(set(types))
        if wanted == []:
            return []
        statements = {"out": [q.NEIGHBORS_OUT], "in": [q.NEIGHBORS_IN], "both": [q.NEIGHBORS_OUT, q.NEIGHBORS_IN]}
        out: list[tuple[Edge, Node]] = []
        for statement in statements.get(direction, []):
            for r in self._read(statement, {"id": node_id, "types": wanted}):
                edge = Edge(r["source"], r["type"], r["target"], decode_props(r["props"], EDGE_RESERVED))
                out.append((edge, node_from_props(r["node"])))
        out.sort(key=lambda pair: (pair[0].type, pair[1].id))
        return out

    def iter_nodes(self, kind: str | None = None) -> Iterator[Node]:
        """Every node (of one kind), in id order, read ``batch_size`` at a time. Unknown kind →
        nothing (no query)."""
        if kind is None:
            statement = q.NODES_PAGE
        elif kind in q.allowed_labels(self.onto):
            statement = q.nodes_page_of(kind, self.onto)
        else:
            return
        after = ""
        while True:
            rows = self._read(statement, {"after": after, "limit": self.batch_size})
            for r in rows:
                yield node_from_props(r["props"])
            if len(rows) < self.batch_size:
                return
            after = rows[-1]["props"]["id"]

    def iter_edges(self, type: str | None = None) -> Iterator[Edge]:
        """Every edge (of one type), ordered by (source, type, target), read for ``batch_size``
        source nodes at a time. Unknown type → nothing (no query)."""
        if type is not None and type not in q.allowed_types(self.onto):
            return
        after = ""
        while True:
            rows = self._read(q.EDGES_PAGE, {"after": after, "limit": self.batch_size, "type": type})
            page = sorted(rows[0]["page"], key=lambda item: item[0]) if rows else []
            for source, out in page:
                for edge_type, target, props in sorted(out, key=lambda e: (e[0], e[1])):
                    yield Edge(source, edge_type, target, decode_props(props, EDGE_RESERVED))
            if len(page) < self.batch_size:
                return
            after = page[-1][0]

    def search_text(self, q: str, kind: str | None = None, layer: str | None = None,
                    limit: int | None = 50, offset: int = 0) -> tuple[int, list[Node]]:
        """See :meth:`GraphStore.search_text`. Reads only id, code and name of the nodes of
        ``kind`` and ``layer`` (filtered by the server; ``SEARCH_TEXT_PAGE``, ``batch_size`` rows a
        time), matches and ranks them here (the rules need Unicode NFKC normalisation, which Cypher
        lacks), then reads the whole nodes of the page only (one ``GET_NODES``)."""
        import graph.stores.neo4j_queries as cy
        from graph.textsearch import norm, ranked_page

        needle = q
        if kind is not None and kind not in cy.allowed_labels(self.onto):
            return 0, []
        entries: list[tuple[str, str, str, str]] = []
        after = ""
        while True:
            rows = self._read(cy.SEARCH_TEXT_PAGE, {"after": after, "limit": self.batch_size, "kind": kind,
                                                   "layer": layer})
            for r in rows:
                code = str(r["code"])
                name = r["name"]
                entries.append((norm(r["id"]), norm(code), norm(name or code), r["id"]))
            if len(rows) < self.batch_size:
                break
            after = rows[-1]["id"]
        total, ids = ranked_page(needle, entries, limit, offset)
        found = {n.id: n for n in (node_from_props(r["props"]) for r in self._read(cy.GET_NODES, {"ids": ids}))} \
            if ids else {}
        return total, [found[i] for i in ids if i in found]

    def count_nodes(self, kind: str | None = None) -> int:
        if kind is None:
            statement = q.COUNT_NODES
        elif kind in q.allowed_labels(self.onto):
            statement = q.count_nodes_of(kind, self.onto)
        else:
            return 0
        return int(self._read(statement)[0]["count"])

    def count_edges(self, type: str | None = None) -> int:
        if type is None:
            statement = q.COUNT_EDGES
        elif type in q.allowed_types(self.onto):
            statement = q.count_edges_of(type, self.onto)
        else:
            return 0
        return int(self._read(statement)[0]["count"])

    def find_by_code(self, code: str) -> list[Node]:
        rows = self._read(q.FIND_BY_CODE, {"code": code})
        return sorted((node_from_props(r["props"]) for r in rows), key=lambda n: n.id)

    def traverse(self, seeds: Iterable[str], steps: Collection[Step],
                 max_depth: int | None = None) -> Subgraph:
        """Breadth-first walk from ``seeds`` along ``steps`` (see :meth:`GraphStore.traverse`) in
        ONE Cypher statement, :data:`neo4j_queries.TRAVERSE` (no statement per node, no path
        enumeration, no depth cap); with no steps or ``max_depth`` ≤ 0, the seeds alone, in one
        statement :data:`neo4j_queries.GET_NODES`; no seeds, no statement.

        Returns the same Subgraph as the embedded store: every node reached (unknown seeds left
        out) with ``depth[id]`` its fewest hops from a seed, and for each node reached at fewer
        than ``max_depth`` hops all its edges matching a step. Raises ValidationError, before any
        statement is sent, for an edge type that is not an allowed relationship type, a direction
        other than "out" / "in" / "both" (as the embedded store does), or a ``max_depth`` that is
        not None or an integer."""
        out_types, in_types = traverse_types(steps, self.onto)
        if max_depth is not None and (type(max_depth) is not int):
            raise ValidationError(f"max_depth must be None or an integer, not {max_depth!r}")
        ids = list(dict.fromkeys(seeds))
        if not ids:
            return Subgraph()
        if not (out_types or in_types) or (max_depth is not None and max_depth <= 0):
            nodes = [node_from_props(r["props"]) for r in self._read(q.GET_NODES, {"ids": ids})]
            return Subgraph(nodes, (), {n.id: 0 for n in nodes})
        rows = self._read(q.TRAVERSE, {"seeds": ids, "out_types": out_types, "in_types": in_types,
                                       "max_depth": max_depth})
        sg = Subgraph()
        edges: list[Edge] = []
        for r in rows:
            node = node_from_props(r["node"])
            sg.add((node,))
            sg.depth[node.id] = int(r["depth"])
            for e in r["edges"]:
                edges.append(Edge(e["source"], e["type"], e["target"], decode_props(e["props"], EDGE_RESERVED)))
        sg.add((), edges)
        return sg

    # -- fast path -----------------------------------------------------------------------------------
    def subgraph(self, start_id: str, edge_types: Collection[str] | None = None, direction: Direction = "out",
                 max_depth: int = 3) -> tuple[list[Node], list[Edge]]:
        """The nodes reachable from ``start_id`` in 1..``max_depth`` steps along ``direction``
        (every step of a type in ``edge_types``; None = any), plus the start node, and every edge
        of those types among them (the induced subgraph): one :data:`neo4j_queries.TRAVERSE`
        statement for the nodes, then :data:`neo4j_queries.SUBGRAPH_EDGES` per ``batch_size``
        nodes for the edges.

        Returns ``(nodes sorted by id, edges sorted by (source, type, target))``; ``([], [])`` when
        there is no node ``start_id``. Raises ValidationError for a depth outside
        1..MAX_SUBGRAPH_DEPTH, an unknown direction or an unknown edge type."""
        if direction not in ("out", "in", "both"):
            raise ValidationError(f"direction must be out, in or both, not {direction!r}")
        if type(max_depth) is not int or not 1 <= max_depth <= q.MAX_SUBGRAPH_DEPTH:
            raise ValidationError(f"max_depth must be an integer from 1 to {q.MAX_SUBGRAPH_DEPTH}, not {max_depth!r}")
        types = None
        if edge_types is not None:
            for t in edge_types:
                q.rel_type(t, self.onto)
            types = sorted(set(edge_types))
        walk_types = sorted(q.allowed_types(self.onto)) if types is None else types
        found = self.traverse([start_id], [(t, direction) for t in walk_types], max_depth).nodes
        if not found:
            return [], []
        ids = sorted(found)
        edges: list[Edge] = []
        for chunk in _chunks(ids, self.batch_size):
            for r in self._read(q.SUBGRAPH_EDGES, {"sources": chunk, "ids": ids, "types": types}):
                edges.append(Edge(r["source"], r["type"], r["target"], decode_props(r["props"], EDGE_RESERVED)))
        return [found[i] for i in ids], sorted(edges, key=lambda e: e.key)
