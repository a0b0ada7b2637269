"""A full check frees its snapshot when it returns: no reference cycle keeps the context alive
for the cyclic collector to find (at 1M nodes that walk cost about a second)."""

from __future__ import annotations

import datetime as _dt
import gc
import weakref

from graph.checks import runner
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore


def test_run_checks_leaves_no_cycle_holding_the_context(monkeypatch):
    store = EmbeddedStore()
    store.upsert_nodes([Node("Target", "T1", {"name": "t1", "layer": "department"}),
                        Node("Target", "T2", {"name": "t2", "layer": "major"}),
                        Node("OrgUnit", "D1", {"name": "d1"})])
    store.upsert_edges([Edge("Target:T1", "decomposes_to", "Target:T2"), Edge("Target:T2", "led_by", "OrgUnit:D1")])
    made: list[weakref.ref] = []

    class Watched(runner.CheckContext):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    monkeypatch.setattr(runner, "CheckContext", Watched)
    was = gc.isenabled()
    gc.disable()
    try:
        report = runner.run_checks(store, as_of=_dt.date(2026, 12, 3))
        assert report.findings  # owners were resolved (the memo that refers to the context was made)
        assert len(made) == 1 and made[0]() is None
    finally:
        if was:
            gc.enable()
        store.close()


def test_chain_completeness_leaves_no_cycle_holding_the_context(monkeypatch):
    from graph.services import completeness
    from seed.demo import load_demo

    store = EmbeddedStore()
    load_demo(store)
    made: list[weakref.ref] = []

    class Watched(completeness.CheckContext):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    monkeypatch.setattr(completeness, "CheckContext", Watched)
    was = gc.isenabled()
    gc.disable()
    try:
        rows = completeness.chain_completeness(store)
        assert any(r["unit"] for r in rows)  # owners were resolved (the memo that refers to the context was made)
        assert len(made) == 1 and made[0]() is None
    finally:
        if was:
            gc.enable()
        store.close()
