"""A transaction that begins on an empty store has its revision written by the journal from the
stored rows (``Recorder._whole``, ``EmbeddedJournal.append_store``): the same rows, text for text,
as the recorder's change-by-change path writes, on random writes (nodes written twice, property
changes, deletions, floats, lists, integers beyond 64 bits, edge properties, reviews, a clear)."""

from __future__ import annotations

import math
import random
import sqlite3
import struct

import pytest

import graph.stores.embedded as embedded
from graph.history.model import dump, journal_of
from graph.history.recorder import Recorder
from graph.model import Edge, Node
from graph.services.edit import concurrent
from graph.stores.embedded import EmbeddedStore
from graph.stores.embedded_journal import _JOURNAL_TEXT, create_schema

_TEXTS = ["", "a", "é", "中文", "\u2028", '"\\', "\t", "😀", "1e16", "x.y"]


def _value(rng: random.Random):
    pick = rng.randrange(8)
    if pick == 0:
        return rng.choice([0, -1, 2**63 - 1, 2**64, -2**63 - 1, 10**25, rng.randrange(-10**6, 10**6)])
    if pick == 1:
        return rng.choice([0.1, 1e16, 1.5e-7, -0.0, 1e300, 2.5, 12000.0, 1e-5, rng.uniform(-1, 1) * 1e-6])
    if pick == 2:
        return rng.choice([True, False, None])
    if pick == 3:
        return [rng.choice(_TEXTS + [1, 2.5, True]) for _ in range(rng.randrange(3))]
    return rng.choice(_TEXTS)


def _props(rng: random.Random) -> dict:
    props = {"name": rng.choice(["n", "名", "x.y"])}
    for _ in range(rng.randrange(4)):
        props[rng.choice(["v", "w", "a.b", "z", "é"])] = _value(rng)
    return props


def _writes(store, rng: random.Random, ids: list[str]) -> None:
    """Random upserts (some twice), edges with and without properties, deletions, a review and
    now and then a clear, in one transaction."""
    for _ in range(rng.randrange(1, 8)):
        pick = rng.random()
        if pick < 0.4:
            batch = rng.sample(ids, rng.randrange(1, len(ids)))
            store.upsert_nodes([Node(*i.split(":"), _props(rng)) for i in batch])
        elif pick < 0.75:
            there = [i for i in ids if store.get_node(i) is not None]
            if len(there) >= 2:
                edges = {}
                for _ in range(rng.randrange(1, 12)):
                    s, t = rng.sample(there, 2)
                    edges[(s, t)] = Edge(s, "decomposes_to", t, rng.choice([{}, {"w": _value(rng)}]))
                store.upsert_edges(list(edges.values()))
        elif pick < 0.85:
            store.delete_node(rng.choice(ids))
        elif pick < 0.93:
            edges = list(store.iter_edges())
            if edges:
                store.delete_edge(*rng.choice(edges).key)
        elif pick < 0.97:
            store.recorder.review(rng.choice(ids), rng.choice(ids), "decomposes_to", "t")
        else:
            store.clear()


def _rows(store) -> list[tuple]:
    db = store.inner._db
    return (db.execute("SELECT rev, seq, kind, op, node, other, type, before, after FROM changes ORDER BY rev, seq")
            .fetchall(), db.execute("SELECT rev, who, source, files, counts FROM revisions ORDER BY rev").fetchall())


def _run(seed: int, whole: bool, monkeypatch) -> tuple:
    rng = random.Random(seed)
    with monkeypatch.context() as m:
        if not whole:  # the change-by-change path everywhere: the plain definition
            m.setattr(Recorder, "_begin", lambda self: None)
        store = concurrent(EmbeddedStore(None))
        ids = [f"Target:T{i}" for i in range(rng.randrange(2, 20))]
        for _ in range(5):
            try:
                with store.recording(who="t", source="random"):
                    _writes(store, rng, ids)
                    if rng.random() < 0.15:
                        raise RuntimeError("rolled back")
            except RuntimeError:
                pass
            if rng.random() < 0.4:  # empty again, so the next transaction begins on an empty store
                with store.recording(who="t", source="emptied"):
                    store.clear()
        return _rows(store)


@pytest.mark.parametrize("seed", range(60))
def test_a_revision_from_the_stored_rows_is_the_recorded_one(seed, monkeypatch):
    plain = _run(seed, False, monkeypatch)
    fast = _run(seed, True, monkeypatch)
    assert fast == plain


def test_the_stored_rows_path_is_taken_on_an_empty_store_only(monkeypatch):
    store = concurrent(EmbeddedStore(None))
    taken = []
    journal = journal_of(store)
    real = journal.append_store
    monkeypatch.setattr(journal, "append_store", lambda *a: (taken.append(1), real(*a)))
    with store.recording(who="t", source="first"):
        store.upsert_nodes([Node("Target", "T1", {"name": "a", "v": 1.5})])
    with store.recording(who="t", source="second"):
        store.upsert_nodes([Node("Target", "T2", {"name": "b"})])
    assert taken == [1]
    assert [c.after for c in journal.changes()] == [{"name": "a", "v": 1.5}, {"name": "b"}]
    # the first revision's indexes were made after its rows: all three there and used
    names = {r[0] for r in store.inner._db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"changes_node", "changes_other", "changes_op"} <= names
    assert [c.node for c in journal.changes_touching(["Target:T1"])] == ["Target:T1"]


def test_a_failed_first_load_leaves_no_revision_and_the_indexes(tmp_path):
    store = concurrent(EmbeddedStore(tmp_path / "s.sqlite"))
    with pytest.raises(RuntimeError):
        with store.recording(who="t", source="first"):
            store.upsert_nodes([Node("Target", "T1", {"name": "a"})])
            raise RuntimeError("killed")
    assert journal_of(store).revisions() == [] and store.count_nodes() == 0
    store.inner.close()
    db = sqlite3.connect(tmp_path / "s.sqlite")
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"changes_node", "changes_other", "changes_op"} <= names


def _random_float(rng: random.Random) -> float:
    while True:
        pick = rng.random()
        if pick < 0.3:
            x = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        elif pick < 0.7:
            x = rng.uniform(-10, 10) * 10.0 ** rng.randint(-30, 30)
        else:
            x = round(rng.uniform(-1e6, 1e6), rng.randint(0, 9)) * 10.0 ** rng.randint(-12, 20)
        if math.isfinite(x):
            return x


@pytest.mark.parametrize("seed", range(5))
def test_the_journal_text_of_a_stored_text_is_dumps(seed):
    """``_JOURNAL_TEXT`` on the store's text of random maps (floats of every size, text that looks
    like numbers, lists, integers beyond 64 bits) is ``model.dump`` of the map."""
    rng = random.Random(seed)
    db = sqlite3.connect(":memory:")
    create_schema(db, embedded._load)
    sql = "SELECT " + _JOURNAL_TEXT.format(p="?1")
    for _ in range(4000):
        props = {}
        for key in rng.sample(["a", "b", "名", "z", "x.y"], rng.randrange(6)):
            props[key] = rng.choice([_random_float(rng), _random_float(rng), _value(rng), "1e5", "0.00001", 7])
        text = embedded._dump(props)
        assert db.execute(sql, (text,)).fetchone()[0] == dump(props), props
