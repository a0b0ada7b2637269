"""Change over time (CH): links made suspect by a change of their parent (graph/history/suspect.py)."""

from __future__ import annotations

from graph.checks.context import CheckContext
from graph.checks.registry import rule
from graph.history.suspect import suspect_links
from graph.sources import JIANGSU


def _labels(ctx: CheckContext, props: tuple[str, ...]) -> tuple[str, str]:
    """The property names in Chinese (joined with 、) and in English (joined with commas)."""
    zh, en = [], []
    for p in props:
        label = ctx.onto.properties.get(p)
        zh.append(label.zh if label else p)
        en.append(label.en if label else p)
    return "、".join(zh), ", ".join(en)


@rule("CH001", "warning", "上级变更待复核", "suspect link: parent changed",
      "上级{parent_kind_zh} {parent}（{parent_name}）在第 {rev} 版修订中变更了{fields_zh}，"
      "{kind_zh} {code} 由其分解或受其约束，须复核",
      "suspect link: parent {parent_kind_en} {parent} ({parent_name}) changed {fields_en} in revision {rev} "
      "after this link was made or last reviewed; review {kind_en} {code}",
      "复核本项是否仍与变更后的上级一致，必要时调整，然后执行 iqa review 标记已复核",
      JIANGSU + "表3 工作流程的业务概述示例（年度工作目标变更流程）")
def _ch001(ctx: CheckContext):
    """CH001: one finding per suspect link to a node — its parent (decomposition or governance)
    changed a trigger field after the link was made or last reviewed (``suspect_links``; trigger
    fields per kind from the configuration, ``checks.suspect_fields``)."""
    for s in suspect_links(ctx.store, ctx.suspect_fields):
        if s.child not in ctx.nodes:
            continue
        parent = ctx.nodes.get(s.parent)
        kind_zh, kind_en = ctx.kind_labels(parent.kind) if parent is not None else (s.parent, s.parent)
        zh, en = _labels(ctx, s.fields)
        yield s.child, {"parent": s.parent, "parent_name": parent.name if parent else s.parent,
                        "parent_kind_zh": kind_zh, "parent_kind_en": kind_en.lower(), "rev": s.rev,
                        "fields_zh": zh, "fields_en": en}
