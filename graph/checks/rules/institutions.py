"""The institution index (IS): regulation / process / standard codes (…Z / …L / …B) under their items."""

from __future__ import annotations

from collections import defaultdict

from graph.checks.context import CheckContext
from graph.checks.registry import rule
from graph.sources import BAOTOU, JIANGSU

#: The suffix of each kind's code under its institution item (E301 → E301Z, E301L, E301B).
ZLB_SUFFIX = {"Regulation": "Z", "Process": "L", "Standard": "B"}


@rule("IS001", "error", "制度体系编号不符", "institution code mismatch",
       "编号不符：{kind_zh} {code} 挂在制度体系事项 {items} 下，应为 {expected}",
       "code mismatch: {kind_en} {code} is attached to institution item {items_en}, whose code would be {expected_en}",
       "按制度体系事项编号更正制度/流程/标准编号（事项编号 + Z/L/B），或改挂到正确的事项下",
      BAOTOU + "表7（制度体系）")
def _is001(ctx: CheckContext):
    """IS001: a regulation, process
    or standard that an institution item ``-includes->`` whose code is not the item's code followed
    by its kind's suffix (Regulation Z, Process L, Standard B; compared case-insensitively). The
    finding is on the attached node and names every item it does not match."""
    bad: dict[str, list[str]] = defaultdict(list)
    for item in ctx.of_kind("InstitutionItem"):
        for cid in ctx.out_ids(item.id, "includes"):
            child = ctx.node(cid)
            suffix = ZLB_SUFFIX.get(child.kind)
            if suffix is not None and child.code.upper() != (item.code + suffix).upper():
                bad[cid].append(item.id)
    for cid in sorted(bad):
        child = ctx.node(cid)
        suffix = ZLB_SUFFIX[child.kind]
        items = [ctx.code(i) for i in bad[cid]]
        expected = [c + suffix for c in items]
        yield cid, {"items": "、".join(items), "expected": "、".join(expected),
                    "items_en": ", ".join(items), "expected_en": ", ".join(expected)}


@rule("IS002", "warning", "三级事项配套不全", "institution item incomplete",
       "三级事项 {code} 缺少{missing_zh}",
       "institution item {code} lacks: {missing_en}",
       "补齐该事项的制度（Z）、流程（L）、标准（B）",
      BAOTOU + "表7（制度体系）")
def _is002(ctx: CheckContext):
    """IS002: a 三级 institution item — one with no child item
    (``-decomposes_to-> InstitutionItem``) — that ``-includes->`` no Regulation, no Process or no
    Standard. One finding per item, naming what is missing."""
    for item in ctx.of_kind("InstitutionItem"):
        if ctx.out_ids(item.id, "decomposes_to", ("InstitutionItem",)):
            continue
        have = {ctx.node(c).kind for c in ctx.out_ids(item.id, "includes")}
        missing = [k for k in ("Regulation", "Process", "Standard") if k not in have]
        if missing:
            yield item.id, {
                "missing_zh": "、".join(f"{ctx.kind_labels(k)[0]}（{ZLB_SUFFIX[k]}）" for k in missing),
                "missing_en": ", ".join(f"{ctx.kind_labels(k)[1].lower()} ({ZLB_SUFFIX[k]})" for k in missing),
            }


@rule("IS003", "error", "编号重复挂接", "code attached twice",
       "{kind_zh} {code} 同时挂在 {n} 个制度体系事项下：{items}",
       "{kind_en} {code} is attached to {n} institution items: {items_en}",
       "确定该制度/流程/标准所属的唯一事项，其余事项另行编号",
      BAOTOU + "表7（制度体系）")
def _is003(ctx: CheckContext):
    """IS003: a regulation, process or standard that more than one institution item
    ``-includes->``."""
    for kind in ("Process", "Regulation", "Standard"):
        for n in ctx.of_kind(kind):
            items = ctx.in_ids(n.id, "includes", ("InstitutionItem",))
            if len(items) > 1:
                codes = [ctx.code(i) for i in items]
                yield n.id, {"n": len(items), "items": "、".join(codes), "items_en": ", ".join(codes)}


@rule("IS004", "warning", "流程无工作准则", "process without regulation",
       "流程 {code} 未关联所遵循的制度（工作准则）",
       "process {code} follows no regulation (工作准则)",
       "为该流程指定所遵循的制度（工作准则）",
      JIANGSU + "表3（流程概述：工作准则）")
def _is004(ctx: CheckContext):
    """IS004: a process with no ``-follows-> Regulation``."""
    for pid in ctx.lacking("Process", "follows", kinds=("Regulation",)):
        yield pid, {}
