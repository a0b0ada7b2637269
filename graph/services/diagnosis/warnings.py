"""Responsibility-driven warnings (责任驱动的预警): every warning names who must act (person, post,
unit, with provenance), the goals it endangers up to the school goal, and is reported once, at its
root cause.

Kinds of diagnosis warning (``KINDS``; severity in brackets):

=====================  ==========================================================================
indicator_breach       指标预警 [error]: the latest measurement is beyond the warning threshold
                       (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表10–表15 质控点; docs/rules.md SI004; ``indicators``)
indicator_stale        指标数据缺失或过期 [warning]: no measurement within the collection frequency
task_overdue           任务逾期 [warning]: due before the diagnosis date and not 已完成 (TK003;
                       泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 未完成)
task_at_risk           任务预警 [warning]: reported 预警, or not begun close to its deadline
                       (泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 预警; ``tasks.task_status``); ``DiagnosisConfig.at_risk_tasks``
low_achievement        达成度偏低 [warning]: a target or plan whose achievement rate (``rollup``) is
                       below ``low_threshold`` (default 0.6); only targets and plans due by the
                       diagnosis date unless ``judge_not_due`` (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9 事后)
rectification_overdue  整改逾期 [error]: a rectification task due and not 已完成
chain                  a broken chain found by ``checks.run_checks`` for the rules of
                       ``DiagnosisConfig.chain_rules`` (TC001, TC002, TC008, TK001, …), with the
                       rule's severity, message and suggestion
=====================  ==========================================================================

**Responsibility**: ``ownership.owner_of`` — the node's explicit owner, else inherited from the
nearest parent (``owner.inherited_from`` and ``owner.chain`` say where from).

**Endangered goals**: every target and plan above the node, walking the risk parents
(``context.DiagnosisContext.risk_parents``) up to the school goal and plan, nearest first, each
with its achievement rate; ``school_goals`` are the 学校-layer targets among them (and the node
itself when it is one).

**Root cause and deduplication**: some warnings are consequences of failures below them in the
same chain (``CAUSES``): a low achievement rate is explained by a breached indicator, an overdue
or at-risk task or a low rate below it; an overdue or at-risk task by an overdue or at-risk
sub-task; TC008 (a school target reaching no task) by the dead-end targets below it (TC002). Such a
warning is **absorbed** when a cause lies anywhere below it (over the roll-up children): it is not
reported on its own but listed in ``absorbed`` of every reported warning below it that explains
it, whose ``endangered`` list already names its node. A reported warning is thus on the deepest
failing node of its chain (``root_cause``). Warnings of other kinds are never absorbed: a breach,
a stale indicator, a missing owner or an orphan is a fact at its node.
"""

from __future__ import annotations

from graph.formatting import indicator_value, percent

import copy as _copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.model import Node
from graph.checks import RULES, CheckReport, RuleConfig, run_checks, run_rules
from graph.services.diagnosis.tasks import date_or_none
from graph.services.diagnosis.context import (GOAL_KINDS, TASK_KINDS, DiagnosisContext, node_ref, rounded)
from graph.services.diagnosis.indicators import IndicatorStatus
from graph.services.diagnosis.rollup import Rollup
from graph.services.diagnosis.tasks import normalise_status, task_status
from graph.services.ownership import OwnerAnswer

