"""Every rule family's findings pinned on tiny hand-built graphs.

Each test builds only what one rule looks at, with cases on both sides of the rule's line, and
states the exact set of findings and, for the rules whose message carries values, the exact
message — written from docs/rules.md (the rule's wording and its message template) and the
ontology's labels, not from running the checks.
"""

from __future__ import annotations

import datetime as dt

from graph.checks import run_checks
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore

AS_OF = dt.date(2025, 10, 1)


def graph(*items) -> EmbeddedStore:
    """A store of ``Node`` items and ``(source, type, target)`` edges."""
    store = EmbeddedStore(None)
    store.upsert_nodes([i for i in items if isinstance(i, Node)])
    store.upsert_edges([Edge(*i) for i in items if isinstance(i, tuple)])
    return store


def n(kind: str, code: str, **props) -> Node:
    props.setdefault("name", code)
    return Node(kind, code, props)


def found(store, rule: str, as_of: dt.date = AS_OF) -> dict[str, tuple[str, str]]:
    """node id → (message, message_en) of one rule's findings."""
    report = run_checks(store, rules=[rule], as_of=as_of).to_dict()
    assert all(f["rule"] == rule for f in report["findings"])
    return {f["node"]: (f["message"], f["message_en"]) for f in report["findings"]}


def nodes(store, rule: str, as_of: dt.date = AS_OF) -> set[str]:
    return set(found(store, rule, as_of))


U = n("OrgUnit", "U1", name="教务处")


# -- target chain (TC) ---------------------------------------------------------------------------
def test_tc001_orphan_target():
    s = graph(U, n("Plan", "PL"), n("Task", "K"),
              n("Target", "SCH", layer="school"),  # school layer: needs no parent
              n("Target", "CRS", layer="course"),
              n("Target", "NOL"),  # no layer written
              n("Target", "BYPLAN", layer="major"), ("Target:BYPLAN", "based_on", "Plan:PL"),
              n("Target", "INPLAN", layer="major"), ("Plan:PL", "decomposes_to", "Target:INPLAN"),
              n("Target", "SUB", layer="major"), ("Target:SCH", "decomposes_to", "Target:SUB"),
              n("Target", "UNDERTASK", layer="teacher"), ("Task:K", "decomposes_to", "Target:UNDERTASK"))
    assert found(s, "TC001") == {
        "Target:CRS": ("孤立目标：目标 CRS（课程层面）既没有上级目标，也没有所属规划",
                       "orphan target: target CRS (course layer) has no parent target and no plan"),
        "Target:NOL": ("孤立目标：目标 NOL（未填写层面）既没有上级目标，也没有所属规划",
                       "orphan target: target NOL (unspecified layer) has no parent target and no plan"),
        "Target:UNDERTASK": ("孤立目标：目标 UNDERTASK（教师层面）既没有上级目标，也没有所属规划",
                             "orphan target: target UNDERTASK (teacher layer) has no parent target and no plan"),
    }


def test_tc002_dead_end_target():
    s = graph(n("Target", "T1"), n("Target", "T2"), n("Target", "T3"), n("Target", "T4"), n("Task", "K"),
              n("Plan", "PL"), n("Target", "T5"),
              ("Target:T1", "decomposes_to", "Target:T2"),  # child target
              ("Target:T3", "decomposes_to", "Task:K"),  # child task
              ("Target:T4", "implemented_by", "Task:K"),  # implementing task
              ("Target:T5", "decomposes_to", "Plan:PL"))  # a plan below is no child target
    assert found(s, "TC002") == {
        t: (f"断头目标：目标 {t[7:]} 既没有下级目标，也没有落实任务",
            f"dead-end target: target {t[7:]} has no child target and no implementing task")
        for t in ("Target:T2", "Target:T5")}


def test_tc003_target_without_standard():
    s = graph(n("Target", "T1"), n("Target", "T2"), n("Standard", "S"), ("Target:T1", "governed_by", "Standard:S"))
    assert found(s, "TC003") == {"Target:T2": ("目标 T2 未对应任何标准", "target T2 is governed by no standard")}


