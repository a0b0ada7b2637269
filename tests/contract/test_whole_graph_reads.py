"""The whole-graph reads a store may answer faster than its generic reads: ``read_graph`` (what the
check and the diagnosis read), ``count_nodes_by`` and ``count_edges_by_type`` (the overview's
counts) give on every backend what the default implementations give from ``iter_nodes`` /
``iter_edges`` — the same nodes in the same order, the same adjacency lists in the same order,
the same edge props, the same counts with the same first-seen order — and the embedded store's
``read_graph`` is one snapshot and sees the writes of its own transaction."""

from __future__ import annotations

import sqlite3
import threading

import pytest

import graph.stores.embedded as embedded
from graph.model import Edge, Node
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from seed.demo import load_demo

WAIT = 10.0  # seconds: a guard against a hang, never what an assertion measures


def _small(store) -> None:
    """A graph with edge props, several edges per node and layers of every JSON type."""
    nodes = [
        Node("Plan", "P1", {"name": "规划", "layer": "school"}),
        Node("Target", "T2", {"name": "目标二", "layer": "major"}),
        Node("Target", "T1", {"name": "目标一", "layer": "school"}),
        Node("Target", "T3", {"name": "目标三"}),
        Node("Target", "T0", {"name": "目标零", "layer": "department"}),
        Node("Task", "K1", {"name": "任务一", "layer": "major", "score": 1.5}),
        Node("Task", "K2", {"name": "任务二", "layer": None, "score": ""}),
        Node("Task", "K3", {"name": "任务三", "score": ["a", 2]}),
        Node("OrgUnit", "D1", {"name": "教务处"}),
    ]
    store.upsert_nodes(nodes)
    store.upsert_edges([
        Edge("Target:T1", "decomposes_to", "Target:T3"),
        Edge("Target:T1", "decomposes_to", "Target:T2", {"weight": 2}),
        Edge("Target:T1", "implemented_by", "Task:K2"),
        Edge("Target:T2", "implemented_by", "Task:K1"),
        Edge("Target:T1", "implemented_by", "Task:K1"),
        Edge("Target:T0", "based_on", "Plan:P1"),
        Edge("Target:T1", "based_on", "Plan:P1"),
        Edge("Task:K1", "led_by", "OrgUnit:D1"),
        Edge("Task:K3", "led_by", "OrgUnit:D1"),
        Edge("Target:T3", "implemented_by", "Task:K3"),
    ])


def _same_read(store) -> None:
    fast, plain = store.read_graph(), GraphStore.read_graph(store)
    assert list(fast.nodes) == list(plain.nodes) == sorted(plain.nodes)
    assert {i: n.to_dict() for i, n in fast.nodes.items()} == {i: n.to_dict() for i, n in plain.nodes.items()}
    assert fast.out == plain.out and fast.inc == plain.inc and fast.edge_props == plain.edge_props
    for t in plain.out:  # the order of the sources too (the check's ctx.edges lists them so)
        assert list(fast.out[t]) == list(plain.out[t]), t
    for index in (fast.out, fast.inc):
        for per_type in index.values():
            for ids in per_type.values():
                assert ids == sorted(ids)


def test_read_graph_is_the_generic_reads(any_store):
    _small(any_store)
    _same_read(any_store)
    g = any_store.read_graph()
    assert g.out["decomposes_to"]["Target:T1"] == ["Target:T2", "Target:T3"]
    assert g.inc["implemented_by"]["Task:K1"] == ["Target:T1", "Target:T2"]
    assert g.edge_props == {("Target:T1", "decomposes_to", "Target:T2"): {"weight": 2}}


def _one_string_per_id(g) -> int:
    """Assert that every id in ``g``'s lists and keys is its node's own ``id`` object (one string
    per id, compared by identity first); returns how many were looked at."""
    seen = 0
    for index in (g.out, g.inc):
        for per_type in index.values():
            for key, ids in per_type.items():
                for i in (key, *ids):
                    assert i is g.nodes[i].id, i
                    seen += 1
    return seen


def test_every_id_is_its_nodes_own_string(any_store):
    _small(any_store)
    assert _one_string_per_id(any_store.read_graph()) > 20
    assert _one_string_per_id(GraphStore.read_graph(any_store)) > 20


def test_a_partial_read_shares_its_nodes_ids(tmp_path):
    store = EmbeddedStore(tmp_path / "s.sqlite")
    _small(store)
    with store.pinned() as pinned:
        g = pinned.read_graph(("implemented_by", "led_by"), ("decomposes_to",), bare_kinds=("Task",), bare_props={})
        assert _one_string_per_id(g) > 10
    store.close()


def test_read_graph_of_the_demo_is_the_generic_reads(tmp_path):
    store = EmbeddedStore(tmp_path / "demo.sqlite")
    load_demo(store, students=200, teachers=10)
    _same_read(store)
    store.close()


