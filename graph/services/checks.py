"""Consistency checks: the rule registry of CHECKS.md and the runner that turns a store into findings.

Every rule of the catalogue (CHECKS.md, the shared rule catalogue with fixed ids) is declared
exactly once below with its fixed id, its default severity, a Chinese and an English message
template, a suggested corrective action (``suggestion_zh``, used in rectification lists) and a
function over a :class:`CheckContext` that yields ``(node_id, format_args)`` for each broken node.
:data:`RULES` is the registry ordered by id, for the CLI and the docs.

A finding is owned by ``ownership.owner_of(store, node)``: the node's explicit owner, else the
owner of its nearest parent (CHECKS.md); for a finding on a post or an org unit, that post's or
unit's unit. Grouped by owner unit, findings are the units' rectification lists (整改清单, see
``graph.services.rectification``).

Rules may be disabled or re-graded by a YAML file (:func:`load_rule_config`)::

    checks:
      disabled: [TC003, SI001]
      severity: {TK003: error, SI003: error}

Efficiency: the runner reads the store once (``iter_nodes()`` and ``iter_edges()``) into a
snapshot with adjacency indexes shared by every rule, so each rule is one pass over its kind and no
rule queries the backend per node (which matters for Neo4j). Owners are computed with ``owner_of``
on that snapshot, once per node per run.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import networkx as nx
import yaml

from graph.errors import AmbiguousIdError, ConfigError, NotFoundError, ValidationError
from graph.model import Edge, Node
from graph.services.chains import CHAIN_KINDS
from graph.services.ownership import OwnerAnswer, owner_of, ref
from graph.services.resolve import suggest
from graph.store import GraphStore
from ontology import Concept, Ontology, get_ontology

Severity = Literal["error", "warning"]
#: Severity values, most severe first (the sort order of findings).
SEVERITIES: tuple[str, ...] = ("error", "warning")
SEVERITY_LABELS_ZH: dict[str, str] = {"error": "错误", "warning": "警告"}
#: ``by_unit`` key (and rectification sheet title) for findings whose owner has no unit.
NO_UNIT_LABEL = "(无责任部门)"

RuleArgs = dict[str, Any]
RuleFunction = Callable[["CheckContext"], Iterable[tuple[str, RuleArgs]]]


# ============================================================================ registry
@dataclass(frozen=True)
class Rule:
    """One rule of CHECKS.md.

    ``message_zh`` / ``message_en`` are ``str.format`` templates; besides the arguments the rule
    function yields they may use ``{id}``, ``{code}``, ``{name}``, ``{kind_zh}`` and ``{kind_en}``
    of the node the finding is on. ``fn(ctx)`` yields ``(node_id, args)`` per broken node.
    """

    id: str
    severity: Severity
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    suggestion_zh: str
    fn: RuleFunction = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, str]:
        """``{"id", "severity", "title", "title_en", "message", "message_en", "suggestion"}``
        (templates unformatted): the shape the CLI and the docs list rules in."""
        return {"id": self.id, "severity": self.severity, "title": self.title_zh, "title_en": self.title_en,
                "message": self.message_zh, "message_en": self.message_en, "suggestion": self.suggestion_zh}


_REGISTRY: dict[str, Rule] = {}


def _rule(rule_id: str, severity: Severity, title_zh: str, title_en: str, message_zh: str, message_en: str,
          suggestion_zh: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as rule ``rule_id`` (each id once)."""
    if severity not in SEVERITIES:
        raise ValueError(f"{rule_id}: bad severity {severity!r}")

    def register(fn: RuleFunction) -> RuleFunction:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id} declared twice")
        _REGISTRY[rule_id] = Rule(rule_id, severity, title_zh, title_en, message_zh, message_en, suggestion_zh, fn)
        return fn

    return register


# ============================================================================ context
def parse_date(value: Any) -> _dt.date | None:
    """An ISO date (``2025-12-31``, or an ISO datetime's date part) from a property value; None when
    missing or unreadable."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for candidate in (text, text[:10]):
        try:
            return _dt.date.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def parse_number(value: Any) -> float | None:
    """A finite float from a number or numeric text (``"90%"`` → 0.9); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        scale = 1.0
        if text.endswith(("%", "％")):
            text, scale = text[:-1].strip(), 0.01
        try:
            number = float(text) * scale
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _fmt_number(value: float) -> str:
    return f"{value:g}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


