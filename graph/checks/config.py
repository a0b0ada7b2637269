"""Which rules run and at what severity: the ``checks:`` section of the configuration file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

from graph.checks.registry import RULES, SEVERITIES, Rule
from graph.errors import ConfigError


@dataclass(frozen=True)
class RuleConfig:
    """Which rules are off and which are re-graded: ``disabled`` (rule ids) and ``severity``
    (rule id → ``"error"``/``"warning"``). ``source`` names the file it came from (for messages).
    Raises ConfigError on an unknown rule id or severity."""

    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None

    def __post_init__(self) -> None:
        where = f"{self.source}: " if self.source else ""
        object.__setattr__(self, "disabled", frozenset(self.disabled))
        object.__setattr__(self, "severity", MappingProxyType(dict(self.severity)))
        for rid in sorted(self.disabled):
            if rid not in RULES:
                raise ConfigError(f"{where}checks.disabled: unknown rule id {rid!r} (known: {', '.join(RULES)})")
        for rid, sev in self.severity.items():
            if rid not in RULES:
                raise ConfigError(f"{where}checks.severity.{rid}: unknown rule id {rid!r} (known: {', '.join(RULES)})")
            if sev not in SEVERITIES:
                raise ConfigError(f"{where}checks.severity.{rid}: unknown severity {sev!r} "
                                  f"(use {' or '.join(SEVERITIES)})")

    def severity_of(self, rule: Rule) -> str:
        """The severity ``rule`` reports with under this configuration."""
        return self.severity.get(rule.id, rule.severity)


#: Top-level sections of the configuration file (iqa.yaml): rule settings here, API settings in
#: graph/settings.py.
CONFIG_SECTIONS = ("checks", "api")


def load_rule_config(path: str | Path) -> RuleConfig:
    """Read the ``checks:`` section of a YAML file::

        checks:
          disabled: [TC003, SI001]
          severity: {TK003: error, SI003: error}

    An ``api:`` section (the HTTP API's settings) may stand beside it. Raises ConfigError naming the file (and the key) when the file
    cannot be read or parsed, is not a mapping, has an unknown section, or names an unknown key, rule id or severity.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the check configuration: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return RuleConfig(source=str(path))
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping (sections such as 'checks:' and 'api:')")
    stray = sorted(str(k) for k in data if k not in CONFIG_SECTIONS)
    if stray:
        raise ConfigError(f"{path}: {stray[0]}: unknown section (known: {', '.join(CONFIG_SECTIONS)}; "
                          "rule settings go under 'checks')")
    section = data.get("checks") or {}  # a file with only an api: section configures no rule
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: checks: expected a mapping with 'disabled' and/or 'severity'")
    unknown = sorted(str(k) for k in section if k not in ("disabled", "severity"))
    if unknown:
        raise ConfigError(f"{path}: checks.{unknown[0]}: unknown key (use 'disabled' and/or 'severity')")
    disabled = section.get("disabled") or []
    if isinstance(disabled, str):
        disabled = [disabled]
    if not isinstance(disabled, list):
        raise ConfigError(f"{path}: checks.disabled: expected a list of rule ids")
    severity = section.get("severity") or {}
    if not isinstance(severity, dict):
        raise ConfigError(f"{path}: checks.severity: expected a mapping of rule id to error/warning")
    return RuleConfig(
        disabled=frozenset(str(r).strip().upper() for r in disabled),
        severity={str(k).strip().upper(): (str(v).strip().lower() if isinstance(v, str) else v)
                  for k, v in severity.items()},
        source=str(path),
    )
