"""Spreadsheets that print and sort (issue 15, point 5): dates are date cells, rates numbers with a
percent format, wrapped rows tall enough, pages landscape / one page wide / header repeated /
frozen panes, and the template's 完成时限 in one format — and, printed by LibreOffice, readable type on every
page."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import statistics
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
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
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
    assert ws["A2"].alignment.vertical == "top"  # beside a cell of 17 lines, the row's text starts at the top
    assert typed_value("2026-02-30", DATE_FORMAT) == "2026-02-30"


def test_rectification_list_prints_with_real_dates():
    from test_diag_rectify import college, export

    ws = load_workbook(export(college(), unit="D02"))["机械系"]
    _assert_prints(ws, freeze="B2")
    header = [c.value for c in ws[1]]
    for col in ("建议时限", "诊断日期"):
        cell = ws.cell(row=2, column=header.index(col) + 1)
        assert cell.is_date and cell.number_format == DATE_FORMAT, col
    assert ws.cell(row=2, column=header.index("整改时限") + 1).number_format == DATE_FORMAT
    assert not ws.cell(row=2, column=header.index("建议时限") + 1).alignment.wrap_text
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
    _assert_prints(ws, freeze="B2")  # the rectification list's layout: 编号 stays in view
    assert ws.cell(row=2, column=COLUMNS.index("整改时限") + 1).number_format == DATE_FORMAT
    assert ws.cell(row=2, column=COLUMNS.index("建议时限") + 1).value == dt.datetime(2026, 1, 31)
    assert ws.print_area == "'教务处'!$A$1:$J$2"  # the ten printed columns
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


#: The smallest printed text accepted: the median height of a word's box on a page, in points (a
#: box is about 1.3 times the type size: 9 pt ≈ 7 pt type; an 11 pt cell at 100 % gives 14.3).
MIN_WORD_BOX_PT = 9.0


def _print(xlsx: Path, out: Path) -> list[Path]:
    """Print ``xlsx`` with LibreOffice as a user prints it (to PDF) and keep each page as PNG in
    ``out``; returns the PNGs. Checks every page: A4 landscape, text at least MIN_WORD_BOX_PT."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm, pdftotext = shutil.which("pdftoppm"), shutil.which("pdftotext")
    if not soffice or not pdftoppm or not pdftotext:
        pytest.skip("LibreOffice or poppler-utils is not installed: no printed pages (.ci/run installs them)")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                   check=True, capture_output=True, timeout=300)
    pdf = out / (xlsx.stem + ".pdf")
    boxes = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True,
                           timeout=120).stdout
    pages = boxes.split("<page ")[1:]
    assert pages, pdf
    for number, page in enumerate(pages, start=1):
        width, height = map(float, re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        assert (round(width), round(height)) == (842, 595), (xlsx.name, number, width, height)  # A4 landscape
        words = [float(y1) - float(y0) for y0, y1 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
        if words:
            assert statistics.median(words) >= MIN_WORD_BOX_PT, (xlsx.name, number, statistics.median(words))
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(out / f"{xlsx.stem}-page")],
                   check=True, capture_output=True, timeout=300)
    return sorted(out.glob(f"{xlsx.stem}-page*.png"))


def _artefacts(tmp_path: Path) -> Path:
    out = Path(os.environ.get("IQA_ARTEFACTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_the_rectification_list_prints_readable_pages(tmp_path):
    """The 19-column list prints its first ten columns (what the unit reads and fills in) on A4
    landscape in readable type, the unit's list on one page; pages kept as PNG (``IQA_ARTEFACTS``)."""
    from test_diag_rectify import college, export

    from graph.services.rectification.tasks import COLUMNS, PRINTED

    out = _artefacts(tmp_path)
    xlsx = out / "rectification.xlsx"
    xlsx.write_bytes(export(college(), unit="D02").getvalue())
    ws = load_workbook(xlsx)["机械系"]
    assert ws.print_area == f"'机械系'!$A$1:$J${ws.max_row}" and COLUMNS[:10] == PRINTED
    assert len(_print(xlsx, out)) == 2  # the summary sheet, then the unit's list on one page


def test_the_diagnosis_workbook_prints_readable_pages(tmp_path):
    """Every sheet of the demo's diagnosis workbook prints on A4 landscape in readable type."""
    from graph.services.diagnosis import diagnose
    from graph.services.report import report_xlsx
    from graph.stores.embedded import EmbeddedStore
    from seed.demo import demo_as_of, load_demo

    store = EmbeddedStore(None)
    load_demo(store)
    out = _artefacts(tmp_path)
    xlsx = out / "diagnosis.xlsx"
    report_xlsx(diagnose(store, as_of=demo_as_of()).to_dict(), xlsx)
    assert len(_print(xlsx, out)) >= len(load_workbook(xlsx).sheetnames)


def test_the_english_rectification_list_and_diagnosis_workbook_print_readable_pages(tmp_path):
    """The same two workbooks in English (``lang="en"``: longer headers, narrower text) print as
    readably: A4 landscape, the unit's list on one page, every report sheet on its pages."""
    from test_diag_rectify import AS_OF, NO_CHAIN, college

    from graph.services.diagnosis import diagnose
    from graph.services.rectification.tasks import export_rectification
    from graph.services.report import report_xlsx
    from graph.stores.embedded import EmbeddedStore
    from seed.demo import demo_as_of, load_demo

    out = _artefacts(tmp_path)
    listed = out / "rectification-en.xlsx"
    export_rectification(college(), listed, unit="D02", as_of=AS_OF, config=NO_CHAIN, lang="en")
    ws = load_workbook(listed)["机械系"]
    assert ws.print_area == f"'机械系'!$A$1:$J${ws.max_row}" and ws["A1"].value == "Code"
    assert len(_print(listed, out)) == 2
    store = EmbeddedStore(None)
    load_demo(store)
    book = out / "diagnosis-en.xlsx"
    report_xlsx(diagnose(store, as_of=demo_as_of()).to_dict(), book, "en")
    assert len(_print(book, out)) >= len(load_workbook(book).sheetnames)
