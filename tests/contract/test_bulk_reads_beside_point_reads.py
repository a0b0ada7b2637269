"""Whole-table reads of the embedded store (``iter_nodes``, ``iter_edges``: what the checks read)
do not hold up the point reads of other threads, read one consistent snapshot, and inside a
transaction see the transaction's own writes. Ordering is asserted with events; the waits'
timeouts only keep a broken store from hanging the run."""

from __future__ import annotations

import sqlite3
import threading

import pytest

import graph.stores.embedded as embedded
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore

WAIT = 10.0  # seconds: a guard against a hang, never what an assertion measures


def _targets(n: int) -> list[Node]:
    return [Node("Target", f"M{i:03d}", {"name": f"专业目标{i}", "layer": "major"}) for i in range(n)]


@pytest.fixture
def store(tmp_path):
    s = EmbeddedStore(tmp_path / "s.sqlite")
    s.upsert_nodes([Node("Target", "S1", {"name": "学校目标", "layer": "school"}), *_targets(60)])
    s.upsert_edges([Edge("Target:S1", "decomposes_to", n.id) for n in _targets(60)])
    yield s
    s.close()


def test_a_point_read_finishes_while_a_bulk_read_is_inside_sqlite(tmp_path, monkeypatch):
    """The bulk read is stopped inside SQLite's execution of its query (a progress handler on
    every connection the store opens); a point read in another thread must finish before it is
    let go. A store that holds its lock through the bulk query fails this: the point read waits
    for the lock, the handler gives up waiting, and the point read finishes only after."""
    inside, point_done = threading.Event(), threading.Event()
    order: list[str] = []
    bulk_thread: list[threading.Thread] = []
    real_connect = sqlite3.connect

    def handler():
        if bulk_thread and threading.current_thread() is bulk_thread[0] and not inside.is_set():
            inside.set()
            order.append("bulk paused")
            point_done.wait(WAIT)
            order.append("bulk resumed")
        return 0

    def connect(*args, **kwargs):
        db = real_connect(*args, **kwargs)
        db.set_progress_handler(handler, 50)
        return db

    monkeypatch.setattr(embedded.sqlite3, "connect", connect)
    s = EmbeddedStore(tmp_path / "s.sqlite")
    s.upsert_nodes(_targets(200))
    got: list[int] = []
    t = threading.Thread(target=lambda: got.append(sum(1 for _ in s.iter_nodes())))
    bulk_thread.append(t)
    t.start()
    assert inside.wait(WAIT), "the bulk read never ran a query"

    def point():
        node = s.get_node("Target:M007")
        order.append(f"point read {node.name}")
        point_done.set()

    p = threading.Thread(target=point)
    p.start()
    p.join(2 * WAIT)
    t.join(2 * WAIT)
    s.close()
    assert order == ["bulk paused", "point read 专业目标7", "bulk resumed"]
    assert got == [200]


def test_a_bulk_read_is_one_snapshot_under_a_concurrent_write(store, monkeypatch):
    monkeypatch.setattr(embedded, "BULK_CHUNK", 7)  # several chunks, a write between them
    nodes = store.iter_nodes("Target")
    first = [next(nodes) for _ in range(10)]
    edges = store.iter_edges("decomposes_to")
    first_edge = next(edges)
    writer = threading.Thread(target=lambda: (
        store.upsert_nodes([Node("Target", "M050", {"name": "改名", "layer": "major"}),
                            Node("Target", "Z99", {"name": "新目标", "layer": "major"})]),
        store.upsert_edges([Edge("Target:S1", "decomposes_to", "Target:Z99")]),
        store.delete_node("Target:M059")))
    writer.start()
    writer.join(WAIT)
    assert not writer.is_alive(), "a write waited for a suspended bulk read"
    assert store.get_node("Target:M050").name == "改名"  # point reads see the commit at once
    rest = list(nodes)
    seen = {n.id: n for n in first + rest}
    assert len(seen) == 61 and "Target:Z99" not in seen and "Target:M059" in seen
    assert seen["Target:M050"].name == "专业目标50"
    old_edges = [first_edge, *edges]
    assert len(old_edges) == 60 and all(e.target != "Target:Z99" for e in old_edges)
    after = {n.id: n for n in store.iter_nodes("Target")}
    assert len(after) == 61 and after["Target:M050"].name == "改名" and "Target:M059" not in after
    assert sum(1 for _ in store.iter_edges()) == 60


def test_bulk_reads_inside_a_transaction_see_its_writes_and_others_see_the_last_commit(store):
    wrote, read = threading.Event(), threading.Event()
    outside: list[set[str]] = []

    def other_thread():
        assert wrote.wait(WAIT)
        outside.append({n.id for n in store.iter_nodes("Target")})
        read.set()

    t = threading.Thread(target=other_thread)
    t.start()
    with store.transaction():
        store.upsert_nodes([Node("Target", "Z99", {"name": "未提交", "layer": "major"})])
        store.upsert_edges([Edge("Target:S1", "decomposes_to", "Target:Z99")])
        inside = {n.id for n in store.iter_nodes("Target")}
        inside_edges = {e.target for e in store.iter_edges("decomposes_to")}
        wrote.set()
        # the other thread's bulk read finishes while this transaction is open
        assert read.wait(WAIT), "a bulk read of another thread waited for the transaction"
    t.join(WAIT)
    assert "Target:Z99" in inside and "Target:Z99" in inside_edges
    assert outside and "Target:Z99" not in outside[0] and len(outside[0]) == 61
    assert "Target:Z99" in {n.id for n in store.iter_nodes("Target")}


def test_an_abandoned_bulk_read_returns_its_connection_and_close_closes_them(store, monkeypatch):
    monkeypatch.setattr(embedded, "BULK_CHUNK", 5)
    it = store.iter_nodes()
    next(it)
    it.close()  # stopped early: the statement ends, the connection goes back to the pool
    assert len(store._pool) == 1
    assert sum(1 for _ in store.iter_nodes()) == 61 and len(store._pool) == 1
    store.close()
    assert store._pool == []
    with pytest.raises(embedded.StoreError):
        list(store.iter_nodes())


def test_the_in_memory_store_streams_under_its_lock():
    s = EmbeddedStore()
    s.upsert_nodes(_targets(3))
    with s.transaction():
        s.upsert_nodes([Node("Target", "Z99", {"name": "新", "layer": "major"})])
        assert len(list(s.iter_nodes())) == 4
    assert [n.id for n in s.iter_nodes()][-1] == "Target:Z99"
    assert s._pool == []


def test_after_close_the_file_alone_holds_every_commit(tmp_path):
    """Bulk reads open read connections beside the main one; closing the store closes them first,
    so the write-ahead log is checkpointed into the file and removed: a copy of the file alone (a
    backup, another process's copy) has every node."""
    import shutil

    path = tmp_path / "s.sqlite"
    with EmbeddedStore(path) as store:
        store.upsert_nodes([Node("OrgUnit", f"D{i:03d}", {"name": f"部门{i}"}) for i in range(300)])
        assert sum(1 for _ in store.iter_nodes()) == 300  # a bulk read: a pooled read connection
        assert sum(1 for _ in store.iter_edges()) == 0
    assert not (tmp_path / "s.sqlite-wal").exists()
    shutil.copy(path, tmp_path / "copy.sqlite")
    with EmbeddedStore(tmp_path / "copy.sqlite") as copy:
        assert copy.count_nodes("OrgUnit") == 300