class CheckContext:
    """What a rule function sees: the ``store``, the check date ``as_of``, the ontology and
    adjacency indexes built from one read of the store (``iter_nodes()`` and ``iter_edges()``).

    ``out_ids(id, type, kinds)`` / ``in_ids(...)`` list the node ids at the other end of outgoing /
    incoming edges of one type, optionally only of the given kinds, in id order. ``neighbors`` and
    ``get_node`` answer like the store's, so ``owner(node)`` runs ``owner_of`` on the snapshot
    (cached per node). The snapshot is taken on first use; later writes to the store are not seen.
    """

    def __init__(self, store: GraphStore, as_of: _dt.date, onto: Ontology | None = None):
        self.store = store
        self.as_of = as_of
        self.onto = onto or get_ontology()
        self._nodes: dict[str, Node] | None = None
        self._by_kind: dict[str, list[Node]] | None = None
        self._out: dict[str, dict[str, list[Edge]]] | None = None
        self._in: dict[str, dict[str, list[Edge]]] | None = None
        self._layers: dict[Any, Concept | None] = {}
        self._owners: dict[str, OwnerAnswer] = {}

    # -- nodes -------------------------------------------------------------------------------
    @property
    def nodes(self) -> dict[str, Node]:
        """Every node by id (read once)."""
        if self._nodes is None:
            self._nodes = {n.id: n for n in self.store.iter_nodes()}
        return self._nodes

    def of_kind(self, kind: str) -> list[Node]:
        """Every node of ``kind``, in id order."""
        if self._by_kind is None:
            by_kind: dict[str, list[Node]] = defaultdict(list)
            for n in self.nodes.values():
                by_kind[n.kind].append(n)
            for bucket in by_kind.values():
                bucket.sort(key=lambda n: n.id)
            self._by_kind = by_kind
        return self._by_kind.get(kind, [])

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    # -- edges -------------------------------------------------------------------------------
    def _index(self) -> None:
        # Edge objects only (the other end is edge.target / edge.source): one object per edge and
        # direction keeps the index small, which matters at 300,000 edges.
        out: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: defaultdict(list))
        inc: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: defaultdict(list))
        for e in self.store.iter_edges():
            out[e.type][e.source].append(e)
            inc[e.type][e.target].append(e)
        by_target, by_source = attrgetter("target"), attrgetter("source")
        for per_type in out.values():
            for edges in per_type.values():
                if len(edges) > 1:
                    edges.sort(key=by_target)
        for per_type in inc.values():
            for edges in per_type.values():
                if len(edges) > 1:
                    edges.sort(key=by_source)
        self._out, self._in = out, inc

    def _edges(self, direction: str, node_id: str, edge_type: str) -> list[Edge]:
        if self._out is None:
            self._index()
        index = self._out if direction == "out" else self._in
        assert index is not None
        per_type = index.get(edge_type)
        return per_type.get(node_id, []) if per_type is not None else []

    def _ids(self, direction: str, node_id: str, edge_type: str, kinds: Collection[str] | None) -> list[str]:
        edges = self._edges(direction, node_id, edge_type)
        if not edges:
            return []
        ids = [e.target for e in edges] if direction == "out" else [e.source for e in edges]
        if kinds is None:
            return ids
        nodes = self.nodes
        return [i for i in ids if nodes[i].kind in kinds]

    def out_ids(self, node_id: str, edge_type: str, kinds: Collection[str] | None = None) -> list[str]:
        """Targets of ``node_id -edge_type-> *`` (of the given kinds), in id order."""
        return self._ids("out", node_id, edge_type, kinds)

    def in_ids(self, node_id: str, edge_type: str, kinds: Collection[str] | None = None) -> list[str]:
        """Sources of ``* -edge_type-> node_id`` (of the given kinds), in id order."""
        return self._ids("in", node_id, edge_type, kinds)

    def edges(self, edge_type: str) -> Iterator[tuple[str, str]]:
        """Every ``(source, target)`` of one edge type."""
        if self._out is None:
            self._index()
        assert self._out is not None
        for edges in self._out.get(edge_type, {}).values():
            for e in edges:
                yield e.source, e.target

    def neighbors(self, node_id: str, types: Collection[str] | None = None,
                  direction: str = "out") -> list[tuple[Edge, Node]]:
        """``GraphStore.neighbors`` answered from the snapshot (same result and order: by edge
        type, then other node id), so services such as ``owner_of`` can run on the context."""
        if self._out is None:
            self._index()
        assert self._out is not None and self._in is not None
        nodes = self.nodes
        if node_id not in nodes:
            return []
        if types is not None and len(types) == 1 and direction != "both":  # the common case
            for edge_type in types:
                if direction == "out":
                    return [(e, nodes[e.target]) for e in self._edges("out", node_id, edge_type)]
                return [(e, nodes[e.source]) for e in self._edges("in", node_id, edge_type)]
        wanted = sorted(set(self._out) | set(self._in)) if types is None else sorted(set(types))
        result: list[tuple[Edge, Node]] = []
        for edge_type in wanted:
            pairs: list[tuple[Edge, Node]] = []
            if direction in ("out", "both"):
                pairs += [(e, nodes[e.target]) for e in self._edges("out", node_id, edge_type)]
            if direction in ("in", "both"):
                pairs += [(e, nodes[e.source]) for e in self._edges("in", node_id, edge_type)]
            if direction == "both":
                pairs.sort(key=lambda pair: pair[1].id)
            result.extend(pairs)
        return result

    def get_node(self, node_id: str) -> Node | None:
        """``GraphStore.get_node`` answered from the snapshot."""
        return self.nodes.get(node_id)

    def owner(self, node: Node) -> OwnerAnswer:
        """``ownership.owner_of(store, node)`` evaluated on the snapshot, computed once per node."""
        own = self._owners.get(node.id)
        if own is None:
            own = self._owners[node.id] = owner_of(self, node)  # type: ignore[arg-type]
        return own

    # -- vocabularies ------------------------------------------------------------------------
    def layer(self, node: Node) -> Concept | None:
        """The Layers concept of ``node.props["layer"]`` (notation or label), or None."""
        value = node.props.get("layer")
        if value not in self._layers:
            self._layers[value] = self.onto.concept("Layers", value) if not _blank(value) else None
        return self._layers[value]

    @property
    def top_layer(self) -> Concept:
        """The highest layer (rank 1, 学校) as the ontology orders them."""
        return self.onto.schemes["Layers"][0]

    def layer_labels(self, node: Node) -> tuple[str, str]:
        """(zh, en) label of the node's layer; a raw unknown value is shown as is."""
        c = self.layer(node)
        if c is not None:
            return c.labels.zh, c.labels.en
        raw = node.props.get("layer")
        return ("未填写", "unspecified") if _blank(raw) else (str(raw), str(raw))

    def kind_labels(self, kind: str) -> tuple[str, str]:
        k = self.onto.kinds.get(kind)
        return (k.labels.zh, k.labels.en) if k else (kind, kind)

    def code(self, node_id: str) -> str:
        return self.nodes[node_id].code