def test_counts_are_the_generic_counts(any_store):
    _small(any_store)
    any_store.upsert_nodes([Node("Task", "K4", {"name": "x", "score": 1}), Node("Task", "K5", {"name": "y", "score": True}),
                            Node("Task", "K6", {"name": "z", "score": None}), Node("Task", "K7", {"name": "w", "score": 0}),
                            Node("Task", "K8", {"name": "v", "score": 2 ** 70}), Node("Task", "K9", {"name": "u", "score": 0.1 + 0.2})])
    for prop in ("layer", "score", "name", "missing"):
        fast, plain = any_store.count_nodes_by(prop), GraphStore.count_nodes_by(any_store, prop)
        assert list(fast.items()) == list(plain.items()), prop
        assert [type(k[1]) for k in fast] == [type(k[1]) for k in plain], prop
    layers = any_store.count_nodes_by("layer")
    assert layers[("Target", "school")] == 1 and layers[("Target", None)] == 1 and layers[("Task", None)] == 8
    scores = any_store.count_nodes_by("score")
    assert scores[("Task", 1)] == 2  # 1 and True are one key, as in a dict of the values
    assert scores[("Task", ("a", 2))] == 1 and scores[("Task", 1.5)] == 1 and scores[("Task", "")] == 1
    assert scores[("Task", 0)] == 1 and scores[("Task", None)] == 1
    assert scores[("Task", 2 ** 70)] == 1 and scores[("Task", 0.1 + 0.2)] == 1
    assert any_store.count_edges_by_type() == GraphStore.count_edges_by_type(any_store)
    assert any_store.count_edges_by_type()["implemented_by"] == 4


def test_count_by_an_odd_property_name(tmp_path):
    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.upsert_nodes([Node("Target", "T1", {"name": "a", 'we"ird': "x"}), Node("Target", "T2", {"name": "b"})])
    assert store.count_nodes_by('we"ird') == {("Target", "x"): 1, ("Target", None): 1}
    store.close()


def test_read_graph_inside_a_transaction_sees_its_writes(tmp_path):
    store = EmbeddedStore(tmp_path / "s.sqlite")
    _small(store)
    with store.transaction():
        store.upsert_nodes([Node("Target", "T9", {"name": "新目标"})])
        store.upsert_edges([Edge("Target:T1", "decomposes_to", "Target:T9")])
        g = store.read_graph()
        assert "Target:T9" in g.nodes and "Target:T9" in g.out["decomposes_to"]["Target:T1"]
    store.close()


def test_read_graph_is_one_snapshot(tmp_path, monkeypatch):
    """A write committed by another connection while ``read_graph`` is inside SQLite (stopped by a
    progress handler during its first statement, the nodes) is in neither the nodes nor the
    edges it returns: the four statements read one commit. Reading each table in its own
    transaction fails this (the edges would show the new edge, to a node not in the nodes)."""
    inside, written = threading.Event(), threading.Event()
    reader: list[threading.Thread] = []
    real_connect = sqlite3.connect

    def handler():
        if reader and threading.current_thread() is reader[0] and not inside.is_set():
            inside.set()
            written.wait(WAIT)
        return 0

    def connect(*args, **kwargs):
        db = real_connect(*args, **kwargs)
        db.set_progress_handler(handler, 20)
        return db

    store = EmbeddedStore(tmp_path / "s.sqlite")
    _small(store)
    store.upsert_nodes([Node("Target", f"M{i:03d}", {"name": f"目标{i}"}) for i in range(300)])
    monkeypatch.setattr(embedded.sqlite3, "connect", connect)
    store._pool.clear()  # the next bulk read opens a connection with the handler
    # ... which has read the schema already (a first statement reads it in a transaction of its own)
    db = store._take_reader()
    db.execute("SELECT count(*) FROM nodes").fetchone()
    store._give_reader(db)
    got = []
    t = threading.Thread(target=lambda: got.append(store.read_graph()))
    reader.append(t)
    t.start()
    assert inside.wait(WAIT)
    writer = EmbeddedStore(tmp_path / "s.sqlite")
    writer.upsert_nodes([Node("Target", "ZZ", {"name": "后来的"})])
    writer.upsert_edges([Edge("Target:T1", "decomposes_to", "Target:ZZ")])
    writer.close()
    written.set()
    t.join(WAIT)
    g = got[0]
    assert "Target:ZZ" not in g.nodes
    assert "Target:ZZ" not in g.out["decomposes_to"]["Target:T1"]
    assert "Target:ZZ" not in g.inc["decomposes_to"]
    assert "Target:ZZ" in store.read_graph().nodes  # the next read sees it
    store.close()


def test_read_graph_of_a_closed_store_raises(tmp_path):
    from graph.errors import StoreError

    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.close()
    with pytest.raises(StoreError):
        store.read_graph()
