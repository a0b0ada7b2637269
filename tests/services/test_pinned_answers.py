"""Owner, trace and impact answers pinned on a small hand-built college.

Every expected value below was worked out by hand from docs/rules.md ("Who must fix it: the owner
of a finding") and the JSON shapes of the README, not by running the code: the owner triple and
its completion (a post's holder, a person's post, the post's — else the person's — org unit), the
inheritance steps in their order and breadth first, the provenance ``chain`` edge by edge, trace's
entries (layer, deadline, inherited owner, ``via``, repeat references, ``truncated``) and impact's
breadth-first list with its depth limit.
"""

from __future__ import annotations

import pytest

from graph.model import Edge, Node
from graph.services.impact import impact
from graph.services.ownership import owner_of, owners_of, ref
from graph.services.trace import trace
from graph.subgraph import Subgraph

U1 = {"id": "OrgUnit:U1", "name": "教务处"}
U2 = {"id": "OrgUnit:U2", "name": "机电系"}
U3 = {"id": "OrgUnit:U3", "name": "质控办"}
P1 = {"id": "Post:P1", "name": "教学副主任"}
P2 = {"id": "Post:P2", "name": "空岗岗位"}
A = {"id": "Person:A", "name": "王老师"}
B = {"id": "Person:B", "name": "李老师"}


def step(a: str, edge: str, b: str) -> dict[str, str]:
    return {"from": a, "edge": edge, "to": b}


def owner(person=None, post=None, unit=None) -> dict:
    return {"person": person, "post": post, "unit": unit}


@pytest.fixture
def store(mem_store):
    """Units U1–U3; post P1 in 机电系 U2, held by 王老师 A, who is himself filed under 质控办 U3;
    vacant post P2 in U1; 李老师 B (no post) in U3; 赵老师 C (no post, no unit).

    Chain: plan PL (led by U1) → school target S (no owner) → major targets TA (led by U2) and TB
    (no owner); TA and TB → task K (assigned to A); K → sub-task K2 (no owner). Indicator IS
    measures S, IA measures TA (neither names an owner)."""
    mem_store.upsert_nodes([
        Node("OrgUnit", "U1", {"name": "教务处"}), Node("OrgUnit", "U2", {"name": "机电系"}),
        Node("OrgUnit", "U3", {"name": "质控办"}),
        Node("Post", "P1", {"name": "教学副主任"}), Node("Post", "P2", {"name": "空岗岗位"}),
        Node("Person", "A", {"name": "王老师"}), Node("Person", "B", {"name": "李老师"}),
        Node("Person", "C", {"name": "赵老师"}),
        Node("Plan", "PL", {"name": "十四五规划", "deadline": "2026-12-31"}),
        Node("Target", "S", {"name": "学校目标", "layer": "school", "deadline": "2026-06-30"}),
        Node("Target", "TA", {"name": "专业甲", "layer": "major"}),
        Node("Target", "TB", {"name": "专业乙", "layer": "major", "deadline": "2026-03-31"}),
        Node("Task", "K", {"name": "建设课程", "status": "normal", "deadline": "2025-06-30"}),
        Node("Task", "K2", {"name": "编写教材", "status": "completed"}),
        Node("Indicator", "IS", {"name": "就业率"}), Node("Indicator", "IA", {"name": "双证率"}),
    ])
    mem_store.upsert_edges([
        Edge("Post:P1", "part_of", "OrgUnit:U2"), Edge("Person:A", "holds", "Post:P1"),
        Edge("Person:A", "part_of", "OrgUnit:U3"), Edge("Post:P2", "part_of", "OrgUnit:U1"),
        Edge("Person:B", "part_of", "OrgUnit:U3"),
        Edge("Plan:PL", "led_by", "OrgUnit:U1"), Edge("Plan:PL", "decomposes_to", "Target:S"),
        Edge("Target:S", "decomposes_to", "Target:TA"), Edge("Target:S", "decomposes_to", "Target:TB"),
        Edge("Target:TA", "led_by", "OrgUnit:U2"),
        Edge("Target:TA", "implemented_by", "Task:K"), Edge("Target:TB", "implemented_by", "Task:K"),
        Edge("Task:K", "assigned_to", "Person:A"), Edge("Task:K", "decomposes_to", "Task:K2"),
        Edge("Indicator:IS", "measures", "Target:S"), Edge("Indicator:IA", "measures", "Target:TA"),
    ])
    return mem_store


