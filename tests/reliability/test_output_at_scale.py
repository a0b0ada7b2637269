"""Output at scale: ``iqa check`` prints the summary by rule and by unit and only the first 50
findings (``--limit N``, ``--all``); ``iqa trace`` shows 3 levels by default and says what it cut."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore

TASKS = 70  # isolated tasks: one TK001 error each, more than the table's default 50


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "s.sqlite"
    with EmbeddedStore(path) as store:
        store.upsert_nodes([Node("OrgUnit", "D1", {"name": "教务处", "type": "functional_office"})]
                           + [Node("Task", f"K{i:03}", {"name": f"任务{i}", "task_kind": "A"}) for i in range(TASKS)]
                           + [Node("Target", f"T{i}", {"name": f"目标{i}", "layer": "school"}) for i in range(6)])
        # a chain T0 → T1 → … → T5: six levels below T0
        store.upsert_edges([Edge(f"Target:T{i}", "decomposes_to", f"Target:T{i + 1}") for i in range(5)]
                           + [Edge("Target:T0", "led_by", "OrgUnit:D1")]
                           + [Edge(f"Task:K{i:03}", "led_by", "OrgUnit:D1") for i in range(TASKS)])
    return str(path)


def run(store_path, *args):
    return CliRunner().invoke(cli, ["--store", store_path, *args], env={"COLUMNS": "200"})


def finding_rows(output: str) -> int:
    """Rows of the findings table (each starts with a rule id)."""
    table = output.split("检查结果 findings", 1)[1]
    return len(re.findall(r"^│ [A-Z]{2}\d{3} ", table, re.M))


def test_check_table_shows_summaries_and_the_first_50_findings(store_path):
    result = run(store_path, "check", "--exit-zero", "--as-of", "2025-01-01")
    assert result.exit_code == 0, result.output
    assert "检查汇总 check summary" in result.output and "by unit" in result.output
    assert "教务处" in result.output
    assert finding_rows(result.output) == 50
    total = len(json.loads(run(store_path, "check", "--format", "json", "--as-of", "2025-01-01").output)["findings"])
    assert total > 50
    assert f"showing the first 50 of {total} findings" in result.output


def test_check_limit_and_all(store_path):
    few = run(store_path, "check", "--exit-zero", "--limit", "5", "--as-of", "2025-01-01")
    assert finding_rows(few.output) == 5 and "showing the first 5 of" in few.output
    every = run(store_path, "check", "--exit-zero", "--all", "--as-of", "2025-01-01")
    total = len(json.loads(run(store_path, "check", "--format", "json", "--as-of", "2025-01-01").output)["findings"])
    assert finding_rows(every.output) == total and "showing the first" not in every.output


def test_check_still_exits_1_on_errors(store_path):
    assert run(store_path, "check", "--as-of", "2025-01-01").exit_code == 1


def test_trace_shows_three_levels_and_says_what_it_cut(store_path):
    result = run(store_path, "trace", "T0")
    assert result.exit_code == 0, result.output
    assert "T3" in result.output and "T4" not in result.output
    assert "cut at depth 3: 1 entries below 1 nodes not shown" in result.output
    full = run(store_path, "trace", "T0", "--all")
    assert "T5" in full.output and "cut at depth" not in full.output
    assert "T4" in run(store_path, "trace", "T0", "--depth", "4").output


def test_trace_json_keeps_every_level_by_default(store_path):
    tree = json.loads(run(store_path, "trace", "T0", "--format", "json").output)
    depth = 0
    while tree["children"]:
        tree, depth = tree["children"][0], depth + 1
    assert depth == 5
