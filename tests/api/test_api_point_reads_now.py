"""Point reads answered on the event loop (``api.deps.Reads.now``): an owner question about an id
found by one lookup, and a trace answer kept since the last write, are answered without the hop to
a worker thread — with the same bytes the threaded path gives — while everything that may be slow
(a name looked for among all nodes, a miss and its "did you mean", a fresh trace) or that must wait
(a write under way, another process's commit, a store across the network) still goes through a
worker thread."""

from __future__ import annotations

import random
import threading

import pytest
from anyio import to_thread

import api.deps as deps
from api_helpers import API, demo_store
from graph.errors import AmbiguousIdError, NotFoundError
from graph.model import Node
from graph.services.edit import ConcurrentStore, ReadWriteLock
from graph.services.ownership import owner_of
from graph.services.resolve import find_node, resolve_node
from graph.stores.embedded import EmbeddedStore


@pytest.fixture
def hops(monkeypatch) -> list[object]:
    """Every read handed to a worker thread by the routes (``api.deps``' ``to_thread.run_sync``)."""
    calls: list[object] = []
    real = to_thread.run_sync

    async def counted(fn, *args, **kwargs):
        calls.append(fn)
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(deps.to_thread, "run_sync", counted)
    return calls


def _owner_of(client, node_id: str) -> dict:
    with client.app.state.iqa.store.reading() as store:
        return owner_of(store, resolve_node(store, node_id)).to_dict()


def test_an_owner_by_id_or_unique_code_is_answered_without_a_thread(client, hops):
    for ref, node_id in [("Indicator:ZK-58", "Indicator:ZK-58"), ("ZK-58", "Indicator:ZK-58"),
                         ("Task:RW-0002", "Task:RW-0002"), ("Target:MB-S01", "Target:MB-S01")]:
        r = client.get(f"{API}/indicators/{ref}/owner")
        assert r.status_code == 200, r.text
        assert r.json() == _owner_of(client, node_id)
    assert hops == []


def test_names_and_misses_still_go_to_a_thread(client, hops):
    with client.app.state.iqa.store.reading() as store:
        named = store.get_node("Indicator:ZK-58").props["name"]
    r = client.get(f"{API}/indicators/{named}/owner")
    assert r.status_code == 200 and r.json() == _owner_of(client, "Indicator:ZK-58")
    assert len(hops) == 1
    r = client.get(f"{API}/indicators/Indicator:ZK-5/owner")
    assert r.status_code == 404 and "Indicator:ZK-05" in r.json()["suggestions"]
    assert len(hops) == 2


def test_a_kept_trace_is_sent_without_a_thread(client, hops):
    url, params = f"{API}/trace/Target:MB-S01", {"depth": 3}
    first = client.get(url, params=params)
    assert len(hops) == 1  # traced in a thread, then kept
    again = client.get(url, params=params)
    by_code = client.get(f"{API}/trace/MB-S01", params=params)
    assert first.status_code == again.status_code == by_code.status_code == 200
    assert first.content == again.content == by_code.content
    assert len(hops) == 1


def test_a_write_under_way_sends_the_read_to_a_thread_that_waits_for_it(client, hops):
    store = client.app.state.iqa.store
    expected = _owner_of(client, "Indicator:ZK-58")
    answers: list[dict] = []
    with store.lock.write():  # a writer of this process holds the store
        reader = threading.Thread(target=lambda: answers.append(client.get(f"{API}/indicators/ZK-58/owner").json()))
        reader.start()
        reader.join(0.5)
        assert reader.is_alive() and answers == []  # waiting in its thread, not answered past the write
    reader.join(10)
    assert answers == [expected] and len(hops) == 1