def test_tc004_layer_inversion_names_every_inverted_parent():
    s = graph(n("Target", "M", layer="major"), n("Target", "C1", layer="course"), n("Target", "TE", layer="teacher"),
              n("Target", "SC", layer="school"), n("Target", "M2", layer="major"), n("Target", "NL"),
              n("Target", "X"), n("Target", "XC", layer="course"),
              ("Target:C1", "decomposes_to", "Target:M"), ("Target:TE", "decomposes_to", "Target:M"),
              ("Target:SC", "decomposes_to", "Target:M"), ("Target:M2", "decomposes_to", "Target:M"),
              ("Target:NL", "decomposes_to", "Target:M"),
              ("Target:XC", "decomposes_to", "Target:X"))  # X has no layer: not judged
    assert found(s, "TC004") == {"Target:M": (
        "层面倒置：目标 M（专业）的上级目标 C1（课程）、TE（教师） 所在层面低于它",
        "layer inversion: target M (major) has parent target C1 (course), TE (teacher) on a lower layer")}


def test_tc004_one_rank_apart_and_equal():
    s = graph(n("Target", "D", layer="department"), n("Target", "M", layer="major"), n("Target", "M2", layer="major"),
              ("Target:M", "decomposes_to", "Target:D"), ("Target:M2", "decomposes_to", "Target:M"))
    assert nodes(s, "TC004") == {"Target:D"}


def test_tc005_cycle_between_institution_items():
    s = graph(n("InstitutionItem", "X1"), n("InstitutionItem", "X2"),
              ("InstitutionItem:X1", "decomposes_to", "InstitutionItem:X2"),
              ("InstitutionItem:X2", "decomposes_to", "InstitutionItem:X1"))
    assert found(s, "TC005") == {"InstitutionItem:X1": (
        "分解环路：InstitutionItem:X1 → InstitutionItem:X2 → InstitutionItem:X1 构成循环（所在强连通分量共 2 个节点）",
        "decomposition cycle: InstitutionItem:X1 → InstitutionItem:X2 → InstitutionItem:X1 "
        "(strongly connected component of 2 node(s))")}


def test_tc005_cycle_through_a_standard_and_a_task():
    # standard → target → task → standard: decomposes_to / implemented_by between kinds of any sort
    s = graph(n("Standard", "B1"), n("Target", "T"), n("Task", "K"),
              ("Standard:B1", "decomposes_to", "Target:T"), ("Target:T", "implemented_by", "Task:K"),
              ("Task:K", "decomposes_to", "Standard:B1"))
    assert found(s, "TC005") == {"Standard:B1": (
        "分解环路：Standard:B1 → Target:T → Task:K → Standard:B1 构成循环（所在强连通分量共 3 个节点）",
        "decomposition cycle: Standard:B1 → Target:T → Task:K → Standard:B1 (strongly connected component of 3 node(s))")}


def test_tc005_closed_walk_over_other_edges_is_no_cycle():
    # plan → target → (based_on) plan: based_on is not a chain edge; governed_by neither
    s = graph(n("Plan", "P"), n("Target", "T"), n("Standard", "S"),
              ("Plan:P", "decomposes_to", "Target:T"), ("Target:T", "based_on", "Plan:P"),
              ("Target:T", "governed_by", "Standard:S"), ("Standard:S", "decomposes_to", "Target:T"))
    assert found(s, "TC005") == {}


def test_tc005_component_larger_than_the_cycle_shown():
    # A → B → A and B → C → A: one component of three; the cycle shown is the shortest back to
    # A's smallest predecessor (B).
    s = graph(n("Target", "A"), n("Target", "B"), n("Target", "C"),
              ("Target:A", "decomposes_to", "Target:B"), ("Target:B", "decomposes_to", "Target:A"),
              ("Target:B", "decomposes_to", "Target:C"), ("Target:C", "decomposes_to", "Target:A"))
    assert found(s, "TC005") == {"Target:A": (
        "分解环路：Target:A → Target:B → Target:A 构成循环（所在强连通分量共 3 个节点）",
        "decomposition cycle: Target:A → Target:B → Target:A (strongly connected component of 3 node(s))")}


def test_tc005_self_loop_through_includes_is_impossible_but_decomposes_self_loop_is_one():
    s = graph(n("Task", "K"), ("Task:K", "decomposes_to", "Task:K"))
    assert found(s, "TC005") == {"Task:K": ("分解环路：Task:K → Task:K 构成循环（所在强连通分量共 1 个节点）",
                                            "decomposition cycle: Task:K → Task:K (strongly connected component of 1 node(s))")}


