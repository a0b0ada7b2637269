"""Assessment diagnosis (考核性诊断) before, during and after, as 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9 describes it.

包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9 (考核性诊断系统构成表) runs three diagnoses on every layer, by the school, the offices and
the departments:

- **事前 (计划诊断), 目标的贯通性和一致性** (每年3月, 审核计划): is every target a unit received
  carried into its own work plan? :func:`before`: for each unit, the targets it owns
  (``owner_of``: explicit or inherited) are its *received* targets; a received target is
  *decomposed* when it has at least one sub-target or task (``decomposes_to`` / ``implemented_by``,
  GLOSSARY 分解 / 落实). ``rate`` = decomposed / received; ``missing`` lists the others.
- **事中 (进度诊断), 工作任务的推进度** (5–10月, 督查督办): are the tasks on schedule?
  :func:`during`: per unit (the owner unit of each task) and month of the year, the tasks in each
  泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 status (``tasks.month_statuses``); *on schedule* = 正常 + 已完成 + 未开始,
  *behind* = 未完成 + 预警; ``rate`` = on schedule / marked. Rectification tasks are counted too
  (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9 (4): a unit's work plan includes the previous cycle's rectification tasks).
- **事后 (结果诊断), 目标的达成度** (次年1月, 目标达成度审查): :func:`after`: the achievement rate
  (``rollup``) of every target, the unweighted mean over the targets of each unit and of each
  layer, and the school's: the mean of the 学校-layer targets, with the plans' rates beside it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from graph.model import Node
from graph.services.diagnosis.context import TASK_KINDS, DiagnosisContext, node_ref, rounded
from graph.services.diagnosis.rollup import Rollup
from graph.services.diagnosis.tasks import BEHIND, ON_SCHEDULE, STATUSES, month_statuses, normalise_status, task_status

NO_UNIT = {"id": "", "name": "(无责任部门)"}


def _unit(ctx: DiagnosisContext, node: Node) -> dict[str, str]:
    return ctx.unit_of(node) or NO_UNIT


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def before(ctx: DiagnosisContext) -> dict[str, Any]:
    """``{"by_unit": [{"unit": {"id", "name"}, "received", "decomposed", "rate", "missing": [{"id",
    "code", "name", "layer"}]}], "received", "decomposed", "rate"}``; units by ``ctx.unit_key``."""
    rows: dict[str, dict[str, Any]] = {}
    for t in ctx.of_kind("Target"):
        u = _unit(ctx, t)
        row = rows.setdefault(u["id"], {"unit": u, "received": 0, "decomposed": 0, "missing": []})
        row["received"] += 1
        kids = [cid for via, cid, _w in ctx.rollup_links(t.id)
                if via in ("decomposes_to", "implemented_by") and ctx.node(cid).kind in ("Target", "Task")]
        if kids:
            row["decomposed"] += 1
        else:
            row["missing"].append(node_ref(t))
    out = sorted(rows.values(), key=lambda r: ctx.unit_key(r["unit"]["id"]))
    for r in out:
        r["rate"] = rounded(r["decomposed"] / r["received"]) if r["received"] else None
    received = sum(r["received"] for r in out)
    decomposed = sum(r["decomposed"] for r in out)
    return {"by_unit": out, "received": received, "decomposed": decomposed,
            "rate": rounded(decomposed / received) if received else None}


def task_rows(ctx: DiagnosisContext, year: int) -> list[dict[str, Any]]:
    """Every task and rectification task: ``{"id", "kind", "code", "name", "task_kind", "deadline",
    "status", "status_as_of", "months": [12 × status or null], "unit": {"id", "name"}, "person":
    {"id", "name"} | null}``, in id order."""
    window = ctx.config.warning_window_days
    rows = []
    # The statuses depend only on four properties, which a college repeats over thousands of tasks:
    # computed once per distinct combination, and the twelve months' list shared by the rows (they
    # are read, never changed).
    memo: dict[tuple, tuple[str | None, str, list[str | None]]] = {}
    for kind in TASK_KINDS:
        for t in ctx.of_kind(kind):
            own = ctx.owner(t)
            props = t.props
            values = (props.get("status"), props.get("deadline"), props.get("start"), props.get("completed_on"))
            try:
                key = tuple((v.__class__, v) for v in values)  # 1, 1.0 and True are equal keys, not values
                statuses = memo.get(key)
            except TypeError:  # an unhashable value (a list): not memoised
                key, statuses = None, None
            if statuses is None:
                statuses = (normalise_status(values[0]), task_status(t, ctx.as_of, warning_window_days=window),
                            month_statuses(t, year, ctx.as_of, warning_window_days=window))
                if key is not None:
                    memo[key] = statuses
            rows.append({
                "id": t.id, "kind": t.kind, "code": t.code, "name": t.name, "task_kind": props.get("task_kind"),
                "deadline": props.get("deadline"), "status": statuses[0],
                "status_as_of": statuses[1],
                "months": statuses[2],
                "unit": ({"id": own.unit.id, "name": own.unit.name} if own.unit else NO_UNIT),
                "person": {"id": own.person.id, "name": own.person.name} if own.person else None,
            })
    return rows


def _month_counts(rows: list[dict[str, Any]], index: int) -> dict[str, Any]:
    counts = {s: 0 for s in STATUSES}
    for r in rows:
        s = r["months"][index]
        if s is not None:
            counts[s] += 1
    on = sum(counts[s] for s in ON_SCHEDULE)
    behind = sum(counts[s] for s in BEHIND)
    return {"counts": counts, "on_schedule": on, "behind": behind,
            "rate": rounded(on / (on + behind)) if on + behind else None}


def during(ctx: DiagnosisContext, rows: list[dict[str, Any]], year: int) -> dict[str, Any]:
    """``{"year", "months": ["YYYY-MM" × 12], "school": [month entry × 12], "by_unit": [{"unit",
    "tasks", "months": [month entry × 12], "as_of": month entry of the as-of statuses}]}``; a month
    entry is ``{"counts": {status: n}, "on_schedule", "behind", "rate"}``."""
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    units: dict[str, dict[str, str]] = {}
    for r in rows:
        by_unit[r["unit"]["id"]].append(r)
        units[r["unit"]["id"]] = r["unit"]

    def as_of_entry(rs: list[dict[str, Any]]) -> dict[str, Any]:
        """``_month_counts`` of the rows' as-of statuses (counted per distinct status)."""
        counts = {s: 0 for s in STATUSES}
        for s, n in Counter(r["status_as_of"] for r in rs).items():
            if s is not None:
                counts[s] += n
        on = sum(counts[s] for s in ON_SCHEDULE)
        behind = sum(counts[s] for s in BEHIND)
        return {"counts": counts, "on_schedule": on, "behind": behind,
                "rate": rounded(on / (on + behind)) if on + behind else None}

    out = []
    for uid in sorted(by_unit, key=ctx.unit_key):
        rs = by_unit[uid]
        out.append({"unit": units[uid], "tasks": len(rs), "months": _year_counts(rs),
                    "as_of": as_of_entry(rs)})
    return {"year": year, "months": months, "school": _year_counts(rows),
            "as_of": as_of_entry(rows), "by_unit": out}