def add(store, nodes=(), edges=()):
    store.upsert_nodes(list(nodes))
    store.upsert_edges([Edge(*e) for e in edges])


def answer(store, node_id: str, **kw) -> dict:
    return owner_of(store, store.get_node(node_id), **kw).to_dict()


# -- explicit owners and their completion ------------------------------------------------------
def test_lead_unit_alone(store):
    assert answer(store, "Target:TA") == {
        "node": "Target:TA", "owner": owner(unit=U2), "inherited_from": None,
        "chain": [step("Target:TA", "led_by", "OrgUnit:U2")]}


def test_person_completed_with_post_and_the_posts_unit_not_the_persons(store):
    # A holds P1 (in U2) but is filed under U3: the post's unit comes first.
    add(store, [Node("Task", "KA", {"name": "甲"})], [("Task:KA", "assigned_to", "Person:A")])
    assert answer(store, "Task:KA") == {
        "node": "Task:KA", "owner": owner(A, P1, U2), "inherited_from": None,
        "chain": [step("Task:KA", "assigned_to", "Person:A"), step("Person:A", "holds", "Post:P1"),
                  step("Post:P1", "part_of", "OrgUnit:U2")]}


def test_post_completed_with_holder_and_unit(store):
    add(store, [Node("Indicator", "IP", {"name": "乙"})], [("Indicator:IP", "assigned_to", "Post:P1")])
    assert answer(store, "Indicator:IP") == {
        "node": "Indicator:IP", "owner": owner(A, P1, U2), "inherited_from": None,
        "chain": [step("Indicator:IP", "assigned_to", "Post:P1"), step("Post:P1", "^holds", "Person:A"),
                  step("Post:P1", "part_of", "OrgUnit:U2")]}


def test_vacant_post_has_no_person(store):
    add(store, [Node("Indicator", "IV", {"name": "丙"})], [("Indicator:IV", "assigned_to", "Post:P2")])
    assert answer(store, "Indicator:IV") == {
        "node": "Indicator:IV", "owner": owner(None, P2, U1), "inherited_from": None,
        "chain": [step("Indicator:IV", "assigned_to", "Post:P2"), step("Post:P2", "part_of", "OrgUnit:U1")]}


def test_person_without_post_takes_their_own_unit(store):
    add(store, [Node("Task", "KB", {"name": "丁"})], [("Task:KB", "assigned_to", "Person:B")])
    assert answer(store, "Task:KB") == {
        "node": "Task:KB", "owner": owner(B, None, U3), "inherited_from": None,
        "chain": [step("Task:KB", "assigned_to", "Person:B"), step("Person:B", "part_of", "OrgUnit:U3")]}


def test_lead_unit_is_not_replaced_by_the_persons_unit(store):
    add(store, [Node("Target", "TL", {"name": "戊"})],
        [("Target:TL", "led_by", "OrgUnit:U3"), ("Target:TL", "assigned_to", "Person:A")])
    assert answer(store, "Target:TL") == {
        "node": "Target:TL", "owner": owner(A, P1, U3), "inherited_from": None,
        "chain": [step("Target:TL", "led_by", "OrgUnit:U3"), step("Target:TL", "assigned_to", "Person:A"),
                  step("Person:A", "holds", "Post:P1")]}


def test_lead_unit_before_responsible_unit_and_first_lead_unit_kept(store):
    add(store, [Node("Target", "TU", {"name": "己"})],
        [("Target:TU", "led_by", "OrgUnit:U3"), ("Target:TU", "led_by", "OrgUnit:U1"),
         ("Target:TU", "assigned_to", "OrgUnit:U2")])
    # Two lead units (RS002 reports that): the first in id order answers; the responsible unit U2
    # does not replace it.
    assert answer(store, "Target:TU") == {
        "node": "Target:TU", "owner": owner(unit=U1), "inherited_from": None,
        "chain": [step("Target:TU", "led_by", "OrgUnit:U1")]}