def test_tc006_due_later_than_parents():
    s = graph(n("Plan", "PL", deadline="2025-12-31"), n("Target", "T1", deadline="2025-11-30"),
              n("Target", "T2", deadline="2026-01-01"),
              n("Target", "T3", deadline="2025-12-31"),  # same day as its plan: fine
              n("Target", "T4", deadline="2030-01-01"), n("Target", "NOD"),  # parent without deadline
              n("Task", "K", deadline="2025-12-01"), n("Task", "K2", deadline="2025-12"),
              n("Task", "K3", deadline="bad"),
              ("Plan:PL", "decomposes_to", "Target:T2"), ("Target:T1", "decomposes_to", "Target:T2"),
              ("Plan:PL", "decomposes_to", "Target:T3"), ("Target:NOD", "decomposes_to", "Target:T4"),
              ("Target:T1", "implemented_by", "Task:K"), ("Task:K", "decomposes_to", "Task:K2"),
              ("Target:T1", "implemented_by", "Task:K3"))
    assert found(s, "TC006") == {
        "Target:T2": ("目标 T2 的完成时限 2026-01-01 晚于上级 规划 PL（2025-12-31）、目标 T1（2025-11-30）",
                      "target T2 is due 2026-01-01, later than its parent plan PL (2025-12-31), target T1 (2025-11-30)"),
        "Task:K": ("任务 K 的完成时限 2025-12-01 晚于上级 目标 T1（2025-11-30）",
                   "task K is due 2025-12-01, later than its parent target T1 (2025-11-30)"),
        "Task:K2": ("任务 K2 的完成时限 2025-12-31 晚于上级 任务 K（2025-12-01）",
                    "task K2 is due 2025-12-31, later than its parent task K (2025-12-01)"),
    }


def test_tc007_target_without_owner():
    s = graph(U, n("Post", "P"), n("Person", "E"),
              n("Target", "LED"), ("Target:LED", "led_by", "OrgUnit:U1"),
              n("Target", "PER"), ("Target:PER", "assigned_to", "Person:E"),
              n("Target", "POS"), ("Target:POS", "assigned_to", "Post:P"),
              n("Target", "UNIT"), ("Target:UNIT", "assigned_to", "OrgUnit:U1"),  # a unit is no person
              n("Target", "NONE"))
    assert found(s, "TC007") == {
        t: (f"目标 {t[7:]} 既没有牵头部门，也没有责任人", f"target {t[7:]} has no lead unit and no responsible person")
        for t in ("Target:UNIT", "Target:NONE")}


def test_tc008_school_target_reaching_no_task():
    s = graph(n("Plan", "PL"), n("Task", "K"), n("Task", "K2"), n("Standard", "B"),
              n("Target", "S1", layer="school"), n("Target", "M1", layer="major"),
              ("Target:S1", "decomposes_to", "Target:M1"), ("Target:M1", "implemented_by", "Task:K"),
              n("Target", "S2", layer="school"), ("Target:S2", "decomposes_to", "Task:K2"),
              n("Target", "S3", layer="school"), ("Plan:PL", "decomposes_to", "Target:S3"),
              n("Target", "S4", layer="school"),  # reaches a task only through a standard
              ("Target:S4", "decomposes_to", "Standard:B"), ("Standard:B", "decomposes_to", "Task:K"),
              n("Target", "D1", layer="department"))  # not school: not judged
    assert found(s, "TC008") == {
        t: (f"学校层面目标 {t[7:]} 向下分解后没有任何落实任务", f"school-layer target {t[7:]} reaches no task at all")
        for t in ("Target:S3", "Target:S4")}


def test_tc008_reaching_a_task_through_a_plan():
    s = graph(n("Target", "S", layer="school"), n("Plan", "SUB"), n("Target", "M", layer="major"), n("Task", "K"),
              ("Target:S", "decomposes_to", "Plan:SUB"), ("Plan:SUB", "decomposes_to", "Target:M"),
              ("Target:M", "implemented_by", "Task:K"))
    assert found(s, "TC008") == {}


