"""Data is printed as written: names and codes that look like terminal markup (``[/red]``,
``[layer]``) come out literally in every table and tree, and a decomposition cycle neither hangs
nor crashes trace, impact, owner, check or diagnose (trace marks the node seen again)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore

RED = "学生[/red]发展目标"
ALIAS = "[layer] 专业建设"


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "m.sqlite"
    with EmbeddedStore(path) as store:
        store.upsert_nodes([
            Node("OrgUnit", "D1", {"name": "[bold]教务处", "type": "functional_office"}),
            Node("Target", "T1", {"name": RED, "layer": "school", "deadline": "2025-12-31"}),
            Node("Target", "T2", {"name": ALIAS, "layer": "department", "deadline": "2025-12-31"}),
            Node("Task", "K1", {"name": "[red]任务", "task_kind": "A", "deadline": "2025-06-30"}),
        ])
        store.upsert_edges([
            Edge("Target:T1", "decomposes_to", "Target:T2"),
            Edge("Target:T2", "decomposes_to", "Target:T1"),  # a cycle, as a loaded workbook may hold
            Edge("Target:T2", "implemented_by", "Task:K1"),
            Edge("Target:T1", "led_by", "OrgUnit:D1"),
        ])
    return str(path)


def run(store_path, *args):
    result = CliRunner().invoke(cli, ["--store", store_path, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_trace_prints_markup_like_names_literally_and_marks_the_node_seen_again(store_path):
    result = run(store_path, "trace", "T1")
    assert result.exit_code == 0, result.output
    assert RED in result.output and ALIAS in result.output and "[red]任务" in result.output
    assert "见上 / shown above" in result.output  # the cycle back to T1 is marked, not followed


def test_impact_owner_and_check_print_data_literally_and_terminate_on_a_cycle(store_path):
    impact = run(store_path, "impact", "T1")
    assert impact.exit_code == 0 and ALIAS in impact.output and "[bold]教务处" in impact.output, impact.output
    owner = run(store_path, "owner", "T2")
    assert owner.exit_code == 0 and "[bold]教务处" in owner.output, owner.output
    check = run(store_path, "check", "--exit-zero", "--as-of", "2025-01-01")
    assert check.exit_code == 0 and "TC005" in check.output, check.output


def test_diagnose_terminates_on_a_cycle(store_path):
    result = run(store_path, "diagnose", "--as-of", "2025-01-01")
    assert result.exit_code == 0, result.output