# Edge and kind groups used by several rules.
_PARENT_EDGES = ("decomposes_to", "implemented_by")  # chain edges among plans, targets and tasks
_PERSONS = frozenset({"Person", "Post"})  # 责任人: a person, or a post standing for its holder
_ZLB_SUFFIX = {"Regulation": "Z", "Process": "L", "Standard": "B"}  # seed 004 表7


def _join(items: Iterable[str], sep: str) -> str:
    return sep.join(items)


# ============================================================================ target chain (TC)
@_rule("TC001", "error", "孤立目标", "orphan target",
       "孤立目标：目标 {code}（{layer_zh}层面）既没有上级目标，也没有所属规划",
       "orphan target: target {code} ({layer_en} layer) has no parent target and no plan",
       "为该目标指定上级目标或所属规划，或将其层面改为学校层面")
def _tc001(ctx: CheckContext):
    """CHECKS.md TC001: a target not on the school layer with no parent target and no plan
    (``Plan/Target -decomposes_to->`` it, or it ``-based_on-> Plan``)."""
    top = ctx.top_layer
    for t in ctx.of_kind("Target"):
        if ctx.layer(t) == top:
            continue
        if ctx.in_ids(t.id, "decomposes_to", ("Target", "Plan")) or ctx.out_ids(t.id, "based_on", ("Plan",)):
            continue
        zh, en = ctx.layer_labels(t)
        yield t.id, {"layer_zh": zh, "layer_en": en}


@_rule("TC002", "error", "断头目标", "dead-end target",
       "断头目标：目标 {code} 既没有下级目标，也没有落实任务",
       "dead-end target: target {code} has no child target and no implementing task",
       "将该目标分解为下级目标，或安排落实任务")
def _tc002(ctx: CheckContext):
    """CHECKS.md TC002: a target with no child (``-decomposes_to->`` a Target or Task) and no
    ``-implemented_by->`` task."""
    for t in ctx.of_kind("Target"):
        if not ctx.out_ids(t.id, "decomposes_to", ("Target", "Task")) and not ctx.out_ids(t.id, "implemented_by"):
            yield t.id, {}


@_rule("TC003", "warning", "目标无对应标准", "target without standard",
       "目标 {code} 未对应任何标准",
       "target {code} is governed by no standard",
       "为该目标指定对应的标准（标准链）")
def _tc003(ctx: CheckContext):
    """CHECKS.md TC003: a target with no ``-governed_by-> Standard``."""
    for t in ctx.of_kind("Target"):
        if not ctx.out_ids(t.id, "governed_by", ("Standard",)):
            yield t.id, {}


@_rule("TC004", "error", "层面倒置", "layer inversion",
       "层面倒置：目标 {code}（{layer_zh}）的上级目标 {parents_zh} 所在层面低于它",
       "layer inversion: target {code} ({layer_en}) has parent target {parents_en} on a lower layer",
       "调整上下级目标关系或更正目标层面，使上级目标的层面不低于下级目标")
def _tc004(ctx: CheckContext):
    """CHECKS.md TC004: a target whose parent target lies on a lower layer (a larger ontology rank
    of the Layers scheme: 学校 1 > 部门 > 专业 > 课程 > 教师 > 学生 6). Targets or parents without a
    known layer are not judged. One finding per target, naming every inverted parent."""
    for t in ctx.of_kind("Target"):
        own = ctx.layer(t)
        if own is None:
            continue
        bad = []
        for pid in ctx.in_ids(t.id, "decomposes_to", ("Target",)):
            pl = ctx.layer(ctx.node(pid))
            if pl is not None and pl.rank > own.rank:
                bad.append((ctx.code(pid), pl))
        if bad:
            yield t.id, {
                "layer_zh": own.labels.zh, "layer_en": own.labels.en,
                "parents_zh": _join((f"{c}（{pl.labels.zh}）" for c, pl in bad), "、"),
                "parents_en": _join((f"{c} ({pl.labels.en})" for c, pl in bad), ", "),
            }


@_rule("TC005", "error", "分解环路", "decomposition cycle",
       "分解环路：{cycle} 构成循环（所在强连通分量共 {size} 个节点）",
       "decomposition cycle: {cycle} (strongly connected component of {size} node(s))",
       "删除环路中的一条分解或落实关系，使规划—目标—任务链成为无环结构")
def _tc005(ctx: CheckContext):
    """CHECKS.md TC005: one finding per strongly connected component (size > 1, or a self-loop)
    of the graph of plans, targets and tasks over ``decomposes_to`` and ``implemented_by``. The
    finding is on the component's smallest id and lists one cycle through that node."""
    g = nx.DiGraph()
    nodes = ctx.nodes
    for edge_type in _PARENT_EDGES:
        for s, t in ctx.edges(edge_type):
            if nodes[s].kind in CHAIN_KINDS and nodes[t].kind in CHAIN_KINDS:
                g.add_edge(s, t)
    for component in nx.strongly_connected_components(g):
        start = min(component)
        if len(component) == 1 and not g.has_edge(start, start):
            continue
        if g.has_edge(start, start):
            cycle = [start, start]
        else:
            sub = g.subgraph(component)
            back = min(p for p in sub.predecessors(start))
            cycle = nx.shortest_path(sub, start, back) + [start]
        yield start, {"cycle": " → ".join(cycle), "size": len(component)}


@_rule("TC006", "warning", "时限晚于上级", "due later than parent",
       "{kind_zh} {code} 的完成时限 {deadline} 晚于上级 {parents_zh}",
       "{kind_en} {code} is due {deadline}, later than its parent {parents_en}",
       "将完成时限调整到上级目标/规划/任务的时限之内，或调整上级时限")