#: kind → (zh label, severity, suggested corrective action in zh).
KINDS: dict[str, tuple[str, str, str]] = {
    "indicator_breach": ("指标预警", "error", "分析指标偏离原因，制定改进措施并跟踪下一次测量"),
    "indicator_stale": ("指标数据缺失或过期", "warning", "按采集频次采集并录入测量数据，核实数据来源"),
    "task_overdue": ("任务逾期", "warning", "督促责任人完成任务并更新状态，或按程序调整完成时限"),
    "task_at_risk": ("任务预警", "warning", "分析任务推进滞后的原因，采取措施确保按期完成"),
    "low_achievement": ("达成度偏低", "warning", "分析目标未达成原因，调整任务或修正目标，纳入下一轮改进"),
    "rectification_overdue": ("整改逾期", "error", "督促落实整改措施，按期完成整改并更新整改状态"),
    "chain": ("目标链断裂", "error", "按规则建议补全目标链"),
}
#: Each kind's label and suggested action in English (``label_en``, ``suggestion_en`` of a warning).
KINDS_EN: dict[str, tuple[str, str]] = {
    "indicator_breach": ("indicator warning", "Analyse why the indicator deviates, set improvement measures "
                                              "and follow up at the next measurement"),
    "indicator_stale": ("indicator data missing or stale", "Collect and enter the measurements at the "
                                                           "collection frequency, and check the data source"),
    "task_overdue": ("task overdue", "Get the responsible person to finish the task and update its status, "
                                     "or adjust its deadline through the proper procedure"),
    "task_at_risk": ("task at risk", "Find why the task lags and act so that it finishes on time"),
    "low_achievement": ("low achievement", "Analyse why the target is not reached, adjust the tasks or "
                                           "revise the target, and take it into the next round of improvement"),
    "rectification_overdue": ("rectification overdue", "Carry out the rectification measures, finish on "
                                                       "time and update the rectification status"),
    "chain": ("broken target chain", "Complete the target chain as the rule suggests"),
}
KIND_ORDER = tuple(KINDS)
SEVERITY_ORDER = ("error", "warning")
#: absorbable warning (kind, or ``chain:<rule>``) → the warnings below it that explain it.
CAUSES: dict[str, frozenset[str]] = {
    "low_achievement": frozenset({"indicator_breach", "task_overdue", "task_at_risk", "low_achievement"}),
    "task_overdue": frozenset({"task_overdue", "task_at_risk"}),
    "task_at_risk": frozenset({"task_overdue", "task_at_risk"}),
    "chain:TC008": frozenset({"chain:TC002"}),
}


@dataclass
class DiagnosisWarning:
    """One diagnosis warning (诊断预警): a root cause found by the diagnosis, with who must act.
    Not to be confused with the 预警 status of a task, the ``warning`` severity of a finding or an
    indicator's 预警值 threshold (docs/glossary.md). ``to_dict()`` gives the JSON shape documented
    in ``graph.services.diagnosis``."""

    kind: str
    node: Node
    message: str
    severity: str
    rule: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    owner: OwnerAnswer | None = None
    endangered: list[dict[str, Any]] = field(default_factory=list)
    school_goals: list[dict[str, Any]] = field(default_factory=list)
    absorbed: list[dict[str, Any]] = field(default_factory=list)
    suggestion: str = ""
    rectification: dict[str, Any] | None = None
    message_en: str = ""

    @property
    def cause_key(self) -> str:
        return f"chain:{self.rule}" if self.kind == "chain" else self.kind

    @property
    def id(self) -> str:
        """Stable key: ``<kind or rule>:<node id>`` (e.g. ``task_overdue:Task:RW-9903``, ``TC002:Target:X``)."""
        return f"{self.rule or self.kind}:{self.node.id}"

    @property
    def label(self) -> str:
        if self.kind == "chain" and self.rule in RULES:
            return RULES[self.rule].title_zh
        return KINDS[self.kind][0]

    @property
    def label_en(self) -> str:
        """The label in English (the rule's English title for a chain warning)."""
        if self.kind == "chain" and self.rule in RULES:
            return RULES[self.rule].title_en
        return KINDS_EN[self.kind][0]

    @property
    def suggestion_en(self) -> str:
        """The suggested action in English (the rule's, for a chain warning)."""
        if self.kind == "chain" and self.rule:
            from graph.checks.catalogue import suggestion

            return suggestion(self.rule, "en")
        return KINDS_EN[self.kind][1]

    @property
    def unit(self) -> dict[str, str] | None:
        u = self.owner.unit if self.owner else None
        return {"id": u.id, "name": u.name} if u is not None else None

    def summary(self) -> dict[str, Any]:
        """``{"id", "kind", "label", "label_en", "node", "name", "message", "message_en"}``: how an
        absorbed warning is listed."""
        return {"id": self.id, "kind": self.kind, "label": self.label, "label_en": self.label_en, "node": self.node.id,
                "name": self.node.name, "message": self.message, "message_en": self.message_en or self.message}

    def sort_key(self) -> tuple:
        unit = self.unit["name"] if self.unit else "\uffff"
        return (SEVERITY_ORDER.index(self.severity), KIND_ORDER.index(self.kind), self.rule or "", unit, self.node.id)

    def to_dict(self) -> dict[str, Any]:
        own = self.owner
        return {
            "id": self.id, "kind": self.kind, "label": self.label, "label_en": self.label_en, "rule": self.rule,
            "severity": self.severity, "node": node_ref(self.node), "message": self.message,
            "message_en": self.message_en or self.message, "facts": self.facts,
            "owner": own.owner_dict() if own else {"person": None, "post": None, "unit": None},
            "owner_inherited_from": own.inherited_from if own else None,
            # a list of its own: the owner answer is the diagnosis's shared one (the steps are never changed)
            "owner_chain": list(own.chain) if own else [],
            "root_cause": {"id": self.node.id, "name": self.node.name},
            "endangered": self.endangered, "school_goals": self.school_goals, "absorbed": self.absorbed,
            "suggestion": self.suggestion, "suggestion_en": self.suggestion_en, "rectification": self.rectification,
        }


