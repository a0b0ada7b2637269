"""A fake ``neo4j.Driver`` for tests without a server.

It records every statement sent (with its parameters, the kind of transaction and the attempt),
refuses any statement that ``neo4j_queries.all_statements()`` does not list or whose parameters
differ from the ones the statement uses, and answers each statement by interpreting what it is
documented to do on a small in-memory property graph (nodes with labels and a property map,
relationships keyed by (source id, type, target id)). It supports managed transactions with the
driver's retry loop (a retryable error from the unit of work reruns it, as
``Session.execute_write`` does) and explicit transactions (``begin_transaction``) that commit or
roll back a private copy of the graph.

What it does not test: that the Cypher text really does what the fake does — that is the job of
the contract suite against a real server (``NEO4J_URI``) and of the Cypher lint.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from neo4j import exceptions as neo4j_errors

from graph.stores import neo4j_queries as q

NL = q.NODE_LABEL


@dataclass
class Graph:
    nodes: dict[str, tuple[set[str], dict[str, Any]]] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    indexes: set[str] = field(default_factory=set)
    #: The journal's nodes: the last revision number, IqaRevision and IqaChange property maps.
    journal_rev: int = 0
    revisions: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Sent:
    """One statement as the fake received it."""

    name: str
    query: str
    params: dict[str, Any]
    mode: str  # "write" (execute_write), "read" (execute_read), "explicit" (begin_transaction)
    attempt: int


class Record:
    def __init__(self, data: dict[str, Any]):
        self._data = data

    def data(self) -> dict[str, Any]:
        return dict(self._data)

    def values(self) -> list[Any]:
        return list(self._data.values())

    def __getitem__(self, key):
        return self._data[key]


class Result:
    def __init__(self, rows: list[dict[str, Any]]):
        self._rows = [Record(r) for r in rows]

    def __iter__(self):
        return iter(self._rows)

    def keys(self) -> list[str]:
        return list(self._rows[0]._data) if self._rows else []

    def consume(self):
        self._rows = []
        return None

    def single(self):
        return self._rows[0] if self._rows else None


_NAMED = re.compile(r"(\w+)\[(.*)\]\Z")


class FakeDriver:
    """``session()``, ``close()``, ``verify_connectivity()``, ``execute_query_bookmark_manager``.

    ``fail(name_prefix, exc, times=1)`` makes the next ``times`` statements whose name starts
    with ``name_prefix`` raise ``exc`` instead of running. ``max_retries`` bounds the retry loop
    of ``execute_write`` / ``execute_read`` (the real driver bounds it by time)."""

    def __init__(self, onto=None, max_retries: int = 3):
        self.graph = Graph()
        self.sent: list[Sent] = []
        self.events: list[str] = []
        self.sessions: list[dict[str, Any]] = []
        self.execute_query_bookmark_manager = object()
        self.max_retries = max_retries
        self.closed = False
        self._faults: list[list] = []
        self.names = {cypher: (name, params) for name, cypher, params in q.all_statements(onto)}

    # -- driver API -----------------------------------------------------------------------------
    def session(self, **config):
        self.sessions.append(config)
        return FakeSession(self)

    def verify_connectivity(self):
        return None

    def close(self):
        self.closed = True

    # -- test helpers ---------------------------------------------------------------------------
    def fail(self, name_prefix: str, exc: BaseException, times: int = 1) -> None:
        self._faults.append([name_prefix, exc, times])

    def queries(self, prefix: str = "") -> list[Sent]:
        return [s for s in self.sent if s.name.startswith(prefix)]

    def clear_log(self) -> None:
        self.sent.clear()
        self.events.clear()

    def _maybe_fail(self, name: str) -> None:
        for fault in self._faults:
            if name.startswith(fault[0]) and fault[2] > 0:
                fault[2] -= 1
                raise fault[1]


class FakeSession:
    def __init__(self, driver: FakeDriver):
        self.driver = driver
        self.closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.closed = True

    def _managed(self, work, mode: str, *args, **kwargs):
        attempt = 0
        while True:
            attempt += 1
            tx = FakeTx(self.driver, mode, attempt)
            self.driver.events.append(f"begin {mode} #{attempt}")
            try:
                result = work(tx, *args, **kwargs)
            except Exception as exc:
                tx.rollback()
                retryable = isinstance(exc, neo4j_errors.Neo4jError) and exc.is_retryable()
                if retryable and attempt <= self.driver.max_retries:
                    continue
                raise
            tx.commit()
            return result

    def execute_write(self, work, *args, **kwargs):
        return self._managed(work, "write", *args, **kwargs)

    def execute_read(self, work, *args, **kwargs):
        return self._managed(work, "read", *args, **kwargs)

    def begin_transaction(self, metadata=None, timeout=None):
        self.driver.events.append("begin explicit")
        return FakeTx(self.driver, "explicit", 1)

    def run(self, *args, **kwargs):  # the store must never use auto-commit queries
        raise AssertionError("Session.run (auto-commit) was used")


class FakeTx:
    def __init__(self, driver: FakeDriver, mode: str, attempt: int):
        self.driver = driver
        self.mode = mode
        self.attempt = attempt
        self.g = copy.deepcopy(driver.graph)
        self.open = True

    def commit(self):
        assert self.open, "commit of a closed transaction"
        self.open = False
        if self.mode != "read":
            self.driver.graph = self.g
        self.driver.events.append(f"commit {self.mode}")

    def rollback(self):
        if self.open:
            self.open = False
            self.driver.events.append(f"rollback {self.mode}")

    def close(self):
        self.rollback()

    def run(self, query: str, parameters: dict[str, Any] | None = None, **kw):
        assert self.open, "run on a closed transaction"
        params = dict(parameters or {}, **kw)
        if query not in self.driver.names:
            raise AssertionError(f"statement not listed by all_statements(): {query!r}")
        name, declared = self.driver.names[query]
        assert tuple(sorted(params)) == declared, f"{name}: sent parameters {sorted(params)} != {declared}"
        self.driver.sent.append(Sent(name, query, copy.deepcopy(params), self.mode, self.attempt))
        self.driver._maybe_fail(name)
        if self.mode == "read" and not _is_read(name):
            raise neo4j_errors.ClientError(f"write statement {name} in a read transaction")
        return Result(_interpret(self.g, name, params))


_READS = ("SHOW_", "GET_", "EXISTING_IDS", "NEIGHBORS_", "NODES_PAGE", "nodes_page_of", "EDGES_PAGE", "COUNT_",
          "count_", "FIND_BY_CODE", "SEARCH_TEXT_PAGE", "SUBGRAPH_EDGES", "TRAVERSE",
          "JOURNAL_REVISIONS", "JOURNAL_CHANGES")


def _is_read(name: str) -> bool:
    return name.startswith(_READS)


def _props(g: Graph, nid: str) -> dict[str, Any]:
    return dict(g.nodes[nid][1])


def _is_store_node(g: Graph, nid: str) -> bool:
    return nid in g.nodes and NL in g.nodes[nid][0]


def _interpret(g: Graph, name: str, p: dict[str, Any]) -> list[dict[str, Any]]:
    m = _NAMED.match(name)
    base, args = (m.group(1), m.group(2).split(",")) if m else (name, [])
    if base == "node_id_constraint":
        g.indexes.add(f"iqa_{args[0]}_id")
        return []
    if base == "node_property_index":
        g.indexes.add(f"iqa_{args[0]}_{args[1]}")
        return []
    if base == "journal_schema":
        g.indexes.add(args[0])
        return []
    if base.startswith("JOURNAL_"):
        return _journal(g, base, p)
    if base == "SHOW_INDEX_NAMES":
        return [{"name": n} for n in sorted(g.indexes)]
    if base == "merge_nodes":
        for row in p["rows"]:
            labels = g.nodes[row["id"]][0] if row["id"] in g.nodes else set()
            g.nodes[row["id"]] = (labels | {args[0], NL}, dict(row["props"]))
        return []
    if base == "create_nodes":
        for row in p["rows"]:
            if row["id"] in g.nodes:
                raise neo4j_errors.ConstraintError(f"Node already exists with id {row['id']!r}")
            g.nodes[row["id"]] = ({args[0], NL}, dict(row["props"]))
        return []
    if base == "create_edges":
        for row in p["rows"]:
            if _is_store_node(g, row["source"]) and _is_store_node(g, row["target"]):
                g.rels[(row["source"], args[0], row["target"])] = dict(row["props"])
        return []
    if base == "merge_edges":
        for row in p["rows"]:
            if _is_store_node(g, row["source"]) and _is_store_node(g, row["target"]):
                g.rels[(row["source"], args[0], row["target"])] = dict(row["props"])
        return []
    if base == "DELETE_NODE":
        if not _is_store_node(g, p["id"]):
            return [{"deleted": 0}]
        del g.nodes[p["id"]]
        for key in [k for k in g.rels if p["id"] in (k[0], k[2])]:
            del g.rels[key]
        return [{"deleted": 1}]
    if base == "DELETE_EDGE":
        key = (p["source"], p["type"], p["target"])
        return [{"deleted": 1 if g.rels.pop(key, None) is not None else 0}]
    if base == "CLEAR_EDGES_BATCH":
        keys = [k for k in g.rels if _is_store_node(g, k[0])][: p["limit"]]
        for k in keys:
            del g.rels[k]
        return [{"deleted": len(keys)}]
    if base == "CLEAR_NODES_BATCH":
        ids = [i for i in g.nodes if _is_store_node(g, i)][: p["limit"]]
        for i in ids:
            del g.nodes[i]
        for key in [k for k in g.rels if k[0] in ids or k[2] in ids]:
            del g.rels[key]
        return [{"deleted": len(ids)}]
    if base in ("GET_NODE", "LOCK_NODE"):
        return [{"props": _props(g, p["id"])}] if _is_store_node(g, p["id"]) else []
    if base == "EXISTING_IDS":
        return [{"id": i} for i in p["ids"] if _is_store_node(g, i)]
    if base == "GET_EDGE":
        key = (p["source"], p["type"], p["target"])
        return [{"props": dict(g.rels[key])}] if key in g.rels else []
    if base in ("NEIGHBORS_OUT", "NEIGHBORS_IN"):
        if not _is_store_node(g, p["id"]):
            return []
        rows = []
        for (s, t, tgt), props in g.rels.items():
            other = tgt if base == "NEIGHBORS_OUT" else s
            here = s if base == "NEIGHBORS_OUT" else tgt
            if here == p["id"] and (p["types"] is None or t in p["types"]) and _is_store_node(g, other):
                rows.append({"source": s, "type": t, "target": tgt, "props": dict(props), "node": _props(g, other)})
        return sorted(rows, key=lambda r: (r["type"], r["node"]["id"]))
    if base in ("NODES_PAGE", "nodes_page_of"):
        label = args[0] if args else NL
        ids = sorted(i for i, (labels, _) in g.nodes.items() if label in labels and i > p["after"])
        return [{"props": _props(g, i)} for i in ids[: p["limit"]]]
    if base == "SEARCH_TEXT_PAGE":
        ids = sorted(i for i, (labels, props) in g.nodes.items()
                     if NL in labels and i > p["after"] and (p["kind"] is None or p["kind"] in labels)
                     and (p["layer"] is None or props.get("layer") == p["layer"]))
        return [{"id": i, "code": g.nodes[i][1].get("code"), "name": g.nodes[i][1].get("name")}
                for i in ids[: p["limit"]]]
    if base == "EDGES_PAGE":
        sources = sorted(i for i in g.nodes if _is_store_node(g, i) and i > p["after"])[: p["limit"]]
        page = []
        for s in sources:
            mine = [[t, tgt, dict(props)] for (s2, t, tgt), props in g.rels.items()
                    if s2 == s and _is_store_node(g, tgt) and (p["type"] is None or t == p["type"])]
            page.append([s, mine])
        return [{"page": page}]
    if base == "COUNT_NODES":
        return [{"count": sum(1 for i in g.nodes if _is_store_node(g, i))}]
    if base == "count_nodes_of":
        return [{"count": sum(1 for labels, _ in g.nodes.values() if args[0] in labels)}]
    if base == "COUNT_EDGES":
        return [{"count": sum(1 for k in g.rels if _is_store_node(g, k[0]))}]
    if base == "count_edges_of":
        return [{"count": sum(1 for k in g.rels if _is_store_node(g, k[0]) and k[1] == args[0])}]
    if base == "FIND_BY_CODE":
        ids = sorted(i for i, (labels, props) in g.nodes.items() if NL in labels and props.get("code") == p["code"])
        return [{"props": _props(g, i)} for i in ids]
    if base == "SUBGRAPH_EDGES":
        ids = set(p["ids"])
        return [{"source": s, "type": t, "target": tgt, "props": dict(props)}
                for (s, t, tgt), props in g.rels.items()
                if s in p["sources"] and tgt in ids and (p["types"] is None or t in p["types"])]
    if base == "GET_NODES":
        return [{"props": _props(g, i)} for i in dict.fromkeys(p["ids"]) if _is_store_node(g, i)]
    if base == "TRAVERSE":
        return _traverse(g, p)
    raise AssertionError(f"the fake does not know statement {name}")


def _traverse(g: Graph, p: dict[str, Any]) -> list[dict[str, Any]]:
    """TRAVERSE as documented: breadth first, one row per node reached with its depth and, for a
    node above the depth limit, the relationships at it that match a step."""
    limit = p["max_depth"]
    at: dict[str, list[tuple[str, str, str]]] = {}
    for k in g.rels:
        if _is_store_node(g, k[0]) and _is_store_node(g, k[2]):
            if k[1] in p["out_types"]:
                at.setdefault(k[0], []).append(k)
            if k[1] in p["in_types"] and k not in at.get(k[2], ()):
                at.setdefault(k[2], []).append(k)

    def matching(nid: str) -> list[tuple[str, str, str]]:
        return at.get(nid, [])

    depth = {i: 0 for i in p["seeds"] if _is_store_node(g, i)}
    frontier, d = list(depth), 0
    while frontier and (limit is None or d < limit):
        nxt = []
        for nid in frontier:
            for s, _, t in matching(nid):
                other = t if s == nid else s
                if other not in depth:
                    depth[other] = d + 1
                    nxt.append(other)
        frontier, d = nxt, d + 1
    return [{"node": _props(g, i), "depth": dep,
             "edges": [{"source": s, "type": t, "target": tgt, "props": dict(g.rels[(s, t, tgt)])}
                       for s, t, tgt in (matching(i) if limit is None or dep < limit else [])]}
            for i, dep in depth.items()]


def _journal(g: Graph, name: str, p: dict[str, Any]) -> list[dict[str, Any]]:
    """The journal's statements (graph/stores/neo4j_journal.py) as documented there."""
    if name == "JOURNAL_ALLOCATE":
        g.journal_rev += 1
        return [{"rev": g.journal_rev}]
    if name == "JOURNAL_APPEND_REVISION":
        if any(r["rev"] == p["rev"] for r in g.revisions):
            raise neo4j_errors.ConstraintError(f"IqaRevision with rev {p['rev']} exists")
        g.revisions.append(dict(p))
        return []
    if name == "JOURNAL_APPEND_CHANGES":
        g.changes += [dict(row) for row in p["rows"]]
        return []
    if name == "JOURNAL_REVISIONS":
        return [dict(r) for r in sorted(g.revisions, key=lambda r: r["rev"])]
    keys = ("rev", "kind", "op", "node", "other", "type", "before", "after")
    if name == "JOURNAL_CHANGES_RANGE":
        hits = [c for c in g.changes if p["after"] < c["rev"] <= p["upto"]]
    elif name == "JOURNAL_CHANGES_TOUCHING":
        hits = [c for c in g.changes if c["node"] in p["ids"] or c["other"] in p["ids"]]
    elif name == "JOURNAL_CHANGES_BY_OP":
        hits = [c for c in g.changes if c["op"] in p["ops"]]
    else:
        raise AssertionError(f"the fake does not know statement {name}")
    return [{k: c.get(k) for k in keys} for c in sorted(hits, key=lambda c: (c["rev"], c["seq"]))]