def _tc006(ctx: CheckContext):
    """CHECKS.md TC006: a target or task whose ``deadline`` is later than the deadline of one of
    its parents (a plan, target or task with ``-decomposes_to->`` or ``-implemented_by->`` to it).
    Unreadable or missing deadlines are not judged. One finding per node, naming every such parent."""
    for kind in ("Target", "Task"):
        for n in ctx.of_kind(kind):
            due = parse_date(n.props.get("deadline"))
            if due is None:
                continue
            late: list[tuple[str, _dt.date]] = []
            for edge_type in _PARENT_EDGES:
                for pid in ctx.in_ids(n.id, edge_type, CHAIN_KINDS):
                    pdue = parse_date(ctx.node(pid).props.get("deadline"))
                    if pdue is not None and due > pdue:
                        late.append((pid, pdue))
            if late:
                late.sort()
                yield n.id, {
                    "deadline": due.isoformat(),
                    "parents_zh": _join((f"{ctx.kind_labels(ctx.node(p).kind)[0]} {ctx.code(p)}（{d.isoformat()}）"
                                         for p, d in late), "、"),
                    "parents_en": _join((f"{ctx.kind_labels(ctx.node(p).kind)[1].lower()} {ctx.code(p)} ({d.isoformat()})"
                                         for p, d in late), ", "),
                }


@_rule("TC007", "error", "目标无责任主体", "target without owner",
       "目标 {code} 既没有牵头部门，也没有责任人",
       "target {code} has no lead unit and no responsible person",
       "为该目标指定牵头部门和责任人")
def _tc007(ctx: CheckContext):
    """CHECKS.md TC007: a target with no ``-led_by-> OrgUnit`` and no ``-assigned_to->`` Person
    (a Post counts as a responsible person: it stands for its holder, as in ownership)."""
    for t in ctx.of_kind("Target"):
        if not ctx.out_ids(t.id, "led_by") and not ctx.out_ids(t.id, "assigned_to", _PERSONS):
            yield t.id, {}


@_rule("TC008", "error", "学校目标无任务", "school target reaches no task",
       "学校层面目标 {code} 向下分解后没有任何落实任务",
       "school-layer target {code} reaches no task at all",
       "沿目标链向下分解至可执行的任务，确保学校目标有任务落实")
def _tc008(ctx: CheckContext):
    """CHECKS.md TC008: a school-layer target from which no Task is reachable downward over
    ``decomposes_to`` / ``implemented_by`` among plans, targets and tasks. Computed once for the
    whole graph by walking up from every task (each node visited once, so cycles are harmless)."""
    reach: set[str] = set()
    queue = deque(t.id for t in ctx.of_kind("Task"))
    reach.update(queue)
    while queue:
        nid = queue.popleft()
        for edge_type in _PARENT_EDGES:
            for pid in ctx.in_ids(nid, edge_type, CHAIN_KINDS):
                if pid not in reach:
                    reach.add(pid)
                    queue.append(pid)
    top = ctx.top_layer
    for t in ctx.of_kind("Target"):
        if ctx.layer(t) == top and t.id not in reach:
            yield t.id, {}


# ============================================================================ tasks (TK)
@_rule("TK001", "error", "孤立任务", "orphan task",
       "孤立任务：任务 {code} 既未关联目标，也没有上级任务",
       "orphan task: task {code} is linked to no target and no parent task",
       "将该任务关联到对应目标或上级任务")
def _tk001(ctx: CheckContext):
    """CHECKS.md TK001: a task with no ``Target -implemented_by->`` / ``Target -decomposes_to->``
    and no parent ``Task -decomposes_to->``."""
    for t in ctx.of_kind("Task"):
        if ctx.in_ids(t.id, "implemented_by") or ctx.in_ids(t.id, "decomposes_to", ("Target", "Task")):
            continue
        yield t.id, {}


@_rule("TK002", "error", "任务无责任主体", "task without owner",
       "任务 {code} 没有牵头部门、责任部门和责任人",
       "task {code} has no lead unit, no responsible unit and no responsible person",
       "为该任务指定牵头部门、责任部门和责任人")
def _tk002(ctx: CheckContext):
    """CHECKS.md TK002: a task with no ``-led_by->`` and no ``-assigned_to->`` (unit, post or person)."""
    for t in ctx.of_kind("Task"):
        if not ctx.out_ids(t.id, "led_by") and not ctx.out_ids(t.id, "assigned_to"):
            yield t.id, {}


@_rule("TK003", "warning", "任务逾期", "overdue task",
       "任务逾期：任务 {code} 完成时限 {deadline}，截至 {as_of} 状态为“{status_zh}”",
       "overdue task: task {code} was due {deadline}; status on {as_of}: {status_en}",
       "督促责任人完成任务并更新状态，或按程序调整完成时限")
def _tk003(ctx: CheckContext):
    """CHECKS.md TK003: a task with ``deadline`` before the check date (``as_of``) and ``status``
    other than ``completed`` (a missing status is not completed). Tasks without a readable
    deadline are not judged."""
    as_of = ctx.as_of
    for t in ctx.of_kind("Task"):
        due = parse_date(t.props.get("deadline"))
        status = t.props.get("status")
        if due is None or due >= as_of or status == "completed":
            continue
        concept = ctx.onto.concept("TaskStatuses", status) if not _blank(status) else None
        if concept is not None and concept.notation == "completed":
            continue
        zh, en = ((concept.labels.zh, concept.labels.en) if concept is not None
                  else ("未填写", "unspecified") if _blank(status) else (str(status), str(status)))
        yield t.id, {"deadline": due.isoformat(), "as_of": as_of.isoformat(), "status_zh": zh, "status_en": en}


# ============================================================================ standards & indicators (SI)
@_rule("SI001", "warning", "标准无指标", "standard without indicator",
       "标准 {code} 没有任何指标测量",
       "standard {code} is measured by no indicator",
       "为该标准设置质控点/监测指标")
