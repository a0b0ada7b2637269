"""The incremental re-check (graph.checks.incremental, ``ResultCache.get_updatable``): after any
sequence of edits — node writes of every kind, deleted and added edges of every type, deleted and
new nodes, cycles written as a load would, a unit renamed — the report brought up to date equals a
fresh full ``run_checks``; each rule's declared locality is what the oracle needs (a wrong
declaration is caught); anything the change log cannot name is computed afresh."""

from __future__ import annotations

import datetime as dt
import inspect
import random

import pytest

from graph.app import Iqa
from graph.checks import RULES, run_checks
from graph.checks import incremental
from graph.checks.incremental import LOCALITY, LiveCheck, Local
from graph.errors import IqaError
from graph.model import Edge, Node
from graph.services.edit import ChangeSet, ConcurrentStore
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from seed.demo import load_demo

AS_OF = dt.date(2025, 12, 31)

_PATCHES = {
    "Task": [("status", ["completed", "normal", "warning", None]), ("deadline", ["2025-03-01", "2026-06-30", None])],
    "Target": [("layer", ["school", "department", "major", None]), ("deadline", ["2025-01-31", "2027-12-31"]),
               ("name", ["改过的目标"])],
    "Plan": [("deadline", ["2025-01-31", "2030-12-31"]), ("name", ["改过的规划"])],
    "Indicator": [("warning", [0.5, 0.95, None]), ("direction", ["ge", "le"]), ("name", ["改过的指标"])],
    "Measurement": [("value", [0.1, 0.99]), ("date", ["2025-11-30", "2026-03-01"])],
    "Duty": [("work_standard", ["标准", None])],
    "OrgUnit": [("name", ["改名部门"])],
    "Person": [("name", ["改名人"])],
    "Standard": [("name", ["改过的标准"])],
}


def _demo() -> EmbeddedStore:
    store = EmbeddedStore(None)
    load_demo(store, as_of=AS_OF)
    return store


@pytest.fixture(scope="module")
def demo_items():
    """The demo college's nodes and edges, read once (a store per test is loaded from them)."""
    store = _demo()
    try:
        yield list(store.iter_nodes()), list(store.iter_edges())
    finally:
        store.close()


def _store(items) -> EmbeddedStore:
    nodes, edges = items
    store = EmbeddedStore(None)
    store.upsert_nodes(nodes)
    store.upsert_edges(edges)
    return store


