"""Tests of graph.checks (the rule registry and runner) and
graph.services.rectification.findings (整改清单 grouping and xlsx export).

Every test builds a small graph: ``college(store)`` writes a tiny, fully consistent college on
which no rule fires; each rule's test adds or removes the one thing that breaks it. The store is
``any_store`` (tests/conftest.py), so every test runs on each backend: the embedded store in a file
and in memory, the Neo4j store over the fake driver and on a real server.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.errors import ConfigError, IqaError, NotFoundError, ValidationError  # noqa: E402
from graph.model import Edge, Node  # noqa: E402
from graph.checks import (  # noqa: E402
    NO_UNIT_LABEL, RULES, CheckReport, RuleConfig, run_checks,
)
from graph.settings import load_rule_config  # noqa: E402
from graph.services.rectification.findings import (  # noqa: E402
    COLUMNS,
    NO_UNIT_KEY,
    SUMMARY_SHEET,
    findings_to_xlsx,
    rectification_lists,
    sheet_title,
)
from graph.store import GraphStore  # noqa: E402

AS_OF = dt.date(2025, 10, 1)

#: docs/rules.md, written out independently: id → default severity.
CATALOGUE = {
    "TC001": "error", "TC002": "error", "TC003": "warning", "TC004": "error", "TC005": "error",
    "TC006": "warning", "TC007": "error", "TC008": "error",
    "TK001": "error", "TK002": "error", "TK003": "warning",
    "SI001": "warning", "SI002": "error", "SI003": "warning", "SI004": "error",
    "RS001": "warning", "RS002": "warning",
    "IS001": "error", "IS002": "warning", "IS003": "error", "IS004": "warning",
    "DU001": "warning", "DU002": "warning",
    "PL001": "warning",
    "DG001": "warning",
    "CH001": "warning",
}


# ---------------------------------------------------------------------------------- helpers
def n(kind: str, code: str, **props) -> Node:
    return Node(kind, code, props)


def add(store: GraphStore, *items: Node | tuple[str, str, str]) -> GraphStore:
    """Upsert nodes and ``(source, type, target)`` edges, nodes first."""
    store.upsert_nodes([i for i in items if isinstance(i, Node)])
    store.upsert_edges([Edge(*i) for i in items if isinstance(i, tuple)])
    return store


def college(store: GraphStore) -> GraphStore:
    """A tiny college on which no rule of docs/rules.md fires (as of AS_OF), written into the
    empty ``store``."""
    return add(
        store,
        n("OrgUnit", "D01", name="教务处"), n("OrgUnit", "D02", name="质控办"),
        n("Post", "P01", name="教务处处长"), n("Person", "E01", name="张三"),
        ("Post:P01", "part_of", "OrgUnit:D01"), ("Person:E01", "holds", "Post:P01"),
        ("Person:E01", "part_of", "OrgUnit:D01"),
        # plan → school target → major target → task → sub-task
        n("Plan", "PL1", name="十四五规划", deadline="2026-12-31"),
        n("Target", "T1", name="学校目标", layer="school", deadline="2026-06-30"),
        n("Target", "T2", name="专业目标", layer="major", deadline="2026-03-31"),
        n("Task", "K1", name="任务一", status="normal", deadline="2026-01-31", task_kind="A"),
        n("Task", "K2", name="子任务", status="completed", deadline="2025-01-01", task_kind="B"),
        ("Plan:PL1", "led_by", "OrgUnit:D01"), ("Plan:PL1", "decomposes_to", "Target:T1"),
        ("Target:T1", "decomposes_to", "Target:T2"), ("Target:T2", "implemented_by", "Task:K1"),
        ("Task:K1", "decomposes_to", "Task:K2"),
        ("Target:T1", "led_by", "OrgUnit:D01"), ("Target:T1", "assigned_to", "Person:E01"),
        ("Target:T2", "led_by", "OrgUnit:D01"),
        ("Task:K1", "led_by", "OrgUnit:D01"), ("Task:K1", "assigned_to", "Person:E01"),
        ("Task:K2", "led_by", "OrgUnit:D01"),
        # standards and indicators
        n("Standard", "S1", name="专业建设标准"),
        ("Target:T1", "governed_by", "Standard:S1"), ("Target:T2", "governed_by", "Standard:S1"),
        n("Indicator", "I1", name="就业率", target_value=0.9, warning=0.8, direction="ge", unit=""),
        n("Measurement", "M1", date="2025-05-01", value=0.85),
        ("Indicator:I1", "measures", "Standard:S1"), ("Indicator:I1", "measures", "Standard:A101B"),
        ("Indicator:I1", "assigned_to", "Post:P01"), ("Indicator:I1", "led_by", "OrgUnit:D01"),
        ("Measurement:M1", "measurement_of", "Indicator:I1"),
        # institution index (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表7): A → A1 → A101 with A101Z / A101L / A101B
        n("InstitutionItem", "A", name="办学活动"), n("InstitutionItem", "A1", name="人才培养"),
        n("InstitutionItem", "A101", name="专业设置及调整"),
        n("Regulation", "A101Z", name="专业设置制度"), n("Process", "A101L", name="专业设置流程"),
        n("Standard", "A101B", name="专业设置标准"),
        ("InstitutionItem:A", "decomposes_to", "InstitutionItem:A1"),
        ("InstitutionItem:A1", "decomposes_to", "InstitutionItem:A101"),
        ("InstitutionItem:A101", "includes", "Regulation:A101Z"),
        ("InstitutionItem:A101", "includes", "Process:A101L"),
        ("InstitutionItem:A101", "includes", "Standard:A101B"),
        ("InstitutionItem:A101", "led_by", "OrgUnit:D01"),
        ("Process:A101L", "follows", "Regulation:A101Z"),
        # duty — post — work standard
        n("Duty", "D01-NZ-1", name="组织专业设置", work_standard="按期完成论证"),
        ("Duty:D01-NZ-1", "assigned_to", "Post:P01"), ("Duty:D01-NZ-1", "led_by", "OrgUnit:D01"),
        # diagnosis item → element → point
        n("DiagnosisItem", "1", name="体系总体构架"), n("DiagnosisElement", "1.1", name="质量保证理念"),
        n("DiagnosisPoint", "1.1.1", name="质量文化"),
        ("DiagnosisItem:1", "decomposes_to", "DiagnosisElement:1.1"),
        ("DiagnosisElement:1.1", "decomposes_to", "DiagnosisPoint:1.1.1"),
        ("DiagnosisPoint:1.1.1", "led_by", "OrgUnit:D02"),
    )


def hits(report: CheckReport, rule: str) -> dict[str, dict]:
    """node id → finding dict, for the findings of one rule."""
    return {f["node"]: f for f in report.to_dict()["findings"] if f["rule"] == rule}


def check(store: GraphStore, rule: str, **kw) -> dict[str, dict]:
    kw.setdefault("as_of", AS_OF)
    return hits(run_checks(store, rules=[rule], **kw), rule)


# ---------------------------------------------------------------------------------- registry
def test_registry_holds_exactly_the_catalogue_with_its_severities():
    assert list(RULES) == sorted(CATALOGUE)
    for rid, rule in RULES.items():
        assert rule.id == rid
        assert rule.severity == CATALOGUE[rid]
        assert rule.message_zh and rule.message_en and rule.suggestion_zh and rule.title_zh and rule.title_en
        assert set(rule.to_dict()) == {"id", "severity", "title", "title_en", "message", "message_en", "suggestion",
                                       "source"}
        assert "《" in rule.source and ("表" in rule.source or "图" in rule.source)  # a document, by title and table


def test_clean_college_has_no_findings(any_store):
    report = run_checks(college(any_store), as_of=AS_OF)
    assert report.findings == []
    assert not report.has_errors
    summary = report.to_dict()["summary"]
    assert summary["total"] == 0 and summary["by_rule"] == {rid: 0 for rid in sorted(CATALOGUE)}


# ---------------------------------------------------------------------------------- target chain
def test_tc001_orphan_target(any_store):
    store = college(any_store)
    assert check(store, "TC001") == {}
    add(store, n("Target", "T9", name="孤立", layer="course"), n("Target", "T8", name="学校级", layer="school"))
    found = check(store, "TC001")
    assert set(found) == {"Target:T9"}  # a school target needs no parent
    assert "T9" in found["Target:T9"]["message"] and "课程" in found["Target:T9"]["message"]
    assert "T9" in found["Target:T9"]["message_en"] and "course" in found["Target:T9"]["message_en"]
    add(store, ("Target:T2", "decomposes_to", "Target:T9"))
    assert check(store, "TC001") == {}


def test_tc002_dead_end_target(any_store):
    store = college(any_store)
    assert check(store, "TC002") == {}
    add(store, n("Target", "T3", name="无任务", layer="major"), ("Target:T1", "decomposes_to", "Target:T3"))
    assert set(check(store, "TC002")) == {"Target:T3"}
    add(store, n("Task", "K3", name="落实"), ("Target:T3", "implemented_by", "Task:K3"))
    assert check(store, "TC002") == {}


def test_tc003_target_without_standard(any_store):
    store = college(any_store)
    assert check(store, "TC003") == {}
    store.delete_edge("Target:T2", "governed_by", "Standard:S1")
    found = check(store, "TC003")
    assert set(found) == {"Target:T2"} and found["Target:T2"]["severity"] == "warning"


def test_tc004_layer_inversion_uses_ontology_ranks(any_store):
    store = college(any_store)
    add(store, n("Target", "TM2", name="同层", layer="major"), ("Target:T2", "decomposes_to", "Target:TM2"),
        ("Target:TM2", "implemented_by", "Task:K1"))
    assert check(store, "TC004") == {}  # same layer is fine
    add(store, n("Target", "TC", name="课程目标", layer="course"), n("Target", "TM", name="专业目标2", layer="major"),
        ("Target:T2", "decomposes_to", "Target:TC"), ("Target:TC", "decomposes_to", "Target:TM"))
    found = check(store, "TC004")
    assert set(found) == {"Target:TM"}
    assert "TC（课程）" in found["Target:TM"]["message"] and "TC (course)" in found["Target:TM"]["message_en"]


def test_tc005_one_finding_per_cycle_listing_members(any_store):
    store = college(any_store)
    assert check(store, "TC005") == {}
    add(store,
        n("Target", "C1", name="环1", layer="major"), n("Target", "C2", name="环2", layer="major"),
        n("Task", "C3", name="环3"),
        ("Target:T1", "decomposes_to", "Target:C1"), ("Target:C1", "decomposes_to", "Target:C2"),
        ("Target:C2", "implemented_by", "Task:C3"), ("Task:C3", "decomposes_to", "Target:C1"),
        # a second, separate cycle: a plan and its sub-plan
        n("Plan", "PX", name="规划X"), n("Plan", "PY", name="规划Y"),
        ("Plan:PX", "decomposes_to", "Plan:PY"), ("Plan:PY", "decomposes_to", "Plan:PX"))
    found = check(store, "TC005")
    assert set(found) == {"Target:C1", "Plan:PX"}  # smallest id of each component
    msg = found["Target:C1"]["message"]
    for member in ("Target:C1", "Target:C2", "Task:C3"):
        assert member in msg and member in found["Target:C1"]["message_en"]
    assert msg.index("Target:C1") < msg.index("Target:C2") < msg.index("Task:C3")
    assert "Plan:PY" in found["Plan:PX"]["message"]


def test_tc005_self_loop(any_store):
    store = college(any_store)
    add(store, ("Task:K2", "decomposes_to", "Task:K2"))
    assert set(check(store, "TC005")) == {"Task:K2"}


def test_tc006_due_later_than_parent(any_store):
    store = college(any_store)
    assert check(store, "TC006") == {}
    store.upsert_nodes([n("Target", "T2", name="专业目标", layer="major", deadline="2026-12-31")])
    found = check(store, "TC006")
    assert set(found) == {"Target:T2"}
    f = found["Target:T2"]
    assert "2026-12-31" in f["message"] and "T1" in f["message"] and "2026-06-30" in f["message"]
    assert "2026-06-30" in f["message_en"]
    # a task due after the target it implements
    store = college(any_store)
    store.upsert_nodes([n("Task", "K1", name="任务一", status="normal", deadline="2026-05-01")])
    assert set(check(store, "TC006")) == {"Task:K1"}


def test_tc007_target_without_lead_or_person_inherits_owner(any_store):
    store = college(any_store)
    assert check(store, "TC007") == {}
    add(store, n("Target", "T7", name="无责任", layer="department"), ("Target:T1", "decomposes_to", "Target:T7"))
    found = check(store, "TC007")
    assert set(found) == {"Target:T7"}
    # owner inherited from the parent target T1 (led by 教务处, assigned to 张三)
    assert found["Target:T7"]["owner"] == {"unit": {"id": "OrgUnit:D01", "name": "教务处"},
                                           "person": {"id": "Person:E01", "name": "张三"}}
    assert found["Target:T7"]["inherited_from"] == "Target:T1"
    add(store, ("Target:T7", "assigned_to", "Person:E01"))
    assert check(store, "TC007") == {}


def test_tc008_school_target_reaching_no_task_with_cycle_guard(any_store):
    store = college(any_store)
    assert check(store, "TC008") == {}
    add(store, n("Target", "TS", name="学校目标2", layer="school"), n("Target", "TD", name="部门目标", layer="department"),
        ("Plan:PL1", "decomposes_to", "Target:TS"), ("Target:TS", "decomposes_to", "Target:TD"),
        ("Target:TD", "decomposes_to", "Target:TS"))  # a cycle without any task must terminate
    assert set(check(store, "TC008")) == {"Target:TS"}
    add(store, n("Task", "KD", name="落实"), ("Target:TD", "implemented_by", "Task:KD"))
    assert check(store, "TC008") == {}


# ---------------------------------------------------------------------------------- tasks
def test_tk001_orphan_task(any_store):
    store = college(any_store)
    assert check(store, "TK001") == {}
    add(store, n("Task", "K9", name="孤立任务"), ("Task:K9", "led_by", "OrgUnit:D01"))
    assert set(check(store, "TK001")) == {"Task:K9"}
    add(store, ("Task:K1", "decomposes_to", "Task:K9"))
    assert check(store, "TK001") == {}


def test_tk002_task_without_any_owner(any_store):
    store = college(any_store)
    assert check(store, "TK002") == {}
    add(store, n("Task", "K9", name="无人任务"), ("Target:T2", "implemented_by", "Task:K9"))
    found = check(store, "TK002")
    assert set(found) == {"Task:K9"}
    assert found["Task:K9"]["inherited_from"] == "Target:T2"  # the finding still reaches 教务处
    add(store, ("Task:K9", "assigned_to", "OrgUnit:D02"))  # a responsible unit is enough
    assert check(store, "TK002") == {}


def test_tk003_overdue_task_with_explicit_as_of(any_store):
    store = college(any_store)
    store.upsert_nodes([n("Task", "K1", name="任务一", status="normal", deadline="2025-09-30")])
    found = check(store, "TK003", as_of=dt.date(2025, 10, 1))
    assert set(found) == {"Task:K1"}
    assert "2025-09-30" in found["Task:K1"]["message"] and "2025-10-01" in found["Task:K1"]["message"]
    assert "正常" in found["Task:K1"]["message"]
    assert check(store, "TK003", as_of=dt.date(2025, 9, 30)) == {}  # due today is not overdue
    store.upsert_nodes([n("Task", "K1", name="任务一", status="completed", deadline="2025-09-30")])
    assert check(store, "TK003", as_of=dt.date(2026, 1, 1)) == {}  # completed tasks are never overdue


# ---------------------------------------------------------------------------------- standards & indicators
def test_si001_standard_without_indicator(any_store):
    store = college(any_store)
    assert check(store, "SI001") == {}
    add(store, n("Standard", "S9", name="无指标标准"))
    assert set(check(store, "SI001")) == {"Standard:S9"}


def test_si002_indicator_without_owner_inherits_from_what_it_measures(any_store):
    store = college(any_store)
    assert check(store, "SI002") == {}
    add(store, n("Indicator", "I9", name="无主指标", warning=1.0), ("Indicator:I9", "measures", "Target:T1"),
        ("Indicator:I9", "assigned_to", "OrgUnit:D02"))  # a responsible unit alone is not an owner here
    found = check(store, "SI002")
    assert set(found) == {"Indicator:I9"}
    add(store, ("Indicator:I9", "assigned_to", "Post:P01"))
    assert check(store, "SI002") == {}


def test_si003_indicator_without_warning(any_store):
    store = college(any_store)
    assert check(store, "SI003") == {}
    add(store, n("Indicator", "I8", name="无预警", direction="ge"), n("Indicator", "I7", name="空预警", warning=" "),
        n("Indicator", "I6", name="有预警", warning="80%"))
    assert set(check(store, "SI003")) == {"Indicator:I8", "Indicator:I7"}


def _indicator(store, code, direction, warning, *measurements):
    add(store, n("Indicator", code, name=code, warning=warning, direction=direction, unit="%"),
        ("Indicator:" + code, "measures", "Standard:S1"), ("Indicator:" + code, "led_by", "OrgUnit:D02"))
    for i, (date, value) in enumerate(measurements):
        add(store, n("Measurement", f"{code}-{i}", date=date, value=value),
            (f"Measurement:{code}-{i}", "measurement_of", "Indicator:" + code))


def test_si004_breach_ge_and_le_on_latest_measurement(any_store):
    store = college(any_store)
    assert check(store, "SI004") == {}
    _indicator(store, "GE_BAD", "ge", 80.0, ("2025-01-01", 90.0), ("2025-06-01", 75.0))
    _indicator(store, "GE_OK", "ge", 80.0, ("2025-01-01", 70.0), ("2025-06-01", 85.0))  # old breach, latest fine
    _indicator(store, "LE_BAD", "le", 5.0, ("2025-03-01", 2.0), ("2025-04-01", 6.5))
    _indicator(store, "LE_OK", "le", 5.0, ("2025-03-01", 9.0), ("2025-04-01", 4.0))
    _indicator(store, "FUTURE", "ge", 80.0, ("2025-06-01", 90.0), ("2026-01-01", 10.0))  # after as_of: ignored
    found = check(store, "SI004")
    assert set(found) == {"Indicator:GE_BAD", "Indicator:LE_BAD"}
    ge, le = found["Indicator:GE_BAD"], found["Indicator:LE_BAD"]
    assert "75" in ge["message"] and "80" in ge["message"] and "低于" in ge["message"] and "below" in ge["message_en"]
    assert "6.5" in le["message"] and "高于" in le["message"] and "above" in le["message_en"]
    assert ge["owner"]["unit"]["id"] == "OrgUnit:D02"
    # as of 2025-05-01 GE_BAD's latest value is still 90
    assert "Indicator:GE_BAD" not in check(store, "SI004", as_of=dt.date(2025, 5, 1))


def test_si004_fraction_percentages_are_shown_as_percent_and_direction_can_be_inferred(any_store):
    store = college(any_store)
    # no direction: target 0.9 above warning 0.8 means higher is better
    add(store, n("Indicator", "RATE", name="就业率", target_value=0.9, warning=0.8, unit="%"),
        ("Indicator:RATE", "led_by", "OrgUnit:D01"), n("Measurement", "R1", date="2025-09-01", value=0.57),
        ("Measurement:R1", "measurement_of", "Indicator:RATE"))
    found = check(store, "SI004")
    assert set(found) == {"Indicator:RATE"}
    assert "57%" in found["Indicator:RATE"]["message"] and "80%" in found["Indicator:RATE"]["message"]


# ---------------------------------------------------------------------------------- responsibilities
def test_rs001_vacant_post_owned_by_its_unit(any_store):
    store = college(any_store)
    assert check(store, "RS001") == {}
    add(store, n("Post", "P09", name="质控专员"), ("Post:P09", "part_of", "OrgUnit:D02"),
        n("Post", "P10", name="闲置岗位"),  # owns nothing: not reported
        ("Indicator:I1", "assigned_to", "Post:P09"))
    found = check(store, "RS001")
    assert set(found) == {"Post:P09"}
    assert found["Post:P09"]["owner"]["unit"] == {"id": "OrgUnit:D02", "name": "质控办"}
    add(store, n("Person", "E02", name="李四"), ("Person:E02", "holds", "Post:P09"))
    assert check(store, "RS001") == {}


def test_rs002_several_lead_units(any_store):
    store = college(any_store)
    assert check(store, "RS002") == {}
    add(store, ("Target:T1", "led_by", "OrgUnit:D02"))
    found = check(store, "RS002")
    assert set(found) == {"Target:T1"}
    assert "教务处" in found["Target:T1"]["message"] and "质控办" in found["Target:T1"]["message"]


# ---------------------------------------------------------------------------------- institution index
def test_is001_code_mismatch_as_printed_in_seed_004(any_store):
    store = college(any_store)
    assert check(store, "IS001") == {}
    # 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表7 prints 后勤管理和服务 (E301) with E301Z, E302L, E302B
    add(store, n("InstitutionItem", "E301", name="后勤管理和服务"),
        n("Regulation", "E301Z"), n("Process", "E302L"), n("Standard", "E302B"),
        ("InstitutionItem:E301", "includes", "Regulation:E301Z"), ("InstitutionItem:E301", "includes", "Process:E302L"),
        ("InstitutionItem:E301", "includes", "Standard:E302B"))
    found = check(store, "IS001")
    assert set(found) == {"Process:E302L", "Standard:E302B"}
    assert "E301" in found["Process:E302L"]["message"] and "E301L" in found["Process:E302L"]["message"]
    assert "E302L" in found["Process:E302L"]["message_en"] and "E301" in found["Process:E302L"]["message_en"]


def test_is002_third_level_item_missing_codes(any_store):
    store = college(any_store)
    assert check(store, "IS002") == {}
    add(store, n("InstitutionItem", "A102", name="重点专业建设"), n("Regulation", "A102Z"),
        ("InstitutionItem:A1", "decomposes_to", "InstitutionItem:A102"),
        ("InstitutionItem:A102", "includes", "Regulation:A102Z"))
    found = check(store, "IS002")
    assert set(found) == {"InstitutionItem:A102"}  # A and A1 have child items: not 三级
    assert "流程" in found["InstitutionItem:A102"]["message"] and "标准" in found["InstitutionItem:A102"]["message"]
    assert "制度" not in found["InstitutionItem:A102"]["message"]


def test_is003_code_attached_to_several_items(any_store):
    store = college(any_store)
    assert check(store, "IS003") == {}
    add(store, n("InstitutionItem", "A102", name="重点专业建设"), ("InstitutionItem:A1", "decomposes_to", "InstitutionItem:A102"),
        ("InstitutionItem:A102", "includes", "Regulation:A101Z"))
    found = check(store, "IS003")
    assert set(found) == {"Regulation:A101Z"}
    assert "A101" in found["Regulation:A101Z"]["message"] and "A102" in found["Regulation:A101Z"]["message"]


def test_is004_process_without_regulation(any_store):
    store = college(any_store)
    assert check(store, "IS004") == {}
    store.delete_edge("Process:A101L", "follows", "Regulation:A101Z")
    found = check(store, "IS004")
    assert set(found) == {"Process:A101L"}
    assert found["Process:A101L"]["inherited_from"] == "InstitutionItem:A101"


# ---------------------------------------------------------------------------------- duties, plans, diagnosis
def test_du001_duty_without_post(any_store):
    store = college(any_store)
    assert check(store, "DU001") == {}
    add(store, n("Duty", "D02-WZ-1", name="对外联络", work_standard="及时"), ("Duty:D02-WZ-1", "led_by", "OrgUnit:D02"))
    found = check(store, "DU001")
    assert set(found) == {"Duty:D02-WZ-1"} and found["Duty:D02-WZ-1"]["owner"]["unit"]["id"] == "OrgUnit:D02"


def test_du002_duty_without_work_standard(any_store):
    store = college(any_store)
    assert check(store, "DU002") == {}
    add(store, n("Duty", "D02-WZ-2", name="无标准职责"), ("Duty:D02-WZ-2", "assigned_to", "Post:P01"))
    assert set(check(store, "DU002")) == {"Duty:D02-WZ-2"}


def test_pl001_empty_plan(any_store):
    store = college(any_store)
    assert check(store, "PL001") == {}
    add(store, n("Plan", "PL9", name="空规划"))
    found = check(store, "PL001")
    assert set(found) == {"Plan:PL9"}
    assert found["Plan:PL9"]["owner"] == {"unit": None, "person": None}
    add(store, ("Plan:PL1", "decomposes_to", "Plan:PL9"), n("Target", "T9", name="子", layer="department"),
        ("Plan:PL9", "decomposes_to", "Target:T9"))
    assert check(store, "PL001") == {}


def test_dg001_diagnosis_point_without_lead(any_store):
    store = college(any_store)
    assert check(store, "DG001") == {}
    store.delete_edge("DiagnosisPoint:1.1.1", "led_by", "OrgUnit:D02")
    assert set(check(store, "DG001")) == {"DiagnosisPoint:1.1.1"}


# ---------------------------------------------------------------------------------- runner, owners, report
def broken_college(store: GraphStore) -> GraphStore:
    """Findings for 教务处 (explicit and inherited), 质控办, and one with no owner at all."""
    college(store)
    add(store,
        n("Target", "T7", name="无责任", layer="department"), ("Target:T1", "decomposes_to", "Target:T7"),  # TC002 TC003 TC007
        n("Standard", "S9", name="无指标标准"), ("Standard:S9", "led_by", "OrgUnit:D02"),  # SI001 → 质控办
        n("Plan", "PL9", name="空规划"))  # PL001 → no owner
    store.delete_edge("Target:T2", "governed_by", "Standard:S1")  # TC003 on T2, explicit owner 教务处
    return store


def test_owner_explicit_and_inherited(any_store):
    report = run_checks(broken_college(any_store), as_of=AS_OF)
    by = {(f.rule, f.node): f for f in report.findings}
    explicit = by[("TC003", "Target:T2")]
    assert explicit.owner["unit"] == {"id": "OrgUnit:D01", "name": "教务处"}
    assert explicit.inherited_from is None and explicit.owner["person"] is None
    inherited = by[("TC003", "Target:T7")]
    assert inherited.owner["unit"]["id"] == "OrgUnit:D01" and inherited.inherited_from == "Target:T1"
    assert by[("SI001", "Standard:S9")].owner["unit"]["id"] == "OrgUnit:D02"
    assert by[("PL001", "Plan:PL9")].owner == {"unit": None, "person": None}


def test_owner_filter_by_id_code_and_name(any_store):
    store = broken_college(any_store)
    for ref in ("OrgUnit:D02", "D02", "质控办"):
        report = run_checks(store, owner=ref, as_of=AS_OF)
        assert [(f.rule, f.node) for f in report.findings] == [("SI001", "Standard:S9")]
        assert report.owner == {"id": "OrgUnit:D02", "name": "质控办"}
    d01 = run_checks(store, owner="教务处", as_of=AS_OF)
    assert d01.findings and all(f.owner["unit"]["id"] == "OrgUnit:D01" for f in d01.findings)
    with pytest.raises(NotFoundError):
        run_checks(store, owner="OrgUnit:D99", as_of=AS_OF)
    with pytest.raises(NotFoundError):
        run_checks(store, owner="后勤处", as_of=AS_OF)


def test_unknown_rule_id_is_a_validation_error_listing_known_ids(any_store):
    with pytest.raises(ValidationError) as err:
        run_checks(college(any_store), rules=["TC001", "XX999"])
    assert "XX999" in str(err.value) and "TC001" in str(err.value) and "DG001" in str(err.value)
    assert isinstance(err.value, IqaError)


def test_report_shape_order_and_summary(any_store):
    report = run_checks(broken_college(any_store), as_of=AS_OF)
    data = report.to_dict()
    assert set(data) == {"findings", "summary"}
    first = data["findings"][0]
    assert set(first) == {"rule", "severity", "node", "name", "message", "message_en", "owner", "inherited_from"}
    assert set(first["owner"]) == {"unit", "person"}
    keys = [(0 if f["severity"] == "error" else 1, f["rule"], f["node"]) for f in data["findings"]]
    assert keys == sorted(keys) and keys[0][0] == 0
    s = data["summary"]
    assert s["as_of"] == "2025-10-01"
    assert s["total"] == len(data["findings"]) == s["errors"] + s["warnings"]
    assert s["by_rule"]["TC003"] == 2 and s["by_rule"]["PL001"] == 1 and s["by_rule"]["TC001"] == 0
    assert sum(s["by_rule"].values()) == s["total"]
    assert s["by_unit"]["质控办"] == 1 and s["by_unit"][NO_UNIT_LABEL] == 1
    assert sum(s["by_unit"].values()) == s["total"]
    assert report.has_errors
    assert not run_checks(broken_college(any_store), rules=["TC003", "SI001", "PL001"], as_of=AS_OF).has_errors


def test_messages_name_the_node_code_in_both_languages(any_store):
    report = run_checks(broken_college(any_store), as_of=AS_OF)
    for f in report.findings:
        code = f.node.split(":", 1)[1]
        assert code in f.message and code in f.message_en, f


# ---------------------------------------------------------------------------------- configuration
def test_config_file_disables_and_regrades(tmp_path, any_store):
    cfg_path = tmp_path / "checks.yaml"
    cfg_path.write_text("checks:\n  disabled: [TC003, SI001]\n  severity: {PL001: error, TC007: warning}\n",
                        encoding="utf-8")
    cfg = load_rule_config(cfg_path)
    report = run_checks(broken_college(any_store), as_of=AS_OF, config=cfg)
    rules = {f.rule for f in report.findings}
    assert "TC003" not in rules and "SI001" not in rules
    assert "TC003" not in report.to_dict()["summary"]["by_rule"]
    sev = {f.rule: f.severity for f in report.findings}
    assert sev["PL001"] == "error" and sev["TC007"] == "warning" and sev["TC002"] == "error"
    # re-graded findings sort with their new severity
    assert [f.severity for f in report.findings] == sorted((f.severity for f in report.findings),
                                                           key=("error", "warning").index)
    # an empty file is an empty configuration
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert load_rule_config(empty) == RuleConfig(source=str(empty))
    # a file holding only the API's settings configures no rule
    api_only = tmp_path / "api.yaml"
    api_only.write_text("api:\n  anonymous_read: false\n", encoding="utf-8")
    assert load_rule_config(api_only) == RuleConfig(source=str(api_only))


@pytest.mark.parametrize("text, key", [
    ("checks:\n  disabled: [TC003, XX001]\n", "XX001"),
    ("checks:\n  severity: {TK003: fatal}\n", "TK003"),
    ("checks:\n  severity: {ZZ002: error}\n", "ZZ002"),
    ("checks:\n  disable: [TC003]\n", "disable"),
    ("checks: [\n", "YAML"),
    ("rules:\n  disabled: [TC003]\n", "checks"),
])
def test_bad_config_is_a_config_error_naming_file_and_key(tmp_path, text, key):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_rule_config(path)
    assert "bad.yaml" in str(err.value) and key in str(err.value)


def test_missing_config_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_rule_config(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(err.value)


# ---------------------------------------------------------------------------------- rectification lists
def test_rectification_lists_group_by_owner_unit(any_store):
    report = run_checks(broken_college(any_store), as_of=AS_OF)
    lists = rectification_lists(report)
    assert list(lists) == ["OrgUnit:D01", "OrgUnit:D02", NO_UNIT_KEY]  # by unit name, no unit last
    assert [(f.rule, f.node) for f in lists["OrgUnit:D02"]] == [("SI001", "Standard:S9")]
    assert [(f.rule, f.node) for f in lists[NO_UNIT_KEY]] == [("PL001", "Plan:PL9")]
    assert sum(len(v) for v in lists.values()) == len(report.findings)


def test_xlsx_has_summary_and_one_sheet_per_unit(tmp_path, any_store):
    report = run_checks(broken_college(any_store), as_of=AS_OF)
    path = tmp_path / "整改清单.xlsx"
    sheets = findings_to_xlsx(report, path)
    wb = load_workbook(path)
    assert wb.sheetnames == [SUMMARY_SHEET, "教务处", "质控办", NO_UNIT_LABEL]
    assert sheets == {"OrgUnit:D01": "教务处", "OrgUnit:D02": "质控办", NO_UNIT_KEY: NO_UNIT_LABEL}

    summary = [list(r) for r in wb[SUMMARY_SHEET].iter_rows(values_only=True)]
    lists = rectification_lists(report)
    d01 = lists["OrgUnit:D01"]
    d01_errors = sum(1 for f in d01 if f.severity == "error")
    assert summary[0] == ["责任部门", "部门编号", "错误", "警告", "合计", "工作表"]
    assert summary[1] == ["教务处", "D01", d01_errors, len(d01) - d01_errors, len(d01), "教务处"]
    assert summary[2] == ["质控办", "D02", 0, 1, 1, "质控办"]
    assert summary[3] == [NO_UNIT_LABEL, None, 0, 1, 1, NO_UNIT_LABEL]

    # every list has the rectification list's 19 columns (one format with `iqa rectify export`)
    rows = [list(r) for r in wb["质控办"].iter_rows(values_only=True)]
    assert tuple(rows[0]) == COLUMNS
    assert rows[0][:10] == ["编号", "严重程度", "问题描述", "责任岗位", "建议措施", "建议时限", "整改措施", "整改时限", "责任人", "状态"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    assert (row["编号"], row["预警编号"], row["预警类型"]) == ("ZG-Standard-S9-SI001", "SI001:Standard:S9", RULES["SI001"].title_zh)
    assert (row["严重程度"], row["节点"], row["名称"], row["责任部门"], row["部门编号"]) == ("警告", "Standard:S9", "无指标标准", "质控办", "D02")
    assert "S9" in row["问题描述"] and row["建议措施"] == RULES["SI001"].suggestion_zh
    # a warning: the month-end two months after the check date (2025-10-01); the date cells are dates
    assert row["建议时限"] == dt.datetime(2025, 12, 31) and row["诊断日期"] == dt.datetime(2025, 10, 1)
    assert row["整改措施"] is None and row["整改时限"] is None and row["责任人"] is None and row["状态"] == "未开始"

    d01_rows = [dict(zip(rows[0], r)) for r in wb["教务处"].iter_rows(min_row=2, values_only=True)]
    assert [(r["预警编号"], r["节点"]) for r in d01_rows] == [(f"{f.rule}:{f.node}", f.node) for f in d01]
    t7 = next(r for r in d01_rows if r["节点"] == "Target:T7")
    assert t7["责任部门"] == "教务处" and t7["责任人"] == "张三（E01）"  # inherited from T1
    first_error = next(r for r in d01_rows if r["严重程度"] == "错误")
    assert first_error["建议时限"] == dt.datetime(2025, 11, 30)  # an error: one month


def test_xlsx_sheet_names_are_valid_and_unique(any_store):
    store = college(any_store)
    long_bad = "党委[院长]办公室/宣传部:统战部*?\\以及其他合署办公的部门名称很长"
    add(store, n("OrgUnit", "D03", name=long_bad), n("OrgUnit", "D04", name=long_bad),
        n("OrgUnit", "D05", name="汇总"),
        n("Standard", "S3"), ("Standard:S3", "led_by", "OrgUnit:D03"),
        n("Standard", "S4"), ("Standard:S4", "led_by", "OrgUnit:D04"),
        n("Standard", "S5"), ("Standard:S5", "led_by", "OrgUnit:D05"))
    report = run_checks(store, rules=["SI001"], as_of=AS_OF)
    buffer = io.BytesIO()
    sheets = findings_to_xlsx(report, buffer)
    buffer.seek(0)
    names = load_workbook(buffer).sheetnames
    assert len(names) == 4 and len({s.casefold() for s in names}) == 4
    for name in names:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert sheets["OrgUnit:D03"] != sheets["OrgUnit:D04"]
    assert sheets["OrgUnit:D05"] != SUMMARY_SHEET


def test_sheet_title_rules():
    taken: set[str] = set()
    assert sheet_title("教务处", taken) == "教务处"
    assert sheet_title("教务处", taken) == "教务处~2"
    assert sheet_title("a/b", taken) == "a_b"
    assert sheet_title("x" * 40, taken) == "x" * 31  # cut to Excel's 31 characters
    assert sheet_title("x" * 40, taken) == "x" * 29 + "~2"  # a clash: the suffix fits in the 31
    assert sheet_title("X" * 40, taken) == "X" * 29 + "~3"  # names clash case-insensitively


def test_snapshot_neighbors_match_the_store(any_store):
    """Owners are computed on the run's snapshot; it must answer neighbors() exactly as the store."""
    from graph.checks import CheckContext
    from graph.services.ownership import owner_of

    store = broken_college(any_store)
    add(store, ("Target:T7", "cooperated_by", "OrgUnit:D02"), ("Task:K1", "cooperated_by", "OrgUnit:D01"))
    ctx = CheckContext(store, AS_OF)
    for node in store.iter_nodes():
        for direction in ("out", "in", "both"):
            for types in (None, ("led_by",), ("assigned_to", "led_by"), ("decomposes_to", "implemented_by")):
                assert ctx.neighbors(node.id, types, direction) == store.neighbors(node.id, types, direction)
        assert ctx.owner(node).to_dict() == owner_of(store, node).to_dict()
    assert ctx.neighbors("Target:NOPE") == []
