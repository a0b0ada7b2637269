"""The whole-graph rules that read the context's lists directly (TC005's acyclic test, TC006,
TC008's search down from the school targets, the per-kind scans) give what the plain per-node
readings (``in_ids`` / ``out_ids``, ``task_reach``, ``find_cycles`` over every pair) give, on random
chains with cycles, self-loops, other kinds and edges ending at kinds the rules ignore."""

from __future__ import annotations

import datetime as _dt
import json
import random

import pytest

from graph.checks.context import CheckContext
from graph.checks.rules import target_chain as tc
from graph.checks.rules import tasks as tk
from graph.model import Node
from graph.services.chains import CHAIN_EDGES, CHAIN_KINDS, DOWN_EDGES, find_cycles
from graph.store import GraphRead, adjacency

KINDS = ("Plan", "Target", "Task", "Standard", "InstitutionItem", "OrgUnit", "Person", "Post", "Indicator")
LAYERS = ("school", "department", "major", "course", None, "nonsense")
TYPES = DOWN_EDGES + ("led_by", "assigned_to", "based_on", "governed_by", "led_by", "assigned_to")


class _Snapshot:
    """A store that only answers ``read_graph`` (all CheckContext reads)."""

    def __init__(self, g: GraphRead):
        self.g = g

    def read_graph(self) -> GraphRead:
        return self.g


def _random_context(seed: int) -> CheckContext:
    rng = random.Random(seed)
    n = rng.randrange(5, 80)
    nodes = {}
    for i in range(n):
        kind = rng.choice(KINDS)
        props = {"name": f"n{i}"}
        if rng.random() < 0.8:
            layer = rng.choice(LAYERS)
            if layer is not None:
                props["layer"] = layer
        if rng.random() < 0.7:
            props["deadline"] = rng.choice(["2026-01-01", "2026-06-30", "2027-03-01", "soon", 20260101])
        node = Node(kind, f"C{i:03d}", props)
        nodes[node.id] = node
    ids = sorted(nodes)
    acyclic = rng.random() < 0.5
    edges = set()
    for _ in range(rng.randrange(0, 3 * n)):
        a, b = rng.randrange(n), rng.randrange(n)
        if acyclic and a >= b:
            continue
        edges.add((ids[a], rng.choice(TYPES), ids[b]))
    if not acyclic and rng.random() < 0.3:
        a = rng.choice(ids)
        edges.add((a, "decomposes_to", a))
    out, inc, props = adjacency((s, t, d, {}) for s, t, d in sorted(edges))
    return CheckContext(_Snapshot(GraphRead(nodes, out, inc, props)), _dt.date(2026, 12, 3))


def _plain_tc005(ctx):
    pairs = [(s, t) for edge_type in DOWN_EDGES for s, t in ctx.edges(edge_type)]
    return [(cycle[0], {"cycle": " → ".join(cycle), "size": size}) for cycle, size in find_cycles(pairs)]


def _plain_tc006(ctx):
    out = []
    for kind in ("Target", "Task"):
        for n in ctx.of_kind(kind):
            due = ctx.date(n.props.get("deadline"))
            if due is None:
                continue
            late = []
            for edge_type in CHAIN_EDGES:
                for pid in ctx.in_ids(n.id, edge_type, CHAIN_KINDS):
                    pdue = ctx.date(ctx.node(pid).props.get("deadline"))
                    if pdue is not None and due > pdue:
                        late.append((pid, pdue))
            if late:
                out.append((n.id, sorted(late)))
    return out


def _plain_tc008(ctx):
    reach = tc.task_reach(ctx)
    return [(t.id, {}) for t in ctx.of_kind("Target") if tc.tc008_broken(ctx, t, reach)]


