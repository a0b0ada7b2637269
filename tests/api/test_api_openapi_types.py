"""Generated clients get types: the diagnosis routes answer with named models in the OpenAPI
schema (no bare ``{"type": "object"}``), and the real answers fit those models."""

from __future__ import annotations

import pytest
from api_helpers import API

from api.schemas import DiagnosisOut, ScorecardOut

ROUTES = (f"{API}/diagnosis", f"{API}/units/{{unit_id}}/scorecard")


def _resolve(schema: dict, spec: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[1]
        return spec["components"]["schemas"][name]
    return schema


@pytest.mark.parametrize("route", ROUTES)
def test_diagnosis_routes_have_typed_responses(client, route):
    spec = client.get(f"{API}/openapi.json").json()
    content = spec["paths"][route]["get"]["responses"]["200"]["content"]["application/json"]
    schema = content["schema"]
    assert "$ref" in schema, schema  # a named model, not {"type": "object"}
    model = _resolve(schema, spec)
    assert model.get("properties"), model
    assert {"warnings", "scorecards", "summary"} <= set(model["properties"]) if route.endswith("/diagnosis") \
        else {"unit", "status", "achievement", "tasks"} <= set(model["properties"])
    # the sub-objects are typed too
    for name in ("summary", "warnings", "scorecards") if route.endswith("/diagnosis") else ("unit", "tasks", "warnings"):
        prop = model["properties"][name]
        assert prop != {"type": "object"} and (prop.get("$ref") or prop.get("items") or prop.get("anyOf")), (name, prop)


def test_no_untyped_object_response_anywhere(client):
    spec = client.get(f"{API}/openapi.json").json()
    for path in ROUTES:
        for method, op in spec["paths"][path].items():
            for code, resp in op.get("responses", {}).items():
                for media, body in resp.get("content", {}).items():
                    assert body.get("schema") != {"type": "object"}, (path, method, code, media)


def test_the_demo_answers_fit_the_models():
    from graph.services.diagnosis import diagnose
    from graph.stores.embedded import EmbeddedStore
    from seed.demo import demo_as_of, load_demo

    store = EmbeddedStore(None)
    load_demo(store)
    data = diagnose(store, as_of=demo_as_of()).to_dict()
    out = DiagnosisOut.model_validate(data)
    assert out.scorecards and out.warnings and out.summary.warnings == len(data["warnings"])
    for card in data["scorecards"]:
        assert ScorecardOut.model_validate(card).unit.id == card["unit"]["id"]
