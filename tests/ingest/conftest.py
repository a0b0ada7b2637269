"""Fixtures of the ingest tests: a store on a SQLite file in tmp_path, and tmp_path as the working
directory so workbooks are named relatively (``college.xlsx 目标!3:层面``) as a user would."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for p in (HERE, HERE.parents[1]):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from graph.stores.embedded import EmbeddedStore  # noqa: E402


@pytest.fixture
def store(tmp_path):
    s = EmbeddedStore(tmp_path / "s.sqlite")
    yield s
    s.close()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path
