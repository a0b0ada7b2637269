"""Bad input: IngestError names ``file sheet!row:column`` with a reason, and the store is unchanged."""

from __future__ import annotations

import pytest
from ingest_helpers import college, snapshot, write_xlsx

from graph.checks import run_checks
from graph.errors import IngestError
from graph.stores.embedded import EmbeddedStore
from ingest import load_paths, load_sheets


def _set(sheets, sheet, row, column, value):
    """Set a cell: ``row`` is the spreadsheet row number (header = 1)."""
    header = sheets[sheet][0]
    sheets[sheet][row - 1][header.index(column)] = value
    return sheets


def _add_row(sheets, sheet, **cells):
    header = sheets[sheet][0]
    sheets[sheet].append([cells.get(h, "") for h in header])
    return sheets


BAD_CASES = {
    "missing required cell": (
        lambda s: _set(s, "目标", 3, "层面", ""),
        "bad.xlsx 目标!3:层面", "required cell is empty (层面 [layer])"),
    "missing code": (
        lambda s: _set(s, "岗位", 2, "编号", ""),
        "bad.xlsx 岗位!2:编号", "required cell is empty (编号 [code])"),
    "unknown reference": (
        lambda s: _set(s, "目标", 4, "上级目标", "T1、T9"),
        "bad.xlsx 目标!4:上级目标", "unknown target 'T9' (no code or name matches)"),
    "unknown org unit": (
        lambda s: _set(s, "任务", 2, "责任部门", "教务科"),
        "bad.xlsx 任务!2:责任部门", "unknown org unit '教务科' (no code or name matches)"),
    "ambiguous name": (
        lambda s: _add_row(s, "部门", 编号="D09", 名称="教务处"),
        "bad.xlsx 职责!2:职能部门",
        "ambiguous org unit '教务处': 2 nodes have that name (OrgUnit:D01, OrgUnit:D09); write the code instead"),
    "duplicate code": (
        lambda s: _add_row(s, "目标", 编号="T1", 名称="另一个目标", 层面="学校"),
        "bad.xlsx 目标!5:编号", "duplicate target code 'T1': also on bad.xlsx 目标!2:编号"),
    "bad date": (
        lambda s: _set(s, "任务", 2, "完成时限", "2025-13-01"),
        "bad.xlsx 任务!2:完成时限", "bad date '2025-13-01': there is no month 13"),
    "date that is not a date": (
        lambda s: _set(s, "规划", 2, "完成时限", "明年"),
        "bad.xlsx 规划!2:完成时限", "bad date '明年' (expected 2025-12-31, 2025/12/31, 2025年12月, 2025.12 or 2025)"),
    "unknown layer": (
        lambda s: _set(s, "目标", 2, "层面", "院级"),
        "bad.xlsx 目标!2:层面", "unknown layer '院级' (allowed: 学校 (school), 部门 (department)"),
    "unknown status": (
        lambda s: _set(s, "任务", 3, "状态", "进行中"),
        "bad.xlsx 任务!3:状态", "unknown status '进行中'"),
    "unknown org unit type": (
        lambda s: _set(s, "部门", 3, "类型", "处室"),
        "bad.xlsx 部门!3:类型", "unknown org unit type '处室'"),
    "bad number": (
        lambda s: _set(s, "测量", 2, "值", "很多"),
        "bad.xlsx 测量!2:值", "bad number '很多'"),
}


@pytest.fixture
def loaded(workdir, store):
    """The store after loading the valid college, and its snapshot."""
    write_xlsx("college.xlsx", college())
    load_paths(store, ["college.xlsx"])
    return store, snapshot(store)


def _assert_unchanged(store, before, workdir):
    assert snapshot(store) == before
    reopened = EmbeddedStore(workdir / "s.sqlite")  # and nothing reached the file either
    try:
        assert snapshot(reopened) == before
    finally:
        reopened.close()


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_is_located_and_leaves_the_store_unchanged(case, loaded, workdir):
    store, before = loaded
    change, location, reason = BAD_CASES[case]
    bad = change(college())
    _set(bad, "部门", 2, "名称", "示范学院（新名）")  # a good change that must not be written either
    write_xlsx("bad.xlsx", bad)
    with pytest.raises(IngestError) as err:
        load_paths(store, ["bad.xlsx"])
    found = [p for p in err.value.problems if p.location == location]
    assert found, f"no problem at {location}: {err.value.problems}"
    assert any(reason in p.reason for p in found), found
    assert f"{location}: " in str(err.value)
    _assert_unchanged(store, before, workdir)


def test_bad_input_into_an_empty_store_writes_nothing(workdir, store):
    write_xlsx("bad.xlsx", _set(college(), "目标", 2, "层面", "院级"))
    with pytest.raises(IngestError):
        load_paths(store, ["bad.xlsx"])
    assert store.count_nodes() == 0 and store.count_edges() == 0


def test_duplicate_code_names_both_rows(workdir, store):
    write_xlsx("bad.xlsx", _add_row(college(), "目标", 编号="T1", 名称="另一个目标", 层面="学校"))
    with pytest.raises(IngestError) as err:
        load_paths(store, ["bad.xlsx"])
    assert [str(p) for p in err.value.problems] == [
        "bad.xlsx 目标!2:编号: duplicate target code 'T1': also on bad.xlsx 目标!5:编号",
        "bad.xlsx 目标!5:编号: duplicate target code 'T1': also on bad.xlsx 目标!2:编号",
    ]