# -- tasks (TK) ----------------------------------------------------------------------------------
def test_tk001_orphan_task():
    s = graph(n("Target", "T"), n("Standard", "B"), n("Task", "P"),
              n("Task", "K1"), ("Target:T", "implemented_by", "Task:K1"),
              n("Task", "K2"), ("Target:T", "decomposes_to", "Task:K2"),
              n("Task", "K3"), ("Task:P", "decomposes_to", "Task:K3"),
              n("Task", "K4"), ("Standard:B", "decomposes_to", "Task:K4"))  # a standard is no target
    assert found(s, "TK001") == {
        t: (f"孤立任务：任务 {t[5:]} 既未关联目标，也没有上级任务",
            f"orphan task: task {t[5:]} is linked to no target and no parent task")
        for t in ("Task:P", "Task:K4")}


def test_tk002_task_without_owner():
    s = graph(U, n("Person", "E"),
              n("Task", "K1"), ("Task:K1", "led_by", "OrgUnit:U1"),
              n("Task", "K2"), ("Task:K2", "assigned_to", "OrgUnit:U1"),
              n("Task", "K3"), ("Task:K3", "assigned_to", "Person:E"),
              n("Task", "K4"))
    assert found(s, "TK002") == {"Task:K4": ("任务 K4 没有牵头部门、责任部门和责任人",
                                             "task K4 has no lead unit, no responsible unit and no responsible person")}


def test_tk003_overdue_tasks():
    s = graph(n("Task", "NORMAL", status="normal", deadline="2025-09-30"),
              n("Task", "TODAY", status="normal", deadline="2025-10-01"),  # due on as_of: not overdue
              n("Task", "DONE", status="completed", deadline="2025-01-01"),
              n("Task", "NOSTATUS", deadline="2025-01-31"),
              n("Task", "WARN", status="warning", deadline="2025-09"),
              n("Task", "NODATE", status="normal"), n("Task", "BADDATE", status="normal", deadline="soon"))
    assert found(s, "TK003") == {
        "Task:NORMAL": ("任务逾期：任务 NORMAL 完成时限 2025-09-30，截至 2025-10-01 状态为“正常”",
                        "overdue task: task NORMAL was due 2025-09-30; status on 2025-10-01: normal"),
        "Task:NOSTATUS": ("任务逾期：任务 NOSTATUS 完成时限 2025-01-31，截至 2025-10-01 状态为“未填写”",
                          "overdue task: task NOSTATUS was due 2025-01-31; status on 2025-10-01: unspecified"),
        "Task:WARN": ("任务逾期：任务 WARN 完成时限 2025-09-30，截至 2025-10-01 状态为“预警”",
                      "overdue task: task WARN was due 2025-09-30; status on 2025-10-01: warning"),
    }
    assert nodes(s, "TK003", dt.date(2025, 10, 2)) == {"Task:NORMAL", "Task:NOSTATUS", "Task:WARN",
                                                      "Task:TODAY"}


# -- standards and indicators (SI) -----------------------------------------------------------------
def test_si001_standard_without_indicator():
    s = graph(n("Standard", "B1"), n("Standard", "B2"), n("Indicator", "I"), n("Target", "T"),
              ("Indicator:I", "measures", "Standard:B1"), ("Indicator:I", "measures", "Target:T"))
    assert found(s, "SI001") == {"Standard:B2": ("标准 B2 没有任何指标测量", "standard B2 is measured by no indicator")}


def test_si002_indicator_without_owner():
    s = graph(U, n("Post", "P"), n("Person", "E"),
              n("Indicator", "IP"), ("Indicator:IP", "assigned_to", "Post:P"),
              n("Indicator", "IE"), ("Indicator:IE", "assigned_to", "Person:E"),
              n("Indicator", "IL"), ("Indicator:IL", "led_by", "OrgUnit:U1"),
              n("Indicator", "IU"), ("Indicator:IU", "assigned_to", "OrgUnit:U1"),
              n("Indicator", "IN"))
    assert found(s, "SI002") == {
        i: (f"指标 {i[10:]} 没有责任岗位、责任人和牵头部门",
            f"indicator {i[10:]} has no owner: no responsible post or person and no lead unit")
        for i in ("Indicator:IU", "Indicator:IN")}


