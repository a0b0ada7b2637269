"""Responsibility-driven diagnosis (诊断): indicator and task status, achievement-rate roll-up,
the assessment diagnosis before / during / after (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9), warnings with their owners and the
goals they endanger, reported once at their root cause, and unit scorecards in the colours of
泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13.

Modules (each states its rules and their seed source):

- ``indicators``: status of an indicator at a date (level, attainment, trend, staleness);
- ``tasks``: the 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 status of a task on a date and by month;
- ``rollup``: achievement rate (达成度) from tasks and indicators up to school goals and plans;
- ``assessment``: 事前 / 事中 / 事后 (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9);
- ``warnings``: warning kinds, owners, endangered goals, root-cause deduplication;
- ``core``: :func:`diagnose`, :func:`scorecard`, :func:`achievement`.

Public API::

    diagnose(store, *, as_of=None, unit=None, config=None, rule_config=None) -> Diagnosis  # .to_dict(), .explain(id)
    scorecard(store, unit, *, as_of=None, config=None, rule_config=None) -> dict  # one scorecards[] entry
    restrict(whole, unit) -> Diagnosis  # one unit's diagnosis cut from the school's
    achievement(store, node, *, as_of=None, config=None, depth=None) -> dict  # Rollup.explain
    indicator_status(store, indicator, as_of=None, config=None) -> IndicatorStatus
    task_status(task, on, *, warning_window_days=30) -> str; month_statuses(task, year, as_of) -> list
    DiagnosisConfig(low_threshold=0.6, judge_not_due=False, warning_window_days=30, trend_periods=3,
                    chain_rules=(…), at_risk_tasks=True, key_indicators=8, year=None)

Errors: ``diagnose`` / ``scorecard`` raise NotFoundError or AmbiguousIdError for an unknown or
ambiguous unit and ValidationError for an unknown rule id in ``chain_rules``; ``achievement``
raises NotFoundError for an unknown node. All are ``graph.errors.IqaError``.

JSON shape of ``Diagnosis.to_dict()`` (``iqa diagnose --format json``, ``GET /api/v1/diagnosis``).
Dates are ISO ``YYYY-MM-DD``; rates and attainments are shares in [0, 1] rounded to 4 places
(0.9 = 90%); indicator values are in the indicator's unit (percentages as fractions); ``{"id",
"name"}`` refs may be null; statuses are TaskStatuses notations (``legend`` gives labels and
colours)::

    {
      "as_of": "2025-12-31", "college": "示例职业技术学院" | null,
      "unit": null | {"id", "name"},                 # the --unit filter
      "config": {DiagnosisConfig fields},
      "legend": {"normal": {"label": "正常", "colour": "#2e7d32"}, "completed": …, "incomplete": …,
                 "warning": …, "not_started": …},     # 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13
      "summary": {"warnings", "errors", "by_kind": {kind: n}, "by_unit": {unit name: n}, "absorbed",
                  "units", "indicators": {"total", "breach", "watch", "met", "no_data", "not_judged",
                  "stale"}, "tasks": {"counts": {status: n}, "on_schedule", "behind", "rate"},
                  "school_achievement", "school_goals_at_risk": [{"id", "code", "name",
                  "achievement", "warnings"}]},
      "warnings": [{"id": "<kind or rule>:<node id>", "kind", "label", "label_en", "rule": null | "TC002",
                    "severity": "error" | "warning", "node": {"id", "kind", "code", "name", "layer"},
                    "message", "message_en", "facts": {…kind-specific…},
                    "owner": {"person", "post", "unit"}, "owner_inherited_from": null | id,
                    "owner_chain": [{"from", "edge", "to"}],
                    "root_cause": {"id", "name"},
                    "endangered": [{"id", "kind", "code", "name", "layer", "depth", "achievement", "low"}],
                    "school_goals": [{"id", "code", "name", "achievement"}],
                    "absorbed": [{"id", "kind", "label", "label_en", "node", "name", "message",
                                  "message_en"}],
                    "suggestion", "suggestion_en", "rectification": null | {"id", "code", "status", "status_as_of",
                    "deadline", "measure"}}],
      "absorbed": [{"id", "kind", "label", "label_en", "node", "name", "message", "message_en", "owner"}],
      "indicators": [{"id", "code", "name", "unit", "frequency", "direction", "target_value",
                      "target_text", "warning", "latest": null | {"date", "value"}, "level",
                      "level_label", "attainment", "stale", "window_days", "age_days",
                      "trend": {"values": [{"date", "value"}], "slope", "change"},
                      "ignored_after_as_of", "series": [{"date", "value"}], "owner",
                      "owner_inherited_from", "measures": [id], "key": bool}],
      "key_indicators": [id],                        # charted in the report
      "tasks": [{"id", "kind", "code", "name", "task_kind", "deadline", "status", "status_as_of",
                 "months": [12 × status | null], "unit": {"id", "name"}, "person"}],
      "assessment": {
        "before": {"received", "decomposed", "rate", "by_unit": [{"unit", "received", "decomposed",
                   "rate", "missing": [{"id", "kind", "code", "name", "layer"}]}]},
        "during": {"year", "months": ["2025-01", …], "school": [month × 12], "as_of": month,
                   "by_unit": [{"unit", "tasks", "months": [month × 12], "as_of": month}]},
                   # month = {"counts": {status: n}, "on_schedule", "behind", "rate"}
        "after": {"school": {"value", "targets"}, "plans": [{"id", …, "level", "value", "basis"}],
                  "by_layer": [{"layer", "label", "value", "targets", "measured"}],
                  "by_unit": [{"unit", "value", "targets", "measured"}],
                  "targets": [{"id", "kind", "code", "name", "layer", "deadline", "due", "unit",
                               "value", "basis", "children": [{"id", "via", "weight", "value",
                               "share", "contribution"}]}]}},
      "scorecards": [{"unit", "type", "status", "status_label", "colour", "achievement", "targets",
                      "measured", "before": {"received", "decomposed", "rate"} | null,
                      "tasks": {"total", "counts", "on_schedule", "behind", "rate"},
                      "indicators": {"total", "breach", "watch", "met", "stale"},
                      "warnings": {"total", "errors", "by_kind"}, "absorbed",
                      "school_goals_at_risk": [id]}]
    }

Scorecard colour (泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 colours, our rule): 预警 red when the unit owns a reported
error-severity warning, 未完成 yellow when it owns any other reported warning or its achievement is
below ``low_threshold`` (a unit below the threshold is never 正常), 已完成 black when all
its tasks are completed, else 正常 green. Units are those owning a target, task, indicator or
warning (``unit`` ``""`` / ``(无责任部门)`` for what has no owner), ordered by unit type then id.
"""

from graph.services.diagnosis.context import DiagnosisConfig, DiagnosisContext, edge_weight
from graph.services.diagnosis.core import Diagnosis, achievement, diagnose, restrict, scorecard, with_low_threshold
from graph.services.diagnosis.indicators import (
    IndicatorStatus,
    attainment,
    frequency_days,
    indicator_status,
)
from graph.services.diagnosis.rollup import Rollup, Score
from graph.services.diagnosis.tasks import month_statuses, status_legend, task_status
from graph.services.diagnosis.warnings import CAUSES, KINDS, DiagnosisWarning

__all__ = [
    "CAUSES", "KINDS", "Diagnosis", "DiagnosisConfig", "DiagnosisContext", "IndicatorStatus", "Rollup", "Score",
    "DiagnosisWarning", "achievement", "attainment", "diagnose", "edge_weight", "frequency_days", "indicator_status",
    "month_statuses", "restrict", "scorecard", "status_legend", "task_status", "with_low_threshold",
]