def _edit(cs: ConcurrentStore, iqa: Iqa | None, rng: random.Random, removed: list[Edge]) -> str:
    """One random write through ``cs`` (through the editor when ``iqa`` is given, as the API does;
    a few as a load does: several writes in one transaction, cycles allowed). Returns its name."""
    ed = iqa.editor if iqa is not None else None
    with cs.reading() as s:
        nodes = [n.id for n in s.iter_nodes()]
    choice = rng.randrange(10)
    try:
        if choice in (0, 1):  # a property of a node
            node_id = rng.choice([n for n in nodes if n.split(":")[0] in _PATCHES])
            key, values = rng.choice(_PATCHES[node_id.split(":")[0]])
            value = rng.choice(values)
            if ed is not None:
                ed.patch_node(node_id, {key: value}, who="t")
            else:
                node = cs.get_node(node_id)
                props = {**node.props, key: value} if value is not None else {
                    k: v for k, v in node.props.items() if k != key}
                if key == "name" and value is None:
                    return "skip"
                cs.upsert_nodes([Node(node.kind, node.code, props)])
            return f"patch {node_id} {key}={value!r}"
        if choice in (2, 3):  # delete an edge (of any type)
            with cs.reading() as s:
                edges = list(s.iter_edges())
            e = rng.choice(edges)
            removed.append(e)
            if ed is not None:
                ed.delete_edge(e.source, e.type, e.target, who="t")
            else:
                cs.delete_edge(e.source, e.type, e.target)
            return f"delete {e.key}"
        if choice == 4 and removed:  # put a removed edge back, maybe between other nodes of the same kinds
            e = removed.pop(rng.randrange(len(removed)))
            if rng.random() < 0.5:
                same = [n for n in nodes if n.split(":")[0] == e.target.split(":")[0]]
                e = Edge(e.source, e.type, rng.choice(same))
            if cs.get_node(e.source) is None or cs.get_node(e.target) is None:
                return "skip"
            if ed is not None and rng.random() < 0.5:
                ed.put_edge(e.source, e.type, e.target, who="t")
            else:
                cs.upsert_edges([e])
            return f"add {e.key}"
        if choice == 5:  # a chain edge reversed, as a load may write it (a cycle)
            with cs.reading() as s:
                chain = list(s.iter_edges("decomposes_to")) + list(s.iter_edges("includes"))
            e = rng.choice(chain)
            if e.source.split(":")[0] != e.target.split(":")[0]:
                return "skip"
            cs.upsert_edges([Edge(e.target, e.type, e.source)])
            return f"cycle {e.key}"
        if choice == 6:  # delete a node (and its edges)
            node_id = rng.choice(nodes)
            if ed is not None:
                ed.delete_node(node_id, who="t")
            else:
                cs.delete_node(node_id)
            return f"delete node {node_id}"
        if choice == 7:  # a load of one row: a new node and an edge or two, in one transaction
            n = rng.randrange(10_000)
            kind = rng.choice(["Task", "Target", "DiagnosisPoint", "Plan", "Duty"])
            props = {"name": f"新{n}"}
            if kind == "Target":
                props["layer"] = "school"
            node = Node(kind, f"NEW{n}", props)
            parent = rng.choice([x for x in nodes if x.split(":")[0] in ("Target", "Plan")])
            owner = rng.choice([x for x in nodes if x.startswith("OrgUnit:")])
            edges = []
            if kind in ("Task", "Target"):
                edges.append(Edge(parent, "decomposes_to" if kind == "Target" or rng.random() < 0.5
                                  else "implemented_by", node.id))
            if kind != "Duty" and rng.random() < 0.6:
                edges.append(Edge(node.id, "led_by", owner))
            with cs.transaction():
                cs.upsert_nodes([node])
                cs.upsert_edges(edges)
            return f"load {node.id} {edges}"
        if choice == 8:  # a person moves: an owner edge of a holder changes
            with cs.reading() as s:
                holds = list(s.iter_edges("holds"))
                parts = list(s.iter_edges("part_of"))
            e = rng.choice(holds + parts)
            cs.delete_edge(e.source, e.type, e.target)
            removed.append(e)
            return f"move {e.key}"
        if choice == 9:  # a regulation, process or standard attached to one more institution item
            item = rng.choice([n for n in nodes if n.startswith("InstitutionItem:")])
            code = rng.choice([n for n in nodes if n.split(":")[0] in ("Regulation", "Process", "Standard")])
            if ed is not None:
                ed.put_edge(item, "includes", code, who="t")
            else:
                cs.upsert_edges([Edge(item, "includes", code)])
            return f"attach {code} to {item}"
    except (IqaError, ValueError):
        return "refused"
    return "skip"


def _same(live_report, fresh_report) -> None:
    assert live_report.to_dict() == fresh_report.to_dict()


def test_every_rule_declares_its_locality():
    assert set(LOCALITY) == set(RULES)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_edits_through_the_core_the_updated_report_equals_a_full_check(demo_items, tmp_path, seed):
    store = _store(demo_items)
    try:
        iqa = Iqa(Settings(store=":memory:", audit_log=str(tmp_path / "audit.jsonl")), store=store)
        rng = random.Random(seed)
        removed: list[Edge] = []
        assert iqa.check(as_of=AS_OF).findings
        seen: set[str] = set()
        for step in range(40):
            what = _edit(iqa.store, iqa, rng, removed)
            report = iqa.check(as_of=AS_OF)
            with iqa.reading() as s:
                fresh = run_checks(s, as_of=AS_OF, config=iqa.rules)
            assert report.to_dict() == fresh.to_dict(), (seed, step, what)
            seen.update(f.rule for f in fresh.findings)
        assert iqa.results.misses == 1 and iqa.results.updates >= 30  # brought up to date, not recomputed
    finally:
        store.close()


