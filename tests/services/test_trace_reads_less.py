"""Trace reads its chain only down to the depth shown (what was cut is counted by
``count_neighbors``) and the owners of many nodes from the owner edges first (the ancestors only
of the nodes that name no owner). Neither changes an answer: each trace below is compared with an
independent computation on the whole graph held in memory, node by node with ``owner_of``."""

from __future__ import annotations

from typing import Any

import pytest

from graph.services.chains import DOWN_EDGES, children, parents
from graph.services.ownership import COMPLETING_STEPS, STATED_STEPS, owner_of, owners_of, owners_view
from graph.services.paging import page_of
from graph.services.trace import node_summary, trace
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from graph.errors import ValidationError
from graph.model import Edge, Node
from graph.subgraph import Subgraph
from seed.demo import load_demo


@pytest.fixture(scope="module")
def college(tmp_path_factory) -> tuple[EmbeddedStore, Subgraph]:
    """The demo grown by a few hundred generated students (shared sub-targets, inherited owners,
    several layers), and the whole of it in memory."""
    store = EmbeddedStore(tmp_path_factory.mktemp("college") / "s.sqlite")
    load_demo(store, students=300)
    return store, Subgraph.read(store)


def reference(whole: Subgraph, node, direction: str = "down", depth: int | None = None,
              limit: int | None = None, offset: int = 0) -> dict[str, Any]:
    """The trace as documented, walked on the whole graph with one ``owner_of`` per node."""
    key = "children" if direction == "down" else "parents"
    step = children if direction == "down" else parents
    seen: set[str] = set()

    def visit(n, level: int) -> dict[str, Any]:
        seen.add(n.id)
        entry = node_summary(n, owner_of(whole, n))
        nxt = step(whole, n.id)
        if depth is not None and level >= depth:
            entry[key] = []
            if nxt:
                entry["truncated"] = len(nxt)
            return entry
        shown = nxt if limit is None else page_of(nxt, limit, offset if level == 0 else 0)
        if len(shown) < len(nxt):
            entry["truncated"] = len(nxt) - len(shown)
        out = []
        for edge, other in shown:
            if other.id in seen:
                out.append({"id": other.id, "kind": other.kind, "name": other.name, "ref": True, key: []})
            else:
                child = visit(other, level + 1)
                child["via"] = edge.type
                out.append(child)
        entry[key] = out
        return entry

    tree = visit(node, 0)
    if limit is not None:
        tree.update(total=len(step(whole, node.id)), limit=limit, offset=offset)
    return tree


