"""Shared fixtures. ``any_store`` builds a fresh store of every available backend: the
embedded store on a file and in memory always; Neo4j where ``NEO4J_URI`` is set or a local server
is started (``neo4j_server``: under ``CI=true`` or ``IQA_NEO4J_SERVER=1``), skipped with the reason
otherwise (failed under CI), so each behaviour is written once and checked on every backend."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.stores.embedded import EmbeddedStore  # noqa: E402

#: Every backend a store fixture is built on; "neo4j-fake" is the Neo4j store over the fake driver
#: (tests/neo4j/neo4j_fakes.py: the store's Python side on every machine), "neo4j" a real server.
BACKENDS = ["embedded-file", "embedded-memory", "neo4j-fake", "neo4j"]


@pytest.fixture(autouse=True)
def loopback_streamlit():
    """In tests that run the UI in-process (streamlit's AppTest), Streamlit counts as bound to
    127.0.0.1 (``server.address``, as ``iqa ui`` sets it), so sessions may read without a token as
    on a real loopback server (``ui.state.access``). Set for every test, since a test may load
    streamlit only in its body (a test run alone must not depend on an earlier test's import)."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


def make_store(backend: str, tmp_path: Path):
    if backend == "embedded-file":
        return EmbeddedStore(tmp_path / "store.sqlite")
    if backend == "embedded-memory":
        return EmbeddedStore(None)
    if backend == "neo4j-fake":
        from graph.stores.neo4j import Neo4jStore  # noqa: PLC0415
        from tests.neo4j.neo4j_fakes import FakeDriver  # noqa: PLC0415

        return Neo4jStore(FakeDriver(), batch_size=2)  # a small batch size exercises paging
    if backend == "neo4j":
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            pytest.skip("NEO4J_URI is not set: Neo4j backend not tested here")
        from graph.stores.neo4j import Neo4jStore  # noqa: PLC0415

        store = Neo4jStore.from_uri(uri)
        store.clear()
        # clear() leaves the journal (history outlives the graph); a test starts without one
        store._driver.execute_query("MATCH (n) WHERE n:IqaRevision OR n:IqaChange OR n:IqaJournal DETACH DELETE n",
                                    database_=store.database)
        return store
    raise ValueError(backend)


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """The Bolt URI of the Neo4j server the tests use, or None: ``NEO4J_URI`` when set; else, under
    ``CI=true`` or ``IQA_NEO4J_SERVER=1``, a local server started once for the session with
    ``.ci/neo4j-server start`` (a temporary data directory, a free port; stopped at the end of the
    session) whose URI is exported as ``NEO4J_URI`` for the suites. Fails when that server
    cannot be started. Requested lazily (through ``neo4j_uri``), so runs without Neo4j tests start
    nothing."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield uri
        return
    if not (_under_ci() or os.environ.get("IQA_NEO4J_SERVER") == "1"):
        yield None
        return
    import socket
    import subprocess

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = tmp_path_factory.mktemp("neo4j-server")
    script = ROOT / ".ci" / "neo4j-server"
    done = subprocess.run([str(script), "start", str(data), str(port)], capture_output=True, text=True,
                          timeout=1800, stdin=subprocess.DEVNULL)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines or not lines[-1].startswith("bolt://"):
        pytest.fail(f".ci/neo4j-server start failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    uri = lines[-1]
    os.environ["NEO4J_URI"] = uri
    try:
        yield uri
    finally:
        del os.environ["NEO4J_URI"]
        subprocess.run([str(script), "stop", str(data)], capture_output=True, text=True, timeout=120)


@pytest.fixture
def neo4j_uri(neo4j_server):
    """The Neo4j server's URI for a test that needs one (see ``neo4j_server``). Without a server
    the test is skipped with the reason — except under ``CI=true``, where it fails: CI runs every
    Neo4j test."""
    if not neo4j_server:
        reason = "NEO4J_URI is not set: Neo4j backend not tested here (IQA_NEO4J_SERVER=1 starts a local server)"
        if _under_ci():
            pytest.fail(reason + "; under CI=true every Neo4j test must run")
        pytest.skip(reason)
    return neo4j_server


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No IQA_* variables and a fresh working directory (so no iqa.yaml is picked up). Folders whose
    tests read the settings use it automatically (their conftest), single files by name."""
    for key in list(os.environ):
        if key.startswith("IQA_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(params=[pytest.param(b, marks=pytest.mark.neo4j) if b == "neo4j" else b for b in BACKENDS])
def any_store(request, tmp_path):
    """A fresh, empty store of each backend."""
    if request.param == "neo4j":
        request.getfixturevalue("neo4j_uri")
    store = make_store(request.param, tmp_path)
    yield store
    store.close()


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsx in memory: one worksheet per entry, rows as given (header first)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture(name="workbook_bytes")
def workbook_bytes_fixture():
    """:func:`workbook_bytes` for tests in any folder."""
    return workbook_bytes


@pytest.fixture
def mem_store():
    """A fresh in-memory embedded store."""
    store = EmbeddedStore(None)
    yield store
    store.close()
