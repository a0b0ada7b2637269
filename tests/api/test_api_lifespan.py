"""The store is opened in the app's lifespan, not when the app is built: building the app over a
store that cannot be opened succeeds and its start-up fails with the store's error; before the
lifespan has run every request is 503 ``not-started``; ``iqa serve`` and
``uvicorn --factory api.main:create_app`` on a bad store path stop at start-up with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from api_helpers import API, ENTRIES, TOKENS
from fastapi.testclient import TestClient

from api.main import create_app
from graph.errors import ConfigError, StoreError
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]


def test_the_store_is_opened_when_the_app_starts_and_closed_when_it_stops(tmp_path):
    path = tmp_path / "college.sqlite"
    app = create_app(Settings(store=str(path), api_tokens=ENTRIES))
    assert not path.exists() and getattr(app.state, "iqa", None) is None  # building opens nothing
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert path.is_file()
        assert client.get(f"{API}/health").status_code == 200
        assert client.put(f"{API}/nodes/Task:LIFE-1", json={"props": {"name": "启动后写入"}},
                          headers={"Authorization": f"Bearer {TOKENS['editor']}"}).status_code in (200, 201)
    assert getattr(app.state, "iqa", None) is None
    with EmbeddedStore(path) as reopened:  # written through the store the lifespan opened
        assert reopened.get_node("Task:LIFE-1").props["name"] == "启动后写入"


def test_a_request_before_the_lifespan_ran_is_503_not_started():
    store = EmbeddedStore(None)
    client = TestClient(create_app(Settings(api_tokens=ENTRIES), store), base_url="http://127.0.0.1")  # not entered
    r = client.get(f"{API}/health")
    assert r.status_code == 503 and r.json()["type"].endswith("/not-started"), r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_store_that_cannot_be_opened_fails_the_start_up(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    app = create_app(Settings(store=str(bad)))  # builds: the store is not opened yet
    with pytest.raises(StoreError, match="cannot open as an iqa-graph store"):
        with TestClient(app, base_url="http://127.0.0.1"):
            pass
    assert isinstance(app.state.startup_error, StoreError)


def test_a_bad_configuration_is_refused_when_the_app_is_built(tmp_path):
    config = tmp_path / "iqa.yaml"
    config.write_text("checks:\n  disabled: [no-such-rule]\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        create_app(Settings(config=config, store=":memory:"))


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("store", ["bad.sqlite", "no-such-folder/x.sqlite"])
def test_iqa_serve_on_a_bad_store_is_one_line_and_exit_4(tmp_path, store):
    (tmp_path / "bad.sqlite").write_text("not a database", encoding="utf-8")
    done = _run(["-m", "cli.main", "--store", store, "serve", "--port", "0"], tmp_path)
    assert done.returncode == 4, done.stderr
    assert f"error: {store}: cannot " in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr and not done.stdout


def test_uvicorn_factory_on_a_bad_store_names_the_store_and_stops(tmp_path):
    (tmp_path / "bad.sqlite").write_text("not a database", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env.update(IQA_STORE="bad.sqlite", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--port", "0"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode != 0
    assert "iqa-graph API cannot start: bad.sqlite: cannot open as an iqa-graph store" in done.stderr
    assert "Application startup failed" in done.stderr
