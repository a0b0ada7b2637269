"""The journal contract (graph/history): every backend records each write through the
``ConcurrentStore`` as one revision in the write's own transaction, and answers the journal's
queries the same way (see tests/conftest.py for the backends)."""

from __future__ import annotations

import pytest

from graph.history import timeline
from graph.history.model import journal_of
from graph.history.suspect import review, suspect_links
from graph.model import Edge, Node
from graph.services.edit import concurrent
from tests.conftest import make_store

S1 = Node("Target", "S1", {"name": "专业建设水平全省领先", "layer": "school"})
M1 = Node("Target", "M1", {"name": "专业目标", "layer": "major"})
K1 = Node("Task", "K1", {"name": "修订人才培养方案", "status": "normal"})
EDGES = [Edge("Target:S1", "decomposes_to", "Target:M1"), Edge("Target:M1", "implemented_by", "Task:K1")]


def first_load(store):
    with store.recording(who="tester", source="load", files=[{"name": "v1.xlsx", "sha256": "0" * 64}]):
        store.upsert_nodes([S1, M1, K1])
        store.upsert_edges(EDGES)


def test_a_transaction_is_one_revision_with_its_counts(any_store):
    store = concurrent(any_store)
    first_load(store)
    log = timeline.log(store)["revisions"]
    assert log == [{"rev": 1, "at": log[0]["at"], "who": "tester", "source": "load",
                    "files": [{"name": "v1.xlsx", "sha256": "0" * 64}],
                    "changes": {"nodes_added": 3, "nodes_changed": 0, "nodes_removed": 0,
                                "edges_added": 2, "edges_removed": 0}}]
    assert log[0]["at"].endswith("Z")


def test_writing_the_same_again_records_nothing(any_store):
    store = concurrent(any_store)
    first_load(store)
    first_load(store)
    with store.transaction():  # a clear then the same data nets out
        store.clear()
        store.upsert_nodes([S1, M1, K1])
        store.upsert_edges(EDGES)
    assert [r["rev"] for r in timeline.log(store)["revisions"]] == [1]


def test_a_failed_transaction_records_nothing(any_store):
    store = concurrent(any_store)
    first_load(store)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert_nodes([Node("Target", "S1", {"name": "改", "layer": "school"})])
            raise RuntimeError("undo")
    assert [r["rev"] for r in timeline.log(store)["revisions"]] == [1]
    assert store.get_node("Target:S1").props["name"] == S1.props["name"]


def test_changes_history_diff_and_the_graph_then(any_store):
    store = concurrent(any_store)
    first_load(store)
    store.upsert_nodes([Node("Target", "S1", {"name": "新名称", "layer": "school"})])
    store.delete_edge("Target:M1", "implemented_by", "Task:K1")
    store.delete_node("Task:K1")
    log = timeline.log(store)["revisions"]
    assert [(r["rev"], r["changes"]["nodes_changed"], r["changes"]["nodes_removed"], r["changes"]["edges_removed"])
            for r in log] == [(4, 0, 1, 0), (3, 0, 0, 1), (2, 1, 0, 0), (1, 0, 0, 0)]
    d = timeline.diff(store, 1)
    assert d["nodes"] == {"added": [], "removed": ["Task:K1"],
                          "changed": [{"id": "Target:S1", "fields": {"name": [S1.props["name"], "新名称"]}}]}
    assert d["edges"] == {"added": [], "removed": [{"source": "Target:M1", "type": "implemented_by",
                                                    "target": "Task:K1"}]}
    h = timeline.history(store, "Task:K1")["versions"]
    assert [(v["rev"], v["op"]) for v in h] == [(1, "added"), (3, None), (4, "removed")]
    then = timeline.graph_at(store, 1)
    assert {n.id: n.props for n in then.iter_nodes()} == {n.id: n.props for n in (S1, M1, K1)}
    assert sorted(e.key for e in then.iter_edges()) == sorted(e.key for e in EDGES)


def test_suspect_links_and_review(any_store):
    store = concurrent(any_store)
    first_load(store)
    store.upsert_nodes([Node("Task", "K1", {"name": "修订人才培养方案", "status": "warning"})])  # status: no trigger
    assert suspect_links(store.inner) == []
    store.upsert_nodes([Node("Target", "S1", {"name": "新名称", "layer": "school"})])
    assert [s.to_dict() for s in suspect_links(store.inner)] == [
        {"child": "Target:M1", "parent": "Target:S1", "type": "decomposes_to", "rev": 3, "fields": ["name"]}]
    done = review(store, "Target:M1", who="tester")
    assert done["rev"] == 4 and suspect_links(store.inner) == []
    assert timeline.log(store)["revisions"][0]["source"] == "review"


def test_the_journal_survives_reopening(tmp_path):
    """The embedded file store keeps its journal in its file: a store opened on it again reads the
    revisions and baselines (Neo4j keeps them on the server, as every other write)."""
    store = concurrent(make_store("embedded-file", tmp_path))
    first_load(store)
    timeline.set_baseline(store, "2025年度诊改基线", who="tester")
    again = concurrent(make_store("embedded-file", tmp_path))
    assert [r["rev"] for r in timeline.log(again)["revisions"]] == [1]
    assert timeline.resolve_point(again, "2025年度诊改基线") == 1
    assert journal_of(again) is not None


@pytest.mark.parametrize("backend", ["embedded-file", "embedded-memory"])
def test_the_in_memory_store_journals_in_its_database_and_a_closed_store_refuses(backend, tmp_path):
    """Both embedded variants keep the journal in SQLite (the in-memory one in its in-memory
    database): revisions read back, a rolled-back write leaves none, and once the store is closed
    the journal says so instead of answering from nothing."""
    from graph.errors import StoreError

    store = concurrent(make_store(backend, tmp_path))
    first_load(store)
    with pytest.raises(RuntimeError), store.recording(who="tester", source="edit"):
        store.upsert_nodes([Node("Target", "S2", {"name": "不会留下", "layer": "school"})])
        raise RuntimeError("abandon the write")
    journal = journal_of(store)
    assert [r.rev for r in journal.revisions()] == [1]
    assert {c.node for c in journal.changes()} >= {"Target:S1", "Task:K1"}
    store.close()
    with pytest.raises(StoreError, match="closed"):
        journal.revisions()
