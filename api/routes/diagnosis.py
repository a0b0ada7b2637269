"""Diagnosis: ``GET /diagnosis`` (the whole diagnosis or one unit's), ``GET /diagnosis/report`` (the
report as HTML or xlsx), ``GET /diagnosis/rectification`` (the rectification list to fill in, as
``iqa rectify export``) and ``GET /units/{unit_id}/scorecard``; the files in Chinese or English
(``lang``). Thin: every answer comes from
the core object (``graph.app.Iqa``, which runs the diagnosis under the configured rule settings)
and ``graph.services.report``."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response

from api.deps import IqaDep, ReaderAuth
from api.problems import problem_responses
from api.routes._common import IsoDate, Limit, Offset, UnitQuery, attachment, json
from api.schemas import DiagnosisOut, ScorecardOut
from graph.services.paging import DEFAULT_LIMIT, paged_diagnosis
from graph.services.report import write_report

router = APIRouter(tags=["diagnosis"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

AsOfQuery = Annotated[IsoDate | None, Query(description="the diagnosis date (default today)")]
LowQuery = Annotated[float, Query(ge=0, le=1, description="an achievement rate below this is low (default 0.6)")]
NotDueQuery = Annotated[bool, Query(description="judge low achievement on targets not yet due too")]
LangQuery = Annotated[Literal["zh", "en"], Query(
    description="zh (default) or en: headings, headers, sheet titles, status words and the warnings' kinds, messages "
                "and suggested actions; names, codes and free text stay as stored")]

_WARNING_EXAMPLE = {
    "id": "task_overdue:Task:RW-9903", "kind": "task_overdue", "label": "任务逾期", "rule": None,
    "severity": "warning", "node": {"id": "Task:RW-9903", "kind": "Task", "code": "RW-9903", "name": "完成2025年企业实践锻炼考核",
                                    "layer": None},
    "message": "任务 RW-9903「完成2025年企业实践锻炼考核」完成时限 2025-10-31，截至 2025-12-31 状态为“未完成”",
    "facts": {"deadline": "2025-10-31", "status": "incomplete", "status_as_of": "incomplete"},
    "owner": {"person": {"id": "Person:T0123", "name": "程秀国"}, "post": {"id": "Post:XB01-JY3-P03", "name": "数控技术教研室专任教师"},
              "unit": {"id": "OrgUnit:XB01", "name": "机械工程系"}},
    "owner_inherited_from": None, "owner_chain": [{"from": "Task:RW-9903", "edge": "led_by", "to": "OrgUnit:XB01"}],
    "root_cause": {"id": "Task:RW-9903", "name": "完成2025年企业实践锻炼考核"},
    "endangered": [{"id": "Target:MB-JXB01-F1", "kind": "Target", "code": "MB-JXB01-F1", "name": "取得“双师素质”教师资格",
                    "layer": "teacher", "depth": 1, "achievement": 0.5, "low": True}],
    "school_goals": [{"id": "Target:MB-S07", "code": "MB-S07", "name": "双师素质教师比例达到85%", "achievement": 0.6051}],
    "absorbed": [], "suggestion": "督促责任人完成任务并更新状态，或按程序调整完成时限", "rectification": None,
}
_SCORECARD_EXAMPLE = {
    "unit": {"id": "OrgUnit:XB01", "name": "机械工程系"}, "type": "teaching_unit", "status": "warning",
    "status_label": "预警", "colour": "#c62828", "achievement": 0.7421, "targets": 54, "measured": 54,
    "before": {"received": 54, "decomposed": 54, "rate": 1.0},
    "tasks": {"total": 106, "counts": {"normal": 16, "completed": 76, "incomplete": 1, "warning": 3, "not_started": 10},
              "on_schedule": 102, "behind": 4, "rate": 0.9623},
    "indicators": {"total": 0, "breach": 0, "watch": 0, "met": 0, "stale": 0},
    "warnings": {"total": 5, "errors": 1, "by_kind": {"chain": 1, "task_overdue": 1, "task_at_risk": 3}},
    "absorbed": 0, "school_goals_at_risk": ["Target:MB-S07", "Target:MB-S13"],
}
_DIAGNOSIS_EXAMPLE = {
    "as_of": "2025-12-31", "college": "示例职业技术学院", "unit": None,
    "summary": {"warnings": 30, "errors": 9, "by_kind": {"indicator_breach": 3, "task_overdue": 1}, "absorbed": 0,
                "units": 28, "school_achievement": 0.7246},
    "warnings": [_WARNING_EXAMPLE], "scorecards": [_SCORECARD_EXAMPLE],
}


@router.get("/diagnosis", summary="Responsibility-driven diagnosis", response_model=DiagnosisOut,
            responses={200: {"description": "the diagnosis (shape in graph.services.diagnosis)",
                             "content": {"application/json": {"example": _DIAGNOSIS_EXAMPLE}}},
                       **problem_responses(401, 404, 409, 422)})
def get_diagnosis(iqa: IqaDep, _: ReaderAuth, unit: UnitQuery = None, as_of: AsOfQuery = None,
                  low_threshold: LowQuery = 0.6, judge_not_due: NotDueQuery = False,
                  limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> JSONResponse:
    """The diagnosis at `as_of`, as `iqa diagnose --format json`: `{"as_of", "college", "unit",
    "config", "legend", "summary", "warnings": [{"id", "kind", "label", "rule", "severity", "node",
    "message", "facts", "owner": {"person", "post", "unit"}, "owner_inherited_from", "owner_chain",
    "root_cause", "endangered", "school_goals", "absorbed", "suggestion", "rectification"}],
    "absorbed", "indicators", "key_indicators", "tasks", "assessment": {"before", "during", "after"},
    "scorecards", "total", "totals", "limit", "offset"}`. The long lists (`warnings`, `absorbed`,
    `tasks`, `assessment.after.targets`) hold one page each (`limit` from `offset`); `total` counts
    the warnings, `totals` each list, `summary` counts the whole diagnosis. Each warning is reported once, at its root cause, with the goals it endangers up
    to the school goal; the assessment follows 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9 (事前 / 事中 / 事后) and the statuses
    the colours of 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 (`legend`). With `unit`, only what that org unit owns (the
    diagnosis itself is computed over the whole graph). The diagnosis is computed once per date and
    settings and kept until the next write: every page after the first is answered from it. 404 /
    409 for a `unit` naming no / several org units."""
    d = iqa.diagnosis_data(as_of=as_of, unit=unit, low_threshold=low_threshold, judge_not_due=judge_not_due)
    return json(paged_diagnosis(d, limit, offset))


@router.get("/diagnosis/report", summary="The diagnosis report (HTML or xlsx)", response_class=Response,
            responses={200: {"description": "the report file",
                             "content": {"text/html": {"schema": {"type": "string"}},
                                         XLSX: {"schema": {"type": "string", "format": "binary"}}}},
                       **problem_responses(401, 404, 409, 422)})
def get_report(iqa: IqaDep, _: ReaderAuth, unit: UnitQuery = None, as_of: AsOfQuery = None,
               format: Annotated[Literal["html", "xlsx"], Query(description="html (self-contained page) or xlsx")] = "html",
               low_threshold: LowQuery = 0.6, judge_not_due: NotDueQuery = False, lang: LangQuery = "zh") -> Response:
    """The diagnosis report for the school or one `unit`: a self-contained HTML page (inline SVG
    charts, no scripts) or an xlsx workbook — the 诊改 section of the annual quality report — in
    Chinese or, with `lang=en`, English (as `iqa diagnose --format html|xlsx --lang en`)."""
    data = iqa.diagnosis_data(as_of=as_of, unit=unit, low_threshold=low_threshold, judge_not_due=judge_not_due)
    buffer = io.BytesIO()
    write_report(data, buffer, format, lang)
    if format == "html":
        return Response(buffer.getvalue(), media_type="text/html; charset=utf-8")
    if lang == "en":
        name = f"diagnosis-report-{data['unit']['name'] if data['unit'] else 'school'}-{data['as_of']}.{format}"
    else:
        name = f"诊断报告-{data['unit']['name'] if data['unit'] else '全校'}-{data['as_of']}.{format}"
    return Response(buffer.getvalue(), media_type=XLSX, headers=attachment(name))


@router.get("/diagnosis/rectification", summary="The rectification list to fill in (xlsx)", response_class=Response,
            responses={200: {"description": "the workbook", "content": {XLSX: {"schema": {"type": "string",
                                                                                      "format": "binary"}}}},
                       **problem_responses(401, 404, 409, 422)})
def get_rectification(iqa: IqaDep, _: ReaderAuth, unit: UnitQuery = None, as_of: AsOfQuery = None,
                      low_threshold: LowQuery = 0.6, judge_not_due: NotDueQuery = False,
                      lang: LangQuery = "zh") -> Response:
    """The rectification list of the diagnosis (as `iqa rectify export`): a summary sheet and one
    sheet per responsible unit, each warning with its node, owner, suggested action and deadline and
    the columns the unit fills in; in English with `lang=en`. `iqa rectify import` reads the filled-in
    list in either language. 404 / 409 for a `unit` naming no / several org units."""
    buffer = io.BytesIO()
    info = iqa.export_rectification(buffer, unit=unit, as_of=as_of, lang=lang, low_threshold=low_threshold,
                                    judge_not_due=judge_not_due)
    stem = "rectification-list" if lang == "en" else "整改清单"
    return Response(buffer.getvalue(), media_type=XLSX, headers=attachment(f"{stem}-{info['as_of']}.xlsx"))


@router.get("/units/{unit_id}/scorecard", summary="A unit's diagnosis scorecard", response_model=ScorecardOut,
            responses={200: {"description": "the scorecard", "content": {"application/json": {
                "example": _SCORECARD_EXAMPLE}}},
                       **problem_responses(401, 404, 409, 422)})
def get_scorecard(unit_id: Annotated[str, Path(min_length=1, max_length=200,
                                               description="the org unit: id (`OrgUnit:XB01`), code or exact name",
                                               openapi_examples={"id": {"value": "OrgUnit:XB01"}})],
                  iqa: IqaDep, _: ReaderAuth, as_of: AsOfQuery = None, low_threshold: LowQuery = 0.6,
                  judge_not_due: NotDueQuery = False) -> JSONResponse:
    """One unit's scorecard at `as_of`: `{"unit", "type", "status", "status_label", "colour",
    "achievement", "targets", "measured", "before": {"received", "decomposed", "rate"}, "tasks":
    {"total", "counts", "on_schedule", "behind", "rate"}, "indicators": {"total", "breach", "watch",
    "met", "stale"}, "warnings": {"total", "errors", "by_kind"}, "absorbed", "school_goals_at_risk"}`.
    `status` / `colour` use the colours of 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13: 预警 red (an error-severity warning), 未完成
    yellow (other warnings, or an achievement below `low_threshold`), 已完成 black (every task done), else
    正常 green. 404 / 409 for an id
    naming no / several org units."""
    return json(iqa.scorecard(unit_id, as_of=as_of, low_threshold=low_threshold, judge_not_due=judge_not_due))
