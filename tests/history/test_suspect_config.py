"""The trigger fields of CH001 come from the configuration (checks.suspect_fields), per kind."""

from __future__ import annotations

from pathlib import Path

from graph.app import Iqa
from graph.model import Edge, Node
from graph.settings import Settings


def findings(iqa: Iqa) -> list[tuple[str, str]]:
    return [(f.node, f.message_en) for f in iqa.check(rules=["CH001"]).findings]


def test_only_the_configured_fields_of_a_kind_trigger(tmp_path):
    Path("iqa.yaml").write_text("checks:\n  suspect_fields:\n    Target: [deadline]\n", encoding="utf-8")
    with Iqa(Settings(store=str(tmp_path / "s.sqlite"))) as iqa:
        store = iqa.store
        with store.transaction():
            store.upsert_nodes([Node("Target", "S1", {"name": "学校目标", "layer": "school", "deadline": "2026-12-31"}),
                                Node("Target", "D1", {"name": "部门目标", "layer": "department"}),
                                Node("Task", "K1", {"name": "任务", "status": "normal"}),
                                Node("Task", "K2", {"name": "子任务"})])
            store.upsert_edges([Edge("Target:S1", "decomposes_to", "Target:D1"),
                                Edge("Task:K1", "decomposes_to", "Task:K2")])
        store.upsert_nodes([Node("Target", "S1", {"name": "改名", "layer": "school", "deadline": "2026-12-31"})])
        store.upsert_nodes([Node("Task", "K1", {"name": "任务", "status": "warning"})])
        assert findings(iqa) == []  # a renamed target (not configured) and a status (never) trigger nothing
        store.upsert_nodes([Node("Target", "S1", {"name": "改名", "layer": "school", "deadline": "2027-06-30"})])
        assert [node for node, _ in findings(iqa)] == ["Target:D1"]
        assert "changed deadline in revision 4" in findings(iqa)[0][1]
        store.upsert_nodes([Node("Task", "K1", {"name": "任务改名", "status": "warning"})])  # Task: the defaults
        assert [node for node, _ in findings(iqa)] == ["Target:D1", "Task:K2"]