def test_a_traversal_under_way_in_another_thread_sends_the_read_to_a_thread(client, hops):
    inner = client.app.state.iqa.store.inner
    expected = _owner_of(client, "Indicator:ZK-58")
    holding, release = threading.Event(), threading.Event()

    def traversal():  # what a long trace or impact walk does: it holds the store's connection
        with inner.held_if_free() as held:
            assert held
            holding.set()
            release.wait(10)

    walker = threading.Thread(target=traversal)
    walker.start()
    holding.wait(10)
    answers: list[dict] = []
    reader = threading.Thread(target=lambda: answers.append(client.get(f"{API}/indicators/ZK-58/owner").json()))
    reader.start()
    reader.join(0.5)
    assert reader.is_alive() and answers == []  # the event loop did not wait on the connection: a thread does
    release.set()
    walker.join(10)
    reader.join(10)
    assert answers == [expected] and len(hops) == 1


def test_held_if_free_never_waits(tmp_path):
    store = demo_store(tmp_path / "college.sqlite")
    with store.held_if_free() as held:
        assert held
        with store.held_if_free() as again:  # the same thread re-enters
            assert again
        out: list[bool] = []

        def other():
            with store.held_if_free() as h:
                out.append(h)

        t = threading.Thread(target=other)
        t.start()
        t.join(10)
        assert out == [False]
    store.close()


def test_another_process_commit_sends_the_read_to_a_thread(tmp_path, make_client, hops):
    disk = demo_store(tmp_path / "college.sqlite")
    client = make_client(disk)
    assert client.get(f"{API}/indicators/ZK-58/owner").status_code == 200
    assert hops == []
    other = EmbeddedStore(disk.path)  # another connection: what another process would commit
    node = other.get_node("Indicator:ZK-58")
    with other.transaction():
        other.upsert_nodes([Node(node.kind, node.code, {**node.props, "name": "改过的名称"})])
    other.close()
    r = client.get(f"{API}/indicators/ZK-58/owner")
    assert r.status_code == 200 and len(hops) == 1  # the refresh is a thread's business
    assert r.json() == _owner_of(client, "Indicator:ZK-58")


def test_a_store_across_the_network_is_never_read_on_the_loop(store):
    class Remote:  # what Reads.now looks at: the store's capabilities
        capabilities = frozenset({"transactions", "persistent", "shared"})

        def read_now(self, fn):  # pragma: no cover - must not be reached
            raise AssertionError("read on the event loop")

    reads = deps.Reads.__new__(deps.Reads)
    reads.store = Remote()
    assert reads.now(lambda s: "answer") is None
    reads.store = ConcurrentStore(store)
    assert reads.now(lambda s: s.get_node("Indicator:ZK-58").id) == "Indicator:ZK-58"


def test_read_if_free_never_waits():
    lock = ReadWriteLock()
    with lock.read_if_free() as free:
        assert free
        with lock.read_if_free() as again:  # readers share
            assert again
    held, release = threading.Event(), threading.Event()

    def writer():
        with lock.write():
            held.set()
            release.wait(10)

    t = threading.Thread(target=writer)
    t.start()
    held.wait(10)
    with lock.read_if_free() as free:
        assert not free
    release.set()
    t.join(10)
    with lock.read_if_free() as free:
        assert free
    with lock.write():  # the writer itself is not given a shared hold
        with lock.read_if_free() as free:
            assert not free


def test_find_node_finds_what_resolve_node_finds_by_one_lookup(store):
    rng = random.Random(5)
    nodes = list(store.iter_nodes())
    refs = [n.id for n in rng.sample(nodes, 40)] + [n.code for n in rng.sample(nodes, 40)]
    refs += [n.props["name"] for n in rng.sample(nodes, 20) if n.props.get("name")]
    refs += [" " + n.id + " " for n in rng.sample(nodes, 5)] + ["Indicator:NO-SUCH", "NO-SUCH", "Nope:x", ""]
    found = 0
    for ref in refs:
        quick = find_node(store, ref)
        try:
            full = resolve_node(store, ref)
        except (NotFoundError, AmbiguousIdError):
            full = None
        if quick is not None:
            found += 1
            assert full == quick, ref
        elif full is not None:  # only a name, or a code shared by nodes of several kinds, needs the full path
            assert ref.strip() not in (full.id, full.code) or len(store.find_by_code(ref.strip())) != 1, ref
    assert found >= 80