def test_responsible_unit_alone(store):
    add(store, [Node("Task", "KU", {"name": "庚"})], [("Task:KU", "assigned_to", "OrgUnit:U3")])
    assert answer(store, "Task:KU") == {
        "node": "Task:KU", "owner": owner(unit=U3), "inherited_from": None,
        "chain": [step("Task:KU", "assigned_to", "OrgUnit:U3")]}


def test_two_responsible_people_first_kept(store):
    add(store, [Node("Task", "KP", {"name": "辛"})],
        [("Task:KP", "assigned_to", "Person:B"), ("Task:KP", "assigned_to", "Person:A")])
    assert answer(store, "Task:KP")["owner"] == owner(A, P1, U2)


# -- owners of org units, people and posts: themselves, completed ------------------------------
def test_owner_of_an_org_unit_is_itself(store):
    assert answer(store, "OrgUnit:U2") == {"node": "OrgUnit:U2", "owner": owner(unit=U2),
                                           "inherited_from": None, "chain": []}


def test_owner_of_a_person(store):
    assert answer(store, "Person:A") == {
        "node": "Person:A", "owner": owner(A, P1, U2), "inherited_from": None,
        "chain": [step("Person:A", "holds", "Post:P1"), step("Post:P1", "part_of", "OrgUnit:U2")]}


def test_owner_of_a_post(store):
    assert answer(store, "Post:P1") == {
        "node": "Post:P1", "owner": owner(A, P1, U2), "inherited_from": None,
        "chain": [step("Post:P1", "^holds", "Person:A"), step("Post:P1", "part_of", "OrgUnit:U2")]}


def test_owner_of_a_person_with_nothing_else(store):
    ans = owner_of(store, store.get_node("Person:C"))
    assert ans.found and ans.to_dict()["owner"] == owner({"id": "Person:C", "name": "赵老师"})
    assert ans.chain == [] and ans.inherited_from is None


# -- inherited owners ------------------------------------------------------------------------
def test_measurement_inherits_three_steps_up_and_names_itself(store):
    add(store, [Node("Indicator", "IN", {"name": "壬"}), Node("Target", "TN", {"name": "癸"}),
                Node("Measurement", "M", {"date": "2025-05-01", "value": 0.5})],
        [("Measurement:M", "measurement_of", "Indicator:IN"), ("Indicator:IN", "measures", "Target:TN"),
         ("Target:TA", "decomposes_to", "Target:TN")])
    assert answer(store, "Measurement:M") == {
        "node": "Measurement:M", "owner": owner(unit=U2), "inherited_from": "Target:TA",
        "chain": [step("Measurement:M", "measurement_of", "Indicator:IN"),
                  step("Indicator:IN", "measures", "Target:TN"),
                  step("Target:TN", "^decomposes_to", "Target:TA"),
                  step("Target:TA", "led_by", "OrgUnit:U2")]}


def test_max_hops_limits_the_search(store):
    add(store, [Node("Indicator", "IN", {"name": "壬"}), Node("Target", "TN", {"name": "癸"}),
                Node("Measurement", "M", {"date": "2025-05-01", "value": 0.5})],
        [("Measurement:M", "measurement_of", "Indicator:IN"), ("Indicator:IN", "measures", "Target:TN"),
         ("Target:TA", "decomposes_to", "Target:TN")])
    m = store.get_node("Measurement:M")
    # TA, the first node with an owner, is three steps up.
    assert owner_of(store, m, max_hops=3).inherited_from == "Target:TA"
    assert not owner_of(store, m, max_hops=2).found
    assert not owner_of(store, m, max_hops=0).found
    whole = Subgraph.read(store)  # a view holding everything: only max_hops stops the search
    assert owners_of(whole, [m], max_hops=3)["Measurement:M"].inherited_from == "Target:TA"
    limited = owners_of(whole, [m], max_hops=2)["Measurement:M"]
    assert not limited.found and limited.to_dict() == {"node": "Measurement:M", "owner": owner(),
                                                       "inherited_from": None, "chain": []}


def test_task_inherits_from_its_parent_task(store):
    assert answer(store, "Task:K2") == {
        "node": "Task:K2", "owner": owner(A, P1, U2), "inherited_from": "Task:K",
        "chain": [step("Task:K2", "^decomposes_to", "Task:K"), step("Task:K", "assigned_to", "Person:A"),
                  step("Person:A", "holds", "Post:P1"), step("Post:P1", "part_of", "OrgUnit:U2")]}