def _year_counts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[_month_counts(rows, i) for i in range(12)]`` in one pass over the rows."""
    counts = [{s: 0 for s in STATUSES} for _ in range(12)]
    # rows share their months' lists (task_rows: one per distinct combination of properties):
    # each distinct list is counted once, times the rows that hold it
    lists: dict[int, list[str | None]] = {}
    times: Counter[int] = Counter()
    for r in rows:
        months = r["months"]
        key = id(months)
        if key not in lists:
            lists[key] = months  # held here, so its id is not reused meanwhile
        times[key] += 1
    for key, n in times.items():
        for month, s in zip(counts, lists[key]):
            if s is not None:
                month[s] += n
    out = []
    for c in counts:
        on = sum(c[s] for s in ON_SCHEDULE)
        behind = sum(c[s] for s in BEHIND)
        out.append({"counts": c, "on_schedule": on, "behind": behind,
                    "rate": rounded(on / (on + behind)) if on + behind else None})
    return out


def after(ctx: DiagnosisContext, rollup: Rollup) -> dict[str, Any]:
    """``{"school": {"value", "targets"}, "plans": [...], "by_layer": [{"layer", "label", "value",
    "targets", "measured"}], "by_unit": [{"unit", "value", "targets", "measured"}], "targets":
    [{"id", "code", "name", "layer", "deadline", "due", "unit", "value", "basis", "children"}]}``.
    ``targets`` counts a group's targets, ``measured`` those with a rate; means are unweighted."""
    targets = []
    by_layer: dict[str, list[float]] = defaultdict(list)
    layer_count: dict[str, int] = defaultdict(int)
    by_unit: dict[str, list[float]] = defaultdict(list)
    unit_count: dict[str, int] = defaultdict(int)
    units: dict[str, dict[str, str]] = {}
    for t in ctx.of_kind("Target"):
        sc = rollup.score(t.id)
        u = _unit(ctx, t)
        units[u["id"]] = u
        concept = ctx.layer(t)
        layer = concept.notation if concept else ""
        layer_count[layer] += 1
        unit_count[u["id"]] += 1
        if sc.value is not None:
            by_layer[layer].append(sc.value)
            by_unit[u["id"]].append(sc.value)
        targets.append({**node_ref(t), "deadline": t.props.get("deadline"), "due": rollup.is_due(t.id),
                        "unit": u, "value": rounded(sc.value), "basis": sc.basis,
                        "children": [c.to_dict() for c in sc.children]})
    layers = []
    for concept in ctx.onto.schemes["Layers"]:
        if layer_count.get(concept.notation):
            vals = by_layer.get(concept.notation, [])
            layers.append({"layer": concept.notation, "label": concept.labels.zh, "value": rounded(_mean(vals)),
                           "targets": layer_count[concept.notation], "measured": len(vals)})
    if layer_count.get(""):
        vals = by_layer.get("", [])
        layers.append({"layer": "", "label": "未填写", "value": rounded(_mean(vals)), "targets": layer_count[""],
                       "measured": len(vals)})
    unit_rows = [{"unit": units[k], "value": rounded(_mean(by_unit.get(k, []))), "targets": unit_count[k],
                  "measured": len(by_unit.get(k, []))}
                 for k in sorted(unit_count, key=ctx.unit_key)]
    plans = [{**node_ref(p), "level": p.props.get("level"), "value": rounded(rollup.value(p.id)),
              "basis": rollup.score(p.id).basis} for p in ctx.of_kind("Plan")]
    school_vals = [rollup.value(t.id) for t in ctx.of_kind("Target") if ctx.is_school_goal(t)]
    school_vals = [v for v in school_vals if v is not None]
    return {"school": {"value": rounded(_mean(school_vals)), "targets": len(school_vals)}, "plans": plans,
            "by_layer": layers, "by_unit": unit_rows, "targets": targets}
