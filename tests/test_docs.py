"""The docs stay honest: the README's rule catalogue and `iqa rules` list every rule of the
registry with its severity, and the README names every CLI command."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from graph.checks import RULES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_rule_table_matches_the_registry():
    rows = dict(re.findall(r"^\| ([A-Z]{2}\d{3}) \| (error|warning) \|", README, flags=re.M))
    assert rows == {rule_id: rule.severity for rule_id, rule in RULES.items()}


def test_cli_rules_lists_every_rule():
    result = CliRunner().invoke(app, ["rules"], terminal_width=200)
    assert result.exit_code == 0
    for rule_id in RULES:
        assert rule_id in result.output


def test_readme_names_every_command():
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    missing = [n for n in names if f"iqa {n}" not in README]
    assert not missing, f"README does not mention: {missing}"