def test_nearest_owner_wins_breadth_first(store):
    # IX measures S (no owner; its plan, two steps up, has one) and a standard led by U3 (one
    # step up): the standard is nearer, although S comes first in the order of the steps.
    add(store, [Node("Indicator", "IX", {"name": "子"}), Node("Standard", "ZS", {"name": "标准"})],
        [("Indicator:IX", "measures", "Target:S"), ("Indicator:IX", "measures", "Standard:ZS"),
         ("Standard:ZS", "led_by", "OrgUnit:U3")])
    ans = answer(store, "Indicator:IX")
    assert ans["inherited_from"] == "Standard:ZS" and ans["owner"] == owner(unit=U3)
    assert ans["chain"] == [step("Indicator:IX", "measures", "Standard:ZS"),
                            step("Standard:ZS", "led_by", "OrgUnit:U3")]


def test_step_order_decides_between_parents_at_the_same_distance(store):
    # KD implements TA (led by U2) and is a sub-task of K (A's): <-decomposes_to- comes before
    # <-implemented_by- in the steps, so K answers.
    add(store, [Node("Task", "KD", {"name": "丑"})],
        [("Target:TA", "implemented_by", "Task:KD"), ("Task:K", "decomposes_to", "Task:KD")])
    ans = answer(store, "Task:KD")
    assert ans["inherited_from"] == "Task:K" and ans["owner"] == owner(A, P1, U2)


def test_regulation_inherits_from_its_institution_item(store):
    add(store, [Node("InstitutionItem", "E301", {"name": "事项"}), Node("Regulation", "E301Z", {"name": "制度"})],
        [("InstitutionItem:E301", "includes", "Regulation:E301Z"), ("InstitutionItem:E301", "led_by", "OrgUnit:U1")])
    assert answer(store, "Regulation:E301Z") == {
        "node": "Regulation:E301Z", "owner": owner(unit=U1), "inherited_from": "InstitutionItem:E301",
        "chain": [step("Regulation:E301Z", "^includes", "InstitutionItem:E301"),
                  step("InstitutionItem:E301", "led_by", "OrgUnit:U1")]}


def test_cycle_without_owner_ends_with_no_owner(store):
    add(store, [Node("Target", "X", {"name": "X"}), Node("Target", "Y", {"name": "Y"})],
        [("Target:X", "decomposes_to", "Target:Y"), ("Target:Y", "decomposes_to", "Target:X")])
    ans = owner_of(store, store.get_node("Target:X"))
    assert not ans.found and ans.inherited_from is None and ans.chain == []


def test_owners_of_answers_each_node(store):
    got = owners_of(store, [store.get_node("Target:TB"), store.get_node("Indicator:IA")])
    assert {k: (v.inherited_from, v.owner_dict()) for k, v in got.items()} == {
        "Target:TB": ("Plan:PL", owner(unit=U1)),
        "Indicator:IA": ("Target:TA", owner(unit=U2)),
    }


def test_ref():
    assert ref(None) is None
    assert ref(Node("OrgUnit", "U9", {"name": "九"})) == {"id": "OrgUnit:U9", "name": "九"}


# -- trace -----------------------------------------------------------------------------------
def entry(nid, kind, name, *, layer=None, own=None, inherited=None, status=None, deadline=None, **more):
    e = {"id": nid, "kind": kind, "name": name, "layer": layer, "owner": own or owner(),
         "owner_inherited_from": inherited, "status": status, "deadline": deadline}
    e.update(more)
    return e


K2_DOWN = entry("Task:K2", "Task", "编写教材", own=owner(A, P1, U2), inherited="Task:K", status="completed",
                via="decomposes_to", children=[])


def test_trace_down_in_full(store):
    expected = entry(
        "Plan:PL", "Plan", "十四五规划", own=owner(unit=U1), deadline="2026-12-31", children=[
            entry("Target:S", "Target", "学校目标", layer="school", own=owner(unit=U1), inherited="Plan:PL",
                  deadline="2026-06-30", via="decomposes_to", children=[
                      entry("Target:TA", "Target", "专业甲", layer="major", own=owner(unit=U2),
                            via="decomposes_to", children=[
                                entry("Task:K", "Task", "建设课程", own=owner(A, P1, U2), status="normal",
                                      deadline="2025-06-30", via="implemented_by", children=[K2_DOWN])]),
                      entry("Target:TB", "Target", "专业乙", layer="major", own=owner(unit=U1),
                            inherited="Plan:PL", deadline="2026-03-31", via="decomposes_to", children=[
                                {"id": "Task:K", "kind": "Task", "name": "建设课程", "ref": True, "children": []}]),
                  ])])
    assert trace(store, store.get_node("Plan:PL")) == expected


