"""Loads as a whole: --partial, idempotence, moved parents, several files in one load, the
template, in-memory sheets from generators, RDF files and progress."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
from ingest_helpers import college, edge_keys, snapshot, write_csv, write_xlsx
from openpyxl import load_workbook

from graph.errors import IngestError
from graph.model import Node
from graph.stores.embedded import EmbeddedStore
from ingest import load_paths, load_sheets, write_template
from ingest.readers import EXAMPLE_COLUMN
from ingest.sheets import SHEETS


def _set(sheets, sheet, row, column, value):
    header = sheets[sheet][0]
    sheets[sheet][row - 1][header.index(column)] = value
    return sheets


# -- partial -----------------------------------------------------------------------------------
def test_partial_loads_the_good_rows_and_skips_bad_ones_and_their_dependents(workdir, store):
    bad = _set(college(), "目标", 3, "层面", "院级")  # T2: T3 (child of T2) → K1 (implements T3) → K2
    _set(bad, "测量", 3, "值", "很多")
    write_xlsx("bad.xlsx", bad)
    report = load_paths(store, ["bad.xlsx"], partial=True)
    assert report.skipped_rows == ["bad.xlsx 目标!3", "bad.xlsx 目标!4", "bad.xlsx 任务!2", "bad.xlsx 任务!3",
                                   "bad.xlsx 测量!3"]
    reasons = {p.location: p.reason for p in report.problems}
    assert reasons["bad.xlsx 目标!3:层面"].startswith("unknown layer '院级'")
    assert reasons["bad.xlsx 目标!4:上级目标"] == "skipped: 'T2' is defined on bad.xlsx 目标!3, which is skipped"
    assert reasons["bad.xlsx 任务!2:对应目标"] == "skipped: 'T3' is defined on bad.xlsx 目标!4, which is skipped"
    assert reasons["bad.xlsx 任务!3:上级任务"] == "skipped: 'K1' is defined on bad.xlsx 任务!2, which is skipped"
    assert reasons["bad.xlsx 测量!3:值"] == "bad number '很多'"
    for gone in ("Target:T2", "Target:T3", "Task:K1", "Task:K2", "Measurement:I1@2024-12-31"):
        assert store.get_node(gone) is None
    for kept in ("Target:T1", "Indicator:I1", "Measurement:I1@2025-12-31", "Process:A101L", "DiagnosisPoint:1.1.1"):
        assert store.get_node(kept) is not None
    assert store.get_edge("Plan:PL1", "decomposes_to", "Target:T1") is not None
    counts = {s.sheet: (s.rows, s.skipped) for s in report.sheets}
    assert counts["目标"] == (3, 2) and counts["任务"] == (2, 2) and counts["部门"] == (4, 0)
    first = report.problems[0]
    assert report.to_dict()["problems"][0] == {"location": first.location, "reason": first.reason}


def test_partial_skips_both_rows_of_a_duplicate_code(store):
    sheets = {"目标": [{"编号": "T1", "名称": "甲", "层面": "学校"}, {"编号": "T1", "名称": "乙", "层面": "学校"},
                       {"编号": "T2", "名称": "丙", "层面": "学校"}]}
    report = load_sheets(store, sheets, partial=True)
    assert report.skipped_rows == ["<memory> 目标!2", "<memory> 目标!3"]
    assert [n.id for n in store.iter_nodes()] == ["Target:T2"]


def test_partial_keeps_rows_that_form_a_cycle(store):
    sheets = {"目标": [{"编号": "A", "名称": "a", "层面": "学校", "上级目标": "B"},
                       {"编号": "B", "名称": "b", "层面": "学校", "上级目标": "A"},
                       {"编号": "C", "名称": "c", "层面": "学校", "上级目标": ""}]}
    report = load_sheets(store, sheets, partial=True)
    assert report.skipped_rows == []
    assert [n.id for n in store.iter_nodes()] == ["Target:A", "Target:B", "Target:C"]


def test_partial_with_a_missing_required_column_skips_the_sheet(store):
    sheets = {"部门": [{"编号": "D1", "名称": "教务处"}], "岗位": [{"编号": "P1", "所属部门": "D1"}]}
    report = load_sheets(store, sheets, partial=True)
    assert [str(p) for p in report.problems] == ["<memory> 岗位!1: required column 名称 [name] is missing"]
    assert report.skipped_rows == ["<memory> 岗位!2"]
    assert [n.id for n in store.iter_nodes()] == ["OrgUnit:D1"]


# -- idempotence and moves -----------------------------------------------------------------------
def test_loading_the_same_workbook_twice_changes_nothing(workdir, store):
    write_xlsx("college.xlsx", college())
    first = load_paths(store, ["college.xlsx"])
    before = snapshot(store)
    second = load_paths(store, ["college.xlsx"])
    assert snapshot(store) == before
    assert (second.nodes_written, second.edges_written, second.edges_removed) == (0, 0, 0)
    assert (second.nodes_loaded, second.edges_loaded) == (first.nodes_loaded, first.edges_loaded)
    store.close()
    reopened = EmbeddedStore(workdir / "s.sqlite")
    third = load_paths(reopened, ["college.xlsx"])
    assert snapshot(reopened) == before and third.nodes_written == third.edges_written == 0
    reopened.close()


def test_changing_a_parent_moves_the_node(workdir, store):
    write_xlsx("college.xlsx", college())
    load_paths(store, ["college.xlsx"])
    write_xlsx("update.xlsx", {
        "目标": [["编号", "名称", "层面", "上级目标", "所属规划"], ["T3", "专业目标", "专业", "T2", "PL2"]],
        "岗位": [["编号", "名称", "所属部门"], ["P03", "专业带头人", "教务处"]],
    })
    report = load_paths(store, ["update.xlsx"])
    parents = {s for s, _, t in edge_keys(store, "decomposes_to") if t == "Target:T3"}
    assert parents == {"Target:T2", "Plan:PL2"}  # T1 → T3 is gone
    assert {t for s, _, t in edge_keys(store, "part_of") if s == "Post:P03"} == {"OrgUnit:D01"}
    assert (report.edges_removed, report.edges_written) == (2, 1)
    # what the sheet has no column for stays as it was: edges and properties
    assert store.get_edge("Target:T3", "led_by", "OrgUnit:D03") is not None
    assert store.get_edge("Target:T3", "implemented_by", "Task:K1") is not None
    assert store.get_node("Target:T3").props == {"name": "专业目标", "layer": "major", "target_value": "通过认证",
                                                 "deadline": "2025-12-31"}


def test_an_emptied_cell_removes_its_property_and_a_changed_one_replaces_it(workdir, store):
    write_xlsx("college.xlsx", college())
    load_paths(store, ["college.xlsx"])
    changed = _set(college(), "目标", 2, "目标值", "")
    _set(changed, "目标", 2, "完成时限", "2026年6月")
    write_xlsx("college.xlsx", changed)
    report = load_paths(store, ["college.xlsx"])
    assert report.nodes_written == 1
    assert store.get_node("Target:T1").props == {"name": "学校目标", "layer": "school", "category": "水平",
                                                 "unit": "%", "deadline": "2026-06-30"}


def test_emptying_a_cell_removes_its_edges(workdir, store):
    write_xlsx("college.xlsx", college())
    load_paths(store, ["college.xlsx"])
    write_xlsx("update.xlsx", _set(college(), "目标", 4, "上级目标", ""))
    load_paths(store, ["update.xlsx"])
    assert {s for s, _, t in edge_keys(store, "decomposes_to") if t == "Target:T3"} == {"Plan:PL2"}


def test_institution_index_reload_moves_a_code_to_another_item(store):
    row = {"一级": "教育教学(A)", "二级": "专业建设(A1)", "三级": "专业设置(A101)", "制度": "A101Z"}
    load_sheets(store, {"制度体系": [row]})
    load_sheets(store, {"制度体系": [row | {"制度": "A102Z"}]})
    assert {t for s, _, t in edge_keys(store, "includes")} == {"Regulation:A102Z"}


# -- several files ---------------------------------------------------------------------------------
def test_several_files_load_together_and_resolve_across_files(workdir, store):
    write_csv("部门.csv", [["编号", "名称"], ["D01", "教务处"]], "utf-8-sig")
    write_csv("人员.csv", [["工号", "姓名", "部门"], ["E01", "张三", "教务处"]], "gb18030")
    write_xlsx("targets.xlsx", {"目标": [["编号", "名称", "层面", "牵头部门", "责任人"], ["T1", "目标", "学校", "D01", "张三"]]})
    report = load_paths(store, ["targets.xlsx", "人员.csv", "部门.csv"])
    assert report.files == ["targets.xlsx", "人员.csv", "部门.csv"]
    assert store.get_edge("Target:T1", "led_by", "OrgUnit:D01") and store.get_edge("Target:T1", "assigned_to", "Person:E01")
    assert store.get_edge("Person:E01", "part_of", "OrgUnit:D01")


def test_a_bad_file_among_several_writes_nothing(workdir, store):
    write_csv("部门.csv", [["编号", "名称"], ["D01", "教务处"]])
    write_xlsx("targets.xlsx", {"目标": [["编号", "名称", "层面", "牵头部门"], ["T1", "目标", "学校", "D02"]]})
    with pytest.raises(IngestError) as err:
        load_paths(store, ["部门.csv", "targets.xlsx"])
    assert [p.location for p in err.value.problems] == ["targets.xlsx 目标!2:牵头部门"]
    assert store.count_nodes() == 0


# -- the template ------------------------------------------------------------------------------------
def test_the_template_examples_load_back_without_error_once_unmarked(workdir, store):
    write_template("template.xlsx")
    wb = load_workbook("template.xlsx")
    assert wb.sheetnames == ["说明"] + [s.zh for s in SHEETS]
    for spec in SHEETS:
        header = [c.value for c in wb[spec.zh][1]]
        assert header == [c.zh for c in spec.columns] + [EXAMPLE_COLUMN]
        assert [c.font.bold for c in wb[spec.zh][1]][:-1] == [c.required for c in spec.columns]
        assert wb[spec.zh].max_row == 2 and wb[spec.zh].cell(2, len(header)).value == "是"
    guide = "\n".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    for allowed in ("学校 (school)", "预警 (warning)", "教研室", "监督控制", "一级", "NZ", "≥", "示例行"):
        assert allowed in guide
    for spec in SHEETS:  # clear the marks: the examples are a small valid workbook
        ws = wb[spec.zh]
        ws.cell(2, ws.max_column).value = None
    wb.save("unmarked.xlsx")
    report = load_paths(store, ["unmarked.xlsx"])
    assert report.warnings == [] and report.problems == []
    assert all(s.rows == 1 for s in report.sheets) and len(report.sheets) == len(SHEETS)
    assert {n.kind for n in store.iter_nodes()} >= {s.kind for s in SHEETS}


def test_the_template_example_rows_are_never_loaded(workdir, store):
    """Loading the template as written changes nothing, and rows typed below the examples load
    without them: the example unit 教务处 (D01) never re-points a real node's lead unit."""
    store.upsert_nodes([Node("OrgUnit", "JWC", {"name": "教学管理处"})])
    write_template("template.xlsx")
    report = load_paths(store, ["template.xlsx"])
    assert report.problems == [] and report.nodes_written == 0 and store.count_nodes() == 1
    assert report.warnings == [f"template.xlsx {spec.zh}!2: the template's example row ({EXAMPLE_COLUMN} column "
                               "filled in): not loaded" for spec in SHEETS]
    wb = load_workbook("template.xlsx")
    wb["部门"].append(["XB09", "新能源系", "教学单位"])
    wb.save("filled.xlsx")
    filled = load_paths(store, ["filled.xlsx"])
    assert filled.nodes_written == 1 and store.get_node("OrgUnit:XB09").name == "新能源系"
    assert store.get_node("OrgUnit:D01") is None
    write_csv("部门.csv", [["编号", "名称", "example"], ["D01", "教务处", "yes"], ["XB10", "公共课部", ""]])
    assert load_paths(store, ["部门.csv"]).nodes_written == 1 and store.get_node("OrgUnit:D01") is None