@pytest.mark.parametrize("seed", range(300))
def test_fast_chain_rules_match_the_plain_readings(seed):
    ctx = _random_context(seed)
    pairs = [(s, t) for edge_type in DOWN_EDGES for s, t in ctx.edges(edge_type)]
    assert tc.acyclic(ctx) == (find_cycles(pairs) == [])
    assert list(tc._tc005(ctx)) == _plain_tc005(ctx)
    got6 = [(nid, args["deadline"]) for nid, args in tc._tc006(ctx)]
    plain6 = _plain_tc006(ctx)
    assert [nid for nid, _ in got6] == [nid for nid, _ in plain6]
    assert list(tc._tc008(ctx)) == _plain_tc008(ctx)
    for t in ctx.nodes.values():
        if t.kind in ("Plan", "Target"):
            assert tc.reaches_task(ctx, t.id, set()) == (t.id in tc.task_reach(ctx))


@pytest.mark.parametrize("ratio", [0, 10**9])  # node by node; each parent map walked whole
@pytest.mark.parametrize("seed", range(300))
def test_fast_tc006_names_the_same_parents(seed, ratio, monkeypatch):
    monkeypatch.setattr(tc, "WHOLE_MAP_RATIO", ratio)
    ctx = _random_context(seed)
    assert [nid for nid, _ in tc._tc006(ctx)] == [nid for nid, _ in _plain_tc006(ctx)]
    plain = dict(_plain_tc006(ctx))
    for nid, args in tc._tc006(ctx):
        late = plain.pop(nid)
        assert args["parents_en"] == ", ".join(
            f"{ctx.kind_labels(ctx.node(p).kind)[1].lower()} {ctx.code(p)} ({d.isoformat()})" for p, d in late)
    assert plain == {}


def test_acyclic_sees_a_cycle_across_edge_types_and_a_self_loop():
    nodes = {n.id: n for n in (Node("Target", "A", {}), Node("Task", "B", {}), Node("Plan", "P", {}))}
    for edges, want in (
        ([("Target:A", "implemented_by", "Task:B"), ("Task:B", "includes", "Target:A")], False),
        ([("Plan:P", "decomposes_to", "Plan:P")], False),
        ([("Plan:P", "decomposes_to", "Target:A"), ("Target:A", "implemented_by", "Task:B")], True),
        ([("Target:A", "implemented_by", "Task:B"), ("Task:B", "led_by", "Target:A")], True),
    ):
        out, inc, props = adjacency((s, t, d, {}) for s, t, d in edges)
        ctx = CheckContext(_Snapshot(GraphRead(nodes, out, inc, props)), _dt.date(2026, 12, 3))
        assert tc.acyclic(ctx) is want


def _plain_scans(ctx):
    """The per-node readings the scanning rules made before they read the lists directly."""
    top = ctx.top_layer
    tc001 = [t.id for t in ctx.of_kind("Target") if ctx.layer(t) != top
             and not ctx.in_ids(t.id, "decomposes_to", ("Target", "Plan"))
             and not ctx.out_ids(t.id, "based_on", ("Plan",))]
    tc002 = [t.id for t in ctx.of_kind("Target")
             if not ctx.out_ids(t.id, "decomposes_to", ("Target", "Task")) and not ctx.out_ids(t.id, "implemented_by")]
    tc003 = [t.id for t in ctx.of_kind("Target") if not ctx.out_ids(t.id, "governed_by", ("Standard",))]
    tc004 = []
    for t in ctx.of_kind("Target"):
        own = ctx.layer(t)
        if own is not None:
            bad = [ctx.code(p) for p in ctx.in_ids(t.id, "decomposes_to", ("Target",))
                   if ctx.layer(ctx.node(p)) is not None and ctx.layer(ctx.node(p)).rank > own.rank]
            if bad:
                tc004.append((t.id, bad))
    tc007 = [t.id for t in ctx.of_kind("Target") if not ctx.out_ids(t.id, "led_by")
             and not ctx.out_ids(t.id, "assigned_to", ("Person", "Post"))]
    tk001 = [t.id for t in ctx.of_kind("Task")
             if not ctx.in_ids(t.id, "implemented_by") and not ctx.in_ids(t.id, "decomposes_to", ("Target", "Task"))]
    tk002 = [t.id for t in ctx.of_kind("Task") if not ctx.out_ids(t.id, "led_by") and not ctx.out_ids(t.id, "assigned_to")]
    rs002 = [(n.id, len(ctx.out_ids(n.id, "led_by"))) for kind in ("Indicator", "Target") for n in ctx.of_kind(kind)
             if len(ctx.out_ids(n.id, "led_by")) > 1]
    return tc001, tc002, tc003, tc004, tc007, tk001, tk002, rs002


