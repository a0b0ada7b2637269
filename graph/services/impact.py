"""Change impact: everything downstream of a node — sub-targets, tasks, institution codes — and
the indicators that measure any of them, with their owners, so a planner sees who is affected
before changing a plan or target."""

from __future__ import annotations

from collections import deque
from typing import Any

from graph.model import Node
from graph.services.chains import DOWN_STEPS, children
from graph.services.ownership import owners_of
from graph.store import GraphStore
from graph.subgraph import Step

#: What a change reaches: the chain below, and the indicators measuring any of it.
IMPACT_STEPS: tuple[Step, ...] = (*DOWN_STEPS, ("measures", "in"))


def impact(store: GraphStore, node: Node, max_depth: int | None = None) -> dict[str, Any]:
    """``{"node", "affected": [{"id", "kind", "name", "depth", "via", "owner"}], "units": [{"id",
    "name", "count"}], "people": [...]}``: downstream nodes breadth first (each once, at its
    smallest depth), then indicators measuring them; ``units``/``people`` count affected nodes
    per owner, most first. Reads the store in three calls: one traversal and two for the owners."""
    down = store.traverse([node.id], IMPACT_STEPS, max_depth)
    seen = {node.id}
    affected: list[dict[str, Any]] = []
    queue: deque[tuple[Node, int]] = deque([(node, 0)])
    while queue:
        current, d = queue.popleft()
        if max_depth is not None and d >= max_depth:
            continue
        nexts = [(e.type, n) for e, n in children(down, current.id)]
        nexts += [("^measures", n) for e, n in down.neighbors(current.id, ("measures",), "in")]
        for via, other in nexts:
            if other.id in seen:
                continue
            seen.add(other.id)
            affected.append({"id": other.id, "kind": other.kind, "name": other.name, "depth": d + 1,
                             "via": via})
            queue.append((other, d + 1))
    owners = owners_of(store, [down.nodes[a["id"]] for a in affected])
    for a in affected:
        a["owner"] = owners[a["id"]].owner_dict()
    units: dict[str, dict[str, Any]] = {}
    people: dict[str, dict[str, Any]] = {}
    for a in affected:
        for slot, bucket in (("unit", units), ("person", people)):
            o = a["owner"][slot]
            if o:
                bucket.setdefault(o["id"], {**o, "count": 0})["count"] += 1
    order = lambda d: sorted(d.values(), key=lambda x: (-x["count"], x["id"]))  # noqa: E731
    return {"node": node.id, "affected": affected, "units": order(units), "people": order(people)}
