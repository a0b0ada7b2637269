"""Responsibility-driven warnings: owners (inherited, with provenance), endangered goals up to the
school goal, and the root-cause deduplication."""

from __future__ import annotations

import datetime as dt

from diag_helpers import build, n, org

from graph.services.diagnosis import DiagnosisConfig, diagnose

AS_OF = dt.date(2025, 12, 31)
NO_CHAIN = DiagnosisConfig(chain_rules=())


def chain_with_overdue_task():
    """Plan GH → school goal S (due 2025-12-31) → department target A (due 2025-12-31, led by 机械系,
    李四) → task K (due 2025-10-31, 未完成, no owner of its own) and task K2 (已完成)."""
    return [
        *org(),
        n("Plan", "GH", name="发展规划", deadline="2025-12-31"),
        n("Target", "S", name="学校目标", layer="school", deadline="2025-12-31"),
        n("Target", "A", name="部门目标", layer="department", deadline="2025-12-31"),
        n("Task", "K", name="逾期任务", status="incomplete", deadline="2025-10-31"),
        n("Task", "K2", name="已完成任务", status="completed", deadline="2025-06-30"),
        ("Plan:GH", "decomposes_to", "Target:S"), ("Target:S", "decomposes_to", "Target:A"),
        ("Target:A", "implemented_by", "Task:K"), ("Target:A", "implemented_by", "Task:K2"),
        ("Target:S", "led_by", "OrgUnit:D01"), ("Target:S", "assigned_to", "Person:E01"),
        ("Target:A", "led_by", "OrgUnit:D02"), ("Target:A", "assigned_to", "Person:E02"),
    ]


def test_one_warning_at_the_root_cause_with_the_goals_it_endangers():
    d = diagnose(build(*chain_with_overdue_task()), as_of=AS_OF, config=NO_CHAIN)
    # achievement: K 0, K2 1 → A = 0.5; S = A = 0.5; GH = 0.5 — all below 0.6 and all due, so A, S and
    # GH are low; but the cause lies below them (the overdue task K): one warning, at K.
    assert [w.id for w in d.warnings] == ["task_overdue:Task:K"]
    w = d.to_dict()["warnings"][0]
    assert w["root_cause"]["id"] == "Task:K"
    assert [(g["id"], g["depth"], g["achievement"], g["low"]) for g in w["endangered"]] == [
        ("Target:A", 1, 0.5, True), ("Target:S", 2, 0.5, True), ("Plan:GH", 3, 0.5, True)]
    assert [g["id"] for g in w["school_goals"]] == ["Target:S"]
    assert sorted(a["id"] for a in w["absorbed"]) == [
        "low_achievement:Plan:GH", "low_achievement:Target:A", "low_achievement:Target:S"]
    assert len(d.absorbed) == 3 and d.summary()["absorbed"] == 3
    # the task names no owner: it inherits 机械系 / 机械系主任 / 李四 from target A, and says so
    assert w["owner"]["unit"]["id"] == "OrgUnit:D02" and w["owner"]["person"]["id"] == "Person:E02"
    assert w["owner"]["post"]["id"] == "Post:P02"
    assert w["owner_inherited_from"] == "Target:A"
    assert w["owner_chain"][0] == {"from": "Task:K", "edge": "^implemented_by", "to": "Target:A"}


def test_without_a_failing_child_the_low_target_is_itself_the_root():
    items = chain_with_overdue_task()
    # K is no longer overdue (due next year, 正常): A = (0 + 1) / 2 = 0.5 is still low, and nothing
    # below it fails, so A is reported — and S and GH (low because of A) are absorbed into it.
    items = [i for i in items if not (hasattr(i, "code") and i.code == "K")]
    items.append(n("Task", "K", name="未到期任务", status="normal", deadline="2026-06-30"))
    d = diagnose(build(*items), as_of=AS_OF, config=NO_CHAIN)
    assert [w.id for w in d.warnings] == ["low_achievement:Target:A"]
    w = d.warnings[0]
    assert w.facts["achievement"] == 0.5 and w.facts["threshold"] == 0.6
    assert w.unit == {"id": "OrgUnit:D02", "name": "机械系"} and w.owner.inherited_from is None
    assert {a["id"] for a in w.absorbed} == {"low_achievement:Target:S", "low_achievement:Plan:GH"}
    # with a threshold of 0.4 nothing is low
    assert diagnose(build(*items), as_of=AS_OF, config=DiagnosisConfig(chain_rules=(), low_threshold=0.4)).warnings == []


