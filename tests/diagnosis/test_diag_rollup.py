"""Achievement-rate roll-up on small graphs, every expected number worked out by hand below."""

from __future__ import annotations

import datetime as dt

import pytest
from diag_helpers import build, e, n

from graph.errors import NotFoundError
from graph.services.diagnosis import DiagnosisContext, Rollup, achievement, attainment, diagnose

AS_OF = dt.date(2025, 12, 31)


def rollup_of(store) -> Rollup:
    return Rollup(DiagnosisContext(store, AS_OF))


def small_college():
    """Plan GH → school target S; S → T1 (weight 2) and S → T2 (weight 1, default);
    T1 implemented by K1 (已完成), K2 (progress 50%), K3 (未开始); T2 implemented by K4 (已完成) and
    measured by indicator I (≥, target 0.9, latest 0.72 on 2025-12-31). A second school target S2
    shares T2 (the chain is a DAG)."""
    return build(
        n("Plan", "GH", name="规划"),
        n("Target", "S", name="学校目标", layer="school"),
        n("Target", "S2", name="学校目标二", layer="school"),
        n("Target", "T1", name="部门目标一", layer="department"),
        n("Target", "T2", name="部门目标二", layer="department"),
        n("Task", "K1", name="任务一", status="completed"),
        n("Task", "K2", name="任务二", status="normal", progress="50%"),
        n("Task", "K3", name="任务三", status="not_started"),
        n("Task", "K4", name="任务四", status="completed"),
        n("Indicator", "I", name="指标", target_value="90%", warning=0.8, direction="ge", unit="%"),
        n("Measurement", "I@2025-11-30", date="2025-11-30", value=0.95),
        n("Measurement", "I@2025-12-31", date="2025-12-31", value=0.72),
        ("Plan:GH", "decomposes_to", "Target:S"),
        e("Target:S", "decomposes_to", "Target:T1", weight=2),
        ("Target:S", "decomposes_to", "Target:T2"),
        ("Target:S2", "decomposes_to", "Target:T2"),
        ("Target:T1", "implemented_by", "Task:K1"),
        ("Target:T1", "implemented_by", "Task:K2"),
        ("Target:T1", "implemented_by", "Task:K3"),
        ("Target:T2", "implemented_by", "Task:K4"),
        ("Indicator:I", "measures", "Target:T2"),
        ("Measurement:I@2025-11-30", "measurement_of", "Indicator:I"),
        ("Measurement:I@2025-12-31", "measurement_of", "Indicator:I"),
    )


def test_roll_up_by_hand():
    r = rollup_of(small_college())
    # K1 completed = 1; K2 progress 50% = 0.5; K3 not started, no progress = 0.
    assert (r.value("Task:K1"), r.value("Task:K2"), r.value("Task:K3")) == (1.0, 0.5, 0.0)
    assert [r.score(k).basis for k in ("Task:K1", "Task:K2", "Task:K3")] == ["completed", "progress", "not_completed"]
    # I: ≥, 0.72 / 0.9 = 0.8 (the 2025-12-31 value is the latest).
    assert r.value("Indicator:I") == pytest.approx(0.8)
    # T1 = (1 + 0.5 + 0) / 3 = 0.5
    assert r.value("Target:T1") == pytest.approx(0.5)
    # T2 = (K4 1 + I 0.8) / 2 = 0.9
    assert r.value("Target:T2") == pytest.approx(0.9)
    # S = (2 × 0.5 + 1 × 0.9) / (2 + 1) = 1.9 / 3 = 0.633333…
    assert r.value("Target:S") == pytest.approx(0.6333333, abs=1e-6)
    # The shared child T2 also makes S2 = 0.9, and the plan GH = S = 0.633333…
    assert r.value("Target:S2") == pytest.approx(0.9)
    assert r.value("Plan:GH") == pytest.approx(0.6333333, abs=1e-6)


def test_each_number_explains_itself():
    r = rollup_of(small_college())
    s = r.score("Target:S")
    parts = {c.child: c for c in s.children}
    # T1: weight 2, share 2/3 = 0.666667, contribution 2/3 × 0.5 = 0.333333
    assert parts["Target:T1"].weight == 2 and parts["Target:T1"].share == pytest.approx(0.6666667, abs=1e-6)
    assert parts["Target:T1"].contribution == pytest.approx(0.3333333, abs=1e-6)
    # T2: weight 1, share 1/3, contribution 1/3 × 0.9 = 0.3
    assert parts["Target:T2"].contribution == pytest.approx(0.3)
    # the contributions add up to the rate: 0.333333 + 0.3 = 0.633333
    assert sum(c.contribution for c in s.children) == pytest.approx(s.value)
    tree = r.explain("Plan:GH")
    assert tree["value"] == 0.6333 and tree["children"][0]["id"] == "Target:S"
    t1 = next(c for c in tree["children"][0]["children"] if c["id"] == "Target:T1")
    assert [(c["id"], c["value"]) for c in t1["children"]] == [("Task:K1", 1.0), ("Task:K2", 0.5), ("Task:K3", 0.0)]
    assert achievement(small_college(), "Target:S2", as_of=AS_OF)["value"] == 0.9