def _si001(ctx: CheckContext):
    """CHECKS.md SI001: a standard with no ``Indicator -measures->`` it."""
    for s in ctx.of_kind("Standard"):
        if not ctx.in_ids(s.id, "measures", ("Indicator",)):
            yield s.id, {}


@_rule("SI002", "error", "指标无责任主体", "indicator without owner",
       "指标 {code} 没有责任岗位、责任人和牵头部门",
       "indicator {code} has no owner: no responsible post or person and no lead unit",
       "为该指标指定责任岗位或责任人，以及牵头部门")
def _si002(ctx: CheckContext):
    """CHECKS.md SI002: an indicator with no ``-assigned_to->`` Post or Person and no ``-led_by->``."""
    for i in ctx.of_kind("Indicator"):
        if not ctx.out_ids(i.id, "led_by") and not ctx.out_ids(i.id, "assigned_to", _PERSONS):
            yield i.id, {}


@_rule("SI003", "warning", "指标无预警值", "indicator without warning threshold",
       "指标 {code} 未设预警值{detail_zh}",
       "indicator {code} has no warning threshold{detail_en}",
       "为该指标设定数值型预警值")
def _si003(ctx: CheckContext):
    """CHECKS.md SI003: an indicator whose ``warning`` is missing, blank or not a number."""
    for i in ctx.of_kind("Indicator"):
        raw = i.props.get("warning")
        if parse_number(raw) is not None:
            continue
        if _blank(raw):
            yield i.id, {"detail_zh": "", "detail_en": ""}
        else:
            yield i.id, {"detail_zh": f"（“{raw}”不是数值）", "detail_en": f" ({raw!r} is not a number)"}


_DIRECTIONS = {"ge": "ge", "≥": "ge", ">=": "ge", "higher": "ge", "越高越好": "ge",
               "le": "le", "≤": "le", "<=": "le", "lower": "le", "越低越好": "le"}


def indicator_direction(indicator: Node) -> str | None:
    """``"ge"`` (higher is better) or ``"le"`` of an indicator: its ``direction`` property, else
    inferred from a numeric ``target_value`` above (ge) or below (le) the ``warning``; else None."""
    raw = indicator.props.get("direction")
    if isinstance(raw, str) and raw.strip().lower() in _DIRECTIONS:
        return _DIRECTIONS[raw.strip().lower()]
    target, warning = parse_number(indicator.props.get("target_value")), parse_number(indicator.props.get("warning"))
    if target is not None and warning is not None and target != warning:
        return "ge" if target > warning else "le"
    return None


@_rule("SI004", "error", "指标预警", "indicator breach",
       "指标预警：指标 {code} 最新测量值 {value}（{date}）{cmp_zh}预警值 {warning}（{direction_zh}）",
       "indicator breach: indicator {code} latest value {value} ({date}) is {cmp_en} the warning "
       "threshold {warning} ({direction_en})",
       "分析指标偏离原因，制定改进措施并跟踪下一次测量")
def _si004(ctx: CheckContext):
    """CHECKS.md SI004: an indicator whose latest measurement (the largest ``date`` not after
    ``as_of``; ties broken by measurement id) is beyond its numeric ``warning``: below it when the
    direction is ``ge`` (higher is better), above it when ``le``. The direction comes from
    :func:`indicator_direction`; indicators without a direction, a numeric warning or a dated numeric
    measurement are not judged."""
    as_of = ctx.as_of
    for i in ctx.of_kind("Indicator"):
        warning = parse_number(i.props.get("warning"))
        if warning is None:
            continue
        direction = indicator_direction(i)
        if direction is None:
            continue
        latest: tuple[_dt.date, str, float] | None = None
        for mid in ctx.in_ids(i.id, "measurement_of", ("Measurement",)):
            m = ctx.node(mid)
            d, v = parse_date(m.props.get("date")), parse_number(m.props.get("value"))
            if d is None or v is None or d > as_of:
                continue
            if latest is None or (d, mid) > (latest[0], latest[1]):
                latest = (d, mid, v)
        if latest is None:
            continue
        d, _, v = latest
        breach = v < warning if direction == "ge" else v > warning
        if breach:
            unit = i.props.get("unit")
            unit = "" if _blank(unit) else str(unit).strip()
            # The workbook contract stores 90% as 0.9: show fractions of a "%" indicator as percentages.
            percent = unit in ("%", "％") and abs(v) <= 1 and abs(warning) <= 1
            shown = (lambda x: f"{_fmt_number(x * 100)}%") if percent else (lambda x: f"{_fmt_number(x)}{unit}")
            yield i.id, {
                "value": shown(v), "warning": shown(warning), "date": d.isoformat(), "unit": unit,
                "direction": direction,
                "cmp_zh": "低于" if direction == "ge" else "高于",
                "cmp_en": "below" if direction == "ge" else "above",
                "direction_zh": "越高越好" if direction == "ge" else "越低越好",
                "direction_en": "higher is better" if direction == "ge" else "lower is better",
            }


# ============================================================================ responsibilities (RS)
@_rule("RS001", "warning", "空岗", "vacant post",
       "空岗：岗位 {code} 承担 {owned} 项工作，但无人任职",
       "vacant post: post {code} owns {owned} item(s) but is held by nobody",
       "为该岗位配备任职人员，或将其工作调整到在岗岗位")
def _rs001(ctx: CheckContext):
    """CHECKS.md RS001: a post with an incoming ``assigned_to`` (it owns something) that no
    ``Person -holds->``."""
    for p in ctx.of_kind("Post"):
        owned = ctx.in_ids(p.id, "assigned_to")
        if owned and not ctx.in_ids(p.id, "holds", ("Person",)):
            yield p.id, {"owned": len(owned)}


