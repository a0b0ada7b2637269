"""Change over time through the API: an edit is a revision with the token's name, the parent's
children become suspect, history and diff name the change, and a review (editor) clears them."""

from __future__ import annotations

from api_helpers import API, assert_problem, auth

ED, RD = auth("editor"), auth("reader")
PARENT = "Target:MB-S01"


def test_an_edit_is_a_revision_and_makes_the_children_suspect_until_reviewed(client, store):
    old = store.get_node(PARENT).props["name"]
    r = client.patch(f"{API}/nodes/{PARENT}", json={"props": {"name": "新的学校目标"}}, headers=ED)
    assert r.status_code == 200, r.text
    revs = client.get(f"{API}/revisions", headers=RD).json()["revisions"]
    assert revs[0]["who"] == "test-editor" and revs[0]["changes"]["nodes_changed"] == 1
    assert revs[0]["source"] == f"node.patch {PARENT}" and revs[0]["files"] == []
    history = client.get(f"{API}/nodes/{PARENT}/history", headers=RD).json()
    assert history["versions"][-1]["fields"] == {"name": [old, "新的学校目标"]}
    diff = client.get(f"{API}/diff", params={"to": str(revs[0]["rev"])}, headers=RD).json()
    assert diff["nodes"]["changed"] == [{"id": PARENT, "fields": {"name": [old, "新的学校目标"]}}]
    suspects = client.get(f"{API}/suspects", headers=RD).json()["suspects"]
    children = {n.id for _, n in store.neighbors(PARENT, ["decomposes_to", "implemented_by"], "out")}
    children |= {n.id for _, n in store.neighbors(PARENT, ["measures"], "in")}
    assert {s["child"] for s in suspects} == children and {s["parent"] for s in suspects} == {PARENT}
    child = sorted(children)[0]
    assert_problem(client.post(f"{API}/nodes/{child}/review", headers=RD), 403)
    r = client.post(f"{API}/nodes/{child}/review", params={"from": PARENT}, headers=ED)
    assert r.status_code == 200, r.text
    assert [s["parent"] for s in r.json()["reviewed"]] == [PARENT] and r.json()["rev"] == revs[0]["rev"] + 1
    left = client.get(f"{API}/suspects", headers=RD).json()["suspects"]
    assert {s["child"] for s in left} == children - {child}


def test_unknown_points_and_nodes_are_404(client):
    assert_problem(client.get(f"{API}/diff", params={"from": "no-such-baseline"}, headers=RD), 404)
    assert_problem(client.get(f"{API}/nodes/Target:NOPE/history", headers=RD), 404)


def test_every_history_answer_is_exactly_its_documented_model(client):
    """The five routes' real answers after an edit and a review parse as the response models their
    OpenAPI entries name, and dump back to the same JSON (no field undocumented or mistyped)."""
    from api.schemas import DiffOut, NodeHistoryOut, ReviewOut, RevisionsOut, SuspectsOut

    assert client.patch(f"{API}/nodes/{PARENT}", json={"props": {"name": "新的学校目标"}}, headers=ED).status_code == 200
    suspects = client.get(f"{API}/suspects", headers=RD)
    child = suspects.json()["suspects"][0]["child"]
    answers = {
        ("/revisions", "get"): (client.get(f"{API}/revisions", headers=RD), RevisionsOut),
        ("/nodes/{node_id}/history", "get"): (client.get(f"{API}/nodes/{PARENT}/history", headers=RD), NodeHistoryOut),
        ("/diff", "get"): (client.get(f"{API}/diff", headers=RD), DiffOut),
        ("/suspects", "get"): (suspects, SuspectsOut),
        ("/nodes/{node_id}/review", "post"): (client.post(f"{API}/nodes/{child}/review", headers=ED), ReviewOut),
    }
    spec = client.app.openapi()
    for (path, method), (response, model) in answers.items():
        assert response.status_code == 200, response.text
        data = response.json()
        assert model.model_validate(data).model_dump(by_alias=True) == data, path
        schema = spec["paths"][API + path][method]["responses"]["200"]
        assert schema["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{model.__name__}"}
