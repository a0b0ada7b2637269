"""The .xlsx reader (python-calamine plus the sheet's XML) gives the cells openpyxl's data_only mode
gave: None for empty, int for integral numbers, dates at midnight as dates, an Excel error as its
text, and it names the formula cells without a saved value."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from graph.errors import IngestError
from graph.settings import LimitsSection
from graph.xlsx_reader import check_xlsx, open_xlsx


def _rewrite(path: Path, part: str, fn) -> None:
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, fn(body) if info.filename == part else body)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["编号", "值", "日期", "时刻", "公式"])
    ws.append(["A1", 2001, dt.datetime(2025, 12, 31), dt.datetime(2025, 12, 31, 8, 30), "=B2+1"])
    ws.append(["A2", 1.5, None, True, 11111])
    ws["A5"] = "合并"
    ws.merge_cells("A5:B6")
    wb.create_chartsheet("图")
    path = tmp_path / "b.xlsx"
    wb.save(path)
    _rewrite(path, "xl/worksheets/sheet1.xml",
             lambda d: d.replace(b'<c r="E3" t="n"><v>11111</v>', b'<c r="E3" t="e"><v>#DIV/0!</v>'))
    return path


def test_cells_come_as_openpyxl_gave_them(book: Path) -> None:
    with open_xlsx(book, "b.xlsx") as wb:
        assert wb.titles == ["表"]  # the chart sheet is not a worksheet
        cells = wb.sheet("表")
    rows = cells.rows
    assert rows[0] == ["编号", "值", "日期", "时刻", "公式"]
    assert rows[1][:4] == ["A1", 2001, dt.date(2025, 12, 31), dt.datetime(2025, 12, 31, 8, 30)]
    assert type(rows[1][1]) is int and rows[1][4] is None
    assert rows[2] == ["A2", 1.5, None, True, "#DIV/0!"]
    assert rows[3] == [None] * 5 and rows[4][0] == "合并"
    assert cells.merged == [(5, 1, 6, 2)]
    assert cells.formulas == [(2, 5)]


def test_a_binary_file_object_reads_like_a_path(book: Path) -> None:
    with open_xlsx(io.BytesIO(book.read_bytes()), "b.xlsx") as wb:
        assert wb.sheet("表").rows[1][0] == "A1"


def test_a_sheet_over_the_limits_is_refused_with_its_location(book: Path) -> None:
    with open_xlsx(book, "b.xlsx") as wb, pytest.raises(IngestError) as err:
        wb.sheet("表", LimitsSection(max_rows=3), "b.xlsx 表")
    assert err.value.problems[0].location == "b.xlsx 表"
    with pytest.raises(IngestError, match="reaches row 6") as err:
        check_xlsx(book, "b.xlsx", LimitsSection(max_rows=3))
    # the sheet by its title (and its part), and what to do about it
    assert err.value.problems[0].location == "b.xlsx 表 (xl/worksheets/sheet1.xml)"
    assert "raise limits.max_rows / limits.max_columns in iqa.yaml" in err.value.problems[0].reason


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("编号,名称\n", encoding="utf-8")
    with pytest.raises(IngestError, match="cannot read as an .xlsx workbook"), open_xlsx(path, "x.xlsx"):
        pass


def test_headers_compare_after_nfkc() -> None:
    from ingest.sheets import normalize_header, sheet_spec

    assert normalize_header("目标值（％）＊") == normalize_header("目标值(%)") == "目标值(%)"
    assert normalize_header("Ｃｏｄｅ　") == "code"
    assert sheet_spec("部门") is sheet_spec("部门　")
