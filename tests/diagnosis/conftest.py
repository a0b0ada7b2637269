"""Fixtures of the diagnosis tests: the demo college loaded once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for p in (HERE, HERE.parents[1]):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from diag_helpers import DEMO_AS_OF  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402


@pytest.fixture(scope="session")
def demo_store():
    """The demo college (seed/demo.py), loaded once for the session; tests must not write to it."""
    from seed.demo import load_demo

    store = EmbeddedStore(None)
    load_demo(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_diagnosis(demo_store):
    from graph.services.diagnosis import diagnose

    return diagnose(demo_store, as_of=DEMO_AS_OF)
