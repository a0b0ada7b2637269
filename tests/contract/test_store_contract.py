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


# -- traverse -------------------------------------------------------------------------------------
def traversal_graph(store):
    """A plan whose targets share a child (a DAG), a cycle A → C → A, a self-loop on C, a task,
    an indicator measuring C, and people, posts and units linked both ways."""
    store.upsert_nodes([Node("Plan", "P"), Node("Target", "A"), Node("Target", "B"), Node("Target", "C"),
                        Node("Task", "K"), Node("OrgUnit", "U"), Node("OrgUnit", "V"), Node("Indicator", "I"),
                        Node("Post", "Q"), Node("Person", "X")])
    store.upsert_edges([
        Edge("Plan:P", "decomposes_to", "Target:A"), Edge("Plan:P", "decomposes_to", "Target:B"),
        Edge("Target:A", "decomposes_to", "Target:C"), Edge("Target:B", "decomposes_to", "Target:C"),
        Edge("Target:C", "decomposes_to", "Target:A"), Edge("Target:C", "decomposes_to", "Target:C"),
        Edge("Target:C", "implemented_by", "Task:K", {"weight": 0.5}), Edge("Target:A", "led_by", "OrgUnit:U"),
        Edge("Task:K", "led_by", "OrgUnit:U"), Edge("Indicator:I", "measures", "Target:C"),
        Edge("Person:X", "holds", "Post:Q"), Edge("Post:Q", "part_of", "OrgUnit:U"),
        Edge("Person:X", "part_of", "OrgUnit:V"), Edge("OrgUnit:V", "part_of", "OrgUnit:U"),
    ])


def _walked(sg):
    return sorted(f"{e.source} {e.type} {e.target}" for e in sg.iter_edges())


DOWN = [("decomposes_to", "out"), ("implemented_by", "out")]


def test_traverse_down_a_dag_with_a_cycle(any_store):
    traversal_graph(any_store)
    sg = any_store.traverse(["Plan:P"], DOWN)
    assert sg.depth == {"Plan:P": 0, "Target:A": 1, "Target:B": 1, "Target:C": 2, "Task:K": 3}
    assert set(sg.nodes) == set(sg.depth) and sg.nodes["Target:A"] == any_store.get_node("Target:A")
    assert _walked(sg) == ["Plan:P decomposes_to Target:A", "Plan:P decomposes_to Target:B",
                           "Target:A decomposes_to Target:C", "Target:B decomposes_to Target:C",
                           "Target:C decomposes_to Target:A", "Target:C decomposes_to Target:C",
                           "Target:C implemented_by Task:K"]
    assert sg.get_edge("Target:C", "implemented_by", "Task:K").props == {"weight": 0.5}
    # a node at the depth limit is held without its edges
    two = any_store.traverse(["Plan:P"], DOWN, 2)
    assert two.depth == {"Plan:P": 0, "Target:A": 1, "Target:B": 1, "Target:C": 2}
    assert _walked(two) == _walked(sg)[:4]


def test_traverse_mixed_directions_and_unknown_seeds(any_store):
    traversal_graph(any_store)
    steps = [("implemented_by", "in"), ("decomposes_to", "in"), ("measures", "in"), ("led_by", "out")]
    sg = any_store.traverse(["Task:K", "Task:ghost"], steps)
    assert sg.depth == {"Task:K": 0, "Target:C": 1, "OrgUnit:U": 1, "Target:A": 2, "Target:B": 2,
                        "Indicator:I": 2, "Plan:P": 3}
    assert _walked(sg) == ["Indicator:I measures Target:C", "Plan:P decomposes_to Target:A",
                           "Plan:P decomposes_to Target:B", "Target:A decomposes_to Target:C",
                           "Target:A led_by OrgUnit:U", "Target:B decomposes_to Target:C",
                           "Target:C decomposes_to Target:A", "Target:C decomposes_to Target:C",
                           "Target:C implemented_by Task:K", "Task:K led_by OrgUnit:U"]
    one = any_store.traverse(["Task:ghost", "Task:K", "Task:K"], steps, 1)
    assert one.depth == {"Task:K": 0, "Target:C": 1, "OrgUnit:U": 1}
    assert _walked(one) == ["Target:C implemented_by Task:K", "Task:K led_by OrgUnit:U"]


