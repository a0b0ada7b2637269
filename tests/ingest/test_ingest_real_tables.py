"""Real college tables as they are printed (issue 13): the corpus in ``real_tables.py`` loads without
``--partial``, keeps every threshold's number, unit and direction, and ``iqa check`` judges the
measurements against them. The expected values below are read off the printed table by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from graph.checks import run_checks
from graph.errors import IngestError
from graph.values import BadValue, parse_period, parse_threshold
from ingest import load_paths
from ingest.mapping import split_printed_number
from ingest_helpers import write_xlsx
from real_tables import INDICATOR_HEADER, INDICATORS, WORKBOOK, write_workbook

AS_OF = dt.date(2025, 1, 31)


@pytest.fixture
def loaded(store, workdir):
    write_workbook("专业建设标准.xlsx")
    report = load_paths(store, ["专业建设标准.xlsx"])  # strict: no --partial
    return store, report


# -- the done-when of the issue ------------------------------------------------------------------
#: 序号 → (目标值, 预警值, direction, unit), from the printed grades 优秀 / 合格; 90% is 0.9.
EXPECTED_THRESHOLDS = {
    "1": (True, True, "eq", None),
    "2": (0.95, 0.85, "ge", "%"),
    "3": (0.8, 0.6, "ge", "%"),
    "4": (18.0, 22.0, "le", ":1"),
    "5": (0.8, 0.6, "ge", "%"),
    "6": (6.0, 1.0, "ge", "个月"),
    "7": (1.0, None, "ge", "项"),
    "8": (6000.0, 3000.0, "ge", "万元"),
    "9": (95.0, 85.0, "ge", "分"),
    "10": (0.5, 0.5, "ge", "%"),
    "11": (0.95, None, "ge", "%"),
}


def test_a_printed_major_standard_loads_without_partial_and_keeps_every_threshold(loaded):
    store, report = loaded
    assert report.problems == [] and report.dropped == [] and report.skipped_rows == []
    indicators = {n.code: n for n in store.iter_nodes("Indicator")}
    assert sorted(indicators, key=int) == [str(i) for i in range(1, 12)]
    for code, (target, warning, direction, unit) in EXPECTED_THRESHOLDS.items():
        props = indicators[code].props
        got = (props.get("target_value"), props.get("warning"), props.get("direction"), props.get("unit"))
        assert got == pytest.approx((target, warning, direction, unit)) if isinstance(target, float) else \
            got == (target, warning, direction, unit), code
    # the cells as printed are kept beside the numbers
    assert indicators["2"].props["target_value_text"] == "≥95%"
    assert indicators["4"].props["warning_text"] == "≤22:1"
    assert indicators["7"].props["warning_text"] == "—"
    assert indicators["6"].props["不合格"] == "无"  # a grade column outside the contract, kept as printed
    # names without the printed numbering; the merged 关键要素 links every row of its group
    assert indicators["4"].name == "生师比"
    measured = {e.source.partition(":")[2]: e.target for e in store.iter_edges("measures")}
    assert measured == {**{c: "Standard:1.1" for c in "123"}, **{c: "Standard:1.2" for c in "4567"},
                        **{c: "Standard:1.3" for c in ("8", "9", "10", "11")}}
    leads = {e.source.partition(":")[2]: e.target for e in store.iter_edges("led_by") if e.source.startswith("Indicator:")}
    assert leads["3"] == "OrgUnit:JWC" and leads["7"] == "OrgUnit:RSC" and leads["11"] == "OrgUnit:JWC"


def test_check_judges_each_measurement_against_the_printed_thresholds(loaded):
    store, _ = loaded
    findings = run_checks(store, rules=["SI003", "SI004"], as_of=AS_OF).findings
    breaches = {f.node: f.message for f in findings if f.rule == "SI004"}
    # by hand: 1 否 ≠ 是; 2 82% < 85%; 4 23 > 22 (per one); 6 0.5 < 1 个月; 8 2800 < 3000;
    # 10 45% < 50%; 11 no 预警值, 90% < the printed target ≥95%. Not breached: 3 (65% ≥ 60%),
    # 5 (62% ≥ 60%), 7 (合格 is —: no threshold), 9 (88 ≥ 85).
    assert set(breaches) == {f"Indicator:{c}" for c in ("1", "2", "4", "6", "8", "10", "11")}
    assert breaches["Indicator:1"] == "指标预警：指标 1 最新测量值 否（2024-12-31）不符合预警值 是（应等于）"
    assert breaches["Indicator:4"] == "指标预警：指标 4 最新测量值 23:1（2024-12-31）高于预警值 22:1（越低越好）"
    assert breaches["Indicator:11"] == "指标预警：指标 11 最新测量值 90%（2024-12-31）低于目标值 95%（越高越好）"
    assert breaches["Indicator:6"] == "指标预警：指标 6 最新测量值 0.5个月（2024-12-31）低于预警值 1个月（越高越好）"
    no_threshold = {f.node: f.message for f in findings if f.rule == "SI003"}
    assert no_threshold == {"Indicator:7": "指标 7 未设预警值（预警值写作“—”：本档无要求）"}


def test_the_load_report_names_every_normalisation_with_its_location(loaded):
    _, report = loaded
    notes = {(n.location, n.read): n.stored for n in report.normalised}
    f = "专业建设标准.xlsx"
    assert notes[(f"{f} 指标!1", "title row '表2 专业建设质量标准（质控点）'")] == "not data; the header is row 2"
    assert notes[(f"{f} 指标!10", "the header repeated (a page break)")] == "skipped"
    assert notes[(f"{f} 指标!6:关键要素", "merged cell B6:B9 '1.2 师资队伍'")] == "the same value on rows 6–9"
    assert notes[(f"{f} 指标!2:牵头责任单位", "header '牵头责任单位'")] == "column 牵头部门 [lead_unit]"
    assert notes[(f"{f} 指标!6:预警值（合格）", "'≤22:1'")] == "warning = 22, direction ≤ (le), unit :1"
    assert notes[(f"{f} 指标!6:目标值（优秀）", "'≤18:1' with 方向 empty")] == "direction ≤ (le), from the sign"
    assert notes[(f"{f} 指标!9:预警值（合格）", "'—'")].startswith("no warning stored (a placeholder")
    assert notes[(f"{f} 测量!2:日期", "'2024年下半年'")].startswith("date = 2024-12-31")
    assert notes[(f"{f} 规划!3:完成时间", "'2021-2025年'")].startswith("deadline = 2025-12-31")
    assert notes[(f"{f} 指标!3:责任人", "'俞 悦'")] == "person '俞悦' (blanks inside a name removed)"
    assert notes[(f"{f} 标准!3:关键要素", "'1.1 专业定位'")] == "code = '1.1', name = '专业定位' (printed numbering)"


def test_people_known_by_name_only_become_one_person_each_with_one_warning(loaded):
    store, report = loaded
    people = {n.id: n.name for n in store.iter_nodes("Person")}
    assert people == {"Person:俞悦": "俞悦", "Person:陈静": "陈静", "Person:王明": "王明", "Person:张华": "张华"}
    about = [w for w in report.warnings if "is not in 人员" in w]
    assert len(about) == 4 and sum("'俞悦'" in w for w in about) == 1
    assert ("Indicator:2", "assigned_to", "Person:俞悦") in {e.key for e in store.iter_edges("assigned_to")}


def test_a_plan_table_of_contents_four_levels_deep_with_periods(loaded):
    store, _ = loaded
    plans = {n.code: n for n in store.iter_nodes("Plan")}
    assert {c: (p.name, p.props["level"], p.props["deadline"], p.props["deadline_text"]) for c, p in plans.items()} == {
        "一": ("学校“十四五”事业发展规划", "1", "2025-12-31", "2021-2025年"),
        "(一)": ("专业建设规划", "2", "2024-08-31", "2023-2024学年"),
        "1.1": ("智能制造专业群建设方案", "3", "2024-06-30", "2024年上半年"),
        "1.1(1)": ("工业机器人技术专业建设方案", "4", "2024-03-31", "2024年第一季度"),
    }
    chain = {(e.source, e.target) for e in store.iter_edges("decomposes_to") if e.source.startswith("Plan:")}
    assert chain == {("Plan:一", "Plan:(一)"), ("Plan:(一)", "Plan:1.1"), ("Plan:1.1", "Plan:1.1(1)")}


def test_a_diagnosis_standard_with_printed_headers_and_numbering(loaded):
    store, _ = loaded
    items = {n.id: n.name for n in store.iter_nodes("DiagnosisItem")}
    elements = {n.id: n.name for n in store.iter_nodes("DiagnosisElement")}
    assert items == {"DiagnosisItem:一": "课程目标", "DiagnosisItem:二": "课程资源"}
    # every item numbers its elements from （一）: the item's code qualifies them
    assert elements == {"DiagnosisElement:一.(一)": "目标定位", "DiagnosisElement:一.(二)": "目标达成",
                        "DiagnosisElement:二.(一)": "教材"}


# -- partial loads, disagreements and where the header is ---------------------------------------------
def _indicators(*rows: list[object]) -> dict[str, list[list[object]]]:
    return {"部门": [["编号", "名称"], ["JWC", "教务处"]],
            "指标": [["编号", "名称", "目标值", "预警值", "方向", "牵头部门"], *rows]}


def test_partial_drops_only_the_bad_optional_cell_and_keeps_the_row(store, workdir):
    write_xlsx("bad.xlsx", _indicators(["Z1", "新生报到率", "≥95%", "很多", "", "JWC"],
                                       ["Z2", "生师比", "≤18:1", "≤22:1", "", "JWC"]))
    with pytest.raises(IngestError) as err:
        load_paths(store, ["bad.xlsx"])
    assert [str(p) for p in err.value.problems] == [
        "bad.xlsx 指标!2:预警值: bad threshold '很多' (expected e.g. 95%, 0.95, ≥95%, ≤30:1, 70%以上, "
        "1项以上, 不少于6个月, 是 / 否, — (none))"]
    report = load_paths(store, ["bad.xlsx"], partial=True)
    assert report.skipped_rows == [] and report.problems == []
    assert [p.location for p in report.dropped] == ["bad.xlsx 指标!2:预警值"]
    z1 = store.get_node("Indicator:Z1")
    assert z1.props["target_value"] == 0.95 and "warning" not in z1.props and z1.props["direction"] == "ge"
    assert ("Indicator:Z1", "led_by", "OrgUnit:JWC") in {e.key for e in store.iter_edges("led_by")}


def test_a_sign_that_contradicts_the_direction_is_located(store, workdir):
    write_xlsx("bad.xlsx", _indicators(["Z1", "生师比", "≤18:1", "≤22:1", "越高越好", "JWC"],
                                       ["Z2", "就业率", "≥95%", "≤90%", "", "JWC"]))
    with pytest.raises(IngestError) as err:
        load_paths(store, ["bad.xlsx"])
    reasons = {p.location: p.reason for p in err.value.problems}
    assert reasons["bad.xlsx 指标!2:目标值"] == "'≤18:1' says ≤ (le) but 方向 says ≥ (ge); write one direction"
    assert reasons["bad.xlsx 指标!3:预警值"].startswith("'≤90%' (预警值, ≤) and '≥95%' (目标值, ≥) say opposite")


def test_a_missing_required_column_names_the_header_row(store, workdir):
    write_xlsx("t.xlsx", {"诊断": [["课程质量诊断标准"], ["诊断要素", "诊断点", "诊断标准"], ["目标定位", "对应", "明确"]]})
    with pytest.raises(IngestError) as err:
        load_paths(store, ["t.xlsx"])
    assert ("t.xlsx 诊断!2: required column 诊断项目 [item] is missing (the header was read from row 2: "
            "诊断要素、诊断点、诊断标准)") in [str(p) for p in err.value.problems]


def test_a_cell_under_both_a_contract_name_and_a_printed_alias_keeps_the_contract_name(store, workdir):
    write_xlsx("t.xlsx", {"指标": [["编号", "序号", "名称"], ["Z1", 1, "就业率"]]})
    load_paths(store, ["t.xlsx"])
    assert store.get_node("Indicator:Z1").props["序号"] == 1


def test_a_csv_with_a_title_row_finds_its_header(store, workdir):
    (workdir / "指标.csv").write_text("专业建设质量标准,,\n序号,主要观测点,预警值（合格）\n1,生师比,≤22:1\n", encoding="utf-8")
    report = load_paths(store, ["指标.csv"])
    assert store.get_node("Indicator:1").props["warning"] == 22.0
    assert ("指标.csv 指标!1", "title row '专业建设质量标准'") in {(n.location, n.read) for n in report.normalised}


def test_the_corpus_header_is_the_printed_one():
    # guard: the corpus really has the printed shapes the tests above rely on
    title, header, rows, merged = INDICATORS
    assert title and header == INDICATOR_HEADER and INDICATOR_HEADER in rows and merged
    assert set(WORKBOOK) >= {"标准", "指标", "测量", "规划", "诊断"}


# -- the values ---------------------------------------------------------------------------------
@pytest.mark.parametrize("cell, value, unit, direction", [
    ("≥95%", 0.95, "%", "ge"), ("≤30:1", 30.0, ":1", "le"), ("70%以上", 0.7, "%", "ge"),
    ("1项以上", 1.0, "项", "ge"), ("95分以上", 95.0, "分", "ge"), ("不少于6个月", 6.0, "个月", "ge"),
    ("≥6000", 6000.0, None, "ge"), ("27:1", 27.0, ":1", None), ("＞＝90％", 0.9, "%", "ge"),
    ("20%以内", 0.2, "%", "le"), ("不超过5%", 0.05, "%", "le"), ("3篇及以上", 3.0, "篇", "ge"),
    ("是", True, None, "eq"), ("否", False, None, "eq"), ("—", None, None, None), ("-", None, None, None),
    ("/", None, None, None), ("无", None, None, None), ("95%", 0.95, "%", None), (18, 18.0, None, None),
])
def test_thresholds_as_printed(cell, value, unit, direction):
    th = parse_threshold(cell)
    assert (th.value, th.unit, th.direction) == ((pytest.approx(value) if isinstance(value, float) else value),
                                                 unit, direction)


@pytest.mark.parametrize("cell, reason", [("很多", "bad threshold '很多'"), ("≥", "bad threshold '≥'"),
                                          ("≥95%以下", "say opposite things")])
def test_bad_thresholds(cell, reason):
    with pytest.raises(BadValue, match=reason):
        parse_threshold(cell)


@pytest.mark.parametrize("cell, iso", [
    ("2015-2018年", "2018-12-31"), ("2015年—2018年", "2018-12-31"), ("2024年上半年", "2024-06-30"),
    ("2024年下半年", "2024-12-31"), ("2023-2024学年", "2024-08-31"), ("2023-2024学年第一学期", "2024-01-31"),
    ("2023-2024学年第二学期", "2024-07-31"), ("2024年第一季度", "2024-03-31"), ("2024年四季度", "2024-12-31"),
])
def test_periods_are_their_last_day(cell, iso):
    assert parse_period(cell) == (iso, True)


def test_a_date_is_not_a_period_and_a_period_needs_its_year():
    assert parse_period("2025年12月") == ("2025-12-31", False)
    with pytest.raises(BadValue, match="the year is not written"):
        parse_period("第一季度")
    with pytest.raises(BadValue, match="ends before it starts"):
        parse_period("2018-2015年")


@pytest.mark.parametrize("text, code, name", [
    ("一、办学定位", "一", "办学定位"), ("（二）师资队伍", "(二)", "师资队伍"), ("1.1 专业定位", "1.1", "专业定位"),
    ("1.1专业定位", "1.1", "专业定位"), ("2.2(3) 课程标准", "2.2(3)", "课程标准"), ("1、总体目标", "1", "总体目标"),
    ("2025年招生计划", None, "2025年招生计划"), ("1.5倍以上", None, "1.5倍以上"), ("3D打印实训室", None, "3D打印实训室"),
])
def test_printed_numbering_becomes_the_code(text, code, name):
    assert split_printed_number(text) == (code, name)


# -- the owner answers and the CLI's words --------------------------------------------------------
def _cli(*args: str):
    from cli.main import app

    return CliRunner().invoke(app, list(args))


def _flat(text: str) -> str:
    """Output without blanks and line breaks (rich wraps lines at the terminal width)."""
    return "".join(text.split())


def test_owner_of_an_indicator_nobody_owns_says_so_and_agrees_with_si002(workdir):
    write_xlsx("t.xlsx", {"部门": [["编号", "名称"], ["JWC", "教务处"]],
                          "标准": [["编号", "名称", "牵头部门"], ["S1", "专业定位", "JWC"]],
                          "指标": [["编号", "名称", "测量对象", "预警值"], ["Z1", "就业率", "S1", "90%"],
                                   ["Z2", "报到率", "", "90%"]]})
    assert _cli("--store", "s.sqlite", "load", "t.xlsx").exit_code == 0
    nobody = _flat(_cli("--store", "s.sqlite", "owner", "Indicator:Z2").output)
    assert _flat("无责任主体 no owner") in nobody and "explicit" not in nobody
    inherited = _flat(_cli("--store", "s.sqlite", "owner", "Indicator:Z1").output)
    assert _flat("继承自 inherited from Standard:S1") in inherited
    assert _flat("no owner stated on this node, see SI002") in inherited and "explicit" not in inherited
    checked = _cli("--store", "s.sqlite", "check", "--rule", "SI002", "--format", "json")
    assert '"Indicator:Z1"' in checked.output and '"Indicator:Z2"' in checked.output


def test_cli_errors_keep_the_english_alias_and_skipped_lines_are_text(workdir):
    write_xlsx("t.xlsx", {"诊断": [["诊断要素", "诊断点"], ["目标定位", "对应"]],
                          "部门": [["编号", "名称", "类型"], ["JWC", "教务处", "院级"]]})
    strict = _cli("--store", "s.sqlite", "load", "t.xlsx")
    assert strict.exit_code == 5 and _flat("required column 诊断项目 [item] is missing") in _flat(strict.output)
    partial = _flat(_cli("--store", "s.sqlite", "load", "--partial", "t.xlsx").output)
    assert "{" not in partial and "'location'" not in partial
    assert _flat("skipped: t.xlsx 诊断!1: required column 诊断项目 [item] is missing") in partial
    assert _flat("dropped cell (row kept): t.xlsx 部门!2:类型: unknown org unit type '院级'") in partial


def test_an_edit_reads_a_threshold_as_the_workbook_does():
    from graph.services.edit import prepare_node

    props = prepare_node("Indicator:Z1", {"name": "新生报到率", "warning": "≥85%"}).props
    assert props == {"name": "新生报到率", "warning": 0.85, "warning_text": "≥85%", "direction": "ge", "unit": "%"}
    assert prepare_node("Measurement:Z1@2024-12-31", {"date": "2024年下半年", "value": "否", "name": "m"}).props == {
        "date": "2024-12-31", "value": False, "name": "m"}


def test_two_names_written_together_are_reported(store, workdir):
    write_xlsx("t.xlsx", {"人员": [["工号", "姓名"], ["E1", "张三"], ["E2", "李四"]],
                          "指标": [["编号", "名称", "责任人"], ["Z1", "就业率", "张三李四"], ["Z2", "报到率", "李 四"]]})
    report = load_paths(store, ["t.xlsx"])
    assert ("t.xlsx 指标!2:责任人: '张三李四' looks like two names without a separator (张三, 李四); "
            "write 张三、李四") in report.warnings
    assert ("Indicator:Z2", "assigned_to", "Person:E2") in {e.key for e in store.iter_edges("assigned_to")}
