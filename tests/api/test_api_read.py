"""The read routes: shapes equal to the CLI's --format json, filters, and each error."""

from __future__ import annotations

import io

import pytest
from api_helpers import API, PROBLEM, assert_problem, auth
from openpyxl import load_workbook

from graph.model import Node
from graph.checks import run_checks
from graph.services.ownership import owner_of
from seed.demo import demo_as_of


def test_health(client, store):
    r = client.get(f"{API}/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": r.json()["version"], "backend": store.backend,
                        "nodes": store.count_nodes()}
    assert store.backend in ("embedded", "neo4j")


# ------------------------------------------------------------------------------------ search
def test_search_chinese_substring_with_total(client):
    r = client.get(f"{API}/nodes", params={"q": "招生", "limit": 3})
    body = r.json()
    assert r.status_code == 200 and body["limit"] == 3 and body["offset"] == 0
    assert body["total"] > 3 and len(body["items"]) == 3
    assert all("招生" in n["props"].get("name", "") or "招生" in n["code"] for n in body["items"])
    page2 = client.get(f"{API}/nodes", params={"q": "招生", "limit": 3, "offset": 3}).json()
    assert page2["total"] == body["total"]
    assert not {n["id"] for n in page2["items"]} & {n["id"] for n in body["items"]}


def test_search_exact_code_ranks_first_and_is_case_insensitive(client):
    items = client.get(f"{API}/nodes", params={"q": "zk-01"}).json()["items"]
    assert items[0]["id"] == "Indicator:ZK-01"


def test_search_by_id_needs_a_colon(client):
    by_id = client.get(f"{API}/nodes", params={"q": "Task:RW-000", "limit": 1000}).json()
    assert by_id["total"] == 9 and all(n["id"].startswith("Task:RW-000") for n in by_id["items"])
    assert client.get(f"{API}/nodes", params={"q": "task:rw-0001"}).json()["items"][0]["id"] == "Task:RW-0001"
    # without a colon the kind prefix of ids does not match: "Task" is not in every task's code or name
    plain = client.get(f"{API}/nodes", params={"q": "Task", "limit": 1000}).json()
    assert all("task" in (n["code"] + n["props"].get("name", "")).lower() for n in plain["items"])


def test_search_sees_writes_at_once(client):
    ed = auth("editor")
    assert client.get(f"{API}/nodes", params={"q": "量子计算"}).json()["total"] == 0
    client.put(f"{API}/nodes/Task:QC-1", json={"props": {"name": "开设量子计算选修课"}}, headers=ed)
    assert client.get(f"{API}/nodes", params={"q": "量子计算"}).json()["items"][0]["id"] == "Task:QC-1"
    client.delete(f"{API}/nodes/Task:QC-1", headers=ed)
    assert client.get(f"{API}/nodes", params={"q": "量子计算"}).json()["total"] == 0


def test_search_filters_kind_layer_unit(client, store):
    body = client.get(f"{API}/nodes", params={"kind": "Target", "layer": "school", "limit": 1000}).json()
    expected = [n.id for n in store.iter_nodes("Target") if n.props.get("layer") == "school"]
    assert [n["id"] for n in body["items"]] == expected and body["total"] == len(expected)
    by_unit = client.get(f"{API}/nodes", params={"kind": "Task", "unit": "OrgUnit:ZJC", "limit": 1000}).json()
    assert by_unit["total"] > 0
    for n in by_unit["items"]:
        node = store.get_node(n["id"])
        assert owner_of(store, node).unit.id == "OrgUnit:ZJC"
    by_name = client.get(f"{API}/nodes", params={"kind": "Task", "unit": "招生就业处", "limit": 1000}).json()
    assert by_name == by_unit


def test_search_errors(client):
    body = assert_problem(client.get(f"{API}/nodes", params={"limit": 0}), 422)
    assert body["errors"][0]["field"] == "query.limit"
    assert assert_problem(client.get(f"{API}/nodes", params={"kind": "Nope"}), 422)["errors"][0]["field"] == "query.kind"
    assert assert_problem(client.get(f"{API}/nodes", params={"offset": -1}), 422)["errors"][0]["field"] == "query.offset"
    body = assert_problem(client.get(f"{API}/nodes", params={"unit": "招生就业"}), 404)
    assert "suggestions" in body


