"""The snapshot every diagnosis function reads, and the walks over it.

:class:`DiagnosisContext` is a :class:`graph.checks.CheckContext` (one read of the store,
adjacency indexes, ``owner_of`` cached per node) with the diagnosis date and configuration, and
three walks:

- **roll-up children** (what a node's achievement rate is computed from): the chain edges of
  ``chains.DOWN_EDGES`` (plan → sub-plan / target, target → sub-target / task, task → sub-task;
  GLOSSARY 分解 / 落实), the indicators that ``measures`` the node (GLOSSARY 测量), and for a plan
  the targets that are ``based_on`` it (GLOSSARY 依据; docs/rules.md TC001 accepts either link);
- **roll-up parents**: the same edges walked upwards;
- **risk parents** (what a failure endangers): the roll-up parents, plus the targets ``governed_by``
  a standard (an indicator on a standard endangers the targets that standard governs), the node a
  rectification task ``rectifies`` and the indicator a measurement is ``measurement_of``.

Edge weights: the optional edge property ``weight`` (ontology/iqa.ttl) on a roll-up edge; a
missing, non-numeric or negative weight counts as 1, a weight of 0 keeps the child visible but
without influence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.model import Edge, Node
from graph.services.chains import DOWN_EDGES
from graph.checks import CheckContext
from graph.values import number_or_none
from graph.services.diagnosis.tasks import date_or_none
from graph.services.ownership import IndexOwnerMemo, OwnerAnswer, ref
from graph.store import GraphStore

#: Kinds whose achievement rate is judged and whose risk is reported (the goals of a chain).
GOAL_KINDS = frozenset({"Target", "Plan"})
#: Kinds tracked like tasks (deadline + status, 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13).
TASK_KINDS = ("Task", "RectificationTask")


@dataclass(frozen=True)
class DiagnosisConfig:
    """Settings of a diagnosis run (every field has a default; all are documented in the JSON).

    - ``low_threshold``: an achievement rate below this is low (default 0.6, i.e. 60%).
    - ``judge_not_due``: judge low achievement on every target and plan; by default only on those
      due by the diagnosis date (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9: 事后 结果诊断 reviews targets whose period is over —
      a target due next year is not "low" for having unfinished tasks).
    - ``warning_window_days``: a task not started this many days or fewer before its deadline is
      预警 (default 30; see ``tasks.task_status``).
    - ``trend_periods``: measurements in an indicator's trend (default 3).
    - ``chain_rules``: the docs/rules.md rules whose findings are warnings of a broken chain: the
      target-chain and task rules of severity error (TC001, TC002, TC004, TC005, TC007, TC008,
      TK001, TK002). TK003 and SI004 are not listed: overdue tasks and breaches are diagnosed here.
    - ``at_risk_tasks``: report tasks their unit marked 预警 as warnings (default True).
    - ``key_indicators``: how many indicators the report charts (default 8).
    - ``year``: the year of the month-by-month task view (default: the diagnosis date's year).
    """

    low_threshold: float = 0.6
    judge_not_due: bool = False
    warning_window_days: int = 30
    trend_periods: int = 3
    chain_rules: tuple[str, ...] = ("TC001", "TC002", "TC004", "TC005", "TC007", "TC008", "TK001", "TK002")
    at_risk_tasks: bool = True
    key_indicators: int = 8
    year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"low_threshold": self.low_threshold, "judge_not_due": self.judge_not_due,
                "warning_window_days": self.warning_window_days, "trend_periods": self.trend_periods,
                "chain_rules": list(self.chain_rules), "at_risk_tasks": self.at_risk_tasks,
                "key_indicators": self.key_indicators, "year": self.year}


def edge_weight(edge: Edge | None) -> float:
    """The ``weight`` of a roll-up edge: a number ≥ 0 (``"50%"`` → 0.5); 1 when missing or unusable."""
    if edge is None:
        return 1.0
    return props_weight(edge.props)


def props_weight(props: dict[str, Any] | None) -> float:
    """:func:`edge_weight` of an edge with these properties (None: no properties)."""
    if not props:
        return 1.0
    w = number_or_none(props.get("weight"))
    return 1.0 if w is None or w < 0 else w


class DiagnosisContext(CheckContext):
    """A snapshot of ``store`` for the diagnosis date ``as_of`` under ``config``.

    Later writes to the store are not seen (see CheckContext). Owners come from ``owner(node)``
    (``ownership.owner_of`` on the snapshot, cached)."""

    def __init__(self, store: GraphStore, as_of: dt.date, config: DiagnosisConfig | None = None):
        super().__init__(store, as_of)
        self.config = config or DiagnosisConfig()
        self._measurements: dict[str, list[tuple[dt.date, float, str]]] = {}
        self._rollup_children: dict[str, list[tuple[Edge, str]]] = {}
        self._rollup_links: dict[str, list[tuple[str, str, float]]] = {}
        self._labels: dict[tuple[str, str], str] = {}
        self._links_index: tuple | None = None
        self._parents: dict[tuple[str, str], list[str]] = {}

    # -- walks -------------------------------------------------------------------------------
    def rollup_children(self, node_id: str) -> list[tuple[Edge, str]]:
        """``(edge, child id)`` of each roll-up child, each child once (its first edge), in the
        order: DOWN_EDGES by type then child id, then measuring indicators, then based_on targets."""
        cached = self._rollup_children.get(node_id)
        if cached is not None:
            return cached
        node = self.nodes.get(node_id)
        out: list[tuple[Edge, str]] = []
        seen: set[str] = set()
        if node is not None:
            pairs = [(e, e.target) for t in DOWN_EDGES for e, _ in self.neighbors(node_id, (t,), "out")]
            pairs += [(e, e.source) for e, n in self.neighbors(node_id, ("measures",), "in") if n.kind == "Indicator"]
            if node.kind == "Plan":
                pairs += [(e, e.source) for e, n in self.neighbors(node_id, ("based_on",), "in") if n.kind == "Target"]
            for e, cid in pairs:
                if cid not in seen:
                    seen.add(cid)
                    out.append((e, cid))
        self._rollup_children[node_id] = out
        return out

    def rollup_links(self, node_id: str) -> list[tuple[str, str, float]]:
        """``(edge type, child id, edge weight)`` of each roll-up child: what :meth:`rollup_children`
        lists (same children, same order, ``edge_weight`` of the same edge), read from the
        snapshot's id lists without making Edge objects (memoised; the list is shared, not to be
        changed)."""
        cached = self._rollup_links.get(node_id)
        if cached is not None:
            return cached
        nodes = self.nodes
        node = nodes.get(node_id)
        out: list[tuple[str, str, float]] = []
        if node is not None:
            props = self._edge_props
            down, measured_by, based_on = self._link_index()
            # (type, child, edge key); the key is made only when some edge has props (a generated
            # college has none: ~200,000 tuples fewer)
            pairs: list[tuple[str, str, tuple[str, str, str] | None]] = []
            for t, per in down:
                kids = per.get(node_id)
                if kids:
                    if props:
                        pairs += [(t, c, (node_id, t, c)) for c in kids if c in nodes]
                    else:
                        pairs += [(t, c, None) for c in kids if c in nodes]
            kids = measured_by.get(node_id)
            if kids:
                pairs += [("measures", c, (c, "measures", node_id)) for c in kids
                          if (n := nodes.get(c)) is not None and n.kind == "Indicator"]
            if node.kind == "Plan":
                kids = based_on.get(node_id)
                if kids:
                    pairs += [("based_on", c, (c, "based_on", node_id)) for c in kids
                              if (n := nodes.get(c)) is not None and n.kind == "Target"]
            if len(pairs) == 1:
                t, cid, key = pairs[0]
                out.append((t, cid, props_weight(props.get(key)) if props else 1.0))
            else:
                seen: set[str] = set()
                for t, cid, key in pairs:
                    if cid not in seen:
                        seen.add(cid)
                        out.append((t, cid, props_weight(props.get(key)) if props else 1.0))
        self._rollup_links[node_id] = out
        return out

    def _link_index(self) -> tuple[list[tuple[str, dict[str, list[str]]]], dict[str, list[str]], dict[str, list[str]]]:
        """The snapshot's id lists :meth:`rollup_links` reads: ``[(type, out lists)]`` of DOWN_EDGES,
        the in lists of ``measures`` and of ``based_on`` (looked up once per run)."""
        if self._links_index is None:
            self.nodes
            self._links_index = ([(t, self._out.get(t) or {}) for t in DOWN_EDGES],
                                 self._in.get("measures") or {}, self._in.get("based_on") or {})
        return self._links_index

    def rollup_parents(self, node_id: str) -> list[str]:
        """Ids of the nodes ``node_id`` is a roll-up child of (memoised)."""
        cached = self._parents.get(("rollup", node_id))
        if cached is None:
            cached = self._parents[("rollup", node_id)] = self._rollup_parents(node_id)
        return cached

    def _rollup_parents(self, node_id: str) -> list[str]:
        node = self.nodes.get(node_id)
        if node is None:
            return []
        # id lists of the snapshot's index (what neighbors() returns, without making Edge objects)
        out = [s for t in DOWN_EDGES for s in self.in_ids(node_id, t)]
        if node.kind == "Indicator":
            out += self.out_ids(node_id, "measures")
        if node.kind == "Target":
            out += self.out_ids(node_id, "based_on", ("Plan",))
        return list(dict.fromkeys(out))

    def risk_parents(self, node_id: str) -> list[str]:
        """Ids of the nodes a failure at ``node_id`` puts at risk directly (module docstring; memoised)."""
        cached = self._parents.get(("risk", node_id))
        if cached is None:
            cached = self._parents[("risk", node_id)] = self._risk_parents(node_id)
        return cached

    def _risk_parents(self, node_id: str) -> list[str]:
        node = self.nodes.get(node_id)
        if node is None:
            return []
        out = list(self.rollup_parents(node_id))
        if node.kind == "Standard":
            out += self.in_ids(node_id, "governed_by", ("Target",))
        if node.kind == "RectificationTask":
            out += self.out_ids(node_id, "rectifies")
        if node.kind == "Measurement":
            out += self.out_ids(node_id, "measurement_of")
        return list(dict.fromkeys(out))

    def ancestors(self, node_id: str, step: str = "risk") -> list[tuple[str, int]]:
        """Every node above ``node_id`` (``step`` "risk" or "rollup" parents), breadth first, each
        once at its smallest distance: ``[(id, distance ≥ 1)]``. Cycles are harmless."""
        parents = self.risk_parents if step == "risk" else self.rollup_parents
        seen = {node_id}
        frontier = [node_id]
        out: list[tuple[str, int]] = []
        depth = 0
        while frontier:
            depth += 1
            nxt: list[str] = []
            for nid in frontier:
                for pid in parents(nid):
                    if pid not in seen:
                        seen.add(pid)
                        nxt.append(pid)
                        out.append((pid, depth))
            frontier = nxt
        return out

    def owner(self, node: Node) -> OwnerAnswer:
        """``CheckContext.owner`` (the same answers, cached per node), resolved by an
        ``ownership.IndexOwnerMemo`` on the snapshot's id lists instead of ``neighbors``' Edge
        objects."""
        own = self._owners.get(node.id)
        if own is None:
            if self._owner_memo is None:
                nodes = self.nodes  # the snapshot is read first: its id lists are the memo's
                self._owner_memo = IndexOwnerMemo(nodes, self._out, self._in)
            own = self._owners[node.id] = self._owner_memo.shared(node)  # read, never changed
        return own

    # -- data ---------------------------------------------------------------------------------
    def measurements(self, indicator_id: str) -> list[tuple[dt.date, float, str]]:
        """Every dated numeric measurement of an indicator as ``(date, value, measurement id)``,
        oldest first (ties by id), whatever its date relative to ``as_of``."""
        cached = self._measurements.get(indicator_id)
        if cached is None:
            cached = []
            for e, m in self.neighbors(indicator_id, ("measurement_of",), "in"):
                d, v = date_or_none(m.props.get("date")), number_or_none(m.props.get("value"))
                if d is not None and v is not None:
                    cached.append((d, v, m.id))
            cached.sort()
            self._measurements[indicator_id] = cached
        return cached

    def onto_label(self, term: str, lang: str = "zh") -> str:
        """``self.onto.label(term, lang)``, memoised (a college's tasks repeat a few statuses)."""
        key = (term, lang)
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = self.onto.label(term, lang)
        return label

    def unit_of(self, node: Node) -> dict[str, str] | None:
        """``{"id", "name"}`` of the node's owner unit (explicit or inherited), or None."""
        return ref(self.owner(node).unit)

    def layer_rank(self, node: Node) -> int:
        """Rank of the node's layer (1 = 学校); 99 when it has none."""
        c = self.layer(node)
        return c.rank if c is not None else 99

    def unit_key(self, unit_id: str) -> tuple:
        """Sort key of an org unit: by unit type (ontology OrgUnitTypes rank: 学校, 职能部门, 教学单位,
        …), then id; ``""`` (no unit) last."""
        if not unit_id:
            return (2, 99, "")
        node = self.nodes.get(unit_id)
        kind = node.props.get("type") if node is not None else None
        rank = self.onto.rank("OrgUnitTypes", kind) if isinstance(kind, str) and kind else None
        return (0 if rank is not None else 1, rank or 99, unit_id)

    def is_school_goal(self, node: Node) -> bool:
        """True for a target on the top layer (学校)."""
        return node.kind == "Target" and self.layer(node) == self.top_layer


def node_ref(node: Node) -> dict[str, Any]:
    """A node as shown in the diagnosis JSON: ``{"id", "kind", "code", "name", "layer"}`` (the
    layer when it is text, else None)."""
    layer = node.props.get("layer")
    return {"id": node.id, "kind": node.kind, "code": node.code, "name": node.name,
            "layer": layer if isinstance(layer, str) else None}


def rounded(x: float | None, digits: int = 4) -> float | None:
    """``x`` rounded for JSON (None stays None)."""
    return None if x is None else round(float(x), digits)
