"""The trace route keeps the bytes of its answers for the current state of the store
(``api.responses.KeptBodies`` as a memo of the app's store): a repeated question is answered with
the very bytes a fresh trace encodes, without tracing again, and every write drops them."""

from __future__ import annotations

import threading

import orjson
import pytest

import api.routes.trace as trace_route
from api.responses import KeptBodies
from api_helpers import API, auth
from graph.services.trace import trace


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = trace_route.run_trace

    def run_trace(store, node, *args, **kwargs):
        calls.append(node.id)
        return real(store, node, *args, **kwargs)

    monkeypatch.setattr(trace_route, "run_trace", run_trace)
    return calls


CASES = [("Target:MB-S01", {"depth": 3}), ("Target:MB-S01", {"depth": 3, "offset": 1, "limit": 2}),
         ("Target:MB-S01", {"depth": 1, "limit": 5}), ("Task:RW-0002", {"direction": "up"}),
         ("Task:RW-0002", {"direction": "up", "depth": 1, "limit": 1})]


def test_a_kept_trace_is_the_bytes_of_a_fresh_one(client, counted):
    iqa = client.app.state.iqa
    for node_id, params in CASES:
        first = client.get(f"{API}/trace/{node_id}", params=params)
        again = client.get(f"{API}/trace/{node_id}", params=params)
        assert first.status_code == again.status_code == 200
        assert first.headers["content-type"] == "application/json"
        with iqa.store.reading() as store:
            fresh = trace(store, store.get_node(node_id), params.get("direction", "down"), params.get("depth"),
                          params.get("limit", 50), params.get("offset", 0))
        assert first.content == again.content == orjson.dumps(fresh, option=orjson.OPT_NON_STR_KEYS)
    assert len(counted) == len(CASES)  # each traced once; the repeats were kept


def test_a_write_drops_the_kept_traces(client, counted):
    url = f"{API}/trace/Task:RW-0001"
    params = {"direction": "up", "depth": 0}
    assert client.get(url, params=params).json()["owner"]["person"]["id"] == "Person:T0020"
    client.get(url, params=params)
    assert len(counted) == 1
    gone = client.delete(f"{API}/edges", params={"source": "Task:RW-0001", "type": "assigned_to",
                                                 "target": "Person:T0020"}, headers=auth("editor"))
    assert gone.status_code == 204, gone.text
    assert client.get(url, params=params).json()["owner"]["person"] is None  # not the kept answer
    assert len(counted) == 2  # traced again after the write


def test_kept_bodies_are_bounded_and_used_most_recent_first():
    kept = KeptBodies(max_bytes=400)
    made: list[str] = []

    def make(key: str, size: int):
        def build():
            made.append(key)
            return {"k": key, "pad": "x" * size}
        return build

    assert kept.get("a", make("a", 70)) == orjson.dumps({"k": "a", "pad": "x" * 70})  # 88 bytes
    for key in "bcad":  # "a" kept: not made again, now the most recent
        kept.get(key, make(key, 70))
    assert made == ["a", "b", "c", "d"] and kept.size == 4 * 88
    kept.get("e", make("e", 70))  # over 400 bytes: "b", the least recently used, goes
    kept.get("a", make("a", 70))
    kept.get("b", make("b", 70))
    assert made == ["a", "b", "c", "d", "e", "b"] and kept.size <= 400
    kept.get("big", make("big", 200))  # over a quarter of the bound: answered, not kept
    kept.get("big", make("big", 200))
    assert made[-2:] == ["big", "big"]

    def fails():
        raise LookupError("no such node")

    with pytest.raises(LookupError):
        kept.get("f", fails)
    assert "f" not in kept._bodies


class _Watched(threading.Event):
    """The flight's event, counting the threads that wait on it (so a test knows they do)."""

    waiting = 0
    someone = threading.Condition()

    def wait(self, timeout=None):
        with _Watched.someone:
            _Watched.waiting += 1
            _Watched.someone.notify_all()
        return super().wait(timeout)


@pytest.fixture
def watched(monkeypatch):
    """``KeptBodies`` flights whose waiters are counted; returns a function that blocks until
    ``n`` threads in all have waited."""
    from api import responses

    real = responses._Flight.__init__

    def init(self):
        real(self)
        self.done = _Watched()

    monkeypatch.setattr(responses._Flight, "__init__", init)
    _Watched.waiting = 0

    def until_waiting(n: int) -> None:
        with _Watched.someone:
            assert _Watched.someone.wait_for(lambda: _Watched.waiting >= n, timeout=10), _Watched.waiting
    return until_waiting


def _thread(fn) -> threading.Thread:
    t = threading.Thread(target=fn, daemon=True)  # a hang fails _joined, not pytest's exit
    t.start()
    return t


def _joined(*threads: threading.Thread) -> None:
    for t in threads:
        t.join(10)
        assert not t.is_alive()


def test_a_body_being_made_is_waited_for_not_made_again(watched):
    """Threads asking for a key whose body another thread is making get that body, made once."""
    kept = KeptBodies()
    started, release = threading.Event(), threading.Event()
    made: list[str] = []

    def slow():
        made.append("x")
        started.set()
        assert release.wait(10)
        return {"k": "x"}

    results: list[bytes] = []
    first = _thread(lambda: results.append(kept.get("x", slow)))
    assert started.wait(10)
    others = [_thread(lambda: results.append(kept.get("x", slow))) for _ in range(4)]
    watched(4)  # all four wait for the first one's body
    assert made == ["x"] and not results
    release.set()
    _joined(first, *others)
    assert made == ["x"] and results == [orjson.dumps({"k": "x"})] * 5
    assert not kept._flights and kept.peek("x") == orjson.dumps({"k": "x"})


def test_a_failed_body_is_raised_where_it_was_made_and_made_again_by_one_waiter(watched):
    kept = KeptBodies()
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def fails_first():
        calls.append("call")
        if len(calls) == 1:
            started.set()
            assert release.wait(10)
            raise LookupError("gone")
        return {"k": "again"}

    errors: list[BaseException] = []
    got: list[bytes] = []

    def leader():
        try:
            kept.get("k", fails_first)
        except LookupError as exc:
            errors.append(exc)

    first = _thread(leader)
    assert started.wait(10)
    waiters = [_thread(lambda: got.append(kept.get("k", fails_first))) for _ in range(3)]
    watched(3)
    release.set()
    _joined(first, *waiters)
    assert len(errors) == 1 and got == [orjson.dumps({"k": "again"})] * 3
    assert len(calls) == 2  # made once more, by one of the waiters; the others waited for it
    assert not kept._flights and kept.peek("k") == orjson.dumps({"k": "again"})
