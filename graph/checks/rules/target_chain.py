"""Target chains (TC): orphans, dead ends, missing standards, layer inversions, cycles, deadlines, owners."""

from __future__ import annotations

import datetime as _dt
from collections import deque
from collections.abc import Callable
from typing import Any

from graph.checks.context import CheckContext, any_of_kinds
from graph.checks.registry import rule
from graph.services.chains import CHAIN_EDGES, CHAIN_KINDS, DOWN_EDGES, find_cycles
from graph.sources import BAOTOU

#: Not yet looked up (None is an answer: no readable date).
_UNSEEN: object = object()
#: TC006 walks a parent map whole when it has at most this many children per judged node, else
#: looks up the judged nodes one by one (a focused re-check judges a few nodes of a large map).
WHOLE_MAP_RATIO = 4


@rule("TC001", "error", "孤立目标", "orphan target",
       "孤立目标：目标 {code}（{layer_zh}层面）既没有上级目标，也没有所属规划",
       "orphan target: target {code} ({layer_en} layer) has no parent target and no plan",
       "为该目标指定上级目标或所属规划，或将其层面改为学校层面",
      BAOTOU + "表4（目标体系）")
def _tc001(ctx: CheckContext):
    """TC001: a target not on the school layer with no parent target and no plan
    (``Plan/Target -decomposes_to->`` it, or it ``-based_on-> Plan``)."""
    top, nodes, layer = ctx.top_layer, ctx.nodes, ctx.layer
    parents, plans = ctx.in_map("decomposes_to"), ctx.out_map("based_on")
    for t in ctx.of_kind("Target"):
        if layer(t) is top:  # the ontology's own concepts: identity, not the dataclass's field-by-field ==
            continue
        ids = parents.get(t.id)
        if ids and any_of_kinds(nodes, ids, ("Target", "Plan")):
            continue
        ids = plans.get(t.id)
        if ids and any_of_kinds(nodes, ids, ("Plan",)):
            continue
        zh, en = ctx.layer_labels(t)
        yield t.id, {"layer_zh": zh, "layer_en": en}


@rule("TC002", "error", "断头目标", "dead-end target",
       "断头目标：目标 {code} 既没有下级目标，也没有落实任务",
       "dead-end target: target {code} has no child target and no implementing task",
       "将该目标分解为下级目标，或安排落实任务",
      BAOTOU + "表4（目标体系）")
def _tc002(ctx: CheckContext):
    """TC002: a target with no child (``-decomposes_to->`` a Target or Task) and no
    ``-implemented_by->`` task."""
    nodes, children, tasks = ctx.nodes, ctx.out_map("decomposes_to"), ctx.out_map("implemented_by")
    for t in ctx.of_kind("Target"):
        if tasks.get(t.id):
            continue
        ids = children.get(t.id)
        if not ids or not any_of_kinds(nodes, ids, ("Target", "Task")):
            yield t.id, {}


@rule("TC003", "warning", "目标无对应标准", "target without standard",
       "目标 {code} 未对应任何标准",
       "target {code} is governed by no standard",
       "为该目标指定对应的标准（标准链）",
      BAOTOU + "表4、表5（目标链与标准链）")
def _tc003(ctx: CheckContext):
    """TC003: a target with no ``-governed_by-> Standard``."""
    for tid in ctx.lacking("Target", "governed_by", kinds=("Standard",)):
        yield tid, {}


@rule("TC004", "error", "层面倒置", "layer inversion",
       "层面倒置：目标 {code}（{layer_zh}）的上级目标 {parents_zh} 所在层面低于它",
       "layer inversion: target {code} ({layer_en}) has parent target {parents_en} on a lower layer",
       "调整上下级目标关系或更正目标层面，使上级目标的层面不低于下级目标",
      BAOTOU + "表4（目标体系）")
def _tc004(ctx: CheckContext):
    """TC004: a target whose parent target lies on a lower layer (a larger ontology rank
    of the Layers scheme: 学校 1 > 部门 > 专业 > 课程 > 教师 > 学生 6). Targets or parents without a
    known layer are not judged. One finding per target, naming every inverted parent."""
    nodes, parents, layer = ctx.nodes, ctx.in_map("decomposes_to"), ctx.layer
    for t in ctx.of_kind("Target"):
        ids = parents.get(t.id)
        if not ids:
            continue
        own = layer(t)
        if own is None:
            continue
        bad = []
        for pid in ids:
            p = nodes[pid]
            if p.kind != "Target":
                continue
            pl = layer(p)
            if pl is not None and pl.rank > own.rank:
                bad.append((ctx.code(pid), pl))
        if bad:
            yield t.id, {
                "layer_zh": own.labels.zh, "layer_en": own.labels.en,
                "parents_zh": "、".join(f"{c}（{pl.labels.zh}）" for c, pl in bad),
                "parents_en": ", ".join(f"{c} ({pl.labels.en})" for c, pl in bad),
            }


