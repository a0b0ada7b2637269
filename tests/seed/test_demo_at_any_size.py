"""``iqa demo --students N [--teachers M]``: the demo college grown by generated students and
teachers, keeping every code of the plain demo so that every example works at any size."""

from __future__ import annotations

from collections import Counter

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from graph.stores.embedded import EmbeddedStore
from seed.demo_college import build_demo_college
from seed.synthetic import grow_college


def test_grow_keeps_every_row_and_adds_what_was_asked():
    plain = build_demo_college()
    grown = grow_college(plain, students=120, teachers=7)
    for sheet, rows in plain.items():
        assert grown[sheet][:len(rows)] == rows  # every plain row kept, unchanged, in place
    added = {sheet: grown[sheet][len(plain[sheet]):] for sheet in grown}
    assert len(added["人员"]) == len(added["岗位"]) == 7
    assert Counter(r["层面"] for r in added["目标"]) == {"教师": 7, "学生": 120}
    assert len(added["任务"]) == 7 * 2 + 120
    codes = [r["编号"] for r in grown["目标"]]
    assert len(codes) == len(set(codes))
    assert grow_college(plain, 120, 7) == grown  # deterministic


def test_teachers_default_to_one_per_20_students_and_bad_counts_are_refused():
    grown = grow_college(build_demo_college(), students=100)
    assert sum(1 for r in grown["目标"] if r["层面"] == "教师" and str(r["编号"]).startswith("MB-JS-")) == 5
    with pytest.raises(ValueError):
        grow_college(build_demo_college(), students=-1)


def test_iqa_demo_students_loads_the_grown_college_and_the_plain_examples_still_answer(tmp_path):
    plain_path, grown_path = str(tmp_path / "plain.sqlite"), str(tmp_path / "grown.sqlite")
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", plain_path, "demo"]).exit_code == 0
    result = runner.invoke(cli, ["--store", grown_path, "demo", "--students", "150", "--teachers", "9"])
    assert result.exit_code == 0, result.output
    with EmbeddedStore(plain_path) as plain, EmbeddedStore(grown_path) as grown:
        plain_ids = {n.id for n in plain.iter_nodes()}
        grown_ids = {n.id for n in grown.iter_nodes()}
        assert plain_ids < grown_ids
        assert len(grown_ids - plain_ids) == 9 * 2 + 9 * 3 + 150 * 2  # people, posts; targets, tasks
        for nid in ("Target:MB-S01", "Indicator:ZK-58", "Task:RW-0002"):
            assert grown.get_node(nid) == plain.get_node(nid)
    for args in (["owner", "ZK-58", "--format", "json"], ["trace", "MB-S01", "--depth", "2", "--format", "json"]):
        a = runner.invoke(cli, ["--store", plain_path, *args])
        b = runner.invoke(cli, ["--store", grown_path, *args])
        assert a.exit_code == b.exit_code == 0 and a.output == b.output
