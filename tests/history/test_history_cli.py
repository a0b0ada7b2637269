"""The change-over-time scenario through the command line, as a user runs it: load a workbook,
load a second version in which one school target and one standard were renamed, and see the
suspect links, the log, the diff, a review and the graph of the first load."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from graph.stores.embedded import EmbeddedStore
from tests.history.workbooks import CHANGED_STANDARD, CHANGED_TARGET, two_versions

#: (edge type, direction seen from the parent) of the links whose child becomes suspect.
CHILD_STEPS = (("decomposes_to", "out"), ("implemented_by", "out"), ("includes", "out"),
               ("governed_by", "in"), ("measures", "in"))


def run(store: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--store", store, *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def ch001(store: str) -> list[dict]:
    return json.loads(run(store, "check", "--rule", "CH001", "--format", "json", "--exit-zero"))["findings"]


def direct_children(path: str, parent: str) -> set[str]:
    with EmbeddedStore(path) as s:
        return {n.id for t, d in CHILD_STEPS for _, n in s.neighbors(parent, [t], d)}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = tmp_path_factory.mktemp("history")
    v1, v2 = two_versions(root)
    store = str(root / "iqa.sqlite")
    run(store, "load", str(v1))
    run(store, "load", str(v2))
    return store, v1, v2


def test_exactly_the_direct_children_of_the_two_changed_nodes_are_suspect(scenario):
    store, _, _ = scenario
    target, standard = f"Target:{CHANGED_TARGET}", f"Standard:{CHANGED_STANDARD}"
    expected = {(c, target) for c in direct_children(store, target)}
    expected |= {(c, standard) for c in direct_children(store, standard)}
    assert len(expected) >= 4
    found = ch001(store)
    got = {(f["node"], parent) for f in found for parent in (target, standard) if parent in f["message_en"]}
    assert got == expected and len(found) == len(expected)
    for f in found:
        assert f["severity"] == "warning" and "revision 2" in f["message_en"] and "name" in f["message_en"]
        assert "第 2 版修订" in f["message"] and "名称" in f["message"]
        owner = json.loads(run(store, "owner", f["node"], "--format", "json"))
        assert f["owner"]["unit"]["id"] == owner["owner"]["unit"]["id"]  # routed to the child's own unit
    assert len({f["owner"]["unit"]["id"] for f in found}) > 1


def test_log_lists_the_loads_and_diff_names_both_changed_nodes(scenario):
    store, _, _ = scenario
    log = json.loads(run(store, "log", "--format", "json"))["revisions"]
    assert [r["rev"] for r in log] == [2, 1]
    assert log[0]["changes"] == {"nodes_added": 0, "nodes_changed": 2, "nodes_removed": 0,
                                 "edges_added": 0, "edges_removed": 0}
    assert log[1]["changes"]["nodes_added"] > 2000 and log[1]["changes"]["edges_added"] > 5000
    assert {"at", "who", "source", "files"} <= set(log[0]) and log[0]["source"] == "iqa load"
    assert all(len(f["sha256"]) == 64 for f in log[0]["files"]) and log[0]["files"]
    diff = json.loads(run(store, "diff", "--format", "json"))
    assert (diff["from"], diff["to"]) == (1, 2)
    assert {c["id"] for c in diff["nodes"]["changed"]} == {f"Target:{CHANGED_TARGET}", f"Standard:{CHANGED_STANDARD}"}
    for c in diff["nodes"]["changed"]:
        before, after = c["fields"]["name"]
        assert after == f"{before}（修订）"
    assert diff["nodes"]["added"] == diff["nodes"]["removed"] == []
    assert diff["edges"] == {"added": [], "removed": []}
    history = json.loads(run(store, "history", f"Target:{CHANGED_TARGET}", "--format", "json"))
    assert [(v["rev"], v["op"]) for v in history["versions"]] == [(1, "added"), (2, "changed")]
    assert list(history["versions"][1]["fields"]) == ["name"]


def test_check_at_1_shows_the_first_load(scenario):
    store, _, _ = scenario
    then = json.loads(run(store, "trace", CHANGED_TARGET, "--depth", "0", "--at", "1", "--format", "json"))
    now = json.loads(run(store, "trace", CHANGED_TARGET, "--depth", "0", "--format", "json"))
    assert now["name"] == f"{then['name']}（修订）"
    at1 = json.loads(run(store, "check", "--format", "json", "--exit-zero", "--at", "1"))
    assert not [f for f in at1["findings"] if f["rule"] == "CH001"]
    now_all = json.loads(run(store, "check", "--format", "json", "--exit-zero"))
    assert [f for f in now_all["findings"] if f["rule"] != "CH001"] == at1["findings"]


def test_reload_changes_nothing_and_a_review_clears_only_its_findings(tmp_path):
    v1, v2 = two_versions(tmp_path)
    store = str(tmp_path / "iqa.sqlite")
    run(store, "load", str(v1))
    run(store, "load", str(v2))
    before = ch001(store)
    run(store, "load", str(v2))
    assert [r["rev"] for r in json.loads(run(store, "log", "--format", "json"))["revisions"]] == [2, 1]
    assert ch001(store) == before
    child = before[0]["node"]
    mine = [f for f in before if f["node"] == child]
    reviewed = json.loads(run(store, "review", child, "--format", "json"))
    assert reviewed["rev"] == 3 and len(reviewed["reviewed"]) == len(mine)
    after = ch001(store)
    assert after == [f for f in before if f["node"] != child]
    log = json.loads(run(store, "log", "--format", "json"))["revisions"]
    assert log[0]["source"] == "review" and log[0]["changes"]["nodes_changed"] == 0
    run(store, "baseline", "2025年度诊改基线")
    base = json.loads(run(store, "diff", "2025年度诊改基线", "1", "--format", "json"))
    assert {c["id"] for c in base["nodes"]["changed"]} == {f"Target:{CHANGED_TARGET}", f"Standard:{CHANGED_STANDARD}"}