@_rule("RS002", "warning", "多个牵头部门", "several lead units",
       "{kind_zh} {code} 有 {n} 个牵头部门：{units_zh}",
       "{kind_en} {code} has {n} lead units: {units_en}",
       "明确唯一的牵头部门，其余改为协作部门")
def _rs002(ctx: CheckContext):
    """CHECKS.md RS002: a target or indicator with more than one ``-led_by->`` unit."""
    for kind in ("Indicator", "Target"):
        for n in ctx.of_kind(kind):
            leads = ctx.out_ids(n.id, "led_by")
            if len(leads) > 1:
                names = [ctx.node(u).name for u in leads]
                yield n.id, {"n": len(leads), "units_zh": "、".join(names), "units_en": ", ".join(names)}


# ============================================================================ institution index (IS)
@_rule("IS001", "error", "制度体系编号不符", "institution code mismatch",
       "编号不符：{kind_zh} {code} 挂在制度体系事项 {items} 下，应为 {expected}",
       "code mismatch: {kind_en} {code} is attached to institution item {items_en}, whose code would be {expected_en}",
       "按制度体系事项编号更正制度/流程/标准编号（事项编号 + Z/L/B），或改挂到正确的事项下")
def _is001(ctx: CheckContext):
    """CHECKS.md IS001 (seed 004 表7 prints E301 with E301Z, E302L, E302B): a regulation, process
    or standard that an institution item ``-includes->`` whose code is not the item's code followed
    by its kind's suffix (Regulation Z, Process L, Standard B; compared case-insensitively). The
    finding is on the attached node and names every item it does not match."""
    bad: dict[str, list[str]] = defaultdict(list)
    for item in ctx.of_kind("InstitutionItem"):
        for cid in ctx.out_ids(item.id, "includes"):
            child = ctx.node(cid)
            suffix = _ZLB_SUFFIX.get(child.kind)
            if suffix is not None and child.code.upper() != (item.code + suffix).upper():
                bad[cid].append(item.id)
    for cid in sorted(bad):
        child = ctx.node(cid)
        suffix = _ZLB_SUFFIX[child.kind]
        items = [ctx.code(i) for i in bad[cid]]
        expected = [c + suffix for c in items]
        yield cid, {"items": "、".join(items), "expected": "、".join(expected),
                    "items_en": ", ".join(items), "expected_en": ", ".join(expected)}


@_rule("IS002", "warning", "三级事项配套不全", "institution item incomplete",
       "三级事项 {code} 缺少{missing_zh}",
       "institution item {code} lacks: {missing_en}",
       "补齐该事项的制度（Z）、流程（L）、标准（B）")
def _is002(ctx: CheckContext):
    """CHECKS.md IS002 (seed 004 表7): a 三级 institution item — one with no child item
    (``-decomposes_to-> InstitutionItem``) — that ``-includes->`` no Regulation, no Process or no
    Standard. One finding per item, naming what is missing."""
    for item in ctx.of_kind("InstitutionItem"):
        if ctx.out_ids(item.id, "decomposes_to", ("InstitutionItem",)):
            continue
        have = {ctx.node(c).kind for c in ctx.out_ids(item.id, "includes")}
        missing = [k for k in ("Regulation", "Process", "Standard") if k not in have]
        if missing:
            yield item.id, {
                "missing_zh": "、".join(f"{ctx.kind_labels(k)[0]}（{_ZLB_SUFFIX[k]}）" for k in missing),
                "missing_en": ", ".join(f"{ctx.kind_labels(k)[1].lower()} ({_ZLB_SUFFIX[k]})" for k in missing),
            }


@_rule("IS003", "error", "编号重复挂接", "code attached twice",
       "{kind_zh} {code} 同时挂在 {n} 个制度体系事项下：{items}",
       "{kind_en} {code} is attached to {n} institution items: {items_en}",
       "确定该制度/流程/标准所属的唯一事项，其余事项另行编号")
def _is003(ctx: CheckContext):
    """CHECKS.md IS003: a regulation, process or standard that more than one institution item
    ``-includes->``."""
    for kind in ("Process", "Regulation", "Standard"):
        for n in ctx.of_kind(kind):
            items = ctx.in_ids(n.id, "includes", ("InstitutionItem",))
            if len(items) > 1:
                codes = [ctx.code(i) for i in items]
                yield n.id, {"n": len(items), "items": "、".join(codes), "items_en": ", ".join(codes)}


@_rule("IS004", "warning", "流程无工作准则", "process without regulation",
       "流程 {code} 未关联所遵循的制度（工作准则）",
       "process {code} follows no regulation (工作准则)",
       "为该流程指定所遵循的制度（工作准则）")
def _is004(ctx: CheckContext):
    """CHECKS.md IS004: a process with no ``-follows-> Regulation``."""
    for p in ctx.of_kind("Process"):
        if not ctx.out_ids(p.id, "follows", ("Regulation",)):
            yield p.id, {}


# ============================================================================ duties (DU)
@_rule("DU001", "warning", "职责无岗位", "duty without post",
       "职责 {code} 未落实到岗位",
       "duty {code} is assigned to no post",
       "将该职责落实到具体岗位（职责—岗位—标准三确定）")
def _du001(ctx: CheckContext):
    """CHECKS.md DU001: a duty with no ``-assigned_to-> Post``."""
    for d in ctx.of_kind("Duty"):
        if not ctx.out_ids(d.id, "assigned_to", ("Post",)):
            yield d.id, {}


@_rule("DU002", "warning", "职责无工作标准", "duty without work standard",
       "职责 {code} 缺少工作标准",
       "duty {code} has no work standard",
       "为该职责补充工作标准（职责—岗位—标准三确定）")
