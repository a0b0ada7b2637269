"""The API's JSON responses, encoded by orjson (Rust): a check report or a large trace encodes
several times faster than with the standard library (figures: bench/bench_libs.py).

The bytes are compact UTF-8 JSON, as Starlette's ``JSONResponse`` sent them; a ``datetime.date``
is written as ISO text. What a route sends is kept true to its OpenAPI schema by a test
(tests/api/test_api_schema_responses.py), not by validating each response at run time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import orjson
from fastapi.responses import JSONResponse


class OrjsonResponse(JSONResponse):
    """A ``JSONResponse`` whose body orjson encodes (non-string keys as text, like the standard
    library); what orjson refuses (an integer beyond 64 bits) is left to the standard library.
    Raises TypeError / ValueError for a value JSON cannot hold."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            return super().render(content)


class _Flight:
    """One answer being made: the threads asking for the same key meanwhile wait for it."""

    __slots__ = ("done", "body")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.body: bytes | None = None


class KeptBodies:
    """Encoded answers (JSON bytes) kept by key, the most recently used first, at most
    ``max_bytes`` in all (the least recently used are dropped; an answer larger than a quarter of
    it is not kept). Thread-safe; an answer being made for one thread is not made again for another
    that asks meanwhile (it waits for the first). Meant to live in a memo of the store
    (``Reads.memo``): it is then dropped at the next write, or when another process has committed,
    like the owner answers."""

    def __init__(self, max_bytes: int = 64 * 2**20):
        self.max_bytes = max_bytes
        self.size = 0
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._bodies)

    def peek(self, key: Hashable) -> bytes | None:
        """The body kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def get(self, key: Hashable, make: Callable[[], Any]) -> bytes:
        """The body kept for ``key``, or ``make()`` encoded as :class:`OrjsonResponse` encodes
        it (then kept). While one thread makes the body of a key, another thread asking for the
        same key waits for that body instead of making it too: under 50 clients a large trace
        asked again before its first answer was ready used to be walked several times at once,
        each walk slowing the others. Errors of ``make`` are raised in the thread that called it
        and nothing is kept; the threads that waited for it then ask again (one of them makes the
        body, the others wait for that one)."""
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
                return body
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = _Flight()
        if not leader:
            flight.done.wait()
            if flight.body is not None:
                return flight.body
            return self.get(key, make)  # the first one failed: one waiter makes it again, the others wait
        try:
            body = bytes(OrjsonResponse(make()).body)
            flight.body = body
        finally:
            try:
                with self._lock:
                    del self._flights[key]
                    if flight.body is not None and len(flight.body) <= self.max_bytes // 4 and key not in self._bodies:
                        self._bodies[key] = flight.body
                        self.size += len(flight.body)
                        while self.size > self.max_bytes:
                            _, dropped = self._bodies.popitem(last=False)
                            self.size -= len(dropped)
            finally:
                flight.done.set()  # whatever happened above: no waiter waits for ever
        return body


__all__ = ["KeptBodies", "OrjsonResponse"]
