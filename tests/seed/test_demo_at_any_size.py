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


def test_the_demo_trace_reads_a_page_per_node_and_prints_what_the_whole_chain_gives(tmp_path, monkeypatch):
    # The demo prints one branch per level of a school goal's chain (cli.render.focus_trace). It reads
    # the first DEMO_TRACE_LIMIT children of each node, not the whole chain (at 400,000 students 0.3 s
    # instead of 36 s and 2.3 GB), and prints what the whole chain gives: the same branch, and
    # "… N more below" counting the children the page cut as well as those left out. When no branch
    # among the first children reaches a teacher, the whole chain is read.
    import cli.graph_cmd as graph_cmd
    from graph.app import Iqa

    asked = []
    whole_trace = Iqa.trace

    def spy(self, node, direction="down", depth=None, limit=None):
        asked.append(limit)
        return whole_trace(self, node, direction, depth, limit)

    monkeypatch.setattr(Iqa, "trace", spy)
    runner = CliRunner()
    printed = {}
    # None: the whole chain; the default (50); 3: MB-S01's fourth child is the first that reaches a teacher
    for limit, store in ((None, "a"), (graph_cmd.DEMO_TRACE_LIMIT, "b"), (3, "c")):
        monkeypatch.setattr(graph_cmd, "DEMO_TRACE_LIMIT", limit)
        asked.clear()
        path = str(tmp_path / f"{store}.sqlite")
        result = runner.invoke(cli, ["--store", path, "demo", "--students", "150", "--teachers", "9",
                                     "--as-of", "2026-12-03"])
        assert result.exit_code == 0, result.output
        printed[limit] = result.output.replace(path, "STORE")
        assert asked == ([None] if limit is None else [limit] if limit == 50 else [limit, None])
    assert printed[50] == printed[None] == printed[3]
    assert "more below" in printed[50] and "教师" in printed[50]


def test_focus_counts_what_the_page_cut_and_what_it_left_out(tmp_path):
    from cli.render import focus_trace, reaches
    from graph.services.trace import trace

    task = {"kind": "Task", "layer": None, "children": []}
    teacher = {"id": "T", "layer": "teacher", "children": [task, task, task], "truncated": 4}
    tree = {"id": "S", "layer": "school", "truncated": 5,
            "children": [{"id": "D0", "layer": "department", "children": []}, teacher]}
    focused = focus_trace(tree)
    assert focused["truncated"] == 5 + 1  # cut by the page, and D0 (reaches no teacher) left out
    assert focused["children"][0]["truncated"] == 4 + 1  # two tasks shown of the 3 read and 4 cut
    assert reaches(tree) and not reaches(tree["children"][0])
    # on a grown college: pages of 10 to 15 children per node (MB-D-XB01-4 has 16) print what the
    # whole chain prints
    store_path = tmp_path / "grown.sqlite"
    assert CliRunner().invoke(cli, ["--store", str(store_path), "demo", "--students", "150", "--teachers", "9",
                                    "--as-of", "2026-12-03"]).exit_code == 0
    with EmbeddedStore(store_path) as store:
        goal = store.get_node("Target:MB-S01")
        whole = focus_trace(trace(store, goal))
        for limit in (10, 12, 15):
            paged = trace(store, goal, limit=limit)
            assert any(e.get("truncated") for e in _entries(paged))  # the page did cut
            assert _shown(focus_trace(paged)) == _shown(whole)


def _entries(tree):
    yield tree
    for child in tree.get("children", []):
        yield from _entries(child)


def _shown(tree):
    """What the printed tree shows of each entry: its id and how many more are below it."""
    return [(e.get("id"), e.get("truncated", 0)) for e in _entries(tree)]
