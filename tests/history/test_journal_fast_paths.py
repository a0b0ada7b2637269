"""The journal's fast paths against the plain ones, on random data: ``model.dump`` (orjson for
flat maps of text, integers, booleans and nulls) writes the standard library's text, and the
recorder's streamed revision (``Recorder._finish``) writes exactly the changes and counts that
``pending_changes`` and ``count`` describe."""

from __future__ import annotations

import json
import random

import pytest

from graph.history.model import dump, journal_of, load
from graph.history.recorder import count
from graph.model import Edge, Node
from graph.services.edit import concurrent
from graph.stores.embedded import EmbeddedStore
from graph.values import value_problem

_TEXTS = ["", "a", "é", "中文", "x\x00y", "\x1f\x7f", "\u2028", '"\\', "\n\t\r\b\f", "\ud800", "😀", "1e16"]


def _value(rng: random.Random, depth: int = 0):
    pick = rng.randrange(10 if depth < 2 else 7)
    if pick == 0:
        return rng.choice(_TEXTS) + rng.choice(_TEXTS)
    if pick == 1:
        return rng.choice([0, -1, 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -2**63, -2**63 - 1, 2**70,
                           rng.randrange(-10**6, 10**6)])
    if pick == 2:
        return rng.choice([True, False, None])
    if pick == 3:
        return rng.choice([0.1, 1e16, 1.5e-7, -0.0, 1e300, 2.5, float(rng.randrange(100))])
    if pick in (4, 5, 6):
        return rng.choice(_TEXTS)
    if pick in (7, 8):
        return [_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    return {rng.choice(_TEXTS): _value(rng, depth + 1) for _ in range(rng.randrange(3))}


def _plain(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@pytest.mark.parametrize("seed", range(5))
def test_dump_writes_the_standard_librarys_text(seed):
    rng = random.Random(seed)
    for _ in range(2000):
        props = {rng.choice(_TEXTS) + str(rng.randrange(5)): _value(rng) for _ in range(rng.randrange(6))}
        if rng.random() < 0.05:
            props = {rng.randrange(3): "non-text keys", 7: _value(rng)}
        assert dump(props) == _plain(props)
        if "\ud800" not in dump(props):
            assert load(dump(props)) == json.loads(_plain(props))
    assert dump(None) is None
    assert dump([1, "a"]) == _plain([1, "a"])


def _store_value(rng: random.Random):
    """A random property value the store accepts (text, numbers, booleans, lists of those)."""
    while True:
        value = _value(rng, 2)
        if value_problem(value) is None and "\ud800" not in str(value) and "\x00" not in str(value):
            return value


def _random_writes(store, rng: random.Random, ids: list[str]) -> None:
    """Random upserts, property changes and deletions of nodes and edges among ``ids``."""
    for _ in range(rng.randrange(1, 6)):
        pick = rng.random()
        if pick < 0.45:
            batch = rng.sample(ids, rng.randrange(1, len(ids)))
            store.upsert_nodes([Node(*i.split(":"), {"name": rng.choice(["n", "名"]), "layer": "school",
                                                     "v": _store_value(rng)}) for i in batch])
        elif pick < 0.8:
            there = [i for i in ids if store.get_node(i) is not None]
            if len(there) >= 2:
                edges = {}
                for _ in range(rng.randrange(1, 12)):
                    s, t = rng.sample(there, 2)
                    edges[(s, t)] = Edge(s, "decomposes_to", t, rng.choice([{}, {"w": _store_value(rng)}]))
                store.upsert_edges(list(edges.values()))
        elif pick < 0.9:
            store.delete_node(rng.choice(ids))
        else:
            edges = list(store.iter_edges())
            if edges:
                e = rng.choice(edges)
                store.delete_edge(*e.key)


@pytest.mark.parametrize("seed", range(8))
def test_a_streamed_revision_is_the_pending_changes(seed):
    rng = random.Random(seed)
    store = concurrent(EmbeddedStore(None))
    journal = journal_of(store)
    ids = [f"Target:T{i}" for i in range(rng.randrange(3, 25))]
    for _ in range(6):
        before = len(journal.changes())
        with store.recording(who="t", source="random"):
            _random_writes(store, rng, ids)
            if rng.random() < 0.3:
                store.recorder.review("Target:T1", "Target:T0", "decomposes_to", "t")
            expected = store.recorder.pending_changes() + list(store.recorder._extra)
            expected_json = [(c.kind, c.op, c.node, c.other, c.type, dump(c.before), dump(c.after)) for c in expected]
        got = journal.changes()[before:]
        assert [(c.kind, c.op, c.node, c.other, c.type, dump(c.before), dump(c.after)) for c in got] == expected_json
        if expected:
            last = store.recorder.last
            assert [c.rev for c in got] == [last.rev] * len(got)
            assert last.counts == count(expected)
        else:
            assert got == []
