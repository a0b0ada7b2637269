"""The CLI's conventions: ``--format`` takes only its listed choices (anything else is a usage
error, exit 2, before the store is opened); ``-o -`` sends the file to standard output with the
status line on standard error, so stdout holds only the result."""

from __future__ import annotations

import io
import zipfile

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from graph.model import Node
from graph.stores.embedded import EmbeddedStore


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "m.sqlite"
    with EmbeddedStore(path) as store:
        store.upsert_nodes([Node("OrgUnit", "D1", {"name": "教务处", "type": "functional_office"}),
                            Node("Target", "T1", {"name": "学生发展目标", "layer": "school", "deadline": "2025-12-31"})])
    return str(path)


@pytest.mark.parametrize("command", [["check"], ["trace", "T1"], ["owner", "T1"], ["impact", "T1"], ["export"],
                                     ["stats"], ["diagnose"]])
def test_an_unknown_format_is_a_usage_error(store_path, command):
    result = CliRunner().invoke(cli, ["--store", store_path, *command, "--format", "bogus"])
    assert result.exit_code == 2, result.output
    assert "bogus" in result.output and "--format" in result.output


@pytest.mark.parametrize("command", [["check", "--format", "xlsx", "--exit-zero"],
                                     ["diagnose", "--format", "xlsx", "--as-of", "2025-12-31"],
                                     ["rectify", "export", "--as-of", "2025-12-31"]])
def test_dash_output_writes_the_workbook_to_stdout_and_the_status_to_stderr(store_path, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--store", store_path, *command, "-o", "-"])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(io.BytesIO(result.stdout_bytes)).namelist()  # a whole xlsx, nothing else
    assert "wrote standard output" in result.stderr
    assert not (tmp_path / "-").exists()


def test_dash_output_of_export_is_the_turtle_alone(store_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--store", store_path, "export", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("@prefix") and "学生发展目标" in result.stdout
    assert not (tmp_path / "-").exists()


def test_load_dash_reads_a_workbook_from_standard_input(store_path, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "部门"
    ws.append(["编号", "名称", "类型"])
    ws.append(["D9", "质控办", "职能部门"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = CliRunner().invoke(cli, ["--store", store_path, "load", "-"], input=buffer.getvalue())
    assert result.exit_code == 0, result.output
    with EmbeddedStore(store_path) as store:
        assert store.get_node("OrgUnit:D9").props["name"] == "质控办"
    bad = CliRunner().invoke(cli, ["--store", store_path, "load", "-"], input="编号,名称\nD8,教务处\n".encode())
    assert bad.exit_code == 5 and "<stdin>" in bad.stderr and "not an .xlsx workbook" in bad.stderr


def test_files_the_cli_writes_are_private(tmp_path, monkeypatch):
    """Workbooks and reports name people: a new output file is created readable by its owner only."""
    import os
    import stat

    from typer.testing import CliRunner

    from cli.main import app
    from graph.app import Iqa
    from graph.settings import Settings
    from seed.demo import load_demo

    store = str(tmp_path / "s.sqlite")
    with Iqa(Settings(store=store, audit_log=str(tmp_path / "a.jsonl"))) as iqa:
        load_demo(iqa.store)
    monkeypatch.chdir(tmp_path)
    for args, name in ((["export", "--format", "xlsx", "-o"], "all.xlsx"),
                       (["export", "--format", "ttl", "-o"], "all.ttl"),
                       (["check", "--exit-zero", "--format", "xlsx", "-o"], "list.xlsx"),
                       (["rectify", "export", "-o"], "rect.xlsx"),
                       (["diagnose", "--format", "html", "-o"], "report.html")):
        result = CliRunner().invoke(app, ["--store", store, *args, name])
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name
    # an existing file keeps its mode (the administrator's choice) when it is written again
    os.chmod(tmp_path / "all.ttl", 0o640)
    assert CliRunner().invoke(app, ["--store", store, "export", "--format", "ttl", "-o", "all.ttl"]).exit_code == 0
    assert stat.S_IMODE(os.stat(tmp_path / "all.ttl").st_mode) == 0o640
    assert (tmp_path / "all.ttl").read_text(encoding="utf-8").startswith("@prefix")


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    """A command that fails while writing its file leaves no empty or partial file behind, and a
    file written before stays as it was."""
    from typer.testing import CliRunner

    from cli.main import app
    from graph.app import Iqa
    from graph.settings import Settings
    from seed.demo import load_demo

    store = str(tmp_path / "s.sqlite")
    with Iqa(Settings(store=store, audit_log=str(tmp_path / "a.jsonl"))) as iqa:
        load_demo(iqa.store)
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.iterdir())
    result = CliRunner().invoke(app, ["--store", store, "rectify", "export", "--unit", "没有这个单位", "-o", "x.xlsx"])
    assert result.exit_code == 5, result.output
    assert set(tmp_path.iterdir()) == before  # neither x.xlsx nor a leftover part file
    (tmp_path / "x.xlsx").write_bytes(b"the list of last week")
    result = CliRunner().invoke(app, ["--store", store, "rectify", "export", "--unit", "没有这个单位", "-o", "x.xlsx"])
    assert result.exit_code == 5 and (tmp_path / "x.xlsx").read_bytes() == b"the list of last week"
    assert set(tmp_path.iterdir()) == before | {tmp_path / "x.xlsx"}


def test_a_whole_graph_command_says_at_once_that_it_works_on_a_terminal_only(monkeypatch):
    """`iqa check` / `iqa diagnose` show a spinner on standard error from the first moment when it
    is a terminal, and print nothing extra into a pipe (what scripts read stays the result)."""
    import io

    from rich.console import Console

    import cli.app as cli_app

    shown = io.StringIO()
    monkeypatch.setattr(cli_app, "err", Console(file=shown, force_terminal=True, width=100))
    with cli_app.busy("checking big.sqlite: reading the graph"):
        pass
    assert "checking big.sqlite: reading the graph" in shown.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(cli_app, "err", Console(file=piped, force_terminal=False, width=100))
    with cli_app.busy("checking big.sqlite"):
        pass
    assert piped.getvalue() == ""
