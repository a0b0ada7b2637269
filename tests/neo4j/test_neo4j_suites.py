"""The store contract suite and the trace / owner / impact tests, re-run on the Neo4j store.

* ``any_store`` here is a Neo4jStore over the fake driver (tests/neo4j/neo4j_fakes.py), so the
  store's Python side (validation order, property encoding, transactions, paging, ordering) is
  checked on every machine. The contract suite against a real server runs from tests/contract
  through tests/conftest.py's "neo4j" backend whenever a server is available.
* ``mem_store`` is parametrised: the fake driver always, and a real Neo4j server (``neo4j_uri`` of
  tests/conftest.py: NEO4J_URI, or a local server under CI; skipped otherwise, failed under CI) —
  so the service tests, which use ``mem_store``, also run against Neo4j without being edited.

The test functions are the suites' own, imported unchanged; only the fixtures differ.
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import pytest
from neo4j_fakes import FakeDriver

from graph.stores.neo4j import Neo4jStore

TESTS = Path(__file__).resolve().parents[1]


def _load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _adopt(module, fixture: str) -> list[str]:
    names = []
    for name, fn in vars(module).items():
        if name.startswith("test_") and callable(fn) and fixture in inspect.signature(fn).parameters:
            globals()[name] = fn
            names.append(name)
    return names


CONTRACT_TESTS = _adopt(_load("contract/test_store_contract.py", "_iqa_contract_suite"), "any_store")
SERVICE_TESTS = _adopt(_load("services/test_trace_owner_impact.py", "_iqa_service_suite"), "mem_store")


def test_the_suites_were_adopted():
    assert len(CONTRACT_TESTS) >= 12 and "test_transaction_rolls_back_everything" in CONTRACT_TESTS
    assert len(SERVICE_TESTS) >= 5


@pytest.fixture
def any_store():
    """A fresh Neo4jStore over the fake driver, with a small batch size so paging is exercised."""
    store = Neo4jStore(FakeDriver(), batch_size=2)
    yield store
    store.close()


@pytest.fixture(params=["fake-driver", "neo4j-server"])
def mem_store(request):
    if request.param == "fake-driver":
        store = Neo4jStore(FakeDriver(), batch_size=3)
    else:
        store = Neo4jStore.from_uri(request.getfixturevalue("neo4j_uri"))
        store.clear()
    yield store
    store.close()
