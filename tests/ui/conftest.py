"""Fixtures of the UI tests: the demo college built once per session in a SQLite store, selected
through ``IQA_STORE`` as the CLI would, and ``open_page`` to run one page of the app with
streamlit's AppTest. Helpers that read what a page shows are in ``ui_helpers.py``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for path in (HERE, ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from streamlit.testing.v1 import AppTest  # noqa: E402

from graph.stores.embedded import EmbeddedStore  # noqa: E402
from seed.demo import load_demo  # noqa: E402

APP = ROOT / "ui" / "app.py"
#: Seconds one AppTest run may take (the first run of a session parses the ontology and checks).
TIMEOUT = 60


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory) -> Path:
    """A SQLite store holding the demo college (built once per test session)."""
    path = tmp_path_factory.mktemp("ui-demo") / "demo.sqlite"
    store = EmbeddedStore(path)
    try:
        load_demo(store)
    finally:
        store.close()
    return path


@pytest.fixture
def demo_store(demo_store_path):
    """The demo store opened read-only for the tests' expectations (what the services answer)."""
    store = EmbeddedStore(demo_store_path)
    yield store
    store.close()


@pytest.fixture
def no_auth(monkeypatch):
    """Authentication not configured (``graph.auth.auth_configured`` False)."""
    import graph.auth

    monkeypatch.setattr(graph.auth, "auth_configured", lambda settings: False, raising=False)
    monkeypatch.setattr(graph.auth, "role_for_token", lambda token, settings: None, raising=False)


@pytest.fixture
def ui_env(monkeypatch, tmp_path):
    """A clean working directory (no iqa.yaml) and no configuration from the environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("IQA_CONFIG", "IQA_API_TOKENS", "IQA_AUDIT_LOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IQA_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    return tmp_path


@pytest.fixture
def demo_env(ui_env, no_auth, demo_store_path, monkeypatch):
    """IQA_STORE names the demo store; authentication is not configured."""
    monkeypatch.setenv("IQA_STORE", str(demo_store_path))
    return demo_store_path


#: The editor token the Load tests sign in with (configured by ``editor_token``).
EDITOR_TOKEN = "iqa_ui-test-editor"


@pytest.fixture
def editor_token(monkeypatch) -> str:
    """An editor token named ``ui-editor`` configured through ``IQA_API_TOKENS``; returns it."""
    import json

    from graph.auth import token_entry

    monkeypatch.setenv("IQA_API_TOKENS", json.dumps([token_entry("ui-editor", "editor", EDITOR_TOKEN).model_dump()]))
    return EDITOR_TOKEN


@pytest.fixture
def open_page() -> Callable[..., AppTest]:
    """``open_page("trace", node="Target:X", lang="en", token=None)``: the app run on one page
    (``ui/views/<page>.py``), with the ``?node=`` query parameter, the language and the sign-in
    token set; fails on an uncaught exception."""

    def run(page: str, node: str | None = None, lang: str | None = None, token: str | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        if token:
            at.session_state["auth_token"] = token
        if lang:
            at.session_state["lang"] = lang
        at.switch_page(f"views/{page}.py")
        if node:
            at.query_params["node"] = node
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run