def test_trace_up_in_full(store):
    plan_up = entry("Plan:PL", "Plan", "十四五规划", own=owner(unit=U1), deadline="2026-12-31",
                    via="decomposes_to", parents=[])
    expected = entry(
        "Task:K2", "Task", "编写教材", own=owner(A, P1, U2), inherited="Task:K", status="completed", parents=[
            entry("Task:K", "Task", "建设课程", own=owner(A, P1, U2), status="normal", deadline="2025-06-30",
                  via="decomposes_to", parents=[
                      entry("Target:TA", "Target", "专业甲", layer="major", own=owner(unit=U2),
                            via="implemented_by", parents=[
                                entry("Target:S", "Target", "学校目标", layer="school", own=owner(unit=U1),
                                      inherited="Plan:PL", deadline="2026-06-30", via="decomposes_to",
                                      parents=[plan_up])]),
                      entry("Target:TB", "Target", "专业乙", layer="major", own=owner(unit=U1),
                            inherited="Plan:PL", deadline="2026-03-31", via="implemented_by", parents=[
                                {"id": "Target:S", "kind": "Target", "name": "学校目标", "ref": True,
                                 "parents": []}]),
                  ])])
    assert trace(store, store.get_node("Task:K2"), "up") == expected


def test_trace_depth_zero_one_two(store):
    pl = store.get_node("Plan:PL")
    root = trace(store, pl, depth=0)
    assert root["children"] == [] and root["truncated"] == 1 and "via" not in root
    one = trace(store, pl, depth=1)
    assert "truncated" not in one
    assert [(c["id"], c["children"], c["truncated"]) for c in one["children"]] == [("Target:S", [], 2)]
    two = trace(store, pl, depth=2)
    s = two["children"][0]
    assert "truncated" not in s
    assert [(c["id"], c["via"], c["children"], c["truncated"]) for c in s["children"]] == [
        ("Target:TA", "decomposes_to", [], 1), ("Target:TB", "decomposes_to", [], 1)]


def test_trace_of_a_leaf_at_depth_zero_is_not_truncated(store):
    leaf = trace(store, store.get_node("Task:K2"), depth=0)
    assert leaf["children"] == [] and "truncated" not in leaf
    assert trace(store, store.get_node("Task:K2")) == {k: v for k, v in K2_DOWN.items() if k != "via"}


# -- impact ----------------------------------------------------------------------------------
def affected(nid, kind, name, depth, via, own):
    return {"id": nid, "kind": kind, "name": name, "depth": depth, "via": via, "owner": own}


IMPACT_S = [
    affected("Target:TA", "Target", "专业甲", 1, "decomposes_to", owner(unit=U2)),
    affected("Target:TB", "Target", "专业乙", 1, "decomposes_to", owner(unit=U1)),
    affected("Indicator:IS", "Indicator", "就业率", 1, "^measures", owner(unit=U1)),
    affected("Task:K", "Task", "建设课程", 2, "implemented_by", owner(A, P1, U2)),
    affected("Indicator:IA", "Indicator", "双证率", 2, "^measures", owner(unit=U2)),
    affected("Task:K2", "Task", "编写教材", 3, "decomposes_to", owner(A, P1, U2)),
]


def test_impact_in_full(store):
    assert impact(store, store.get_node("Target:S")) == {
        "node": "Target:S", "affected": IMPACT_S,
        "units": [{**U2, "count": 4}, {**U1, "count": 2}],
        "people": [{**A, "count": 2}]}


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_impact_max_depth(store, depth):
    got = impact(store, store.get_node("Target:S"), max_depth=depth)
    assert got["affected"] == [a for a in IMPACT_S if a["depth"] <= depth]