# -- in-memory sheets (the seed generators' shape) --------------------------------------------------
def test_generator_dicts_load_with_python_values(store):
    sheets = {
        "部门": [{"编号": "D1", "名称": "教务处", "上级部门": ""}],
        "人员": [{"工号": 1001, "姓名": "张三", "岗位": "", "部门": "D1"}],
        "目标": [{"编号": "T1", "名称": "目标", "层面": "学校", "完成时限": dt.date(2025, 6, 30), "目标值": 0.9,
                  "责任人": "1001、张三", "牵头部门": "D1"}],
    }
    report = load_sheets(store, sheets, source="demo")
    assert report.files == ["demo"]
    assert store.get_node("Target:T1").props == {"name": "目标", "layer": "school", "deadline": "2025-06-30",
                                                 "target_value": 0.9}
    assert store.get_edge("Target:T1", "assigned_to", "Person:1001") is not None
    with pytest.raises(IngestError) as err:
        load_sheets(store, {"目标": [{"编号": "T2", "名称": "x", "层面": ""}]}, source="demo")
    assert str(err.value.problems[0]) == "demo 目标!2:层面: required cell is empty (层面 [layer])"


def test_a_name_that_contains_a_separator_still_matches(store):
    sheets = {"部门": [{"编号": "D1", "名称": "党建、思政办"}],
              "程序文件": [{"文件编号": "CX/1", "程序文件名称": "文件", "牵头部门": "党建、思政办"}]}
    load_sheets(store, sheets)
    assert edge_keys(store, "led_by") == {("ProcedureDocument:CX/1", "led_by", "OrgUnit:D1")}