def test_targets_not_yet_due_are_not_judged_low_unless_asked():
    items = chain_with_overdue_task()
    items = [i for i in items if not (hasattr(i, "code") and i.code in ("K", "S", "A", "GH"))]
    items += [n("Plan", "GH", name="发展规划", deadline="2030-12-31"),
              n("Target", "S", name="学校目标", layer="school", deadline="2026-12-31"),
              n("Target", "A", name="部门目标", layer="department", deadline="2026-12-31"),
              n("Task", "K", name="未开始任务", status="not_started", deadline="2026-09-30")]
    store = build(*items)
    assert diagnose(store, as_of=AS_OF, config=NO_CHAIN).warnings == []
    judged = diagnose(store, as_of=AS_OF, config=DiagnosisConfig(chain_rules=(), judge_not_due=True))
    assert [w.id for w in judged.warnings] == ["low_achievement:Target:A"]


def test_breach_of_an_indicator_with_inherited_owner_endangers_the_school_goal():
    items = chain_with_overdue_task()
    items = [i for i in items if not (hasattr(i, "code") and i.code == "K")]
    items += [
        n("Task", "K", name="正常任务", status="completed", deadline="2025-06-30"),
        n("Indicator", "I", name="就业率", target_value="95%", warning="90%", direction="ge", unit="%", frequency="月"),
        n("Measurement", "I@12", date="2025-12-31", value=0.8),
        ("Measurement:I@12", "measurement_of", "Indicator:I"), ("Indicator:I", "measures", "Target:A"),
    ]
    d = diagnose(build(*items), as_of=AS_OF, config=NO_CHAIN)
    # A = (K 1 + K2 1 + I 0.8/0.95 = 0.842105) / 3 = 0.947368: not low; the breach is the warning
    assert [w.id for w in d.warnings] == ["indicator_breach:Indicator:I"]
    w = d.to_dict()["warnings"][0]
    assert w["severity"] == "error" and "80%" in w["message"] and "低于预警值 90%" in w["message"]
    assert w["owner"]["unit"]["name"] == "机械系" and w["owner"]["person"]["name"] == "李四"
    assert w["owner_inherited_from"] == "Target:A"
    assert [g["id"] for g in w["school_goals"]] == ["Target:S"]
    assert w["endangered"][0]["achievement"] == 0.9474


def test_indicator_on_a_standard_endangers_the_targets_it_governs():
    store = build(
        n("Target", "S", name="学校目标", layer="school"), n("Target", "A", name="部门目标", layer="department"),
        n("Standard", "BZ", name="标准"),
        n("Indicator", "I", name="生师比", target_value=18, warning=20, direction="le"),
        n("Measurement", "I@12", date="2025-12-31", value=21),
        ("Target:S", "decomposes_to", "Target:A"), ("Target:A", "governed_by", "Standard:BZ"),
        ("Indicator:I", "measures", "Standard:BZ"), ("Measurement:I@12", "measurement_of", "Indicator:I"),
    )
    w = diagnose(store, as_of=AS_OF, config=NO_CHAIN).warnings[0]
    assert w.kind == "indicator_breach"
    assert [g["id"] for g in w.endangered] == ["Target:A", "Target:S"] and w.school_goals[0]["id"] == "Target:S"
    assert w.unit is None  # nothing up the chain names an owner


def test_chain_findings_and_tc008_absorbed_by_the_dead_end_below():
    store = build(
        *org(),
        n("Target", "S", name="学校目标", layer="school"), n("Target", "A", name="断头目标", layer="department"),
        n("Task", "ORPHAN", name="孤立任务", status="normal", deadline="2026-06-30"),
        ("Target:S", "decomposes_to", "Target:A"),
        ("Target:S", "led_by", "OrgUnit:D01"), ("Target:A", "led_by", "OrgUnit:D02"),
        ("Task:ORPHAN", "led_by", "OrgUnit:D01"),
    )
    d = diagnose(store, as_of=AS_OF)
    ids = [w.id for w in d.warnings]
    # TC002 at A (dead end) and TK001 at the orphan task are reported; TC008 at S (no task reachable)
    # is a consequence of the dead end below it, so it is absorbed into TC002.
    assert sorted(ids) == ["TC002:Target:A", "TK001:Task:ORPHAN"]
    tc002 = next(w for w in d.warnings if w.rule == "TC002")
    assert tc002.kind == "chain" and tc002.severity == "error" and tc002.suggestion
    assert [a["id"] for a in tc002.absorbed] == ["TC008:Target:S"]
    assert tc002.unit == {"id": "OrgUnit:D02", "name": "机械系"}
    assert [a.id for a in d.absorbed] == ["TC008:Target:S"]


