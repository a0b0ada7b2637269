"""graph.copy: copy_graph between any two stores, push / pull by URI, and the promise that a copy
answers trace / owner / impact exactly like its source (embedded ↔ embedded, and embedded ↔ the
Neo4j store over the fake driver)."""

from __future__ import annotations

import pytest
from tests.neo4j.neo4j_fakes import FakeDriver

from graph.copy import copy_graph, pull, push
from graph.errors import NotFoundError, StoreError, ValidationError
from graph.model import Edge, Node
from graph.services.impact import impact
from graph.services.ownership import owner_of
from graph.services.trace import trace
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore


def college(store):
    store.upsert_nodes([
        Node("OrgUnit", "U-JW", {"name": "教务处", "type": "functional_office"}),
        Node("OrgUnit", "U-JD", {"name": "机电系"}),
        Node("Post", "P-T", {"name": "专任教师"}),
        Node("Person", "T1", {"name": "王老师", "tags": ["双师", "骨干"], "note": None}),
        Node("Plan", "P", {"name": "总规划", "level": "1"}),
        Node("Target", "S", {"name": "学校目标", "layer": "school", "target_value": 95.5}),
        Node("Target", "D", {"name": "系部目标", "layer": "department", "mixed": [1, "一"]}),
        Node("Target", "C", {"name": "课程", "layer": "course"}),
        Node("Task", "K", {"name": "建设课程", "status": "normal", "deadline": "2025-06-30"}),
        Node("Indicator", "I", {"name": "就业率", "big": 2**70}),
    ])
    store.upsert_edges([
        Edge("Person:T1", "holds", "Post:P-T"), Edge("Post:P-T", "part_of", "OrgUnit:U-JD"),
        Edge("Plan:P", "decomposes_to", "Target:S"), Edge("Target:S", "decomposes_to", "Target:D"),
        Edge("Target:D", "decomposes_to", "Target:C"), Edge("Target:C", "implemented_by", "Task:K", {"weight": 0.5}),
        Edge("Task:K", "assigned_to", "Person:T1"), Edge("Target:S", "led_by", "OrgUnit:U-JW"),
        Edge("Target:D", "led_by", "OrgUnit:U-JD"), Edge("Indicator:I", "measures", "Target:C"),
    ])


def snapshot(store):
    nodes = [n.to_dict() for n in store.iter_nodes()]
    edges = sorted((e.to_dict() for e in store.iter_edges()), key=lambda e: (e["source"], e["type"], e["target"]))
    return nodes, edges


def answers(store):
    return (trace(store, store.get_node("Plan:P")), trace(store, store.get_node("Task:K"), "up"),
            owner_of(store, store.get_node("Indicator:I")).to_dict(), impact(store, store.get_node("Target:S")))


def test_copy_embedded_to_embedded_copies_everything_with_progress(tmp_path):
    source, target = EmbeddedStore(tmp_path / "a.sqlite"), EmbeddedStore(tmp_path / "b.sqlite")
    college(source)
    calls = []
    counts = copy_graph(source, target, progress=lambda *a: calls.append(a), batch_size=3)
    assert counts == {"nodes": 10, "edges": 10}
    assert snapshot(target) == snapshot(source)
    assert answers(target) == answers(source)
    assert calls == [("nodes", 0, 10), ("nodes", 3, 10), ("nodes", 6, 10), ("nodes", 9, 10), ("nodes", 10, 10),
                     ("edges", 0, 10), ("edges", 3, 10), ("edges", 6, 10), ("edges", 9, 10), ("edges", 10, 10)]
    target.close()
    with EmbeddedStore(tmp_path / "b.sqlite") as again:  # persisted
        assert snapshot(again) == snapshot(source)


def test_round_trip_through_the_neo4j_store_gives_identical_answers():
    source, back = EmbeddedStore(None), EmbeddedStore(None)
    college(source)
    driver = FakeDriver()
    neo = Neo4jStore(driver, batch_size=4)
    assert copy_graph(source, neo, batch_size=4) == {"nodes": 10, "edges": 10}
    # into an empty Neo4j store: the bulk path, CREATE in one write transaction per batch of 4
    assert "begin explicit" not in driver.events and driver.events.count("commit write") == 3 + 3
    assert driver.queries("merge_nodes") == [] and len(driver.queries("create_nodes")) >= 3
    assert snapshot(neo) == snapshot(source)
    assert answers(neo) == answers(source)
    copy_graph(neo, back)
    assert snapshot(back) == snapshot(source)


