"""The embedded store's edge indexes: every lookup by target is answered by ``edges_in`` (no scan
of the edges), and the redundant ``edges_target`` of stores written by earlier versions is dropped
on their first writable open, with every edge kept."""

from __future__ import annotations

import sqlite3

from graph.model import Edge, Node
from graph.services.chains import UP_STEPS
from graph.stores.embedded import EmbeddedStore


def _indexes(path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='edges'")}
    finally:
        db.close()


def _college(store: EmbeddedStore) -> None:
    store.upsert_nodes([Node("Target", "S1", {"name": "学校目标", "layer": "school"}),
                        Node("Target", "M1", {"name": "专业目标", "layer": "major"}),
                        Node("Task", "K1", {"name": "任务"})])
    store.upsert_edges([Edge("Target:S1", "decomposes_to", "Target:M1"),
                        Edge("Target:M1", "implemented_by", "Task:K1")])


def test_a_new_store_has_no_edges_target(tmp_path):
    path = tmp_path / "s.sqlite"
    _college(EmbeddedStore(path))
    assert "edges_in" in _indexes(path) and "edges_target" not in _indexes(path)


def test_an_older_store_loses_edges_target_and_keeps_its_edges(tmp_path):
    path = tmp_path / "old.sqlite"
    _college(EmbeddedStore(path))
    db = sqlite3.connect(path)
    db.execute("CREATE INDEX edges_target ON edges (target)")  # as earlier versions' schema made it
    db.commit()
    db.close()
    assert "edges_target" in _indexes(path)
    store = EmbeddedStore(path)
    assert "edges_target" not in _indexes(path)
    assert store.count_edges() == 2
    assert [n.id for _, n in store.neighbors("Task:K1", direction="in")] == ["Target:M1"]


def test_lookups_by_target_search_an_index(tmp_path):
    """The statements the store runs for in-neighbours, an upward traversal and a node's
    deletion, explained by SQLite with their parameters in place: none scans the edges."""
    path = tmp_path / "s.sqlite"
    store = EmbeddedStore(path)
    _college(store)
    ran: list[str] = []
    store._db.set_trace_callback(ran.append)  # the SQL as run, parameters expanded
    store.neighbors("Task:K1", direction="in")
    store.neighbors("Task:K1", ("implemented_by",), direction="in")
    store.traverse(["Task:K1"], UP_STEPS)
    store.delete_node("Target:S1")
    store._db.set_trace_callback(None)
    on_target = [sql for sql in ran if "edges" in sql and "target" in sql.split("WHERE", 1)[-1]
                 and sql.lstrip().upper().startswith(("SELECT", "DELETE"))]
    assert len(on_target) >= 3, ran
    db = sqlite3.connect(path)
    try:
        for sql in on_target:
            plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql))
            assert "SCAN e " not in plan + " " and "SCAN edges" not in plan, (sql, plan)
    finally:
        db.close()