# ------------------------------------------------------------------------------------ nodes
def test_get_node_with_etag_and_bare_code(client, store):
    r = client.get(f"{API}/nodes/Indicator:ZK-01")
    assert r.status_code == 200
    assert r.json() == store.get_node("Indicator:ZK-01").to_dict()
    assert r.headers["etag"].startswith('"') and len(r.headers["etag"]) > 10
    bare = client.get(f"{API}/nodes/ZK-01")
    assert bare.json() == r.json() and bare.headers["etag"] == r.headers["etag"]


def test_unknown_id_is_404_with_suggestions(client):
    body = assert_problem(client.get(f"{API}/nodes/Indicator:ZK-1"), 404)
    assert body["suggestions"] and all(s.startswith("Indicator:ZK-") for s in body["suggestions"])
    body = assert_problem(client.get(f"{API}/nodes/ZK-1"), 404)
    assert body["suggestions"]


def test_ambiguous_bare_code_is_409_with_candidates(client, store):
    store.upsert_nodes([Node("Standard", "ZK-01", {"name": "同号标准"})])
    body = assert_problem(client.get(f"{API}/nodes/ZK-01"), 409)
    assert body["candidates"] == ["Indicator:ZK-01", "Standard:ZK-01"]
    assert_problem(client.get(f"{API}/indicators/ZK-01/owner"), 409)
    assert client.get(f"{API}/indicators/Indicator:ZK-01/owner").status_code == 200


def test_neighbors(client, store):
    r = client.get(f"{API}/nodes/Indicator:ZK-01/neighbors", params={"direction": "both"})
    body = r.json()
    assert r.status_code == 200 and body["node"] == "Indicator:ZK-01" and body["direction"] == "both"
    expected = store.neighbors("Indicator:ZK-01", None, "both")
    assert [(x["edge"], x["node"]) for x in body["neighbors"]] == [(e.to_dict(), n.to_dict()) for e, n in expected]
    only = client.get(f"{API}/nodes/Indicator:ZK-01/neighbors", params={"type": ["measures", "led_by"]}).json()
    assert {x["edge"]["type"] for x in only["neighbors"]} <= {"measures", "led_by"} and only["neighbors"]
    assert_problem(client.get(f"{API}/nodes/Indicator:ZK-01/neighbors", params={"type": "nope"}), 422)
    assert_problem(client.get(f"{API}/nodes/Indicator:ZK-01/neighbors", params={"direction": "sideways"}), 422)
    assert_problem(client.get(f"{API}/nodes/Indicator:XX/neighbors"), 404)


# ------------------------------------------------------------------------------------ chains
def tiny_store():
    """Plan PL (led by 教务处 U1) → school target S → task K (assigned to 王老师 A, who holds post P1
    in 机电系 U2); indicator I measures S and names no owner."""
    from graph.model import Edge
    from graph.stores.embedded import EmbeddedStore

    s = EmbeddedStore(None)
    s.upsert_nodes([
        Node("OrgUnit", "U1", {"name": "教务处"}), Node("OrgUnit", "U2", {"name": "机电系"}),
        Node("Post", "P1", {"name": "教学副主任"}), Node("Person", "A", {"name": "王老师"}),
        Node("Plan", "PL", {"name": "规划", "deadline": "2026-12-31"}),
        Node("Target", "S", {"name": "学校目标", "layer": "school"}),
        Node("Task", "K", {"name": "任务", "status": "normal", "deadline": "2025-06-30"}),
        Node("Indicator", "I", {"name": "就业率"}),
    ])
    s.upsert_edges([Edge(*e) for e in [
        ("Post:P1", "part_of", "OrgUnit:U2"), ("Person:A", "holds", "Post:P1"),
        ("Plan:PL", "led_by", "OrgUnit:U1"), ("Plan:PL", "decomposes_to", "Target:S"),
        ("Target:S", "implemented_by", "Task:K"), ("Task:K", "assigned_to", "Person:A"),
        ("Indicator:I", "measures", "Target:S")]])
    return s


U1 = {"id": "OrgUnit:U1", "name": "教务处"}
OWN_U1 = {"person": None, "post": None, "unit": U1}
OWN_A = {"person": {"id": "Person:A", "name": "王老师"}, "post": {"id": "Post:P1", "name": "教学副主任"},
         "unit": {"id": "OrgUnit:U2", "name": "机电系"}}
