"""Standards and indicators (SI): coverage, owners, warning thresholds, breaches."""

from __future__ import annotations

import datetime as _dt

from graph.checks.context import CheckContext
from graph.checks.registry import rule
from graph.formatting import indicator_value, is_percent_unit
from graph.sources import BAOTOU
from graph.values import blank, date_or_none, indicator_direction, number_or_none

@rule("SI001", "warning", "标准无指标", "standard without indicator",
       "标准 {code} 没有任何指标测量",
       "standard {code} is measured by no indicator",
       "为该标准设置质控点/监测指标",
      BAOTOU + "表5（标准体系）、表10–15（质控点）")
def _si001(ctx: CheckContext):
    """SI001: a standard with no ``Indicator -measures->`` it."""
    for sid in ctx.lacking("Standard", "measures", "in", ("Indicator",)):
        yield sid, {}


@rule("SI002", "error", "指标无责任主体", "indicator without owner",
       "指标 {code} 没有责任岗位、责任人和牵头部门",
       "indicator {code} has no owner: no responsible post or person and no lead unit",
       "为该指标指定责任岗位或责任人，以及牵头部门",
      BAOTOU + "表10–15（质控点：责任岗位）")
def _si002(ctx: CheckContext):
    """SI002: an indicator with no ``-assigned_to->`` Post or Person and no ``-led_by->``."""
    for i in ctx.of_kind("Indicator"):
        if ctx.lacks_owner(i.id):
            yield i.id, {}


@rule("SI003", "warning", "指标无预警值", "indicator without warning threshold",
       "指标 {code} 未设预警值{detail_zh}",
       "indicator {code} has no warning threshold{detail_en}",
       "为该指标设定数值型预警值",
      BAOTOU + "表10–15（质控点：预警值）")
def _si003(ctx: CheckContext):
    """SI003: an indicator whose ``warning`` is missing, blank or not a number."""
    for i in ctx.of_kind("Indicator"):
        raw = i.props.get("warning")
        if number_or_none(raw) is not None:
            continue
        if blank(raw):
            yield i.id, {"detail_zh": "", "detail_en": ""}
        else:
            yield i.id, {"detail_zh": f"（“{raw}”不是数值）", "detail_en": f" ({raw!r} is not a number)"}


@rule("SI004", "error", "指标预警", "indicator breach",
       "指标预警：指标 {code} 最新测量值 {value}（{date}）{cmp_zh}预警值 {warning}（{direction_zh}）",
       "indicator breach: indicator {code} latest value {value} ({date}) is {cmp_en} the warning "
       "threshold {warning} ({direction_en})",
       "分析指标偏离原因，制定改进措施并跟踪下一次测量",
      BAOTOU + "表10–15（质控点：预警值）")
def _si004(ctx: CheckContext):
    """SI004: an indicator whose latest measurement (the largest ``date`` not after
    ``as_of``; ties broken by measurement id) is beyond its numeric ``warning``: below it when the
    direction is ``ge`` (higher is better), above it when ``le``. The direction comes from
    :func:`indicator_direction`; indicators without a direction, a numeric warning or a dated numeric
    measurement are not judged."""
    as_of = ctx.as_of
    for i in ctx.of_kind("Indicator"):
        warning = number_or_none(i.props.get("warning"))
        if warning is None:
            continue
        direction = indicator_direction(i.props)
        if direction is None:
            continue
        latest: tuple[_dt.date, str, float] | None = None
        for mid in ctx.in_ids(i.id, "measurement_of", ("Measurement",)):
            m = ctx.node(mid)
            d, v = date_or_none(m.props.get("date")), number_or_none(m.props.get("value"))
            if d is None or v is None or d > as_of:
                continue
            if latest is None or (d, mid) > (latest[0], latest[1]):
                latest = (d, mid, v)
        if latest is None:
            continue
        d, _, v = latest
        breach = v < warning if direction == "ge" else v > warning
        if breach:
            unit = i.props.get("unit")
            unit = "" if blank(unit) else str(unit).strip()
            # Value and threshold shown alike: both as percentages, or both as numbers in the unit.
            percent = is_percent_unit(unit) and abs(v) <= 1 and abs(warning) <= 1
            shown = lambda x: indicator_value(x, unit, as_percent=percent)  # noqa: E731
            yield i.id, {
                "value": shown(v), "warning": shown(warning), "date": d.isoformat(), "unit": unit,
                "direction": direction,
                "cmp_zh": "低于" if direction == "ge" else "高于",
                "cmp_en": "below" if direction == "ge" else "above",
                "direction_zh": "越高越好" if direction == "ge" else "越低越好",
                "direction_en": "higher is better" if direction == "ge" else "lower is better",
            }
