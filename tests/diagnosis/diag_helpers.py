"""Helpers of the diagnosis tests: small graphs built by hand (imported as ``diag_helpers``)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.model import Edge, Node  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402

DEMO_AS_OF = dt.date(2025, 12, 31)


def n(kind: str, code: str, **props) -> Node:
    return Node(kind, code, props)


def e(source: str, type_: str, target: str, **props) -> Edge:
    return Edge(source, type_, target, props)


def build(*items) -> EmbeddedStore:
    """An in-memory store with the given nodes and edges (``Edge`` or ``(source, type, target)``)."""
    store = EmbeddedStore(None)
    store.upsert_nodes([i for i in items if isinstance(i, Node)])
    store.upsert_edges([i if isinstance(i, Edge) else Edge(*i) for i in items if not isinstance(i, Node)])
    return store


def org() -> list:
    """Two units, a post each, one holder each: 教务处 D01 (张三 E01) and 机械系 D02 (李四 E02)."""
    return [
        n("OrgUnit", "D01", name="教务处", type="functional_office"),
        n("OrgUnit", "D02", name="机械系", type="teaching_unit"),
        n("Post", "P01", name="教务处处长"), n("Post", "P02", name="机械系主任"),
        n("Person", "E01", name="张三"), n("Person", "E02", name="李四"),
        ("Post:P01", "part_of", "OrgUnit:D01"), ("Post:P02", "part_of", "OrgUnit:D02"),
        ("Person:E01", "holds", "Post:P01"), ("Person:E02", "holds", "Post:P02"),
        ("Person:E01", "part_of", "OrgUnit:D01"), ("Person:E02", "part_of", "OrgUnit:D02"),
    ]
