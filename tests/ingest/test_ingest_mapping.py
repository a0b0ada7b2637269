"""Every sheet of the contract loads into the nodes and edges of the fixed mapping."""

from __future__ import annotations

import pytest
from ingest_helpers import college, edge_keys, write_xlsx

from graph.errors import IngestError
from ingest import load_paths, load_sheets

EXPECTED_EDGES = """
    DiagnosisElement:1.1 decomposes_to DiagnosisPoint:1.1.1
    DiagnosisElement:1.1 decomposes_to DiagnosisPoint:1.1.2
    DiagnosisElement:1.2 decomposes_to DiagnosisPoint:1.2.9
    DiagnosisElement:D2.1 decomposes_to DiagnosisPoint:D2.1.1
    DiagnosisElement:D2.1 decomposes_to DiagnosisPoint:D2.1.2
    DiagnosisItem:1 decomposes_to DiagnosisElement:1.1
    DiagnosisItem:1 decomposes_to DiagnosisElement:1.2
    DiagnosisItem:D2 decomposes_to DiagnosisElement:D2.1
    DiagnosisPoint:1.1.1 assigned_to Person:E02
    DiagnosisPoint:1.1.1 led_by OrgUnit:D02
    DiagnosisPoint:1.1.2 led_by OrgUnit:D02
    DiagnosisPoint:1.2.9 led_by OrgUnit:D01
    DiagnosisPoint:D2.1.2 led_by OrgUnit:D01
    Duty:D01-NZ1 assigned_to Post:P01
    Duty:D01-NZ1 led_by OrgUnit:D01
    Duty:D02-WZ2 assigned_to Post:P02
    Duty:D02-WZ2 led_by OrgUnit:D02
    Indicator:I1 assigned_to Person:E01
    Indicator:I1 assigned_to Post:P01
    Indicator:I1 led_by OrgUnit:D01
    Indicator:I1 measures Target:T1
    Indicator:I2 led_by OrgUnit:D02
    Indicator:I2 measures Standard:S1
    Indicator:I3 measures DiagnosisPoint:1.1.1
    InstitutionItem:A decomposes_to InstitutionItem:A1
    InstitutionItem:A1 decomposes_to InstitutionItem:A101
    InstitutionItem:A1 decomposes_to InstitutionItem:A102
    InstitutionItem:A101 includes Process:A101L
    InstitutionItem:A101 includes Regulation:A101Z
    InstitutionItem:A101 includes Standard:A101B
    InstitutionItem:A101 led_by OrgUnit:D01
    InstitutionItem:A102 includes Regulation:A102Z
    InstitutionItem:A102 led_by OrgUnit:D01
    InstitutionItem:A102 led_by OrgUnit:D02
    Measurement:I1@2024-12-31 measurement_of Indicator:I1
    Measurement:I1@2025-12-31 measurement_of Indicator:I1
    Measurement:I2@2025-12-31 measurement_of Indicator:I2
    OrgUnit:D01 part_of OrgUnit:XY
    OrgUnit:D02 part_of OrgUnit:XY
    OrgUnit:D03 part_of OrgUnit:XY
    Person:E01 holds Post:P01
    Person:E01 part_of OrgUnit:D01
    Person:E02 holds Post:P02
    Person:E02 holds Post:P03
    Person:E02 part_of OrgUnit:D02
    Person:E03 part_of OrgUnit:D03
    Plan:PL1 assigned_to Person:E01
    Plan:PL1 decomposes_to Plan:PL2
    Plan:PL1 decomposes_to Target:T1
    Plan:PL1 led_by OrgUnit:D01
    Plan:PL2 assigned_to Person:E01
    Plan:PL2 decomposes_to Target:T3
    Plan:PL2 led_by OrgUnit:D01
    Post:P01 part_of OrgUnit:D01
    Post:P02 part_of OrgUnit:D02
    Post:P03 part_of OrgUnit:D03
    ProcedureDocument:CX/01 cooperated_by OrgUnit:D02
    ProcedureDocument:CX/01 cooperated_by OrgUnit:D03
    ProcedureDocument:CX/01 led_by OrgUnit:D01
    Process:A101L assigned_to Post:P01
    Process:A101L based_on ProcedureDocument:CX/01
    Process:A101L cooperated_by OrgUnit:D03
    Process:A101L follows Regulation:A101Z
    Process:A101L follows Regulation:专业管理办法
    Process:A101L led_by OrgUnit:D01
    Standard:S1 decomposes_to Standard:S2
    Standard:S1 led_by OrgUnit:D01
    Standard:S2 led_by OrgUnit:D01
    Target:T1 assigned_to Person:E01
    Target:T1 decomposes_to Target:T2
    Target:T1 decomposes_to Target:T3
    Target:T1 governed_by Standard:S1
    Target:T1 led_by OrgUnit:D01
    Target:T2 assigned_to Person:E01
    Target:T2 assigned_to Person:E02
    Target:T2 decomposes_to Target:T3
    Target:T2 led_by OrgUnit:D01
    Target:T2 led_by OrgUnit:D02
    Target:T3 governed_by Standard:S1
    Target:T3 governed_by Standard:S2
    Target:T3 implemented_by Task:K1
    Target:T3 led_by OrgUnit:D03
    Task:K1 assigned_to OrgUnit:D01
    Task:K1 assigned_to OrgUnit:D03
    Task:K1 assigned_to Person:E03
    Task:K1 decomposes_to Task:K2
    Task:K1 follows Process:A101L
    Task:K1 led_by OrgUnit:D03
    Task:K2 assigned_to Person:E03
    Task:K2 led_by OrgUnit:D03
"""