@rule("TC005", "error", "分解环路", "decomposition cycle",
       "分解环路：{cycle} 构成循环（所在强连通分量共 {size} 个节点）",
       "decomposition cycle: {cycle} (strongly connected component of {size} node(s))",
       "删除环路中的一条分解、落实或包含关系，使规划—目标—任务链成为无环结构",
      BAOTOU + "表3、表4（规划体系、目标体系）")
def _tc005(ctx: CheckContext):
    """TC005: one finding per cycle along the chain edges (``decomposes_to``, ``implemented_by``,
    ``includes``; see ``chains.find_cycles``), on the smallest id of its strongly connected
    component, listing one cycle through that node and the component's size. The usual acyclic
    graph is recognised on the context's lists (``acyclic``) without making the pairs."""
    if acyclic(ctx):
        return
    pairs = ((s, t) for edge_type in DOWN_EDGES for s, t in ctx.edges(edge_type))
    for cycle, size in find_cycles(pairs):
        yield cycle[0], {"cycle": " → ".join(cycle), "size": size}


def acyclic(ctx: CheckContext) -> bool:
    """True when the ``DOWN_EDGES`` edges (any kinds at their ends) form no cycle, self-loops
    included. False means ``find_cycles`` over the same edges finds at least one cycle.

    A node on a cycle has an outgoing edge, and its successor on the cycle has one too: so every
    cycle lies among the ``core`` nodes — those with an edge to a node that has an outgoing edge
    (one set test per node, in C). Kahn's elimination then runs on the core alone (at 1M nodes a
    few hundred upper-layer targets instead of 420k: the bottom targets lead to tasks only)."""
    outs = [m for m in (ctx.out_map(t) for t in DOWN_EDGES) if m]
    inner: set[str] = set().union(*outs)  # every node with an outgoing edge
    disjoint = inner.isdisjoint
    core = {s for m in outs for s, ids in m.items() if not disjoint(ids)}
    indegree = dict.fromkeys(core, 0)
    for m in outs:
        for s in core:
            for d in m.get(s, ()):
                if d in core:
                    indegree[d] += 1
    queue = [n for n, k in indegree.items() if not k]
    get = indegree.get
    while queue:
        n = queue.pop()
        for m in outs:
            ids = m.get(n)
            if ids is not None:
                for d in ids:
                    left = get(d)
                    if left is not None:
                        left -= 1
                        indegree[d] = left
                        if not left:
                            queue.append(d)
    return not any(indegree.values())


@rule("TC006", "warning", "时限晚于上级", "due later than parent",
       "{kind_zh} {code} 的完成时限 {deadline} 晚于上级 {parents_zh}",
       "{kind_en} {code} is due {deadline}, later than its parent {parents_en}",
       "将完成时限调整到上级目标/规划/任务的时限之内，或调整上级时限",
      BAOTOU + "表6（五层面路线图）")
def _tc006(ctx: CheckContext):
    """TC006: a target or task whose ``deadline`` is later than the deadline of one of
    its parents (a plan, target or task with ``-decomposes_to->`` or ``-implemented_by->`` to it).
    Unreadable or missing deadlines are not judged. One finding per node, naming every such parent.

    Each judged node's deadline is read once; then the parent lists are walked map by map (one
    pass over the in-lists, no lookup per node and type: at 1M nodes half the time of a walk node
    by node), or node by node when few nodes are judged (the incremental re-check's focus)."""
    nodes, date = ctx.nodes, ctx.date
    text_due: dict[str, Any] = {}  # see _deadline
    text_get = text_due.get
    due_of: dict[str, _dt.date | None] = {}  # each judged target and task → its deadline
    for kind in ("Target", "Task"):
        for n in ctx.of_kind(kind):
            value = n.props.get("deadline")
            if value.__class__ is str:  # _deadline inlined: one call less per node
                due = text_get(value, _UNSEEN)
                if due is _UNSEEN:
                    due = text_due[value] = date(value)
            else:
                due = date(value)
            due_of[n.id] = due
    due_get = due_of.get
    other_due: dict[str, _dt.date | None] = {}  # parents not judged here: plans, nodes out of focus
    late_of: dict[str, list[tuple[str, _dt.date]]] = {}
    for m in (ctx.in_map(t) for t in CHAIN_EDGES):
        pairs = (m.items() if len(m) <= WHOLE_MAP_RATIO * len(due_of) else
                 ((nid, m[nid]) for nid in due_of if nid in m))
        for nid, pids in pairs:
            due = due_get(nid)
            if due is None:  # not judged: no readable deadline, or not a target or task in focus
                continue
            for pid in pids:
                pdue = due_get(pid, _UNSEEN)
                if pdue is _UNSEEN:
                    pdue = other_due.get(pid, _UNSEEN)
                    if pdue is _UNSEEN:
                        p = nodes[pid]
                        pdue = other_due[pid] = (_deadline(p.props.get("deadline"), text_due, date)
                                                 if p.kind in CHAIN_KINDS else None)
                if pdue is not None and due > pdue:
                    late = late_of.get(nid)
                    if late is None:
                        late_of[nid] = [(pid, pdue)]
                    else:
                        late.append((pid, pdue))
    # by id: the order of a walk of the kinds, as "Target:…" ids sort before "Task:…" ids
    for nid in sorted(late_of):
        late = sorted(late_of[nid])
        yield nid, {
            "deadline": due_of[nid].isoformat(),  # type: ignore[union-attr]
            "parents_zh": "、".join(f"{ctx.kind_labels(ctx.node(p).kind)[0]} {ctx.code(p)}（{d.isoformat()}）"
                                   for p, d in late),
            "parents_en": ", ".join(f"{ctx.kind_labels(ctx.node(p).kind)[1].lower()} {ctx.code(p)} ({d.isoformat()})"
                                  for p, d in late),
        }


