"""Header normalisation, multi-valued cells and value parsing (dates, numbers, directions,
controlled vocabularies)."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.sheets import SHEETS, normalize_header, sheet_spec, split_multi
from graph.values import (
    PARSERS,
    BadValue,
    parse_date,
    parse_direction,
    parse_number,
    parse_number_or_text,
    parse_task_kind,
)


def test_every_sheet_of_the_contract_is_specified():
    assert [s.zh for s in SHEETS] == ["部门", "岗位", "人员", "规划", "目标", "任务", "标准", "制度体系",
                                      "程序文件", "流程", "职责", "诊断", "指标", "测量"]
    targets = sheet_spec("targets")
    assert targets is sheet_spec("目标")
    assert [c.zh for c in targets.required] == ["编号", "名称", "层面"]
    parents = targets.get("上级目标")
    assert (parents.multi, parents.refs, parents.edge, parents.incoming) == (True, ("Target",), "decomposes_to", True)


@pytest.mark.parametrize("header, expected", [
    (" 完成时限 ", "完成时限"), ("完成 时限", "完成时限"), ("层面*", "层面"), ("deadline", "完成时限"),
    ("Lead_Unit", "牵头部门"), ("编号（code）", "编号"), ("编号(code)", "编号"),
])
def test_headers_are_normalised(header, expected):
    assert sheet_spec("目标").column(header).zh == expected


def test_full_width_punctuation_is_normalised():
    assert normalize_header("（A，B：C）") == normalize_header("(A,B:C)") == "(a,b:c)"


def test_multi_valued_cells_split_on_every_separator():
    assert split_multi("A、B，C,D；E;F\nG\r\nH 、 ") == list("ABCDEFGH")


@pytest.mark.parametrize("value, expected", [
    ("2025-12-31", "2025-12-31"), ("2025/12/31", "2025-12-31"), ("2025/6/3", "2025-06-03"),
    ("2025年12月31日", "2025-12-31"), ("2025年12月", "2025-12-31"), ("2025年2月", "2025-02-28"),
    ("2024年2月", "2024-02-29"), ("2025.12", "2025-12-31"), ("2025.6", "2025-06-30"), ("2025-06", "2025-06-30"),
    ("2025", "2025-12-31"), ("2025年", "2025-12-31"), (2025, "2025-12-31"), (2025.12, "2025-12-31"),
    (dt.date(2025, 3, 4), "2025-03-04"), (dt.datetime(2025, 3, 4, 0, 0), "2025-03-04"),
    ("２０２５年１２月", "2025-12-31"), ("2025-12-31 00:00:00", "2025-12-31"),
])
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2025-13-01", "2025-02-30", "明年", "12/31/2025", "25.12", ""])
def test_bad_dates(value):
    with pytest.raises(BadValue, match="bad date"):
        parse_date(value)


@pytest.mark.parametrize("value, expected", [
    ("90%", 0.9), ("0.9", 0.9), (0.9, 0.9), ("12.5%", 0.125), (" 90 % ", 0.9), ("18", 18.0), (18, 18.0),
    ("1,200", 1200.0), ("-3", -3.0), ("９０％", 0.9),
])
def test_numbers_and_percentages(value, expected):
    assert parse_number(value) == expected
    assert isinstance(parse_number(value), float)


@pytest.mark.parametrize("value", ["很多", "90%%", "1,2,3", True, "nan"])
def test_bad_numbers(value):
    with pytest.raises(BadValue, match="bad number"):
        parse_number(value)


def test_target_values_keep_text_that_is_not_a_number():
    assert parse_number_or_text("通过认证") == "通过认证"
    assert parse_number_or_text("90%") == 0.9


@pytest.mark.parametrize("value", ["≥", ">=", "＞＝", "higher", "Higher", "高", "越高越好"])
def test_direction_higher_is_better(value):
    assert parse_direction(value) == "ge"


@pytest.mark.parametrize("value", ["≤", "<=", "lower", "低", "越低越好"])
def test_direction_lower_is_better(value):
    assert parse_direction(value) == "le"


def test_unknown_direction_names_the_allowed_values():
    with pytest.raises(BadValue, match="unknown direction '持平'.*≥"):
        parse_direction("持平")


@pytest.mark.parametrize("kind, value, expected", [
    ("layer", "学校", "school"), ("layer", "部门", "department"), ("layer", "专业", "major"),
    ("layer", "课程", "course"), ("layer", "教师", "teacher"), ("layer", "学生", "student"),
    ("layer", "Student", "student"),
    ("status", "未开始", "not_started"), ("status", "正常", "normal"), ("status", "已完成", "completed"),
    ("status", "未完成", "incomplete"), ("status", "预警", "warning"),
    ("org_type", "职能部门", "functional_office"), ("org_type", "教研室", "teaching_research_office"),
    ("system", "监督控制", "supervision_control"),
    ("plan_level", "一级", "1"), ("plan_level", "二级", "2"), ("plan_level", "三级", "3"),
    ("plan_level", 3, "3"), ("plan_level", 2.0, "2"),
    ("scope", "NZ", "NZ"), ("scope", "wz", "WZ"), ("scope", "系统外", "WZ"),
])
def test_controlled_values_map_to_notations(kind, value, expected):
    assert PARSERS[kind](value) == expected


def test_unknown_controlled_value_lists_the_allowed_values():
    with pytest.raises(BadValue) as err:
        PARSERS["layer"]("院级")
    assert "unknown layer '院级'" in str(err.value)
    assert "学校 (school)" in str(err.value) and "学生 (student)" in str(err.value)
    with pytest.raises(BadValue, match="unknown status '进行中'.*未开始 \\(not_started\\)"):
        PARSERS["status"]("进行中")


def test_task_kinds():
    assert parse_task_kind("a") == "A" and parse_task_kind("常规工作") == "B"
    with pytest.raises(BadValue, match="allowed: A"):
        parse_task_kind("C")
