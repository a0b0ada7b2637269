"""The whole-graph result cache (graph.services.results, ``Iqa.results``): a kept check report or
diagnosis is the one a fresh run gives, every edit invalidates it, and a selection taken from the
kept full run equals a run of the selection alone — after any sequence of edits, on the embedded
store and on the Neo4j store (fake driver)."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from graph.app import Iqa
from graph.errors import NotFoundError, ValidationError
from graph.services.diagnosis import diagnose
from graph.services.results import ResultCache, report_page
from graph.services.paging import paged
from graph.services.search import check_report
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from seed.demo import load_demo

AS_OF = dt.date(2025, 12, 31)


class _Gen:
    """A stand-in store: only ``generation`` and ``capabilities``."""

    SHARED_MEMO_SECONDS = 2.0

    def __init__(self, shared: bool = False):
        self.generation = 0
        self.capabilities = frozenset({"shared"}) if shared else frozenset()


def test_a_result_is_built_once_per_generation():
    store = _Gen()
    cache = ResultCache(store, max_entries=2)
    built = []
    assert cache.get("a", lambda: built.append(1) or "one") == "one"
    assert cache.get("a", lambda: built.append(2) or "two") == "one"
    assert (cache.hits, cache.misses, built) == (1, 1, [1])
    store.generation += 1  # a write
    assert cache.peek("a") is None
    assert cache.get("a", lambda: built.append(3) or "three") == "three"


def test_the_oldest_used_result_is_dropped_beyond_max_entries():
    cache = ResultCache(_Gen(), max_entries=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 0)  # a is now the most recently used
    cache.get("c", lambda: 3)
    assert cache.peek("a") == 1 and cache.peek("b") is None and cache.peek("c") == 3
    with pytest.raises(ValueError):
        ResultCache(_Gen(), max_entries=0)


def test_on_a_shared_store_a_result_expires(monkeypatch):
    store = _Gen(shared=True)
    cache = ResultCache(store)
    cache.get("a", lambda: 1)
    assert cache.peek("a") == 1
    now = time.monotonic()
    monkeypatch.setattr("graph.services.results.time.monotonic", lambda: now + 3.0)
    assert cache.peek("a") is None


def test_two_callers_of_a_missing_result_compute_it_once():
    cache = ResultCache(_Gen())
    started, release, calls = threading.Event(), threading.Event(), []

    def slow():
        calls.append(1)
        started.set()
        release.wait(5)
        return "x"

    results = []
    first = threading.Thread(target=lambda: results.append(cache.get("k", slow)))
    first.start()
    started.wait(5)
    second = threading.Thread(target=lambda: results.append(cache.get("k", slow)))
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert results == ["x", "x"] and calls == [1]


def test_a_failed_build_keeps_nothing():
    cache = ResultCache(_Gen())
    with pytest.raises(RuntimeError):
        cache.get("k", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    assert cache.peek("k") is None and cache.get("k", lambda: 2) == 2


# ---------------------------------------------------------------------------- on the core object
def _small() -> list:
    """A small college with something for most rules: two units, a school target decomposed into
    three department targets, tasks with deadlines and statuses, an indicator, a dead end."""
    from graph.model import Edge, Node

    def n(kind, code, **props):
        return Node(kind, code, props)

    items = [
        n("OrgUnit", "D01", name="教务处", type="functional_office"),
        n("OrgUnit", "D02", name="机械系", type="teaching_unit"),
        n("Post", "P01", name="教务处处长"), n("Post", "P02", name="机械系主任"),
        n("Person", "E01", name="张三"), n("Person", "E02", name="李四"),
        n("Target", "S1", name="学校目标", layer="school", deadline="2025-12-31"),
        n("Target", "T1", name="系目标一", layer="department", deadline="2025-06-30"),
        n("Target", "T2", name="系目标二", layer="department", deadline="2026-06-30"),
        n("Target", "T3", name="断头目标", layer="department"),
        n("Indicator", "I1", name="指标", target_value=0.9, warning=0.8, direction="ge", frequency="年"),
        n("Measurement", "M1", date="2025-09-01", value=0.7),
    ]
    items += [n("Task", f"K{i}", name=f"任务{i}", deadline=f"2025-{i + 2:02d}-28",
                status=["completed", "incomplete", "normal", "warning", "not_started"][i % 5]) for i in range(8)]
    edges = [
        ("Post:P01", "part_of", "OrgUnit:D01"), ("Post:P02", "part_of", "OrgUnit:D02"),
        ("Person:E01", "holds", "Post:P01"), ("Person:E02", "holds", "Post:P02"),
        ("Person:E01", "part_of", "OrgUnit:D01"), ("Person:E02", "part_of", "OrgUnit:D02"),
        ("Target:S1", "led_by", "OrgUnit:D01"), ("Target:T1", "led_by", "OrgUnit:D02"),
        ("Target:T2", "assigned_to", "Person:E02"),
        ("Target:S1", "decomposes_to", "Target:T1"), ("Target:S1", "decomposes_to", "Target:T2"),
        ("Target:S1", "decomposes_to", "Target:T3"),
        ("Indicator:I1", "measures", "Target:T1"), ("Measurement:M1", "measurement_of", "Indicator:I1"),
    ]
    edges += [(f"Target:T{1 + i % 2}", "implemented_by", f"Task:K{i}") for i in range(7)]
    edges += [(f"Task:K{i}", "assigned_to", "Person:E02") for i in range(0, 8, 2)]
    return items + [Edge(*e) for e in edges]


def _store(backend: str, college: str = "small"):
    if backend == "embedded":
        store = EmbeddedStore(None)
    else:
        from graph.stores.neo4j import Neo4jStore
        from tests.neo4j.neo4j_fakes import FakeDriver

        store = Neo4jStore(FakeDriver(), batch_size=500)
    if college == "demo":
        load_demo(store, as_of=AS_OF)
    else:
        from graph.model import Node

        items = _small()
        store.upsert_nodes([i for i in items if isinstance(i, Node)])
        store.upsert_edges([i for i in items if not isinstance(i, Node)])
    return store


@pytest.fixture(scope="module", params=["embedded", "neo4j-fake"])
def demo(request):
    """The demo college on the embedded store, the small college on the fake Neo4j (the demo's
    load through the fake driver takes minutes)."""
    store = _store(request.param, "demo" if request.param == "embedded" else "small")
    yield store
    store.close()


@pytest.fixture
def iqa(demo, tmp_path):
    core = Iqa(Settings(store=":memory:", audit_log=str(tmp_path / "audit.jsonl")), store=demo)
    core.results.shared_seconds = core.diagnoses.shared_seconds = 3600  # the fake Neo4j is "shared": no expiry here
    yield core


def _fresh(iqa: Iqa, **kw):
    with iqa.reading() as store:
        return check_report(store, as_of=AS_OF, config=iqa.rules, **kw)


def test_selections_from_the_kept_run_equal_runs_of_the_selection(iqa):
    full = iqa.check(as_of=AS_OF)
    assert full.to_dict() == _fresh(iqa).to_dict()
    assert iqa.results.peek(("check", AS_OF, None)) is not None
    assert len(full.findings) > 3
    unit = next(f.unit_id for f in full.findings if f.unit_id)
    for kw in ({"rules": ["tc002", "TK001"]}, {"owner": unit}, {"severity": "warning"},
               {"rules": ["RS001", "TC002"], "owner": unit, "severity": "error"}):
        assert iqa.check(as_of=AS_OF, **kw).to_dict() == _fresh(iqa, **kw).to_dict(), kw
    page = report_page(full, 7, 3)
    assert page == paged(full.to_dict(), "findings", 7, 3)


def test_bad_selections_are_refused_before_any_rule_runs(iqa):
    with pytest.raises(ValidationError):
        iqa.check(as_of=AS_OF, rules=["NOPE1"])
    with pytest.raises(ValidationError):
        iqa.check(as_of=AS_OF, severity="fatal")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        iqa.check(as_of=AS_OF, owner="no such unit")
    assert iqa.results.misses == 0


def test_a_rule_selection_alone_runs_only_those_rules(iqa):
    report = iqa.check(as_of=AS_OF, rules=["TC002"])
    assert report.rules == ("TC002",) and iqa.results.peek(("check", AS_OF, None)) is None
    assert iqa.results.peek(("check", AS_OF, ("TC002",))) is not None


def test_the_report_returned_is_the_callers_own(iqa):
    first = iqa.check(as_of=AS_OF)
    first.findings.clear()
    assert iqa.check(as_of=AS_OF).findings


def test_a_units_diagnosis_cut_from_the_kept_one_equals_a_fresh_one(iqa):
    with iqa.reading() as store:
        unit = "OrgUnit:XB01" if store.get_node("OrgUnit:XB01") else "OrgUnit:D02"
        fresh = diagnose(store, as_of=AS_OF, unit=unit, rule_config=iqa.rules).to_dict()
        whole = diagnose(store, as_of=AS_OF, rule_config=iqa.rules).to_dict()
        person = next(store.iter_nodes("Person"))
    assert fresh["warnings"] and len(fresh["warnings"]) < len(whole["warnings"]) or not whole["warnings"]
    assert iqa.diagnosis_data(as_of=AS_OF) == whole
    assert iqa.diagnosis_data(as_of=AS_OF, unit=unit.split(":")[1]) == fresh
    assert iqa.diagnosis_data(as_of=AS_OF) == whole  # cutting a unit's left the school's whole
    assert iqa.scorecard(unit, as_of=AS_OF) == fresh["scorecards"][0]
    with pytest.raises(ValidationError):
        iqa.scorecard(person, as_of=AS_OF)


# ---------------------------------------------------------------------------- after random edits
_STATUSES = ["completed", "incomplete", "normal", "warning", "not_started", None]


def _edit(iqa: Iqa, choice: int, pick: int, status) -> None:
    """One edit of the demo college through the core object's editor (as the API's PATCH, PUT and
    DELETE do)."""
    with iqa.reading() as store:
        tasks = [n.id for n in store.iter_nodes("Task")]
        targets = [n.id for n in store.iter_nodes("Target")]
        edges = list(store.iter_edges("implemented_by")) + list(store.iter_edges("decomposes_to"))
        owners = list(store.iter_edges("led_by")) + list(store.iter_edges("assigned_to"))
    ed = iqa.editor
    if choice == 0 and tasks:
        ed.patch_node(tasks[pick % len(tasks)], {"status": status}, who="t")
    elif choice == 1 and tasks:
        ed.patch_node(tasks[pick % len(tasks)], {"deadline": f"2025-{pick % 12 + 1:02d}-15"}, who="t")
    elif choice == 2 and edges:
        e = edges[pick % len(edges)]
        ed.delete_edge(e.source, e.type, e.target, who="t")
    elif choice == 3 and owners:
        e = owners[pick % len(owners)]
        ed.delete_edge(e.source, e.type, e.target, who="t")
    elif choice == 4 and tasks and targets:
        ed.put_edge(targets[pick % len(targets)], "implemented_by", tasks[(pick * 7) % len(tasks)], who="t")
    elif choice == 5 and tasks:
        ed.delete_node(tasks[pick % len(tasks)], who="t")
    elif choice == 6 and targets:
        ed.patch_node(targets[pick % len(targets)], {"layer": ["school", "department", "major", None][pick % 4]}, who="t")
    elif choice == 7:
        ed.patch_node("OrgUnit:D02", {"name": f"机械系{pick}"}, who="t")
    elif choice == 8 and targets:
        ed.put_edge(targets[pick % len(targets)], "led_by", "OrgUnit:D01", who="t")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 10_000), st.sampled_from(_STATUSES)),
                min_size=1, max_size=6))
def test_after_random_edits_the_kept_findings_equal_a_full_check(edits):
    with tempfile.TemporaryDirectory() as tmp:
        _random_edits(edits, Path(tmp))


def _random_edits(edits, audit_dir: Path) -> None:
    for backend in ("embedded", "neo4j-fake"):
        store = _store(backend)
        try:
            iqa = Iqa(Settings(store=":memory:", audit_log=str(audit_dir / f"{backend}.jsonl")), store=store)
            iqa.check(as_of=AS_OF)  # kept before the edits
            iqa.diagnosis_data(as_of=AS_OF)
            for choice, pick, status in edits:
                try:
                    _edit(iqa, choice, pick, status)
                except (ValidationError, NotFoundError):
                    continue  # an edit the editor refuses changes nothing
                assert iqa.check(as_of=AS_OF).to_dict() == _fresh(iqa).to_dict(), (backend, choice, pick)
                assert iqa.check(as_of=AS_OF).to_dict() == _fresh(iqa).to_dict()  # and from the cache
                with iqa.reading() as s:
                    fresh = diagnose(s, as_of=AS_OF, rule_config=iqa.rules).to_dict()
                assert iqa.diagnosis_data(as_of=AS_OF) == fresh, (backend, choice, pick)
        finally:
            store.close()


def test_the_collector_pauses_during_a_build_and_the_result_is_frozen_after(monkeypatch):
    import gc

    import graph.gcpause as gcpause

    monkeypatch.setattr(gcpause, "ENABLED", True)
    cache = ResultCache(_Gen())
    seen = []
    try:
        before = gc.get_freeze_count()
        value = cache.get("k", lambda: seen.append(gc.isenabled()) or [{"x": 1}])
        assert seen == [False] and gc.isenabled()
        assert gc.get_freeze_count() > before and value == [{"x": 1}]
        monkeypatch.setattr(gcpause, "ENABLED", False)
        cache.get("j", lambda: seen.append(gc.isenabled()) or 1)
        assert seen == [False, True]
    finally:
        gc.unfreeze()