@pytest.mark.parametrize("seed", range(200))
def test_scanning_rules_match_the_per_node_readings(seed):
    from graph.checks.rules import responsibilities as rs

    ctx = _random_context(seed)
    tc001, tc002, tc003, tc004, tc007, tk001, tk002, rs002 = _plain_scans(ctx)
    assert [nid for nid, _ in tc._tc001(ctx)] == tc001
    assert [nid for nid, _ in tc._tc002(ctx)] == tc002
    assert [nid for nid, _ in tc._tc003(ctx)] == tc003
    assert [(nid, args["parents_en"]) for nid, args in tc._tc004(ctx)] == [
        (nid, ", ".join(f"{c} ({ctx.layer(ctx.node(f'Target:{c}')).labels.en})" for c in bad)) for nid, bad in tc004]
    assert [nid for nid, _ in tc._tc007(ctx)] == tc007
    assert [nid for nid, _ in tk._tk001(ctx)] == tk001
    assert [nid for nid, _ in tk._tk002(ctx)] == tk002
    assert [(nid, args["n"]) for nid, args in rs._rs002(ctx)] == rs002
    for kind in KINDS:
        for edge_type in TYPES:
            for direction in ("out", "in"):
                ids = ctx.out_ids if direction == "out" else ctx.in_ids
                for kinds in (None, ("Target",), ("Task", "Plan")):
                    assert list(ctx.lacking(kind, edge_type, direction, kinds)) == [
                        n.id for n in ctx.of_kind(kind) if not ids(n.id, edge_type, kinds)]
        for n in ctx.of_kind(kind):
            assert ctx.lacks_owner(n.id) == (not ctx.out_ids(n.id, "led_by")
                                             and not ctx.out_ids(n.id, "assigned_to", ("Person", "Post")))


def _plain_adjacency(rows):
    """The definition of ``graph.store.adjacency``: per type, per node, the ids at the other end,
    sorted; types and nodes in the order they first appear; the non-empty props decoded."""
    out, inc, props = {}, {}, {}
    for s, t, d, p in rows:
        out.setdefault(t, {}).setdefault(s, []).append(d)
        inc.setdefault(t, {}).setdefault(d, []).append(s)
        value = json.loads(p) if p is not None else {}
        if value:
            props[(s, t, d)] = value
    for index in (out, inc):
        for per_type in index.values():
            for ids in per_type.values():
                ids.sort()
    return out, inc, props


@pytest.mark.parametrize("seed", range(100))
def test_adjacency_is_its_plain_definition(seed):
    """``graph.store.adjacency`` — what the embedded store builds from its edge rows (props "{}" as
    None) and the default ``read_graph`` from Edge props — is the plain definition, key order
    included (TC005 lists the pairs in that order)."""
    rng = random.Random(seed)
    ids = [f"Target:C{i:02d}" for i in range(rng.randrange(1, 30))]
    keys = {(rng.choice(ids), rng.choice(TYPES), rng.choice(ids)) for _ in range(rng.randrange(0, 120))}
    rows = [(s, t, d, rng.choice(["{}", "{}", '{"weight": 2}', "{}", None])) for s, t, d in keys]
    rng.shuffle(rows)
    plain = _plain_adjacency(rows)
    for fast in (adjacency(rows, decode=json.loads),
                 adjacency([(s, t, d, None if p == "{}" else p) for s, t, d, p in rows], json.loads),
                 adjacency([(s, t, d, json.loads(p) if p else {}) for s, t, d, p in rows])):
        assert fast == plain
        for a, b in zip(fast[:2], plain[:2]):
            assert list(a) == list(b) and all(list(a[t]) == list(b[t]) for t in a)
