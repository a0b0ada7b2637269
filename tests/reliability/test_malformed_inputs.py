"""The malformed-input campaign: every input below is refused with a message that names where the
fault is (file, sheet, row, column / the JSON field), and the store is exactly as it was.

Workbooks (.xlsx), sheets (.csv), RDF and API bodies; each case is one input a user or a program
could plausibly send."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ingest_helpers import college, snapshot, write_csv, write_xlsx

from api.main import create_app
from api_helpers import ENTRIES, auth
from graph.errors import IngestError
from graph.settings import LimitsSection, Settings
from graph.stores.embedded import EmbeddedStore
from ingest import load_paths


@pytest.fixture
def loaded(tmp_path):
    """A store on a file holding the small college."""
    write_xlsx(tmp_path / "base.xlsx", college())
    store = EmbeddedStore(tmp_path / "s.sqlite")
    load_paths(store, ["base.xlsx"])
    yield store
    store.close()


def _set(sheets, sheet, row, column, value):
    """``sheets`` with the cell at data row ``row`` (1 = first row under the header) of ``column`` set."""
    header = sheets[sheet][0]
    sheets[sheet][row][header.index(column)] = value
    return sheets


def _refused(store, paths, where: str, reason: str, limits=None) -> IngestError:
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        load_paths(store, paths, limits=limits)
    problems = [str(p) for p in caught.value.problems]
    assert any(where in p and re.search(reason, p) for p in problems), problems
    assert snapshot(store) == before
    assert snapshot(EmbeddedStore(store.path)) == before  # nothing reached the file either
    return caught.value


# ------------------------------------------------------------------------------------------- xlsx
XLSX_CELLS = [
    # (sheet, row, column, value, where, reason)
    ("指标", 1, "目标值", "NaN", "bad.xlsx 指标!2:目标值", "not a finite number"),
    ("指标", 1, "预警值", "Infinity", "bad.xlsx 指标!2:预警值", "not a finite number"),
    ("指标", 2, "目标值", "-inf", "bad.xlsx 指标!3:目标值", "not a finite number"),
    ("测量", 1, "值", "1e400", "bad.xlsx 测量!2:值", "too large"),
    ("测量", 2, "值", ("raw", b"NaN"), "bad.xlsx 测量!3:值", "not a finite number"),
    ("测量", 2, "值", ("raw", b"abc"), "bad.xlsx 测量", "cannot read the sheet"),  # not a number at all
    ("测量", 2, "值", ("raw", b"-1E+400"), "bad.xlsx 测量!3:值", "not a finite number"),
    ("指标", 2, "预警值", ("raw", b"1e400"), "bad.xlsx 指标!3:预警值", "not a finite number"),
    ("目标", 1, "目标值", "1e999", "bad.xlsx 目标!2:目标值", "too large"),
    ("部门", 2, "编号", "D\x7f9", "bad.xlsx 部门!3:编号", "control character U\\+007F"),
    ("部门", 2, "名称", "教务\x85处", "bad.xlsx 部门!3:名称", "control character U\\+0085"),
    ("部门", 2, "编号", "D" * 10_000, "bad.xlsx 部门!3:编号", "10000 characters long"),
    ("部门", 2, "名称", "长" * 2_000, "bad.xlsx 部门!3:名称", "2000 characters long"),
    ("目标", 1, "编号", "T1/neighbors", "bad.xlsx 目标!2:编号", "route"),
    ("目标", 1, "编号", "T\n9", "bad.xlsx 目标!2:编号", "control character U\\+000A"),
    ("目标", 2, "完成时限", "明年", "bad.xlsx 目标!3:完成时限", "bad date"),
    ("目标", 1, "层面", "宇宙", "bad.xlsx 目标!2:层面", "unknown layer"),
    ("目标", 2, "上级目标", "T99", "bad.xlsx 目标!3:上级目标", "unknown"),
    ("任务", 1, "属性", "Z", "bad.xlsx 任务!2:属性", "unknown task kind"),
    ("指标", 1, "方向", "sideways", "bad.xlsx 指标!2:方向", "unknown direction"),
    ("目标", 2, "编号", "T1", "bad.xlsx 目标!", "duplicate"),
]


@pytest.mark.parametrize("sheet,row,column,value,where,reason", XLSX_CELLS,
                         ids=[f"{c[0]}-{c[2]}-{str(c[3])[:12]!r}" for c in XLSX_CELLS])
def test_a_bad_workbook_cell_is_refused_with_its_location(loaded, sheet, row, column, value, where, reason):
    raw = value[1] if isinstance(value, tuple) else None
    write_xlsx("bad.xlsx", _set(college(), sheet, row, column, 98765 if raw else value))
    if raw:  # a number no spreadsheet program writes, as a hostile or broken writer would
        part = f"xl/worksheets/sheet{list(college()).index(sheet) + 1}.xml"
        _rewrite_part(Path("bad.xlsx"), part, lambda d: d.replace(b"<v>98765</v>", b"<v>" + raw + b"</v>"))
    _refused(loaded, ["bad.xlsx"], where, reason)


def test_a_missing_required_column_is_one_problem_not_one_per_row(loaded):
    sheets = college()
    sheets["部门"] = [[c for i, c in enumerate(r) if i != 1] for r in sheets["部门"]]  # no 名称
    for i in range(40):
        sheets["部门"].append([f"X{i}", "职能部门", "XY", ""])
    write_xlsx("bad.xlsx", sheets)
    err = _refused(loaded, ["bad.xlsx"], "bad.xlsx 部门!1", "required column 名称")
    about_the_column = [p for p in err.problems if "名称" in p.location or "名称" in p.reason]
    assert len(about_the_column) == 1, err.problems


def _doctype(data: bytes) -> bytes:
    entity = b'<!DOCTYPE x [<!ENTITY a "boom">]>'
    return data.replace(b"?>", b"?>" + entity, 1) if data.startswith(b"<?xml") else entity + data


def _rewrite_part(path: Path, part: str, edit) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, edit(data) if info.filename == part else data)
    path.write_bytes(buf.getvalue())


def test_a_doctype_in_sheet_xml_is_a_located_refusal(loaded):
    write_xlsx("bad.xlsx", college())
    _rewrite_part(Path("bad.xlsx"), "xl/worksheets/sheet1.xml",
                  _doctype)
    _refused(loaded, ["bad.xlsx"], "bad.xlsx xl/worksheets/sheet1.xml", "DOCTYPE")


def test_a_workbook_that_unpacks_over_the_limit_is_refused_before_parsing(loaded):
    sheets = college()
    sheets["部门"] += [[f"Z{i}", "填充" * 200 + str(i), "职能部门", "XY", ""] for i in range(300)]
    write_xlsx("bad.xlsx", sheets)
    _refused(loaded, ["bad.xlsx"], "bad.xlsx", r"unpacks to .* over the limit of 0.1 MB",
             limits=LimitsSection(max_unpacked_mb=0.1))


def test_a_sheet_over_the_row_limit_is_refused(loaded):
    sheets = college()
    sheets["部门"] += [[f"Z{i}", f"部门{i}", "职能部门", "XY", ""] for i in range(60)]
    write_xlsx("bad.xlsx", sheets)
    _refused(loaded, ["bad.xlsx"], "bad.xlsx 部门 (xl/worksheets/sheet1.xml)", "reaches row 65",
             limits=LimitsSection(max_rows=50))


def test_one_cell_at_the_last_column_and_row_is_refused_within_seconds(loaded):
    from openpyxl import load_workbook

    write_xlsx("bad.xlsx", college())
    wb = load_workbook("bad.xlsx")
    wb["部门"]["XFD1048576"] = "x"
    wb.save("bad.xlsx")
    started = time.monotonic()
    _refused(loaded, ["bad.xlsx"], "bad.xlsx 部门 (xl/worksheets/sheet1.xml)", "reaches row 1,048,576")
    assert time.monotonic() - started < 5


def test_a_file_that_is_not_a_workbook_is_refused(loaded):
    Path("bad.xlsx").write_text("名称,编号\n", encoding="utf-8")
    _refused(loaded, ["bad.xlsx"], "bad.xlsx", "cannot read as an .xlsx workbook")


# -------------------------------------------------------------------------------------------- CSV
def _csv(sheet: str, row: int, column: str, value) -> list[list[object]]:
    return _set(college(), sheet, row, column, value)[sheet]


CSV_CELLS = [
    ("指标", 1, "预警值", "NaN", "指标.csv 指标!2:预警值", "not a finite number"),
    ("测量", 1, "值", "1e400", "测量.csv 测量!2:值", "too large"),
    ("测量", 2, "值", "Infinity", "测量.csv 测量!3:值", "not a finite number"),
    ("部门", 2, "编号", "D\x009", "部门.csv 部门!3:编号", "control character U\\+0000"),
    ("部门", 2, "名称", "教务\x1b处", "部门.csv 部门!3:名称", "control character U\\+001B"),
    ("部门", 2, "编号", "D" * 10_000, "部门.csv 部门!3:编号", "at most 100"),
    ("部门", 2, "编号", "D01/owner", "部门.csv 部门!3:编号", "route"),
    ("目标", 1, "完成时限", "0", "目标.csv 目标!2:完成时限", "bad date"),
    ("目标", 1, "层面", "[layer]", "目标.csv 目标!2:层面", "unknown layer"),
    ("部门", 2, "上级部门", "D404", "部门.csv 部门!3:上级部门", "unknown"),
]


@pytest.mark.parametrize("sheet,row,column,value,where,reason", CSV_CELLS,
                         ids=[f"{c[0]}-{c[2]}-{str(c[3])[:12]!r}" for c in CSV_CELLS])
def test_a_bad_csv_cell_is_refused_with_its_location(loaded, tmp_path, sheet, row, column, value, where, reason):
    write_csv(f"{sheet}.csv", _csv(sheet, row, column, value))
    _refused(loaded, [f"{sheet}.csv"], where, reason)


def test_a_csv_over_the_row_limit_is_refused(loaded):
    rows = college()["部门"] + [[f"Z{i}", f"部门{i}", "职能部门", "XY", ""] for i in range(30)]
    write_csv("部门.csv", rows)
    _refused(loaded, ["部门.csv"], "部门.csv 部门", "more than 20 rows", limits=LimitsSection(max_rows=20))


# -------------------------------------------------------------------------------------------- RDF
PREFIX = ("@prefix iqa: <https://w3id.org/iqa-graph/ontology#> .\n"
          "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
RDF_CASES = [
    ('<https://w3id.org/iqa-graph/id/OrgUnit/R1> a iqa:OrgUnit ; iqa:name "R" ; iqa:score "NaN"^^xsd:double .',
     "bad.ttl <https://w3id.org/iqa-graph/id/OrgUnit/R1> iqa:score", "not a finite number"),
    ('<https://w3id.org/iqa-graph/id/OrgUnit/R1> a iqa:OrgUnit ; iqa:name "R" ; iqa:score "INF"^^xsd:double .',
     "bad.ttl <https://w3id.org/iqa-graph/id/OrgUnit/R1> iqa:score", "not a finite number"),
    ('<https://w3id.org/iqa-graph/id/OrgUnit/R1> a iqa:OrgUnit ; iqa:name "R\\u0000" .',
     "bad.ttl <https://w3id.org/iqa-graph/id/OrgUnit/R1> iqa:name", "control character U\\+0000"),
    (f'<https://w3id.org/iqa-graph/id/OrgUnit/{"R" * 300}> a iqa:OrgUnit ; iqa:name "R" .',
     "bad.ttl <https://w3id.org/iqa-graph/id/OrgUnit/RRR", "300 characters long"),
    ('<https://w3id.org/iqa-graph/id/Planet/R1> a iqa:Planet ; iqa:name "R" .',
     "bad.ttl <https://w3id.org/iqa-graph/id/Planet/R1>", "not an iqa-graph node"),
    ('<https://w3id.org/iqa-graph/id/OrgUnit/R1> a iqa:OrgUnit ; iqa:name "R" ',
     "bad.ttl", "cannot parse"),
]


@pytest.mark.parametrize("body,where,reason", RDF_CASES, ids=[f"rdf{i}" for i in range(len(RDF_CASES))])
def test_a_bad_rdf_file_is_refused_with_its_location(loaded, body, where, reason):
    Path("bad.ttl").write_text(PREFIX + body + "\n", encoding="utf-8")
    _refused(loaded, ["bad.ttl"], where, reason)


def test_rdf_xml_with_a_doctype_is_refused(loaded):
    Path("bad.rdf").write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]>'
                               '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', encoding="utf-8")
    _refused(loaded, ["bad.rdf"], "bad.rdf", "DOCTYPE")


# -------------------------------------------------------------------------------------- API bodies
NODE = "OrgUnit:D01"


@pytest.fixture
def api(loaded):
    app = create_app(Settings(store=str(loaded.path), api_tokens=ENTRIES), loaded)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


API_CASES = [
    ("PATCH", f"/nodes/{NODE}", '{"props": {"score": NaN}}', "props.score"),
    ("PATCH", f"/nodes/{NODE}", '{"props": {"score": Infinity}}', "props.score"),
    ("PATCH", f"/nodes/{NODE}", '{"props": {"score": -Infinity}}', "props.score"),
    ("PATCH", f"/nodes/{NODE}", '{"props": {"score": 1e400}}', "props.score"),
    ("PATCH", f"/nodes/{NODE}", '{"props": {"tags": ["a", NaN]}}', "props.tags"),
    ("PATCH", f"/nodes/{NODE}", '{"props": {"name": "a\\u0000b"}}', "props.name"),
    ("PATCH", f"/nodes/{NODE}", '{"props": {"name": "' + "长" * 2000 + '"}}', "props.name"),
    ("PATCH", f"/nodes/{NODE}", '{"props": 5}', "body.props"),
    ("PATCH", f"/nodes/{NODE}", '{"props": {"type": "宇宙"}}', "props.type"),
    ("PUT", "/nodes/OrgUnit:X1/items", '{"props": {"name": "n"}}', "id"),
    ("PUT", "/nodes/OrgUnit:X%091", '{"props": {"name": "n"}}', "id"),
    ("PUT", "/nodes/OrgUnit:X%E2%80%8B1", '{"props": {"name": "n"}}', "id"),
    ("PUT", "/nodes/Target:X1", '{"props": {"name": "n", "layer": "school", "deadline": "明年"}}', "props.deadline"),
    ("PUT", "/nodes/Target:X1", '{"props": {"name": "n", "layer": "宇宙"}}', "props.layer"),
    ("PUT", f"/nodes/OrgUnit:{'X' * 400}", '{"props": {"name": "n"}}', "path.node_id"),
    ("PUT", "/nodes/OrgUnit:X1", "{not json", "body"),
]


@pytest.mark.parametrize("method,path,body,field", API_CASES, ids=[f"api{i}-{c[3]}" for i, c in enumerate(API_CASES)])
def test_a_bad_api_body_is_422_naming_the_field_and_changes_nothing(loaded, api, method, path, body, field):
    before = snapshot(loaded)
    r = api.request(method, "/api/v1" + path, content=body.encode(),
                    headers={"content-type": "application/json", **auth("editor")})
    assert r.status_code == 422, r.text
    assert any(e["field"] == field or e["field"].startswith(field + ".") for e in r.json()["errors"]), r.json()
    assert snapshot(loaded) == before


def test_a_write_at_a_nodes_neighbors_is_405_and_changes_nothing(loaded, api):
    """``/nodes/{id}/neighbors`` is a read-only resource, not the id of a node to create."""
    before = snapshot(loaded)
    r = api.put("/api/v1/nodes/OrgUnit:X1/neighbors", json={"props": {"name": "n"}}, headers=auth("editor"))
    assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD", r.text
    assert snapshot(loaded) == before


@pytest.mark.parametrize("name,content,where", [
    ("指标.csv", "编号,名称,预警值\nI9,新指标,NaN\n".encode(), "指标.csv 指标!2:预警值"),
    ("部门.csv", "编号,名称,类型\nD\x009,教务,职能部门\n".encode(), "部门.csv 部门!2:编号"),
])
def test_a_bad_upload_is_422_naming_the_cell_and_changes_nothing(loaded, api, name, content, where):
    before = snapshot(loaded)
    r = api.post("/api/v1/load", files=[("files", (name, content))], headers=auth("editor"))
    assert r.status_code == 422, r.text
    assert any(p["location"] == where for p in r.json()["problems"]), r.json()
    assert snapshot(loaded) == before


def test_an_upload_with_a_doctype_in_sheet_xml_is_422_not_500(loaded, api):
    write_xlsx("bad.xlsx", college())
    _rewrite_part(Path("bad.xlsx"), "xl/worksheets/sheet1.xml",
                  _doctype)
    before = snapshot(loaded)
    r = api.post("/api/v1/load", files=[("files", ("bad.xlsx", Path("bad.xlsx").read_bytes()))], headers=auth("editor"))
    assert r.status_code == 422, r.text
    assert "DOCTYPE" in r.json()["problems"][0]["reason"]
    assert snapshot(loaded) == before
