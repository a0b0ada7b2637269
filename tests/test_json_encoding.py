"""orjson encodes the API's responses and the embedded store's properties; what it refuses (an
integer beyond 64 bits) still goes through the standard library, so nothing that stored before fails now."""

from __future__ import annotations

import json

from api.responses import OrjsonResponse
from graph.model import Node
from graph.stores.embedded import EmbeddedStore


def test_properties_round_trip_through_the_store_file(tmp_path) -> None:
    path = tmp_path / "s.sqlite"
    props = {"name": "招生就业处", "value": 0.95, "count": 3, "big": 2 ** 70, "tags": ["甲", "乙"], "none": None}
    with EmbeddedStore(path) as store:
        store.upsert_nodes([Node("OrgUnit", "D1", props)])
    with EmbeddedStore(path) as store:
        assert store.get_node("OrgUnit:D1").props == props


def test_responses_are_compact_utf8_json_with_a_fallback_for_big_integers() -> None:
    body = OrjsonResponse({"名称": "教务处", 1: [1.5, None, True]}).body
    assert body == '{"名称":"教务处","1":[1.5,null,true]}'.encode()
    assert json.loads(OrjsonResponse({"big": 2 ** 70}).body) == {"big": 2 ** 70}
