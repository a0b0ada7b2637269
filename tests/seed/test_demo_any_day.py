"""The demo tells the same story whatever day it is built: ``iqa demo`` sets its dates relative to
the build day (or ``--as-of``), and ``iqa check`` / ``iqa diagnose`` without ``--as-of`` count the
same findings as ``iqa demo`` printed (one default as-of date everywhere: today)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from cli.main import app
from graph.checks import run_checks
from graph.services.diagnosis import diagnose
from graph.stores.embedded import EmbeddedStore
from seed.demo import demo_as_of, load_demo


def _story(day: dt.date) -> tuple[list, dict]:
    """The findings (rule, node) and the diagnosis summary of a demo built for ``day``, at ``day``."""
    with EmbeddedStore(None) as store:
        load_demo(store, as_of=day)
        findings = sorted((f.rule, f.node) for f in run_checks(store, as_of=day).findings)
        summary = diagnose(store, as_of=day).to_dict()["summary"]
    return findings, summary


@pytest.mark.slow
@pytest.mark.parametrize("day", [dt.date(2027, 6, 15), dt.date(2028, 2, 29)])
def test_a_demo_built_on_another_day_tells_the_same_story(day):
    assert _story(day) == _story(demo_as_of())


def test_dates_move_by_the_days_between(tmp_path):
    with EmbeddedStore(None) as first, EmbeddedStore(None) as later:
        load_demo(first)
        load_demo(later, as_of=demo_as_of() + dt.timedelta(days=400))
        a, b = first.get_node("Task:RW-9903"), later.get_node("Task:RW-9903")
    assert dt.date.fromisoformat(b.props["deadline"]) - dt.date.fromisoformat(a.props["deadline"]) == dt.timedelta(400)


@pytest.mark.slow
def test_iqa_demo_and_check_and_diagnose_agree_on_the_default_day(tmp_path):
    store = str(tmp_path / "demo.sqlite")
    runner = CliRunner()
    demo = runner.invoke(app, ["--store", store, "demo"])
    assert demo.exit_code == 0, demo.output
    today = dt.date.today().isoformat()
    assert f"as of {today}" in demo.output
    check = json.loads(runner.invoke(app, ["--store", store, "check", "--format", "json"]).stdout)
    assert check["summary"]["as_of"] == today
    shown = re.search(r"check summary \(as of (\S+)\)", demo.output)
    assert shown and shown.group(1) == today
    expected, _ = _story(demo_as_of())
    assert sorted((f["rule"], f["node"]) for f in check["findings"]) == expected
    diagnosis = json.loads(runner.invoke(app, ["--store", store, "diagnose", "--format", "json"]).stdout)
    assert diagnosis["as_of"] == today and diagnosis["summary"] == _story(demo_as_of())[1]
