"""Nothing changes silently: every value a load normalises, reads as empty or keeps as text is in
the load report with its location."""

from __future__ import annotations


from ingest_helpers import college, write_csv, write_xlsx
from openpyxl import load_workbook

from graph.stores.embedded import EmbeddedStore
from ingest import load_paths


def test_full_width_zero_width_and_newline_codes_are_one_node_each_and_noted():
    sheets = college()
    sheets["部门"][2][0] = "Ｄ０１"  # full-width
    sheets["部门"][3][0] = "D02\u200b"  # zero-width space
    sheets["部门"][4][0] = "D03\n"  # a trailing line break
    write_xlsx("c.xlsx", sheets)
    store = EmbeddedStore(None)
    report = load_paths(store, ["c.xlsx"]).to_dict()
    assert {n.code for n in store.iter_nodes("OrgUnit")} == {"XY", "D01", "D02", "D03"}
    noted = {n["location"] for n in report["normalised"]}
    assert {"c.xlsx 部门!3:编号", "c.xlsx 部门!4:编号", "c.xlsx 部门!5:编号"} <= noted


def test_a_formula_without_a_saved_value_a_short_csv_row_and_a_target_kept_as_text_are_reported():
    sheets = college()
    sheets["指标"][1][sheets["指标"][0].index("目标值")] = "abc"
    write_xlsx("c.xlsx", sheets)
    wb = load_workbook("c.xlsx")
    wb["测量"]["C2"] = "=1+1"  # openpyxl saves no cached value, as a program-written workbook
    wb.save("c.xlsx")
    write_csv("岗位.csv", [["编号", "名称", "所属部门"], ["P09", "新岗位"]])
    store = EmbeddedStore(None)
    report = load_paths(store, ["c.xlsx", "岗位.csv"], partial=True).to_dict()
    warnings = "\n".join(report["warnings"])
    assert "c.xlsx 测量!2:值: a formula without a saved value" in warnings
    assert "岗位.csv 岗位!2: the row has 2 of 3 fields; 所属部门 read as empty" in warnings
    assert any(n["location"] == "c.xlsx 指标!2:目标值" and "kept as text" in n["stored"] for n in report["normalised"])


def test_a_merged_lead_unit_cell_gives_every_row_its_led_by_edge():
    sheets = college()
    tasks = sheets["任务"]
    col = tasks[0].index("牵头部门")
    tasks.append(["K3", "第三项任务", "B", "", "T3", "", "", "", "2025-06-30", "正常", ""])
    write_xlsx("c.xlsx", sheets)
    wb = load_workbook("c.xlsx")
    ws = wb["任务"]
    letter = "ABCDEFGHIJK"[col]
    ws[f"{letter}4"] = None
    ws.merge_cells(f"{letter}3:{letter}4")  # K2 and K3 share one merged 牵头部门 cell
    wb.save("c.xlsx")
    store = EmbeddedStore(None)
    load_paths(store, ["c.xlsx"])
    led = {(e.source, e.target) for e in store.iter_edges("led_by")}
    assert ("Task:K2", "OrgUnit:D03") in led and ("Task:K3", "OrgUnit:D03") in led
