"""Readers: .xlsx (dates, empty rows, row numbers), CSV encodings, directories, English alias
headers, full-width brackets, unknown sheets and columns."""

from __future__ import annotations

import datetime as dt

import pytest
from ingest_helpers import write_csv, write_xlsx

from graph.errors import IngestError
from ingest import load_paths
from ingest.readers import read_mapping, read_paths


def test_xlsx_rows_keep_spreadsheet_numbers_and_skip_empty_rows(workdir):
    write_xlsx("a.xlsx", {"目标": [
        ["编号", "名称", "层面", "完成时限"],
        ["T1", "目标一", "学校", dt.date(2025, 6, 30)],
        ["", "", "", ""],
        ["T2", " 目标二 ", "学校", dt.datetime(2025, 12, 31)],
    ]})
    result = read_paths(["a.xlsx"])
    (sheet,) = result.sheets
    assert (sheet.file, sheet.title, sheet.spec.zh) == ("a.xlsx", "目标", "目标")
    assert [r.number for r in sheet.rows] == [2, 4]
    assert sheet.rows[1].cells == {"编号": "T2", "名称": "目标二", "层面": "学校", "完成时限": dt.date(2025, 12, 31)}
    assert result.warnings == []


def test_unknown_sheet_is_skipped_with_a_warning_and_instructions_silently(workdir):
    write_xlsx("a.xlsx", {"说明": [["本表是说明"]], "杂项": [["x"], [1]], "部门": [["编号", "名称"], ["D1", "教务处"]],
                          "目标": []})  # an empty sheet has nothing to load
    result = read_paths(["a.xlsx"])
    assert [s.title for s in result.sheets] == ["部门"]
    assert result.warnings == ["a.xlsx 杂项: not a sheet of the workbook contract; skipped"]


def test_english_aliases_and_full_width_headers_load(workdir, store):
    write_xlsx("en.xlsx", {
        "org_units": [["code", "name", " Type "], ["D1", "教务处", "职能部门"]],
        "targets": [["编号（code）", "名称 ", "层面*", "lead_unit", "DEADLINE"], ["T1", "目标一", "学校", "教务处", "2025"]],
    })
    report = load_paths(store, ["en.xlsx"])
    assert report.warnings == []
    assert store.get_node("Target:T1").props == {"name": "目标一", "layer": "school", "deadline": "2025-12-31"}
    assert store.get_node("OrgUnit:D1").props == {"name": "教务处", "type": "functional_office"}
    assert store.get_edge("Target:T1", "led_by", "OrgUnit:D1") is not None


def test_unknown_column_is_kept_as_a_property_and_reported_once(workdir, store):
    write_xlsx("a.xlsx", {"目标": [
        ["编号", "名称", "层面", "备注"], ["T1", "目标一", "学校", "重点"], ["T2", "目标二", "学校", 3],
    ]})
    report = load_paths(store, ["a.xlsx"])
    assert store.get_node("Target:T1").props["备注"] == "重点"
    assert store.get_node("Target:T2").props["备注"] == 3
    assert report.warnings == ["a.xlsx 目标!1:备注: not a column of 目标; kept as node property '备注'"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(workdir, store, encoding):
    write_csv("部门.csv", [["编号", "名称", "类型"], ["D1", "教务处", "职能部门"], ["D2", "质控办（评估中心）", ""]], encoding)
    load_paths(store, ["部门.csv"])
    assert store.get_node("OrgUnit:D1").props == {"name": "教务处", "type": "functional_office"}
    assert store.get_node("OrgUnit:D2").name == "质控办（评估中心）"


def test_csv_multiline_cells_count_as_one_row(workdir, store):
    write_csv("部门.csv", [["编号", "名称"], ["D1", "教务处"]])
    write_csv("岗位.csv", [["编号", "名称", "所属部门"], ["P1", "处长\n（兼）", "D1"], ["P2", "科员", "D9"]])
    with pytest.raises(IngestError) as err:
        load_paths(store, ["部门.csv", "岗位.csv"])
    assert [p.location for p in err.value.problems] == ["岗位.csv 岗位!3:所属部门"]


def test_directory_reads_every_workbook_sorted_and_names_files_relatively(workdir, store):
    (workdir / "data").mkdir()
    write_csv("data/部门.csv", [["编号", "名称"], ["D1", "教务处"]], "gb18030")
    write_csv("data/岗位.csv", [["编号", "名称", "所属部门"], ["P1", "处长", "教务处"]], "utf-8-sig")
    write_xlsx("data/b.xlsx", {"人员": [["工号", "姓名", "岗位"], ["E1", "张三", "P1"]]})
    (workdir / "data" / "notes.txt").write_text("not a workbook", encoding="utf-8")
    result = read_paths(["data"])
    assert result.files == ["data/b.xlsx", "data/岗位.csv", "data/部门.csv"]
    report = load_paths(store, ["data"])
    assert report.files == result.files
    assert store.get_edge("Person:E1", "holds", "Post:P1") and store.get_edge("Post:P1", "part_of", "OrgUnit:D1")


def test_missing_and_unsupported_files_are_input_errors(workdir, store):
    (workdir / "old.xls").write_bytes(b"x")
    (workdir / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(IngestError) as err:
        load_paths(store, ["nope.xlsx", "old.xls"])
    assert [p.location for p in err.value.problems] == ["nope.xlsx", "old.xls"]
    with pytest.raises(IngestError, match="bad.xlsx: cannot read"):
        load_paths(store, ["bad.xlsx"])


def test_mapping_adapter_numbers_rows_from_two():
    result = read_mapping({"目标": [{"编号": "T1", "名称": "a", "层面": "学校"}, {"编号": "", "名称": ""}]}, "gen")
    (sheet,) = result.sheets
    assert [r.number for r in sheet.rows] == [2]
    assert sheet.location(3, "编号") == "gen 目标!3:编号"
