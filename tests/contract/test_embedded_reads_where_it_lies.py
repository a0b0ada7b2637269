"""The embedded store reads SQLite where it lies: nothing is read on open, and every read —
point reads served from the decoded-node cache included — sees what another store object (another
process) committed on the same file, without :meth:`refresh`."""

from __future__ import annotations

import pytest

from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore
from graph.services.chains import DOWN_STEPS


@pytest.fixture
def two(tmp_path):
    path = tmp_path / "s.sqlite"
    a, b = EmbeddedStore(path), EmbeddedStore(path)
    a.upsert_nodes([Node("Target", "S1", {"name": "学校目标", "layer": "school"}),
                    Node("Target", "M1", {"name": "专业目标", "layer": "major"})])
    a.upsert_edges([Edge("Target:S1", "decomposes_to", "Target:M1")])
    yield a, b
    a.close()
    b.close()


def test_point_reads_see_another_objects_commit(two):
    a, b = two
    assert a.get_node("Target:M1").name == "专业目标"  # now cached in a
    assert [n.id for _, n in a.neighbors("Target:S1")] == ["Target:M1"]
    b.upsert_nodes([Node("Target", "M1", {"name": "改名", "layer": "major"}),
                    Node("Target", "M2", {"name": "新目标", "layer": "major"})])
    b.upsert_edges([Edge("Target:S1", "decomposes_to", "Target:M2")])
    assert a.get_node("Target:M1").name == "改名"
    assert [n.name for _, n in a.neighbors("Target:S1")] == ["改名", "新目标"]
    assert set(a.traverse(["Target:S1"], DOWN_STEPS).nodes) == {"Target:S1", "Target:M1", "Target:M2"}
    assert a.get_nodes(["Target:M1", "Target:M2", "Target:nope"])["Target:M1"].name == "改名"
    b.delete_node("Target:M2")
    assert a.get_node("Target:M2") is None and a.find_by_code("M2") == []


def test_a_rolled_back_write_leaves_no_trace_in_the_cache(two):
    a, _ = two
    with pytest.raises(RuntimeError):
        with a.transaction():
            a.upsert_nodes([Node("Target", "M1", {"name": "未提交", "layer": "major"})])
            assert a.get_node("Target:M1").name == "未提交"
            raise RuntimeError
    assert a.get_node("Target:M1").name == "专业目标"


def test_opening_reads_no_node(tmp_path, monkeypatch):
    path = tmp_path / "s.sqlite"
    EmbeddedStore(path).upsert_nodes([Node("Target", "S1", {"name": "学校目标", "layer": "school"})])
    decoded = []
    import graph.stores.embedded as embedded

    real = embedded._load
    monkeypatch.setattr(embedded, "_load", lambda text: decoded.append(text) or real(text))
    store = EmbeddedStore(path)
    assert decoded == []
    assert store.get_node("Target:S1").name == "学校目标" and len(decoded) == 1
