"""The exit codes of ``iqa``, run as a user runs it (a process, its stdout and stderr): 0 done,
1 findings, 2 usage error, 4 store unavailable, 5 data error — one table for every command
(README, docs/reliability.md; 3, a locked store, is in test_many_writers.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def iqa(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["COLUMNS"] = "200"
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def college(tmp_path_factory) -> Path:
    """A folder with the demo college in demo.sqlite."""
    folder = tmp_path_factory.mktemp("exit-codes")
    done = iqa(folder, "--store", "demo.sqlite", "demo")
    assert done.returncode == 0, done.stderr.decode()
    return folder


def test_done_and_findings(college):
    assert iqa(college, "--store", "demo.sqlite", "trace", "MB-S01", "--format", "json").returncode == 0
    found = iqa(college, "--store", "demo.sqlite", "check", "--format", "json")
    assert found.returncode == 1 and b'"errors"' in found.stdout  # the demo has error findings
    assert iqa(college, "--store", "demo.sqlite", "check", "--exit-zero", "--format", "json").returncode == 0


@pytest.mark.parametrize("args", [
    ["trace", "MB-S01", "--format", "bogus"],   # a choice that is not one
    ["trace", "MB-S01", "--no-such-option"],    # an unknown option
    ["no-such-command"],
    ["export", "--format", "xlsx"],             # the workbook needs -o FILE
    ["--config", "missing.yaml", "check"],      # a configuration that cannot be used
])
def test_usage_errors_are_2(college, args):
    done = iqa(college, "--store", "demo.sqlite", *args)
    assert done.returncode == 2, (args, done.stderr.decode())
    assert not done.stdout


@pytest.mark.parametrize("args, said", [
    (["trace", "NOPE-XX"], "no node with code 'NOPE-XX'"),          # an id that names no node
    (["owner", "NOPE-XX"], "no node with code 'NOPE-XX'"),
    (["check", "nope.xlsx"], "nope.xlsx"),                           # an input file that cannot be read
    (["diagnose", "--unit", "NOPE"], "NOPE"),
])
def test_data_errors_are_5(college, args, said):
    done = iqa(college, "--store", "demo.sqlite", *args)
    assert done.returncode == 5, (args, done.stderr.decode())
    assert said in done.stderr.decode() and not done.stdout


def test_a_workbook_row_that_cannot_be_loaded_is_5_naming_where(tmp_path):
    (tmp_path / "目标.csv").write_text("编号,目标名称,层面\nT1,,学校\n", encoding="utf-8")
    done = iqa(tmp_path, "--store", "s.sqlite", "load", "目标.csv")
    assert done.returncode == 5 and "目标!2:目标名称: required cell is empty" in done.stderr.decode()
    piped = iqa(tmp_path, "--store", "s.sqlite", "load", "-", stdin="编号,名称\nD8,教务处\n".encode())
    assert piped.returncode == 5 and "not an .xlsx workbook" in piped.stderr.decode()


def test_a_store_that_cannot_be_opened_is_4(tmp_path):
    (tmp_path / "bad.sqlite").write_bytes(b"not a database")
    for store in ("bad.sqlite", "no-such-folder/x.sqlite"):
        done = iqa(tmp_path, "--store", store, "stats")
        assert done.returncode == 4, done.stderr.decode()
        assert "Traceback" not in done.stderr.decode() and store in done.stderr.decode()