def test_si003_indicator_without_threshold():
    s = graph(n("Indicator", "NUM", warning=0.8), n("Indicator", "YES", warning=True),
              n("Indicator", "NONE"),
              n("Indicator", "DASH", warning_text="—", target_value=0.9, target_value_text="≥90%"),
              n("Indicator", "WORD", warning="高"),
              n("Indicator", "PRINTED", target_value=0.95, target_value_text="≥95%"),
              n("Indicator", "PLAIN", target_value=0.95, target_value_text="95%"))
    assert found(s, "SI003") == {
        "Indicator:NONE": ("指标 NONE 未设预警值", "indicator NONE has no warning threshold"),
        "Indicator:DASH": ("指标 DASH 未设预警值（预警值写作“—”：本档无要求）",
                           "indicator DASH has no warning threshold (the warning is written '—': none at this grade)"),
        "Indicator:WORD": ("指标 WORD 未设预警值（“高”不是数值）", "indicator WORD has no warning threshold ('高' is not a number)"),
        "Indicator:PLAIN": ("指标 PLAIN 未设预警值", "indicator PLAIN has no warning threshold"),
    }


def indicator(code: str, *measurements: tuple[str, object, str] | tuple[str, object], **props):
    """An indicator and its measurements ``(date, value[, measurement code])``."""
    items: list = [n("Indicator", code, **props)]
    for k, m in enumerate(measurements):
        mcode = m[2] if len(m) > 2 else f"{code}-{k}"
        items += [n("Measurement", mcode, date=m[0], value=m[1]), (f"Measurement:{mcode}", "measurement_of",
                                                                   f"Indicator:{code}")]
    return items


def test_si004_messages_for_each_direction():
    s = graph(*indicator("GE", ("2025-06-01", 12.0), unit="人", warning=15, direction="ge"),
              *indicator("LE", ("2025-06-01", 0.25), unit="%", warning=0.2, direction="le"),
              *indicator("EQ", ("2025-06-01", "否"), warning=True),
              *indicator("TV", ("2025-06-01", 0.9), unit="%", target_value=0.95, target_value_text="≥95%",
                         direction="ge"))
    assert found(s, "SI004") == {
        "Indicator:GE": ("指标预警：指标 GE 最新测量值 12人（2025-06-01）低于预警值 15人（越高越好）",
                         "indicator breach: indicator GE latest value 12人 (2025-06-01) is below the warning threshold "
                         "15人 (higher is better)"),
        "Indicator:LE": ("指标预警：指标 LE 最新测量值 25%（2025-06-01）高于预警值 20%（越低越好）",
                         "indicator breach: indicator LE latest value 25% (2025-06-01) is above the warning threshold "
                         "20% (lower is better)"),
        "Indicator:EQ": ("指标预警：指标 EQ 最新测量值 否（2025-06-01）不符合预警值 是（应等于）",
                         "indicator breach: indicator EQ latest value 否 (2025-06-01) is not the warning threshold "
                         "是 (must equal)"),
        "Indicator:TV": ("指标预警：指标 TV 最新测量值 90%（2025-06-01）低于目标值 95%（越高越好）",
                         "indicator breach: indicator TV latest value 90% (2025-06-01) is below the target threshold "
                         "95% (higher is better)"),
    }


def test_si004_percent_only_when_both_are_fractions():
    # a value typed in percent against a fractional threshold is shown as typed, not multiplied
    s = graph(*indicator("MIX", ("2025-06-01", 0.5), unit="%", warning=80, direction="ge"))
    assert found(s, "SI004") == {"Indicator:MIX": (
        "指标预警：指标 MIX 最新测量值 0.5%（2025-06-01）低于预警值 80%（越高越好）",
        "indicator breach: indicator MIX latest value 0.5% (2025-06-01) is below the warning threshold 80% "
        "(higher is better)")}


def test_si004_no_direction_is_not_judged():
    # neither a direction nor a target to infer it from: not judged, whichever side the value is on
    s = graph(*indicator("HI", ("2025-06-01", 0.9), warning=0.8), *indicator("LO", ("2025-06-01", 0.1), warning=0.8),
              *indicator("SAME", ("2025-06-01", 0.1), warning=0.8, target_value=0.8))
    assert found(s, "SI004") == {}


