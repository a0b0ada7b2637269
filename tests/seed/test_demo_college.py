"""Sanity tests of the demo college (seed/demo_college.py) against the workbook contract."""

from __future__ import annotations

import csv
import datetime
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from seed import demo_college as demo  # noqa: E402

T7_DIR = REPO / "seed" / "real" / "004_t7_institution_index"

# Sheets and columns of docs/workbook.md: sheet -> (all columns, required columns).
CONTRACT = {
    "部门": (("编号", "名称", "类型", "上级部门", "纵向系统"), ("编号", "名称")),
    "岗位": (("编号", "名称", "所属部门"), ("编号", "名称", "所属部门")),
    "人员": (("工号", "姓名", "岗位", "部门"), ("工号", "姓名")),
    "规划": (("编号", "名称", "层级", "上级规划", "牵头部门", "牵头人", "完成时限"), ("编号", "名称")),
    "目标": (("编号", "名称", "层面", "目标类别", "上级目标", "所属规划", "目标值", "单位", "完成时限", "牵头部门",
              "责任人", "标准"), ("编号", "名称", "层面")),
    "任务": (("编号", "名称", "属性", "上级任务", "对应目标", "牵头部门", "责任部门", "责任人", "完成时限", "状态",
              "流程"), ("编号", "名称")),
    "标准": (("编号", "名称", "层面", "上级标准", "牵头部门"), ("编号", "名称")),
    "流程": (("流程编号", "流程名称", "业务主管部门", "所属岗位", "协作部门", "工作准则", "输入资源", "输出资源",
              "考核点", "程序文件"), ("流程编号", "流程名称")),
    "职责": (("职能部门", "职责属性", "序号", "职责描述", "具体工作内容", "工作归属岗位", "工作标准"),
             ("职能部门", "序号", "职责描述")),
    "指标": (("编号", "名称", "测量对象", "目标值", "预警值", "方向", "单位", "采集频次", "责任岗位", "责任人",
              "牵头部门"), ("编号", "名称")),
    "测量": (("指标编号", "日期", "值", "来源"), ("指标编号", "日期", "值")),
}
CODE_COLUMN = {"人员": "工号", "流程": "流程编号"}
# (sheet, column, sheets whose codes it may name)
REFERENCES = (
    ("部门", "上级部门", ("部门",)), ("岗位", "所属部门", ("部门",)), ("人员", "岗位", ("岗位",)),
    ("人员", "部门", ("部门",)), ("规划", "上级规划", ("规划",)), ("规划", "牵头部门", ("部门",)),
    ("规划", "牵头人", ("人员",)), ("目标", "上级目标", ("目标",)), ("目标", "所属规划", ("规划",)),
    ("目标", "牵头部门", ("部门",)), ("目标", "责任人", ("人员",)), ("目标", "标准", ("标准",)),
    ("任务", "上级任务", ("任务",)), ("任务", "对应目标", ("目标",)), ("任务", "牵头部门", ("部门",)),
    ("任务", "责任部门", ("部门",)), ("任务", "责任人", ("人员",)), ("标准", "上级标准", ("标准",)),
    ("标准", "牵头部门", ("部门",)), ("指标", "测量对象", ("目标", "标准")), ("指标", "责任岗位", ("岗位",)),
    ("指标", "责任人", ("人员",)), ("指标", "牵头部门", ("部门",)), ("测量", "指标编号", ("指标",)),
    ("职责", "职能部门", ("部门",)), ("职责", "工作归属岗位", ("岗位",)),
)
LAYERS = ("学校", "部门", "专业", "课程", "教师", "学生")


def split(cell: object) -> list[str]:
    return [v.strip() for v in re.split(r"[、，,；;\n]", str(cell)) if v.strip()]


@pytest.fixture(scope="module")
def sheets():
    return demo.build_demo_college()


@pytest.fixture(scope="module")
def by_code(sheets):
    return {s: {r[CODE_COLUMN.get(s, "编号")]: r for r in rows} for s, rows in sheets.items() if s not in ("测量", "职责")}


def test_sheets_and_columns_follow_the_contract(sheets):
    for sheet, rows in sheets.items():
        columns, required = CONTRACT[sheet]
        assert rows, sheet
        for i, row in enumerate(rows):
            assert set(row) <= set(columns), (sheet, i, set(row) - set(columns))
            for col in required:
                assert row.get(col) not in ("", None), f"{sheet}!{i}:{col}"
            for col, value in row.items():
                assert isinstance(value, (str, int, float, datetime.date)), (sheet, col, value)


