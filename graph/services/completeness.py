"""Chain completeness per unit: the share of a unit's targets whose chain reaches a task with a
named person (the question "does every goal we own end in someone's work?").

A unit's targets are the targets whose owner unit (``ownership.owner_of``: explicit, else
inherited from the nearest parent) is that unit. A target is *complete* when some task below it
(following ``chains.DOWN_EDGES``: sub-targets, tasks, sub-tasks) has an owner with a person.
"""

from __future__ import annotations

from typing import Any

from graph.asof import default_as_of
from graph.services.chains import DOWN_EDGES
from graph.checks import CheckContext
from graph.gcpause import gc_paused
from graph.store import GraphStore


def reaches_named_task(ctx: CheckContext) -> dict[str, bool]:
    """For every Target and Task of the snapshot: True when a task below it (not itself) has an
    owner with a person. Cycles are tolerated (a node on a cycle counts what it reaches)."""
    memo: dict[str, bool] = {}

    def named(task_id: str) -> bool:
        return ctx.owner(ctx.node(task_id)).person is not None

    def below(start: str) -> bool:
        # Iterative search; memoised results of earlier starts are reused.
        if start in memo:
            return memo[start]
        seen = {start}
        stack = [start]
        found = False
        while stack and not found:
            current = stack.pop()
            for edge_type in DOWN_EDGES:
                for child in ctx.out_ids(current, edge_type):
                    if child in seen:
                        continue
                    seen.add(child)
                    if ctx.node(child).kind == "Task" and named(child):
                        found = True
                        break
                    if memo.get(child) is True:
                        found = True
                        break
                    if child not in memo:
                        stack.append(child)
                if found:
                    break
        memo[start] = found
        return found

    return {n.id: below(n.id) for kind in ("Target", "Task") for n in ctx.of_kind(kind)}


def chain_completeness(store: GraphStore) -> list[dict[str, Any]]:
    """One row per unit that owns at least one target::

        [{"unit": {"id", "name"} or None, "targets": n, "complete": m, "share": m / n}]

    ordered by share (lowest first), then unit name; targets with no owner unit form the row
    whose ``unit`` is None, last. The cyclic garbage collector is paused meanwhile
    (``graph.gcpause``: the snapshot and the owners are hundreds of thousands of objects that
    live until the end)."""
    with gc_paused():
        ctx = CheckContext(store, default_as_of())
        try:
            return _completeness(ctx)
        finally:
            ctx.reset_owners()  # the owner memo refers back to the context: leave no cycle behind


def _completeness(ctx: CheckContext) -> list[dict[str, Any]]:
    reach = reaches_named_task(ctx)
    rows: dict[str, dict[str, Any]] = {}
    for target in ctx.of_kind("Target"):
        unit = ctx.owner(target).unit
        key = unit.id if unit is not None else ""
        row = rows.setdefault(key, {"unit": {"id": unit.id, "name": unit.name} if unit else None,
                                    "targets": 0, "complete": 0})
        row["targets"] += 1
        row["complete"] += int(reach.get(target.id, False))
    out = []
    for row in rows.values():
        row["share"] = row["complete"] / row["targets"]
        out.append(row)
    out.sort(key=lambda r: (r["unit"] is None, r["share"], (r["unit"] or {}).get("name", "")))
    return out


__all__ = ["chain_completeness", "reaches_named_task"]
