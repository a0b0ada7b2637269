"""Diagnosis items (DG): points without a lead unit."""

from __future__ import annotations

from graph.checks.context import CheckContext
from graph.checks.registry import rule
from graph.sources import HUNAN

@rule("DG001", "warning", "诊断点无牵头部门", "diagnosis point without lead unit",
       "诊断点 {code} 没有牵头部门",
       "diagnosis point {code} has no lead unit",
       "为该诊断点指定牵头部门",
      HUNAN + "附表1（诊断项目）")
def _dg001(ctx: CheckContext):
    """DG001: a diagnosis point with no ``-led_by->``."""
    for pid in ctx.lacking("DiagnosisPoint", "led_by"):
        yield pid, {}