def test_si004_value_exactly_at_the_threshold_is_no_breach():
    s = graph(*indicator("GE", ("2025-06-01", 80.0), warning=80, direction="ge"),
              *indicator("LE", ("2025-06-01", 5.0), warning=5, direction="le"),
              *indicator("GE2", ("2025-06-01", 79.9), warning=80, direction="ge"),
              *indicator("LE2", ("2025-06-01", 5.1), warning=5, direction="le"))
    assert nodes(s, "SI004") == {"Indicator:GE2", "Indicator:LE2"}


def test_si004_latest_measurement_ties_on_date_broken_by_id():
    s = graph(*indicator("A", ("2025-06-01", 90.0, "A-1"), ("2025-06-01", 70.0, "A-2"), warning=80, direction="ge"),
              *indicator("B", ("2025-06-01", 70.0, "B-1"), ("2025-06-01", 90.0, "B-2"), warning=80, direction="ge"),
              *indicator("C", ("2025-05-31", 70.0, "C-9"), ("2025-06-01", 90.0, "C-1"), warning=80, direction="ge"))
    assert nodes(s, "SI004") == {"Indicator:A"}
    assert "70（2025-06-01）" in found(s, "SI004")["Indicator:A"][0]


def test_si004_measurement_dated_as_of_counts_and_later_ones_do_not():
    s = graph(*indicator("ON", ("2025-01-01", 90.0), ("2025-10-01", 70.0), warning=80, direction="ge"),
              *indicator("AFTER", ("2025-01-01", 90.0), ("2025-10-02", 70.0), warning=80, direction="ge"))
    assert nodes(s, "SI004") == {"Indicator:ON"}
    assert "70（2025-10-01）" in found(s, "SI004")["Indicator:ON"][0]
    assert nodes(s, "SI004", dt.date(2025, 9, 30)) == set()


def test_si004_unreadable_and_other_kind_measurements_are_skipped():
    s = graph(*indicator("YN", ("2025-06-01", "否"), ("2025-07-01", 0.1), warning=True),  # a number on a yes/no
              *indicator("NUM", ("2025-06-01", 10.0), ("2025-07-01", "是"), ("bad", 0.0), ("2025-08-01", "n/a"),
                         warning=50, direction="ge"),
              *indicator("NOMEAS", warning=50, direction="ge"))
    got = found(s, "SI004")
    assert set(got) == {"Indicator:YN", "Indicator:NUM"}
    assert "否（2025-06-01）" in got["Indicator:YN"][0] and "10（2025-06-01）" in got["Indicator:NUM"][0]


def test_si004_direction_inferred_from_target_below_warning():
    s = graph(*indicator("INF", ("2025-06-01", 0.35), unit="%", warning=0.3, target_value=0.2))
    assert found(s, "SI004") == {"Indicator:INF": (
        "指标预警：指标 INF 最新测量值 35%（2025-06-01）高于预警值 30%（越低越好）",
        "indicator breach: indicator INF latest value 35% (2025-06-01) is above the warning threshold 30% "
        "(lower is better)")}


# -- responsibilities (RS) ---------------------------------------------------------------------------
def test_rs001_vacant_post():
    s = graph(n("Post", "VAC"), n("Post", "HELD"), n("Post", "IDLE"), n("Person", "E"),
              n("Indicator", "I1"), n("Task", "K1"), n("Task", "K2"),
              ("Indicator:I1", "assigned_to", "Post:VAC"), ("Task:K1", "assigned_to", "Post:VAC"),
              ("Task:K2", "assigned_to", "Post:HELD"), ("Person:E", "holds", "Post:HELD"))
    assert found(s, "RS001") == {"Post:VAC": ("空岗：岗位 VAC 承担 2 项工作，但无人任职",
                                              "vacant post: post VAC owns 2 item(s) but is held by nobody")}


