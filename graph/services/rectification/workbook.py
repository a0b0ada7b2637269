"""The rectification list's workbook (整改清单): one layout for every list the system writes.

Both lists are written by :func:`write_lists` — the check findings' list (``iqa check --format
xlsx``, ``GET /export?format=xlsx``, the UI's Checks downloads: ``findings.findings_to_xlsx``) and a
diagnosis' list (``iqa rectify export``, ``GET /diagnosis/rectification``, the UI's Diagnosis
download: ``tasks.export_rectification``) — and both read back through ``iqa rectify import``
(``tasks.import_rectification``), which finds the columns by their headers in either language.

Layout:
- the summary sheet ``汇总`` (:data:`SUMMARY_COLUMNS`: 责任部门, 部门编号, 错误, 警告, 合计, 工作表), one
  row per responsible unit;
- one sheet per unit, titled with the unit's name (``graph.xlsx.sheet_title``: a valid, unique Excel
  sheet name), rows of :data:`COLUMNS`; items without an owner unit go to ``(无责任部门)``.

Each unit's sheet has the 19 columns of :data:`COLUMNS`: first the ten that print (:data:`PRINTED`:
what the unit reads and fills in on paper), then those kept for the import and for sorting and
filtering on screen. The unit fills in :data:`FILL_COLUMNS` (shaded). 建议时限, 整改时限 and 诊断日期 are
date cells (yyyy-mm-dd).

In English (``lang="en"``) the sheet ``Summary`` (:data:`SUMMARY_COLUMNS_EN`) and the headers of
:data:`COLUMNS_EN`, in the same order; the data (unit, node and person names, codes) stays as stored.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import IO, Any

from openpyxl import Workbook

from graph.checks import NO_UNIT_LABEL
from graph.xlsx import DATE_FORMAT, sheet_title, table_sheet

SUMMARY_SHEET = "汇总"
SUMMARY_SHEET_EN = "Summary"
SUMMARY_COLUMNS = ("责任部门", "部门编号", "错误", "警告", "合计", "工作表")
SUMMARY_COLUMNS_EN = ("Responsible unit", "Unit code", "Errors", "Warnings", "Total", "Sheet")
NO_UNIT_LABEL_EN = "(no responsible unit)"
#: The columns of a unit's list: first the ten that print, then those kept for the import and for
#: sorting and filtering on screen.
PRINTED = ("编号", "严重程度", "问题描述", "责任岗位", "建议措施", "建议时限", "整改措施", "整改时限", "责任人", "状态")
COLUMNS = PRINTED + ("预警编号", "预警类型", "节点", "名称", "责任部门", "部门编号", "危及学校目标", "关联预警", "诊断日期")
#: The columns the unit fills in.
FILL_COLUMNS = ("整改措施", "整改时限", "责任人", "状态")
#: The English header of each column, by its Chinese header.
COLUMNS_EN: dict[str, str] = {
    "编号": "Code", "严重程度": "Severity", "问题描述": "Problem", "责任岗位": "Responsible post",
    "建议措施": "Suggested action", "建议时限": "Suggested deadline", "整改措施": "Rectification measure",
    "整改时限": "Deadline for rectification", "责任人": "Responsible person", "状态": "Status",
    "预警编号": "Warning id", "预警类型": "Warning type", "节点": "Node", "名称": "Name", "责任部门": "Responsible unit",
    "部门编号": "Unit code", "危及学校目标": "School goals at risk", "关联预警": "Related warnings",
    "诊断日期": "Diagnosis date"}
#: Header as written (either language, case-insensitive for English) → the column's key (its
#: Chinese header), for the import.
HEADER_KEYS: dict[str, str] = {**{zh: zh for zh in COLUMNS_EN}, **{en.casefold(): zh for zh, en in COLUMNS_EN.items()}}
#: Severity words of the list, by severity.
SEVERITY_ZH = {"error": "错误", "warning": "警告"}
# Widths in Excel characters (a CJK character counts two): the printed ten add up to 146, which a
# landscape A4 page takes at about three quarters (tests/test_xlsx_print.py measures the printed type).
_WIDTHS = {"编号": 18, "严重程度": 6, "问题描述": 30, "责任岗位": 10, "建议措施": 22, "建议时限": 10, "整改措施": 24,
           "整改时限": 10, "责任人": 10, "状态": 6,
           "预警编号": 26, "名称": 28, "危及学校目标": 32, "关联预警": 32, "节点": 22}
#: Columns written as dates (yyyy-mm-dd cells) and the columns whose text wraps.
DATE_COLUMNS = ("建议时限", "整改时限", "诊断日期")
_WRAP_COLUMNS = ("编号", "预警类型", "问题描述", "名称", "责任部门", "责任岗位", "危及学校目标", "关联预警", "建议措施", "整改措施",
                 "责任人")
LANGS = ("zh", "en")


def suggested_deadline(as_of: dt.date, severity: str) -> dt.date:
    """建议时限: the month-end one (error) or two (warning) months after ``as_of`` (our rule)."""
    months = 1 if severity == "error" else 2
    y, m = divmod(as_of.month - 1 + months, 12)
    year, month = as_of.year + y, m + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def task_code(node_id: str, tag: str) -> str:
    """编号 of the rectification task of an item on node ``node_id`` (``Kind:code``):
    ``ZG-<kind>-<code>-<tag>`` — the rule id for a rule's finding, so a check finding and the
    diagnosis' warning of the same rule on the same node name the same task."""
    kind, _, code = node_id.partition(":")
    return f"ZG-{kind}-{code}-{tag}"


