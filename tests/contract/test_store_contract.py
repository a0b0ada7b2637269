"""The GraphStore contract: one suite every backend must pass (see tests/conftest.py)."""

from __future__ import annotations

import pytest

from graph.errors import NotFoundError, ValidationError
from graph.model import Edge, Node
from graph.store import CAP_PERSISTENT, CAP_TRANSACTIONS


def seed(store):
    store.upsert_nodes([
        Node("OrgUnit", "D01", {"name": "教务处", "type": "functional_office"}),
        Node("Target", "S1", {"name": "专业建设水平全省领先", "layer": "school"}),
        Node("Target", "M1", {"name": "专业目标", "layer": "major", "deadline": "2025-12-31"}),
        Node("Task", "K1", {"name": "修订人才培养方案", "status": "normal", "tags": ["a", "b"]}),
    ])
    store.upsert_edges([
        Edge("Target:S1", "decomposes_to", "Target:M1"),
        Edge("Target:M1", "implemented_by", "Task:K1", {"weight": 0.5}),
        Edge("Target:S1", "led_by", "OrgUnit:D01"),
    ])


def test_upsert_and_get(any_store):
    seed(any_store)
    node = any_store.get_node("Target:M1")
    assert node.kind == "Target" and node.code == "M1"
    assert node.props == {"name": "专业目标", "layer": "major", "deadline": "2025-12-31"}
    assert any_store.get_node("Task:K1").props["tags"] == ["a", "b"]
    assert any_store.get_node("Target:nope") is None
    assert any_store.get_edge("Target:M1", "implemented_by", "Task:K1").props == {"weight": 0.5}
    assert any_store.get_edge("Target:M1", "led_by", "Task:K1") is None


def test_upsert_replaces_properties_and_is_idempotent(any_store):
    seed(any_store)
    seed(any_store)
    assert any_store.count_nodes() == 4 and any_store.count_edges() == 3
    any_store.upsert_nodes([Node("Target", "M1", {"name": "改名"})])
    assert any_store.get_node("Target:M1").props == {"name": "改名"}
    assert any_store.count_edges() == 3  # edges survive a property update


def test_counts_and_iteration(any_store):
    seed(any_store)
    assert any_store.count_nodes() == 4
    assert any_store.count_nodes("Target") == 2
    assert any_store.count_edges("led_by") == 1
    assert [n.id for n in any_store.iter_nodes("Target")] == ["Target:M1", "Target:S1"]
    assert [n.id for n in any_store.iter_nodes()] == sorted(n.id for n in any_store.iter_nodes())
    assert sorted(e.key for e in any_store.iter_edges("decomposes_to")) == [("Target:S1", "decomposes_to", "Target:M1")]


def test_neighbors_by_type_and_direction(any_store):
    seed(any_store)
    out = any_store.neighbors("Target:S1")
    assert [(e.type, n.id) for e, n in out] == [("decomposes_to", "Target:M1"), ("led_by", "OrgUnit:D01")]
    assert [(e.type, n.id) for e, n in any_store.neighbors("Target:S1", ["led_by"])] == [("led_by", "OrgUnit:D01")]
    assert [n.id for _, n in any_store.neighbors("Target:M1", direction="in")] == ["Target:S1"]
    assert [n.id for _, n in any_store.neighbors("Target:M1", direction="both")] == ["Target:S1", "Task:K1"]
    assert any_store.neighbors("Target:missing") == []


def test_find_by_code(any_store):
    seed(any_store)
    any_store.upsert_nodes([Node("Standard", "S1", {"name": "标准"})])
    assert [n.id for n in any_store.find_by_code("S1")] == ["Standard:S1", "Target:S1"]
    assert any_store.find_by_code("zzz") == []


def test_delete_node_removes_incident_edges(any_store):
    seed(any_store)
    assert any_store.delete_node("Target:M1") is True
    assert any_store.get_node("Target:M1") is None
    assert any_store.count_edges() == 1
    assert any_store.delete_node("Target:M1") is False
    assert any_store.find_by_code("M1") == []


def test_delete_edge(any_store):
    seed(any_store)
    assert any_store.delete_edge("Target:S1", "led_by", "OrgUnit:D01") is True
    assert any_store.delete_edge("Target:S1", "led_by", "OrgUnit:D01") is False
    assert any_store.neighbors("Target:S1", ["led_by"]) == []


