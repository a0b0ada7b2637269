"""Year over year: each unit's scorecard now beside the one at an earlier point in time.

The scorecards are those of the diagnosis (``graph.services.diagnosis``; 包头职业技术学院《内部质量保证
体系建设与运行实施方案（试行）》表9, the assessment after the year: 目标的达成度): the graph then is
``graph.history.timeline.graph_at`` and is diagnosed as of the day of that point.
"""

from __future__ import annotations

from typing import Any

#: What is compared per unit: achievement (0..1), reported warnings, tasks on schedule (count).
MEASURES = ("achievement", "warnings", "on_schedule")


def card_figures(card: dict[str, Any]) -> dict[str, Any]:
    """``{"achievement", "warnings", "on_schedule"}`` of one diagnosis scorecard."""
    return {"achievement": card.get("achievement"), "warnings": card["warnings"]["total"],
            "on_schedule": card["tasks"].get("on_schedule", 0)}


def _change(now: Any, then: Any) -> Any:
    if now is None or then is None:
        return None
    return round(now - then, 6) if isinstance(now, float) or isinstance(then, float) else now - then


def compare_scorecards(now: list[dict[str, Any]], then: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per unit (in the order of ``now``, then units found only ``then``): ``{"unit": {"id",
    "name"}, "now": figures | null, "then": figures | null, "change": {measure: now − then | null}}``
    where figures are :func:`card_figures` (null when the unit had no scorecard at that time)."""
    before = {c["unit"]["id"]: c for c in then}
    out = []
    seen = set()
    for card in now:
        uid = card["unit"]["id"]
        seen.add(uid)
        a = card_figures(card)
        b = card_figures(before[uid]) if uid in before else None
        out.append({"unit": card["unit"], "now": a, "then": b,
                    "change": {m: _change(a[m], b[m]) if b else None for m in MEASURES}})
    for card in then:
        if card["unit"]["id"] not in seen:
            out.append({"unit": card["unit"], "now": None, "then": card_figures(card),
                        "change": {m: None for m in MEASURES}})
    return out