# -- RDF and progress ------------------------------------------------------------------------------------
def test_rdf_files_are_read_and_written_in_the_same_load(workdir, store, monkeypatch):
    calls = []

    def read_rdf(path):
        calls.append(path)
        return [Node("OrgUnit", "R1", {"name": "评估中心"})], []

    monkeypatch.setitem(sys.modules, "graph.rdf", types.SimpleNamespace(read_rdf=read_rdf))
    (workdir / "units.ttl").write_text("# read by the fake reader", encoding="utf-8")
    write_xlsx("posts.xlsx", {"岗位": [["编号", "名称", "所属部门"], ["P1", "主任", "评估中心"]]})
    report = load_paths(store, ["units.ttl", "posts.xlsx"])
    assert calls == ["units.ttl"] and report.files == ["units.ttl", "posts.xlsx"]
    assert store.get_edge("Post:P1", "part_of", "OrgUnit:R1") is not None
    write_xlsx("bad.xlsx", {"岗位": [["编号", "名称", "所属部门"], ["P2", "主任", "无此部门"]]})
    store2 = EmbeddedStore(None)
    with pytest.raises(IngestError):
        load_paths(store2, ["units.ttl", "bad.xlsx"])
    assert store2.count_nodes() == 0  # the RDF nodes were not written either