def test_clear(any_store):
    seed(any_store)
    any_store.clear()
    assert any_store.count_nodes() == 0 and any_store.count_edges() == 0


@pytest.mark.parametrize("node", [
    Node("Widget", "W1"),
    Node("Target", ""),
    Node("Target", " T1"),
    Node("Target", "T1", {"layer": "galaxy"}),
    Node("Task", "K1", {"status": "done-ish"}),
    Node("Target", "T1", {"when": object()}),
])
def test_invalid_nodes_are_refused(any_store, node):
    with pytest.raises(ValidationError):
        any_store.upsert_nodes([node])
    assert any_store.count_nodes() == 0


def test_invalid_edges_are_refused(any_store):
    seed(any_store)
    with pytest.raises(ValidationError, match="unknown edge type"):
        any_store.upsert_edges([Edge("Target:S1", "likes", "Task:K1")])
    with pytest.raises(ValidationError, match="cannot be the target"):
        any_store.upsert_edges([Edge("Target:S1", "led_by", "Task:K1")])
    with pytest.raises(ValidationError, match="cannot be the source"):
        any_store.upsert_edges([Edge("Task:K1", "implemented_by", "Target:S1")])
    with pytest.raises(NotFoundError):
        any_store.upsert_edges([Edge("Target:S1", "decomposes_to", "Target:ghost")])
    assert any_store.count_edges() == 3


def test_a_bad_item_in_a_batch_writes_nothing(any_store):
    with pytest.raises(ValidationError):
        any_store.upsert_nodes([Node("Target", "A", {"layer": "school"}), Node("Target", "B", {"layer": "nope"})])
    assert any_store.count_nodes() == 0


def test_transaction_rolls_back_everything(any_store):
    if CAP_TRANSACTIONS not in any_store.capabilities:
        pytest.skip("backend without transactions")
    seed(any_store)
    with pytest.raises(RuntimeError):
        with any_store.transaction():
            any_store.upsert_nodes([Node("Task", "K2", {"name": "new"})])
            any_store.upsert_edges([Edge("Target:M1", "implemented_by", "Task:K2")])
            any_store.upsert_nodes([Node("Target", "M1", {"name": "changed"})])
            any_store.delete_node("Target:S1")
            assert any_store.get_node("Task:K2") is not None  # reads see the transaction's writes
            raise RuntimeError("boom")
    assert any_store.get_node("Task:K2") is None
    assert any_store.get_node("Target:M1").props["name"] == "专业目标"
    assert any_store.get_node("Target:S1") is not None
    assert any_store.count_edges() == 3
    assert any_store.find_by_code("S1")[0].id == "Target:S1"


def test_clear_inside_failed_transaction_is_undone(any_store):
    if CAP_TRANSACTIONS not in any_store.capabilities:
        pytest.skip("backend without transactions")
    seed(any_store)
    with pytest.raises(RuntimeError):
        with any_store.transaction():
            any_store.clear()
            raise RuntimeError
    assert any_store.count_nodes() == 4 and any_store.count_edges() == 3


def test_nested_transactions_commit_with_the_outer_one(any_store):
    if CAP_TRANSACTIONS not in any_store.capabilities:
        pytest.skip("backend without transactions")
    with pytest.raises(RuntimeError):
        with any_store.transaction():
            with any_store.transaction():
                any_store.upsert_nodes([Node("Task", "K9")])
            raise RuntimeError
    assert any_store.get_node("Task:K9") is None


def test_persistence_across_reopen(tmp_path):
    from graph.stores.embedded import EmbeddedStore

    path = tmp_path / "p.sqlite"
    with EmbeddedStore(path) as store:
        assert CAP_PERSISTENT in store.capabilities
        seed(store)
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.upsert_nodes([Node("Task", "lost")])
                raise RuntimeError
    with EmbeddedStore(path) as again:
        assert again.count_nodes() == 4 and again.count_edges() == 3
        assert again.get_node("Task:lost") is None
        assert again.get_edge("Target:M1", "implemented_by", "Task:K1").props == {"weight": 0.5}


def test_open_store_refuses_a_foreign_file(tmp_path):
    from graph.errors import StoreError
    from graph.stores import open_store

    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        open_store(bad)
    with pytest.raises(StoreError, match="unknown store scheme"):
        open_store("ftp://example/x")
