"""``iqa load --dry-run`` (and the UI's check before loading, ``ingest.upload.check_load``) write
nothing and say what the load would change: nodes added, nodes changed field by field, edges added
and removed."""

from __future__ import annotations

from ingest_helpers import snapshot, write_csv
from typer.testing import CliRunner

from cli.main import app
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore
from ingest import load_paths
from ingest.upload import check_load


def _seed(path) -> None:
    with EmbeddedStore(path) as store:
        store.upsert_nodes([Node("OrgUnit", "JWC", {"name": "教务处", "type": "functional_office"}),
                            Node("OrgUnit", "XB01", {"name": "机械工程系", "type": "teaching_unit"}),
                            Node("Standard", "S1", {"name": "专业建设标准", "layer": "major"})])
        store.upsert_edges([Edge("Standard:S1", "led_by", "OrgUnit:JWC")])


def _workbook() -> None:
    """S1's lead unit moves from 教务处 to 机械工程系, its name changes; a new standard S2."""
    write_csv("标准.csv", [["编号", "名称", "层面", "牵头部门"], ["S1", "专业建设标准（修订）", "专业", "机械工程系"],
                          ["S2", "课程建设标准", "课程", "教务处"]])


def test_dry_run_lists_the_changes_and_writes_nothing(workdir):
    _seed(workdir / "s.sqlite")
    _workbook()
    with EmbeddedStore(workdir / "s.sqlite") as store:
        before = snapshot(store)
        report = load_paths(store, ["标准.csv"], dry_run=True)
        assert snapshot(store) == before
    assert report.dry_run and report.changes is not None
    assert report.changes.to_dict() == {
        "nodes_added": ["Standard:S2"],
        "nodes_changed": [{"id": "Standard:S1", "fields": {"name": {"before": "专业建设标准", "after": "专业建设标准（修订）"}}}],
        "edges_added": [{"source": "Standard:S1", "type": "led_by", "target": "OrgUnit:XB01"},
                        {"source": "Standard:S2", "type": "led_by", "target": "OrgUnit:JWC"}],
        "edges_removed": [{"source": "Standard:S1", "type": "led_by", "target": "OrgUnit:JWC"}],
    }
    assert report.changes.changes_existing
    with EmbeddedStore(workdir / "s.sqlite") as store:  # the real load does what the dry run said
        real = load_paths(store, ["标准.csv"])
        assert (real.nodes_written, real.edges_written, real.edges_removed) == (2, 2, 1)
        assert real.changes is None and not real.dry_run
        again = load_paths(store, ["标准.csv"], dry_run=True).changes.to_dict()
    assert again == {"nodes_added": [], "nodes_changed": [], "edges_added": [], "edges_removed": []}


def test_iqa_load_dry_run_prints_each_change(workdir):
    _seed(workdir / "s.sqlite")
    _workbook()
    with EmbeddedStore(workdir / "s.sqlite") as store:
        before = snapshot(store)
    result = CliRunner().invoke(app, ["--store", str(workdir / "s.sqlite"), "load", "--dry-run", "标准.csv"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "dry run — nothing written" in out and "add 1 nodes, change 1 nodes, add 2 edges and remove 1 edges" in out
    assert "change Standard:S1 name: '专业建设标准' → '专业建设标准（修订）'" in out
    assert "remove edge Standard:S1 -led_by-> OrgUnit:JWC" in out
    with EmbeddedStore(workdir / "s.sqlite") as store:
        assert snapshot(store) == before


def test_check_load_of_an_upload_carries_the_changes(workdir):
    _seed(workdir / "s.sqlite")
    _workbook()
    with EmbeddedStore(workdir / "s.sqlite") as store:
        before = snapshot(store)
        report = check_load(store, [("标准.csv", workdir / "标准.csv")])
        assert snapshot(store) == before
    assert report.dry_run and report.changes.nodes_added == ["Standard:S2"]
    assert report.to_dict()["changes"]["edges_removed"] == [{"source": "Standard:S1", "type": "led_by",
                                                             "target": "OrgUnit:JWC"}]