def _du002(ctx: CheckContext):
    """CHECKS.md DU002: a duty whose ``work_standard`` is missing or blank."""
    for d in ctx.of_kind("Duty"):
        if _blank(d.props.get("work_standard")):
            yield d.id, {}


# ============================================================================ plans (PL)
@_rule("PL001", "warning", "空规划", "empty plan",
       "规划 {code} 既没有目标，也没有子规划",
       "plan {code} has no targets and no sub-plans",
       "将该规划分解为目标或子规划，或撤销该规划")
def _pl001(ctx: CheckContext):
    """CHECKS.md PL001: a plan with no ``-decomposes_to->`` Target or Plan (nor a ``Target
    -based_on->`` it)."""
    for p in ctx.of_kind("Plan"):
        if ctx.out_ids(p.id, "decomposes_to", ("Target", "Plan")) or ctx.in_ids(p.id, "based_on", ("Target",)):
            continue
        yield p.id, {}


# ============================================================================ diagnosis (DG)
@_rule("DG001", "warning", "诊断点无牵头部门", "diagnosis point without lead unit",
       "诊断点 {code} 没有牵头部门",
       "diagnosis point {code} has no lead unit",
       "为该诊断点指定牵头部门")
def _dg001(ctx: CheckContext):
    """CHECKS.md DG001: a diagnosis point with no ``-led_by->``."""
    for p in ctx.of_kind("DiagnosisPoint"):
        if not ctx.out_ids(p.id, "led_by"):
            yield p.id, {}


#: The registry: every rule of CHECKS.md by id, ordered by id (read-only).
RULES: Mapping[str, Rule] = MappingProxyType(dict(sorted(_REGISTRY.items())))


# ============================================================================ configuration
@dataclass(frozen=True)
class RuleConfig:
    """Which rules are off and which are re-graded: ``disabled`` (rule ids) and ``severity``
    (rule id → ``"error"``/``"warning"``). ``source`` names the file it came from (for messages).
    Raises ConfigError on an unknown rule id or severity."""

    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None

    def __post_init__(self) -> None:
        where = f"{self.source}: " if self.source else ""
        object.__setattr__(self, "disabled", frozenset(self.disabled))
        object.__setattr__(self, "severity", MappingProxyType(dict(self.severity)))
        for rid in sorted(self.disabled):
            if rid not in RULES:
                raise ConfigError(f"{where}checks.disabled: unknown rule id {rid!r} (known: {', '.join(RULES)})")
        for rid, sev in self.severity.items():
            if rid not in RULES:
                raise ConfigError(f"{where}checks.severity.{rid}: unknown rule id {rid!r} (known: {', '.join(RULES)})")
            if sev not in SEVERITIES:
                raise ConfigError(f"{where}checks.severity.{rid}: unknown severity {sev!r} "
                                  f"(use {' or '.join(SEVERITIES)})")

    def severity_of(self, rule: Rule) -> str:
        """The severity ``rule`` reports with under this configuration."""
        return self.severity.get(rule.id, rule.severity)


#: Top-level sections of the configuration file (iqa.yaml): rule settings here, API settings in
#: graph/settings.py.
CONFIG_SECTIONS = ("checks", "api")