def test_impact_units_ordered_by_count_then_id(store):
    got = impact(store, store.get_node("Target:S"), max_depth=1)
    assert got["units"] == [{**U1, "count": 2}, {**U2, "count": 1}] and got["people"] == []
    # A tie is broken by id: U1 before U2.
    add(store, [Node("Target", "TC", {"name": "寅"})],
        [("Target:S", "decomposes_to", "Target:TC"), ("Target:TC", "led_by", "OrgUnit:U2")])
    got = impact(store, store.get_node("Target:S"), max_depth=1)
    assert got["units"] == [{**U1, "count": 2}, {**U2, "count": 2}]


def test_default_search_goes_fifty_levels_up(mem_store):
    """A chain of targets T0 ← T1 ← … ← T51 (T51 decomposes to T50 … to T0), only the top one led
    by a unit: owner_of looks 50 levels up by default, so T50 inherits it and T51 does not."""
    add(mem_store, [U_NODE] + [Node("Target", f"T{i}", {"name": f"T{i}"}) for i in range(52)],
        [(f"Target:T{i}", "decomposes_to", f"Target:T{i + 1}") for i in range(51)]
        + [("Target:T0", "led_by", "OrgUnit:U1")])
    t50, t51 = mem_store.get_node("Target:T50"), mem_store.get_node("Target:T51")
    assert owner_of(mem_store, t50).inherited_from == "Target:T0"
    assert not owner_of(mem_store, t51).found
    whole = Subgraph.read(mem_store)
    got = owners_of(whole, iter([t50, t51]))  # any iterable of nodes, read once
    assert got["Target:T50"].inherited_from == "Target:T0" and not got["Target:T51"].found
    got = owners_of(mem_store, (n for n in [t50, t51]))
    assert got["Target:T50"].inherited_from == "Target:T0" and not got["Target:T51"].found


U_NODE = Node("OrgUnit", "U1", {"name": "教务处"})


# -- cycles (chains) ---------------------------------------------------------------------------
def test_find_cycles_ordered_by_start_and_one_per_component():
    from graph.services.chains import find_cycles

    pairs = [("Z1", "Z2"), ("Z2", "Z1"), ("A", "Z"), ("Z", "A"), ("B", "C"), ("C", "B"), ("D", "D"), ("Q", "R"),
             ("E", "F"), ("F", "E"), ("E", "E")]
    # by start id, whatever the second node; a component with a self-loop at its start shows that loop
    assert find_cycles(pairs) == [(["A", "Z", "A"], 2), (["B", "C", "B"], 2), (["D", "D"], 1), (["E", "E"], 2),
                                  (["Z1", "Z2", "Z1"], 2)]


def test_closes_cycle(store):
    from graph.services.chains import closes_cycle

    # PL → S → TA → K → K2 along the chain
    assert closes_cycle(store, "Task:K2", "Plan:PL")  # PL leads down to K2
    assert closes_cycle(store, "Target:TA", "Target:S")
    assert closes_cycle(store, "Task:K", "Task:K")  # a self-loop
    assert not closes_cycle(store, "Plan:PL", "Task:K2")  # K2 leads nowhere: PL → K2 is a shortcut, no cycle
    assert not closes_cycle(store, "Target:TA", "Target:TB")  # siblings
    assert not closes_cycle(store, "Indicator:IA", "Target:TA")  # measures is no chain edge


def test_owner_search_visits_each_parent_once(mem_store):
    """A ladder of 24 levels, each of two targets decomposing into both of the level below: 2^24
    paths from the bottom to the top, 48 nodes. Each node is looked at once, so the answer (no owner
    anywhere; then the unit on top) comes at once."""
    levels = 24
    ids = [[f"L{i}a", f"L{i}b"] for i in range(levels)]
    add(mem_store, [U_NODE] + [Node("Target", c, {"name": c}) for pair in ids for c in pair],
        [(f"Target:{p}", "decomposes_to", f"Target:{c}") for i in range(levels - 1)
         for p in ids[i] for c in ids[i + 1]])
    bottom = mem_store.get_node(f"Target:L{levels - 1}a")
    assert not owner_of(mem_store, bottom).found
    add(mem_store, [], [("Target:L0b", "led_by", "OrgUnit:U1")])
    ans = owner_of(mem_store, bottom)
    assert ans.inherited_from == "Target:L0b" and len(ans.chain) == levels