def test_every_rule_is_exercised_by_the_random_walks(demo_items):
    """Over a few walks of writes (as a load makes them: cycles allowed), every rule reports
    something at some point and the kept run always equals a full one: the oracle reaches every rule."""
    seen: set[str] = set()
    for seed in range(3):
        store = ConcurrentStore(_store(demo_items))
        try:
            live = LiveCheck(store.inner, as_of=AS_OF)
            generation = store.generation
            rng = random.Random(100 + seed)
            removed: list[Edge] = []
            for step in range(40):
                what = _edit(store, None, rng, removed)
                with store.reading() as s:
                    changes = store.changes_since(generation)
                    assert changes is not None and live.update(s, changes)
                    generation = store.generation
                    fresh = run_checks(s, as_of=AS_OF)
                assert live.report.to_dict() == fresh.to_dict(), (seed, step, what)
                seen.update(f.rule for f in fresh.findings)
        finally:
            store.close()
    missing = set(RULES) - seen
    assert not missing, f"rules never reported during the walks: {sorted(missing)}"


def _n(ref: str, **props) -> Node:
    kind, _, code = ref.partition(":")
    return Node(kind, code, {"name": ref, **props})


def _scenario(rid: str):
    """(nodes, edges, edit(store)) where a rule judged on the affected nodes alone goes wrong."""
    if rid == "TC005":  # closing B → A → C → B: the cycle is reported on A, no end of the new edge
        nodes = [_n("Target:B"), _n("Target:A"), _n("Target:C")]
        edges = [Edge("Target:B", "decomposes_to", "Target:A"), Edge("Target:A", "decomposes_to", "Target:C")]
        return nodes, edges, lambda cs: cs.upsert_edges([Edge("Target:C", "decomposes_to", "Target:B")])
    if rid == "TC008":  # the school target two levels up loses its only task
        nodes = [_n("Target:S", layer="school"), _n("Target:T", layer="department"), _n("Task:K")]
        edges = [Edge("Target:S", "decomposes_to", "Target:T"), Edge("Target:T", "implemented_by", "Task:K")]
        return nodes, edges, lambda cs: cs.delete_edge("Target:T", "implemented_by", "Task:K")
    if rid == "IS001":  # a regulation attached to a second item: the finding names both items
        nodes = [_n("InstitutionItem:E301"), _n("InstitutionItem:E302"), _n("Regulation:X9Z")]
        edges = [Edge("InstitutionItem:E301", "includes", "Regulation:X9Z")]
        return nodes, edges, lambda cs: cs.upsert_edges([Edge("InstitutionItem:E302", "includes", "Regulation:X9Z")])
    if rid in ("CH001", "CH001 reviewed"):  # the parent's deadline changes (then it is reviewed: the
        from graph.history.suspect import review  # journal changes, no node or edge)

        nodes = [_n("Target:P", layer="school"), _n("Target:Q", layer="department")]
        edges = [Edge("Target:P", "decomposes_to", "Target:Q")]

        def edit(cs):
            cs.upsert_nodes([_n("Target:P", layer="school", deadline="2025-06-30")])
            if rid == "CH001 reviewed":
                yield
                review(cs, "Target:Q", who="t")

        return nodes, edges, edit
    if rid == "RS002":  # a lead unit renamed: the target led by two units names it
        nodes = [_n("Target:T"), _n("OrgUnit:U1"), _n("OrgUnit:U2")]
        edges = [Edge("Target:T", "led_by", "OrgUnit:U1"), Edge("Target:T", "led_by", "OrgUnit:U2")]
        return nodes, edges, lambda cs: cs.upsert_nodes([_n("OrgUnit:U2", name="改名")])
    if rid == "TC006":  # a parent's deadline moves before its child's
        nodes = [_n("Target:P", deadline="2026-12-31"), _n("Task:K", deadline="2026-06-30")]
        edges = [Edge("Target:P", "implemented_by", "Task:K")]
        return nodes, edges, lambda cs: cs.upsert_nodes([_n("Target:P", deadline="2026-01-31")])
    raise AssertionError(rid)


