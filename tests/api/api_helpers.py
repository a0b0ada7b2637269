"""Helpers of the API tests: the test tokens of each role, the demo college in a store, problem checks.

``TOKENS`` maps each role to a token configured (hashed) for it; ``auth(role)`` is the header that
sends it.
"""

from __future__ import annotations

from graph.auth import token_entry
from graph.stores.embedded import EmbeddedStore
from seed.demo import load_demo

API = "/api/v1"
PROBLEM = "application/problem+json"
TOKENS = {"reader": "iqa_test-reader-token", "editor": "iqa_test-editor-token", "admin": "iqa_test-admin-token"}
ENTRIES = [token_entry(f"test-{role}", role, token) for role, token in TOKENS.items()]  # type: ignore[arg-type]


def auth(role: str | None) -> dict[str, str]:
    """The Authorization header of the test token of ``role`` (none for None)."""
    return {"Authorization": f"Bearer {TOKENS[role]}"} if role else {}


_DEMO_CACHE: dict[str, list] = {}


def demo_store(path=None) -> EmbeddedStore:
    """A store holding the demo college (loaded through ingest once, then copied node by node)."""
    store = EmbeddedStore(path)
    if not _DEMO_CACHE:
        template = EmbeddedStore(None)
        load_demo(template)
        _DEMO_CACHE["nodes"] = list(template.iter_nodes())
        _DEMO_CACHE["edges"] = list(template.iter_edges())
        template.close()
    with store.transaction():
        store.upsert_nodes(_DEMO_CACHE["nodes"])
        store.upsert_edges(_DEMO_CACHE["edges"])
    return store


def assert_problem(response, status: int) -> dict:
    """Assert an RFC 9457 problem+json response of ``status``; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://") or body["type"] == "about:blank"
    assert body["title"] and "detail" in body and body["instance"].startswith(API)
    return body
