"""Achievement rate (达成度) roll-up: from tasks and indicators up through targets to school goals
and plans (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9 事后: 目标的达成度 — 任务完成比例和质量).

Every node's rate is a number in [0, 1] or None (no data below it), with its basis and the
children it came from, so each number explains itself:

- **Task** (and sub-task): reported 已完成 → 1 (basis ``completed``); else its ``progress`` (or
  ``进度``) when given (``progress``); else, with sub-tasks, their weighted mean (``children``);
  else 0 (``not_completed``).
- **Indicator**: its attainment at the diagnosis date (``measurement``; ``indicators.attainment``:
  value/target for ≥, target/value for ≤, capped at 1); None without a usable measurement or target.
- **Target, Plan, and any other node**: the weighted mean of the rates of its roll-up children
  (``context.DiagnosisContext.rollup_children``: sub-plans, targets, sub-targets, tasks, measuring
  indicators, targets ``based_on`` a plan) that have a rate (``children``); None when none has
  (``no_data``). ``weight`` on the edge to the child (default 1).

A child's ``share`` is its weight over the summed weights of the children with a rate, and its
``contribution`` is share × rate, so a parent's rate is the sum of its children's contributions.
The chains are a DAG: a shared child contributes to each of its parents, and is computed once
(memoised). A node met again while it is being computed (a decomposition cycle, docs/rules.md TC005)
is left out of that mean: its contribution shows ``value`` None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.services.diagnosis.context import DiagnosisContext, rounded
from graph.services.diagnosis.indicators import IndicatorStatus, status_in
from graph.services.diagnosis.tasks import normalise_status, task_progress
from graph.services.diagnosis.tasks import date_or_none


@dataclass(slots=True)  # a college has hundreds of thousands: no dict per object
class Contribution:
    """One child's part in its parent's rate."""

    child: str
    via: str
    weight: float
    value: float | None
    share: float | None = None
    contribution: float | None = None

    def to_dict(self) -> dict[str, Any]:
        # ``rounded`` of each number, inlined: a college has hundreds of thousands of contributions
        v, s, c = self.value, self.share, self.contribution
        return {"id": self.child, "via": self.via, "weight": round(float(self.weight), 4),
                "value": None if v is None else round(float(v), 4),
                "share": None if s is None else round(float(s), 4),
                "contribution": None if c is None else round(float(c), 4)}


@dataclass(slots=True)
class Score:
    """The achievement rate of one node: ``value`` in [0, 1] or None, its ``basis``, its children."""

    id: str
    value: float | None
    basis: str
    children: list[Contribution] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "value", "basis", "children": [{"id", "via", "weight", "value", "share",
        "contribution"}]}`` (numbers rounded to 4 places)."""
        return {"id": self.id, "value": rounded(self.value), "basis": self.basis,
                "children": [c.to_dict() for c in self.children]}


class Rollup:
    """Achievement rates on a :class:`DiagnosisContext`, computed on demand and memoised."""

    def __init__(self, ctx: DiagnosisContext):
        self.ctx = ctx
        self._scores: dict[str, Score] = {}
        self._indicators: dict[str, IndicatorStatus] = {}
        self._active: set[str] = set()

    def indicator(self, indicator_id: str) -> IndicatorStatus:
        """The indicator's status (memoised; shared with the warnings)."""
        st = self._indicators.get(indicator_id)
        if st is None:
            st = self._indicators[indicator_id] = status_in(self.ctx, self.ctx.node(indicator_id))
        return st

    def value(self, node_id: str) -> float | None:
        return self.score(node_id).value

    def score(self, node_id: str) -> Score:
        """The :class:`Score` of ``node_id`` (rules in the module docstring)."""
        done = self._scores.get(node_id)
        if done is not None:
            return done
        node = self.ctx.nodes[node_id]
        self._active.add(node_id)
        try:
            if node.kind == "Indicator":
                st = self.indicator(node_id)
                score = Score(node_id, st.attainment, "measurement" if st.attainment is not None else "no_data")
            elif node.kind in ("Task", "RectificationTask"):
                score = self._task(node_id)
            else:
                score = self._mean(node_id)
                if score.value is None:
                    score.basis = "no_data"
        finally:
            self._active.discard(node_id)
        self._scores[node_id] = score
        return score

    def _task(self, node_id: str) -> Score:
        node = self.ctx.nodes[node_id]
        if normalise_status(node.props.get("status")) == "completed":
            return Score(node_id, 1.0, "completed")
        progress = task_progress(node)
        if progress is not None:
            return Score(node_id, progress, "progress")
        mean = self._mean(node_id)
        if mean.value is not None:
            return mean
        return Score(node_id, 0.0, "not_completed", mean.children)

    def _mean(self, node_id: str) -> Score:
        parts: list[Contribution] = []
        active, scores = self._active, self._scores
        for via, cid, weight in self.ctx.rollup_links(node_id):
            if cid in active:
                parts.append(Contribution(cid, via, weight, None))
                continue
            done = scores.get(cid)
            parts.append(Contribution(cid, via, weight, (done if done is not None else self.score(cid)).value))
        valued = [c for c in parts if c.value is not None]
        total = sum(c.weight for c in valued)
        if not valued:
            return Score(node_id, None, "no_data", parts)
        if total <= 0:  # every valued child weighs 0: an unweighted mean rather than nothing
            for c in valued:
                c.weight = 1.0
            total = float(len(valued))
        value = 0.0
        for c in valued:
            c.share = c.weight / total
            c.contribution = c.share * c.value  # type: ignore[operator]
            value += c.contribution
        return Score(node_id, max(0.0, min(1.0, value)), "children", parts)

    def is_due(self, node_id: str) -> bool:
        """True when the node has a deadline on or before the diagnosis date."""
        due = date_or_none(self.ctx.node(node_id).props.get("deadline"))
        return due is not None and due <= self.ctx.as_of

    def explain(self, node_id: str, depth: int | None = None) -> dict[str, Any]:
        """The score of ``node_id`` with its children's scores nested (``depth`` levels; None = all):
        ``{"id", "kind", "name", "value", "basis", "via", "weight", "share", "contribution",
        "children": [...]}``. A child met again is shown once in full, later as ``"ref": true``."""
        return self._visit(node_id, 0, None, depth, set())

    def _visit(self, nid: str, level: int, part: Contribution | None, depth: int | None,
               seen: set[str]) -> dict[str, Any]:
        """One entry of :meth:`explain` and, below ``depth``, its children's (a method, not a
        closure calling itself: that would be a reference cycle holding the snapshot)."""
        node = self.ctx.node(nid)
        sc = self.score(nid)
        entry: dict[str, Any] = {"id": nid, "kind": node.kind, "name": node.name, "value": rounded(sc.value),
                                 "basis": sc.basis}
        if part is not None:
            entry.update(via=part.via, weight=rounded(part.weight), share=rounded(part.share),
                         contribution=rounded(part.contribution))
        if nid in seen:
            entry["ref"] = True
            entry["children"] = []
            return entry
        seen.add(nid)
        if depth is not None and level >= depth:
            entry["children"] = []
            if sc.children:
                entry["truncated"] = len(sc.children)
            return entry
        entry["children"] = [self._visit(c.child, level + 1, c, depth, seen) for c in sc.children]
        return entry
