"""Owner answers kept between calls (``KeptOwners``) are the answers computed afresh; the nodes
kept are not read again; a caller may change what it gets; at most ``max_entries`` are kept. And
the owner of one node that names its own owner is read in one store call."""

from __future__ import annotations

import pytest

from graph.services.ownership import KeptOwners, owner_of, owners_of
from graph.services.trace import trace
from graph.stores.embedded import EmbeddedStore
from graph.subgraph import Subgraph
from seed.demo import load_demo


@pytest.fixture(scope="module")
def college(tmp_path_factory) -> tuple[EmbeddedStore, Subgraph]:
    store = EmbeddedStore(tmp_path_factory.mktemp("college") / "s.sqlite")
    load_demo(store, students=300)
    return store, Subgraph.read(store)


class Counting:
    """The store, counting ``traverse`` calls."""

    def __init__(self, store):
        self.store, self.traversals = store, 0

    def __getattr__(self, name):
        return getattr(self.store, name)

    def traverse(self, *args, **kwargs):
        self.traversals += 1
        return self.store.traverse(*args, **kwargs)


def test_kept_answers_are_the_fresh_answers_and_are_not_read_again(college):
    store, whole = college
    nodes = [n for n in whole.iter_nodes() if n.kind in ("Target", "Task", "Indicator", "Measurement")]
    fresh = {i: a.to_dict() for i, a in owners_of(store, nodes).items()}
    kept = KeptOwners()
    half = nodes[::2]
    assert {i: a.to_dict() for i, a in owners_of(store, half, kept=kept).items()} == {n.id: fresh[n.id] for n in half}
    assert len(kept) == len(half)
    counting = Counting(store)
    got = owners_of(counting, nodes, kept=kept)  # only the other half is computed
    assert {i: a.to_dict() for i, a in got.items()} == fresh and list(got) == [n.id for n in nodes]
    assert counting.traversals > 0 and len(kept) == len(nodes)
    counting.traversals = 0
    again = owners_of(counting, nodes, kept=kept)
    assert counting.traversals == 0 and {i: a.to_dict() for i, a in again.items()} == fresh
    some = next(a for a in again.values() if a.chain)
    some.chain.append({"from": "x", "edge": "y", "to": "z"})  # the caller's copy
    some.person = None
    assert owners_of(counting, [whole.get_node(some.node)], kept=kept)[some.node].to_dict() == fresh[some.node]
    other_hops = owners_of(counting, nodes[:3], 2, kept=kept)  # another max_hops is kept apart
    assert counting.traversals > 0 and {i: a.to_dict() for i, a in other_hops.items()} == {
        n.id: owner_of(whole, n, 2).to_dict() for n in nodes[:3]}


def test_traces_with_kept_owners_are_the_same(college):
    store, whole = college
    kept = KeptOwners()
    roots = [whole.get_node("Target:MB-S01"), *[n for n in whole.iter_nodes("Target")][::40]]
    for _ in range(2):  # cold, then every owner kept
        for root in roots:
            for depth, limit in ((3, 5), (1, None), (None, 3)):
                assert trace(store, root, "down", depth, limit, kept=kept) == trace(store, root, "down", depth, limit)
    task = next(whole.iter_nodes("Task"))
    assert trace(store, task, "up", kept=kept) == trace(store, task, "up")


def test_at_most_max_entries_are_kept(college):
    store, whole = college
    nodes = list(whole.iter_nodes("Task"))[:30]
    kept = KeptOwners(max_entries=10)
    got = owners_of(store, nodes, kept=kept)
    assert len(got) == 30 and len(kept) == 10
    assert {i: a.to_dict() for i, a in owners_of(store, nodes, kept=kept).items()} == \
        {i: a.to_dict() for i, a in got.items()}


def test_the_owner_of_a_node_naming_its_owner_is_one_traversal(college):
    store, whole = college
    task = next(n for n in whole.iter_nodes("Task") if owner_of(whole, n).found and not owner_of(whole, n).inherited_from)
    counting = Counting(store)
    assert owner_of(counting, task).to_dict() == owner_of(whole, task).to_dict()
    assert counting.traversals == 1  # the owner edges around it; no ancestor read
    indicator = next(n for n in whole.iter_nodes("Indicator") if owner_of(whole, n).inherited_from)
    counting.traversals = 0
    assert owner_of(counting, indicator).to_dict() == owner_of(whole, indicator).to_dict()
    assert counting.traversals == 2  # an indicator goes up first: its ancestors, the owner edges around them
    inherits = next((n for n in whole.iter_nodes("Task") if owner_of(whole, n).inherited_from), None)
    if inherits is not None:
        counting.traversals = 0
        assert owner_of(counting, inherits).to_dict() == owner_of(whole, inherits).to_dict()
        assert counting.traversals == 3
