"""The full check in two processes (graph/checks/parallel.py) against the plain check, on random
graphs: the same findings, owners and order; the partial read and its neighbours against the whole
read; a commit between the two snapshots and a wrong declaration of what a rule reads fall back to
the plain check."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import time

import pytest

from graph.checks import RULES, parallel, run_checks
from graph.checks.config import RuleConfig
from graph.checks.context import CheckContext
from graph.checks.parallel import READS, PartContext, UnreadEdges, reads_of, split
from graph.checks.runner import make_finding, selected_rules
from graph.errors import IqaError
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore
from seed.demo import load_demo

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """A store file holding the demo college (copied for each test, which changes it)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = EmbeddedStore(path)
    load_demo(store, as_of=AS_OF)
    store.close()
    return path


def _random_store(demo_file, tmp_path, seed: int) -> EmbeddedStore:
    """A copy of the demo, changed at random: edges dropped, chain edges reversed (cycles) and
    looped, nodes deleted, deadlines, layers and statuses changed, edges of every type added
    between random nodes (those the ontology refuses are skipped)."""
    path = tmp_path / f"r{seed}.sqlite"
    shutil.copy(demo_file, path)
    store = EmbeddedStore(path)
    rng = random.Random(seed)
    edges = list(store.iter_edges())
    for e in rng.sample(edges, len(edges) // rng.choice((5, 10, 30))):
        store.delete_edge(e.source, e.type, e.target)
    nodes = [n.id for n in store.iter_nodes()]
    for nid in rng.sample(nodes, len(nodes) // 40):
        store.delete_node(nid)
    nodes = list(store.iter_nodes())
    ids = [n.id for n in nodes]
    chain = [e for e in store.iter_edges() if e.type in ("decomposes_to", "implemented_by", "includes")]
    added = [Edge(e.target, e.type, e.source) for e in rng.sample(chain, min(len(chain), rng.randrange(4)))]
    added += [Edge(e.source, e.type, e.source) for e in rng.sample(chain, min(len(chain), rng.randrange(2)))]
    types = sorted(store.onto.edge_types)
    added += [Edge(rng.choice(ids), rng.choice(types), rng.choice(ids)) for _ in range(len(ids) // 3)]
    for e in added:
        try:
            store.upsert_edges([e])
        except IqaError:
            pass
    changed = []
    for n in rng.sample(nodes, len(nodes) // 5):
        props = dict(n.props)
        if n.kind in ("Task", "Target", "Plan"):
            props["deadline"] = rng.choice(["2024-06-30", "2025-12-31", "2027-01-31", "soon", None, 20251231])
        if n.kind == "Target":
            props["layer"] = rng.choice(["school", "department", "major", "course", "nowhere", None])
        if n.kind == "Task":
            props["status"] = rng.choice(["completed", "normal", "warning", None])
        changed.append(Node(n.kind, n.code, {k: v for k, v in props.items() if v is not None}))
    for n in changed:
        try:
            store.upsert_nodes([n])
        except IqaError:
            pass
    return store


def _checked(store) -> list[dict]:
    """The findings of ``run_checks`` (whichever path it takes), as dicts."""
    return [f.to_dict() for f in run_checks(store, as_of=AS_OF).findings]


def _allow_two_processes(monkeypatch) -> None:
    """``run_checks`` takes the two-process path whatever the store's size and the machine's load."""
    monkeypatch.setattr(parallel, "MIN_NODES", 0)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)


def _sorted(findings) -> list[dict]:
    return [f.to_dict() for f in sorted(findings, key=lambda f: f.sort_key())]


def _in_one_process(store: EmbeddedStore) -> list[dict]:
    """Both groups on partial reads, in this process, the findings made as the parent makes them
    (the owners from the parent's partial read and point reads of the same snapshot)."""
    config = RuleConfig()
    selected = selected_rules(None, config)
    mine, theirs = split(selected)
    with store.pinned() as pinned:
        raw = parallel.raw_findings(PartContext(None, AS_OF, pinned, pinned.read_graph(
            *reads_of(theirs), bare_kinds=parallel.BARE_KINDS, bare_props=parallel._Bare())), theirs)
        outs, ins = reads_of(mine)
        for t, d in (*parallel.PARENT_STEPS, *parallel.SMALL_OWNER_STEPS):
            (outs if d == "out" else ins).add(t)
        ctx = PartContext(store, AS_OF, pinned, pinned.read_graph(outs, ins), suspect_fields=config.suspect_fields)
        raw.update(parallel.raw_findings(ctx, mine))
        return _sorted(make_finding(ctx, RULES[rid], config.severity_of(RULES[rid]), nid, args)
                       for rid in selected for nid, args in raw[rid])


def test_every_rule_declares_what_it_reads():
    assert set(READS) == set(RULES)
    assert READS["CH001"] is None and "CH001" not in parallel.CHILD_RULES  # it reads the store's journal


@pytest.mark.parametrize("seed", range(24))
def test_partial_reads_in_one_process_give_the_plain_findings(demo_file, tmp_path, seed):
    store = _random_store(demo_file, tmp_path, seed)
    try:
        plain = _checked(store)
        assert plain  # the random changes leave something to find
        assert _in_one_process(store) == plain
    finally:
        store.close()


@pytest.mark.parametrize("seed", range(4))
def test_two_processes_give_the_plain_report(demo_file, tmp_path, monkeypatch, seed):
    store = _random_store(demo_file, tmp_path, 100 + seed)
    try:
        config = RuleConfig()
        selected = selected_rules(None, config)
        two = parallel.two_process_findings(store, selected, AS_OF, config, make_finding)
        assert two is not None  # not the fallback
        assert parallel.last_run["helper_cpu"] > 0
        assert _sorted(two) == _checked(store)
        _allow_two_processes(monkeypatch)  # run_checks takes the two-process path
        assert parallel.worth_it(store, selected)
        assert _checked(store) == _sorted(two)
    finally:
        store.close()


@pytest.mark.parametrize("seed", range(6))
def test_the_partial_read_holds_the_whole_reads_lists(demo_file, tmp_path, seed):
    store = _random_store(demo_file, tmp_path, 200 + seed)
    try:
        whole = store.read_graph()
        rng = random.Random(seed)
        types = sorted(store.onto.edge_types)
        outs, ins = set(rng.sample(types, 4)), set(rng.sample(types, 4))
        marker: dict = {"bare": True}
        with store.pinned() as pinned:
            part = pinned.read_graph(outs, ins)
            bare = pinned.read_graph(outs, ins, bare_kinds=("Task", "Standard"), bare_props=marker)
        assert part.nodes == whole.nodes and list(part.nodes) == list(whole.nodes)
        assert list(bare.nodes) == list(whole.nodes) and bare.out == part.out and bare.inc == part.inc
        for nid, n in bare.nodes.items():
            assert (n.kind, n.code) == (whole.nodes[nid].kind, whole.nodes[nid].code)
            assert n.props is marker if n.kind in ("Task", "Standard") else n.props == whole.nodes[nid].props
        assert set(part.out) == outs and set(part.inc) == ins
        for t in outs:
            assert part.out[t] == whole.out.get(t, {}) and list(part.out[t]) == list(whole.out.get(t, {}))
        for t in ins:
            assert part.inc[t] == whole.inc.get(t, {})
        assert part.edge_props == {k: v for k, v in whole.edge_props.items() if k[1] in outs | ins}
    finally:
        store.close()


@pytest.mark.parametrize("seed", range(6))
def test_neighbours_of_a_partial_context_are_the_plain_ones(demo_file, tmp_path, seed):
    store = _random_store(demo_file, tmp_path, 300 + seed)
    try:
        plain = CheckContext(store, AS_OF)
        rng = random.Random(seed)
        types = sorted(store.onto.edge_types)
        with store.pinned() as pinned:
            part = PartContext(store, AS_OF, pinned, pinned.read_graph(set(rng.sample(types, 3)),
                                                                       set(rng.sample(types, 3))))
            ids = list(plain.nodes) + ["Task:NOT-THERE"]
            for nid in rng.sample(ids, 200):
                want = rng.sample(types, rng.choice((1, 2, 4)))
                direction = rng.choice(("out", "in", "both"))
                assert part.neighbors(nid, want, direction) == plain.neighbors(nid, want, direction)
            for nid in rng.sample(list(plain.nodes), 60):
                assert part.owner(plain.node(nid)) == plain.owner(plain.node(nid))
    finally:
        store.close()


def test_reading_what_was_not_read_raises(demo_file, tmp_path):
    store = _random_store(demo_file, tmp_path, 1)
    try:
        with store.pinned() as pinned:
            ctx = PartContext(store, AS_OF, pinned, pinned.read_graph({"led_by"}, {"holds"}))
            assert ctx.out_map("led_by") is not None and ctx.in_map("holds") is not None
            for read in (lambda: ctx.out_map("decomposes_to"), lambda: ctx.in_ids("Task:X", "led_by"),
                         lambda: list(ctx.iter_edges()), lambda: ctx.neighbors("Task:X"),
                         lambda: list(ctx.edges("assigned_to"))):
                with pytest.raises(UnreadEdges):
                    read()
    finally:
        store.close()


def test_reading_bare_properties_raises(demo_file, tmp_path, monkeypatch):
    store = _random_store(demo_file, tmp_path, 7)
    try:
        with store.pinned() as pinned:
            ctx = PartContext(None, AS_OF, pinned, pinned.read_graph(
                *reads_of(["TC006"]), bare_kinds=parallel.BARE_KINDS, bare_props=parallel._Bare()))
            with pytest.raises(parallel.UnreadProps):
                list(RULES["TC006"].fn(ctx))  # it reads deadlines
            assert ctx.of_kind("Plan")[0].props.get("name")  # other kinds keep their properties
    finally:
        store.close()


def test_a_wrong_declaration_falls_back_to_the_plain_check(demo_file, tmp_path, monkeypatch):
    store = _random_store(demo_file, tmp_path, 2)
    try:
        plain = _checked(store)
        config = RuleConfig()
        selected = selected_rules(None, config)
        # SI004 runs here and alone reads the in-lists of measurement_of
        assert "SI004" not in parallel.CHILD_RULES
        monkeypatch.setitem(READS, "SI004", ((), ()))
        assert parallel.two_process_findings(store, selected, AS_OF, config, make_finding) is None
        _allow_two_processes(monkeypatch)
        assert _checked(store) == plain
    finally:
        store.close()


def test_a_failing_helper_falls_back_to_the_plain_check(demo_file, tmp_path, monkeypatch):
    store = _random_store(demo_file, tmp_path, 6)
    try:
        plain = _checked(store)
        split_ = parallel.split
        monkeypatch.setattr(parallel, "split", lambda sel: (split_(sel)[0], [*split_(sel)[1], "NO-SUCH-RULE"]))
        config = RuleConfig()
        assert parallel.two_process_findings(store, selected_rules(None, config), AS_OF, config, make_finding) is None
        _allow_two_processes(monkeypatch)
        assert _checked(store) == plain
    finally:
        store.close()


def test_a_commit_between_the_two_snapshots_falls_back_to_the_plain_check(demo_file, tmp_path, monkeypatch):
    store = _random_store(demo_file, tmp_path, 3)
    other = EmbeddedStore(store.path)  # another connection, as another process would write
    try:
        config = RuleConfig()
        selected = selected_rules(None, config)
        task = next(iter(store.iter_nodes("Task")))
        pinned = EmbeddedStore.pinned

        def write_then_pin(self):
            other.delete_node(task.id)  # lands after the watch began, before this snapshot
            return pinned(self)

        monkeypatch.setattr(EmbeddedStore, "pinned", write_then_pin)
        assert parallel.two_process_findings(store, selected, AS_OF, config, make_finding) is None
        _allow_two_processes(monkeypatch)
        monkeypatch.setattr(EmbeddedStore, "pinned", pinned)
        before = _checked(store)
        other.upsert_nodes([task])
        monkeypatch.setattr(EmbeddedStore, "pinned", write_then_pin)
        after = _checked(store)  # the plain check ran
        monkeypatch.setattr(EmbeddedStore, "pinned", pinned)
        assert after == _checked(store) == before  # the task deleted again: the state of ``before``
    finally:
        other.close()
        store.close()


def test_the_commit_watch_sees_commits_of_any_connection(demo_file, tmp_path):
    store = _random_store(demo_file, tmp_path, 4)
    other = EmbeddedStore(store.path)
    try:
        task = next(iter(store.iter_nodes("Task")))
        with store.commits_watched() as changed:
            assert not changed()
            list(store.iter_nodes("Plan"))  # reads commit nothing
            assert not changed()
            other.upsert_nodes([Node(task.kind, task.code, {**task.props, "name": "改"})])
            assert changed()
        with store.commits_watched() as changed:
            store.upsert_nodes([task])  # this object's own connection too
            assert changed()
    finally:
        other.close()
        store.close()


def test_small_stores_partial_selections_and_busy_machines_keep_the_plain_path(demo_file, tmp_path, monkeypatch):
    store = _random_store(demo_file, tmp_path, 5)
    try:
        selected = selected_rules(None, RuleConfig())
        assert not parallel.worth_it(store, selected)  # below MIN_NODES
        assert not parallel.worth_it(EmbeddedStore(None), selected)
        mine, theirs = split(selected)
        assert mine and theirs
        assert not parallel.worth_it(store, mine) and not parallel.worth_it(store, theirs)
        _allow_two_processes(monkeypatch)
        assert parallel.worth_it(store, selected)
        monkeypatch.setattr(parallel, "spare_core", lambda: False)  # a busy machine
        assert not parallel.worth_it(store, selected)
    finally:
        store.close()


def test_inside_a_transaction_the_plain_check_runs(demo_file, tmp_path, monkeypatch):
    """A transaction's own writes are not in the file another process reads: no shared file then."""
    store = _random_store(demo_file, tmp_path, 4)
    try:
        plain = _checked(store)
        _allow_two_processes(monkeypatch)
        assert store.shared_file() == str(store.path)
        with store.transaction():
            assert store.shared_file() is None
            assert not parallel.worth_it(store, selected_rules(None, RuleConfig()))
            assert _checked(store) == plain
    finally:
        store.close()


def _run_queue(monkeypatch, tmp_path, running: list[int]) -> None:
    """``parallel.LOADAVG`` answers ``running`` runnable tasks at successive reads (this process
    counted: the kernel's ``running/total`` field)."""
    answers = iter(running)

    def fake_open(path, mode="r"):
        assert path == parallel.LOADAVG and mode == "rb"
        f = tmp_path / "loadavg"
        f.write_bytes(f"0.91 0.80 0.75 {next(answers)}/412 9999\n".encode())
        return open(f, "rb")

    monkeypatch.setattr(parallel, "open", fake_open, raising=False)
    monkeypatch.setattr(parallel.time, "sleep", lambda s: None)


def test_the_run_queue_is_read_as_a_median_of_others(monkeypatch, tmp_path):
    _run_queue(monkeypatch, tmp_path, [1, 3, 1, 1, 2])  # a task woken for an instant
    assert parallel.others_running() == 0
    _run_queue(monkeypatch, tmp_path, [2, 2, 3, 1, 2])  # another task runs on
    assert parallel.others_running() == 1


@pytest.mark.parametrize(("cores", "running", "spare"), [
    (2, [1] * 5, True),    # an idle machine, whatever the load average says
    (2, [2] * 5, False),   # another process holds the second core
    (4, [3] * 5, True),    # two cores of four busy besides this process: one is free
    (4, [4] * 5, False),
    (1, [1] * 5, False),   # one core: nothing to gain
])
def test_a_spare_core_is_judged_by_the_run_queue_now(monkeypatch, tmp_path, cores, running, spare):
    _run_queue(monkeypatch, tmp_path, running)
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: set(range(cores)))
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (9.0, 9.0, 9.0))  # lagging: not used
    assert parallel.spare_core() is spare


def test_without_a_run_queue_the_load_average_stands_in(monkeypatch):
    monkeypatch.setattr(parallel, "LOADAVG", "/nonexistent/loadavg")
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1})
    assert parallel.others_running() is None
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (1.2, 1.0, 1.0))
    assert parallel.spare_core()
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (1.8, 1.0, 1.0))
    assert not parallel.spare_core()


@pytest.mark.skipif(not os.path.exists(parallel.LOADAVG), reason="no run queue to read (not Linux)")
def test_a_busy_process_is_seen_in_the_run_queue():
    busy = subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 30\nwhile time.time() < end: pass"])
    try:
        time.sleep(0.3)  # started and spinning
        assert parallel.others_running() >= 1
    finally:
        busy.kill()
        busy.wait()