@pytest.fixture
def loaded(workdir, store):
    write_xlsx("college.xlsx", college())
    report = load_paths(store, ["college.xlsx"])
    return store, report


def test_every_sheet_yields_the_edges_of_the_mapping(loaded):
    store, report = loaded
    expected = {tuple(line.split()) for line in EXPECTED_EDGES.strip().splitlines()}
    assert edge_keys(store) == expected
    assert report.edges_loaded == report.edges_written == len(expected)
    assert report.warnings == [] and report.problems == []
    assert [(s.sheet, s.rows) for s in report.sheets] == [
        ("部门", 4), ("岗位", 3), ("人员", 3), ("规划", 2), ("目标", 3), ("任务", 2), ("标准", 2), ("制度体系", 2),
        ("程序文件", 1), ("流程", 1), ("职责", 2), ("诊断", 5), ("指标", 3), ("测量", 3)]


def test_node_properties_of_the_mapping(loaded):
    store, report = loaded
    props = {n.id: n.props for n in store.iter_nodes()}
    assert report.nodes_loaded == report.nodes_created == len(props) == 47
    assert all("name" in p for p in props.values())
    assert props["OrgUnit:XY"] == {"name": "示范学院", "type": "college", "system": "decision_command"}
    assert props["Plan:PL2"] == {"name": "专业建设规划", "level": "2", "deadline": "2025-12-31"}
    assert props["Target:T1"] == {"name": "学校目标", "layer": "school", "category": "水平", "target_value": 0.9,
                                  "unit": "%", "deadline": "2025-12-31"}
    assert props["Target:T2"]["target_value"] == 0.85  # 0.85 and 85% are the same value
    assert props["Target:T3"]["target_value"] == "通过认证"  # text that is not a number stays text
    assert props["Task:K2"] == {"name": "组织专业调研", "task_kind": "B", "deadline": "2025-06-30",
                                "status": "not_started"}
    assert props["Standard:S1"] == {"name": "专业建设标准", "layer": "major"}
    assert props["Process:A101L"] == {"name": "专业设置流程", "inputs": "调研报告", "outputs": "设置方案",
                                      "checkpoints": "论证通过率"}
    assert props["Duty:D01-NZ1"] == {"name": "组织专业设置", "description": "组织专业设置", "work": "专业调研",
                                     "work_standard": "每年一次", "scope": "NZ", "seq": 1}
    assert props["Duty:D02-WZ2"]["scope"] == "WZ"
    assert props["Indicator:I1"] == {"name": "专业对口就业率", "target_value": 0.9, "warning": 0.8,
                                     "direction": "ge", "unit": "%", "frequency": "每年"}
    assert props["Indicator:I2"]["direction"] == "le" and props["Indicator:I2"]["warning"] == 20.0
    assert props["Measurement:I1@2025-12-31"] == {"name": "I1@2025-12-31", "date": "2025-12-31", "value": 0.87,
                                                  "source": "教务处统计"}
    assert props["Measurement:I1@2024-12-31"]["value"] == 0.82
    assert props["Measurement:I2@2025-12-31"]["value"] == 19.0  # indicator named 生师比, dated 2025.12


def test_institution_index_items_codes_and_stubs(loaded):
    store, _ = loaded
    assert store.get_node("InstitutionItem:A").name == "教育教学"
    assert store.get_node("InstitutionItem:A102").name == "专业评估"  # full-width brackets
    assert store.get_node("Regulation:A101Z").name == "专业设置及调整 制度"
    assert store.get_node("Standard:A101B").name == "专业设置及调整 标准"
    # the process defined on the 流程 sheet keeps its own name, not a made-up one
    assert store.get_node("Process:A101L").name == "专业设置流程"
    # 工作准则 that names no known regulation creates one named by the cell
    assert store.get_node("Regulation:专业管理办法").name == "专业管理办法"