def _diverges(scenario: str) -> bool:
    """Whether, after some step of the scenario's edit, the updated report differs from a full run."""
    rid = scenario.split()[0]
    nodes, edges, edit = _scenario(scenario)
    inner = EmbeddedStore(None)
    inner.upsert_nodes(nodes)
    inner.upsert_edges(edges)
    store = ConcurrentStore(inner)
    try:
        live = LiveCheck(inner, rules=[rid], as_of=AS_OF)
        generation = store.generation
        steps = edit(store)
        differs = []

        def compare() -> None:
            nonlocal generation, fresh
            with store.reading() as s:
                assert live.update(s, store.changes_since(generation))
                generation = store.generation
                fresh = run_checks(s, rules=[rid], as_of=AS_OF)
                differs.append(live.report.to_dict() != fresh.to_dict())

        fresh = None
        for _ in steps if inspect.isgenerator(steps) else ():  # an edit in steps: compare after each
            compare()
        compare()
        assert fresh.findings or scenario in ("TC008", "CH001 reviewed")
        return any(differs)
    finally:
        store.close()


@pytest.mark.parametrize("rid", ["TC005", "TC008", "IS001", "CH001", "RS002", "TC006"])
def test_a_wrong_locality_is_caught_by_the_oracle(monkeypatch, rid):
    """Each of these rules, as declared, gives a full run's report after an edit; declared local
    on the node alone (``Local()``: no neighbour's property read, nothing else iterated) it does not
    — so a wrong declaration fails the comparison."""
    assert not _diverges(rid)
    monkeypatch.setitem(LOCALITY, rid, Local())
    assert _diverges(rid)


def test_a_review_which_writes_only_the_journal_is_seen(monkeypatch):
    assert not _diverges("CH001 reviewed")
    monkeypatch.setitem(LOCALITY, "CH001", Local())
    assert _diverges("CH001 reviewed")


def test_the_change_log_names_each_write_and_forgets_what_it_cannot_name(demo_items):
    store = ConcurrentStore(_store(demo_items))
    try:
        g0 = store.generation
        assert store.changes_since(g0) == ChangeSet()
        task = next(store.iter_nodes("Task"))
        store.upsert_nodes([task])
        edge = next(store.iter_edges("led_by"))
        store.delete_edge(*edge.key)
        store.delete_node(task.id)
        changes = store.changes_since(g0)
        assert changes is not None and not changes.unknown
        assert changes.nodes == {task.id} and changes.deleted == {task.id} and changes.edges == {edge.key}
        g1 = store.generation
        store.upsert_nodes([Node("Task", f"BIG{i}", {"name": "x"}) for i in range(ChangeSet.LIMIT + 1)])
        assert store.changes_since(g1) is None and store.changes_since(g0) is None  # too many to name
        g2 = store.generation
        assert store.changes_since(g2) == ChangeSet()
        store.clear()
        assert store.changes_since(g2) is None
        assert store.changes_since(store.generation + 1) is None
    finally:
        store.close()


def test_what_the_log_cannot_name_is_computed_afresh(demo_items, tmp_path):
    store = _store(demo_items)
    try:
        iqa = Iqa(Settings(store=":memory:", audit_log=str(tmp_path / "audit.jsonl")), store=store)
        iqa.check(as_of=AS_OF)
        iqa.store.upsert_nodes([Node("Task", f"BIG{i}", {"name": "x"}) for i in range(ChangeSet.LIMIT + 1)])
        report = iqa.check(as_of=AS_OF)
        assert (iqa.results.misses, iqa.results.updates) == (2, 0)
        with iqa.reading() as s:
            assert report.to_dict() == run_checks(s, as_of=AS_OF, config=iqa.rules).to_dict()
        task = next(iqa.store.iter_nodes("Task"))
        iqa.editor.patch_node(task.id, {"status": "warning"}, who="t")
        iqa.check(as_of=AS_OF)
        assert (iqa.results.misses, iqa.results.updates) == (2, 1)
    finally:
        store.close()


