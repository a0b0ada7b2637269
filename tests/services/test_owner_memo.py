"""The check's memoised owners (``ownership.OwnerMemo``, used by ``CheckContext.owner``) give the
answers of the plain breadth-first walk (``ownership._owner_in``), node by node and in the full
check's JSON, on the demo college, on a grown demo and on small graphs with cycles, several parents
and a hop limit."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from graph.checks import run_checks
from graph.checks.context import CheckContext
from graph.model import Edge, Node
from graph.services import ownership
from graph.services.ownership import OwnerMemo, _owner_in
from graph.stores.embedded import EmbeddedStore
from graph.subgraph import Subgraph
from seed.demo import load_demo

AS_OF = dt.date(2025, 10, 1)


def _slow_owner(self: CheckContext, node: Node) -> ownership.OwnerAnswer:
    """The context's owner as it was before the memo: one walk per node, nothing shared."""
    return _owner_in(self.graph, node, 50)


@pytest.fixture(scope="module", params=[0, 300], ids=["demo", "demo+300 students"])
def demo_store(request):
    store = EmbeddedStore(None)
    load_demo(store, students=request.param, teachers=15 if request.param else None)
    yield store
    store.close()


def test_every_node_owner_is_the_walks(demo_store):
    graph = Subgraph.read(demo_store)
    memo = OwnerMemo(graph)
    nodes = sorted(graph.nodes.values(), key=lambda n: n.id)
    # Memo in two orders (children first, then parents first) so that the shared answers are built
    # both from the top down and from the bottom up.
    for order in (nodes, nodes[::-1]):
        memo = OwnerMemo(graph)
        for n in order:
            assert memo.owner(n).to_dict() == _owner_in(graph, n, 50).to_dict(), n.id
    inherited = [n for n in nodes if memo.owner(n).inherited_from]
    assert len(inherited) > 50  # the demo has many inherited owners: the memo is exercised


def test_full_check_json_unchanged(demo_store, monkeypatch):
    fast = json.dumps(run_checks(demo_store, as_of=AS_OF).to_dict(), ensure_ascii=False, sort_keys=True)
    monkeypatch.setattr(CheckContext, "owner", _slow_owner)
    slow = json.dumps(run_checks(demo_store, as_of=AS_OF).to_dict(), ensure_ascii=False, sort_keys=True)
    assert fast == slow
    assert '"inherited_from": "' in fast or '"owner_unit"' in fast


def test_answers_are_fresh_objects(demo_store):
    graph = Subgraph.read(demo_store)
    memo = OwnerMemo(graph)
    task = next(n for n in graph.nodes.values() if n.kind == "Task" and memo.owner(n).inherited_from)
    first = memo.owner(task)
    first.chain.append({"from": "x", "edge": "y", "to": "z"})
    first.node = "changed"
    again = memo.owner(task)
    assert again.node == task.id and again.chain == _owner_in(graph, task, 50).chain


def _graph(edges: list[tuple[str, str, str]], owned: dict[str, str]) -> tuple[Subgraph, list[Node]]:
    """Tasks ``edges`` ``(parent code, type, child code)``; ``owned``: task code → code of the
    unit it is led by."""
    codes = sorted({x for s, _, t in edges for x in (s, t)} | set(owned))
    nodes = [Node("Task", c, {"name": c}) for c in codes]
    nodes += [Node("OrgUnit", u, {"name": u}) for u in sorted(set(owned.values()))]
    es = [Edge("Task:" + s, t, "Task:" + c) for s, t, c in edges]
    es += [Edge("Task:" + n, "led_by", "OrgUnit:" + u) for n, u in owned.items()]
    return Subgraph(nodes, es), [n for n in nodes if n.kind == "Task"]


@pytest.mark.parametrize("max_hops", [1, 2, 3, 50])
@pytest.mark.parametrize("case", [
    # a single-parent chain a → b → c → d, owner at the top
    ([("a", "decomposes_to", "b"), ("b", "decomposes_to", "c"), ("c", "decomposes_to", "d")], {"a": "1"}),
    # a cycle b → c → b below an owned a, and a cycle with no owner at all
    ([("a", "decomposes_to", "b"), ("b", "decomposes_to", "c"), ("c", "decomposes_to", "b"),
      ("x", "decomposes_to", "y"), ("y", "decomposes_to", "x"), ("y", "decomposes_to", "z")], {"a": "1"}),
    # several parents at different depths, owners on both sides; a self-loop
    ([("a", "decomposes_to", "b"), ("b", "decomposes_to", "c"), ("p", "implemented_by", "c"),
      ("q", "decomposes_to", "p"), ("c", "decomposes_to", "d"), ("d", "decomposes_to", "d")],
     {"a": "1", "q": "2"}),
    # a child under a parent that has several parents
    ([("a", "decomposes_to", "m"), ("b", "decomposes_to", "m"), ("m", "decomposes_to", "k"),
      ("k", "decomposes_to", "l")], {"b": "2"}),
], ids=["chain", "cycles", "several parents", "below a join"])
def test_small_graphs(case, max_hops):
    graph, tasks = _graph(*case)
    for order in (tasks, tasks[::-1]):
        memo = OwnerMemo(graph, max_hops)
        for n in order:
            assert memo.owner(n).to_dict() == _owner_in(graph, n, max_hops).to_dict(), (n.id, max_hops)


def test_owners_of_many_nodes_uses_the_same_answers(demo_store):
    graph = Subgraph.read(demo_store)
    nodes = [n for n in graph.nodes.values() if n.kind in ("Task", "Indicator")][:400]
    got = ownership.owners_of(graph, nodes)
    assert {k: v.to_dict() for k, v in got.items()} == {n.id: _owner_in(graph, n, 50).to_dict() for n in nodes}


def test_context_answers_reads_like_the_subgraph(demo_store):
    """The context's own index (no Subgraph kept) answers neighbors, out_ids / in_ids and edges
    as the Subgraph of the same store does."""
    ctx = CheckContext(demo_store, AS_OF)
    graph = Subgraph.read(demo_store)
    types = sorted({e.type for e in graph.edges()})

    def flat(pairs):
        return [(e.source, e.type, e.target, e.props, n.id) for e, n in pairs]

    for nid in sorted(graph.nodes)[::7]:
        for direction in ("out", "in", "both"):
            assert flat(ctx.neighbors(nid, None, direction)) == flat(graph.neighbors(nid, None, direction))
            for t in types:
                assert flat(ctx.neighbors(nid, (t,), direction)) == flat(graph.neighbors(nid, (t,), direction))
            for several in (("led_by", "assigned_to", "led_by"), {"decomposes_to", "implemented_by"}):
                assert flat(ctx.neighbors(nid, several, direction)) == flat(graph.neighbors(nid, several, direction))
        for t in types:
            assert ctx.out_ids(nid, t) == [n.id for _, n in graph.neighbors(nid, (t,), "out")]
            assert ctx.in_ids(nid, t) == [n.id for _, n in graph.neighbors(nid, (t,), "in")]
    for t in types:
        assert sorted(ctx.edges(t)) == sorted((e.source, e.target) for e in graph.edges() if e.type == t)
    assert sorted(ctx.graph.nodes) == sorted(graph.nodes)
    assert sorted((e.key, e.props) for e in ctx.graph.edges()) == sorted((e.key, e.props) for e in graph.edges())
