"""``POST /load``: uploads are loaded all or nothing, problems come back located, and bodies over
the limit are refused with 413."""

from __future__ import annotations

import pytest
from api_helpers import API, assert_problem, auth

ED = auth("editor")
TARGETS = "编号,名称,层面,上级目标\nT-UP-1,上传的学校目标,学校,\nT-UP-2,上传的部门目标,部门,T-UP-1\n"
TASKS = "编号,名称,对应目标,完成时限,状态\nK-UP-1,上传的任务,T-UP-2,2026年6月,正常\n"


def test_upload_csv_sheets_as_one_load(client, store):
    files = [("files", ("目标.csv", TARGETS.encode("utf-8"))), ("files", ("任务.csv", TASKS.encode("utf-8-sig")))]
    r = client.post(f"{API}/load", files=files, headers=ED)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["files"] == ["目标.csv", "任务.csv"] and report["nodes_created"] == 3 and report["problems"] == []
    assert [s["sheet"] for s in report["sheets"]] == ["目标", "任务"]
    assert store.get_node("Task:K-UP-1").props["deadline"] == "2026-06-30"
    assert store.get_edge("Target:T-UP-1", "decomposes_to", "Target:T-UP-2") is not None
    assert store.get_edge("Target:T-UP-2", "implemented_by", "Task:K-UP-1") is not None
    again = client.post(f"{API}/load", files=files, headers=ED).json()
    assert again["nodes_written"] == 0 and again["edges_written"] == 0
    audit = client.get(f"{API}/audit", params={"op": "load"}, headers=auth("admin")).json()
    assert audit["total"] == 2 and audit["items"][-1]["files"] == ["目标.csv", "任务.csv"]
    assert audit["items"][-1]["who"] == "test-editor"


def test_upload_an_xlsx_workbook_referring_to_the_store(client, store, workbook_bytes):
    data = workbook_bytes({"任务": [["编号", "名称", "对应目标", "牵头部门"], ["K-X-1", "工作簿任务", "MB-D-GZC", "国有资产管理处"]]})
    r = client.post(f"{API}/load", files={"files": ("更新.xlsx", data)}, headers=ED)
    assert r.status_code == 200, r.text
    assert store.get_edge("Target:MB-D-GZC", "implemented_by", "Task:K-X-1") is not None
    assert store.get_edge("Task:K-X-1", "led_by", "OrgUnit:GZC") is not None


def test_a_bad_upload_writes_nothing_and_locates_every_problem(client, store):
    n_nodes, n_edges = store.count_nodes(), store.count_edges()
    bad = "编号,名称,层面,上级目标\nT-BAD-1,好目标,学校,\nT-BAD-2,坏目标,宇宙,T-NOWHERE\n"
    body = assert_problem(client.post(f"{API}/load", files={"files": ("目标.csv", bad.encode())}, headers=ED), 422)
    locations = [p["location"] for p in body["problems"]]
    assert any(loc.startswith("目标.csv 目标!3") for loc in locations), locations
    assert len(body["problems"]) >= 2 and all(p["reason"] for p in body["problems"])
    assert "nothing was written" in body["detail"]
    assert (store.count_nodes(), store.count_edges()) == (n_nodes, n_edges)
    assert store.get_node("Target:T-BAD-1") is None
    assert client.get(f"{API}/audit", headers=auth("admin")).json()["total"] == 0


def test_unreadable_and_unsupported_files_are_422(client):
    body = assert_problem(client.post(f"{API}/load", files={"files": ("plan.pdf", b"%PDF-1.4")}, headers=ED), 422)
    assert body["problems"][0]["location"] == "plan.pdf"
    body = assert_problem(client.post(f"{API}/load", files={"files": ("坏.xlsx", b"not a zip")}, headers=ED), 422)
    assert body["problems"][0]["location"] == "坏.xlsx"
    body = assert_problem(client.post(f"{API}/load", headers=ED), 422)
    assert body["errors"][0]["field"] == "body.files"


def test_file_names_cannot_escape_the_upload_folder(client, store):
    r = client.post(f"{API}/load", files={"files": ("../../目标.csv", TARGETS.encode())}, headers=ED)
    assert r.status_code == 200 and r.json()["files"] == ["目标.csv"]


def test_upload_over_the_limit_is_413(make_client, store):
    client = make_client(api_max_upload_mb=0.01)  # 10,485 bytes
    n = store.count_nodes()
    big = ("编号,名称,层面\n" + "".join(f"T-BIG-{i},目标{i},学校\n" for i in range(2000))).encode()
    body = assert_problem(client.post(f"{API}/load", files={"files": ("目标.csv", big)}, headers=ED), 413)
    assert body["max_bytes"] == 10485 and body["type"].endswith("too-large")

    def chunks():  # no Content-Length: the limit is enforced while the body streams in
        for _ in range(100):
            yield b"x" * 1024

    r = client.post(f"{API}/load", content=chunks(), headers={**ED, "Content-Type": "multipart/form-data; boundary=b"})
    assert_problem(r, 413)
    assert store.count_nodes() == n
    small = make_client(api_max_upload_mb=0.01).post(f"{API}/load", files={"files": ("目标.csv", TARGETS.encode())},
                                                     headers=ED)
    assert small.status_code == 200


def test_the_limit_defaults_to_20_mb(client):
    assert client.app.state.iqa.settings.api_max_upload_bytes == 20 * 1024 * 1024
    r = client.post(f"{API}/load", headers={**ED, "Content-Length": str(20 * 1024 * 1024 + 1),
                                            "Content-Type": "multipart/form-data; boundary=b"}, content=b"")
    assert_problem(r, 413)


@pytest.mark.parametrize("role, status", [(None, 401), ("reader", 403)])
def test_uploads_need_an_editor(client, store, role, status):
    n = store.count_nodes()
    assert_problem(client.post(f"{API}/load", files={"files": ("目标.csv", TARGETS.encode())}, headers=auth(role)), status)
    assert store.count_nodes() == n


def test_the_load_report_schema_lists_dropped_cells_and_normalisations():
    """The OpenAPI schema of POST /load documents what the report holds beyond the counts."""
    from api.schemas import LoadReportOut

    fields = LoadReportOut.model_fields
    assert {"dropped", "normalised"} <= set(fields)
    note = LoadReportOut.model_validate({"files": [], "sheets": [], "nodes_loaded": 0, "nodes_written": 0,
                                         "nodes_created": 0, "edges_loaded": 0, "edges_written": 0,
                                         "edges_removed": 0, "warnings": [], "problems": [], "skipped_rows": [],
                                         "partial": False, "rows": 0,
                                         "normalised": [{"location": "a.xlsx 指标!2:预警值", "read": "≥95%",
                                                         "stored": "warning = 0.95"}]})
    assert note.normalised[0].read == "≥95%"