def _deadline(value: Any, text_due: dict[str, Any], date: Callable[[Any], _dt.date | None]) -> _dt.date | None:
    """``date(value)`` (the context's reading of a deadline), from ``text_due`` for a text read
    before (deadlines are text, a few dozen values over ~1M nodes)."""
    if value.__class__ is str:
        due = text_due.get(value, _UNSEEN)
        if due is _UNSEEN:
            due = text_due[value] = date(value)
        return due
    return date(value)


@rule("TC007", "error", "目标无责任主体", "target without owner",
       "目标 {code} 既没有牵头部门，也没有责任人",
       "target {code} has no lead unit and no responsible person",
       "为该目标指定牵头部门和责任人",
      BAOTOU + "表4（目标体系：牵头部门、责任人）")
def _tc007(ctx: CheckContext):
    """TC007: a target with no ``-led_by-> OrgUnit`` and no ``-assigned_to->`` Person
    (a Post counts as a responsible person: it stands for its holder, as in ownership)."""
    for t in ctx.of_kind("Target"):
        if ctx.lacks_owner(t.id):
            yield t.id, {}


@rule("TC008", "error", "学校目标无任务", "school target reaches no task",
       "学校层面目标 {code} 向下分解后没有任何落实任务",
       "school-layer target {code} reaches no task at all",
       "沿目标链向下分解至可执行的任务，确保学校目标有任务落实",
      BAOTOU + "表4、表6（目标体系、五层面路线图）")
def _tc008(ctx: CheckContext):
    """TC008: a school-layer target from which no Task is reachable downward over
    ``decomposes_to`` / ``implemented_by`` among plans, targets and tasks. Computed once for the
    whole graph from the few school targets: a search down from each stops at the first task
    reached (a subtree found to reach no task is not searched again; each node is visited once
    per search, so cycles are harmless; ``reaches_task``)."""
    top, layer = ctx.top_layer, ctx.layer
    dead: set[str] = set()
    for t in ctx.of_kind("Target"):
        if layer(t) is top and not reaches_task(ctx, t.id, dead):  # identity: see TC001
            yield t.id, {}


def reaches_task(ctx: CheckContext, start: str, dead: set[str]) -> bool:
    """Whether a Task is reachable from ``start`` downward over ``decomposes_to`` /
    ``implemented_by`` among plans, targets and tasks (``start`` itself not counted) — the same
    answer as ``start in task_reach(ctx)`` for a plan or a target. ``dead``: ids known to reach
    no task (skipped); when none is reached, every node seen is added to it, so that searches
    sharing a dead subtree walk it once. KeyError when an edge ends at no node, as ``in_ids``."""
    nodes = ctx.nodes
    maps = [ctx.out_map(t) for t in CHAIN_EDGES]
    seen = {start}
    stack = [start]
    while stack:
        nid = stack.pop()
        for m in maps:
            for cid in m.get(nid, ()):
                kind = nodes[cid].kind
                if kind == "Task":
                    return True
                if kind in CHAIN_KINDS and cid not in seen and cid not in dead:
                    seen.add(cid)
                    stack.append(cid)
    dead |= seen
    return False


def task_reach(ctx: CheckContext) -> set[str]:
    """The ids of every Task and of every plan, target or task from which a Task is reachable
    downward over ``decomposes_to`` / ``implemented_by`` (what TC008 judges with)."""
    reach: set[str] = set()
    grow_reach(ctx, reach, [t.id for t in ctx.of_kind("Task")])
    return reach


def grow_reach(ctx: CheckContext, reach: set[str], seeds: list[str]) -> set[str]:
    """Add ``seeds`` to ``reach`` and walk up from them (``in_ids`` over the chain edges, from
    plans, targets and tasks), adding every node not yet in it; returns the ids added."""
    added = {s for s in seeds if s not in reach}
    reach.update(added)
    queue = deque(added)
    while queue:
        nid = queue.popleft()
        for edge_type in CHAIN_EDGES:
            for pid in ctx.in_ids(nid, edge_type, CHAIN_KINDS):
                if pid not in reach:
                    reach.add(pid)
                    added.add(pid)
                    queue.append(pid)
    return added


def tc008_broken(ctx: CheckContext, target, reach: set[str]) -> bool:
    """Whether TC008 reports ``target`` (a Target node): on the school layer and not in ``reach``."""
    return ctx.layer(target) == ctx.top_layer and target.id not in reach