def test_rs002_several_lead_units():
    s = graph(U, n("OrgUnit", "U2", name="质控办"), n("OrgUnit", "U0", name="学工处"),
              n("Indicator", "I"), n("Target", "T"), n("Target", "T1"), n("Task", "K"),
              ("Indicator:I", "led_by", "OrgUnit:U1"), ("Indicator:I", "led_by", "OrgUnit:U2"),
              ("Target:T", "led_by", "OrgUnit:U2"), ("Target:T", "led_by", "OrgUnit:U0"),
              ("Target:T", "led_by", "OrgUnit:U1"),
              ("Target:T1", "led_by", "OrgUnit:U1"),
              ("Task:K", "led_by", "OrgUnit:U1"), ("Task:K", "led_by", "OrgUnit:U2"))  # tasks are not judged
    assert found(s, "RS002") == {
        "Indicator:I": ("指标 I 有 2 个牵头部门：教务处、质控办", "indicator I has 2 lead units: 教务处, 质控办"),
        "Target:T": ("目标 T 有 3 个牵头部门：学工处、教务处、质控办", "target T has 3 lead units: 学工处, 教务处, 质控办"),
    }


# -- institution index (IS) ----------------------------------------------------------------------------
def test_is001_code_mismatch_names_every_item():
    s = graph(n("InstitutionItem", "E301"), n("InstitutionItem", "E302"),
              n("Regulation", "E303Z"), n("Process", "e301l"), n("Standard", "E301B"), n("Regulation", "E301Z"),
              ("InstitutionItem:E301", "includes", "Regulation:E303Z"),
              ("InstitutionItem:E302", "includes", "Regulation:E303Z"),
              ("InstitutionItem:E301", "includes", "Process:e301l"),  # case does not matter
              ("InstitutionItem:E302", "includes", "Standard:E301B"),
              ("InstitutionItem:E301", "includes", "Regulation:E301Z"))
    assert found(s, "IS001") == {
        "Regulation:E303Z": ("编号不符：制度 E303Z 挂在制度体系事项 E301、E302 下，应为 E301Z、E302Z",
                             "code mismatch: regulation E303Z is attached to institution item E301, E302, whose code "
                             "would be E301Z, E302Z"),
        "Standard:E301B": ("编号不符：标准 E301B 挂在制度体系事项 E302 下，应为 E302B",
                           "code mismatch: standard E301B is attached to institution item E302, whose code would be E302B"),
    }


def test_is002_third_level_item_incomplete():
    s = graph(n("InstitutionItem", "A"), n("InstitutionItem", "A1"), n("InstitutionItem", "A2"),
              n("Regulation", "A1Z"), n("Process", "A1L"), n("Standard", "A1B"), n("Process", "A2L"),
              n("InstitutionItem", "A3"),
              ("InstitutionItem:A", "decomposes_to", "InstitutionItem:A1"),
              ("InstitutionItem:A", "decomposes_to", "InstitutionItem:A2"),
              ("InstitutionItem:A1", "includes", "Regulation:A1Z"), ("InstitutionItem:A1", "includes", "Process:A1L"),
              ("InstitutionItem:A1", "includes", "Standard:A1B"), ("InstitutionItem:A2", "includes", "Process:A2L"))
    assert found(s, "IS002") == {
        "InstitutionItem:A2": ("三级事项 A2 缺少制度（Z）、标准（B）", "institution item A2 lacks: regulation (Z), standard (B)"),
        "InstitutionItem:A3": ("三级事项 A3 缺少制度（Z）、流程（L）、标准（B）",
                               "institution item A3 lacks: regulation (Z), process (L), standard (B)"),
    }


def test_is003_code_attached_twice():
    s = graph(n("InstitutionItem", "E1"), n("InstitutionItem", "E2"), n("InstitutionItem", "E3"),
              n("Regulation", "R"), n("Process", "P"), n("Standard", "B"),
              ("InstitutionItem:E1", "includes", "Regulation:R"), ("InstitutionItem:E2", "includes", "Regulation:R"),
              ("InstitutionItem:E3", "includes", "Regulation:R"),
              ("InstitutionItem:E1", "includes", "Process:P"), ("InstitutionItem:E2", "includes", "Standard:B"))
    assert found(s, "IS003") == {"Regulation:R": ("制度 R 同时挂在 3 个制度体系事项下：E1、E2、E3",
                                                  "regulation R is attached to 3 institution items: E1, E2, E3")}


