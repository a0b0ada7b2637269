"""``iqa export --format xlsx -o FILE``: the whole graph as a workbook of the contract, which
loaded into an empty store gives the same graph — the same stats, check findings, owners and
traces (issue: the workbook out and back)."""

from __future__ import annotations

import json

import pytest
from ingest_helpers import college, snapshot, write_xlsx
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from graph.stores.embedded import EmbeddedStore
from ingest import load_paths
from ingest.export_workbook import export_workbook
from ingest.sheets import SHEETS


def _json(runner: CliRunner, store: str, *args: str):
    result = runner.invoke(app, ["--store", store, *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output  # check exits 1 when it finds errors
    return json.loads(result.stdout)


@pytest.mark.slow
def test_the_demo_goes_out_and_back_the_same(tmp_path):
    runner = CliRunner()
    demo, copy = str(tmp_path / "demo.sqlite"), str(tmp_path / "copy.sqlite")
    assert runner.invoke(app, ["--store", demo, "demo", "--as-of", "2025-12-31"]).exit_code == 0
    out = runner.invoke(app, ["--store", demo, "export", "--format", "xlsx", "-o", str(tmp_path / "graph.xlsx")])
    assert out.exit_code == 0, out.output
    assert "warning" not in out.output  # within the default limits of `iqa load`
    assert load_workbook(tmp_path / "graph.xlsx", read_only=True).sheetnames == [s.zh for s in SHEETS]
    loaded = runner.invoke(app, ["--store", copy, "load", str(tmp_path / "graph.xlsx")])
    assert loaded.exit_code == 0, loaded.output
    assert "warning" not in loaded.output  # every column is one the loader knows
    assert _json(runner, copy, "stats") == _json(runner, demo, "stats")
    assert _json(runner, copy, "check", "--as-of", "2025-12-31") == _json(runner, demo, "check", "--as-of", "2025-12-31")
    with EmbeddedStore(demo) as store:
        indicators = sorted(n.code for n in store.iter_nodes("Indicator"))
        goals = sorted(n.code for n in store.iter_nodes("Target") if n.props.get("layer") == "school")
        units = sorted(n.code for n in store.iter_nodes("OrgUnit"))
    for code in indicators[::5]:  # every fifth: owners explicit and inherited
        assert _json(runner, copy, "owner", code) == _json(runner, demo, "owner", code)
    for code in goals[:3]:
        assert _json(runner, copy, "trace", code) == _json(runner, demo, "trace", code)
    with EmbeddedStore(demo) as a, EmbeddedStore(copy) as b:
        assert snapshot(a) == snapshot(b) and len(units) > 10


def test_every_sheet_of_the_contract_comes_back(workdir):
    """The small college of the ingest tests fills every sheet (诊断, 程序文件, 职责 …)."""
    write_xlsx("college.xlsx", college())
    with EmbeddedStore(None) as first, EmbeddedStore(None) as second:
        load_paths(first, ["college.xlsx"])
        counts = export_workbook(first, "out.xlsx")
        assert all(counts[s.zh] > 0 for s in SHEETS), counts
        report = load_paths(second, ["out.xlsx"])
        assert report.problems == [] and report.warnings == []
        assert snapshot(second) == snapshot(first)


def test_properties_without_a_column_come_back_in_their_own_column(workdir):
    write_xlsx("t.xlsx", {"目标": [["编号", "名称", "层面", "备注"], ["T1", "目标一", "学校", "重点"]]})
    with EmbeddedStore(None) as first, EmbeddedStore(None) as second:
        load_paths(first, ["t.xlsx"])
        export_workbook(first, "out.xlsx")
        load_paths(second, ["out.xlsx"])
        assert second.get_node("Target:T1").props == first.get_node("Target:T1").props
        assert first.get_node("Target:T1").props["备注"] == "重点"


def test_an_export_over_the_load_limits_says_so_and_the_load_says_why(tmp_path, monkeypatch):
    # A large college's export can hold more rows in a sheet than `iqa load` takes by default: the
    # export is written, with a warning naming the sheet and the setting; the load refuses it
    # with the same reason, and loads it once the limit is raised.
    runner = CliRunner()
    demo, copy, book = str(tmp_path / "demo.sqlite"), str(tmp_path / "copy.sqlite"), str(tmp_path / "graph.xlsx")
    assert runner.invoke(app, ["--store", demo, "demo", "--as-of", "2025-12-31"]).exit_code == 0
    assert runner.invoke(app, ["--store", demo, "export", "--format", "xlsx", "-o", book]).exit_code == 0
    sheets = load_workbook(book, read_only=True)
    longest = max(sheets.sheetnames, key=lambda name: sheets[name].max_row)
    rows, part = sheets[longest].max_row, f"xl/worksheets/sheet{sheets.sheetnames.index(longest) + 1}.xml"
    sheets.close()
    monkeypatch.setenv("IQA_LIMITS", json.dumps({"max_rows": rows - 1}))
    out = runner.invoke(app, ["--store", demo, "export", "--format", "xlsx", "-o", book])
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())
    assert "warning: `iqa load` with this configuration would refuse it" in said
    assert f"graph.xlsx {longest} ({part}): the sheet reaches row {rows:,}" in said
    assert f"the limit is {rows - 1:,} rows" in said and "raise limits.max_rows" in said
    refused = runner.invoke(app, ["--store", copy, "load", book])
    assert refused.exit_code != 0 and f"graph.xlsx {longest} ({part})" in " ".join(refused.output.split())
    assert not (tmp_path / "copy.sqlite").exists() or _json(runner, copy, "stats")["nodes"] == 0
    monkeypatch.setenv("IQA_LIMITS", json.dumps({"max_rows": rows}))
    again = runner.invoke(app, ["--store", copy, "load", book])
    assert again.exit_code == 0, again.output
    assert _json(runner, copy, "stats") == _json(runner, demo, "stats")


def test_xlsx_export_needs_a_file(tmp_path):
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "s.sqlite"), "export", "--format", "xlsx"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "-o FILE" in result.output


def _plain_codes(store, node_id: str, col) -> list[str]:
    """A reference column's codes read per row from the store (``neighbors``): the definition the
    exporter's one-read-per-edge-type lookup must agree with."""
    direction = "in" if col.incoming else "out"
    found = [other for _, other in store.neighbors(node_id, (col.edge,), direction) if other.kind in col.refs]
    return [n.code for n in sorted(found, key=lambda n: n.id)]


def test_reference_cells_read_per_edge_type_equal_the_per_row_reads(monkeypatch):
    from ingest import export_workbook as ex
    from seed.demo import load_demo
    from seed.synthetic import generate_college
    from ingest import load_sheets

    for fill in (load_demo, lambda s: load_sheets(s, generate_college(300, 30), source="synthetic")):
        store = EmbeddedStore(None)
        fill(store)
        fast = [(spec.zh, headers, rows) for spec, headers, rows in ex.workbook_rows(store)]
        with monkeypatch.context() as m:
            m.setattr(ex._Refs, "codes", lambda self, node_id, col: _plain_codes(self.store, node_id, col))
            plain = [(spec.zh, headers, rows) for spec, headers, rows in ex.workbook_rows(store)]
        assert fast == plain
        cells = [c for _, _, rows in fast for row in rows for c in row if isinstance(c, str) and "、" in c]
        assert cells  # several references in one cell are among those compared
        store.close()
