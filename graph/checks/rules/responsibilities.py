"""Responsibilities (RS): vacant posts, several lead units."""

from __future__ import annotations

from graph.checks.context import CheckContext
from graph.checks.registry import rule
from graph.sources import BAOTOU

@rule("RS001", "warning", "空岗", "vacant post",
       "空岗：岗位 {code} 承担 {owned} 项工作，但无人任职",
       "vacant post: post {code} owns {owned} item(s) but is held by nobody",
       "为该岗位配备任职人员，或将其工作调整到在岗岗位",
      BAOTOU + "表2（职责—岗位—标准）")
def _rs001(ctx: CheckContext):
    """RS001: a post with an incoming ``assigned_to`` (it owns something) that no
    ``Person -holds->``."""
    for p in ctx.of_kind("Post"):
        owned = ctx.in_ids(p.id, "assigned_to")
        if owned and not ctx.in_ids(p.id, "holds", ("Person",)):
            yield p.id, {"owned": len(owned)}


@rule("RS002", "warning", "多个牵头部门", "several lead units",
       "{kind_zh} {code} 有 {n} 个牵头部门：{units_zh}",
       "{kind_en} {code} has {n} lead units: {units_en}",
       "明确唯一的牵头部门，其余改为协作部门",
      BAOTOU + "表3、表4（牵头部门）")
def _rs002(ctx: CheckContext):
    """RS002: a target or indicator with more than one ``-led_by->`` unit."""
    lead_map = ctx.out_map("led_by")
    for kind in ("Indicator", "Target"):
        for n in ctx.of_kind(kind):
            leads = lead_map.get(n.id, ())
            if len(leads) > 1:
                names = [ctx.node(u).name for u in leads]
                yield n.id, {"n": len(leads), "units_zh": "、".join(names), "units_en": ", ".join(names)}
