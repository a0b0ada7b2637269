"""Rectification lists: export per unit → fill in → import as rectification tasks (idempotent), and
an overdue rectification task is itself a warning."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from diag_helpers import build, n, org
from openpyxl import load_workbook

from graph.errors import IngestError
from graph.services.diagnosis import DiagnosisConfig, diagnose
from graph.services.rectification.tasks import (
    COLUMNS,
    SUMMARY_SHEET,
    export_rectification,
    import_rectification,
    rectification_code,
    suggested_deadline,
)

AS_OF = dt.date(2025, 12, 31)
NO_CHAIN = DiagnosisConfig(chain_rules=())


def college():
    """机械系 (李四) owns target A with an overdue task K (inherited owner) and a breached indicator I
    (owned by 张三's post in 教务处)."""
    return build(
        *org(),
        n("Target", "A", name="部门目标", layer="department", deadline="2026-12-31"),
        n("Task", "K", name="逾期任务", status="incomplete", deadline="2025-10-31"),
        n("Indicator", "I", name="生师比", target_value=18, warning=20, direction="le", frequency="学期"),
        n("Measurement", "I@12", date="2025-12-31", value=21),
        ("Target:A", "implemented_by", "Task:K"), ("Target:A", "led_by", "OrgUnit:D02"),
        ("Target:A", "assigned_to", "Person:E02"),
        ("Indicator:I", "measures", "Target:A"), ("Indicator:I", "assigned_to", "Post:P01"),
        ("Measurement:I@12", "measurement_of", "Indicator:I"),
    )


def export(store, unit=None) -> io.BytesIO:
    buf = io.BytesIO()
    export_rectification(store, buf, unit=unit, as_of=AS_OF, config=NO_CHAIN)
    buf.seek(0)
    return buf


def rows(buf: io.BytesIO, sheet: str):
    ws = load_workbook(buf)[sheet]
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], r)) for r in values[1:]]


def fill(buf: io.BytesIO, sheet: str, **by_code) -> io.BytesIO:
    """Fill the rows of ``sheet`` whose 编号 is a key of ``by_code`` with ``{column: value}``."""
    wb = load_workbook(buf)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        code = row[header.index("编号")].value
        for col, value in by_code.get(code, {}).items():
            row[header.index(col)].value = value
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_export_one_unit():
    store = college()
    buf = export(store, unit="D02")
    wb = load_workbook(buf)
    assert wb.sheetnames == [SUMMARY_SHEET, "机械系"]
    [row] = rows(buf, "机械系")
    assert list(row) == list(COLUMNS)
    assert row["编号"] == "ZG-Task-K-OVERDUE" and row["预警编号"] == "task_overdue:Task:K"
    assert row["节点"] == "Task:K" and row["责任部门"] == "机械系" and row["部门编号"] == "D02"
    assert row["责任人"] == "李四（E02）"  # the inherited owner, pre-filled
    # dates are date cells (yyyy-mm-dd), read back as datetimes
    assert row["建议时限"] == dt.datetime(2026, 2, 28) and row["状态"] == "未开始" and not row["整改措施"]
    assert row["诊断日期"] == dt.datetime(2025, 12, 31)
    assert suggested_deadline(AS_OF, "error") == dt.date(2026, 1, 31)
    # every unit: 教务处 gets the breach of its indicator
    assert load_workbook(export(store)).sheetnames == [SUMMARY_SHEET, "教务处", "机械系"]


def test_round_trip_creates_linked_tasks_and_is_idempotent(tmp_path):
    store = college()
    filled = fill(export(store, unit="D02"), "机械系", **{"ZG-Task-K-OVERDUE": {
        "整改措施": "督促教师完成企业实践并补交考核材料", "整改时限": "2026-01-31", "责任人": "张三"}})
    path = tmp_path / "整改清单-机械系.xlsx"
    path.write_bytes(filled.getvalue())
    report = import_rectification(store, path)
    assert report.created == ["RectificationTask:ZG-Task-K-OVERDUE"] and report.problems == []
    rt = store.get_node("RectificationTask:ZG-Task-K-OVERDUE")
    assert rt.props["measure"] == "督促教师完成企业实践并补交考核材料"
    assert (rt.props["deadline"], rt.props["status"], rt.props["warning_id"]) == (
        "2026-01-31", "not_started", "task_overdue:Task:K")
    out = {(e.type, n.id) for e, n in store.neighbors(rt.id, direction="out")}
    # linked to the node, to the person written in (张三) and to the unit of the list (机械系)
    assert out == {("rectifies", "Task:K"), ("assigned_to", "Person:E01"), ("led_by", "OrgUnit:D02")}
    # the same file again: nothing changes
    again = import_rectification(store, path)
    assert again.created == [] and again.updated == [] and again.unchanged == ["RectificationTask:ZG-Task-K-OVERDUE"]
    assert store.count_nodes("RectificationTask") == 1
    # the diagnosis shows the warning's rectification, and the task is tracked like a task
    d = diagnose(store, as_of=AS_OF, config=NO_CHAIN)
    w = next(w for w in d.warnings if w.kind == "task_overdue")
    assert w.rectification["code"] == "ZG-Task-K-OVERDUE" and w.rectification["status_as_of"] == "not_started"
    assert any(t["id"] == rt.id for t in d.tasks)
    # a new export pre-fills what was imported
    [row] = rows(export(store, unit="D02"), "机械系")
    assert (row["整改措施"], row["整改时限"], row["责任人"]) == ("督促教师完成企业实践并补交考核材料", dt.datetime(2026, 1, 31),
                                                     "张三（E01）")


