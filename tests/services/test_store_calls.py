"""The services read the store in bulk: a wrapper counts every store call while trace, impact,
owner and a full check answer on the demo college (the interfaces' path: resolve the id, then ask).

On Neo4j each call is a network round trip, so these bounds are what keeps a question at a few
round trips whatever the size of the chain (docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from graph.checks import run_checks
from graph.services.impact import impact
from graph.services.ownership import owner_of
from graph.services.resolve import resolve_node
from graph.services.trace import trace, walk_trace
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from seed.demo import load_demo

#: GraphStore methods that read or write (everything a service could call).
STORE_METHODS = {name for name in dir(GraphStore) if not name.startswith("_") and callable(getattr(GraphStore, name))}


class CountingStore:
    """Wraps a store and counts each call of a GraphStore method by name."""

    def __init__(self, inner: GraphStore):
        self._inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if name in STORE_METHODS:
            def counted(*args, **kwargs):
                self.calls[name] += 1
                return value(*args, **kwargs)
            return counted
        return value

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@pytest.fixture(scope="module")
def demo() -> EmbeddedStore:
    store = EmbeddedStore(None)
    load_demo(store)
    return store


def test_trace_of_a_school_goal_takes_at_most_ten_calls(demo):
    store = CountingStore(demo)
    tree = trace(store, resolve_node(store, "MB-S01"))
    assert store.total <= 10, store.calls
    # the answer is the whole chain, down to tasks, each with its owner
    entries = list(walk_trace(tree))
    assert len(entries) > 100
    assert any(e["kind"] == "Task" and e["owner"]["person"] for e in entries)


def test_upward_trace_takes_at_most_ten_calls(demo):
    store = CountingStore(demo)
    tree = trace(store, resolve_node(store, "RW-0161"), "up")
    assert store.total <= 10, store.calls
    assert any(e["kind"] == "Plan" for e in walk_trace(tree, "parents"))


def test_impact_of_a_school_goal_takes_at_most_ten_calls(demo):
    store = CountingStore(demo)
    answer = impact(store, resolve_node(store, "MB-S01"))
    assert store.total <= 10, store.calls
    assert any(a["kind"] == "Indicator" for a in answer["affected"])
    assert answer["units"]


def test_owner_takes_at_most_three_calls(demo):
    store = CountingStore(demo)
    own = owner_of(store, resolve_node(store, "ZK-58"))
    assert store.total <= 3, store.calls
    assert own.found and own.inherited_from  # ZK-58 inherits its owner through what it measures


def test_full_check_takes_at_most_sixty_calls(demo):
    store = CountingStore(demo)
    report = run_checks(store, as_of=dt.date(2025, 12, 31))
    assert store.total <= 60, store.calls
    assert report.findings and all(f.owner["unit"] for f in report.findings if f.rule == "IS001")