def test_traverse_both_ways_from_several_seeds(any_store):
    traversal_graph(any_store)
    steps = [("part_of", "both"), ("holds", "both")]
    sg = any_store.traverse(["OrgUnit:U", "Person:X"], steps, 1)
    assert sg.depth == {"OrgUnit:U": 0, "Person:X": 0, "Post:Q": 1, "OrgUnit:V": 1}
    assert _walked(sg) == ["OrgUnit:V part_of OrgUnit:U", "Person:X holds Post:Q",
                           "Person:X part_of OrgUnit:V", "Post:Q part_of OrgUnit:U"]
    assert any_store.traverse(["Post:Q"], steps).depth == {"Post:Q": 0, "OrgUnit:U": 1, "Person:X": 1, "OrgUnit:V": 2}


def test_traverse_without_steps_or_depth_gives_the_seeds(any_store):
    traversal_graph(any_store)
    for sg in (any_store.traverse(["Plan:P", "Task:ghost"], DOWN, 0), any_store.traverse(["Plan:P"], ())):
        assert sg.depth == {"Plan:P": 0} and list(sg.nodes) == ["Plan:P"] and _walked(sg) == []
    assert any_store.traverse([], DOWN).nodes == {}
    assert any_store.get_nodes(["Task:K", "Task:ghost", "Plan:P"]) == {
        "Task:K": any_store.get_node("Task:K"), "Plan:P": any_store.get_node("Plan:P")}


def random_chains(store, seed_: int, n_targets: int = 30, n_tasks: int = 20) -> list[str]:
    """A random chain graph: targets decomposed into targets (shared children, cycles, self-loops),
    targets implemented by tasks; codes mixing cases, digits and Chinese so the order of ids is
    tested beyond ASCII. Returns the node ids."""
    import random

    rng = random.Random(seed_)
    alphabet = ["a", "B", "z", "Z", "0", "9", "-", "目", "标", "é"]
    codes: set[str] = set()
    while len(codes) < n_targets + n_tasks:
        codes.add("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))))
    ordered = sorted(codes)
    rng.shuffle(ordered)
    targets = [Node("Target", c, {"name": f"目标{c}"}) for c in ordered[:n_targets]]
    tasks = [Node("Task", c, {"name": f"任务{c}"}) for c in ordered[n_targets:]]
    store.upsert_nodes(targets + tasks)
    edges = {}
    for t in targets:
        for _ in range(rng.choice([0, 1, 2, 3, 6])):
            o = rng.choice(targets)
            edges[(t.id, "decomposes_to", o.id)] = Edge(t.id, "decomposes_to", o.id)
        for _ in range(rng.choice([0, 1, 4])):
            o = rng.choice(tasks)
            edges[(t.id, "implemented_by", o.id)] = Edge(t.id, "implemented_by", o.id)
    store.upsert_edges(edges.values())
    return [n.id for n in targets + tasks]


@pytest.mark.parametrize("seed_,count_first", [(1, 0), (2, 10_000), (3, 10_000), (4, 0)])
def test_neighbor_pages_are_counts_and_first_neighbors(any_store, seed_, count_first):
    """``neighbor_pages``: per node the count of ``neighbors`` and its first ``limit`` as (type, id)
    pairs, on random graphs; the default (a one-hop traversal) agrees with the backend's. (The
    embedded store reads a short list of ids another way than a long one: both are run.)"""
    from graph.store import GraphStore

    if hasattr(any_store, "count_first_below"):
        any_store.count_first_below = count_first
    ids = random_chains(any_store, seed_) + ["Target:ghost"]
    types = ("decomposes_to", "implemented_by", "includes")
    for direction in ("out", "in", "both"):
        whole = {i: [(e.type, n.id) for e, n in any_store.neighbors(i, types, direction)] for i in ids}
        for limit in (None, 0, 1, 2, 5):
            want = {i: (len(p), p if limit is None else p[:limit]) for i, p in whole.items() if p}
            got = any_store.neighbor_pages(ids, types, direction, limit)
            assert got == want and list(got) == [i for i in ids if i in want], (direction, limit)
            assert GraphStore.neighbor_pages(any_store, ids, types, direction, limit) == want
        assert any_store.neighbor_pages(ids[:3], ("implemented_by",), direction) == {
            i: (len(p), p) for i in ids[:3] if (p := [x for x in whole[i] if x[0] == "implemented_by"])}
    assert any_store.neighbor_pages([], types) == {} and any_store.neighbor_pages(ids, ()) == {}
    with pytest.raises(ValidationError):
        any_store.neighbor_pages(ids, ("no_such_edge",))
    with pytest.raises(ValueError):
        any_store.neighbor_pages(ids, types, "out", -1)