def _make(kind: str, node: Node, message: str, facts: dict[str, Any] | None = None,
          message_en: str = "") -> DiagnosisWarning:
    label, severity, suggestion = KINDS[kind]
    return DiagnosisWarning(kind, node, message, severity, facts=facts or {}, suggestion=suggestion,
                            message_en=message_en)


def indicator_warnings(st: IndicatorStatus) -> list[DiagnosisWarning]:
    """The breach and stale warnings of one indicator status."""
    node, out = st.node, []
    unit = node.props.get("unit") if isinstance(node.props.get("unit"), str) else None
    if st.level == "breach" and st.latest is not None:
        d, v = st.latest
        cmp = "低于" if st.direction == "ge" else "高于"
        out.append(_make("indicator_breach", node,
                         f"指标 {node.code}「{node.name}」最新测量值 {indicator_value(v, unit)}（{d.isoformat()}）{cmp}预警值 "
                         f"{indicator_value(st.warning, unit)}（目标值 {indicator_value(st.target, unit)}）",
                         {"date": d.isoformat(), "value": v, "warning": st.warning, "target": st.target,
                          "direction": st.direction, "change": st.change},
                         f"indicator {node.code} “{node.name}”: latest measurement {indicator_value(v, unit)} "
                         f"({d.isoformat()}) {'below' if st.direction == 'ge' else 'above'} the warning value "
                         f"{indicator_value(st.warning, unit)} (target {indicator_value(st.target, unit)})"))
    if st.stale:
        if st.latest is None:
            msg = f"指标 {node.code}「{node.name}」截至 {st.as_of.isoformat()} 无测量数据"
            msg_en = f"indicator {node.code} “{node.name}”: no measurement as of {st.as_of.isoformat()}"
        else:
            msg = (f"指标 {node.code}「{node.name}」最近一次测量在 {st.latest[0].isoformat()}，已 {st.age_days} 天未更新"
                   f"（采集频次 {node.props.get('frequency') or '未填写'}，应在 {st.window_days} 天内）")
            msg_en = (f"indicator {node.code} “{node.name}”: last measured on {st.latest[0].isoformat()}, "
                      f"{st.age_days} days ago (collection frequency {node.props.get('frequency') or 'not given'}: "
                      f"within {st.window_days} days)")
        out.append(_make("indicator_stale", node, msg,
                         {"latest": st.latest[0].isoformat() if st.latest else None, "age_days": st.age_days,
                          "window_days": st.window_days, "frequency": node.props.get("frequency")}, msg_en))
    return out