def test_identical_rows_repeated_across_files_are_one_node(workdir, store):
    """Each seed folder carries the 部门 rows it needs; loading two together is not a duplicate."""
    units = [["编号", "名称", "类型"], ["D01", "教务处", "职能部门"]]
    write_xlsx("a.xlsx", {"部门": units, "岗位": [["编号", "名称", "所属部门"], ["P1", "处长", "教务处"]]})
    write_xlsx("b.xlsx", {"部门": units, "标准": [["编号", "名称", "牵头部门"], ["S1", "标准", "教务处"]]})
    report = load_paths(store, ["a.xlsx", "b.xlsx"])
    assert report.nodes_loaded == 3 and store.count_nodes("OrgUnit") == 1


def test_ambiguous_name_among_nodes_already_in_the_store(workdir, store):
    write_xlsx("units.xlsx", {"部门": [["编号", "名称"], ["D01", "教务处"], ["D09", "教务处"]]})
    load_paths(store, ["units.xlsx"])
    before = snapshot(store)
    write_xlsx("posts.xlsx", {"岗位": [["编号", "名称", "所属部门"], ["P1", "处长", "教务处"], ["P2", "科员", "D09"]]})
    with pytest.raises(IngestError) as err:
        load_paths(store, ["posts.xlsx"])
    assert [str(p) for p in err.value.problems] == [
        "posts.xlsx 岗位!2:所属部门: ambiguous org unit '教务处': 2 nodes have that name "
        "(OrgUnit:D01, OrgUnit:D09); write the code instead"]
    _assert_unchanged(store, before, workdir)


def test_a_name_defined_in_this_load_wins_over_the_same_name_in_the_store(workdir, store):
    """Two colleges in one store may both have a 教务处: a workbook means its own."""
    write_xlsx("a.xlsx", {"部门": [["编号", "名称"], ["A-01", "教务处"]]})
    load_paths(store, ["a.xlsx"])
    write_xlsx("b.xlsx", {"部门": [["编号", "名称"], ["B-01", "教务处"]],
                          "岗位": [["编号", "名称", "所属部门"], ["P1", "处长", "教务处"]]})
    load_paths(store, ["b.xlsx"])
    assert store.get_edge("Post:P1", "part_of", "OrgUnit:B-01") is not None


# -- cycles are findings, not load errors ----------------------------------------------------
def _tc005(store) -> list[str]:
    return [f.message_en for f in run_checks(store, rules=["TC005"]).findings]


def test_a_two_target_cycle_loads_and_is_reported_as_tc005(store):
    """The workbook in which A and B name each other as 上级目标 loads whole; TC005 names both."""
    load_sheets(store, {"目标": [
        {"编号": "A", "名称": "a", "层面": "学校", "上级目标": "B"},
        {"编号": "B", "名称": "b", "层面": "学校", "上级目标": "A"},
    ]})
    assert {n.id for n in store.iter_nodes()} == {"Target:A", "Target:B"}
    assert _tc005(store) == ["decomposition cycle: Target:A → Target:B → Target:A "
                             "(strongly connected component of 2 node(s))"]


def test_a_cycle_closed_with_nodes_already_in_the_store_loads(loaded, workdir):
    store, _ = loaded  # T1 → T2 → T3 and T1 → T3 are in the store
    assert _tc005(store) == []
    write_xlsx("cycle.xlsx", {"目标": [["编号", "名称", "层面", "上级目标"], ["T1", "学校目标", "学校", "T3"]]})
    load_paths(store, ["cycle.xlsx"])
    assert store.get_edge("Target:T3", "decomposes_to", "Target:T1") is not None
    (message,) = _tc005(store)
    assert message.startswith("decomposition cycle: Target:T1 → ") and "Target:T3" in message


def test_a_self_parent_plan_loads_and_is_reported(store):
    load_sheets(store, {"规划": [{"编号": "PL1", "名称": "总规划", "级别": "一级", "上级规划": "PL1"}]})
    assert _tc005(store) == ["decomposition cycle: Plan:PL1 → Plan:PL1 (strongly connected component of 1 node(s))"]


def test_a_move_that_undoes_an_edge_is_not_a_cycle(loaded, workdir):
    """T3 leaves T1 and T2 and becomes T1's parent: the old edges go, so no cycle remains."""
    store, _ = loaded
    write_xlsx("move.xlsx", {"目标": [
        ["编号", "名称", "层面", "上级目标"],
        ["T3", "专业目标", "专业", ""], ["T2", "部门目标", "部门", ""], ["T1", "学校目标", "学校", "T3"],
    ]})
    load_paths(store, ["move.xlsx"])
    chain = {(s, t) for s, ty, t in (e.key for e in store.iter_edges("decomposes_to")) if s.startswith("Target")}
    assert chain == {("Target:T3", "Target:T1")}


def test_missing_required_column_is_one_sheet_level_problem(store):
    with pytest.raises(IngestError) as err:
        load_sheets(store, {"目标": [{"编号": "T1", "名称": "目标"}]}, source="gen")
    assert str(err.value.problems[0]) == "gen 目标!1: required column 层面 [layer] is missing"


def test_column_given_twice_is_a_problem(store):
    with pytest.raises(IngestError) as err:
        load_sheets(store, {"部门": [{"编号": "D1", "名称": "教务处", "name": "教务处"}]})
    assert [str(p) for p in err.value.problems] == [
        "<memory> 部门!1:name: column given twice (name); one column per field"]


def test_unknown_column_that_clashes_with_a_controlled_property_is_located(store):
    """An extra 'layer' column on 部门 is kept as a property, which must then hold a layer notation."""
    with pytest.raises(IngestError) as err:
        load_sheets(store, {"部门": [{"编号": "D1", "名称": "教务处", "layer": "学校"}]})
    (problem,) = err.value.problems
    assert problem.location == "<memory> 部门!2:编号"
    assert "layer='学校' is not one of" in problem.reason