def test_rdf_export_loads_back_into_an_equal_store(workdir, store):
    from graph.rdf import export_rdf

    write_xlsx("college.xlsx", college())
    load_paths(store, ["college.xlsx"])
    (workdir / "college.ttl").write_text(export_rdf(store, "ttl"), encoding="utf-8")
    copy = EmbeddedStore(None)
    load_paths(copy, ["college.ttl"])
    assert snapshot(copy) == snapshot(store)


def test_progress_is_reported_per_stage(workdir, store):
    write_xlsx("college.xlsx", college())
    calls = []
    load_paths(store, ["college.xlsx"], progress=lambda stage, done, total: calls.append((stage, done, total)))
    stages = [c[0] for c in calls]
    assert stages[0] == "read" and "parse" in stages and stages[-1] == "write"
    assert sum(1 for s in stages if s == "parse") >= len(SHEETS)
    assert all(0 <= done <= total for _, done, total in calls)
    assert calls[-1][1] == calls[-1][2]


def test_progress_is_reported_before_the_first_file_is_read(workdir, store, monkeypatch):
    import ingest.loader

    write_xlsx("college.xlsx", college())
    events = []
    real = ingest.loader.read_file
    monkeypatch.setattr(ingest.loader, "read_file", lambda *a, **k: events.append("reading") or real(*a, **k))
    load_paths(store, ["college.xlsx"], progress=lambda stage, done, total: events.append((stage, done, total)))
    assert events[:2] == [("read", 0, 1), "reading"]


def test_report_to_dict_is_json_ready(store):
    import json

    report = load_sheets(store, {"部门": [{"编号": "D1", "名称": "教务处", "备注": "x"}]})
    assert report.nodes_written == 1 and report.rows == 1
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["nodes_written"] == 1 and data["rows"] == 1
    assert data["sheets"] == [{"file": "<memory>", "sheet": "部门", "rows": 1, "skipped": 0}]
    assert data["warnings"] == ["<memory> 部门!1:备注: not a column of 部门; kept as node property '备注'"]


def test_edges_of_the_load_are_valid_for_the_ontology(workdir, store):
    """Every edge written is allowed by the ontology (the store validates; this pins the mapping)."""
    from ontology import get_ontology

    write_xlsx("college.xlsx", college())
    load_paths(store, ["college.xlsx"])
    onto = get_ontology()
    for e in store.iter_edges():
        assert onto.allows(e.source.split(":")[0], e.type, e.target.split(":")[0]), e
    # 岗位 · 所属部门, by code (D01, D03) or by name (质控办 → D02), became part_of edges
    assert {(e.source, e.target) for e in store.iter_edges("part_of") if e.source.startswith("Post:")} == {
        ("Post:P01", "OrgUnit:D01"), ("Post:P02", "OrgUnit:D02"), ("Post:P03", "OrgUnit:D03")}
