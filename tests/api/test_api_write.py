"""Writes: nodes and edges through the API, validated as ingest validates, versioned with ETags,
transactional, audited, and safe under 50 concurrent edits."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from api_helpers import API, ENTRIES, assert_problem, auth, demo_store
from fastapi.testclient import TestClient

from api.main import create_app
from graph.errors import StoreError
from graph.model import Edge
from graph.services.edit import AuditLog, Editor, VersionConflictError, node_version
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore

ED = auth("editor")
NODE = "Task:RW-0001"


def test_put_creates_then_replaces(client, store):
    r = client.put(f"{API}/nodes/Task:API-1", json={"props": {"name": "接口创建的任务", "deadline": "2026年6月",
                                                             "status": "正常", "task_kind": "重点工作"}}, headers=ED)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"{API}/nodes/Task:API-1"
    node = store.get_node("Task:API-1")
    # values parsed and normalised as a workbook's are
    assert node.props == {"name": "接口创建的任务", "deadline": "2026-06-30", "status": "normal", "task_kind": "A"}
    assert r.json() == node.to_dict() and r.headers["etag"] == f'"{node_version(node)}"'
    r = client.put(f"{API}/nodes/Task:API-1", json={"props": {"name": "改名"}}, headers=ED)
    assert r.status_code == 200 and store.get_node("Task:API-1").props == {"name": "改名"}


def test_put_keeps_the_edges(client, store):
    before = store.neighbors(NODE, None, "both")
    props = dict(store.get_node(NODE).props, name="新名称")
    assert client.put(f"{API}/nodes/{NODE}", json={"props": props}, headers=ED).status_code == 200
    assert [e.key for e, _ in store.neighbors(NODE, None, "both")] == [e.key for e, _ in before]


def test_patch_merges_and_null_removes(client, store):
    old = dict(store.get_node(NODE).props)
    r = client.patch(f"{API}/nodes/{NODE}", json={"props": {"status": "预警", "note": "第三季度滞后"}}, headers=ED)
    assert r.status_code == 200
    assert store.get_node(NODE).props == {**old, "status": "warning", "note": "第三季度滞后"}
    r = client.patch(f"{API}/nodes/{NODE}", json={"props": {"note": None}}, headers=ED)
    assert store.get_node(NODE).props == {**old, "status": "warning"}
    assert r.headers["etag"] == f'"{node_version(store.get_node(NODE))}"'


@pytest.mark.parametrize("path, body, field", [
    ("/nodes/Task:RW-0001", {"props": {"status": "bogus"}}, "props.status"),
    ("/nodes/Task:RW-0001", {"props": {"deadline": "明年"}}, "props.deadline"),
    ("/nodes/Task:RW-0001", {"props": {"name": None}}, "props.name"),
    ("/nodes/Task:RW-0001", {"props": {"name": "bad\u0000name"}}, "props.name"),
    ("/nodes/Task:RW-0001", {"props": {"status": ["normal"]}}, "props.status"),
    ("/nodes/Task:RW-0001", {"props": {"x": {"nested": 1}}}, "body.props.x"),
    ("/nodes/Task:RW-0001", {"props": {}, "extra": 1}, "body.extra"),
])
def test_patch_validation_names_the_field(client, store, path, body, field):
    before = store.get_node(NODE).to_dict()
    problem = assert_problem(client.patch(API + path, json=body, headers=ED), 422)
    assert problem["errors"][0]["field"].startswith(field), problem
    assert store.get_node(NODE).to_dict() == before


@pytest.mark.parametrize("node_id, props, field", [
    ("Bogus:X1", {"name": "x"}, "id"),
    ("NoColon", {"name": "x"}, "id"),
    ("Target:T-1", {"name": "无层面目标"}, "props.layer"),
    ("Target:T-1", {"name": "t", "layer": "宇宙"}, "props.layer"),
    ("Measurement:M-1", {"name": "m", "date": "2025-01-31"}, "props.value"),
    ("Task:T-1", {"category": "没有名称"}, "props.name"),
])
def test_put_validation_names_the_field(client, store, node_id, props, field):
    n = store.count_nodes()
    problem = assert_problem(client.put(f"{API}/nodes/{node_id}", json={"props": props}, headers=ED), 422)
    assert problem["errors"][0]["field"] == field, problem
    assert store.count_nodes() == n


def test_layer_labels_are_parsed_like_a_workbook(client, store):
    r = client.put(f"{API}/nodes/Target:T-API", json={"props": {"name": "学校目标", "layer": "学校"}}, headers=ED)
    assert r.status_code == 201 and store.get_node("Target:T-API").props["layer"] == "school"


def test_patch_and_delete_unknown_node_are_404_with_suggestions(client):
    body = assert_problem(client.patch(f"{API}/nodes/Task:RW-001", json={"props": {}}, headers=ED), 404)
    assert "Task:RW-0010" in body["suggestions"] or body["suggestions"]
    assert_problem(client.delete(f"{API}/nodes/Task:RW-001", headers=ED), 404)


# ------------------------------------------------------------------------------------ ETag / If-Match
def test_if_match_refuses_a_stale_version(client, store):
    etag = client.get(f"{API}/nodes/{NODE}").headers["etag"]
    ok = client.patch(f"{API}/nodes/{NODE}", json={"props": {"note": "first"}}, headers={**ED, "If-Match": etag})
    assert ok.status_code == 200 and ok.headers["etag"] != etag
    stale = client.patch(f"{API}/nodes/{NODE}", json={"props": {"note": "second"}}, headers={**ED, "If-Match": etag})
    body = assert_problem(stale, 409)
    assert body["current_etag"] == ok.headers["etag"] and body["type"].endswith("version-conflict")
    assert store.get_node(NODE).props["note"] == "first"
    assert_problem(client.put(f"{API}/nodes/{NODE}", json={"props": {"name": "x"}}, headers={**ED, "If-Match": etag}), 409)
    assert_problem(client.delete(f"{API}/nodes/{NODE}", headers={**ED, "If-Match": etag}), 409)
    r = client.patch(f"{API}/nodes/{NODE}", json={"props": {"note": "third"}},
                     headers={**ED, "If-Match": f'"old", {ok.headers["etag"]}'})
    assert r.status_code == 200
    assert client.patch(f"{API}/nodes/{NODE}", json={"props": {"note": "4"}}, headers={**ED, "If-Match": "*"}).status_code == 200


def test_if_match_on_a_missing_node_and_if_none_match(client, store):
    assert_problem(client.put(f"{API}/nodes/Task:NEW-9", json={"props": {"name": "x"}}, headers={**ED, "If-Match": "*"}), 409)
    assert store.get_node("Task:NEW-9") is None
    r = client.put(f"{API}/nodes/Task:NEW-9", json={"props": {"name": "x"}}, headers={**ED, "If-None-Match": "*"})
    assert r.status_code == 201
    body = assert_problem(client.put(f"{API}/nodes/Task:NEW-9", json={"props": {"name": "y"}},
                                     headers={**ED, "If-None-Match": "*"}), 409)
    assert body["type"].endswith("already-exists") and store.get_node("Task:NEW-9").props["name"] == "x"


def test_delete_node_removes_its_edges(client, store):
    edges = store.neighbors(NODE, None, "both")
    assert edges
    etag = client.get(f"{API}/nodes/{NODE}").headers["etag"]
    r = client.delete(f"{API}/nodes/{NODE}", headers={**ED, "If-Match": etag})
    assert r.status_code == 204 and r.content == b""
    assert store.get_node(NODE) is None and not store.neighbors(NODE, None, "both")
    assert_problem(client.get(f"{API}/nodes/{NODE}"), 404)


# ------------------------------------------------------------------------------------ edges
EDGE = {"source": "Target:MB-D-GZC", "type": "implemented_by", "target": "Task:RW-0001"}


def test_edge_put_patch_delete(client, store):
    r = client.put(f"{API}/edges", params=EDGE, headers=ED)
    assert r.status_code == 201 and r.json() == {**EDGE, "props": {}}
    assert store.get_edge(*EDGE.values()) is not None
    r = client.put(f"{API}/edges", params=EDGE, json={"props": {"weight": 2}}, headers=ED)
    assert r.status_code == 200 and store.get_edge(*EDGE.values()).props == {"weight": 2}
    r = client.patch(f"{API}/edges", params=EDGE, json={"props": {"note": "调整", "weight": None}}, headers=ED)
    assert r.status_code == 200 and store.get_edge(*EDGE.values()).props == {"note": "调整"}
    assert client.delete(f"{API}/edges", params=EDGE, headers=ED).status_code == 204
    assert store.get_edge(*EDGE.values()) is None
    assert_problem(client.delete(f"{API}/edges", params=EDGE, headers=ED), 404)
    assert_problem(client.patch(f"{API}/edges", params=EDGE, json={"props": {}}, headers=ED), 404)


@pytest.mark.parametrize("params, status, field", [
    ({**EDGE, "type": "likes"}, 422, "query.type"),
    ({**EDGE, "type": "measures"}, 422, "source"),
    ({"source": "Indicator:ZK-01", "type": "measures", "target": "Task:RW-0001"}, 422, "target"),
    ({**EDGE, "target": "Task:RW-99999"}, 404, None),
    ({"source": "Task:RW-0002", "type": "decomposes_to", "target": "Task:RW-0001"}, 422, "target"),  # a cycle
    ({"source": "Task:RW-0001", "type": "decomposes_to", "target": "Task:RW-0001"}, 422, "target"),  # a loop
    ({"source": "Target:MB-D-GZC", "type": "implemented_by"}, 422, "query.target"),
])
def test_edge_validation(client, store, params, status, field):
    n = store.count_edges()
    body = assert_problem(client.put(f"{API}/edges", params=params, headers=ED), status)
    if field:
        assert body["errors"][0]["field"] == field, body
    else:
        assert body["suggestions"]
    assert store.count_edges() == n


# ------------------------------------------------------------------------------------ audit
def test_every_write_is_in_the_audit_trail(client):
    client.put(f"{API}/nodes/Task:AUD-1", json={"props": {"name": "审计"}}, headers=ED)
    client.patch(f"{API}/nodes/Task:AUD-1", json={"props": {"status": "正常"}}, headers=auth("admin"))
    client.put(f"{API}/edges", params={**EDGE, "target": "Task:AUD-1"}, headers=ED)
    client.patch(f"{API}/edges", params={**EDGE, "target": "Task:AUD-1"}, json={"props": {"w": 1}}, headers=ED)
    client.delete(f"{API}/edges", params={**EDGE, "target": "Task:AUD-1"}, headers=ED)
    client.delete(f"{API}/nodes/Task:AUD-1", headers=ED)
    client.patch(f"{API}/nodes/{NODE}", json={"props": {"status": "bogus"}}, headers=ED)  # refused: not audited
    page = client.get(f"{API}/audit", headers=auth("admin")).json()
    assert page["total"] == 6
    ops = [e["op"] for e in page["items"]]
    assert ops == ["node.delete", "edge.delete", "edge.patch", "edge.put", "node.patch", "node.put"]  # newest first
    put = page["items"][-1]
    assert put["who"] == "test-editor" and put["id"] == "Task:AUD-1" and put["before"] is None
    assert put["after"]["props"] == {"name": "审计"} and put["at"].endswith("Z")
    patch = page["items"][-2]
    assert patch["who"] == "test-admin" and patch["before"]["props"] == {"name": "审计"}
    assert patch["after"]["props"] == {"name": "审计", "status": "normal"}
    assert page["items"][0]["after"] is None and page["items"][0]["before"]["id"] == "Task:AUD-1"
    assert page["items"][3]["id"] == "Target:MB-D-GZC -implemented_by-> Task:AUD-1"
    only = client.get(f"{API}/audit", params={"op": "edge", "limit": 2, "offset": 1}, headers=auth("admin")).json()
    assert only["total"] == 3 and [e["op"] for e in only["items"]] == ["edge.patch", "edge.put"]
    by = client.get(f"{API}/audit", params={"who": "test-admin"}, headers=auth("admin")).json()
    assert by["total"] == 1
    about = client.get(f"{API}/audit", params={"node": "Task:AUD-1"}, headers=auth("admin")).json()
    assert about["total"] == 6


def test_audit_trail_is_a_jsonl_file_beside_the_sqlite_store(tmp_path):
    path = tmp_path / "college.sqlite"
    demo_store(path).close()
    client = TestClient(create_app(Settings(store=str(path), api_tokens=ENTRIES)), base_url="http://127.0.0.1")
    with client:
        client.patch(f"{API}/nodes/{NODE}", json={"props": {"note": "持久"}}, headers=ED)
    lines = (tmp_path / "college.audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["after"]["props"]["note"] == "持久"
    # the write itself is persisted too
    with EmbeddedStore(path) as reopened:
        assert reopened.get_node(NODE).props["note"] == "持久"
    custom = tmp_path / "logs" / "audit.jsonl"
    client = TestClient(create_app(Settings(store=str(path), audit_log=custom, api_tokens=ENTRIES)), base_url="http://127.0.0.1")
    with client:
        client.patch(f"{API}/nodes/{NODE}", json={"props": {"note": "别处"}}, headers=ED)
    assert custom.is_file()


def test_a_write_whose_audit_line_cannot_be_written_is_undone(tmp_path, store):
    blocked = tmp_path / "audit-is-a-folder"
    blocked.mkdir()
    editor = Editor(store, AuditLog(blocked))
    before = store.get_node(NODE).to_dict()
    with pytest.raises(StoreError):
        editor.patch_node(NODE, {"status": "warning"}, who="x")
    assert store.get_node(NODE).to_dict() == before
    with pytest.raises(StoreError):
        editor.put_edge(*EDGE.values(), who="x")
    assert store.get_edge(*EDGE.values()) is None


# ------------------------------------------------------------------------------------ concurrency
class SlowReadStore(EmbeddedStore):
    """A store whose node reads take a millisecond after reading, as a networked backend's do: it
    widens the window between a read and the write based on it, so without the edit lock
    concurrent patches overwrite each other (most of 50 are lost) — with it, none is."""

    def get_node(self, node_id):
        node = super().get_node(node_id)
        time.sleep(0.001)
        return node


@pytest.fixture
def slow_client(make_client):
    store = SlowReadStore(None)
    source = demo_store()
    with store.transaction():
        store.upsert_nodes(list(source.iter_nodes()))
        store.upsert_edges(list(source.iter_edges()))
    return make_client(store), store


def test_50_concurrent_patches_each_setting_a_distinct_property_all_land(slow_client):
    client, store = slow_client
    start = threading.Barrier(50)

    def patch(i: int) -> int:
        start.wait()
        return client.patch(f"{API}/nodes/{NODE}", json={"props": {f"p{i:02d}": i}}, headers=ED).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:  # the client is started (make_client)
        statuses = list(pool.map(patch, range(50)))
    assert statuses == [200] * 50
    props = store.get_node(NODE).props
    assert all(props.get(f"p{i:02d}") == i for i in range(50))
    audit = client.get(f"{API}/audit", params={"op": "node.patch", "limit": 1000}, headers=auth("admin")).json()
    assert audit["total"] == 50
    # each entry's before holds exactly the properties of the patches that came before it
    seen = [set(e["after"]["props"]) - set(e["before"]["props"]) for e in reversed(audit["items"])]
    assert all(len(s) == 1 for s in seen)


def test_concurrent_patches_on_one_version_let_exactly_one_win(slow_client):
    client, store = slow_client
    etag = client.get(f"{API}/nodes/{NODE}").headers["etag"]
    start = threading.Barrier(20)

    def patch(i: int) -> int:
        start.wait()
        return client.patch(f"{API}/nodes/{NODE}", json={"props": {"winner": i}},
                            headers={**ED, "If-Match": etag}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(patch, range(20)))
    assert statuses.count(200) == 1 and statuses.count(409) == 19


def test_reads_during_writes_never_fail(client, store):
    stop = threading.Event()
    errors: list[str] = []

    def read() -> None:
        while not stop.is_set():
            for path in (f"/trace/{NODE}?direction=up", "/nodes?q=RW&limit=5", "/indicators/ZK-01/owner"):
                r = client.get(API + path)
                if r.status_code != 200:
                    errors.append(f"{path}: {r.status_code}")

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for i in range(40):
        client.put(f"{API}/nodes/Task:RACE-{i}", json={"props": {"name": f"并发{i}"}}, headers=ED)
        client.put(f"{API}/edges", params={"source": NODE, "type": "decomposes_to", "target": f"Task:RACE-{i}"},
                   headers=ED)
        client.delete(f"{API}/nodes/Task:RACE-{i}", headers=ED)
    stop.set()
    for t in readers:
        t.join()
    assert not errors


def test_editor_service_directly():
    store = demo_store()
    editor = Editor(store)
    node, created = editor.put_node("Task:SVC-1", {"name": "服务层"}, who="svc")
    assert created and editor.store.get_node("Task:SVC-1") == node
    with pytest.raises(VersionConflictError) as exc:
        editor.patch_node("Task:SVC-1", {"x": 1}, who="svc", if_match='"0000"')
    assert exc.value.current == node_version(node)
    editor.put_edge("Task:RW-0001", "decomposes_to", "Task:SVC-1", who="svc")
    assert editor.delete_node("Task:SVC-1", who="svc") == [Edge("Task:RW-0001", "decomposes_to", "Task:SVC-1")]
    assert [e["op"] for e in editor.audit.entries()] == ["node.put", "edge.put", "node.delete"]