def test_a_failed_update_is_computed_afresh(demo_items, tmp_path, monkeypatch):
    store = _store(demo_items)
    try:
        iqa = Iqa(Settings(store=":memory:", audit_log=str(tmp_path / "audit.jsonl")), store=store)
        iqa.check(as_of=AS_OF)

        def broken(self, store, changes):
            raise RuntimeError("boom")

        monkeypatch.setattr(incremental.LiveCheck, "update", broken)
        task = next(iqa.store.iter_nodes("Task"))
        iqa.editor.patch_node(task.id, {"status": "warning"}, who="t")
        report = iqa.check(as_of=AS_OF)
        assert (iqa.results.misses, iqa.results.updates) == (2, 0)
        with iqa.reading() as s:
            assert report.to_dict() == run_checks(s, as_of=AS_OF, config=iqa.rules).to_dict()
    finally:
        store.close()


def test_a_selection_after_an_edit_brings_the_kept_full_run_up_to_date(demo_items, tmp_path):
    store = _store(demo_items)
    try:
        iqa = Iqa(Settings(store=":memory:", audit_log=str(tmp_path / "audit.jsonl")), store=store)
        iqa.check(as_of=AS_OF)
        edge = next(iqa.store.iter_edges("implemented_by"))
        iqa.editor.delete_edge(*edge.key, who="t")
        selection = iqa.check(as_of=AS_OF, rules=["TC002", "TK001"])
        assert (iqa.results.misses, iqa.results.updates) == (1, 1)
        with iqa.reading() as s:
            assert selection.to_dict() == run_checks(s, rules=["TC002", "TK001"], as_of=AS_OF,
                                                     config=iqa.rules).to_dict()
        iqa.check(as_of=AS_OF)
        assert (iqa.results.misses, iqa.results.updates) == (1, 1)  # served as kept
    finally:
        store.close()


def test_suspect_links_read_the_history_only_of_changed_parents_that_have_links(monkeypatch):
    """A unit renamed (it links to nothing as a parent) costs CH001 no read of its history."""
    from graph.history.model import journal_of
    from graph.history.suspect import suspect_links

    nodes = [_n("Target:P"), _n("Target:Q"), _n("OrgUnit:U")]
    store = ConcurrentStore(EmbeddedStore(None))
    try:
        store.upsert_nodes(nodes)
        store.upsert_edges([Edge("Target:P", "decomposes_to", "Target:Q"), Edge("Target:Q", "led_by", "OrgUnit:U")])
        store.upsert_nodes([_n("OrgUnit:U", name="改名"), _n("Target:P", deadline="2025-06-30")])
        journal = journal_of(store)
        asked: list[list[str]] = []
        real = journal.changes_touching
        monkeypatch.setattr(journal, "changes_touching", lambda ids: asked.append(sorted(ids)) or real(ids))
        links = suspect_links(store.inner)
        assert [(s.child, s.parent) for s in links] == [("Target:Q", "Target:P")] and asked == [["Target:P"]]
    finally:
        store.close()


def test_a_one_shot_check_keeps_nothing_and_answers_as_a_kept_one(demo_items, tmp_path):
    """``Iqa.check(keep=False)`` (``iqa check``): the same report for every selection as the kept
    run gives, and nothing is kept (no snapshot held for updates that never come)."""
    store = _store(demo_items)
    try:
        once = Iqa(Settings(store=":memory:", audit_log=str(tmp_path / "a.jsonl")), store=store)
        selections = [{}, {"rules": ["TC001", "is001"]}, {"severity": "error"}, {"owner": "JWC"}]
        answers = [once.check(as_of=AS_OF, keep=False, **sel).to_dict() for sel in selections]
        assert once.results.misses == 0 and once.results.peek(("check", AS_OF, None)) is None
        assert not once.results.updatable(("check", AS_OF, None))
        kept = Iqa(Settings(store=":memory:", audit_log=str(tmp_path / "b.jsonl")), store=store)
        assert answers == [kept.check(as_of=AS_OF, **sel).to_dict() for sel in selections]
        assert kept.results.peek(("check", AS_OF, None)) is not None
        # a run already kept is used by a one-shot call too
        assert kept.check(as_of=AS_OF, keep=False).to_dict() == answers[0]
    finally:
        store.close()