def _roots(whole: Subgraph, kind: str, layer: str | None, n: int) -> list:
    nodes = [x for x in whole.iter_nodes(kind) if layer is None or x.props.get("layer") == layer]
    return nodes[:: max(1, len(nodes) // n)][:n]


@pytest.mark.parametrize("depth,limit,offset", [(3, None, 0), (0, None, 0), (1, None, 0), (2, 2, 1),
                                                (None, None, 0), (3, 3, 0)])
def test_trace_down_equals_the_whole_graph_reference(college, depth, limit, offset):
    store, whole = college
    roots = [whole.get_node("Target:MB-S01"), *_roots(whole, "Target", "school", 3),
             *_roots(whole, "Target", "department", 3), *_roots(whole, "Plan", None, 1)]
    truncated = 0
    for root in roots:
        got = trace(store, root, "down", depth, limit, offset)
        assert got == reference(whole, root, "down", depth, limit, offset), root.id
        truncated += "truncated" in str(got)
    if depth is not None:
        assert truncated  # the cut is exercised


@pytest.mark.parametrize("depth", [None, 0, 1, 2])
def test_trace_up_equals_the_whole_graph_reference(college, depth):
    store, whole = college
    for root in _roots(whole, "Task", None, 8) + _roots(whole, "Target", "major", 3):
        assert trace(store, root, "up", depth) == reference(whole, root, "up", depth), root.id


def test_owners_of_many_equal_owner_of_each_on_the_whole_graph(college):
    store, whole = college
    nodes = [n for n in whole.iter_nodes() if n.kind in ("Target", "Task", "Indicator", "Plan", "Measurement",
                                                           "Person", "Post", "OrgUnit", "Standard")]
    assert {"Person", "Post", "OrgUnit"} <= {n.kind for n in nodes}  # asked about themselves too
    got = owners_of(store, nodes)
    assert {i: a.to_dict() for i, a in got.items()} == {n.id: owner_of(whole, n).to_dict() for n in nodes}
    assert any(a.inherited_from for a in got.values()) and any(a.found and not a.inherited_from for a in got.values())


def test_owners_view_reads_no_ancestors_when_every_node_names_its_owner(college):
    store, whole = college
    named = [n for n in whole.iter_nodes("Task") if owner_of(whole, n).found and not owner_of(whole, n).inherited_from][:20]
    assert len(named) == 20
    calls = []

    class Counting:
        def traverse(self, *args, **kwargs):
            calls.append(args[1])
            return store.traverse(*args, **kwargs)

    owners_view(Counting(), named)  # type: ignore[arg-type]
    assert calls == [STATED_STEPS, COMPLETING_STEPS]  # the owner edges only, no ancestors


def test_count_neighbors_counts_what_neighbors_lists(college):
    store, whole = college
    ids = [n.id for n in whole.iter_nodes() if n.kind in ("Target", "Task", "Plan")][:400] + ["Target:nope"]
    for direction in ("out", "in", "both"):
        got = store.count_neighbors(ids, DOWN_EDGES, direction)
        want = {i: len(whole.neighbors(i, DOWN_EDGES, direction)) for i in ids}
        assert got == {i: n for i, n in want.items() if n}
        assert GraphStore.count_neighbors(store, ids, DOWN_EDGES, direction) == got  # the default agrees
    assert store.count_neighbors([], DOWN_EDGES) == {} and store.count_neighbors(ids, ()) == {}
    with pytest.raises(ValidationError):
        store.count_neighbors(ids, ("no_such_edge",))
    with pytest.raises(ValidationError):
        store.count_neighbors(ids, DOWN_EDGES, "sideways")  # type: ignore[arg-type]


def test_trace_and_count_neighbors_on_every_backend(any_store):
    """The default ``count_neighbors`` (the Neo4j store's) and the embedded one give the same cut."""
    targets = [Node("Target", "S1", {"name": "学校目标", "layer": "school"})]
    targets += [Node("Target", f"M{i}", {"name": f"专业目标{i}", "layer": "major"}) for i in range(3)]
    targets += [Node("Target", f"M{i}-{j}", {"name": f"子目标{i}{j}", "layer": "major"}) for i in range(3) for j in range(2)]
    any_store.upsert_nodes([*targets, Node("OrgUnit", "U1", {"name": "教务处"})])
    any_store.upsert_edges([Edge("Target:S1", "decomposes_to", f"Target:M{i}") for i in range(3)]
                           + [Edge(f"Target:M{i}", "decomposes_to", f"Target:M{i}-{j}") for i in range(3) for j in range(2)]
                           + [Edge("Target:M0", "decomposes_to", "Target:M1-0"), Edge("Target:S1", "led_by", "OrgUnit:U1")])
    whole = Subgraph.read(any_store)
    root = whole.get_node("Target:S1")
    for depth in (0, 1, 2):
        got = trace(any_store, root, "down", depth)
        assert got == reference(whole, root, "down", depth)
        assert got["owner"]["unit"] == {"id": "OrgUnit:U1", "name": "教务处"}
    assert trace(any_store, root, "down", 1)["children"][0]["truncated"] == 3
    ids = list(whole.nodes)
    for direction in ("out", "in", "both"):
        assert any_store.count_neighbors(ids, DOWN_EDGES, direction) == {
            i: n for i in ids if (n := len(whole.neighbors(i, DOWN_EDGES, direction)))}


@pytest.mark.parametrize("seed_", range(6))
def test_trace_on_random_chains_equals_the_whole_graph_reference(tmp_path, seed_):
    """Trace reads its chain page by page (``neighbor_pages``, the first ``limit`` edges of each
    node shown): on random graphs with shared children, cycles and self-loops, every trace — down
    and up, any depth, limit and offset — is the reference walked on the whole graph."""
    import random

    from tests.contract.test_store_contract import random_chains

    store = EmbeddedStore(tmp_path / "r.sqlite")
    ids = random_chains(store, 100 + seed_)
    whole = Subgraph.read(store)
    rng = random.Random(seed_)
    for root_id in rng.sample(ids, 12):
        root = whole.get_node(root_id)
        for direction in ("down", "up"):
            for depth, limit, offset in [(None, None, 0), (0, 2, 0), (1, None, 0), (2, 1, 1), (3, 2, 0),
                                         (3, 3, 4), (None, 2, 1), (rng.randint(1, 5), rng.randint(1, 4),
                                                                  rng.randint(0, 5))]:
                got = trace(store, root, direction, depth, limit, offset)
                assert got == reference(whole, root, direction, depth, limit, offset), (root_id, direction, depth,
                                                                                         limit, offset)
    store.close()
