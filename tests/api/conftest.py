"""Fixtures for the API tests: a store with the demo college and clients with the test tokens.
Every test runs in its own working directory with no ``IQA_*`` variables, so no ``iqa.yaml`` or
environment of the machine leaks in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from api_helpers import ENTRIES, demo_store
from fastapi.testclient import TestClient

from api.main import create_app
from graph.settings import Settings
from graph.store import GraphStore


@pytest.fixture(autouse=True)
def _clean_env(clean_env):
    """Every test here starts without IQA_* variables, in a fresh working directory."""


@pytest.fixture
def store() -> Iterator[GraphStore]:
    """A fresh in-memory store with the demo college."""
    s = demo_store()
    yield s
    s.close()


def base_url(host: str) -> str:
    """``http://<host>`` (an IPv6 address bracketed): a TestClient with it sends ``Host: <host>``
    and gives the app the ASGI ``server`` ``(host, 80)``."""
    return f"http://[{host}]" if ":" in host and not host.startswith("[") else f"http://{host}"


@pytest.fixture
def make_client(store) -> Iterator[Callable[..., TestClient]]:
    """``make_client(store=None, **settings)``: a started TestClient (its lifespan has run, as a
    server's would: the app's store is open until the test ends) over ``store`` (default: the
    fixture's) with the test tokens configured and the given Settings fields (e.g.
    ``api_host="0.0.0.0"``). The requests come in on a socket whose local address is ``api_host``
    (default 127.0.0.1: the ASGI ``server`` of the TestClient, and the Host header), as a server
    bound there would see."""
    with ExitStack() as started:

        def make(store_: GraphStore | None = None, **fields) -> TestClient:
            fields.setdefault("api_tokens", ENTRIES)
            app = create_app(Settings(**fields), store_ if store_ is not None else store)
            return started.enter_context(TestClient(app, base_url=base_url(fields.get("api_host", "127.0.0.1"))))

        yield make


@pytest.fixture
def client(make_client) -> TestClient:
    """A client of an app bound (by settings) to 127.0.0.1: anonymous reads allowed by default."""
    return make_client()


@pytest.fixture
def remote_client(make_client) -> TestClient:
    """A client of an app bound to 0.0.0.0: every request needs a token."""
    return make_client(api_host="0.0.0.0")
