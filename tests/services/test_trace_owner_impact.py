"""Trace, ownership with provenance, impact and id resolution on small hand-built graphs."""

from __future__ import annotations

import pytest

from graph.errors import AmbiguousIdError, NotFoundError
from graph.model import Edge, Node
from graph.services.impact import impact
from graph.services.ownership import owner_of
from graph.services.resolve import resolve_node
from graph.services.trace import trace, walk_trace


def college(store):
    """plan P → school S → dept D → {major M1, major M2}; M1, M2 → shared course C; C → task K
    (assigned to teacher T1, who holds post P-T in 机电系); indicator I measures M1 (no owner);
    indicator J names its own post."""
    store.upsert_nodes([
        Node("OrgUnit", "U-JW", {"name": "教务处"}),
        Node("OrgUnit", "U-JD", {"name": "机电系"}),
        Node("Post", "P-T", {"name": "专任教师"}),
        Node("Post", "P-K", {"name": "质控专员"}),
        Node("Person", "T1", {"name": "王老师"}),
        Node("Person", "T2", {"name": "李老师"}),
        Node("Plan", "P", {"name": "总规划", "level": "1"}),
        Node("Target", "S", {"name": "学校目标", "layer": "school"}),
        Node("Target", "D", {"name": "系部目标", "layer": "department"}),
        Node("Target", "M1", {"name": "专业一", "layer": "major"}),
        Node("Target", "M2", {"name": "专业二", "layer": "major"}),
        Node("Target", "C", {"name": "课程", "layer": "course"}),
        Node("Task", "K", {"name": "建设课程", "status": "normal", "deadline": "2025-06-30"}),
        Node("Indicator", "I", {"name": "就业率"}),
        Node("Indicator", "J", {"name": "双师比例"}),
    ])
    store.upsert_edges([
        Edge("Person:T1", "holds", "Post:P-T"), Edge("Post:P-T", "part_of", "OrgUnit:U-JD"),
        Edge("Person:T2", "holds", "Post:P-K"), Edge("Post:P-K", "part_of", "OrgUnit:U-JW"),
        Edge("Plan:P", "decomposes_to", "Target:S"), Edge("Target:S", "decomposes_to", "Target:D"),
        Edge("Target:D", "decomposes_to", "Target:M1"), Edge("Target:D", "decomposes_to", "Target:M2"),
        Edge("Target:M1", "decomposes_to", "Target:C"), Edge("Target:M2", "decomposes_to", "Target:C"),
        Edge("Target:C", "implemented_by", "Task:K"), Edge("Task:K", "assigned_to", "Person:T1"),
        Edge("Target:S", "led_by", "OrgUnit:U-JW"), Edge("Target:D", "led_by", "OrgUnit:U-JD"),
        Edge("Indicator:I", "measures", "Target:M1"), Edge("Indicator:J", "assigned_to", "Post:P-K"),
    ])


def test_trace_down_reaches_the_teacher_task_and_shows_shared_subtree_once(any_store):
    college(any_store)
    tree = trace(any_store, any_store.get_node("Plan:P"))
    entries = list(walk_trace(tree))
    full = [e["id"] for e in entries if not e.get("ref")]
    refs = [e["id"] for e in entries if e.get("ref")]
    assert full.count("Target:C") == 1 and refs == ["Target:C"]
    task = next(e for e in entries if e["id"] == "Task:K")
    assert task["owner"]["person"] == {"id": "Person:T1", "name": "王老师"}
    assert task["owner"]["unit"]["name"] == "机电系"
    assert task["status"] == "normal" and task["via"] == "implemented_by"
    # The plan names no owner and nothing is above it; the school target below it leads 教务处.
    assert (tree["kind"], tree["layer"], tree["status"], tree["deadline"]) == ("Plan", None, None, None)
    assert tree["owner"] == {"person": None, "post": None, "unit": None} and tree["owner_inherited_from"] is None
    school = tree["children"][0]
    assert (school["id"], school["layer"], school["via"]) == ("Target:S", "school", "decomposes_to")
    assert school["owner"]["unit"] == {"id": "OrgUnit:U-JW", "name": "教务处"}
    assert task["deadline"] == "2025-06-30" and task["owner_inherited_from"] is None


def test_trace_depth_truncates_and_says_so(any_store):
    college(any_store)
    tree = trace(any_store, any_store.get_node("Target:S"), depth=1)
    assert [c["id"] for c in tree["children"]] == ["Target:D"]
    assert tree["children"][0]["children"] == [] and tree["children"][0]["truncated"] == 2


def test_trace_up_reaches_school_goal_and_plan(any_store):
    college(any_store)
    tree = trace(any_store, any_store.get_node("Task:K"), "up")
    ids = [e["id"] for e in walk_trace(tree, "parents")]
    assert "Target:S" in ids and "Plan:P" in ids
    assert tree["parents"][0]["id"] == "Target:C"


def test_owner_inherited_through_what_the_indicator_measures(any_store):
    college(any_store)
    ans = owner_of(any_store, any_store.get_node("Indicator:I")).to_dict()
    # M1 has no owner; its parent D is led by 机电系.
    assert ans["owner"]["unit"] == {"id": "OrgUnit:U-JD", "name": "机电系"}
    assert ans["inherited_from"] == "Target:D"
    assert [s["to"] for s in ans["chain"]] == ["Target:M1", "Target:D", "OrgUnit:U-JD"]
    assert ans["chain"][1]["edge"] == "^decomposes_to"


def test_explicit_owner_completed_from_post(any_store):
    college(any_store)
    ans = owner_of(any_store, any_store.get_node("Indicator:J")).to_dict()
    assert ans["inherited_from"] is None
    assert ans["owner"]["post"]["id"] == "Post:P-K"
    assert ans["owner"]["person"]["id"] == "Person:T2"
    assert ans["owner"]["unit"]["id"] == "OrgUnit:U-JW"


def test_owner_of_an_orphan_is_empty(any_store):
    any_store.upsert_nodes([Node("Indicator", "lonely")])
    ans = owner_of(any_store, any_store.get_node("Indicator:lonely"))
    assert not ans.found and ans.to_dict()["owner"] == {"person": None, "post": None, "unit": None}


def test_impact_lists_downstream_and_owners(any_store):
    college(any_store)
    result = impact(any_store, any_store.get_node("Target:D"))
    ids = [a["id"] for a in result["affected"]]
    # breadth first: M1 and M2 at depth 1; C (below M1) and I (measuring M1) at 2; K at 3.
    assert ids == ["Target:M1", "Target:M2", "Target:C", "Indicator:I", "Task:K"]
    assert [a["depth"] for a in result["affected"]] == [1, 1, 2, 2, 3]
    assert {u["id"]: u["count"] for u in result["units"]}["OrgUnit:U-JD"] == 5
    assert result["people"] == [{"id": "Person:T1", "name": "王老师", "count": 1}]


def test_resolve_ids(any_store):
    college(any_store)
    any_store.upsert_nodes([Node("Standard", "C", {"name": "课程标准"})])
    assert resolve_node(any_store, "Task:K").id == "Task:K"
    assert resolve_node(any_store, "M2").id == "Target:M2"
    with pytest.raises(AmbiguousIdError) as amb:
        resolve_node(any_store, "C")
    assert amb.value.candidates == ["Standard:C", "Target:C"]
    with pytest.raises(NotFoundError) as nf:
        resolve_node(any_store, "Target:M3")
    assert "Target:M1" in nf.value.suggestions
