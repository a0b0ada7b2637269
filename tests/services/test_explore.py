"""graph.services.explore (node detail, capped neighbourhood, trace trees for display, finding
filters), graph.services.completeness (chain completeness per unit) and
ingest.upload.check_load (the dry-run validation report) on small hand-built graphs."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.errors import IngestError  # noqa: E402
from graph.model import Edge, Node  # noqa: E402
from graph.checks import run_checks  # noqa: E402
from graph.services.completeness import chain_completeness  # noqa: E402
from graph.services.explore import (  # noqa: E402
    cap_tree,
    count_tree,
    flatten_tree,
    neighbourhood_graph,
    node_detail,
    select_findings,
)
from graph.services.edit import concurrent  # noqa: E402
from ingest.upload import check_load  # noqa: E402
from graph.services.trace import trace  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402


def college(store):
    """plan P → school target S (led by 教务处) → dept targets D1 (led by 机电系), D2 (no lead);
    D1 → task K1 (assigned to 王老师, 机电系); D2 → task K2 (no person); indicator I measures D1;
    indicator J is assigned to the post of 李老师."""
    store.upsert_nodes([
        Node("OrgUnit", "JW", {"name": "教务处"}), Node("OrgUnit", "JD", {"name": "机电系"}),
        Node("Post", "PT", {"name": "专任教师"}), Node("Post", "PK", {"name": "质控专员"}),
        Node("Person", "T1", {"name": "王老师"}), Node("Person", "T2", {"name": "李老师"}),
        Node("Plan", "P", {"name": "总规划"}),
        Node("Target", "S", {"name": "学校目标", "layer": "school"}),
        Node("Target", "D1", {"name": "机电目标", "layer": "department"}),
        Node("Target", "D2", {"name": "无人目标", "layer": "department"}),
        Node("Task", "K1", {"name": "建设课程", "status": "normal"}),
        Node("Task", "K2", {"name": "无人任务", "status": "warning"}),
        Node("Indicator", "I", {"name": "就业率"}), Node("Indicator", "J", {"name": "双师比例"}),
    ])
    store.upsert_edges([
        Edge("Person:T1", "holds", "Post:PT"), Edge("Post:PT", "part_of", "OrgUnit:JD"),
        Edge("Person:T2", "holds", "Post:PK"), Edge("Post:PK", "part_of", "OrgUnit:JW"),
        Edge("Plan:P", "decomposes_to", "Target:S"), Edge("Target:S", "decomposes_to", "Target:D1"),
        Edge("Target:S", "decomposes_to", "Target:D2"), Edge("Target:D1", "implemented_by", "Task:K1"),
        Edge("Target:D2", "implemented_by", "Task:K2"), Edge("Task:K1", "assigned_to", "Person:T1"),
        Edge("Target:S", "led_by", "OrgUnit:JW"), Edge("Target:D1", "led_by", "OrgUnit:JD"),
        Edge("Indicator:I", "measures", "Target:D1"), Edge("Indicator:J", "assigned_to", "Post:PK"),
    ])
    return store


@pytest.fixture
def store(any_store):
    """The small college on every backend (Neo4j where NEO4J_URI is set)."""
    return college(any_store)


def test_node_detail_groups_relations_by_edge_and_direction(store):
    d = node_detail(store, store.get_node("Target:D1"))
    assert d["id"] == "Target:D1" and d["code"] == "D1" and d["props"]["layer"] == "department"
    groups = {(r["direction"], r["edge"]): [i["id"] for i in r["items"]] for r in d["relations"]}
    assert groups == {
        ("out", "implemented_by"): ["Task:K1"], ("out", "led_by"): ["OrgUnit:JD"],
        ("in", "decomposes_to"): ["Target:S"], ("in", "measures"): ["Indicator:I"],
    }
    assert [r["direction"] for r in d["relations"]] == ["out", "out", "in", "in"]


def test_neighbourhood_graph_respects_depth_and_cap_and_says_what_it_left_out(store):
    s = store.get_node("Target:S")
    one = neighbourhood_graph(store, s, depth=1)
    assert {n["id"] for n in one["nodes"]} == {"Target:S", "Plan:P", "Target:D1", "Target:D2", "OrgUnit:JW"}
    assert one["omitted"] == 0 and one["nodes"][0] == {"id": "Target:S", "kind": "Target", "code": "S",
                                                        "name": "学校目标", "depth": 0, "parent": None,
                                                        "via": None, "side": None, "hidden": 0}
    assert {(e["source"], e["target"]) for e in one["edges"]} >= {("Plan:P", "Target:S"), ("Target:S", "OrgUnit:JW")}
    capped = neighbourhood_graph(store, s, depth=2, max_nodes=3)
    assert len(capped["nodes"]) == 3 and capped["nodes"][0]["id"] == "Target:S"
    full = neighbourhood_graph(store, s, depth=2)
    assert capped["omitted"] == len(full["nodes"]) - 3 > 0
    assert sum(capped["omitted_by_kind"].values()) == capped["omitted"]
    kept = {n["id"] for n in capped["nodes"]}
    assert all(e["source"] in kept and e["target"] in kept for e in capped["edges"])
    hidden = neighbourhood_graph(store, s, depth=2, hide_kinds={"OrgUnit"})
    assert not any(n["kind"] == "OrgUnit" for n in hidden["nodes"])


def test_neighbourhood_graph_says_how_each_node_was_reached_and_what_it_hides(store):
    s = store.get_node("Target:S")
    one = {n["id"]: n for n in neighbourhood_graph(store, s, depth=1)["nodes"]}
    # Plan:P -decomposes_to-> Target:S: upstream; Target:S -decomposes_to-> Target:D1: downstream
    assert (one["Plan:P"]["parent"], one["Plan:P"]["via"], one["Plan:P"]["side"]) == ("Target:S", "decomposes_to", "in")
    assert (one["Target:D1"]["via"], one["Target:D1"]["side"]) == ("decomposes_to", "out")
    # D1's own neighbours beyond depth 1 (its task, its indicator …) are its hidden count, the centre hides none
    assert one["Target:D1"]["hidden"] == len({o.id for _, o in store.neighbors("Target:D1", None, "both")}) - 1 > 0
    assert one["Target:S"]["hidden"] == 0
    two = {n["id"]: n for n in neighbourhood_graph(store, s, depth=2)["nodes"]}
    assert two["Task:K1"]["side"] == "out" and two["Task:K1"]["parent"] == "Target:D1"  # keeps its parent's side
    # one neighbour per node: the centre brings one, the rest are omitted and in its hidden count
    narrow = neighbourhood_graph(store, s, depth=1, per_node=1)
    assert len(narrow["nodes"]) == 2 and narrow["omitted"] == 3
    assert narrow["nodes"][0]["hidden"] == 3 and narrow["per_node"] == 1


def test_cap_tree_keeps_the_top_levels_and_counts_the_rest(store):
    tree = trace(store, store.get_node("Plan:P"))
    total = count_tree(tree)
    assert total == 6  # P, S, D1, K1, D2, K2
    capped, omitted = cap_tree(tree, max_nodes=4)
    assert count_tree(capped) == 4 and omitted == 2
    assert [c["id"] for c in capped["children"][0]["children"]] == ["Target:D1", "Target:D2"]
    assert capped["children"][0]["children"][0]["omitted"] == 1
    same, none = cap_tree(tree, max_nodes=300)
    assert none == 0 and count_tree(same) == total
    assert "children" in tree["children"][0] and count_tree(tree) == total  # the input is untouched


def test_flatten_tree_gives_rows_with_depth_owner_and_status(store):
    rows = flatten_tree(trace(store, store.get_node("Target:S")))
    assert [(r["depth"], r["id"]) for r in rows] == [(0, "Target:S"), (1, "Target:D1"), (2, "Task:K1"),
                                                     (1, "Target:D2"), (2, "Task:K2")]
    k1 = rows[2]
    assert k1["person"] == "王老师" and k1["unit"] == "机电系" and k1["status"] == "normal"
    assert k1["via"] == "implemented_by"
    up = flatten_tree(trace(store, store.get_node("Task:K1"), "up"), "parents")
    assert [r["id"] for r in up] == ["Task:K1", "Target:D1", "Target:S", "Plan:P"]


def test_select_findings_filters_by_rule_severity_unit_and_text(store):
    report = run_checks(store, as_of=dt.date(2025, 12, 31))
    assert report.findings
    f0 = report.findings[0]
    assert select_findings(report).findings == report.findings
    by_rule = select_findings(report, rules=[f0.rule])
    assert by_rule.findings and all(f.rule == f0.rule for f in by_rule.findings)
    warnings = select_findings(report, severities=["warning"])
    assert all(f.severity == "warning" for f in warnings.findings)
    unit = f0.unit_id or ""
    assert all((f.unit_id or "") == unit for f in select_findings(report, units=[unit]).findings)
    assert select_findings(report, text=f0.node.lower()).findings[0].node == f0.node
    assert select_findings(report, text="no such text anywhere").findings == []
    assert select_findings(report, rules=[f0.rule]).as_of == report.as_of


def test_chain_completeness_per_unit(store):
    rows = {(r["unit"] or {}).get("name"): r for r in chain_completeness(store)}
    # S (教务处) reaches K1 through D1; D1 (机电系) reaches K1; D2 inherits 教务处 and reaches no named task.
    assert rows["机电系"] == {"unit": {"id": "OrgUnit:JD", "name": "机电系"}, "targets": 1, "complete": 1, "share": 1.0}
    assert rows["教务处"]["targets"] == 2 and rows["教务处"]["complete"] == 1 and rows["教务处"]["share"] == 0.5
    assert [r["unit"]["name"] for r in chain_completeness(store)] == ["教务处", "机电系"]


def test_chain_completeness_tolerates_cycles(any_store):
    s = any_store
    s.upsert_nodes([Node("Target", "A", {"name": "a", "layer": "school"}),
                    Node("Target", "B", {"name": "b", "layer": "major"})])
    s.upsert_edges([Edge("Target:A", "decomposes_to", "Target:B"), Edge("Target:B", "decomposes_to", "Target:A")])
    rows = chain_completeness(s)
    assert rows == [{"unit": None, "targets": 2, "complete": 0, "share": 0.0}]


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    """A CSV sheet (named by the file's stem, as uploads are saved under their own names)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.parametrize("backend", ["file", "memory", "concurrent"])
def test_check_load_reports_without_writing(tmp_path, backend):
    s = EmbeddedStore(tmp_path / "s.sqlite" if backend == "file" else None)
    college(s)
    if backend == "concurrent":
        s = concurrent(s)
    before = (s.count_nodes(), s.count_edges())
    (tmp_path / "a").mkdir()
    good = _write_csv(tmp_path / "a" / "部门.csv", [["编号", "名称", "上级部门"], ["NEW", "新部门", "JW"]])
    report = check_load(s, [("部门.csv", good)])
    assert report.nodes_written == 1 and report.edges_written == 1
    assert (s.count_nodes(), s.count_edges()) == before and s.get_node("OrgUnit:NEW") is None
    bad = _write_csv(tmp_path / "目标.csv", [["编号", "名称", "层面", "上级目标"], ["X1", "新目标", "school", "NOPE"]])
    with pytest.raises(IngestError) as info:
        check_load(s, [("目标.csv", bad)])
    assert any(p.location.startswith("目标.csv 目标!2") and "上级目标" in p.location for p in info.value.problems)
    assert (s.count_nodes(), s.count_edges()) == before
    s.close()
    if backend == "file":
        again = EmbeddedStore(tmp_path / "s.sqlite")
        assert again.get_node("OrgUnit:NEW") is None and again.count_nodes() == before[0]
        again.close()


def test_check_load_on_a_store_without_transactions_uses_a_copy(tmp_path, monkeypatch):
    s = college(EmbeddedStore(None))
    monkeypatch.setattr(type(s), "capabilities", frozenset())
    good = _write_csv(tmp_path / "部门.csv", [["编号", "名称"], ["NEW", "新部门"]])
    assert check_load(s, [("部门.csv", good)]).nodes_written == 1
    assert s.get_node("OrgUnit:NEW") is None


def test_search_puts_the_exact_name_first(mem_store):
    """A unit's exact name ranks before an indicator whose code merely starts like it."""
    from graph.model import Node as _Node
    from graph.services.search import search_nodes

    mem_store.upsert_nodes([_Node("OrgUnit", "XB01", {"name": "机械工程系"}),
                            _Node("Indicator", "ZK-57", {"name": "机械工程系专业就业率"}),
                            _Node("Target", "机械工程系-01", {"name": "机械工程系招生", "layer": "department"})])
    page = search_nodes(mem_store, "机械工程系")
    assert [n.id for n in page.items] == ["OrgUnit:XB01", "Target:机械工程系-01", "Indicator:ZK-57"]


def test_a_unique_name_resolves_and_a_shared_one_lists_candidates(mem_store):
    from graph.errors import AmbiguousIdError
    from graph.model import Node as _Node
    from graph.services.resolve import resolve_node

    mem_store.upsert_nodes([_Node("OrgUnit", "XB01", {"name": "机械工程系"}),
                            _Node("OrgUnit", "D01", {"name": "教务处"}), _Node("Post", "D01-P1", {"name": "教务处"})])
    assert resolve_node(mem_store, "机械工程系").id == "OrgUnit:XB01"
    assert resolve_node(mem_store, " 机械工程系 ").id == "OrgUnit:XB01"
    with pytest.raises(AmbiguousIdError) as err:
        resolve_node(mem_store, "教务处")
    assert err.value.candidates == ["OrgUnit:D01", "Post:D01-P1"]
