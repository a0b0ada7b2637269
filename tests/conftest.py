"""Shared fixtures. ``store_factory`` builds a fresh store of every available backend: the
embedded store on a file and in memory always; Neo4j only where ``NEO4J_URI`` is set (skipped with
the reason otherwise), so each behaviour is written once and checked on every backend."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.stores.embedded import EmbeddedStore  # noqa: E402

BACKENDS = ["embedded-file", "embedded-memory", "neo4j"]


@pytest.fixture(autouse=True)
def loopback_streamlit():
    """In tests that run the UI in-process (streamlit's AppTest), Streamlit counts as bound to
    127.0.0.1 (``server.address``, as ``iqa ui`` sets it), so sessions may read without a token as
    on a real loopback server (``ui.state.access``). Nothing is done where streamlit is not loaded."""
    if "streamlit" not in sys.modules:
        yield
        return
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
    if backend == "neo4j":
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            pytest.skip("NEO4J_URI is not set: Neo4j backend not tested here")
        from graph.stores.neo4j import Neo4jStore  # noqa: PLC0415

        store = Neo4jStore.from_uri(uri)
        store.clear()
        return store
    raise ValueError(backend)


@pytest.fixture(params=BACKENDS)
def any_store(request, tmp_path):
    """A fresh, empty store of each backend."""
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