def task_warnings(ctx: DiagnosisContext, task: Node) -> list[DiagnosisWarning]:
    """Overdue / at-risk warnings of a task, or the overdue warning of a rectification task."""
    status = task_status(task, ctx.as_of, warning_window_days=ctx.config.warning_window_days)
    due = task.props.get("deadline")
    reported = normalise_status(task.props.get("status"))
    label = ctx.onto_label(reported) if reported else "未填写"
    label_en = ctx.onto_label(reported, "en") if reported else "not given"
    facts = {"deadline": due, "status": reported, "status_as_of": status}
    if status == "incomplete" and date_or_none(due) is not None and date_or_none(due) < ctx.as_of:
        if task.kind == "RectificationTask":
            return [_make("rectification_overdue", task,
                          f"整改任务 {task.code}「{task.name}」完成时限 {due}，截至 {ctx.as_of.isoformat()} 状态为“{label}”",
                          facts, f"rectification task {task.code} “{task.name}”: deadline {due}, status "
                                 f"“{label_en}” as of {ctx.as_of.isoformat()}")]
        return [_make("task_overdue", task,
                      f"任务 {task.code}「{task.name}」完成时限 {due}，截至 {ctx.as_of.isoformat()} 状态为“{label}”",
                      facts, f"task {task.code} “{task.name}”: deadline {due}, status “{label_en}” as of "
                             f"{ctx.as_of.isoformat()}")]
    if status == "warning" and task.kind == "Task" and ctx.config.at_risk_tasks:
        why = "报告为“预警”" if reported == "warning" else f"尚未开始，距完成时限 {due} 不足 {ctx.config.warning_window_days} 天"
        why_en = ("reported “at risk”" if reported == "warning" else
                  f"not started, less than {ctx.config.warning_window_days} days before its deadline {due}")
        return [_make("task_at_risk", task, f"任务 {task.code}「{task.name}」{why}", facts,
                      f"task {task.code} “{task.name}”: {why_en}")]
    return []


def low_warnings(ctx: DiagnosisContext, rollup: Rollup) -> list[DiagnosisWarning]:
    """Low-achievement warnings of targets and plans (see the module docstring)."""
    out = []
    threshold = ctx.config.low_threshold
    for kind in ("Plan", "Target"):
        for node in ctx.of_kind(kind):
            if not ctx.config.judge_not_due and not rollup.is_due(node.id):
                continue
            sc = rollup.score(node.id)
            if sc.value is None or sc.value >= threshold:
                continue
            worst = sorted((c for c in sc.children if c.value is not None), key=lambda c: (c.value, c.child))[:3]
            out.append(_make("low_achievement", node,
                             f"{ctx.kind_labels(kind)[0]} {node.code}「{node.name}」达成度 {percent(sc.value)}，"
                             f"低于 {percent(threshold)}",
                             {"achievement": rounded(sc.value), "threshold": threshold,
                              "deadline": node.props.get("deadline"),
                              "lowest_children": [{"id": c.child, "value": rounded(c.value)} for c in worst]},
                             f"{ctx.kind_labels(kind)[1].lower()} {node.code} “{node.name}”: achievement "
                             f"{percent(sc.value)}, below {percent(threshold)}"))
    return out


def chain_warnings(ctx: DiagnosisContext, report: CheckReport) -> list[DiagnosisWarning]:
    """One warning per finding of the chain rules (the rule's severity, message and suggestion)."""
    out = []
    for f in report.findings:
        rule = RULES[f.rule]
        out.append(DiagnosisWarning("chain", ctx.node(f.node), f.message, f.severity, rule=f.rule,
                           facts={"message_en": f.message_en}, suggestion=rule.suggestion_zh,
                           message_en=f.message_en))
    return out


@dataclass(frozen=True)
class FoundWarnings:
    """The warnings of a snapshot that do not depend on ``low_threshold``, as found (no owner,
    goals or absorption yet: :func:`settle` adds those to copies): ``early`` the indicator and task
    warnings, ``chain`` the chain rules' warnings. With :func:`low_warnings` between them they are
    every warning of the snapshot, in the order :func:`settle` expects."""

    early: tuple[DiagnosisWarning, ...]
    chain: tuple[DiagnosisWarning, ...]

    def with_low(self, low: list[DiagnosisWarning]) -> list[DiagnosisWarning]:
        """Fresh copies of the found warnings with ``low`` (low-achievement warnings) between
        them: what :func:`settle` may annotate without changing these."""
        return [*map(_fresh, self.early), *low, *map(_fresh, self.chain)]


