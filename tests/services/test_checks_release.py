"""A full check and the chain completeness free their snapshot when they return: no reference
cycle keeps the context alive for the cyclic collector to find (at 1M nodes that walk cost about a
second, and in the API such a cycle is frozen and never collected)."""

from __future__ import annotations

import datetime as _dt

from graph.checks import runner
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore
from tests.gc_release import instances_watched


def test_run_checks_leaves_no_cycle_holding_the_context(monkeypatch):
    store = EmbeddedStore()
    store.upsert_nodes([Node("Target", "T1", {"name": "t1", "layer": "department"}),
                        Node("Target", "T2", {"name": "t2", "layer": "major"}),
                        Node("OrgUnit", "D1", {"name": "d1"})])
    store.upsert_edges([Edge("Target:T1", "decomposes_to", "Target:T2"), Edge("Target:T2", "led_by", "OrgUnit:D1")])
    try:
        with instances_watched(monkeypatch, runner, "CheckContext") as made:
            report = runner.run_checks(store, as_of=_dt.date(2026, 12, 3))
            assert report.findings  # owners were resolved (the memo that refers to the context was made)
            assert len(made) == 1 and made[0]() is None
    finally:
        store.close()


def test_chain_completeness_leaves_no_cycle_holding_the_context(monkeypatch):
    from graph.services import completeness
    from seed.demo import load_demo

    store = EmbeddedStore()
    load_demo(store)
    try:
        with instances_watched(monkeypatch, completeness, "CheckContext") as made:
            rows = completeness.chain_completeness(store)
            assert any(r["unit"] for r in rows)  # owners were resolved (the memo that refers to the context was made)
            assert len(made) == 1 and made[0]() is None
    finally:
        store.close()
