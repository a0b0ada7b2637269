"""`iqa ui`: starts Streamlit headless, without telemetry, on the store the CLI selected."""

from __future__ import annotations

import pytest

from pathlib import Path

from typer.testing import CliRunner

import cli.ui_cmd
from cli.main import app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_iqa_ui_serves_the_app_on_the_cli_store(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(cli.ui_cmd.subprocess, "call", lambda cmd, env: calls.append((cmd, env)) or 0)
    monkeypatch.delenv("IQA_STORE", raising=False)
    store = tmp_path / "college.sqlite"
    result = CliRunner().invoke(app, ["--store", str(store), "ui", "--port", "8765"])
    assert result.exit_code == 0, result.output
    [(cmd, env)] = calls
    assert cmd[1:4] == ["-m", "streamlit", "run"] and Path(cmd[4]) == Path(cli.ui_cmd.__file__).parents[1] / "ui" / "app.py"
    options = dict(zip(cmd[5::2], cmd[6::2]))
    assert options["--server.port"] == "8765" and options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false" and options["--server.address"] == "127.0.0.1"
    assert env["IQA_STORE"] == str(store)


def test_iqa_ui_uses_the_environment_store_and_reports_a_failed_start(monkeypatch, tmp_path):
    monkeypatch.setenv("IQA_STORE", str(tmp_path / "env.sqlite"))

    def fail(cmd, env):
        raise OSError("no such file")

    monkeypatch.setattr(cli.ui_cmd.subprocess, "call", fail)
    result = CliRunner().invoke(app, ["ui"])
    assert result.exit_code == 2 and "cannot start streamlit" in result.output
    assert cli.ui_cmd.ui_environment(str(tmp_path / "env.sqlite"))["IQA_STORE"].endswith("env.sqlite")