def _fresh(w: DiagnosisWarning) -> DiagnosisWarning:
    """A copy of a found warning that :func:`settle` may annotate (its one list it appends to
    is new; the fields it sets are replaced, not changed in place)."""
    copy = _copy.copy(w)
    copy.absorbed = []
    return copy


def find_warnings(ctx: DiagnosisContext, indicators: list[IndicatorStatus], report: CheckReport | None = None,
                  rule_config: RuleConfig | None = None) -> FoundWarnings:
    """The warnings of the snapshot that do not depend on ``ctx.config.low_threshold`` (see
    :class:`FoundWarnings`). ``report`` and ``rule_config`` as :func:`collect`."""
    early: list[DiagnosisWarning] = []
    for st in indicators:
        early += indicator_warnings(st)
    for kind in TASK_KINDS:
        for task in ctx.of_kind(kind):
            early += task_warnings(ctx, task)
    if report is None and ctx.config.chain_rules:
        report = _chain_report(ctx, rule_config)
    chain = chain_warnings(ctx, report) if report is not None else []
    return FoundWarnings(tuple(early), tuple(chain))


def collect(ctx: DiagnosisContext, rollup: Rollup, indicators: list[IndicatorStatus],
            report: CheckReport | None = None,
            rule_config: RuleConfig | None = None) -> tuple[list[DiagnosisWarning], list[DiagnosisWarning]]:
    """Every warning of the snapshot, deduplicated: ``(reported, absorbed)``, each sorted (errors
    first, then kind, rule, owner unit name, node id). ``report``: the chain rules' findings
    (default: ``run_checks`` on ``ctx.store`` for ``ctx.config.chain_rules`` at ``ctx.as_of`` under
    ``rule_config``: a chain rule disabled there gives no warning, a re-graded one its severity).
    :func:`find_warnings`, then :func:`settle` with the low-achievement warnings."""
    found = find_warnings(ctx, indicators, report, rule_config)
    return settle(ctx, rollup, found.with_low(low_warnings(ctx, rollup)))


def _cause_below(ctx: DiagnosisContext, at: dict[str, list[DiagnosisWarning]], memo: dict[str, bool],
                 node_id: str, causes: frozenset[str]) -> bool:
    """Is there a warning of ``causes`` (``at``: the warnings by node id) strictly below ``node_id``
    over roll-up children? ``memo``: the answers for these ``causes`` so far. A module function, not
    a closure calling itself: such a closure is a reference cycle that would keep ``ctx`` (the whole
    snapshot) alive after the run, and frozen out of the collector's reach (``graph.gcpause``)."""
    if node_id in memo:
        return memo[node_id]
    memo[node_id] = False  # cycle guard
    result = False
    for _, cid, _w in ctx.rollup_links(node_id):
        if any(w.cause_key in causes for w in at.get(cid, ())) or _cause_below(ctx, at, memo, cid, causes):
            result = True
            break
    memo[node_id] = result
    return result


def settle(ctx: DiagnosisContext, rollup: Rollup,
           found: list[DiagnosisWarning]) -> tuple[list[DiagnosisWarning], list[DiagnosisWarning]]:
    """``(reported, absorbed)`` of every warning of the snapshot (``found``, in the order
    :meth:`FoundWarnings.with_low` gives): a warning explained by a cause below it is absorbed
    (``CAUSES``), the others are reported with their owner, the goals they endanger, the warnings
    they absorb and the rectification task tracking them. Sets those fields on ``found``'s
    warnings; each list sorted as :func:`collect` says."""
    at: dict[str, list[DiagnosisWarning]] = defaultdict(list)
    for w in found:
        at[w.node.id].append(w)
    below_memo: dict[frozenset[str], dict[str, bool]] = defaultdict(dict)
    reported, absorbed = [], []
    for w in found:
        causes = CAUSES.get(w.cause_key)
        (absorbed if causes and _cause_below(ctx, at, below_memo[causes], w.node.id, causes)
         else reported).append(w)

    absorbed_at: dict[str, list[DiagnosisWarning]] = defaultdict(list)
    for w in absorbed:
        absorbed_at[w.node.id].append(w)
    rect_index = _rectifications(ctx)
    goal_memo: dict[str, tuple[dict[str, Any], float | None, bool] | None] = {}
    for w in reported:
        w.owner = ctx.owner(w.node)
        _endangered(ctx, rollup, w, goal_memo)
        if absorbed_at:
            for aid, _depth in ctx.ancestors(w.node.id, "rollup"):
                for a in absorbed_at.get(aid, ()):
                    if w.cause_key in CAUSES[a.cause_key]:
                        w.absorbed.append(a.summary())
        w.rectification = rect_index.get(w.id)
    for w in absorbed:
        w.owner = ctx.owner(w.node)
    reported.sort(key=DiagnosisWarning.sort_key)
    absorbed.sort(key=DiagnosisWarning.sort_key)
    return reported, absorbed


