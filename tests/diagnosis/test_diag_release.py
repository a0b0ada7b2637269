"""A diagnosis frees its snapshot once nobody holds it: no reference cycle keeps the context alive
for the cyclic collector to find. In the API a whole-graph result is built with the collector
paused and frozen afterwards (graph.gcpause), so a cycle left by a run is never collected: each
diagnosis after an edit would keep a whole snapshot (about 1.5 GB at 100,000 students)."""

from __future__ import annotations

from diag_helpers import DEMO_AS_OF
from graph.services.diagnosis import DiagnosisConfig, core, with_low_threshold
from tests.gc_release import instances_watched


def test_a_diagnosis_and_what_was_derived_from_it_leave_no_cycle(demo_store, monkeypatch):
    with instances_watched(monkeypatch, core, "DiagnosisContext") as made:
        d = core.diagnose(demo_store, as_of=DEMO_AS_OF, config=DiagnosisConfig(judge_not_due=True))
        assert d.absorbed and d.warnings  # absorption ran (its walk below each warning)
        other = with_low_threshold(d, 0.9)
        d.explain(other.warnings[0].node.id)  # the roll-up's nested walk
        d.to_dict()
        assert len(made) == 1 and made[0]() is not None
        del d, other
        assert made[0]() is None