def test_a_non_empty_target_is_refused_unless_replace_or_merge():
    source, target = EmbeddedStore(None), EmbeddedStore(None)
    college(source)
    target.upsert_nodes([Node("Task", "OTHER")])
    with pytest.raises(StoreError, match="already holds 1 nodes"):
        copy_graph(source, target)
    assert target.count_nodes() == 1
    copy_graph(source, target, merge=True)
    assert target.count_nodes() == 11
    copy_graph(source, target, replace=True)
    assert snapshot(target) == snapshot(source)
    with pytest.raises(ValueError):
        copy_graph(source, target, replace=True, merge=True)
    with pytest.raises(StoreError, match="onto itself"):
        copy_graph(source, source, merge=True)


def test_a_failed_copy_leaves_the_target_as_it_was():
    source = EmbeddedStore(None)
    college(source)
    driver = FakeDriver()
    target = Neo4jStore(driver, batch_size=4)
    target.upsert_nodes([Node("Task", "OLD")])
    before = snapshot(target)

    class Refusing(EmbeddedStore):
        def iter_edges(self, type=None):
            yield from super().iter_edges(type)
            yield Edge("Target:S", "led_by", "Task:K")  # the ontology forbids it

    bad = Refusing(None)
    college(bad)
    with pytest.raises(ValidationError):
        copy_graph(bad, target, replace=True)
    assert snapshot(target) == before  # the clear and every batch were rolled back


def test_a_copy_onto_a_non_empty_neo4j_store_is_one_transaction():
    source = EmbeddedStore(None)
    college(source)
    driver = FakeDriver()
    neo = Neo4jStore(driver, batch_size=4)
    neo.upsert_nodes([Node("Task", "OLD")])
    assert copy_graph(source, neo, batch_size=4, replace=True) == {"nodes": 10, "edges": 10}
    assert driver.events.count("begin explicit") == 1 and driver.events.count("commit explicit") == 1
    assert snapshot(neo) == snapshot(source)


def test_a_failed_bulk_copy_leaves_the_empty_target_empty():
    driver = FakeDriver()
    target = Neo4jStore(driver, batch_size=4)

    class Refusing(EmbeddedStore):
        def iter_edges(self, type=None):
            yield from super().iter_edges(type)
            yield Edge("Target:S", "led_by", "Task:K")  # the ontology forbids it

    bad = Refusing(None)
    college(bad)
    with pytest.raises(ValidationError):
        copy_graph(bad, target, batch_size=4)
    assert len(driver.queries("create_edges")) >= 2  # batches were committed before the bad edge
    assert target.count_nodes() == 0 and target.count_edges() == 0  # and deleted again


def test_create_all_refuses_a_non_empty_store_duplicates_and_missing_endpoints():
    neo = Neo4jStore(FakeDriver(), batch_size=4)
    neo.upsert_nodes([Node("Task", "OLD")])
    with pytest.raises(StoreError, match="empty store"):
        neo.create_all([Node("Task", "NEW")], [])
    assert [n.id for n in neo.iter_nodes()] == ["Task:OLD"]
    neo.clear()
    with pytest.raises(ValidationError, match="given twice"):
        neo.create_all([Node("Task", "A"), Node("Task", "A")], [])
    with pytest.raises(NotFoundError, match="no node Task:B"):
        neo.create_all([Node("Task", "A")], [Edge("Task:A", "decomposes_to", "Task:B")])
    with pytest.raises(ValidationError, match="given twice"):
        neo.create_all([Node("Task", "A"), Node("Task", "B")],
                       [Edge("Task:A", "decomposes_to", "Task:B"), Edge("Task:A", "decomposes_to", "Task:B")])
    assert neo.count_nodes() == 0
    assert neo.create_all([Node("Task", "A"), Node("Task", "B")], [Edge("Task:A", "decomposes_to", "Task:B")]) == \
        {"nodes": 2, "edges": 1}
    assert neo.get_edge("Task:A", "decomposes_to", "Task:B") is not None


def test_non_atomic_copy_commits_batch_by_batch():
    source = EmbeddedStore(None)
    college(source)
    driver = FakeDriver()
    copy_graph(source, Neo4jStore(driver), batch_size=4, atomic=False)
    assert "begin explicit" not in driver.events and driver.events.count("commit write") == 3 + 3


def test_push_and_pull_open_the_stores_by_uri(tmp_path, monkeypatch):
    here, there, back = tmp_path / "here.sqlite", tmp_path / "there.sqlite", tmp_path / "back.sqlite"
    with EmbeddedStore(here) as store:
        college(store)
    result = push(str(there), str(here))
    assert result == {"nodes": 10, "edges": 10, "from": str(here), "to": str(there)}
    monkeypatch.setenv("IQA_STORE", str(back))  # the default store, as the CLI's --store
    result = pull(str(there))
    assert (result["from"], result["to"]) == (str(there), str(back))
    with EmbeddedStore(here) as a, EmbeddedStore(back) as b:
        assert snapshot(a) == snapshot(b)
    with pytest.raises(StoreError, match="already holds"):
        pull(str(there))
    assert pull(str(there), replace=True)["nodes"] == 10
