"""The consistency-check tests (tests/services/test_checks.py), re-run on the Neo4j store.

Those tests build their stores with ``EmbeddedStore(None)``; here the module is loaded a second
time under a private name and that name is pointed at a factory of Neo4j stores — over the fake
driver always, and over a real server (``neo4j_uri`` of tests/conftest.py: NEO4J_URI, or a local
server under CI; skipped with the reason otherwise, failed under CI).
The test functions are the suite's own, unchanged. One Neo4j database holds one graph, so on a
real server a new store replaces the previous one: the previous store is closed and the database
cleared. A test that goes on using an earlier store then fails with "the store is closed" instead
of reading the wrong graph.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from neo4j_fakes import FakeDriver

from graph.stores.neo4j import Neo4jStore

TESTS = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("_iqa_checks_suite", TESTS / "services" / "test_checks.py")
CHECKS = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(CHECKS)

ADOPTED = []
for _name, _fn in vars(CHECKS).items():
    if _name.startswith("test_") and callable(_fn):
        globals()[_name] = _fn
        ADOPTED.append(_name)


class _Factory:
    """Stands in for ``EmbeddedStore`` inside the adopted module."""

    def __init__(self, backend: str, uri: str | None = None):
        self.backend = backend
        self.uri = uri
        self.live: list[Neo4jStore] = []

    def __call__(self, path=None):
        if self.backend == "fake-driver":
            store = Neo4jStore(FakeDriver(), batch_size=7)
        else:
            for earlier in self.live:
                earlier.close()
            store = Neo4jStore.from_uri(self.uri)
            store.clear()
        self.live.append(store)
        return store


@pytest.fixture(autouse=True, params=["fake-driver", "neo4j-server"])
def neo4j_backend(request, monkeypatch):
    # neo4j_uri skips without a server (fails under CI=true)
    uri = request.getfixturevalue("neo4j_uri") if request.param == "neo4j-server" else None
    factory = _Factory(request.param, uri)
    monkeypatch.setattr(CHECKS, "EmbeddedStore", factory)
    yield request.param
    for store in factory.live:
        store.close()


def test_the_check_suite_was_adopted(neo4j_backend):
    assert len(ADOPTED) >= 20
