"""Long answers come in pages: ``limit`` / ``offset`` / ``total`` on /checks, /diagnosis, /impact,
/owners/{id}/items and the children of /trace (graph.services.paging), tried over HTTP on the demo."""

from __future__ import annotations

from api_helpers import API, assert_problem

from graph.services.paging import DEFAULT_LIMIT

#: A check date a year past the demo's story: many findings and warnings, the same every day.
LATE = {"as_of": "2026-12-31"}


def _pages(client, path: str, key: str, size: int, **params) -> tuple[list, int]:
    """Every item of ``key`` fetched page by page with ``limit=size``; and the ``total`` answered."""
    items: list = []
    offset = 0
    while True:
        body = client.get(f"{API}{path}", params={**params, "limit": size, "offset": offset}).json()
        assert body["limit"] == size and body["offset"] == offset
        assert len(body[key]) <= size
        items += body[key]
        offset += size
        if offset >= body["total"]:
            return items, body["total"]


def test_checks_pages_add_up_to_the_whole_report(client):
    whole = client.get(f"{API}/checks", params={**LATE, "limit": 10_000}).json()
    assert whole["total"] == whole["summary"]["total"] == len(whole["findings"]) > DEFAULT_LIMIT
    default = client.get(f"{API}/checks", params=LATE).json()
    assert len(default["findings"]) == DEFAULT_LIMIT and default["total"] == whole["total"]
    assert default["summary"] == whole["summary"]  # the summary always counts them all
    items, total = _pages(client, "/checks", "findings", 37, **LATE)
    assert total == whole["total"] and items == whole["findings"]


def test_checks_filter_by_unit_and_the_former_name_owner(client):
    by_unit = client.get(f"{API}/checks", params={"unit": "机械工程系", "limit": 10_000}).json()
    assert by_unit["total"] > 0
    assert {f["owner"]["unit"]["id"] for f in by_unit["findings"]} == {"OrgUnit:XB01"}
    by_owner = client.get(f"{API}/checks", params={"owner": "OrgUnit:XB01", "limit": 10_000}).json()
    assert by_owner == by_unit
    assert_problem(client.get(f"{API}/checks", params={"unit": "OrgUnit:XB01", "owner": "OrgUnit:JWC"}), 422)
    assert_problem(client.get(f"{API}/checks", params={"unit": "OrgUnit:NOPE"}), 404)


def test_diagnosis_is_bounded_and_pages_its_long_lists(client):
    default = client.get(f"{API}/diagnosis", params=LATE)
    body = default.json()
    assert len(body["warnings"]) == DEFAULT_LIMIT < body["total"] == body["totals"]["warnings"]
    assert len(body["assessment"]["after"]["targets"]) == DEFAULT_LIMIT < body["totals"]["targets"]
    whole_response = client.get(f"{API}/diagnosis", params={**LATE, "limit": 10_000})
    assert len(default.content) < len(whole_response.content) / 3
    whole = whole_response.json()
    assert len(whole["warnings"]) == body["total"] and len(whole["tasks"]) == body["totals"]["tasks"]
    items, total = _pages(client, "/diagnosis", "warnings", 45, **LATE)
    assert items == whole["warnings"] and total == body["total"]
    assert whole["summary"] == body["summary"]


def test_impact_pages(client):
    whole = client.get(f"{API}/impact/Plan:GH-01", params={"limit": 10_000}).json()
    assert whole["total"] == len(whole["affected"]) > DEFAULT_LIMIT
    items, total = _pages(client, "/impact/Plan:GH-01", "affected", 60)
    assert items == whole["affected"] and total == whole["total"]


def test_owner_items_pages_keep_the_kind_then_id_order(client):
    whole = client.get(f"{API}/owners/OrgUnit:JWC/items", params={"limit": 10_000}).json()
    flat = [(k, i["id"]) for k, items in whole["by_kind"].items() for i in items]
    assert len(flat) == whole["total"] > 3 and flat == sorted(flat)
    first = client.get(f"{API}/owners/OrgUnit:JWC/items", params={"limit": 2, "offset": 1}).json()
    assert [(k, i["id"]) for k, items in first["by_kind"].items() for i in items] == flat[1:3]
    assert (first["total"], first["limit"], first["offset"]) == (whole["total"], 2, 1)


def test_trace_children_are_paged_with_a_count_of_the_hidden(client):
    whole = client.get(f"{API}/trace/Plan:GH-01", params={"depth": 1, "limit": 10_000}).json()
    n = len(whole["children"])
    assert whole["total"] == n > 3 and "truncated" not in whole
    cut = client.get(f"{API}/trace/Plan:GH-01", params={"depth": 1, "limit": 2, "offset": 1}).json()
    assert [c["id"] for c in cut["children"]] == [c["id"] for c in whole["children"][1:3]]
    assert cut["truncated"] == n - 2 and (cut["total"], cut["limit"], cut["offset"]) == (n, 2, 1)
    deep = client.get(f"{API}/trace/Plan:GH-01", params={"depth": 3, "limit": 1}).json()
    child = deep["children"][0]
    assert len(child["children"]) <= 1  # nested nodes show `limit` children too, from the first
    assert "total" not in child  # page fields on the root only


def test_paging_parameters_are_checked(client):
    for path in ("/checks", "/diagnosis", "/impact/Plan:GH-01", "/owners/OrgUnit:JWC/items", "/trace/Plan:GH-01"):
        assert_problem(client.get(f"{API}{path}", params={"limit": 0}), 422)
        assert_problem(client.get(f"{API}{path}", params={"offset": -1}), 422)
        assert_problem(client.get(f"{API}{path}", params={"limit": 10_001}), 422)


def test_neighbors_default_to_both_directions(client):
    both = client.get(f"{API}/nodes/OrgUnit:XB01/neighbors").json()
    assert both["direction"] == "both"
    inward = client.get(f"{API}/nodes/OrgUnit:XB01/neighbors", params={"direction": "in"}).json()
    outward = client.get(f"{API}/nodes/OrgUnit:XB01/neighbors", params={"direction": "out"}).json()
    assert inward["neighbors"]  # a unit is mostly pointed at (led_by, belongs_to …)
    assert len(both["neighbors"]) == len(inward["neighbors"]) + len(outward["neighbors"])
