"""Rectification lists (整改清单) of a check run: its findings grouped by the unit that must fix them
(docs/rules.md: the owner of a finding), and their export as an Excel workbook — ``iqa check
--format xlsx``, ``GET /export?format=xlsx``, the UI's Checks downloads.

The workbook has the one layout of every rectification list (``rectification.workbook``: the
summary sheet, one sheet per responsible unit with the 19 columns of :data:`COLUMNS`), so a unit
fills in a check's list as it fills in a diagnosis' list, and ``iqa rectify import`` reads either.
A finding's row: 编号 ``ZG-<kind>-<code>-<rule>`` (the code the diagnosis gives the task of the same
rule on the same node), 预警编号 ``<rule>:<node id>``, 预警类型 the rule's title, 问题描述 the
finding's message, 建议措施 the rule's suggested action (docs/rules.md), 建议时限 the month-end one
(error) or two (warning) months after the check date, 诊断日期 the check date, 责任部门 / 部门编号 /
责任人 the finding's owner; 责任岗位, 危及学校目标 and 关联预警 are the diagnosis' and stay empty;
整改措施, 整改时限 and 责任人 are for the unit to fill in, 状态 starts 未开始.

In English (``lang="en"``) the headers, the summary sheet's name, the severities, the rules'
titles, the messages (``message_en``), the suggested actions and the status are English; the data
— unit, node and person names — stays as stored.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import IO, Any

from graph.checks import CheckReport, Finding
from graph.checks.catalogue import suggestion
from graph.checks.registry import RULES
from graph.services.rectification.workbook import (
    COLUMNS, COLUMNS_EN, NO_UNIT_LABEL_EN, SEVERITY_ZH, SUMMARY_COLUMNS, SUMMARY_COLUMNS_EN, SUMMARY_SHEET,
    SUMMARY_SHEET_EN, check_lang, suggested_deadline, task_code, write_lists)
from graph.xlsx import sheet_title

#: Key of :func:`rectification_lists` for findings whose owner has no unit.
NO_UNIT_KEY = ""


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


def _code(ref: dict[str, str] | None) -> str:
    return ref["id"].partition(":")[2] if ref else ""


def finding_row(f: Finding, as_of: dt.date, lang: str = "zh") -> dict[str, Any]:
    """The list row of finding ``f`` of a check at ``as_of`` (a date): ``{column: value}`` over
    :data:`COLUMNS`, words in ``lang`` (module docstring)."""
    en = lang == "en"
    rule = RULES.get(f.rule)
    person = f.owner.get("person")
    person_text = ((f"{person['name']} ({_code(person)})" if en else f"{person['name']}（{_code(person)}）")
                   if person else "")
    return {
        "编号": task_code(f.node, f.rule), "严重程度": f.severity if en else SEVERITY_ZH.get(f.severity, f.severity),
        "问题描述": f.message_en if en else f.message, "责任岗位": "", "建议措施": suggestion(f.rule, lang),
        "建议时限": suggested_deadline(as_of, f.severity).isoformat(), "整改措施": "", "整改时限": "",
        "责任人": person_text, "状态": "not started" if en else "未开始",
        "预警编号": f"{f.rule}:{f.node}", "预警类型": (rule.title_en if en else rule.title_zh) if rule else f.rule,
        "节点": f.node, "名称": f.name, "责任部门": f.unit_name or "", "部门编号": _code(f.owner.get("unit")),
        "危及学校目标": "", "关联预警": "", "诊断日期": as_of.isoformat(),
    }


def findings_to_xlsx(report: CheckReport, path_or_buffer: str | os.PathLike[str] | IO[bytes],
                     lang: str = "zh") -> dict[str, str]:
    """Write the report's rectification lists as an .xlsx workbook to a path or a binary file object,
    in the layout of every rectification list (``rectification.workbook``; rows: module docstring):
    the ``汇总`` sheet and one sheet per responsible unit (:func:`rectification_lists`' order).
    ``lang="en"``: the same in English. Returns owner unit id (``""`` for none) → sheet name.
    ValueError for another language; errors writing the file propagate (OSError)."""
    check_lang(lang)
    groups = {key: [finding_row(f, report.as_of, lang) for f in findings]
              for key, findings in rectification_lists(report).items()}
    return write_lists(groups, path_or_buffer, lang)


__all__ = ["COLUMNS", "COLUMNS_EN", "NO_UNIT_KEY", "NO_UNIT_LABEL_EN", "SUMMARY_COLUMNS", "SUMMARY_COLUMNS_EN",
           "SUMMARY_SHEET", "SUMMARY_SHEET_EN", "finding_row", "findings_to_xlsx", "rectification_lists",
           "sheet_title"]
