"""Trace looks up owners, and counts the edges cut at the depth limit, only for the nodes its answer
shows in full — not for every node of the chain it read (with ``limit`` most of them are left
out). The answers stay those of the whole-graph reference (tests/services/test_trace_reads_less.py)."""

from __future__ import annotations

import pytest

import graph.services.trace as trace_module
from graph.services.chains import DOWN_STEPS
from graph.services.trace import trace, walk_trace
from graph.stores.embedded import EmbeddedStore
from graph.subgraph import Subgraph
from seed.demo import load_demo


@pytest.fixture(scope="module")
def college(tmp_path_factory) -> tuple[EmbeddedStore, Subgraph]:
    store = EmbeddedStore(tmp_path_factory.mktemp("college") / "s.sqlite")
    load_demo(store, students=300)
    return store, Subgraph.read(store)


@pytest.mark.parametrize("depth,limit", [(3, 3), (2, 2), (1, 1), (0, 5), (None, 2)])
def test_owners_and_cut_counts_are_asked_only_for_the_nodes_shown(college, monkeypatch, depth, limit):
    store, whole = college
    asked: list[list[str]] = []
    counted: list[list[str]] = []
    real_owners_of, real_count = trace_module.owners_of, store.count_neighbors

    def owners_of(reader, nodes, *args, **kwargs):
        nodes = list(nodes)
        asked.append([n.id for n in nodes])
        return real_owners_of(reader, nodes, *args, **kwargs)

    def count_neighbors(ids, *args, **kwargs):
        ids = list(ids)
        counted.append(ids)
        return real_count(ids, *args, **kwargs)

    monkeypatch.setattr(trace_module, "owners_of", owners_of)
    monkeypatch.setattr(store, "count_neighbors", count_neighbors)
    roots = [whole.get_node("Target:MB-S01"), *[n for n in whole.iter_nodes("Plan")][:1]]
    left_out = 0
    for root in roots:
        asked.clear()
        counted.clear()
        tree = trace(store, root, "down", depth, limit)
        shown = [e["id"] for e in walk_trace(tree) if not e.get("ref")]
        assert len(asked) == 1 and asked[0] == shown  # each shown node once, in the answer's order
        read = store.traverse([root.id], DOWN_STEPS, depth)
        left_out += len(read.nodes) - len(shown)
        assert len(counted) <= 1
        if depth is not None and counted:
            # only nodes shown on the last level are counted (those whose page was not read)
            assert set(counted[0]) <= set(_on_level(tree, depth)) and counted[0]
    assert left_out > 0 or depth == 0  # the limit left nodes of the chain out of the answer


def _on_level(tree, depth: int, level: int = 0):
    """Ids of the entries shown in full at ``depth``."""
    if level == depth:
        if not tree.get("ref"):
            yield tree["id"]
        return
    for child in tree.get("children", []):
        yield from _on_level(child, depth, level + 1)


def test_what_trace_read_is_freed_when_it_returns_without_the_collector(college, monkeypatch):
    """``trace``'s recursive helpers refer to themselves (a reference cycle holding what it read:
    the pages, the counts, the nodes): it would stay alive until a collection found it. Reference
    counting frees it as soon as the answer is returned."""
    import gc
    import weakref

    store, whole = college

    class Held(dict):  # a dict that can be referred to weakly
        pass

    held: list[weakref.ref] = []
    real = store.count_neighbors

    def count_neighbors(*args, **kwargs):
        got = Held(real(*args, **kwargs))
        held.append(weakref.ref(got))
        return got

    monkeypatch.setattr(store, "count_neighbors", count_neighbors)
    was = gc.isenabled()
    gc.disable()
    try:
        tree = trace(store, whole.get_node("Target:MB-S01"), "down", 2, 3)
        assert tree["children"] and held
        assert all(ref() is None for ref in held)  # every count read is gone already
    finally:
        if was:
            gc.enable()


def test_a_limit_without_offset_shows_the_first_children(college):
    store, whole = college
    root = whole.get_node("Target:MB-S01")
    first = trace(store, root, "down", 1, 2)
    assert first == trace(store, root, "down", 1, 2, 0) and first["offset"] == 0
    later = trace(store, root, "down", 1, 2, 1)
    assert [c["id"] for c in later["children"]][:1] == [c["id"] for c in first["children"]][1:2]


def test_nodes_deleted_between_the_reads_are_left_out_and_the_root_shown_as_given(college, monkeypatch):
    """Another process may delete nodes between the edge pages and the node rows: a child gone is
    left out, the root gone is shown as given (a leaf of its own answer's shape)."""
    store, whole = college
    root = whole.get_node("Target:MB-S01")
    full = trace(store, root, "down", 1, 5)
    gone = full["children"][0]["id"]
    real_get_nodes = store.get_nodes

    def rows_without(node_id):
        calls = []

        def get_nodes(ids):  # trace's one read of the rows misses the node; later reads see it
            calls.append(1)
            return {i: n for i, n in real_get_nodes(ids).items() if len(calls) > 1 or i != node_id}
        return get_nodes

    monkeypatch.setattr(store, "get_nodes", rows_without(gone))
    assert [c["id"] for c in trace(store, root, "down", 1, 5)["children"]] == [c["id"] for c in full["children"][1:]]
    monkeypatch.setattr(store, "get_nodes", rows_without(root.id))
    assert trace(store, root, "down", 1, 5) == full
