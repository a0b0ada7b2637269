"""A load validates each node once: the resolver's ``validate_node`` vouches for the nodes it
hands to the store (``EmbeddedStore.validated``), which validates every other node as before."""

from __future__ import annotations

import random

import pytest

import graph.stores.embedded as embedded
from graph.errors import ValidationError
from graph.model import Node
from graph.services.edit import concurrent
from graph.stores.embedded import EmbeddedStore
from ingest import load_sheets
from ingest_helpers import snapshot


def _counting(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = embedded.validate_node

    def spy(node, onto=None):
        seen.append(node.id)
        return real(node, onto)

    monkeypatch.setattr(embedded, "validate_node", spy)
    return seen


def test_only_the_vouched_for_objects_skip_validation(monkeypatch):
    seen = _counting(monkeypatch)
    store = EmbeddedStore(None)
    a = Node("Target", "A", {"name": "a"})
    same_id = Node("Target", "A", {"name": "a"})  # equal, but not the object vouched for
    bad = Node("Target", "B", {"name": "b", "layer": "no such layer"})
    with store.transaction(), store.validated([a]):
        store.upsert_nodes([a, same_id])
        with pytest.raises(ValidationError):
            store.upsert_nodes([a, bad])
    assert seen == ["Target:A", "Target:B"]  # the other object, the bad one
    seen.clear()
    store.upsert_nodes([a])  # the block has ended: validated again
    assert seen == ["Target:A"]


def _sheets(rng: random.Random) -> dict:
    units = [{"编码": f"U{i}", "名称": f"部门{i}", "类型": rng.choice(["职能部门", "教学单位", "职能部门"])} for i in range(rng.randrange(1, 6))]
    targets = []
    for i in range(rng.randrange(1, 30)):
        row = {"编码": f"T{i}", "名称": rng.choice(["目标", "目标 ", "Ｔ目标"]) + str(i), "层面": rng.choice(["school", "学校", "专业"]),
               "牵头部门": rng.choice(units)["编码"]}
        if i and rng.random() < 0.6:
            row["上级目标"] = f"T{rng.randrange(i)}"
        if rng.random() < 0.5:
            row["目标值"] = rng.choice([1, 2.5, "80%", "12000"])
        targets.append(row)
    if rng.random() < 0.2:  # a bad row: the same problem, nothing written, either way
        targets[-1]["层面"] = "无此层面"
    return {"部门": units, "目标": targets}


@pytest.mark.parametrize("seed", range(20))
def test_a_load_writes_what_it_wrote_when_the_store_validated_again(seed, monkeypatch):
    rng = random.Random(seed)
    sheets = _sheets(rng)
    fast = concurrent(EmbeddedStore(None))
    fast_error = plain_error = None
    try:
        load_sheets(fast, sheets)
    except Exception as exc:  # noqa: BLE001 - compared below
        fast_error = str(exc)
    seen = _counting(monkeypatch)
    monkeypatch.setattr(EmbeddedStore, "validated", lambda self, nodes: __import__("contextlib").nullcontext())
    plain = concurrent(EmbeddedStore(None))
    try:
        load_sheets(plain, sheets)
    except Exception as exc:  # noqa: BLE001
        plain_error = str(exc)
    assert fast_error == plain_error
    assert snapshot(fast) == snapshot(plain)
    if plain_error is None:
        assert len(seen) == fast.count_nodes()  # the plain path validated each node in the store
