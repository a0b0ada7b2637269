"""Fixtures of the reliability campaign: the ingest and API helpers importable, no ``IQA_*``
variables, and tmp_path as the working directory (files named as a user names them)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
for p in (TESTS / "ingest", TESTS / "api", TESTS.parent):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


@pytest.fixture(autouse=True)
def _clean_env(clean_env):
    """Every test here starts without IQA_* variables, in a fresh working directory."""
