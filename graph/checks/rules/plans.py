"""Plans (PL): empty plans."""

from __future__ import annotations

from graph.checks.context import CheckContext
from graph.checks.registry import rule
from graph.sources import BAOTOU

@rule("PL001", "warning", "空规划", "empty plan",
       "规划 {code} 既没有目标，也没有子规划",
       "plan {code} has no targets and no sub-plans",
       "将该规划分解为目标或子规划，或撤销该规划",
      BAOTOU + "表3（规划体系）")
def _pl001(ctx: CheckContext):
    """PL001: a plan with no ``-decomposes_to->`` Target or Plan (nor a ``Target
    -based_on->`` it)."""
    for p in ctx.of_kind("Plan"):
        if ctx.out_ids(p.id, "decomposes_to", ("Target", "Plan")) or ctx.in_ids(p.id, "based_on", ("Target",)):
            continue
        yield p.id, {}