def test_le_indicators_zero_targets_caps_and_missing_data():
    # ≤: target 18, value 20 → 18 / 20 = 0.9; value 17 meets it → 1 (capped, not 18/17).
    assert attainment(20, 18, "le") == pytest.approx(0.9)
    assert attainment(17, 18, "le") == 1.0
    # ≥ above target is capped at 1; ≤ with target 0 and value 2 → 0; value 0 → 1.
    assert attainment(1.2, 0.9, "ge") == 1.0
    assert (attainment(2, 0, "le"), attainment(0, 0, "le")) == (0.0, 1.0)
    assert attainment(None, 0.9, "ge") is None and attainment(0.5, None, "ge") is None
    store = build(
        n("Target", "T", name="目标", layer="course"),
        n("Task", "K", name="任务", status="completed"),
        n("Indicator", "NODATA", name="无数据指标", target_value=1, warning=0.5, direction="ge"),
        ("Target:T", "implemented_by", "Task:K"),
        ("Indicator:NODATA", "measures", "Target:T"),
    )
    r = rollup_of(store)
    # the indicator has no measurement: None, left out of the mean → T = K = 1.0
    assert r.value("Indicator:NODATA") is None
    assert r.value("Target:T") == 1.0
    # a target with nothing below it has no rate
    lonely = rollup_of(build(n("Target", "X", name="空目标", layer="school")))
    assert lonely.value("Target:X") is None and lonely.score("Target:X").basis == "no_data"


def test_parent_task_sub_tasks_zero_weight_and_based_on_plan():
    store = build(
        n("Plan", "P", name="规划"),
        n("Target", "T", name="目标", layer="major"),
        n("Task", "A", name="父任务", status="normal"),
        n("Task", "A1", name="子任务一", status="completed"),
        n("Task", "A2", name="子任务二", status="normal"),
        n("Task", "B", name="任务B", status="completed"),
        n("Task", "Z", name="零权重任务", status="normal"),
        ("Target:T", "based_on", "Plan:P"),
        ("Target:T", "implemented_by", "Task:A"),
        ("Target:T", "implemented_by", "Task:B"),
        e("Target:T", "implemented_by", "Task:Z", weight=0),
        ("Task:A", "decomposes_to", "Task:A1"),
        ("Task:A", "decomposes_to", "Task:A2"),
    )
    r = rollup_of(store)
    # A is not completed and has no progress: the mean of its sub-tasks (1 + 0) / 2 = 0.5
    assert r.value("Task:A") == 0.5 and r.score("Task:A").basis == "children"
    # T = (1 × 0.5 + 1 × 1 + 0 × 0) / (1 + 1 + 0) = 0.75; Z is listed with share 0
    assert r.value("Target:T") == pytest.approx(0.75)
    z = next(c for c in r.score("Target:T").children if c.child == "Task:Z")
    assert z.value == 0.0 and z.share == 0.0
    # the plan reaches T through based_on: P = 0.75
    assert r.value("Plan:P") == pytest.approx(0.75)


def test_cycle_does_not_recurse_forever():
    store = build(
        n("Target", "C1", name="环一", layer="major"), n("Target", "C2", name="环二", layer="major"),
        n("Task", "K", name="任务", status="completed"),
        ("Target:C1", "decomposes_to", "Target:C2"), ("Target:C2", "decomposes_to", "Target:C1"),
        ("Target:C2", "implemented_by", "Task:K"),
    )
    r = rollup_of(store)
    # C1 → C2 → (C1 is being computed: left out) + K 1 → C2 = 1, C1 = 1
    assert r.value("Target:C1") == 1.0 and r.value("Target:C2") == 1.0


def test_after_assessment_means_by_layer_and_unit():
    store = small_college()
    store.upsert_nodes([n("OrgUnit", "U", name="教务处")])
    from graph.model import Edge

    store.upsert_edges([Edge("Target:S", "led_by", "OrgUnit:U"), Edge("Target:T1", "led_by", "OrgUnit:U")])
    after = diagnose(store, as_of=AS_OF).after
    layers = {row["layer"]: row for row in after["by_layer"]}
    # school: S 0.633333 and S2 0.9 → (0.633333 + 0.9) / 2 = 0.766667
    assert layers["school"]["value"] == pytest.approx(0.7667, abs=1e-4)
    # department: T1 0.5 and T2 0.9 → 0.7
    assert layers["department"]["value"] == pytest.approx(0.7)
    assert after["school"]["value"] == pytest.approx(0.7667, abs=1e-4)
    # unit U owns S (0.633333) and T1 (0.5) → 0.566667; T2 inherits U through S (its first parent) →
    # (0.633333 + 0.5 + 0.9) / 3 = 0.677778
    unit = next(r for r in after["by_unit"] if r["unit"]["id"] == "OrgUnit:U")
    assert unit["targets"] == 3 and unit["value"] == pytest.approx(0.6778, abs=1e-4)


def test_achievement_of_unknown_node():
    with pytest.raises(NotFoundError):
        achievement(small_college(), "Target:NOPE", as_of=AS_OF)