K_ENTRY = {"id": "Task:K", "kind": "Task", "name": "任务", "layer": None, "owner": OWN_A, "owner_inherited_from": None,
           "status": "normal", "deadline": "2025-06-30"}
S_ENTRY = {"id": "Target:S", "kind": "Target", "name": "学校目标", "layer": "school", "owner": OWN_U1,
           "owner_inherited_from": "Plan:PL", "status": None, "deadline": None}
PL_ENTRY = {"id": "Plan:PL", "kind": "Plan", "name": "规划", "layer": None, "owner": OWN_U1, "owner_inherited_from": None,
            "status": None, "deadline": "2026-12-31"}


def test_trace_down_and_up_answer_the_chain(make_client):
    client = make_client(tiny_store())
    r = client.get(f"{API}/trace/Plan:PL")
    assert r.status_code == 200
    page = {"total": 1, "limit": 50, "offset": 0}  # the root's children: one of one, default page
    assert r.json() == {**PL_ENTRY, **page, "children": [
        {**S_ENTRY, "via": "decomposes_to", "children": [{**K_ENTRY, "via": "implemented_by", "children": []}]}]}
    cut = client.get(f"{API}/trace/Plan:PL", params={"depth": 1}).json()
    assert cut == {**PL_ENTRY, **page, "children": [{**S_ENTRY, "via": "decomposes_to", "children": [], "truncated": 1}]}
    up = client.get(f"{API}/trace/K", params={"direction": "up"}).json()
    assert up == {**K_ENTRY, **page, "parents": [
        {**S_ENTRY, "via": "implemented_by", "parents": [{**PL_ENTRY, "via": "decomposes_to", "parents": []}]}]}


def test_trace_of_the_demo_reaches_the_plan(client, store):
    goal = next(n for n in store.iter_nodes("Target") if n.props.get("layer") == "school")
    down = client.get(f"{API}/trace/{goal.id}", params={"depth": 2}).json()
    assert down["id"] == goal.id and down["layer"] == "school" and down["children"]
    up = client.get(f"{API}/trace/RW-0002", params={"direction": "up"}).json()
    assert up["id"] == "Task:RW-0002" and "children" not in up
    kinds = set()
    stack = [up]
    while stack:
        e = stack.pop()
        kinds.add(e["kind"])
        stack.extend(e.get("parents", []))
    assert {"Target", "Plan"} <= kinds


def test_trace_errors(client):
    assert_problem(client.get(f"{API}/trace/Task:RW-0002", params={"direction": "sideways"}), 422)
    assert_problem(client.get(f"{API}/trace/Task:RW-0002", params={"depth": -1}), 422)
    assert_problem(client.get(f"{API}/trace/Task:NOPE"), 404)


def test_impact(client, store):
    r = client.get(f"{API}/impact/Target:MB-D-GZC")
    assert r.status_code == 200 and r.json()["node"] == "Target:MB-D-GZC" and r.json()["affected"]
    assert client.get(f"{API}/impact/Target:MB-D-GZC", params={"depth": 0}).json()["affected"] == []
    assert_problem(client.get(f"{API}/impact/Target:NOPE"), 404)


def test_impact_answers_downstream_with_owners(make_client):
    client = make_client(tiny_store())
    r = client.get(f"{API}/impact/Plan:PL")
    assert r.status_code == 200
    assert r.json() == {
        "node": "Plan:PL",
        "affected": [
            {"id": "Target:S", "kind": "Target", "name": "学校目标", "depth": 1, "via": "decomposes_to", "owner": OWN_U1},
            {"id": "Task:K", "kind": "Task", "name": "任务", "depth": 2, "via": "implemented_by", "owner": OWN_A},
            {"id": "Indicator:I", "kind": "Indicator", "name": "就业率", "depth": 2, "via": "^measures",
             "owner": OWN_U1},
        ],
        "units": [{**U1, "count": 2}, {"id": "OrgUnit:U2", "name": "机电系", "count": 1}],
        "people": [{"id": "Person:A", "name": "王老师", "count": 1}],
        "total": 3, "limit": 50, "offset": 0,
    }
    second = client.get(f"{API}/impact/Plan:PL", params={"limit": 1, "offset": 1}).json()
    assert [a["id"] for a in second["affected"]] == ["Task:K"] and second["total"] == 3
    assert second["units"] == r.json()["units"]  # the counts cover every page
    assert [a["id"] for a in client.get(f"{API}/impact/Plan:PL", params={"depth": 1}).json()["affected"]] == ["Target:S"]