def test_status_update_and_person_change_replace_the_edges(tmp_path):
    store = college()
    first = fill(export(store, unit="D02"), "机械系", **{"ZG-Task-K-OVERDUE": {"整改措施": "补交材料"}})
    import_rectification(store, first)
    rt_id = "RectificationTask:ZG-Task-K-OVERDUE"
    # empty 整改时限 → the suggested deadline; empty 责任人 → the pre-filled owner (李四)
    assert store.get_node(rt_id).props["deadline"] == "2026-02-28"
    assert [n.id for _, n in store.neighbors(rt_id, ("assigned_to",))] == ["Person:E02"]
    second = fill(export(store, unit="D02"), "机械系", **{"ZG-Task-K-OVERDUE": {"责任人": "E01", "状态": "已完成"}})
    report = import_rectification(store, second)
    assert report.updated == [rt_id]
    assert store.get_node(rt_id).props["status"] == "completed"
    assert [n.id for _, n in store.neighbors(rt_id, ("assigned_to",))] == ["Person:E01"]


def test_overdue_rectification_is_a_warning():
    store = college()
    filled = fill(export(store, unit="D02"), "机械系", **{"ZG-Task-K-OVERDUE": {
        "整改措施": "补交材料", "整改时限": "2026-01-31", "责任人": "李四（E02）"}})
    import_rectification(store, filled)
    later = diagnose(store, as_of=dt.date(2026, 3, 1), config=NO_CHAIN)
    late = [w for w in later.warnings if w.kind == "rectification_overdue"]
    assert [w.node.id for w in late] == ["RectificationTask:ZG-Task-K-OVERDUE"]
    assert late[0].severity == "error" and late[0].unit == {"id": "OrgUnit:D02", "name": "机械系"}
    # it endangers what the rectified task serves
    assert [g["id"] for g in late[0].endangered] == ["Target:A"]
    assert rectification_code(late[0]) == "ZG-RectificationTask-ZG-Task-K-OVERDUE-LATE"


def test_problems_write_nothing_unless_partial():
    store = college()
    buf = export(store)
    filled = fill(buf, "机械系", **{"ZG-Task-K-OVERDUE": {"整改措施": "补交材料", "责任人": "王五"}})
    filled = fill(filled, "教务处", **{"ZG-Indicator-I-BREACH": {"整改措施": "引进教师", "整改时限": "2026-13-01"}})
    with pytest.raises(IngestError) as exc:
        import_rectification(store, filled, name="list.xlsx")
    text = str(exc.value)
    assert "list.xlsx 机械系!2:责任人" in text and "王五" in text and "教务处!2:整改时限" in text
    assert store.count_nodes("RectificationTask") == 0
    filled.seek(0)
    ok = fill(filled, "教务处", **{"ZG-Indicator-I-BREACH": {"整改时限": "2026年3月"}})
    report = import_rectification(store, ok, partial=True)
    assert report.created == ["RectificationTask:ZG-Indicator-I-BREACH"] and len(report.problems) == 1
    assert store.get_node("RectificationTask:ZG-Indicator-I-BREACH").props["deadline"] == "2026-03-31"


def test_unreadable_workbook():
    with pytest.raises(IngestError):
        import_rectification(college(), io.BytesIO(b"not a workbook"))


def test_a_check_findings_list_has_the_same_format_and_imports_as_tasks(tmp_path):
    """One format (docs/exports.md): `iqa check --format xlsx` writes the layout `iqa rectify export`
    writes, and `iqa rectify import` turns a filled-in finding into a rectification task."""
    from graph.checks import RULES, run_checks
    from graph.services.rectification.findings import findings_to_xlsx

    store = college()
    report = run_checks(store, as_of=AS_OF)
    finding = next(f for f in report.findings if f.unit_id == "OrgUnit:D02")
    checks = io.BytesIO()
    findings_to_xlsx(report, checks)
    checks.seek(0)
    listed = load_workbook(export(store))
    found = load_workbook(checks)
    assert found.sheetnames[0] == SUMMARY_SHEET
    assert [c.value for c in found[SUMMARY_SHEET][1]] == [c.value for c in listed[SUMMARY_SHEET][1]]
    assert [c.value for c in found["机械系"][1]] == [c.value for c in listed["机械系"][1]] == list(COLUMNS)
    code = f"ZG-{finding.node.replace(':', '-', 1)}-{finding.rule}"
    checks.seek(0)
    filled = fill(checks, "机械系", **{code: {"整改措施": "补齐分解链", "整改时限": "2026-01-15"}})
    path = tmp_path / "检查整改清单.xlsx"
    path.write_bytes(filled.getvalue())
    done = import_rectification(store, path)
    assert done.created == [f"RectificationTask:{code}"] and done.problems == []
    rt = store.get_node(f"RectificationTask:{code}")
    assert rt.props["warning_id"] == f"{finding.rule}:{finding.node}" and rt.props["warning_kind"] == finding.rule
    assert rt.props["name"] == f"整改：{RULES[finding.rule].title_zh}（{finding.name}）"
    assert (rt.props["measure"], rt.props["deadline"], rt.props["status"]) == ("补齐分解链", "2026-01-15", "not_started")
    out = {(e.type, n.id) for e, n in store.neighbors(rt.id, direction="out")}
    assert ("rectifies", finding.node) in out and ("led_by", "OrgUnit:D02") in out
    # the other rows were not filled in: skipped, counted
    assert done.unfilled == len(report.findings) - 1
