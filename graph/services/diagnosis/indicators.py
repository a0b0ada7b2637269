"""Indicator status at a diagnosis date: level against target value and warning threshold, trend,
staleness, attainment.

Rules (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表10–表15 quality-control points, 泰山职业技术学院《内部质量保证体系建设与运行实施方案》表5 诊断点/质控指标/预警值; docs/rules.md SI004):

- **latest measurement**: the measurement with the largest ``date`` not after ``as_of`` (ties by
  measurement id). A measurement dated after ``as_of`` is ignored (it did not exist yet).
- **direction** ``ge`` (≥, higher is better) or ``le`` (≤): ``checks.indicator_direction``.
- **level** of the latest value ``v``, threshold ``w`` (预警值) and target ``t`` (目标值), all
  already numbers (``90%`` and ``0.9`` are both 0.9; a text target is parsed with
  ``checks.parse_number``, so ``"90%"`` still counts):
  ``breach`` when ``v < w`` (ge) or ``v > w`` (le) — the SI004 condition;
  ``met`` when not a breach and ``v ≥ t`` (ge) / ``v ≤ t`` (le), or when there is no numeric target;
  ``watch`` when between threshold and target; ``no_data`` without a measurement on or before
  ``as_of``; ``not_judged`` without a direction or without any numeric threshold or target.
- **attainment** (the indicator's share in the 达成度 roll-up): ``v / t`` for ge, ``t / v`` for
  le, capped to [0, 1] (1 when the target is met; 0 when ``t ≤ 0`` and it is not met).
- **stale**: no measurement within the collection frequency before ``as_of``: the latest is more
  than :func:`frequency_days` days old, or there is none. 月 ≈ 31 days, 季 92, 学期 183, 年 366
  (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表15 采分时点; docs/workbook.md 采集频次). An unknown or empty frequency is taken as 年.
- **trend**: the last ``periods`` values (default 3) and their least-squares slope per period
  (in the indicator's unit); ``improving`` / ``worsening`` by the direction, ``flat`` when the
  slope is ~0, None with fewer than two values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from graph.asof import as_of_or_default
from graph.model import Node
from graph.values import breached, indicator_direction, number_or_none
from graph.services.diagnosis.context import DiagnosisConfig, DiagnosisContext, rounded
from graph.store import GraphStore

#: (text found in 采集频次, days); the first match wins, so 半年 precedes 年.
FREQUENCY_DAYS: tuple[tuple[str, int], ...] = (
    ("日", 1), ("天", 1), ("daily", 1), ("周", 7), ("week", 7), ("半年", 183), ("学期", 183), ("semester", 183),
    ("term", 183), ("季", 92), ("quarter", 92), ("月", 31), ("month", 31), ("年", 366), ("year", 366),
    ("annual", 366),
)
DEFAULT_FREQUENCY_DAYS = 366
LEVELS = ("breach", "watch", "met", "no_data", "not_judged")
LEVEL_LABELS_ZH = {"breach": "预警", "watch": "未达目标", "met": "达标", "no_data": "无数据", "not_judged": "未研判"}


def frequency_days(frequency: Any) -> int:
    """Days within which an indicator of this 采集频次 must have a measurement (see module docstring)."""
    text = str(frequency or "").strip().lower()
    for key, days in FREQUENCY_DAYS:
        if key in text:
            return days
    return DEFAULT_FREQUENCY_DAYS


def attainment(value: float | None, target: float | None, direction: str | None) -> float | None:
    """Attainment of ``value`` against ``target`` in [0, 1]: ``value / target`` (ge) or
    ``target / value`` (le), 1 when the target is met; None when anything is missing."""
    if value is None or target is None or direction not in ("ge", "le"):
        return None
    if direction == "ge":
        if value >= target:
            return 1.0
        return 0.0 if target <= 0 or value <= 0 else max(0.0, min(1.0, value / target))
    if value <= target:
        return 1.0
    return 0.0 if target <= 0 else max(0.0, min(1.0, target / value))


def is_breach(value: float, warning: float, direction: str) -> bool:
    """The SI004 condition (``graph.values.breached``): below the threshold when higher is better,
    above it when lower is, different from it for ``eq``."""
    return breached(value, warning, direction)  # type: ignore[arg-type]


def _slope(values: list[float]) -> float | None:
    n = len(values)
    if n < 2:
        return None
    mx = (n - 1) / 2
    my = sum(values) / n
    den = sum((i - mx) ** 2 for i in range(n))
    return sum((i - mx) * (v - my) for i, v in enumerate(values)) / den


@dataclass
class IndicatorStatus:
    """The status of one indicator at ``as_of``; see the module docstring for each field's rule."""

    node: Node
    as_of: dt.date
    direction: str | None
    target: float | None
    warning: float | None
    latest: tuple[dt.date, float] | None
    level: str
    attainment: float | None
    stale: bool
    window_days: int
    age_days: int | None
    trend: list[tuple[dt.date, float]] = field(default_factory=list)
    slope: float | None = None
    change: str | None = None
    ignored_after: int = 0
    series: list[tuple[dt.date, float]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.node.id

    def to_dict(self, series: bool = False) -> dict[str, Any]:
        """``{"id", "code", "name", "unit", "frequency", "direction", "target_value", "warning",
        "latest": {"date", "value"} | null, "level", "level_label", "attainment", "stale",
        "window_days", "age_days", "trend": {"values": [{"date", "value"}], "slope", "change"},
        "ignored_after_as_of"}`` plus ``"series"`` (every measurement up to ``as_of``) when asked."""
        p = self.node.props
        out = {
            "id": self.node.id, "code": self.node.code, "name": self.node.name,
            "unit": p.get("unit"), "frequency": p.get("frequency"), "direction": self.direction,
            "target_value": self.target, "target_text": p.get("target_value"), "warning": self.warning,
            "latest": {"date": self.latest[0].isoformat(), "value": self.latest[1]} if self.latest else None,
            "level": self.level, "level_label": LEVEL_LABELS_ZH[self.level],
            "attainment": rounded(self.attainment), "stale": self.stale, "window_days": self.window_days,
            "age_days": self.age_days,
            "trend": {"values": [{"date": d.isoformat(), "value": v} for d, v in self.trend],
                      "slope": rounded(self.slope, 6), "change": self.change},
            "ignored_after_as_of": self.ignored_after,
        }
        if series:
            out["series"] = [{"date": d.isoformat(), "value": v} for d, v in self.series]
        return out


def status_in(ctx: DiagnosisContext, indicator: Node) -> IndicatorStatus:
    """The status of ``indicator`` on the snapshot ``ctx`` at ``ctx.as_of``."""
    as_of = ctx.as_of
    periods = max(1, ctx.config.trend_periods)
    direction = indicator_direction(indicator.props)
    target = number_or_none(indicator.props.get("target_value"))
    warning = number_or_none(indicator.props.get("warning"))
    every = ctx.measurements(indicator.id)
    series = [(d, v) for d, v, _ in every if d <= as_of]
    ignored = len(every) - len(series)
    latest = series[-1] if series else None
    window = frequency_days(indicator.props.get("frequency"))
    age = (as_of - latest[0]).days if latest else None
    stale = latest is None or age > window  # type: ignore[operator]
    if latest is None:
        level = "no_data"
    elif direction is None or (warning is None and target is None):
        level = "not_judged"
    elif warning is not None and is_breach(latest[1], warning, direction):
        level = "breach"
    elif target is None or (latest[1] >= target if direction == "ge" else latest[1] <= target):
        level = "met"
    else:
        level = "watch"
    trend = series[-periods:]
    slope = _slope([v for _, v in trend])
    change = None
    if slope is not None and direction is not None:
        scale = max(1.0, abs(sum(v for _, v in trend) / len(trend)))
        if abs(slope) <= 1e-9 * scale:
            change = "flat"
        else:
            change = "improving" if (slope > 0) == (direction == "ge") else "worsening"
    return IndicatorStatus(
        node=indicator, as_of=as_of, direction=direction, target=target, warning=warning, latest=latest,
        level=level, attainment=attainment(latest[1] if latest else None, target, direction), stale=stale,
        window_days=window, age_days=age, trend=trend, slope=slope, change=change, ignored_after=ignored,
        series=series,
    )


def indicator_status(store: GraphStore, indicator: Node, as_of: dt.date | None = None,
                     config: DiagnosisConfig | None = None) -> IndicatorStatus:
    """The status of one indicator in ``store`` at ``as_of`` (default today); see the module
    docstring. Raises nothing for an indicator without data: its level is ``no_data``."""
    ctx = DiagnosisContext(store, as_of_or_default(as_of), config)
    return status_in(ctx, ctx.nodes.get(indicator.id, indicator))
