"""Task status on a date and by month (泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13), and the 事中 (during) assessment counts."""

from __future__ import annotations

import datetime as dt

from diag_helpers import build, n, org

from graph.services.diagnosis import DiagnosisConfig, diagnose, month_statuses, status_legend, task_status

AS_OF = dt.date(2025, 12, 31)


def task(status=None, deadline=None, **props):
    return n("Task", "K", name="任务", **({"status": status} if status else {}),
             **({"deadline": deadline} if deadline else {}), **props)


def test_status_rules():
    on = AS_OF
    # 1. reported completed wins, even past its deadline
    assert task_status(task("completed", "2025-03-31"), on) == "completed"
    # 2. a deadline before the date, not completed → 未完成 (whatever was reported)
    assert task_status(task("normal", "2025-10-31"), on) == "incomplete"
    assert task_status(task("warning", "2025-10-31"), on) == "incomplete"
    # due on the date itself is not overdue yet
    assert task_status(task("normal", "2025-12-31"), on) == "normal"
    # 3. the unit's own report is kept before the deadline
    assert task_status(task("warning", "2026-06-30"), on) == "warning"
    assert task_status(task("incomplete", "2026-06-30"), on) == "incomplete"
    # 4. not started and due within 30 days (2026-01-20 is 20 days away) → 预警; 60 days away → 未开始
    assert task_status(task("not_started", "2026-01-20"), on) == "warning"
    assert task_status(task("not_started", "2026-03-01"), on) == "not_started"
    assert task_status(task("not_started", "2026-03-01"), on, warning_window_days=90) == "warning"
    # 5. anything else → 正常; labels are accepted too
    assert task_status(task(None, None), on) == "normal"
    assert task_status(task("已完成", "2025-01-31"), on) == "completed"


def test_month_statuses():
    # completed, due 2025-03-31: 正常 Jan–Feb, 已完成 in March, nothing afterwards
    assert month_statuses(task("completed", "2025-03-31"), 2025, AS_OF) == [
        "normal", "normal", "completed"] + [None] * 9
    # completed with completed_on 2025-02-10 → 已完成 in February
    assert month_statuses(task("completed", "2025-03-31", completed_on="2025-02-10"), 2025, AS_OF)[:3] == [
        "normal", "completed", None]
    # due 2025-10-31 and still 未完成 on 2025-12-31: 正常 to October, 未完成 in November and December
    assert month_statuses(task("incomplete", "2025-10-31"), 2025, AS_OF) == ["normal"] * 10 + ["incomplete"] * 2
    # reported 预警 (due next year): the report is known only for the as-of month
    assert month_statuses(task("warning", "2026-06-30"), 2025, AS_OF) == ["normal"] * 11 + ["warning"]
    # not started: 未开始 every month (it was not begun before either)
    assert month_statuses(task("not_started", "2026-06-30"), 2025, AS_OF) == ["not_started"] * 12
    # seen on 2025-06-15: months from July on are empty; June uses the reported status
    assert month_statuses(task("warning", "2025-12-31"), 2025, dt.date(2025, 6, 15)) == (
        ["normal"] * 5 + ["warning"] + [None] * 6)
    # a start date hides the months before it
    assert month_statuses(task("normal", "2025-12-31", start="2025-09-01"), 2025, AS_OF) == [None] * 8 + ["normal"] * 4


def test_legend_has_the_four_colours_of_figure_13():
    legend = status_legend()
    assert {k: v["label"] for k, v in legend.items() if k != "not_started"} == {
        "normal": "正常", "completed": "已完成", "incomplete": "未完成", "warning": "预警"}
    assert legend["warning"]["colour"] == "#c62828" and legend["completed"]["colour"] == "#000000"


def test_during_counts_by_unit_and_month():
    store = build(
        *org(),
        n("Target", "T", name="目标", layer="department"),
        n("Task", "A", name="已完成任务", status="completed", deadline="2025-03-31"),
        n("Task", "B", name="逾期任务", status="normal", deadline="2025-10-31"),
        n("Task", "C", name="预警任务", status="warning", deadline="2026-06-30"),
        ("Target:T", "led_by", "OrgUnit:D02"),
        ("Target:T", "implemented_by", "Task:A"), ("Target:T", "implemented_by", "Task:B"),
        ("Target:T", "implemented_by", "Task:C"),
        ("Task:A", "led_by", "OrgUnit:D02"), ("Task:B", "led_by", "OrgUnit:D02"), ("Task:C", "led_by", "OrgUnit:D02"),
    )
    d = diagnose(store, as_of=AS_OF, config=DiagnosisConfig(chain_rules=()))
    row = next(r for r in d.during["by_unit"] if r["unit"]["id"] == "OrgUnit:D02")
    assert row["tasks"] == 3
    # January: A 正常, B 正常, C 正常 → 3 on schedule
    assert row["months"][0]["counts"]["normal"] == 3 and row["months"][0]["rate"] == 1.0
    # March: A 已完成, B 正常, C 正常
    assert row["months"][2]["counts"]["completed"] == 1 and row["months"][2]["on_schedule"] == 3
    # December: A nothing, B 未完成, C 预警 → 0 on schedule, 2 behind, rate 0
    dec = row["months"][11]
    assert dec["counts"]["incomplete"] == 1 and dec["counts"]["warning"] == 1
    assert (dec["on_schedule"], dec["behind"], dec["rate"]) == (0, 2, 0.0)
    # as of the date: A 已完成, B 未完成, C 预警 → 1 / 3
    assert row["as_of"]["on_schedule"] == 1 and row["as_of"]["rate"] == 0.3333
    # the warnings: B overdue, C at risk (both owned by 机械系 through led_by)
    ids = {w.id: w for w in d.warnings}
    assert set(ids) == {"task_overdue:Task:B", "task_at_risk:Task:C"}
    assert ids["task_overdue:Task:B"].unit == {"id": "OrgUnit:D02", "name": "机械系"}
    # no at-risk warnings when switched off
    quiet = diagnose(store, as_of=AS_OF, config=DiagnosisConfig(chain_rules=(), at_risk_tasks=False))
    assert {w.id for w in quiet.warnings} == {"task_overdue:Task:B"}
