"""``iqa check PATH…``: workbooks, CSV sheets or folders checked directly, like a linter — the same
rules and JSON as loading them into a store and checking it, exit 1 on errors, nothing written."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from seed.synthetic import generate_college, write_csv


@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "college"
    write_csv(generate_college(students=200, teachers=20), out)
    return out


def run(*args):
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})


def test_files_give_the_same_json_as_a_store_loaded_with_them(folder, tmp_path):
    direct = run("check", str(folder), "--format", "json", "--as-of", "2025-12-31")
    assert direct.exit_code == 1, direct.output  # the generated college has error findings
    store = str(tmp_path / "s.sqlite")
    assert run("--store", store, "load", str(folder)).exit_code == 0
    stored = run("--store", store, "check", "--format", "json", "--as-of", "2025-12-31")
    assert json.loads(direct.output) == json.loads(stored.output)
    assert json.loads(direct.output)["summary"]["errors"] > 0


def test_nothing_is_written(folder, tmp_path):
    before = {p for p in tmp_path.rglob("*")}
    result = run("check", str(folder), "--exit-zero", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    assert "检查汇总 check summary" in result.output
    assert {p for p in tmp_path.rglob("*")} == before  # the working directory is tmp_path


def test_single_csv_files_and_rules(folder):
    files = [str(folder / f"{sheet}.csv") for sheet in ("部门", "人员", "岗位", "规划", "目标", "标准")]
    result = run("check", *files, "--rule", "TC001", "--format", "json", "--as-of", "2025-12-31")
    data = json.loads(result.output)
    assert list(data["summary"]["by_rule"]) == ["TC001"]
    assert data["findings"] and all(f["rule"] == "TC001" for f in data["findings"])


def test_a_file_that_cannot_be_read_is_a_data_error_exit_5_naming_it(tmp_path):
    result = run("check", str(tmp_path / "nope.xlsx"))
    assert result.exit_code == 5 and "nope.xlsx" in result.output


def test_a_bad_row_is_a_data_error_exit_5_naming_where(tmp_path):
    (tmp_path / "目标.csv").write_text("编号,目标名称,层面\nT1,,学校\n", encoding="utf-8")
    result = run("check", str(tmp_path / "目标.csv"))
    assert result.exit_code == 5 and "目标!2:目标名称: required cell is empty" in result.output
