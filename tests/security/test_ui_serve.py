"""`iqa ui` as an attacker would find it: beyond loopback it refuses to start without tokens (nobody
could sign in), uploads are capped at api.max_upload_mb, tracebacks are not shown to users."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

import cli.ui_cmd
from cli.main import app
from graph.auth import token_entry


@pytest.fixture
def calls(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("IQA_")]:
        monkeypatch.delenv(name)
    seen: list = []
    monkeypatch.setattr(cli.ui_cmd.subprocess, "call", lambda cmd, env: seen.append(dict(zip(cmd[5::2], cmd[6::2]))) or 0)
    return seen


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "192.168.1.10", ""])
def test_iqa_ui_beyond_loopback_without_tokens_refuses(calls, tmp_path, address):
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "s.sqlite"), "ui", "--address", address])
    assert result.exit_code == 2 and "no API tokens are configured" in result.output and not calls


def test_iqa_ui_beyond_loopback_with_tokens_starts(calls, tmp_path, monkeypatch):
    monkeypatch.setenv("IQA_API_TOKENS", json.dumps([token_entry("a", "reader", "iqa_x").model_dump()]))
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "s.sqlite"), "ui", "--address", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert calls[0]["--server.address"] == "0.0.0.0"


def test_iqa_ui_caps_uploads_and_hides_tracebacks(calls, tmp_path, monkeypatch):
    monkeypatch.setenv("IQA_API_MAX_UPLOAD_MB", "5.5")
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "s.sqlite"), "ui"])
    assert result.exit_code == 0, result.output
    [options] = calls
    assert options["--server.maxUploadSize"] == "6" and options["--client.showErrorDetails"] == "none"
    assert options["--server.enableXsrfProtection"] == "true" and options["--server.address"] == "127.0.0.1"