def test_minimum_sizes(sheets, by_code):
    units = by_code["部门"]
    teaching = [c for c, r in units.items() if r["类型"] == "教学单位"]
    assert len(units) >= 25
    assert len(teaching) >= 5
    assert sum(1 for r in units.values() if r["类型"] == "教研室" and r["上级部门"] in teaching) >= 5
    assert {"职能部门", "教辅单位", "科室"} <= {r["类型"] for r in units.values()}
    assert len(sheets["岗位"]) >= 80
    assert len(sheets["人员"]) >= 300
    assert all(re.fullmatch(r"T\d{4}", r["工号"]) for r in sheets["人员"])
    assert len(sheets["目标"]) >= 150
    assert {r["层面"] for r in sheets["目标"]} == set(LAYERS)
    tasks = sheets["任务"]
    assert len(tasks) >= 600
    assert {r["属性"] for r in tasks} == {"A", "B"}
    assert sum(1 for r in tasks if r["上级任务"]) >= 50
    assert len(sheets["指标"]) >= 60
    assert all(re.fullmatch(r"ZK-\d+", r["编号"]) for r in sheets["指标"])
    assert len(sheets["职责"]) >= 5
    assert sum(1 for r in sheets["目标"] if len(split(r["上级目标"])) > 1) >= 20  # a DAG, not a tree


def test_build_is_deterministic(sheets):
    assert demo.build_demo_college() == sheets


def test_codes_are_unique_per_sheet(sheets):
    for sheet, rows in sheets.items():
        if sheet in ("测量", "职责"):
            continue
        codes = [r[CODE_COLUMN.get(sheet, "编号")] for r in rows]
        assert len(codes) == len(set(codes)), sheet
    duties = [(r["职能部门"], r["序号"]) for r in sheets["职责"]]
    assert len(duties) == len(set(duties))
    months = [(r["指标编号"], r["日期"]) for r in sheets["测量"]]
    assert len(months) == len(set(months))


def test_every_reference_names_an_existing_code(sheets, by_code):
    checked = 0
    for sheet, column, targets in REFERENCES:
        known = set().union(*(by_code[t] for t in targets))
        for i, row in enumerate(sheets[sheet]):
            for ref in split(row.get(column, "")):
                assert ref in known, f"{sheet}!{i}:{column} -> {ref}"
                checked += 1
    assert checked > 3000