def test_overdue_sub_task_absorbs_the_overdue_parent_task():
    store = build(
        *org(),
        n("Target", "T", name="目标", layer="major", deadline="2026-12-31"),
        n("Task", "P", name="父任务", status="normal", deadline="2025-11-30"),
        n("Task", "C", name="子任务", status="normal", deadline="2025-10-31"),
        ("Target:T", "implemented_by", "Task:P"), ("Task:P", "decomposes_to", "Task:C"),
        ("Task:P", "led_by", "OrgUnit:D02"), ("Task:C", "assigned_to", "Person:E01"),
    )
    d = diagnose(store, as_of=AS_OF, config=NO_CHAIN)
    assert [w.id for w in d.warnings] == ["task_overdue:Task:C"]
    w = d.warnings[0]
    assert [a["id"] for a in w.absorbed] == ["task_overdue:Task:P"]
    # C names 张三 explicitly: his post and unit complete the owner
    assert (w.owner.person.id, w.owner.post.id, w.owner.unit.id) == ("Person:E01", "Post:P01", "OrgUnit:D01")
    assert w.owner.inherited_from is None


def test_unit_filter_and_scorecards():
    store = build(*chain_with_overdue_task())
    whole = diagnose(store, as_of=AS_OF, config=NO_CHAIN)
    cards = {c["unit"]["id"]: c for c in whole.scorecards}
    # 机械系 owns the overdue task (inherited) → a warning-severity warning → 未完成 (yellow)
    assert cards["OrgUnit:D02"]["status"] == "incomplete" and cards["OrgUnit:D02"]["colour"] == "#f9a825"
    assert cards["OrgUnit:D02"]["warnings"]["total"] == 1
    # 教务处 owns S and its absorbed low rate but no reported warning: its achievement is below the
    # low threshold, so 未完成 (yellow), not 正常
    assert cards["OrgUnit:D01"]["achievement"] < NO_CHAIN.low_threshold
    assert cards["OrgUnit:D01"]["status"] == "incomplete" and cards["OrgUnit:D01"]["absorbed"] == 1
    only = diagnose(store, as_of=AS_OF, unit="机械系", config=NO_CHAIN)
    assert only.unit == {"id": "OrgUnit:D02", "name": "机械系"}
    assert [w.id for w in only.warnings] == ["task_overdue:Task:K"]
    assert [c["unit"]["id"] for c in only.scorecards] == ["OrgUnit:D02"]
    assert {t["id"] for t in only.tasks} == {"Task:K", "Task:K2"}
    assert [t["id"] for t in only.after["targets"]] == ["Target:A"]
    assert diagnose(store, as_of=AS_OF, unit="D01", config=NO_CHAIN).warnings == []


def test_scorecard_of_a_unit_that_owns_nothing():
    from graph.services.diagnosis import scorecard

    store = build(*chain_with_overdue_task(), n("OrgUnit", "D03", name="空单位"))
    card = scorecard(store, "D03", as_of=AS_OF, config=NO_CHAIN)
    assert card["unit"] == {"id": "OrgUnit:D03", "name": "空单位"}
    assert (card["status"], card["targets"], card["tasks"]["total"], card["warnings"]["total"]) == ("normal", 0, 0, 0)
    assert card["achievement"] is None and card["before"] is None


def test_a_changed_output_does_not_change_the_diagnosis():
    # The warnings' owners are the diagnosis's own answers (shared, not copied, for speed): what
    # to_dict gives is the caller's to change, and the next to_dict is as before.
    d = diagnose(build(*chain_with_overdue_task()), as_of=AS_OF, config=NO_CHAIN)
    first = d.to_dict()["warnings"][0]
    expected = [dict(step) for step in first["owner_chain"]]
    assert expected, "the task inherits its owner: its chain has steps"
    first["owner_chain"].append({"from": "x", "edge": "y", "to": "z"})
    first["owner_chain"].pop(0)
    assert d.to_dict()["warnings"][0]["owner_chain"] == expected
    assert d.warnings[0].owner.chain == expected
