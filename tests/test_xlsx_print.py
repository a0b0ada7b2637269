"""Spreadsheets that print and sort (issue 15, point 5): dates are date cells, rates numbers with a
percent format, wrapped rows tall enough, pages landscape / one page wide / header repeated /
frozen panes, and the template's 完成时限 in one format."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from graph.xlsx import DATE_FORMAT, LINE_HEIGHT, PERCENT_FORMAT, lines_needed, table_sheet, typed_value

sys.path.insert(0, str(Path(__file__).parent / "diagnosis"))


def _reload(wb: Workbook):
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return load_workbook(buf)


def _assert_prints(ws, freeze: str = "A2") -> None:
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert ws.freeze_panes == freeze


def test_table_sheet_types_dates_and_rates_and_sizes_rows():
    wb = Workbook()
    long = "问题描述" * 40
    table_sheet(wb, "t", ["编号", "日期", "比率", "说明"], [["A", "2026-01-31", 0.7246, long], ["B", "明年", None, "短"]],
                widths=(8, 12, 10, 20), wrap=(4,), formats={2: DATE_FORMAT, 3: PERCENT_FORMAT}, use_active=True)
    ws = _reload(wb)["t"]
    _assert_prints(ws)
    assert ws["B2"].value == dt.datetime(2026, 1, 31) and ws["B2"].is_date and ws["B2"].number_format == DATE_FORMAT
    assert ws["B3"].value == "明年"  # not a date: kept as written
    assert ws["C2"].value == pytest.approx(0.7246) and ws["C2"].number_format == PERCENT_FORMAT
    # 160 wide characters in a 20-wide column: 17 lines
    assert ws.row_dimensions[2].height == LINE_HEIGHT * lines_needed(long, 20) and lines_needed(long, 20) == 17
    assert ws.row_dimensions[3].height is None  # one line: the default height
    assert ws["D2"].alignment.wrap_text and not ws["A2"].alignment.wrap_text
    assert typed_value("2026-02-30", DATE_FORMAT) == "2026-02-30"


def test_rectification_list_prints_with_real_dates():
    from test_diag_rectify import college, export

    ws = load_workbook(export(college(), unit="D02"))["机械系"]
    _assert_prints(ws, freeze="C2")
    header = [c.value for c in ws[1]]
    for col in ("建议时限", "诊断日期"):
        cell = ws.cell(row=2, column=header.index(col) + 1)
        assert cell.is_date and cell.number_format == DATE_FORMAT, col
    assert ws.cell(row=2, column=header.index("整改时限") + 1).number_format == DATE_FORMAT
    assert not ws.cell(row=2, column=header.index("编号") + 1).alignment.wrap_text
    assert ws.cell(row=2, column=header.index("问题描述") + 1).alignment.wrap_text


def test_check_rectification_lists_format_the_deadline_column():
    from graph.checks import CheckReport, Finding
    from graph.services.rectification.findings import COLUMNS, findings_to_xlsx

    f = Finding(rule="RS002", severity="error", node="Task:K1", name="任务", message="缺少牵头部门" * 20,
                message_en="no lead unit", owner={"unit": {"id": "OrgUnit:D1", "name": "教务处"}, "person": None})
    buf = io.BytesIO()
    findings_to_xlsx(CheckReport(findings=[f], as_of=dt.date(2025, 12, 31), rules=("RS002",)), buf)
    buf.seek(0)
    ws = load_workbook(buf)["教务处"]
    _assert_prints(ws)
    assert ws.cell(row=2, column=COLUMNS.index("整改时限") + 1).number_format == DATE_FORMAT
    assert ws.row_dimensions[2].height and ws.row_dimensions[2].height > LINE_HEIGHT


def test_diagnosis_workbook_has_percentages_and_dates():
    from graph.services.diagnosis import diagnose
    from graph.services.report import report_xlsx
    from test_diag_rectify import AS_OF, NO_CHAIN, college

    data = diagnose(college(), as_of=AS_OF, config=NO_CHAIN).to_dict()
    buf = io.BytesIO()
    report_xlsx(data, buf)
    buf.seek(0)
    wb = load_workbook(buf)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1", ws.title
    overview = {r[0].value: r[1] for r in wb["概览"].iter_rows(min_row=2) if r[0].value}
    assert overview["诊断日期"].is_date and overview["诊断日期"].value == dt.datetime(2025, 12, 31)
    assert overview["任务按期推进率"].number_format == PERCENT_FORMAT
    sc = wb["部门记分卡"]
    header = [c.value for c in sc[1]]
    cell = sc.cell(row=2, column=header.index("目标达成度") + 1)
    assert cell.number_format == PERCENT_FORMAT and (cell.value is None or 0 <= cell.value <= 1)
    targets = wb["目标达成度"]
    header = [c.value for c in targets[1]]
    deadline = targets.cell(row=2, column=header.index("完成时限") + 1)
    assert deadline.is_date and deadline.value == dt.datetime(2026, 12, 31)
    assert targets.cell(row=2, column=header.index("达成度") + 1).number_format == PERCENT_FORMAT


def test_template_shows_every_deadline_as_a_date(tmp_path):
    from ingest.template import write_template

    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        for col in ("完成时限", "日期"):
            if col in header:
                cell = ws.cell(row=2, column=header.index(col) + 1)
                assert cell.is_date and cell.number_format == DATE_FORMAT, (ws.title, col, cell.value)
                seen += 1
    assert seen >= 4


def test_printed_page_png_when_libreoffice_is_there(tmp_path):
    """Prints the rectification list with LibreOffice (to PDF, as a user prints it) and keeps every
    page as PNG (``IQA_ARTEFACTS`` folder, else the test's temporary folder): each page landscape,
    and the unit's list on one page. Skipped where LibreOffice or pdftoppm is not installed
    (.ci/run installs both)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        pytest.skip("LibreOffice or pdftoppm is not installed: no printed-page PNG")
    from test_diag_rectify import college, export

    out = Path(os.environ.get("IQA_ARTEFACTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    xlsx = out / "rectification.xlsx"
    xlsx.write_bytes(export(college(), unit="D02").getvalue())
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                   check=True, capture_output=True, timeout=180)
    subprocess.run([pdftoppm, "-png", "-r", "60", str(out / "rectification.pdf"), str(out / "rectification-page")],
                   check=True, capture_output=True, timeout=120)
    pages = sorted(out.glob("rectification-page*.png"))
    assert 1 <= len(pages) <= 2  # the summary sheet, then the unit's list on one page
    for png in pages:
        data = png.read_bytes()
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width > height, png.name  # landscape