def test_owner_answer_with_its_chain(make_client):
    client = make_client(tiny_store())
    assert client.get(f"{API}/indicators/I/owner").json() == {
        "node": "Indicator:I", "owner": OWN_U1, "inherited_from": "Plan:PL",
        "chain": [{"from": "Indicator:I", "edge": "measures", "to": "Target:S"},
                  {"from": "Target:S", "edge": "^decomposes_to", "to": "Plan:PL"},
                  {"from": "Plan:PL", "edge": "led_by", "to": "OrgUnit:U1"}]}


# ------------------------------------------------------------------------------------ owners
def test_owner_answers_for_every_indicator_of_the_demo_college(client, store):
    indicators = list(store.iter_nodes("Indicator"))
    assert len(indicators) >= 50
    inherited, ownerless = 0, []
    for node in indicators:
        r = client.get(f"{API}/indicators/{node.id}/owner")
        assert r.status_code == 200, (node.id, r.text)
        body = r.json()
        assert set(body) == {"node", "owner", "inherited_from", "chain"} and body["node"] == node.id
        if body["owner"]["unit"] is not None:  # the chain ends at the unit named, from the node or its source
            assert body["chain"][0]["from"] == node.id
            assert body["owner"]["unit"]["id"] in {step["to"] for step in body["chain"]}
        assert set(body["owner"]) == {"person", "post", "unit"}
        if body["owner"]["unit"] is None:
            ownerless.append(node.id)
        inherited += body["inherited_from"] is not None
        assert client.get(f"{API}/indicators/{node.code}/owner").json() == body  # bare code
    assert inherited > 0
    # the demo seeds a few defects on purpose: an indicator nobody owns is a finding of the checks
    assert len(ownerless) <= 3
    flagged = {f.node for f in run_checks(store, as_of=demo_as_of()).findings}
    assert set(ownerless) <= flagged


def test_owner_unknown_indicator(client):
    body = assert_problem(client.get(f"{API}/indicators/Indicator:ZK-999/owner"), 404)
    assert body["suggestions"]


def test_owner_items_of_unit_person_and_post(client, store):
    unit = client.get(f"{API}/owners/OrgUnit:ZJC/items").json()
    assert unit["owner"] == {"id": "OrgUnit:ZJC", "kind": "OrgUnit", "name": "招生就业处"}
    led = {e.source for e, _ in store.neighbors("OrgUnit:ZJC", ("led_by", "assigned_to"), "in")}
    listed = {i["id"] for items in unit["by_kind"].values() for i in items}
    assert listed == led and unit["total"] == len(led)
    for kind, items in unit["by_kind"].items():
        assert all(i["id"].startswith(kind + ":") for i in items)
    person = client.get(f"{API}/owners/Person:T0007/items").json()
    through = [i for items in person["by_kind"].values() for i in items if i["through"]]
    direct = [i for items in person["by_kind"].values() for i in items if not i["through"]]
    assert through and direct
    post = through[0]["through"]
    assert any(e.target == post for e, _ in store.neighbors("Person:T0007", ("holds",), "out"))
    post_items = client.get(f"{API}/owners/{post}/items").json()
    assert through[0]["id"] in {i["id"] for items in post_items["by_kind"].values() for i in items}


def test_owner_items_errors(client):
    body = assert_problem(client.get(f"{API}/owners/Indicator:ZK-01/items"), 422)
    assert "OrgUnit" in body["detail"]
    assert_problem(client.get(f"{API}/owners/OrgUnit:NOPE/items"), 404)


# ------------------------------------------------------------------------------------ checks
def test_checks_shape_equals_the_cli_json(client, store):
    as_of = demo_as_of()
    r = client.get(f"{API}/checks", params={"as_of": as_of.isoformat(), "limit": 10_000})
    assert r.status_code == 200
    cli = run_checks(store, as_of=as_of).to_dict()
    assert r.json() == {**cli, "total": len(cli["findings"]), "limit": 10_000, "offset": 0}