def _chain_report(ctx: DiagnosisContext, rule_config: RuleConfig | None) -> CheckReport:
    """The findings of ``ctx.config.chain_rules`` at ``ctx.as_of`` under ``rule_config``: run on
    the diagnosis' own snapshot (``run_rules``: no second read of the store, the owners already
    found reused), unless a selected rule reads the store's journal (family CH: suspect links),
    which runs on the store (``run_checks``)."""
    rules = ctx.config.chain_rules
    wanted = (str(r).strip().upper() for r in rules)
    if any(RULES[r].family == "CH" for r in wanted if r in RULES):
        return run_checks(ctx.store, rules=rules, as_of=ctx.as_of, config=rule_config)
    return run_rules(ctx, rules=rules, config=rule_config)


def _endangered(ctx: DiagnosisContext, rollup: Rollup, w: DiagnosisWarning,
                memo: dict[str, tuple[dict[str, Any], float | None, bool] | None] | None = None) -> None:
    """Set ``w.endangered`` and ``w.school_goals`` (module docstring). ``memo``: node id →
    (its ref, rounded achievement, is a school goal) or None when it is no goal, shared by the
    warnings of one run (the goals above a college's warnings are few, met again and again)."""
    goals = []
    top = ctx.top_layer
    memo = {} if memo is None else memo
    threshold = ctx.config.low_threshold
    school = []
    for nid, depth in ctx.ancestors(w.node.id, "risk"):
        if nid in memo:
            known = memo[nid]
        else:
            node = ctx.node(nid)
            if node.kind not in GOAL_KINDS:
                known = memo[nid] = None
            else:
                value = rollup.value(nid)
                known = memo[nid] = (node_ref(node), value,
                                     node.kind == "Target" and ctx.layer(node) == top)
        if known is None:
            continue
        ref, value, is_school = known
        g = {**ref, "depth": depth, "achievement": rounded(value), "low": value is not None and value < threshold}
        goals.append(g)
        if is_school:
            school.append(g)
    goals.sort(key=lambda g: (g["depth"], g["id"]))
    school.sort(key=lambda g: (g["depth"], g["id"]))
    w.endangered = goals
    if ctx.is_school_goal(w.node):
        value = rollup.value(w.node.id)
        school.insert(0, {**node_ref(w.node), "depth": 0, "achievement": rounded(value),
                          "low": value is not None and value < ctx.config.low_threshold})
    w.school_goals = [{"id": g["id"], "code": g["code"], "name": g["name"], "achievement": g["achievement"]}
                      for g in school]


def _rectifications(ctx: DiagnosisContext) -> dict[str, dict[str, Any]]:
    """warning id → the rectification task tracking it (``{"id", "code", "status", "status_as_of",
    "deadline", "measure"}``); with several for one warning, the last by id wins."""
    out: dict[str, dict[str, Any]] = {}
    for rt in ctx.of_kind("RectificationTask"):
        wid = rt.props.get("warning_id")
        if not isinstance(wid, str):
            continue
        out[wid] = {"id": rt.id, "code": rt.code, "status": normalise_status(rt.props.get("status")),
                    "status_as_of": task_status(rt, ctx.as_of, warning_window_days=ctx.config.warning_window_days),
                    "deadline": rt.props.get("deadline"), "measure": rt.props.get("measure")}
    return out
