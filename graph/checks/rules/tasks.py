"""Tasks (TK): orphans, owners, overdue tasks."""

from __future__ import annotations

from graph.checks.context import CheckContext, any_of_kinds
from graph.checks.registry import rule
from graph.sources import TAISHAN
from graph.values import blank

@rule("TK001", "error", "孤立任务", "orphan task",
       "孤立任务：任务 {code} 既未关联目标，也没有上级任务",
       "orphan task: task {code} is linked to no target and no parent task",
       "将该任务关联到对应目标或上级任务",
      TAISHAN + "表6、表7（任务分解）")
def _tk001(ctx: CheckContext):
    """TK001: a task with no ``Target -implemented_by->`` / ``Target -decomposes_to->``
    and no parent ``Task -decomposes_to->``."""
    nodes, targets, parents = ctx.nodes, ctx.in_map("implemented_by"), ctx.in_map("decomposes_to")
    for t in ctx.of_kind("Task"):
        if targets.get(t.id):
            continue
        ids = parents.get(t.id)
        if not ids or not any_of_kinds(nodes, ids, ("Target", "Task")):
            yield t.id, {}


@rule("TK002", "error", "任务无责任主体", "task without owner",
       "任务 {code} 没有牵头部门、责任部门和责任人",
       "task {code} has no lead unit, no responsible unit and no responsible person",
       "为该任务指定牵头部门、责任部门和责任人",
      TAISHAN + "表6、表7（任务分解：牵头部门、责任人）")
def _tk002(ctx: CheckContext):
    """TK002: a task with no ``-led_by->`` and no ``-assigned_to->`` (unit, post or person)."""
    leads, assigned = ctx.out_map("led_by"), ctx.out_map("assigned_to")
    for t in ctx.of_kind("Task"):
        if not leads.get(t.id) and not assigned.get(t.id):
            yield t.id, {}


@rule("TK003", "warning", "任务逾期", "overdue task",
       "任务逾期：任务 {code} 完成时限 {deadline}，截至 {as_of} 状态为“{status_zh}”",
       "overdue task: task {code} was due {deadline}; status on {as_of}: {status_en}",
       "督促责任人完成任务并更新状态，或按程序调整完成时限",
      TAISHAN + "图13（任务状态）")
def _tk003(ctx: CheckContext):
    """TK003: a task with ``deadline`` before the check date (``as_of``) and ``status``
    other than ``completed`` (a missing status is not completed). Tasks without a readable
    deadline are not judged."""
    as_of = ctx.as_of
    for t in ctx.of_kind("Task"):
        due = ctx.date(t.props.get("deadline"))
        status = t.props.get("status")
        if due is None or due >= as_of or status == "completed":
            continue
        concept = ctx.onto.concept("TaskStatuses", status) if not blank(status) else None
        if concept is not None and concept.notation == "completed":
            continue
        zh, en = ((concept.labels.zh, concept.labels.en) if concept is not None
                  else ("未填写", "unspecified") if blank(status) else (str(status), str(status)))
        yield t.id, {"deadline": due.isoformat(), "as_of": as_of.isoformat(), "status_zh": zh, "status_en": en}
