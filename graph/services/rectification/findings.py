"""Rectification lists (整改清单): the findings of a check run grouped by the unit that must fix
them (docs/rules.md: the owner of a finding), and their export as an Excel workbook.

Workbook layout (stable; quality offices send each sheet to its unit):
- ``汇总``: one row per responsible unit — 责任部门, 错误, 警告, 工作表 (the unit's sheet name);
- one sheet per unit, titled with the unit's name (made a valid, unique Excel sheet name), with the
  columns of :data:`COLUMNS`; findings without an owner unit go to the sheet ``(无责任部门)``.

In English (``lang="en"``) the headers, the summary sheet's name, the severities, the messages
(``message_en``) and the suggested actions are English (:data:`COLUMNS_EN` …); the data — unit,
node and person names — stays as stored.
"""

from __future__ import annotations

import os
from typing import IO

from openpyxl import Workbook

from graph.checks import NO_UNIT_LABEL, SEVERITY_LABELS_ZH, CheckReport, Finding
from graph.checks.catalogue import suggestion
from graph.xlsx import DATE_FORMAT, sheet_title, table_sheet

#: Key of :func:`rectification_lists` for findings whose owner has no unit.
NO_UNIT_KEY = ""
SUMMARY_SHEET = "汇总"
SUMMARY_COLUMNS = ("责任部门", "错误", "警告", "工作表")
COLUMNS = ("规则", "严重程度", "节点", "名称", "问题描述", "责任部门", "责任人", "建议措施", "整改时限")
_WIDTHS = (8, 9, 24, 30, 60, 18, 12, 40, 12)
SUMMARY_SHEET_EN = "Summary"
SUMMARY_COLUMNS_EN = ("Responsible unit", "Errors", "Warnings", "Sheet")
COLUMNS_EN = ("Rule", "Severity", "Node", "Name", "Problem", "Responsible unit", "Responsible person",
              "Suggested action", "Deadline for rectification")
NO_UNIT_LABEL_EN = "(no responsible unit)"


def rectification_lists(report: CheckReport) -> dict[str, list[Finding]]:
    """Findings grouped by owner unit id (``""`` for findings with no owner unit), each list in the
    report's order (errors first, then rule id, then node id). Units are ordered by name, the
    ``""`` group last."""
    groups: dict[str, list[Finding]] = {}
    names: dict[str, str] = {}
    for f in report.findings:
        key = f.unit_id or NO_UNIT_KEY
        groups.setdefault(key, []).append(f)
        names[key] = f.unit_name or ""
    order = sorted(groups, key=lambda k: (k == NO_UNIT_KEY, names[k], k))
    return {k: groups[k] for k in order}


def _finding_row(f: Finding, lang: str = "zh") -> list[str]:
    en = lang == "en"
    return [f.rule, f.severity if en else SEVERITY_LABELS_ZH.get(f.severity, f.severity), f.node, f.name,
            f.message_en if en else f.message, f.unit_name or "", f.person_name or "", suggestion(f.rule, lang), ""]


def findings_to_xlsx(report: CheckReport, path_or_buffer: str | os.PathLike[str] | IO[bytes],
                     lang: str = "zh") -> dict[str, str]:
    """Write the report's rectification lists as an .xlsx workbook to a path or a binary file object:
    the ``汇总`` sheet (责任部门, 错误, 警告, 工作表) and one sheet per responsible unit with the columns
    规则, 严重程度, 节点, 名称, 问题描述, 责任部门, 责任人, 建议措施 (the rule's ``suggestion_zh``),
    整改时限 (left empty for the unit to fill in; formatted as a date). Sheets print landscape,
    one page wide, with the header repeated and rows as high as their wrapped text. ``lang="en"``:
    the same in English (``Summary``, :data:`COLUMNS_EN`, ``message_en``, the English suggested
    action); names stay as stored. Returns owner unit id (``""`` for none) → sheet name.
    Errors writing the file propagate (OSError)."""
    en = lang == "en"
    summary_sheet, columns = (SUMMARY_SHEET_EN, COLUMNS_EN) if en else (SUMMARY_SHEET, COLUMNS)
    lists = rectification_lists(report)
    wb = Workbook()
    taken = {summary_sheet.casefold()}
    sheets: dict[str, str] = {}
    summary_rows = []
    for key, findings in lists.items():
        label = findings[0].unit_name if key != NO_UNIT_KEY else (NO_UNIT_LABEL_EN if en else NO_UNIT_LABEL)
        title = sheet_title(label or key, taken)
        sheets[key] = title
        errors = sum(1 for f in findings if f.severity == "error")
        summary_rows.append([label, errors, len(findings) - errors, title])
        table_sheet(wb, title, columns, (_finding_row(f, lang) for f in findings), widths=_WIDTHS,
                    wrap=(4, 5, 6, 7, 8), formats={len(columns): DATE_FORMAT})
    table_sheet(wb, summary_sheet, SUMMARY_COLUMNS_EN if en else SUMMARY_COLUMNS, summary_rows,
                widths=(30, 8, 8, 32), use_active=True)
    wb.save(path_or_buffer)
    return sheets


__all__ = ["COLUMNS", "COLUMNS_EN", "NO_UNIT_KEY", "SUMMARY_COLUMNS", "SUMMARY_COLUMNS_EN", "SUMMARY_SHEET",
           "SUMMARY_SHEET_EN", "findings_to_xlsx",
           "rectification_lists", "sheet_title"]