def load_rule_config(path: str | Path) -> RuleConfig:
    """Read the ``checks:`` section of a YAML file::

        checks:
          disabled: [TC003, SI001]
          severity: {TK003: error, SI003: error}

    An ``api:`` section (the HTTP API's settings) may stand beside it. Raises ConfigError naming the file (and the key) when the file
    cannot be read or parsed, is not a mapping, has an unknown section, or names an unknown key, rule id or severity.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the check configuration: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return RuleConfig(source=str(path))
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping (sections such as 'checks:' and 'api:')")
    stray = sorted(str(k) for k in data if k not in CONFIG_SECTIONS)
    if stray:
        raise ConfigError(f"{path}: {stray[0]}: unknown section (known: {', '.join(CONFIG_SECTIONS)}; "
                          "rule settings go under 'checks')")
    section = data.get("checks") or {}  # a file with only an api: section configures no rule
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: checks: expected a mapping with 'disabled' and/or 'severity'")
    unknown = sorted(str(k) for k in section if k not in ("disabled", "severity"))
    if unknown:
        raise ConfigError(f"{path}: checks.{unknown[0]}: unknown key (use 'disabled' and/or 'severity')")
    disabled = section.get("disabled") or []
    if isinstance(disabled, str):
        disabled = [disabled]
    if not isinstance(disabled, list):
        raise ConfigError(f"{path}: checks.disabled: expected a list of rule ids")
    severity = section.get("severity") or {}
    if not isinstance(severity, dict):
        raise ConfigError(f"{path}: checks.severity: expected a mapping of rule id to error/warning")
    return RuleConfig(
        disabled=frozenset(str(r).strip().upper() for r in disabled),
        severity={str(k).strip().upper(): (str(v).strip().lower() if isinstance(v, str) else v)
                  for k, v in severity.items()},
        source=str(path),
    )


# ============================================================================ findings and report
@dataclass
class Finding:
    """One broken node. ``owner`` is ``{"unit": {"id", "name"} | None, "person": {"id", "name"} | None}``
    (from ``owner_of``); ``inherited_from`` names the parent the owner was inherited from, if any."""

    rule: str
    severity: str
    node: str
    name: str
    message: str
    message_en: str
    owner: dict[str, dict[str, str] | None]
    inherited_from: str | None = None

    @property
    def unit_id(self) -> str | None:
        unit = self.owner.get("unit")
        return unit["id"] if unit else None

    @property
    def unit_name(self) -> str | None:
        unit = self.owner.get("unit")
        return unit["name"] if unit else None

    @property
    def person_name(self) -> str | None:
        person = self.owner.get("person")
        return person["name"] if person else None

    def sort_key(self) -> tuple[int, str, str]:
        return (SEVERITIES.index(self.severity), self.rule, self.node)

    def to_dict(self) -> dict[str, Any]:
        """``{"rule", "severity", "node", "name", "message", "message_en", "owner": {"unit", "person"},
        "inherited_from"}``."""
        return {"rule": self.rule, "severity": self.severity, "node": self.node, "name": self.name,
                "message": self.message, "message_en": self.message_en,
                "owner": {"unit": self.owner.get("unit"), "person": self.owner.get("person")},
                "inherited_from": self.inherited_from}


@dataclass
class CheckReport:
    """The findings of one run, sorted (errors first, then rule id, then node id), with the check
    date, the rule ids that ran and the owner unit filtered on (``{"id", "name"}`` or None)."""

    findings: list[Finding]
    as_of: _dt.date
    rules: tuple[str, ...]
    owner: dict[str, str] | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def has_errors(self) -> bool:
        """True when at least one finding has severity ``error``."""
        return any(f.severity == "error" for f in self.findings)

    def summary(self) -> dict[str, Any]:
        """``{"total", "errors", "warnings", "by_rule": {id: n} (every rule that ran, in id order),
        "by_unit": {unit name or "(无责任部门)": n} (most first), "as_of": ISO date}``."""
        by_rule = {rid: 0 for rid in self.rules}
        by_unit: Counter[str] = Counter()
        for f in self.findings:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
            by_unit[f.unit_name or NO_UNIT_LABEL] += 1
        return {"total": len(self.findings), "errors": self.errors, "warnings": self.warnings,
                "by_rule": by_rule,
                "by_unit": dict(sorted(by_unit.items(), key=lambda kv: (-kv[1], kv[0]))),
                "as_of": self.as_of.isoformat()}

    def to_dict(self) -> dict[str, Any]:
        """``{"findings": [Finding.to_dict() …], "summary": summary()}``."""
        return {"findings": [f.to_dict() for f in self.findings], "summary": self.summary()}


def resolve_unit(store: GraphStore, text: str) -> Node:
    """The OrgUnit named by ``text``: its id (``OrgUnit:D03``), its code, or its exact name.
    Raises NotFoundError (with suggestions) when none matches, AmbiguousIdError when a name is shared."""
    text = text.strip()
    node = store.get_node(text)
    if node is not None and node.kind == "OrgUnit":
        return node
    by_code = [n for n in store.find_by_code(text) if n.kind == "OrgUnit"]
    if by_code:
        return by_code[0]
    by_name = [n for n in store.iter_nodes("OrgUnit") if str(n.props.get("name", "")).strip() == text]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        ids = [n.id for n in by_name]
        raise AmbiguousIdError(f"several org units are named {text!r}: {', '.join(ids)}", ids)
    hints = suggest(store, text.partition(":")[2] if text.startswith("OrgUnit:") else text, "OrgUnit")
    raise NotFoundError(f"no org unit {text!r}" + (f"; did you mean {', '.join(hints)}?" if hints else ""), hints)


def _select(rules: Iterable[str] | None) -> list[str]:
    if rules is None:
        return list(RULES)
    if isinstance(rules, str):
        rules = [rules]
    wanted = [str(r).strip().upper() for r in rules]
    unknown = [r for r in wanted if r not in RULES]
    if unknown:
        raise ValidationError(f"unknown rule id(s) {', '.join(unknown)}; known rules: {', '.join(RULES)}")
    return sorted(set(wanted))


def run_checks(store: GraphStore, *, rules: Iterable[str] | None = None, owner: str | None = None,
               as_of: _dt.date | None = None, config: RuleConfig | None = None) -> CheckReport:
    """Run the rules of CHECKS.md over ``store`` and return a :class:`CheckReport`.

    ``rules``: rule ids to run (default all; case-insensitive); an unknown id raises ValidationError
    listing the known ids. Rules disabled in ``config`` never run; re-graded rules report the
    configured severity. ``owner``: keep only findings whose owner unit is this org unit (id, code
    or exact name); an unknown unit raises NotFoundError. ``as_of``: the check date for TK003 and
    SI004 (default today). Each finding's owner is ``owner_of(store, node)``, computed once per node.
    """
    config = config or RuleConfig()
    as_of = as_of or _dt.date.today()
    selected = [rid for rid in _select(rules) if rid not in config.disabled]
    unit = resolve_unit(store, owner) if owner is not None else None
    ctx = CheckContext(store, as_of)
    findings: list[Finding] = []
    for rid in selected:
        rule = RULES[rid]
        severity = config.severity_of(rule)
        for node_id, args in rule.fn(ctx):
            node = ctx.node(node_id)
            kind_zh, kind_en = ctx.kind_labels(node.kind)
            fmt = {"id": node.id, "code": node.code, "name": node.name, "kind_zh": kind_zh,
                   "kind_en": kind_en.lower(), **args}
            own = ctx.owner(node)
            findings.append(Finding(
                rule=rid, severity=severity, node=node.id, name=node.name,
                message=rule.message_zh.format(**fmt), message_en=rule.message_en.format(**fmt),
                owner={"unit": ref(own.unit), "person": ref(own.person)},
                inherited_from=own.inherited_from,
            ))
    if unit is not None:
        findings = [f for f in findings if f.unit_id == unit.id]
    findings.sort(key=Finding.sort_key)
    return CheckReport(findings, as_of, tuple(selected), ref(unit))


__all__ = [
    "RULES", "Rule", "RuleConfig", "Finding", "CheckReport", "CheckContext", "NO_UNIT_LABEL", "SEVERITIES",
    "SEVERITY_LABELS_ZH", "load_rule_config", "run_checks", "resolve_unit", "indicator_direction",
    "parse_date", "parse_number",
]
