"""The diagnosis routes of the HTTP API: GET /api/v1/diagnosis, /diagnosis/report and
/units/{id}/scorecard on the demo college."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.main import create_app
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore

API = "/api/v1"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from seed.demo import load_demo

    store = EmbeddedStore(None)
    load_demo(store)
    folder = tmp_path_factory.mktemp("api")
    settings = Settings(store=":memory:", audit_log=str(folder / "audit.jsonl"))
    with TestClient(create_app(settings, store), base_url="http://127.0.0.1") as c:
        yield c
    store.close()


def test_diagnosis_json(client):
    r = client.get(f"{API}/diagnosis", params={"as_of": "2025-12-31"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["as_of"] == "2025-12-31" and data["summary"]["warnings"] == len(data["warnings"])
    assert "task_overdue:Task:RW-9903" in {w["id"] for w in data["warnings"]}
    one = client.get(f"{API}/diagnosis", params={"as_of": "2025-12-31", "unit": "XB01"}).json()
    assert one["unit"] == {"id": "OrgUnit:XB01", "name": "机械工程系"}
    assert {w["owner"]["unit"]["id"] for w in one["warnings"]} == {"OrgUnit:XB01"}


def test_scorecard(client):
    r = client.get(f"{API}/units/OrgUnit:XB01/scorecard", params={"as_of": "2025-12-31"})
    assert r.status_code == 200, r.text
    card = r.json()
    assert card["unit"]["name"] == "机械工程系" and card["colour"].startswith("#")
    assert card["status"] in ("normal", "completed", "incomplete", "warning")
    assert client.get(f"{API}/units/XB01/scorecard", params={"as_of": "2025-12-31"}).json() == card


def test_errors_are_problems(client):
    r = client.get(f"{API}/units/NOPE/scorecard")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = client.get(f"{API}/diagnosis", params={"low_threshold": 2})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")


def test_report_html_and_xlsx(client):
    r = client.get(f"{API}/diagnosis/report", params={"as_of": "2025-12-31", "unit": "XB06"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    parser = HTMLParser()
    parser.feed(r.text)
    assert "<svg" in r.text and "data-unit='OrgUnit:XB06'" in r.text
    r = client.get(f"{API}/diagnosis/report", params={"as_of": "2025-12-31", "format": "xlsx"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert "预警清单" in load_workbook(io.BytesIO(r.content)).sheetnames


def test_openapi_documents_the_routes(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/diagnosis", "/api/v1/diagnosis/report", "/api/v1/units/{unit_id}/scorecard"):
        op = paths[path]["get"]
        assert op["summary"] and op["description"] and op.get("security")
        assert all(list(resp["content"]) == ["application/problem+json"]
                   for status, resp in op["responses"].items() if status.startswith("4"))
