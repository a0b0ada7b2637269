"""The diagnosis run: :func:`diagnose` puts indicators, tasks, roll-up, assessment, warnings and
unit scorecards together (the JSON shape is documented in ``graph.services.diagnosis``)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.asof import as_of_or_default
from graph.errors import NotFoundError, ValidationError
from graph.model import Node
from graph.checks import RuleConfig, resolve_unit
from graph.services.diagnosis import assessment
from graph.services.diagnosis.context import DiagnosisConfig, DiagnosisContext, rounded
from graph.services.diagnosis.indicators import IndicatorStatus
from graph.services.diagnosis.rollup import Rollup
from graph.services.diagnosis.tasks import BEHIND, ON_SCHEDULE, STATUSES, status_legend
from graph.services.diagnosis.warnings import KINDS, DiagnosisWarning, FoundWarnings, find_warnings, low_warnings, settle
from graph.services.ownership import ref
from graph.store import GraphStore

NO_UNIT = assessment.NO_UNIT


@dataclass
class Diagnosis:
    """The result of :func:`diagnose`; ``to_dict()`` is the documented JSON. ``ctx`` and ``rollup``
    stay available for :meth:`explain`."""

    ctx: DiagnosisContext
    rollup: Rollup
    unit: dict[str, str] | None
    college: str | None
    indicators: list[IndicatorStatus]
    warnings: list[DiagnosisWarning]
    absorbed: list[DiagnosisWarning]
    tasks: list[dict[str, Any]]
    before: dict[str, Any]
    during: dict[str, Any]
    after: dict[str, Any]
    scorecards: list[dict[str, Any]] = field(default_factory=list)
    key_indicators: list[str] = field(default_factory=list)
    #: The school's warnings that do not depend on the low-achievement threshold, as found, for
    #: :func:`with_low_threshold` (None when the diagnosis was not made by :func:`diagnose`).
    found: FoundWarnings | None = field(default=None, repr=False, compare=False)

    @property
    def as_of(self) -> dt.date:
        return self.ctx.as_of

    def explain(self, node_id: str, depth: int | None = None) -> dict[str, Any]:
        """The achievement rate of ``node_id`` with every contribution below it (``Rollup.explain``)."""
        return self.rollup.explain(node_id, depth)

    def summary(self) -> dict[str, Any]:
        by_kind = Counter(w.kind for w in self.warnings)
        by_unit = Counter((w.unit or NO_UNIT)["name"] for w in self.warnings)
        goals: dict[str, dict[str, Any]] = {}
        for w in self.warnings:
            for g in w.school_goals:
                goals.setdefault(g["id"], {**g, "warnings": 0})["warnings"] += 1
        levels = Counter(st.level for st in self.indicators)
        return {
            "warnings": len(self.warnings), "errors": sum(1 for w in self.warnings if w.severity == "error"),
            "by_kind": {k: by_kind[k] for k in KINDS if by_kind.get(k)},
            "by_unit": dict(sorted(by_unit.items(), key=lambda kv: (-kv[1], kv[0]))),
            "absorbed": len(self.absorbed), "units": len(self.scorecards),
            "indicators": {"total": sum(levels.values()), **{k: levels.get(k, 0) for k in
                                                             ("breach", "watch", "met", "no_data", "not_judged")},
                           "stale": sum(1 for st in self.indicators if st.stale)},
            "tasks": self.during["as_of"],
            "school_achievement": self.after["school"]["value"],
            "school_goals_at_risk": sorted(goals.values(), key=lambda g: (-g["warnings"], g["id"])),
        }

    def to_dict(self) -> dict[str, Any]:
        ctx = self.ctx
        inds = []
        for st in self.indicators:
            own = ctx.owner(st.node)
            inds.append({**st.to_dict(series=True), "owner": own.owner_dict(),
                         "owner_inherited_from": own.inherited_from,
                         "measures": [e.target for e, _ in ctx.neighbors(st.node.id, ("measures",), "out")],
                         "key": st.node.id in self.key_indicators})
        return {
            "as_of": self.as_of.isoformat(), "college": self.college, "unit": self.unit,
            "config": ctx.config.to_dict(), "legend": status_legend(),
            "summary": self.summary(),
            "warnings": [w.to_dict() for w in self.warnings],
            "absorbed": [{**w.summary(), "owner": w.owner.owner_dict() if w.owner else None} for w in self.absorbed],
            "indicators": inds, "key_indicators": list(self.key_indicators),
            "tasks": self.tasks,
            "assessment": {"before": self.before, "during": self.during, "after": self.after},
            "scorecards": self.scorecards,
        }


def _college_name(ctx: DiagnosisContext) -> str | None:
    for u in ctx.of_kind("OrgUnit"):
        if u.props.get("type") == "college":
            return u.name
    return None


def _key_indicators(ctx: DiagnosisContext, statuses: list[IndicatorStatus], limit: int) -> list[str]:
    """Breached first, then below target, then those measuring a school goal; by id within each."""
    def measures_school(st: IndicatorStatus) -> bool:
        return any(ctx.is_school_goal(n) for _, n in ctx.neighbors(st.node.id, ("measures",), "out"))

    ranked = sorted((st for st in statuses if st.series),
                    key=lambda st: ({"breach": 0, "watch": 1}.get(st.level, 2), 0 if measures_school(st) else 1, st.node.id))
    return [st.node.id for st in ranked[:max(0, limit)]]


def _scorecards(d: Diagnosis, include: dict[str, dict[str, str]] | None = None) -> list[dict[str, Any]]:
    """One scorecard per unit that owns a target, task, indicator or warning (see ``diagnose``),
    and one for each unit of ``include`` (id → ref) even when it owns nothing."""
    ctx = d.ctx
    legend = status_legend()
    units: dict[str, dict[str, str]] = dict(include or {})
    before = {r["unit"]["id"]: r for r in d.before["by_unit"]}
    during = {r["unit"]["id"]: r for r in d.during["by_unit"]}
    after = {r["unit"]["id"]: r for r in d.after["by_unit"]}
    for table in (before, during, after):
        for uid, r in table.items():
            units[uid] = r["unit"]
    ind_by_unit: dict[str, list[IndicatorStatus]] = defaultdict(list)
    for st in d.indicators:
        u = ctx.unit_of(st.node) or NO_UNIT
        units[u["id"]] = u
        ind_by_unit[u["id"]].append(st)
    warn_by_unit: dict[str, list[DiagnosisWarning]] = defaultdict(list)
    for w in d.warnings:
        u = w.unit or NO_UNIT
        units[u["id"]] = u
        warn_by_unit[u["id"]].append(w)
    absorbed_by_unit = Counter((w.unit or NO_UNIT)["id"] for w in d.absorbed)
    cards = []
    for uid in sorted(units, key=ctx.unit_key):
        ws = warn_by_unit.get(uid, [])
        tasks = during.get(uid, {}).get("as_of") or {"counts": {s: 0 for s in STATUSES}, "on_schedule": 0,
                                                   "behind": 0, "rate": None}
        total_tasks = sum(tasks["counts"].values())
        a = after.get(uid)
        # below the low-achievement threshold is never 正常, warnings or not (a unit with no task
        # behind can still fall short of its targets)
        low = bool(a) and a["value"] is not None and a["value"] < ctx.config.low_threshold
        if any(w.severity == "error" for w in ws):
            status = "warning"
        elif ws or low:
            status = "incomplete"
        elif total_tasks and tasks["counts"].get("completed") == total_tasks:
            status = "completed"
        else:
            status = "normal"
        inds = ind_by_unit.get(uid, [])
        goals = sorted({g["id"] for w in ws for g in w.school_goals})
        b = before.get(uid)
        node = ctx.nodes.get(uid)
        cards.append({
            "unit": units[uid], "type": node.props.get("type") if node is not None else None,
            "status": status, "status_label": legend[status]["label"], "colour": legend[status]["colour"],
            "achievement": a["value"] if a else None, "targets": a["targets"] if a else 0,
            "measured": a["measured"] if a else 0,
            "before": {"received": b["received"], "decomposed": b["decomposed"], "rate": b["rate"]} if b else None,
            "tasks": {"total": total_tasks, **tasks},
            "indicators": {"total": len(inds), "breach": sum(1 for s in inds if s.level == "breach"),
                           "watch": sum(1 for s in inds if s.level == "watch"),
                           "met": sum(1 for s in inds if s.level == "met"),
                           "stale": sum(1 for s in inds if s.stale)},
            "warnings": {"total": len(ws), "errors": sum(1 for w in ws if w.severity == "error"),
                         "by_kind": dict(Counter(w.kind for w in ws))},
            "absorbed": absorbed_by_unit.get(uid, 0),
            "school_goals_at_risk": goals,
        })
    return cards


def diagnose(store: GraphStore, *, as_of: dt.date | None = None, unit: str | Node | None = None,
             config: DiagnosisConfig | None = None, rule_config: RuleConfig | None = None) -> Diagnosis:
    """Diagnose ``store`` at ``as_of`` (default today) for the whole school, or for one org unit
    (``unit``: an OrgUnit node, or its id, code or exact name). ``rule_config``: the rule settings
    (the configuration file's ``checks:``) the chain rules run under — a disabled rule gives no
    warning, a re-graded one its configured severity (default: every rule at its own severity).

    Everything is computed for the whole graph (a unit's warning may be absorbed by a root cause
    in another unit); ``unit`` then keeps the unit's own warnings, indicators, tasks, targets and
    scorecard. Raises NotFoundError / AmbiguousIdError for an unknown or ambiguous unit, and
    ValidationError if ``config.chain_rules`` names an unknown rule. Reads the store once (the
    chain rules run on the same snapshot, unless one of them reads the store's journal)."""
    as_of = as_of_or_default(as_of)
    config = config or DiagnosisConfig()
    target_unit = None
    if unit is not None:
        target_unit = unit if isinstance(unit, Node) else resolve_unit(store, unit)
        if target_unit.kind != "OrgUnit":
            raise ValidationError(f"{target_unit.id} is not an org unit")
    ctx = DiagnosisContext(store, as_of, config)
    rollup = Rollup(ctx)
    statuses = [rollup.indicator(i.id) for i in ctx.of_kind("Indicator")]
    found = find_warnings(ctx, statuses, rule_config=rule_config)
    reported, absorbed = settle(ctx, rollup, found.with_low(low_warnings(ctx, rollup)))
    year = config.year or as_of.year
    tasks = assessment.task_rows(ctx, year)
    d = Diagnosis(ctx=ctx, rollup=rollup, unit=None, college=_college_name(ctx), indicators=statuses,
                  warnings=reported, absorbed=absorbed, tasks=tasks, before=assessment.before(ctx),
                  during=assessment.during(ctx, tasks, year), after=assessment.after(ctx, rollup),
                  key_indicators=_key_indicators(ctx, statuses, config.key_indicators), found=found)
    d.scorecards = _scorecards(d)
    if target_unit is not None:
        _restrict(d, target_unit)
    return d


def with_low_threshold(whole: Diagnosis, low_threshold: float) -> Diagnosis:
    """The school's diagnosis ``whole`` under another ``low_threshold`` (what :func:`diagnose`
    returns for the same store, date and settings but that threshold), without reading or judging
    the graph again: only the low-achievement warnings, the absorption of warnings, the goals they
    endanger and the scorecards depend on the threshold; the rest (the snapshot, achievement rates,
    indicator, task and chain warnings, the assessment) is shared with ``whole``, which is left as
    it was. ValidationError for a diagnosis cut for one unit (``restrict``)."""
    if whole.unit is not None or whole.found is None:
        raise ValidationError("with_low_threshold() takes the whole school's diagnosis")
    ctx = copy.copy(whole.ctx)  # the same snapshot and memos, another configuration
    ctx.config = dataclasses.replace(whole.ctx.config, low_threshold=low_threshold)
    reported, absorbed = settle(ctx, whole.rollup, whole.found.with_low(low_warnings(ctx, whole.rollup)))
    d = dataclasses.replace(whole, ctx=ctx, warnings=reported, absorbed=absorbed, scorecards=[],
                            key_indicators=list(whole.key_indicators))
    d.scorecards = _scorecards(d)
    return d


def restrict(whole: Diagnosis, unit: Node) -> Diagnosis:
    """The diagnosis of one org unit cut from the school's ``whole`` diagnosis (what
    ``diagnose(…, unit=unit)`` returns for the same store, date and settings); ``whole`` is left
    as it was. ValidationError when ``unit`` is not an OrgUnit."""
    if unit.kind != "OrgUnit":
        raise ValidationError(f"{unit.id} is not an org unit")
    if whole.unit is not None:
        raise ValidationError("restrict() takes the whole school's diagnosis")
    part = dataclasses.replace(whole, scorecards=list(whole.scorecards), key_indicators=list(whole.key_indicators))
    _restrict(part, unit)
    return part


def _restrict(d: Diagnosis, unit: Node) -> None:
    """Keep only what ``unit`` owns (see :func:`diagnose`); every field it changes is given a new
    value (the lists and dicts of ``d`` are not changed in place)."""
    ctx, uid = d.ctx, unit.id
    d.unit = ref(unit)
    d.warnings = [w for w in d.warnings if (w.unit or NO_UNIT)["id"] == uid]
    d.absorbed = [w for w in d.absorbed if (w.unit or NO_UNIT)["id"] == uid]
    d.indicators = [st for st in d.indicators if (ctx.unit_of(st.node) or NO_UNIT)["id"] == uid]
    d.key_indicators = _key_indicators(ctx, d.indicators, ctx.config.key_indicators)
    d.tasks = [t for t in d.tasks if t["unit"]["id"] == uid]
    before = [r for r in d.before["by_unit"] if r["unit"]["id"] == uid]
    d.before = {"by_unit": before, "received": sum(r["received"] for r in before),
                "decomposed": sum(r["decomposed"] for r in before),
                "rate": before[0]["rate"] if before else None}
    d.during = assessment.during(ctx, d.tasks, d.during["year"])
    targets = [t for t in d.after["targets"] if t["unit"]["id"] == uid]
    by_layer = []
    for concept in ctx.onto.schemes["Layers"]:
        rows = [t for t in targets if t["layer"] == concept.notation]
        if rows:
            vals = [t["value"] for t in rows if t["value"] is not None]
            by_layer.append({"layer": concept.notation, "label": concept.labels.zh,
                             "value": rounded(sum(vals) / len(vals)) if vals else None,
                             "targets": len(rows), "measured": len(vals)})
    d.after = {**d.after, "by_layer": by_layer, "targets": targets,
               "by_unit": [r for r in d.after["by_unit"] if r["unit"]["id"] == uid]}
    d.scorecards = [c for c in d.scorecards if c["unit"]["id"] == uid] or _scorecards(d, {uid: d.unit})


def scorecard(store: GraphStore, unit: str | Node, *, as_of: dt.date | None = None,
              config: DiagnosisConfig | None = None, rule_config: RuleConfig | None = None) -> dict[str, Any]:
    """The scorecard of one org unit (the shape of ``scorecards[]``), computed over the whole graph
    (``rule_config`` as for :func:`diagnose`). Raises NotFoundError / AmbiguousIdError for an
    unknown or ambiguous unit."""
    return diagnose(store, as_of=as_of, unit=unit, config=config, rule_config=rule_config).scorecards[0]


def achievement(store: GraphStore, node: Node | str, *, as_of: dt.date | None = None,
                config: DiagnosisConfig | None = None, depth: int | None = None) -> dict[str, Any]:
    """The achievement rate of one node with its explanation (``Rollup.explain``). Raises
    NotFoundError for an unknown node id."""
    ctx = DiagnosisContext(store, as_of_or_default(as_of), config)
    nid = node.id if isinstance(node, Node) else node
    if nid not in ctx.nodes:
        raise NotFoundError(f"no node {nid}")
    return Rollup(ctx).explain(nid, depth)


__all__ = ["Diagnosis", "achievement", "diagnose", "restrict", "scorecard", "BEHIND", "ON_SCHEDULE"]