def test_t7_units_are_demo_units_and_resolve_the_t7_index(by_code):
    with (T7_DIR / "部门.csv").open(encoding="utf-8") as f:
        t7_units = list(csv.DictReader(f))
    assert len(t7_units) == 20
    for unit in t7_units:
        assert by_code["部门"][unit["编号"]] == unit
    names = {r["名称"] for r in by_code["部门"].values()}
    with (T7_DIR / "制度体系.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for unit in split(row["责任部门"]):
                assert unit in names, unit


def test_enumerations_and_dates(sheets, by_code):
    assert {r["类型"] for r in sheets["部门"]} <= {"学校", "职能部门", "教学单位", "教辅单位", "科室", "教研室", "委员会"}
    assert {r["纵向系统"] for r in sheets["部门"]} <= {"决策指挥", "质量生成", "资源建设", "支持服务", "监督控制"}
    assert {r["层级"] for r in sheets["规划"]} == {"一级", "二级", "三级"}
    assert {r["层面"] for r in sheets["标准"]} <= set(LAYERS)
    assert {r["状态"] for r in sheets["任务"]} == {"未开始", "正常", "已完成", "未完成", "预警"}
    for task in sheets["任务"]:
        assert isinstance(task["完成时限"], datetime.date) and task["完成时限"].year in (2025, 2026)
    indicators = sheets["指标"]
    assert {r["方向"] for r in indicators} == {"≥", "≤"}
    assert {r["采集频次"] for r in indicators} == {"月", "学期", "年"}
    warnings = [r["预警值"] for r in indicators]
    assert any(isinstance(w, str) and w.endswith("%") for w in warnings)
    assert any(isinstance(w, float) and w < 1 for w in warnings)


def test_measurements_are_twelve_month_ends_of_2025(sheets, by_code):
    dates = defaultdict(list)
    for m in sheets["测量"]:
        assert isinstance(m["值"], (int, float))
        dates[m["指标编号"]].append(m["日期"])
    expected = [datetime.date(2025, month + 1, 1) - datetime.timedelta(days=1) for month in range(1, 12)]
    expected.append(datetime.date(2025, 12, 31))
    assert set(dates) == set(by_code["指标"])
    for code, ds in dates.items():
        assert sorted(ds) == expected, code


def test_teachers_hold_posts_in_teaching_departments(sheets, by_code):
    units, posts, people = by_code["部门"], by_code["岗位"], by_code["人员"]

    def in_teaching_unit(unit):
        while unit:
            if units[unit]["类型"] == "教学单位":
                return True
            unit = units[unit]["上级部门"]
        return False

    teachers = {r["责任人"] for r in sheets["目标"] if r["层面"] == "教师" and r["责任人"]}
    assert len(teachers) >= 50
    for person in teachers:
        assert any(in_teaching_unit(posts[p]["所属部门"]) for p in split(people[person]["岗位"])), person


def test_every_school_target_reaches_a_teacher_task_through_every_layer(sheets, by_code):
    targets, people = by_code["目标"], by_code["人员"]
    children, tasks = defaultdict(list), defaultdict(list)
    for t in sheets["目标"]:
        for p in split(t["上级目标"]):
            children[p].append(t["编号"])
    for task in sheets["任务"]:
        for t in split(task["对应目标"]):
            tasks[t].append(task)
    chain = ("部门", "专业", "课程", "教师")

    def reaches(code, depth):
        if depth == len(chain):
            return any(task["责任人"] in people for task in tasks[code])
        return any(targets[c]["层面"] == chain[depth] and reaches(c, depth + 1) for c in children[code])

    school = [c for c, t in targets.items() if t["层面"] == "学校"]
    assert school
    for code in school:
        assert reaches(code, 0), code


def test_no_decomposition_cycles(sheets):
    for sheet, column in (("目标", "上级目标"), ("任务", "上级任务"), ("规划", "上级规划"), ("标准", "上级标准")):
        parents = {r["编号"]: split(r[column]) for r in sheets[sheet]}
        state: dict[str, int] = {}

        def visit(code):
            state[code] = 1
            for p in parents.get(code, ()):
                assert state.get(p) != 1, f"cycle through {sheet} {code} -> {p}"
                if p not in state:
                    visit(p)
            state[code] = 2

        for code in parents:
            if code not in state:
                visit(code)


def test_exactly_the_seeded_defects_and_breaches_are_found(sheets):
    """The demo college, loaded through the real ingest and checked by the real rules at
    DEMO_AS_OF, yields exactly the planned findings: the seeded defects, the three breaches, and
    SI002 on the indicators that name no owner of their own (their owner is inherited)."""
    from graph.checks import run_checks
    from graph.stores.embedded import EmbeddedStore
    from ingest import load_sheets

    store = EmbeddedStore(None)
    load_sheets(store, sheets, source="demo")
    found = {(f.rule, f.node.split(":", 1)[1]) for f in run_checks(store, as_of=demo.DEMO_AS_OF).findings}
    expected = (set(demo.SEEDED_DEFECTS) | {("SI004", code) for code in demo.EXPECTED_BREACHES}
                | {("SI002", code) for code in demo.INHERITED_OWNER_INDICATORS})
    assert 8 <= len(demo.SEEDED_DEFECTS) <= 12
    assert len({rule for rule, _ in demo.SEEDED_DEFECTS}) == len(demo.SEEDED_DEFECTS)
    assert found == expected


def test_every_indicator_has_an_owner_explicit_or_inherited(sheets):
    from graph.services.ownership import owner_of
    from graph.stores.embedded import EmbeddedStore
    from ingest import load_sheets

    store = EmbeddedStore(None)
    load_sheets(store, sheets, source="demo")
    indicators = list(store.iter_nodes("Indicator"))
    assert len(indicators) >= 60
    unowned = [n.id for n in indicators if owner_of(store, n).unit is None]
    assert unowned == []


def test_some_indicators_inherit_their_owner_from_the_target_they_measure(by_code):
    targets = by_code["目标"]
    inherited = [c for c, r in by_code["指标"].items()
                 if not (r["责任岗位"] or r["责任人"] or r["牵头部门"]) and r["测量对象"] in targets]
    assert sorted(inherited) == sorted(demo.INHERITED_OWNER_INDICATORS)
    for code in inherited:
        target = targets[by_code["指标"][code]["测量对象"]]
        assert target["牵头部门"] and target["责任人"]
    owned = [r for r in by_code["指标"].values() if r["责任岗位"] and r["责任人"] and r["牵头部门"]]
    assert len(owned) > len(by_code["指标"]) / 2


def test_main_writes_one_csv_per_sheet(tmp_path, sheets):
    assert demo.main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{s}.csv" for s in sheets)
    with (tmp_path / "任务.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(sheets["任务"])
    assert rows[0]["完成时限"] == sheets["任务"][0]["完成时限"].isoformat()