def test_diagnosis_same_as_above_codes_and_lead_unit_inheritance(loaded):
    store, _ = loaded
    names = {n.id: n.name for n in store.iter_nodes() if n.kind.startswith("Diagnosis")}
    assert names == {
        "DiagnosisItem:1": "体系总体构架", "DiagnosisElement:1.1": "质量保证理念", "DiagnosisElement:1.2": "组织构架",
        "DiagnosisPoint:1.1.1": "质量目标与定位", "DiagnosisPoint:1.1.2": "质量保证规划",
        "DiagnosisPoint:1.2.9": "机构与分工",
        "DiagnosisItem:D2": "专业质量保证", "DiagnosisElement:D2.1": "专业建设规划",
        "DiagnosisPoint:D2.1.1": "规划制定", "DiagnosisPoint:D2.1.2": "目标与标准",
    }
    point = store.get_node("DiagnosisPoint:1.1.1").props
    assert point == {"name": "质量目标与定位", "criterion": "目标明确", "warning": 0.8}
    assert store.get_node("DiagnosisPoint:1.1.2").props["warning"] == "未达标"
    leads = {(s, t) for s, _, t in edge_keys(store, "led_by") if s.startswith("DiagnosisPoint")}
    assert leads == {
        ("DiagnosisPoint:1.1.1", "OrgUnit:D02"),
        ("DiagnosisPoint:1.1.2", "OrgUnit:D02"),  # empty: the nearest 牵头部门 above in item 1
        ("DiagnosisPoint:1.2.9", "OrgUnit:D01"),
        ("DiagnosisPoint:D2.1.2", "OrgUnit:D01"),  # D2.1.1 has none: nothing above within item D2
    }


def test_diagnosis_element_is_not_carried_into_a_new_item(store):
    sheets = {"诊断": [{"诊断项目": "1 体系", "诊断要素": "1.1 理念", "诊断点": "甲"},
                       {"诊断项目": "2 专业", "诊断要素": "", "诊断点": "乙"}]}
    with pytest.raises(IngestError) as err:
        load_sheets(store, sheets)
    assert [str(p) for p in err.value.problems] == [
        "<memory> 诊断!3:诊断要素: required cell is empty (诊断要素 [element])"]


def test_inherited_lead_unit_that_is_unknown_is_reported_at_the_inheriting_row(store):
    sheets = {"诊断": [{"诊断项目": "1 体系", "诊断要素": "1.1 理念", "诊断点": "甲", "牵头部门": "教务科"},
                       {"诊断项目": "", "诊断要素": "", "诊断点": "乙", "牵头部门": ""}]}
    with pytest.raises(IngestError) as err:
        load_sheets(store, sheets)
    reasons = [str(p) for p in err.value.problems]
    assert reasons == [
        "<memory> 诊断!2:牵头部门: unknown org unit '教务科' (no code or name matches)",
        "<memory> 诊断!3:牵头部门: unknown org unit '教务科' (no code or name matches)"
        " (the lead unit inherited from row 2)",
    ]


def test_institution_index_code_mismatch_loads_as_written(store):
    """包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表7 prints E301Z with E302L: a finding of check IS001, not an input error; a code on
    two items gives both includes edges (IS003)."""
    sheets = {"制度体系": [
        {"一级": "监督控制(E)", "二级": "质量监控(E3)", "三级": "教学督导(E301)", "制度": "E301Z", "流程": "E302L", "标准": "E301B"},
        {"一级": "", "二级": "", "三级": "质量评价（E302）", "制度": "E302Z", "流程": "E302L", "标准": ""},
    ]}
    load_sheets(store, sheets)
    includes = edge_keys(store, "includes")
    assert ("InstitutionItem:E301", "includes", "Process:E302L") in includes
    assert ("InstitutionItem:E302", "includes", "Process:E302L") in includes
    assert ("InstitutionItem:E301", "includes", "Regulation:E301Z") in includes
    assert store.get_node("Process:E302L").name == "教学督导 流程"  # named after the first item it hangs from
    assert edge_keys(store, "decomposes_to") == {
        ("InstitutionItem:E", "decomposes_to", "InstitutionItem:E3"),
        ("InstitutionItem:E3", "decomposes_to", "InstitutionItem:E301"),
        ("InstitutionItem:E3", "decomposes_to", "InstitutionItem:E302"),
    }


def test_institution_item_without_bracketed_code_is_an_error(store):
    with pytest.raises(IngestError) as err:
        load_sheets(store, {"制度体系": [{"一级": "教育教学(A)", "二级": "专业建设(A1)", "三级": "专业设置"}]})
    (problem,) = err.value.problems
    assert problem.location == "<memory> 制度体系!2:三级"
    assert "no code in brackets in '专业设置'" in problem.reason


def test_indicator_measuring_an_ambiguous_code_is_an_error(store):
    sheets = {
        "目标": [{"编号": "X1", "名称": "目标", "层面": "学校"}],
        "标准": [{"编号": "X1", "名称": "标准"}],
        "指标": [{"编号": "I1", "名称": "指标", "测量对象": "X1"}],
    }
    with pytest.raises(IngestError) as err:
        load_sheets(store, sheets, source="gen")
    (problem,) = err.value.problems
    assert problem.location == "gen 指标!2:测量对象"
    assert "ambiguous target, standard or diagnosis point 'X1'" in problem.reason
    assert "Standard:X1" in problem.reason and "Target:X1" in problem.reason
