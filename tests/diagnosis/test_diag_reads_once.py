"""The diagnosis reads the store once: its chain rules run on its own snapshot (``run_rules``) and
give the findings ``run_checks`` gives on the store; the task rows' statuses, computed once per
distinct (status, deadline, start, completed_on), are those of each task computed alone."""

from __future__ import annotations

import dataclasses

from diag_helpers import DEMO_AS_OF
from graph.checks import RuleConfig, run_checks, run_rules
from graph.services.diagnosis import DiagnosisConfig, DiagnosisContext
from graph.services.diagnosis.assessment import task_rows
from graph.services.diagnosis.tasks import month_statuses, normalise_status, task_status
from graph.services.diagnosis.warnings import _chain_report
from graph.store import GraphStore


class CountingReads:
    """A store whose whole-graph reads are counted (everything else passes through)."""

    def __init__(self, inner):
        self.inner, self.reads = inner, 0

    def read_graph(self):
        self.reads += 1
        return self.inner.read_graph()

    def iter_nodes(self, kind=None):
        self.reads += 1
        return self.inner.iter_nodes(kind)

    def iter_edges(self, type=None):
        self.reads += 1
        return self.inner.iter_edges(type)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_chain_rules_on_the_diagnosis_snapshot_are_run_checks(demo_store):
    config = DiagnosisConfig()
    for rule_config in (None, RuleConfig(disabled=frozenset({"TC002"}), severity={"TC001": "warning"})):
        ctx = DiagnosisContext(demo_store, DEMO_AS_OF, config)
        ours = run_rules(ctx, rules=config.chain_rules, config=rule_config).to_dict()
        theirs = run_checks(demo_store, rules=config.chain_rules, as_of=DEMO_AS_OF, config=rule_config).to_dict()
        assert ours == theirs
    assert theirs["findings"]  # the demo has broken chains: the comparison is not of two empty lists


def test_the_chain_report_reads_nothing_more(demo_store, monkeypatch):
    counting = CountingReads(demo_store)
    ctx = DiagnosisContext(counting, DEMO_AS_OF, DiagnosisConfig())
    ctx.nodes  # the diagnosis' one read
    assert counting.reads == 1
    report = _chain_report(ctx, None)
    assert counting.reads == 1 and report.findings
    # a suspect-link rule reads the store's journal: that selection runs on the store
    import graph.services.diagnosis.warnings as warnings

    calls = []
    monkeypatch.setattr(warnings, "run_checks", lambda store, **kw: calls.append((store, kw["rules"])))
    ctx = DiagnosisContext(counting, DEMO_AS_OF, dataclasses.replace(DiagnosisConfig(), chain_rules=("TC001", "ch001")))
    _chain_report(ctx, None)
    assert calls == [(counting, ("TC001", "ch001"))]


def test_task_rows_are_each_tasks_statuses(demo_store):
    ctx = DiagnosisContext(demo_store, DEMO_AS_OF, DiagnosisConfig())
    rows = task_rows(ctx, DEMO_AS_OF.year)
    assert len(rows) > 50
    for row in rows:
        t = ctx.node(row["id"])
        assert row["status"] == normalise_status(t.props.get("status"))
        assert row["status_as_of"] == task_status(t, DEMO_AS_OF, warning_window_days=30)
        assert row["months"] == month_statuses(t, DEMO_AS_OF.year, DEMO_AS_OF, warning_window_days=30)
    assert len({id(r["months"]) for r in rows}) < len(rows)  # shared: the demo repeats its deadlines


def test_read_graph_default_is_used_by_a_store_without_one(demo_store):
    class Plain(CountingReads):
        read_graph = GraphStore.read_graph

    plain = Plain(demo_store)
    ctx = DiagnosisContext(plain, DEMO_AS_OF, DiagnosisConfig())
    assert set(ctx.nodes) == set(DiagnosisContext(demo_store, DEMO_AS_OF).nodes)
    assert plain.reads == 2  # iter_nodes and iter_edges, once each
