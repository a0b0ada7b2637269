"""The diagnosis' reads from the snapshot's id lists give what the Edge-object reads gave: roll-up
links (``DiagnosisContext.rollup_links``) against ``rollup_children``, owners
(``ownership.IndexOwnerMemo``, ``DiagnosisContext.owner``) against ``OwnerMemo`` on the context's
``neighbors`` and the plain walk, and the whole diagnosis JSON against a run on the plain paths, on
random graphs (cycles, several parents, weights, owners of every kind, ids without a node)."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import random

import pytest

from graph.checks.context import CheckContext
from graph.errors import ValidationError
from graph.model import Edge, Node, validate_edge
from graph.services.diagnosis import diagnose
from graph.services.diagnosis.context import DiagnosisContext, edge_weight
from graph.services.ownership import IndexOwnerMemo, OwnerMemo, _owner_in, owners_of
from graph.stores.embedded import EmbeddedStore
from graph.subgraph import Subgraph

AS_OF = dt.date(2025, 10, 1)
KINDS = ("Plan", "Target", "Task", "RectificationTask", "Indicator", "Measurement", "Standard",
         "OrgUnit", "Person", "Post")
#: (edge type, source kinds, target kinds) of the random graphs.
EDGES = (
    ("decomposes_to", ("Plan", "Target", "Task"), ("Plan", "Target", "Task")),
    ("implemented_by", ("Target", "Task", "Plan"), ("Task", "Target")),
    ("includes", ("Plan", "Task", "Target"), ("Plan", "Task", "Target")),
    ("measures", ("Indicator", "Task"), ("Target", "Plan", "Task")),
    ("based_on", ("Target", "Task"), ("Plan",)),
    ("measurement_of", ("Measurement",), ("Indicator",)),
    ("governed_by", ("Target",), ("Standard",)),
    ("rectifies", ("RectificationTask",), ("Target", "Task", "Indicator")),
    ("led_by", ("Plan", "Target", "Task", "RectificationTask", "Indicator", "Person", "Post"), ("OrgUnit",)),
    ("assigned_to", ("Plan", "Target", "Task", "RectificationTask", "Indicator", "Measurement"),
     ("Person", "Post", "OrgUnit")),
    ("holds", ("Person",), ("Post",)),
    ("part_of", ("Person", "Post", "OrgUnit"), ("OrgUnit",)),
)
WEIGHTS = (None, 2, 0, -1, "50%", "x", 0.25)


def random_store(seed: int, size: int = 60) -> EmbeddedStore:
    rng = random.Random(seed)
    nodes = []
    for i in range(size):
        kind = rng.choice(KINDS)
        props: dict = {"name": f"{kind} {i}"}
        if kind in ("Plan", "Target", "Task", "RectificationTask"):
            props["deadline"] = rng.choice([None, "2025-06-30", "2025-12-31"])
            props["status"] = rng.choice([None, "completed", "normal", "incomplete", "warning", "not_started"])
            if rng.random() < 0.3:
                props["progress"] = rng.choice([0.2, 0.5, 0.9])
        if kind == "Target":
            props["layer"] = rng.choice([None, "school", "department"])
        if kind == "Indicator":
            props.update(target_value=0.8, direction="ge", frequency="yearly")
        if kind == "Measurement":
            props.update(date=rng.choice(["2024-12-31", "2025-06-30"]), value=rng.choice([0.5, 0.9]))
        nodes.append(Node(kind, f"N{i:03d}", props))
    by_kind: dict[str, list[Node]] = {}
    for n in nodes:
        by_kind.setdefault(n.kind, []).append(n)
    edges = {}
    for _ in range(size * 3):
        t, sources, targets = rng.choice(EDGES)
        src = [n for k in sources for n in by_kind.get(k, ())]
        dst = [n for k in targets for n in by_kind.get(k, ())]
        if not src or not dst:
            continue
        s, d = rng.choice(src), rng.choice(dst)
        try:
            validate_edge(Edge(s.id, t, d.id), s.kind, d.kind)
        except ValidationError:  # a pair the ontology refuses
            continue
        w = rng.choice(WEIGHTS)
        props = {"weight": w} if w is not None and rng.random() < 0.5 else {}
        edges[(s.id, t, d.id)] = Edge(s.id, t, d.id, props)
    store = EmbeddedStore(None)
    store.upsert_nodes(nodes)
    store.upsert_edges(edges.values())
    return store


def _with_ghosts(ctx: CheckContext, seed: int) -> None:
    """Put ids that name no node into some of the context's id lists (kept sorted): the plain
    reads leave them out, so must the id-list reads."""
    rng = random.Random(seed)
    ids = sorted(ctx.nodes)
    for index in (ctx._out, ctx._in):
        for t in ("decomposes_to", "measures", "based_on", "led_by", "assigned_to", "holds", "part_of",
                  "measurement_of", "implemented_by"):
            for nid in rng.sample(ids, 5):
                lst = index.setdefault(t, {}).setdefault(nid, [])
                bisect.insort(lst, rng.choice(["Task:ghost", "OrgUnit:ghost", "A:0", "zz:ghost"]))


@pytest.mark.parametrize("seed", range(12))
def test_rollup_links_are_the_rollup_children(seed):
    store = random_store(seed)
    ctx = DiagnosisContext(store, AS_OF)
    if seed % 2:
        _with_ghosts(ctx, seed)
    for nid in sorted(ctx.nodes) + ["Task:missing"]:
        want = [(e.type, cid, edge_weight(e)) for e, cid in ctx.rollup_children(nid)]
        assert ctx.rollup_links(nid) == want, nid


@pytest.mark.parametrize("max_hops", [1, 2, 50])
@pytest.mark.parametrize("seed", range(12))
def test_index_owner_memo_answers_as_the_neighbors_memo(seed, max_hops):
    store = random_store(100 + seed)
    ctx = CheckContext(store, AS_OF)
    ctx.nodes
    if seed % 2:
        _with_ghosts(ctx, seed)
    graph = None if seed % 2 else ctx.graph  # the plain walk needs a real graph (no ghost ids)
    nodes = sorted(ctx.nodes.values(), key=lambda n: n.id)
    found = 0
    for order in (nodes, nodes[::-1]):
        fast = IndexOwnerMemo(ctx.nodes, ctx._out, ctx._in, max_hops)
        plain = OwnerMemo(ctx, max_hops)
        for n in order:
            got = fast.owner(n).to_dict()
            assert got == plain.owner(n).to_dict(), (n.id, max_hops)
            shared = fast.shared(n)  # the memo's own answer: the same, uncopied
            assert shared.to_dict() == got and shared is fast.shared(n), n.id
            if graph is not None:
                assert got == _owner_in(graph, n, max_hops).to_dict(), (n.id, max_hops)
            found += bool(got["owner"]["unit"] or got["owner"]["person"])
    assert found  # owners are found: the comparison is not only of empty answers


@pytest.mark.parametrize("max_hops", [2, 50])
@pytest.mark.parametrize("seed", range(12))
def test_owners_read_from_the_store_are_the_plain_walk(seed, max_hops):
    """``owners_of`` on the store (a trace's read: what each node states, the completion of the posts
    and people named, then the ancestors of the heirs) gives ``owner_of``'s plain walk on the whole
    graph, for many nodes at once and for each alone."""
    store = random_store(300 + seed, size=90)
    whole = Subgraph.read(store)
    nodes = sorted(whole.nodes.values(), key=lambda n: n.id)
    want = {n.id: _owner_in(whole, n, max_hops).to_dict() for n in nodes}
    assert {i: a.to_dict() for i, a in owners_of(store, nodes, max_hops).items()} == want
    rng = random.Random(seed)
    part = rng.sample(nodes, 20)
    assert {i: a.to_dict() for i, a in owners_of(store, part, max_hops).items()} == {n.id: want[n.id] for n in part}
    for n in part[:5]:
        assert owners_of(store, [n], max_hops)[n.id].to_dict() == want[n.id]
    assert any(a["owner"]["unit"] for a in want.values())


def _plain_owner(self: CheckContext, node: Node):
    """The owner as CheckContext answers it (OwnerMemo on ``neighbors``)."""
    own = self._owners.get(node.id)
    if own is None:
        if self._owner_memo is None:
            self._owner_memo = OwnerMemo(self)
        own = self._owners[node.id] = self._owner_memo.owner(node)
    return own


def _plain_links(self: DiagnosisContext, node_id: str):
    return [(e.type, cid, edge_weight(e)) for e, cid in self.rollup_children(node_id)]


@pytest.mark.parametrize("seed", range(8))
def test_diagnosis_json_is_the_plain_paths(seed, monkeypatch):
    store = random_store(200 + seed, size=80)
    for unit in (None, *sorted(n.id for n in store.iter_nodes("OrgUnit"))[:1]):
        fast = json.dumps(diagnose(store, as_of=AS_OF, unit=unit).to_dict(), ensure_ascii=False, sort_keys=True)
        with monkeypatch.context() as m:
            m.setattr(DiagnosisContext, "owner", _plain_owner)
            m.setattr(DiagnosisContext, "rollup_links", _plain_links)
            plain = json.dumps(diagnose(store, as_of=AS_OF, unit=unit).to_dict(), ensure_ascii=False, sort_keys=True)
        assert fast == plain, (seed, unit)


def _plain_year_counts(rows):
    """The month counts row by row (what assessment._year_counts gave before counting per list)."""
    from graph.services.diagnosis.assessment import _month_counts

    return [_month_counts(rows, i) for i in range(12)]


@pytest.mark.parametrize("seed", range(6))
def test_year_and_as_of_counts_are_the_row_by_row_counts(seed):
    from graph.services.diagnosis import assessment
    from graph.services.diagnosis.tasks import STATUSES

    rng = random.Random(seed)
    choices = [None, *STATUSES]
    shared = [[rng.choice(choices) for _ in range(12)] for _ in range(4)]
    rows = []
    for i in range(rng.randint(0, 300)):
        months = rng.choice(shared) if rng.random() < 0.7 else [rng.choice(choices) for _ in range(12)]
        rows.append({"id": f"Task:T{i}", "months": months, "status_as_of": rng.choice(choices),
                     "unit": rng.choice([{"id": "", "name": "none"}, {"id": "OrgUnit:A", "name": "A"}])})
    assert assessment._year_counts(rows) == _plain_year_counts(rows)

    class Ctx:
        @staticmethod
        def unit_key(uid):
            return uid

    got = assessment.during(Ctx, rows, 2025)
    assert got["school"] == _plain_year_counts(rows)
    assert got["as_of"] == assessment._month_counts([{"months": [r["status_as_of"]]} for r in rows], 0)
    for entry in got["by_unit"]:
        mine = [r for r in rows if r["unit"]["id"] == entry["unit"]["id"]]
        assert entry["months"] == _plain_year_counts(mine)
        assert entry["as_of"] == assessment._month_counts([{"months": [r["status_as_of"]]} for r in mine], 0)


def test_normalise_status_memo_answers_as_the_ontology():
    from graph.services.diagnosis.tasks import normalise_status
    from ontology import get_ontology

    onto = get_ontology()
    values = ["completed", " 已完成 ", "已完成", "Completed", "warning", "预警", "x", "", "  ", 1, 1.0, True, None,
              ["completed"], "not_started", "未开始"]
    for _ in range(2):  # the second round is answered from the memo
        for v in values:
            blank = v is None or (isinstance(v, str) and not v.strip())
            c = None if blank else onto.concept("TaskStatuses", v)
            assert normalise_status(v) == (c.notation if c is not None else None), v
