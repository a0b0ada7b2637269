"""Tests of seed.synthetic: the synthetic college generator (determinism, scaling, integrity)."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from seed.synthetic import generate_college, main  # noqa: E402

SMALL = {"students": 2000, "teachers": 100}
SEP = "、"
LAYERS = {"学校", "部门", "专业", "课程", "教师", "学生"}
LAYER_RANK = {"学校": 0, "部门": 1, "专业": 2, "课程": 3, "教师": 4, "学生": 5}

# The contract's headers per sheet (docs/workbook.md), written out here independently.
CONTRACT = {
    "部门": {"编号", "名称", "类型", "上级部门", "纵向系统"},
    "岗位": {"编号", "名称", "所属部门"},
    "人员": {"工号", "姓名", "岗位", "部门"},
    "规划": {"编号", "名称", "层级", "上级规划", "牵头部门", "牵头人", "完成时限"},
    "目标": {"编号", "名称", "层面", "目标类别", "上级目标", "所属规划", "目标值", "单位", "完成时限",
           "牵头部门", "责任人", "标准"},
    "任务": {"编号", "名称", "属性", "上级任务", "对应目标", "牵头部门", "责任部门", "责任人",
           "完成时限", "状态", "流程"},
    "标准": {"编号", "名称", "层面", "上级标准", "牵头部门"},
    "指标": {"编号", "名称", "测量对象", "目标值", "预警值", "方向", "单位", "采集频次", "责任岗位",
           "责任人", "牵头部门"},
    "测量": {"指标编号", "日期", "值", "来源"},
}
KEY = {sheet: ("工号" if sheet == "人员" else "编号") for sheet in CONTRACT if sheet != "测量"}

# (sheet, column, sheets the reference may name, multi-valued)
REFERENCES = (
    ("部门", "上级部门", ("部门",), False),
    ("岗位", "所属部门", ("部门",), False),
    ("人员", "岗位", ("岗位",), True),
    ("人员", "部门", ("部门",), False),
    ("规划", "上级规划", ("规划",), False),
    ("规划", "牵头部门", ("部门",), False),
    ("规划", "牵头人", ("人员",), False),
    ("目标", "上级目标", ("目标",), True),
    ("目标", "所属规划", ("规划",), False),
    ("目标", "牵头部门", ("部门",), False),
    ("目标", "责任人", ("人员",), False),
    ("目标", "标准", ("标准",), True),
    ("任务", "上级任务", ("任务",), True),
    ("任务", "对应目标", ("目标",), True),
    ("任务", "牵头部门", ("部门",), False),
    ("任务", "责任部门", ("部门",), True),
    ("任务", "责任人", ("人员",), False),
    ("标准", "上级标准", ("标准",), True),
    ("标准", "牵头部门", ("部门",), False),
    ("指标", "测量对象", ("目标", "标准"), False),
    ("指标", "责任岗位", ("岗位",), False),
    ("指标", "责任人", ("人员",), False),
    ("指标", "牵头部门", ("部门",), False),
    ("测量", "指标编号", ("指标",), False),
)


@pytest.fixture(scope="module")
def college() -> dict[str, list[dict[str, object]]]:
    return generate_college(**SMALL, seed=7)


def split(cell: object) -> list[str]:
    return [part for part in str(cell).split(SEP) if part] if cell != "" else []


def codes(college: dict, sheet: str) -> set[str]:
    return {str(row[KEY[sheet]]) for row in college[sheet]}


def by_code(college: dict, sheet: str) -> dict[str, dict]:
    return {str(row[KEY[sheet]]): row for row in college[sheet]}


def find_cycle(college: dict, sheet: str, column: str) -> list[str] | None:
    """Iterative three-colour DFS over child -> parent edges; returns a cycle or None."""
    parents = {str(row["编号"]): split(row[column]) for row in college[sheet]}
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(parents, WHITE)
    for start in parents:
        if colour[start] != WHITE:
            continue
        stack = [(start, iter(parents[start]))]
        path = [start]
        colour[start] = GREY
        while stack:
            node, edges = stack[-1]
            nxt = next(edges, None)
            if nxt is None:
                colour[node] = BLACK
                stack.pop()
                path.pop()
            elif colour[nxt] == GREY:
                return path[path.index(nxt):] + [nxt]
            elif colour[nxt] == WHITE:
                colour[nxt] = GREY
                stack.append((nxt, iter(parents[nxt])))
                path.append(nxt)
    return None


def test_sheets_and_headers_follow_the_contract(college):
    assert set(college) == set(CONTRACT)
    for sheet, rows in college.items():
        assert rows, sheet
        for row in rows:
            assert set(row) <= CONTRACT[sheet], (sheet, set(row) - CONTRACT[sheet])
            for value in row.values():
                assert type(value) in (str, int, float, date), (sheet, row)


def test_same_arguments_give_identical_output(college):
    assert generate_college(**SMALL, seed=7) == college
    other = generate_college(**SMALL, seed=8)
    assert other != college
    # structure does not depend on the seed: same org units, a different random fill
    assert [r["编号"] for r in other["部门"]] == [r["编号"] for r in college["部门"]]


def test_counts_scale_with_students_and_teachers():
    base = {k: len(v) for k, v in generate_college(2000, 100).items()}
    more_students = {k: len(v) for k, v in generate_college(6000, 100).items()}
    more_teachers = {k: len(v) for k, v in generate_college(2000, 400).items()}
    assert more_students["目标"] - base["目标"] >= 4000  # one target per student
    assert more_students["任务"] - base["任务"] >= 4000  # one task per student
    assert more_students["部门"] > base["部门"]           # more majors, so more 教研室
    assert more_students["人员"] == base["人员"]
    assert more_teachers["人员"] - base["人员"] >= 300
    assert more_teachers["岗位"] - base["岗位"] >= 300
    assert more_teachers["目标"] - base["目标"] >= 300   # one or two targets per teacher
    assert more_teachers["任务"] - base["任务"] >= 600   # about three tasks per teacher target
    assert more_teachers["部门"] >= base["部门"]


def test_shape_of_the_small_college(college):
    units = college["部门"]
    kinds = Counter(r["类型"] for r in units)
    assert kinds["学校"] == 1
    assert kinds["教学单位"] == 5          # max(5, 100 / 100)
    assert kinds["教研室"] == 5            # max(departments, 2000 / 500) majors
    assert kinds["职能部门"] + kinds["教辅单位"] + kinds["委员会"] == 15
    assert all(r["纵向系统"] for r in units)
    people = college["人员"]
    assert sum(1 for p in people if str(p["工号"]).startswith("JS")) == 100
    layers = Counter(r["层面"] for r in college["目标"])
    assert layers["学校"] == 20
    assert layers["学生"] == 2000
    assert layers["课程"] == 8 * 5
    assert 100 <= layers["教师"] <= 200
    plans = Counter(r["层级"] for r in college["规划"])
    assert plans == {"一级": 1, "二级": 8, "三级": 5}
    assert len(college["标准"]) == 50
    assert len(college["指标"]) == 200
    assert len(college["测量"]) == 12 * 200


def test_codes_are_unique_per_sheet(college):
    for sheet, key in KEY.items():
        values = [row[key] for row in college[sheet]]
        assert all(values), sheet
        assert len(values) == len(set(values)), sheet
    pairs = [(m["指标编号"], m["日期"]) for m in college["测量"]]
    assert len(pairs) == len(set(pairs))
    # 测量对象 may name a target or a standard: the two code spaces must not overlap
    assert not codes(college, "目标") & codes(college, "标准")


def test_every_reference_resolves_to_a_code_of_the_right_sheet(college):
    known = {sheet: codes(college, sheet) for sheet in KEY}
    used = Counter()
    for sheet, column, targets, multi in REFERENCES:
        allowed = set().union(*(known[t] for t in targets))
        for row in college[sheet]:
            cell = row.get(column, "")
            values = split(cell)
            if not multi:
                assert SEP not in str(cell), (sheet, column, cell)
            for value in values:
                assert value in allowed, f"{sheet}.{column} = {value!r} names no {targets}"
                used[sheet, column] += 1
    # every reference column of the contract that the generator fills is exercised
    assert set(used) == {(sheet, column) for sheet, column, _, _ in REFERENCES}
    assert used["任务", "对应目标"] == len(college["任务"])
    assert used["测量", "指标编号"] == len(college["测量"])


def test_no_cycle_in_decomposition(college):
    assert find_cycle(college, "目标", "上级目标") is None
    assert find_cycle(college, "任务", "上级任务") is None
    assert find_cycle(college, "标准", "上级标准") is None
    plans = {r["编号"]: r["上级规划"] for r in college["规划"]}
    for code in plans:
        seen, node = set(), code
        while node:
            assert node not in seen
            seen.add(node)
            node = plans[node]


def test_cycle_detector_finds_a_cycle():
    fake = {"目标": [{"编号": "a", "上级目标": "b"}, {"编号": "b", "上级目标": "c、x"},
                   {"编号": "c", "上级目标": "a"}, {"编号": "x", "上级目标": ""}]}
    cycle = find_cycle(fake, "目标", "上级目标")
    assert cycle is not None and set(cycle) == {"a", "b", "c"}


def test_all_six_layers_and_the_vocabularies(college):
    assert {r["层面"] for r in college["目标"]} == LAYERS
    assert {r["层面"] for r in college["标准"]} == LAYERS
    statuses = Counter(r["状态"] for r in college["任务"])
    assert set(statuses) == {"未开始", "正常", "已完成", "未完成", "预警"}
    assert {r["属性"] for r in college["任务"]} == {"A", "B"}
    assert {r["方向"] for r in college["指标"]} == {"≥", "≤"}
    assert {r["类型"] for r in college["部门"]} <= {"学校", "职能部门", "教学单位", "教辅单位", "科室",
                                                "教研室", "委员会"}
    assert {r["纵向系统"] for r in college["部门"]} == {"决策指挥", "质量生成", "资源建设", "支持服务",
                                                    "监督控制"}


def test_chains_go_down_the_layers_and_form_a_dag(college):
    targets = by_code(college, "目标")
    multi = 0
    for row in targets.values():
        parents = split(row["上级目标"])
        multi += len(parents) > 1
        for parent in parents:
            assert LAYER_RANK[targets[parent]["层面"]] < LAYER_RANK[row["层面"]], row["编号"]
            assert row["完成时限"] <= targets[parent]["完成时限"], row["编号"]
        if row["层面"] == "学校":
            assert not parents and row["所属规划"]
    assert 0.005 < multi / len(targets) < 0.05
    tasks = by_code(college, "任务")
    subtasks = 0
    for row in tasks.values():
        assert date(2025, 1, 1) <= row["完成时限"] <= date(2026, 12, 31)
        for target in split(row["对应目标"]):
            assert row["完成时限"] <= targets[target]["完成时限"]
        for parent in split(row["上级任务"]):
            subtasks += 1
            assert row["完成时限"] <= tasks[parent]["完成时限"]
    assert subtasks > 0


def test_owners_are_teachers_where_the_brief_says_so(college):
    teachers = {p["工号"] for p in college["人员"] if str(p["工号"]).startswith("JS")}
    target_layer = {r["编号"]: r["层面"] for r in college["目标"]}
    per_teacher = Counter()
    for row in college["目标"]:
        if row["层面"] == "教师":
            assert row["责任人"] in teachers
            per_teacher[row["责任人"]] += 1
        if row["层面"] == "学生":
            assert row["责任人"] in teachers
    assert set(per_teacher) == teachers and set(per_teacher.values()) <= {1, 2}
    per_target = Counter()
    for row in college["任务"]:
        (target,) = split(row["对应目标"])
        if target_layer[target] in ("教师", "学生") and row["责任人"]:
            assert row["责任人"] in teachers
        if target_layer[target] == "学生":
            per_target[target] += 1
    assert set(per_target.values()) == {1}


def test_every_person_holds_a_post_and_every_post_is_held(college):
    held = Counter(post for p in college["人员"] for post in split(p["岗位"]))
    assert all(split(p["岗位"]) for p in college["人员"])
    assert set(held) == codes(college, "岗位")
    assert set(held.values()) == {1}                  # a post is held by exactly one person
    assert any(len(split(p["岗位"])) > 1 for p in college["人员"])  # heads hold two posts


def test_defects_are_few_but_present(college):
    orphans = [r for r in college["目标"]
               if r["层面"] != "学校" and not r["上级目标"] and not r["所属规划"]]
    ownerless = [r for r in college["任务"]
                 if not r["责任人"] and not r["牵头部门"] and not r["责任部门"]]
    no_warning = [r for r in college["指标"] if r["预警值"] == ""]
    for found, total in ((orphans, college["目标"]), (ownerless, college["任务"]),
                         (no_warning, college["指标"])):
        assert 1 <= len(found) <= max(1, 0.01 * len(total))
    # outside the defects, every task has an owner and every target a parent or plan
    assert sum(1 for r in college["任务"] if not r["责任人"]) == len(ownerless)


def test_indicators_and_measurements(college):
    indicators = by_code(college, "指标")
    per_indicator = Counter(m["指标编号"] for m in college["测量"])
    assert set(per_indicator.values()) == {12} and set(per_indicator) == set(indicators)
    for m in college["测量"]:
        assert m["日期"].year == 2025
        assert isinstance(m["值"], (int, float))
    standards = codes(college, "标准")
    measured = {r["测量对象"] for r in indicators.values()}
    assert standards <= measured                        # every standard has an indicator
    assert measured - standards                         # and targets are measured too
    for row in indicators.values():
        assert row["责任岗位"] and row["责任人"] and row["牵头部门"]
        if row["预警值"] != "":
            better = row["目标值"] >= row["预警值"] if row["方向"] == "≥" else \
                row["目标值"] <= row["预警值"]
            assert better, row


def test_main_writes_one_csv_per_sheet(tmp_path, capsys):
    assert main(["--students", "500", "--teachers", "50", "--seed", "3",
                 "--out", str(tmp_path)]) == 0
    expected = generate_college(500, 50, 3)
    printed = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    for sheet, rows in expected.items():
        path = tmp_path / f"{sheet}.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            written = list(csv.DictReader(handle))
        assert len(written) == len(rows) == int(printed[sheet])
        assert set(written[0]) <= CONTRACT[sheet]
        first = {k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in rows[0].items()}
        assert written[0] == first


def test_rejects_impossible_sizes():
    with pytest.raises(ValueError):
        generate_college(100, 0)
    with pytest.raises(ValueError):
        generate_college(-1, 10)