def test_checks_filters(client, store):
    as_of = demo_as_of().isoformat()
    only = client.get(f"{API}/checks", params={"rule": ["IS001", "TC001"], "as_of": as_of}).json()
    assert {f["rule"] for f in only["findings"]} <= {"IS001", "TC001"} and only["findings"]
    assert set(only["summary"]["by_rule"]) == {"IS001", "TC001"}
    errors = client.get(f"{API}/checks", params={"severity": "error", "as_of": as_of}).json()
    assert errors["findings"] and all(f["severity"] == "error" for f in errors["findings"])
    assert errors["summary"]["warnings"] == 0 and errors["summary"]["total"] == errors["summary"]["errors"]
    unit = client.get(f"{API}/checks", params={"owner": "后勤管理处", "as_of": as_of}).json()
    assert unit["findings"] and all(f["owner"]["unit"]["id"] == "OrgUnit:HQC" for f in unit["findings"])


def test_checks_honour_the_rule_configuration(make_client, tmp_path):
    (tmp_path / "iqa.yaml").write_text("checks:\n  disabled: [IS001]\n", encoding="utf-8")
    body = make_client().get(f"{API}/checks").json()
    assert "IS001" not in body["summary"]["by_rule"]


def test_checks_errors(client):
    assert assert_problem(client.get(f"{API}/checks", params={"rule": "XX999"}), 422)["errors"][0]["field"].startswith("query.rule")
    assert_problem(client.get(f"{API}/checks", params={"severity": "fatal"}), 422)
    assert_problem(client.get(f"{API}/checks", params={"as_of": "yesterday"}), 422)
    assert_problem(client.get(f"{API}/checks", params={"owner": "OrgUnit:NOPE"}), 404)


# ------------------------------------------------------------------------------------ ontology / export
def test_ontology(client):
    body = client.get(f"{API}/ontology").json()
    kinds = {k["name"]: k for k in body["kinds"]}
    assert kinds["Indicator"]["zh"] == "指标" and kinds["Indicator"]["en"]
    edges = {e["name"]: e for e in body["edge_types"]}
    assert edges["measures"]["domain"] == ["Indicator"] and "Target" in edges["measures"]["range"]
    assert [c["notation"] for c in body["schemes"]["Layers"]][0] == "school"
    assert body["properties"]["layer"]["zh"]


@pytest.mark.parametrize("fmt, media", [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                        ("graphml", "application/graphml+xml")])
def test_export_graph(client, fmt, media):
    r = client.get(f"{API}/export", params={"format": fmt})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert "attachment" in r.headers["content-disposition"] and len(r.content) > 1000


def test_export_ttl_round_trips(client, store, tmp_path):
    from graph.rdf import read_rdf

    path = tmp_path / "g.ttl"
    path.write_bytes(client.get(f"{API}/export").content)
    nodes, edges = read_rdf(path)
    assert len(nodes) == store.count_nodes() and len(edges) == store.count_edges()


def test_export_xlsx_is_the_rectification_workbook(client, store):
    as_of = demo_as_of()
    r = client.get(f"{API}/export", params={"format": "xlsx", "as_of": as_of.isoformat()})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[0] == "汇总"
    header, *summary = wb["汇总"].iter_rows(values_only=True)
    report = run_checks(store, as_of=as_of)
    assert header[2:5] == ("错误", "警告", "合计")
    assert sum(row[2] for row in summary) == report.summary()["errors"]
    assert sum(row[4] for row in summary) == report.summary()["total"]


def test_export_errors(client):
    assert assert_problem(client.get(f"{API}/export", params={"format": "pdf"}), 422)["errors"][0]["field"] == "query.format"


# ------------------------------------------------------------------------------------ generic errors
def test_unknown_route_and_method_are_problems(client):
    assert_problem(client.get(f"{API}/nowhere"), 404)
    body = assert_problem(client.post(f"{API}/health"), 405)
    assert body["type"].endswith("method-not-allowed")