def test_is004_process_without_regulation():
    s = graph(n("Regulation", "Z"), n("Process", "L1"), n("Process", "L2"), n("Process", "L3"),
              ("Process:L1", "follows", "Regulation:Z"), ("Process:L2", "follows", "Process:L1"))
    assert found(s, "IS004") == {
        p: (f"流程 {p[8:]} 未关联所遵循的制度（工作准则）", f"process {p[8:]} follows no regulation (工作准则)")
        for p in ("Process:L2", "Process:L3")}


# -- duties, plans, diagnosis points ----------------------------------------------------------------
def test_du001_du002_duties():
    s = graph(n("Post", "P"), n("Person", "E"),
              n("Duty", "D1", work_standard="按期完成"), ("Duty:D1", "assigned_to", "Post:P"),
              n("Duty", "D2", work_standard="  "), ("Duty:D2", "assigned_to", "Person:E"),
              n("Duty", "D3"))
    assert found(s, "DU001") == {d: (f"职责 {d[5:]} 未落实到岗位", f"duty {d[5:]} is assigned to no post")
                                 for d in ("Duty:D2", "Duty:D3")}
    assert found(s, "DU002") == {d: (f"职责 {d[5:]} 缺少工作标准", f"duty {d[5:]} has no work standard")
                                 for d in ("Duty:D2", "Duty:D3")}


def test_pl001_empty_plan():
    s = graph(n("Plan", "WT"), n("Target", "T"), ("Plan:WT", "decomposes_to", "Target:T"),
              n("Plan", "WP"), n("Plan", "SUB"), ("Plan:WP", "decomposes_to", "Plan:SUB"),
              n("Plan", "BASE"), n("Target", "T2"), ("Target:T2", "based_on", "Plan:BASE"),
              n("Plan", "TASKONLY"), n("Task", "K"), ("Plan:TASKONLY", "decomposes_to", "Task:K"))
    assert found(s, "PL001") == {
        p: (f"规划 {p[5:]} 既没有目标，也没有子规划", f"plan {p[5:]} has no targets and no sub-plans")
        for p in ("Plan:SUB", "Plan:TASKONLY")}


def test_dg001_point_without_lead_unit():
    s = graph(U, n("DiagnosisPoint", "1.1.1"), n("DiagnosisPoint", "1.1.2"),
              ("DiagnosisPoint:1.1.1", "led_by", "OrgUnit:U1"))
    assert found(s, "DG001") == {"DiagnosisPoint:1.1.2": ("诊断点 1.1.2 没有牵头部门", "diagnosis point 1.1.2 has no lead unit")}


def test_tc006_parents_listed_in_id_order_across_edge_types():
    # Task:A (decomposes_to, read first) and Target:T (implemented_by): listed by id, Target:T first
    s = graph(n("Target", "T", deadline="2025-03-31"), n("Task", "A", deadline="2025-04-30"),
              n("Task", "K", deadline="2025-05-31"),
              ("Target:T", "implemented_by", "Task:K"), ("Task:A", "decomposes_to", "Task:K"))
    assert found(s, "TC006")["Task:K"][0] == "任务 K 的完成时限 2025-05-31 晚于上级 目标 T（2025-03-31）、任务 A（2025-04-30）"


def test_si004_percent_shown_only_for_fractions_up_to_one():
    s = graph(*indicator("FULL", ("2025-06-01", 0.95), unit="%", warning=1.0, direction="ge"),  # 100% is a fraction
              *indicator("OVER", ("2025-06-01", 1.0), unit="%", warning=0.9, direction="le"),
              *indicator("BIGV", ("2025-06-01", 1.5), unit="%", warning=0.9, direction="le"),
              *indicator("BIGT", ("2025-06-01", 0.5), unit="%", warning=1.5, direction="ge"))
    got = {k: v[0] for k, v in found(s, "SI004").items()}
    assert got == {
        "Indicator:FULL": "指标预警：指标 FULL 最新测量值 95%（2025-06-01）低于预警值 100%（越高越好）",
        "Indicator:OVER": "指标预警：指标 OVER 最新测量值 100%（2025-06-01）高于预警值 90%（越低越好）",
        "Indicator:BIGV": "指标预警：指标 BIGV 最新测量值 1.5%（2025-06-01）高于预警值 0.9%（越低越好）",
        "Indicator:BIGT": "指标预警：指标 BIGT 最新测量值 0.5%（2025-06-01）低于预警值 1.5%（越高越好）",
    }
