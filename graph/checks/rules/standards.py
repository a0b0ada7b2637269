"""Standards and indicators (SI): coverage, owners, warning thresholds, breaches."""

from __future__ import annotations

import datetime as _dt

from graph.checks.context import CheckContext
from graph.checks.registry import rule
from graph.formatting import indicator_value, is_percent_unit
from graph.sources import BAOTOU
from graph.values import (DIRECTION_ZH, PLACEHOLDERS, blank, breached, indicator_threshold,
                          measured_or_none)

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
    """SI002: an indicator with no ``-assigned_to->`` Post or Person and no ``-led_by->`` of its own.

    The decision (one story with ``iqa owner``): a quality-control point names its own 责任岗位 /
    牵头部门 (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表10–15), so SI002 judges
    what is stated ON the indicator, never what is inherited. When nothing is stated, the owner
    answer (graph.services.ownership) still routes the finding to the owner inherited from what the
    indicator measures (the finding's ``owner`` with ``inherited_from``) — that is who must assign
    one, not an assignment. ``iqa owner`` therefore prints such an owner as inherited and "not
    stated on this node (SI002)", and an indicator with nothing stated and nothing up its chain as
    having no owner; it never calls either "explicit"."""
    for i in ctx.of_kind("Indicator"):
        if ctx.lacks_owner(i.id):
            yield i.id, {}


@rule("SI003", "warning", "指标无预警值", "indicator without warning threshold",
       "指标 {code} 未设预警值{detail_zh}",
       "indicator {code} has no warning threshold{detail_en}",
       "为该指标设定数值型预警值",
      BAOTOU + "表10–15（质控点：预警值）")
def _si003(ctx: CheckContext):
    """SI003: an indicator with no threshold to be judged against (``graph.values.indicator_threshold``,
    the one definition SI004 judges with): no numeric or yes/no ``warning`` and no ``target_value``
    printed with its comparison (``≥95%``) or yes/no. What the loader stores agrees: a 预警值 is a
    number, a yes/no, or nothing (a placeholder ``—``, kept as ``warning_text``, and named in the
    message). A ``warning`` that is no number and no yes/no can only come from elsewhere (an RDF
    import): the message quotes it."""
    for i in ctx.of_kind("Indicator"):
        if indicator_threshold(i.props) is not None:
            continue
        raw, text = i.props.get("warning"), i.props.get("warning_text")
        if blank(raw) and isinstance(text, str) and text.strip().lower() in PLACEHOLDERS:
            yield i.id, {"detail_zh": f"（预警值写作“{text.strip()}”：本档无要求）",
                         "detail_en": f" (the warning is written '{text.strip()}': none at this grade)"}
        elif blank(raw):
            yield i.id, {"detail_zh": "", "detail_en": ""}
        else:
            yield i.id, {"detail_zh": f"（“{raw}”不是数值）", "detail_en": f" ({raw!r} is not a number)"}


@rule("SI004", "error", "指标预警", "indicator breach",
       "指标预警：指标 {code} 最新测量值 {value}（{date}）{cmp_zh}{threshold_zh} {warning}（{direction_zh}）",
       "indicator breach: indicator {code} latest value {value} ({date}) is {cmp_en} {threshold_en} "
       "{warning} ({direction_en})",
       "分析指标偏离原因，制定改进措施并跟踪下一次测量",
      BAOTOU + "表10–15（质控点：预警值）")
def _si004(ctx: CheckContext):
    """SI004: an indicator whose latest measurement (the largest ``date`` not after ``as_of``; ties
    broken by measurement id) is beyond its threshold (``graph.values.indicator_threshold``: the
    ``warning``, else a ``target_value`` printed with its comparison such as ``≥95%``): below it
    when the direction is ``ge`` (higher is better), above it when ``le``, different from it for a
    yes/no indicator (``eq``: measured 否 when the threshold is 是); see ``graph.values.breached``.
    Indicators without a threshold, a direction or a dated measurement of the threshold's kind
    (a number, or 是 / 否) are not judged."""
    as_of = ctx.as_of
    for i in ctx.of_kind("Indicator"):
        threshold = indicator_threshold(i.props)
        if threshold is None or threshold.direction is None:
            continue
        yes_no = isinstance(threshold.value, bool)
        direction = threshold.direction
        latest: tuple[_dt.date, str, float | bool] | None = None
        for mid in ctx.in_ids(i.id, "measurement_of", ("Measurement",)):
            m = ctx.node(mid)
            d, v = ctx.date(m.props.get("date")), measured_or_none(m.props.get("value"))
            if d is None or v is None or d > as_of or isinstance(v, bool) != yes_no:
                continue
            if latest is None or (d, mid) > (latest[0], latest[1]):
                latest = (d, mid, v)
        if latest is None:
            continue
        d, _, v = latest
        if not breached(v, threshold.value, direction):
            continue
        unit = i.props.get("unit")
        unit = "" if blank(unit) else str(unit).strip()
        what_zh, what_en = ("预警值", "the warning threshold") if threshold.source == "warning" else (
            "目标值", "the target threshold")
        if yes_no:
            shown = lambda x: "是" if x else "否"  # noqa: E731
        else:
            # Value and threshold shown alike: both as percentages, or both as numbers in the unit.
            percent = is_percent_unit(unit) and abs(v) <= 1 and abs(threshold.value) <= 1
            shown = lambda x: indicator_value(x, unit, as_percent=percent)  # noqa: E731
        cmp_zh, cmp_en = {"ge": ("低于", "below"), "le": ("高于", "above"), "eq": ("不符合", "not")}[direction]
        yield i.id, {
            "value": shown(v), "warning": shown(threshold.value), "date": d.isoformat(), "unit": unit,
            "direction": direction, "threshold_source": threshold.source,
            "threshold_zh": what_zh, "threshold_en": what_en,
            "cmp_zh": cmp_zh, "cmp_en": cmp_en,
            "direction_zh": DIRECTION_ZH[direction],
            "direction_en": {"ge": "higher is better", "le": "lower is better", "eq": "must equal"}[direction],
        }
