"""The one configuration model: the file validated whole (an unknown key or a bad value is a
ConfigError naming the file and the dotted key), the order of the sources (keyword arguments >
``IQA_*`` environment > file > defaults), the README's Configuration section, and the CLI's
modules importing one way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.errors import ConfigError
from graph.settings import ApiSection, ConfigFile, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _clean_env(clean_env):
    """Every test here starts without IQA_* variables, in a fresh working directory."""


def write(text: str, name: str = "iqa.yaml") -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def test_keyword_arguments_beat_the_environment_which_beats_the_file(monkeypatch):
    assert Settings().api_max_upload_mb == 20 and Settings().config is None
    write("api:\n  max_upload_mb: 5\n  cors_origins: [https://a.example]\nchecks:\n  disabled: [si001]\n")
    s = Settings()
    assert s.api_max_upload_mb == 5 and s.api_cors_origins == ["https://a.example"] and s.config == Path("iqa.yaml")
    assert s.rules.disabled == {"SI001"} and s.rules.source == "iqa.yaml"
    monkeypatch.setenv("IQA_API_MAX_UPLOAD_MB", "7")
    assert Settings().api_max_upload_mb == 7 and Settings().api_cors_origins == ["https://a.example"]
    assert Settings(api_max_upload_mb=9).api_max_upload_mb == 9


def test_the_file_is_named_by_keyword_then_environment_then_found_in_the_working_directory(monkeypatch):
    write("checks:\n  disabled: [TC001]\n")
    write("checks:\n  disabled: [TC002]\n", "env.yaml")
    write("checks:\n  disabled: [TC003]\n", "kw.yaml")
    assert Settings().rules.disabled == {"TC001"}
    monkeypatch.setenv("IQA_CONFIG", "env.yaml")
    assert Settings().rules.disabled == {"TC002"}
    assert Settings(config=Path("kw.yaml")).rules.disabled == {"TC003"}
    assert load_settings(config=None).rules.disabled == {"TC002"}  # None: not given


@pytest.mark.parametrize("text, message", [
    ("colour: blue\n", "iqa.yaml: colour: unknown key (known: checks, api, limits)"),
    ("checks:\n  severity: {TK003: fatal}\n", "iqa.yaml: checks.severity.TK003: unknown severity 'fatal'"),
    ("checks:\n  severity: {XX003: error}\n", "iqa.yaml: checks.severity.XX003: unknown rule id 'XX003'"),
    ("checks:\n  disabled: [TC001, nope]\n", "iqa.yaml: checks.disabled.1: unknown rule id 'NOPE'"),
    ("checks:\n  enabled: [TC001]\n", "iqa.yaml: checks.enabled: unknown key (known: disabled, severity, suspect_fields)"),
    ("checks:\n  suspect_fields: {Goal: [name]}\n", "iqa.yaml: checks.suspect_fields: unknown node kind 'Goal'"),
    ("checks:\n  suspect_fields: {Target: []}\n", "iqa.yaml: checks.suspect_fields: Target: list one or more"),
    ("api:\n  max_upload_mb: 0\n", "iqa.yaml: api.max_upload_mb: Input should be greater than 0"),
    ("api:\n  tokens: [{name: a, sha256: " + "a" * 64 + ", role: reader, colour: red}]\n",
     "iqa.yaml: api.tokens.0.colour: unknown key (known: name, sha256, role)"),
    ("- checks\n", "iqa.yaml: expected a mapping"),
])
def test_a_bad_file_is_a_config_error_naming_the_file_and_the_key(text, message):
    write(text)
    with pytest.raises(ConfigError) as exc:
        Settings()
    assert str(exc.value).startswith(message), str(exc.value)


def test_a_bad_environment_value_is_a_config_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("IQA_API_PORT", "eighty")
    with pytest.raises(ConfigError, match="IQA_API_PORT"):
        load_settings()


def test_the_cli_reports_a_bad_file_and_exits_2():
    from cli.main import app

    write("checks:\n  severity: {TK003: fatal}\n")
    result = CliRunner().invoke(app, ["--store", ":memory:", "check"])
    assert result.exit_code == 2
    assert "iqa.yaml: checks.severity.TK003: unknown severity 'fatal'" in result.output
    missing = CliRunner().invoke(app, ["--store", ":memory:", "--config", "nope.yaml", "diagnose"])
    assert missing.exit_code == 2 and "nope.yaml: cannot read" in missing.output


def test_the_readme_documents_every_key_of_the_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    keys = [*ConfigFile.model_fields, "disabled", "severity", *ApiSection.model_fields]
    missing = [k for k in keys if not re.search(rf"^\s*{k}:", section, flags=re.M)]
    assert not missing, f"README's Configuration section does not show: {missing}"


def test_the_cli_modules_import_one_way():
    """No module of cli/ imports, directly or through others, a module that imports it back."""
    modules = {p.stem: p for p in (ROOT / "cli").glob("*.py") if p.stem != "__init__"}
    imports: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "cli":
                    found |= {a.name for a in node.names}
                elif node.module.startswith("cli."):
                    found.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("cli.")}
        imports[name] = found & set(modules)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in imports[start] - seen:
            if nxt == goal or reaches(nxt, goal, seen | {nxt}):
                return True
        return False

    circles = [name for name in modules if reaches(name, name, set())]
    assert not circles, f"import circles through {circles}: {imports}"


def test_iqa_alone_shows_how_to_start_and_version_prints_the_version():
    from typer.testing import CliRunner

    from cli.main import app
    from graph.version import VERSION

    alone = CliRunner().invoke(app, [])
    assert alone.exit_code == 0
    assert "Getting started" in alone.stdout and "iqa demo" in alone.stdout and "iqa trace MB-S01" in alone.stdout
    version = CliRunner().invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.strip() == f"iqa-graph {VERSION}"
    assert "--install-completion" in CliRunner().invoke(app, ["--help"]).stdout
