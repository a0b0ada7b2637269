"""A check run kept up to date after small edits: :class:`LiveCheck` keeps, beside the report, the
:class:`CheckContext` it was computed from and each rule's findings by node; given what the writes
since touched (``graph.services.edit.ChangeSet``) it patches the context — the nodes and edges
named are read again from the store — and re-runs each rule only as far as its locality requires.
The result is the report a full ``run_checks`` gives on the store as it is now (the property test
in tests/services/test_result_cache.py compares the two after random edits).

Locality (:data:`LOCALITY`), declared per rule from its code:

- :class:`Local`: the finding on a node ``n`` depends only on ``n``'s properties, ``n``'s edges,
  the kinds and codes of its neighbours (part of their ids, never changed) and the properties of
  the neighbours over the declared ``reads`` steps (RS002 reads its lead units' names, TC004 its
  parent targets' layers, TC006 its parents' deadlines, SI004 its measurements). After a change the
  *affected* nodes are the nodes written or deleted, the ends of every edge written or deleted
  (those removed with a deleted node included) and, for a rule that reads neighbours, the nodes that
  reach a written node over those steps. The rule runs with ``of_kind`` narrowed to the affected
  nodes — plus the nodes reached from them over the declared ``iterates`` steps, for a rule that
  iterates one kind and reports on another (IS001 iterates institution items and reports on what
  they include) — and its findings on the affected nodes are replaced by the ones it yields on them.
- ``CYCLES`` (TC005): cycles along ``DOWN_EDGES``. Kept when no such edge changed; when the graph
  had no cycle and every such edge still present after the change leads to no path back to its
  source, there is still none (a removal cannot make a cycle); otherwise it runs in full.
- ``REACH`` (TC008): the set of plans, targets and tasks a task is reachable from is kept and
  updated: the ancestors (within the set) of the source of a removed chain edge are taken out and
  those that still reach a task put back, then it grows up from new tasks and from the sources of
  chain edges into the set. The school-layer targets whose membership changed, or which were
  written, are judged again.
- anything else — ``ALWAYS`` (CH001 reads the store's journal, which every write changes) or a rule
  not listed — runs in full.

Owners: when an edge an owner answer can read changed (``ownership.OWNER_STEPS`` and
``chains.PARENT_STEPS`` types) or an org unit, post or person was written or deleted, every finding
is routed again with a fresh ``OwnerMemo``; otherwise only the new findings and the findings on
written nodes (their name may have changed) are made again.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from graph.asof import as_of_or_default
from graph.checks.config import RuleConfig
from graph.checks.context import CheckContext
from graph.checks.registry import RULES
from graph.checks.report import CheckReport, Finding
from graph.checks.rules.target_chain import grow_reach, task_reach, tc008_broken
from graph.checks.runner import make_finding, selected_rules
from graph.services.chains import CHAIN_EDGES, CHAIN_KINDS, DOWN_EDGES, PARENT_STEPS
from graph.services.ownership import OWNER_STEPS
from graph.store import GraphStore

ALWAYS = "always"
CYCLES = "cycles"
REACH = "reach"


@dataclass(frozen=True)
class Local:
    """The locality of a rule that judges each node on its own (module docstring): its finding on
    a node reads that node's properties and edges, the kinds and codes of its neighbours (part of
    their ids: they never change) and, besides, the properties of the neighbours over ``reads``
    (``(edge type, direction)`` steps from the judged node). ``iterates``: steps from a judged node
    to the nodes the rule iterates to judge it, when those are not the judged node itself (IS001
    iterates institution items and reports on what they include)."""

    reads: tuple[tuple[str, str], ...] = ()
    iterates: tuple[tuple[str, str], ...] = ()


#: Rule id → its locality (module docstring): a :class:`Local`, or ALWAYS / CYCLES / REACH.
LOCALITY: dict[str, Any] = {
    "CH001": ALWAYS,
    "DG001": Local(), "DU001": Local(), "DU002": Local(),
    "IS001": Local(iterates=(("includes", "in"),)), "IS002": Local(), "IS003": Local(), "IS004": Local(),
    "PL001": Local(), "RS001": Local(),
    "RS002": Local(reads=(("led_by", "out"),)),  # the lead units' names
    "SI001": Local(), "SI002": Local(), "SI003": Local(),
    "SI004": Local(reads=(("measurement_of", "in"),)),  # the measurements' dates and values
    "TC001": Local(), "TC002": Local(), "TC003": Local(),
    "TC004": Local(reads=(("decomposes_to", "in"),)),  # the parent targets' layers
    "TC005": CYCLES,
    "TC006": Local(reads=(("decomposes_to", "in"), ("implemented_by", "in"))),  # the parents' deadlines
    "TC007": Local(), "TC008": REACH,
    "TK001": Local(), "TK002": Local(), "TK003": Local(),
}

#: Edge types an owner answer reads (its own owner edges, then its inheritance parents').
OWNER_EDGE_TYPES = frozenset(t for t, _ in OWNER_STEPS) | frozenset(t for t, _ in PARENT_STEPS)
#: Kinds whose nodes appear in owner answers.
OWNER_KINDS = frozenset({"OrgUnit", "Post", "Person"})

#: rule id → node id → [(args the rule yielded, the finding)], in the order yielded.
_Found = dict[str, dict[str, list[tuple[dict[str, Any], Finding]]]]


class LiveCheck:
    """The full run of ``rules`` (None: every enabled rule) on ``store`` at ``as_of`` under
    ``config`` — ``report`` is what ``run_checks(store, rules=rules, as_of=as_of, config=config)``
    returns — kept with its context so that :meth:`update` can bring it up to date. Errors as
    ``run_checks``. Not thread-safe: the caller serialises ``update`` calls (the result cache
    does) and must not let the store change during one."""

    def __init__(self, store: GraphStore, *, rules: Iterable[str] | None = None, as_of: _dt.date | None = None,
                 config: RuleConfig | None = None):
        self.config = config or RuleConfig()
        self.as_of = as_of_or_default(as_of)
        self.selected = selected_rules(rules, self.config)
        self.ctx = CheckContext(store, self.as_of, suspect_fields=self.config.suspect_fields)
        self._reach: set[str] | None = None
        self.found: _Found = {rid: self._run(rid) for rid in self.selected}
        self.report = self._report()

    # -- runs ----------------------------------------------------------------------------------
    def _finding(self, rid: str, node_id: str, args: dict[str, Any]) -> Finding:
        rule = RULES[rid]
        return make_finding(self.ctx, rule, self.config.severity_of(rule), node_id, args)

    def _collect(self, rid: str, results: Iterable[tuple[str, dict[str, Any]]],
                 keep: Collection[str] | None = None) -> dict[str, list[tuple[dict[str, Any], Finding]]]:
        out: dict[str, list[tuple[dict[str, Any], Finding]]] = {}
        for node_id, args in results:
            if keep is None or node_id in keep:
                out.setdefault(node_id, []).append((args, self._finding(rid, node_id, args)))
        return out

    def _run(self, rid: str) -> dict[str, list[tuple[dict[str, Any], Finding]]]:
        if LOCALITY.get(rid) == REACH and rid == "TC008":
            self._reach = task_reach(self.ctx)
            return self._collect(rid, ((t.id, {}) for t in self.ctx.of_kind("Target")
                                       if tc008_broken(self.ctx, t, self._reach)))
        return self._collect(rid, RULES[rid].fn(self.ctx))

    def _report(self) -> CheckReport:
        findings = [f for per in self.found.values() for pairs in per.values() for _, f in pairs]
        findings.sort(key=Finding.sort_key)
        return CheckReport(findings, self.as_of, tuple(self.selected), None)

    # -- the update ----------------------------------------------------------------------------
    def update(self, store: GraphStore, changes: Any) -> bool:
        """Bring :attr:`report` up to date after the writes ``changes`` lists (a
        ``graph.services.edit.ChangeSet``: ``nodes``, ``deleted``, ``edges``, ``unknown``), reading
        them again from ``store``. Returns False — and changes nothing — when the change is not
        known id by id (the caller then runs the check afresh). What the store raises is raised;
        the object is then unusable (run afresh)."""
        if getattr(changes, "unknown", True):
            return False
        ctx = self.ctx
        ctx.store = store
        changed = set(changes.nodes)
        touched = ctx.patch(store, changed, set(changes.deleted), set(changes.edges))
        # Judged again by every local rule: the nodes written or deleted and the ends of the edges
        # written or deleted; by a rule that reads neighbours' properties, also the nodes that
        # read a written node so.
        base = changed | {k[0] for k in touched} | {k[2] for k in touched}
        types = {t for _, t, _ in touched}
        nodes = ctx.nodes
        owners_moved = bool(types & OWNER_EDGE_TYPES) or any(n.partition(":")[0] in OWNER_KINDS for n in changed)
        if owners_moved:
            ctx.reset_owners()
        redone: set[str] = set()  # rules whose findings are all new
        for rid in self.selected:
            loc = LOCALITY.get(rid, ALWAYS)
            if isinstance(loc, Local):
                affected = set(base)
                for edge_type, direction in loc.reads:  # x -step-> c: walk back from each written c
                    back = ctx.out_ids if direction == "in" else ctx.in_ids
                    for nid in changed:
                        if nid in nodes:
                            affected.update(back(nid, edge_type))
                scope = set(affected)
                for edge_type, direction in loc.iterates:
                    step = ctx.in_ids if direction == "in" else ctx.out_ids
                    for nid in affected:
                        if nid in nodes:
                            scope.update(step(nid, edge_type))
                with ctx.focused(scope):
                    fresh = self._collect(rid, list(RULES[rid].fn(ctx)), affected)
                per = self.found[rid]
                for nid in affected:
                    per.pop(nid, None)
                per.update(fresh)
            elif loc == CYCLES and not self._cycles_kept(touched):
                self.found[rid] = self._run(rid)
                redone.add(rid)
            elif loc == REACH and rid == "TC008" and self._reach is not None:
                self._update_reach(rid, changed, touched)
            elif loc not in (CYCLES, REACH) or (loc == REACH and self._reach is None):
                self.found[rid] = self._run(rid)
                redone.add(rid)
        # Findings made before this update whose owner or node may read differently now.
        for rid, per in self.found.items():
            if rid in redone:
                continue
            for nid in (per if owners_moved else changed & per.keys()):
                if nid in nodes:
                    per[nid] = [(args, self._finding(rid, nid, args)) for args, _ in per[nid]]
        self.report = self._report()
        return True

    def _cycles_kept(self, touched: set[tuple[str, str, str]]) -> bool:
        """Whether TC005's findings still hold after the edges ``touched`` changed."""
        down = [k for k in touched if k[1] in DOWN_EDGES]
        if not down:
            return True
        if self.found.get("TC005"):
            return False  # there were cycles: a change may break or join them
        ctx = self.ctx
        for s, t, d in down:
            if d in ctx.out_ids(s, t) and _reaches(ctx, d, s):
                return False
        return True

    def _update_reach(self, rid: str, changed: set[str], touched: set[tuple[str, str, str]]) -> None:
        ctx, reach = self.ctx, self._reach
        assert reach is not None
        nodes = ctx.nodes
        chain = [k for k in touched if k[1] in CHAIN_EDGES]
        moved: set[str] = set(changed)
        for nid in changed:
            if nid not in nodes:
                reach.discard(nid)
        # Removals: the ancestors (within reach) of the source of each removed chain edge may
        # have reached a task only through it.
        stack = [s for s, t, d in chain if s in reach and d not in ctx.out_ids(s, t)]
        cut: set[str] = set()
        while stack:
            x = stack.pop()
            if x in cut or x not in reach:
                continue
            cut.add(x)
            for edge_type in CHAIN_EDGES:
                stack.extend(p for p in ctx.in_ids(x, edge_type, CHAIN_KINDS) if p in reach and p not in cut)
        reach -= cut
        moved |= cut
        seeds = [c for c in cut if c in nodes and (
            nodes[c].kind == "Task" or any(y in reach for edge_type in CHAIN_EDGES for y in ctx.out_ids(c, edge_type)))]
        # Additions: new tasks, and chain edges from a plan, target or task into the set.
        seeds += [n for n in changed if n in nodes and nodes[n].kind == "Task" and n not in reach]
        seeds += [s for s, t, d in chain if d in reach and s in nodes and nodes[s].kind in CHAIN_KINDS
                  and s not in reach and d in ctx.out_ids(s, t)]
        moved |= grow_reach(ctx, reach, seeds)
        per = self.found[rid]
        for nid in moved:
            per.pop(nid, None)
            n = nodes.get(nid)
            if n is not None and n.kind == "Target" and tc008_broken(ctx, n, reach):
                per[nid] = [({}, self._finding(rid, nid, {}))]


def _reaches(ctx: CheckContext, start: str, goal: str) -> bool:
    """Whether ``goal`` is reachable from ``start`` (itself included) over ``DOWN_EDGES``."""
    seen = {start}
    stack = [start]
    while stack:
        x = stack.pop()
        if x == goal:
            return True
        for edge_type in DOWN_EDGES:
            for y in ctx.out_ids(x, edge_type):
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
    return False


__all__ = ["ALWAYS", "CYCLES", "LOCALITY", "LiveCheck", "Local", "REACH"]