def check_lang(lang: str) -> None:
    """ValueError unless ``lang`` is ``"zh"`` or ``"en"``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (use zh or en)")


def write_lists(groups: Mapping[str, Sequence[Mapping[str, Any]]], dest: str | os.PathLike[str] | IO[bytes],
                lang: str = "zh") -> dict[str, str]:
    """Write rectification lists to ``dest`` (a path or a binary file object) in the layout of the
    module docstring. ``groups``: owner unit id (``""`` for none) → rows in the order to write, each
    row ``{column: value}`` over :data:`COLUMNS` (keys the Chinese headers; 严重程度 the word of
    ``lang``: 错误/警告 or error/warning); the unit's name and code are taken from its first row's
    责任部门 and 部门编号. Returns owner unit id → sheet title. ValueError for another language;
    errors writing the file propagate (OSError)."""
    check_lang(lang)
    en = lang == "en"
    headers = [COLUMNS_EN[c] for c in COLUMNS] if en else list(COLUMNS)
    summary_sheet = SUMMARY_SHEET_EN if en else SUMMARY_SHEET
    error_word = "error" if en else SEVERITY_ZH["error"]
    wb = Workbook()
    taken = {summary_sheet.casefold()}
    sheets: dict[str, str] = {}
    summary_rows = []
    fill = [i for i, col in enumerate(COLUMNS, start=1) if col in FILL_COLUMNS]
    widths = {i: _WIDTHS.get(col, 14) for i, col in enumerate(COLUMNS, start=1)}
    wrap = [i for i, c in enumerate(COLUMNS, start=1) if c in _WRAP_COLUMNS]
    dates = {i: DATE_FORMAT for i, c in enumerate(COLUMNS, start=1) if c in DATE_COLUMNS}
    for key, rows in groups.items():
        if not rows:
            continue
        label = rows[0]["责任部门"] or (rows[0]["部门编号"] or key if key else NO_UNIT_LABEL_EN if en else NO_UNIT_LABEL)
        title = sheet_title(label, taken)
        sheets[key] = title
        errors = sum(1 for r in rows if r["严重程度"] == error_word)
        summary_rows.append([label, rows[0]["部门编号"], errors, len(rows) - errors, len(rows), title])
        table_sheet(wb, title, headers, ([r[c] for c in COLUMNS] for r in rows), widths=widths, wrap=wrap,
                    fill=fill, freeze="B2", formats=dates, print_columns=len(PRINTED))
    table_sheet(wb, summary_sheet, SUMMARY_COLUMNS_EN if en else SUMMARY_COLUMNS, summary_rows,
                widths=(30, 14, 8, 8, 8, 32), use_active=True)
    wb.save(dest)
    return sheets


__all__ = ["COLUMNS", "COLUMNS_EN", "DATE_COLUMNS", "FILL_COLUMNS", "HEADER_KEYS", "LANGS", "NO_UNIT_LABEL_EN",
           "PRINTED", "SEVERITY_ZH", "SUMMARY_COLUMNS", "SUMMARY_COLUMNS_EN", "SUMMARY_SHEET", "SUMMARY_SHEET_EN",
           "check_lang", "suggested_deadline", "task_code", "write_lists"]
