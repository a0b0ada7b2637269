"""A diagnosis under another low-achievement threshold derived from a kept one
(``with_low_threshold``, used by ``Iqa`` for the UI's slider and ``?low_threshold=``) equals a
fresh diagnosis under that threshold, and leaves the one it came from as it was: on the demo
college and on random graphs (cycles, several parents, weights, owners of every kind)."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest

import graph.app
from diag_helpers import DEMO_AS_OF
from graph.app import Iqa
from graph.errors import ValidationError
from graph.services.diagnosis import DiagnosisConfig, diagnose, restrict, with_low_threshold
from graph.settings import Settings
from test_diag_index_paths import AS_OF, random_store

THRESHOLDS = (0.0, 0.35, 0.6, 0.8, 0.95, 1.0)


def _json(d) -> str:
    return json.dumps(d.to_dict(), ensure_ascii=False, sort_keys=True, default=str)


@pytest.mark.parametrize("judge_not_due", [False, True])
def test_on_the_demo_each_threshold_derived_equals_a_fresh_diagnosis(demo_store, judge_not_due):
    config = DiagnosisConfig(judge_not_due=judge_not_due)
    base = diagnose(demo_store, as_of=DEMO_AS_OF, config=config)
    before = _json(base)
    low_counts = set()
    for t in THRESHOLDS:
        fresh = diagnose(demo_store, as_of=DEMO_AS_OF, config=dataclasses.replace(config, low_threshold=t))
        derived = with_low_threshold(base, t)
        assert _json(derived) == _json(fresh), t
        assert derived.to_dict()["config"]["low_threshold"] == t
        low_counts.add(sum(1 for w in fresh.warnings + fresh.absorbed if w.kind == "low_achievement"))
    assert _json(base) == before  # the kept diagnosis is unchanged by what was derived from it
    if judge_not_due:  # on the demo's date few targets are due: judged all, the thresholds change the warnings
        assert len(low_counts) > 2


def test_a_derived_diagnosis_derives_again_and_cuts_for_a_unit(demo_store):
    config = DiagnosisConfig(low_threshold=0.9, judge_not_due=True)
    base = diagnose(demo_store, as_of=DEMO_AS_OF, config=config)
    again = with_low_threshold(with_low_threshold(base, 0.2), 0.75)
    fresh = diagnose(demo_store, as_of=DEMO_AS_OF, config=dataclasses.replace(config, low_threshold=0.75))
    assert _json(again) == _json(fresh)
    unit = next(c["unit"]["id"] for c in fresh.scorecards if c["unit"]["id"] and c["warnings"]["total"])
    node = demo_store.get_node(unit)
    assert _json(restrict(again, node)) == _json(restrict(fresh, node))
    with pytest.raises(ValidationError):
        with_low_threshold(restrict(base, node), 0.5)


@pytest.mark.parametrize("seed", range(16))
def test_on_random_graphs_the_derived_diagnosis_equals_a_fresh_one(seed):
    rng = random.Random(seed)
    store = random_store(300 + seed, size=80)
    config = DiagnosisConfig(judge_not_due=bool(seed % 2), low_threshold=rng.choice(THRESHOLDS))
    base = diagnose(store, as_of=AS_OF, config=config)
    before = _json(base)
    for t in rng.sample(THRESHOLDS, 3) + [round(rng.random(), 3)]:
        fresh = diagnose(store, as_of=AS_OF, config=dataclasses.replace(config, low_threshold=t))
        assert _json(with_low_threshold(base, t)) == _json(fresh), (seed, t)
    assert _json(base) == before


def test_the_core_object_derives_a_threshold_from_the_kept_diagnosis(demo_store, tmp_path, monkeypatch):
    runs = []
    real = graph.app.diagnose

    def counted(*args, **kwargs):
        runs.append(kwargs.get("config"))
        return real(*args, **kwargs)

    monkeypatch.setattr(graph.app, "diagnose", counted)
    core = Iqa(Settings(store=":memory:", audit_log=str(tmp_path / "audit.jsonl")), store=demo_store)
    first = core.diagnosis_data(as_of=DEMO_AS_OF, low_threshold=0.6)
    assert len(runs) == 1
    for t in (0.8, 0.3, 0.6):
        got = core.diagnosis_data(as_of=DEMO_AS_OF, low_threshold=t)
        want = diagnose(demo_store, as_of=DEMO_AS_OF, config=DiagnosisConfig(low_threshold=t),
                        rule_config=core.rules).to_dict()
        assert got == want, t
    assert len(runs) == 1  # each threshold came from the first diagnosis
    assert core.diagnosis_data(as_of=DEMO_AS_OF, low_threshold=0.6) is first
    core.diagnosis_data(as_of=DEMO_AS_OF, low_threshold=0.6, judge_not_due=True)
    assert len(runs) == 2  # another setting than the threshold: diagnosed again
