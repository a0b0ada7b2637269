"""Duties (DU): 职责—岗位—标准 三确定."""

from __future__ import annotations

from graph.checks.context import CheckContext
from graph.checks.registry import rule
from graph.sources import BAOTOU
from graph.values import blank

@rule("DU001", "warning", "职责无岗位", "duty without post",
       "职责 {code} 未落实到岗位",
       "duty {code} is assigned to no post",
       "将该职责落实到具体岗位（职责—岗位—标准三确定）",
      BAOTOU + "表2（职责—岗位—标准）")
def _du001(ctx: CheckContext):
    """DU001: a duty with no ``-assigned_to-> Post``."""
    for did in ctx.lacking("Duty", "assigned_to", kinds=("Post",)):
        yield did, {}


@rule("DU002", "warning", "职责无工作标准", "duty without work standard",
       "职责 {code} 缺少工作标准",
       "duty {code} has no work standard",
       "为该职责补充工作标准（职责—岗位—标准三确定）",
      BAOTOU + "表2（职责—岗位—标准）")
def _du002(ctx: CheckContext):
    """DU002: a duty whose ``work_standard`` is missing or blank."""
    for d in ctx.of_kind("Duty"):
        if blank(d.props.get("work_standard")):
            yield d.id, {}