@pytest.mark.parametrize("sub, method, allow", [
    *[("neighbors", m, "GET, HEAD") for m in ("PUT", "PATCH", "DELETE", "POST", "OPTIONS")],
    *[("history", m, "GET, HEAD") for m in ("PUT", "PATCH", "DELETE", "POST")],
    *[("review", m, "POST") for m in ("GET", "PUT", "DELETE")],
])
def test_a_nodes_sub_resources_answer_only_their_methods(client, store, sub, method, allow):
    """A write at ``/nodes/{id}/neighbors`` is not taken for a write of a node whose id ends in
    ``/neighbors`` (nor a GET of ``…/review`` for a read of such a node): 405 listing exactly the
    methods the resource has, and nothing changes."""
    before = store.count_nodes()
    r = client.request(method, f"{API}/nodes/Indicator:ZK-01/{sub}", json={"props": {"name": "x"}},
                       headers=auth("editor"))
    assert_problem(r, 405)
    assert r.headers["Allow"] == allow and store.count_nodes() == before


def test_a_405_lists_every_method_of_the_path(client):
    r = client.options(f"{API}/nodes/Task:RW-0001", headers=auth("editor"))
    assert_problem(r, 405)
    assert r.headers["Allow"] == "GET, HEAD, PUT, PATCH, DELETE"


def test_every_operation_documents_the_statuses_of_the_gate(client):
    """401, 429 (the failed-authentication throttle) and 503 (store unavailable) can answer any
    operation, so each one documents them."""
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"401", "429", "503"} <= set(operation["responses"]), (method, path)


def test_unexpected_errors_are_500_problems_without_details(make_client):
    c = make_client()
    app = c.app

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    c = type(c)(app, raise_server_exceptions=False, base_url="http://127.0.0.1")
    r = c.get(f"{API}/boom")
    body = assert_problem(r, 500)
    assert "secret" not in r.text and body["type"].endswith("internal")


def test_openapi_documents_every_route(client):
    schema = client.get(f"{API}/openapi.json").json()
    ops = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    expected = {("/api/v1/health", "get"), ("/api/v1/nodes", "get"), ("/api/v1/nodes/{node_id}", "get"),
                ("/api/v1/nodes/{node_id}/neighbors", "get"), ("/api/v1/trace/{node_id}", "get"),
                ("/api/v1/impact/{node_id}", "get"), ("/api/v1/indicators/{node_id}/owner", "get"),
                ("/api/v1/owners/{node_id}/items", "get"), ("/api/v1/checks", "get"), ("/api/v1/ontology", "get"),
                ("/api/v1/export", "get"), ("/api/v1/load", "post"), ("/api/v1/nodes/{node_id}", "put"),
                ("/api/v1/nodes/{node_id}", "patch"), ("/api/v1/nodes/{node_id}", "delete"),
                ("/api/v1/edges", "put"), ("/api/v1/edges", "patch"), ("/api/v1/edges", "delete"),
                ("/api/v1/audit", "get")}
    assert expected <= {(p, m) for p, m, _ in ops}
    components = schema["components"]["schemas"]
    assert "ProblemDetail" in components
    for path, method, op in ops:
        assert op.get("summary") and op.get("description"), (path, method)
        ok = op["responses"].get("200") or op["responses"].get("204")
        assert ok, (path, method)
        content = ok.get("content", {})
        documented = any("schema" in c and (c["schema"].get("$ref") or c["schema"].get("type")) or "example" in c
                         for c in content.values())
        assert documented or "204" in op["responses"], (path, method)
        for status, resp in op["responses"].items():
            if status.startswith(("4", "5")):
                assert list(resp["content"]) == [PROBLEM], (path, method, status)
                assert resp["content"][PROBLEM].get("example"), (path, method, status)
        if path != "/api/v1/health":
            assert op.get("security"), (path, method)
    # every documented model carries an example somewhere up its tree
    for name in ("OwnerAnswerOut", "CheckReportOut", "TraceEntry", "NodePage", "ImpactOut", "OwnedItems"):
        assert components[name].get("examples"), name


def test_reads_with_a_reader_token(remote_client):
    r = remote_client.get(f"{API}/indicators/Indicator:ZK-01/owner", headers=auth("reader"))
    assert r.status_code == 200


def test_an_unknown_query_parameter_is_refused_naming_it(client):
    """A misspelt filter (``unti`` for ``unit``) is a 422 naming it, not a silently unfiltered answer."""
    body = assert_problem(client.get(f"{API}/checks", params={"unti": "XB01"}, headers=auth("reader")), 422)
    assert [e["field"] for e in body["errors"]] == ["query.unti"]
    assert "unit" in body["errors"][0]["message"]
    assert client.get(f"{API}/checks", params={"unit": "OrgUnit:XB01"}, headers=auth("reader")).status_code == 200
