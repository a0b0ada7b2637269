"""orjson encodes the API's responses and the embedded store's properties; what it refuses (an
integer beyond 64 bits) still goes through the standard library, so nothing that stored before fails now."""

from __future__ import annotations

import json
import sqlite3

from api.responses import OrjsonResponse
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore


BIG = 2 ** 70 + 1  # no float equals it: a float read back fails the comparison


def test_properties_round_trip_through_the_store_file(tmp_path) -> None:
    path = tmp_path / "s.sqlite"
    props = {"name": "招生就业处", "value": 0.95, "count": 3, "big": BIG, "tags": ["甲", "乙"], "none": None,
             "u64": 2 ** 64 - 1, "neg": -(2 ** 80) - 3}
    with EmbeddedStore(path) as store:
        store.upsert_nodes([Node("OrgUnit", "D1", props), Node("OrgUnit", "D2", {"name": "教务处"})])
        store.upsert_edges([Edge("OrgUnit:D1", "part_of", "OrgUnit:D2", {"weight": BIG})])
    with EmbeddedStore(path) as store:
        got = store.get_node("OrgUnit:D1").props
        assert got == props and type(got["big"]) is int and type(got["neg"]) is int
        assert [n.props["big"] for n in store.iter_nodes() if "big" in n.props] == [BIG]
        edge = store.get_edge("OrgUnit:D1", "part_of", "OrgUnit:D2")
        assert edge is not None and edge.props == {"weight": BIG} and type(edge.props["weight"]) is int
        assert store.read_graph().nodes["OrgUnit:D1"].props["big"] == BIG
        # SQLite's json functions read the marked text as JSON too
        assert store.count_nodes_by("name")[("OrgUnit", "招生就业处")] == 1
        assert store.count_nodes_by("big") == {("OrgUnit", BIG): 1, ("OrgUnit", None): 1}


def test_in_memory_store_keeps_big_integers_exact() -> None:
    store = EmbeddedStore(None)
    store.upsert_nodes([Node("OrgUnit", "D1", {"big": BIG})])
    assert store.get_node("OrgUnit:D1").props["big"] == BIG
    assert type(store.read_graph().nodes["OrgUnit:D1"].props["big"]) is int


def test_a_store_written_before_the_mark_is_marked_on_its_first_writable_open(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    with EmbeddedStore(path) as store:
        store.upsert_nodes([Node("OrgUnit", "D1", {"name": "教务处"}), Node("OrgUnit", "D2", {"name": "x"})])
    # as an older version left it: standard-library JSON without the mark, no meta key
    db = sqlite3.connect(path)
    db.execute("UPDATE nodes SET props = ? WHERE id = 'OrgUnit:D1'", (json.dumps({"big": BIG, "name": "教务处"}),))
    db.execute("DELETE FROM meta WHERE key = 'props_marked'")
    db.commit()
    db.close()
    with EmbeddedStore(path) as store:
        got = store.get_node("OrgUnit:D1").props
        assert got == {"big": BIG, "name": "教务处"} and type(got["big"]) is int
        assert store.get_node("OrgUnit:D2").props == {"name": "x"}
    db = sqlite3.connect(path)
    texts = dict(db.execute("SELECT id, props FROM nodes"))
    db.close()
    assert texts["OrgUnit:D1"].startswith(" ") and not texts["OrgUnit:D2"].startswith(" ")


def test_a_store_written_before_the_mark_reads_big_integers_exactly_when_read_only(tmp_path, monkeypatch) -> None:
    import graph.stores.embedded as embedded

    path = tmp_path / "old.sqlite"
    with EmbeddedStore(path) as store:
        store.upsert_nodes([Node("OrgUnit", "D1", {"name": "教务处"}), Node("OrgUnit", "D2", {"n": 12345678901234567890123})])
        store.upsert_edges([Edge("OrgUnit:D1", "part_of", "OrgUnit:D2", {"weight": 1})])
    db = sqlite3.connect(path)  # as an older version left it (see the test above)
    db.execute("UPDATE nodes SET props = ? WHERE id = 'OrgUnit:D1'", (json.dumps({"big": BIG, "name": "教务处"}),))
    db.execute("UPDATE nodes SET props = ? WHERE id = 'OrgUnit:D2'", (json.dumps({"n": 12345678901234567890123}),))
    db.execute("UPDATE edges SET props = ?", (json.dumps({"weight": -BIG}),))
    db.execute("DELETE FROM meta WHERE key = 'props_marked'")
    db.commit()
    db.close()
    monkeypatch.setattr(embedded, "_writable", lambda p: False)  # as for a file this user cannot write
    with EmbeddedStore(path) as store:
        assert store.read_only
        assert store.get_node("OrgUnit:D1").props == {"big": BIG, "name": "教务处"}
        assert type(store.get_node("OrgUnit:D2").props["n"]) is int
        assert [n.props for n in store.iter_nodes()][0]["big"] == BIG
        assert store.read_graph().nodes["OrgUnit:D1"].props["big"] == BIG
        edge = store.get_edge("OrgUnit:D1", "part_of", "OrgUnit:D2")
        assert edge is not None and edge.props == {"weight": -BIG}
        assert [e.props for e in store.iter_edges()] == [{"weight": -BIG}]
    with embedded.pinned_file(path) as pinned:  # as a helper process reads it
        graph = pinned.read_graph(("part_of",), ())
        assert graph.nodes["OrgUnit:D1"].props["big"] == BIG
        assert pinned.edges_at("OrgUnit:D1", "part_of", "out") == [("OrgUnit:D2", {"weight": -BIG})]
        assert type(pinned.edges_at("OrgUnit:D1", "part_of", "out")[0][1]["weight"]) is int
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM meta WHERE key = 'props_marked'").fetchone() == (0,)  # nothing written
    db.close()


def test_responses_are_compact_utf8_json_with_a_fallback_for_big_integers() -> None:
    body = OrjsonResponse({"名称": "教务处", 1: [1.5, None, True]}).body
    assert body == '{"名称":"教务处","1":[1.5,null,true]}'.encode()
    assert json.loads(OrjsonResponse({"big": 2 ** 70}).body) == {"big": 2 ** 70}
