"""Which rules run and at what severity: the ``checks:`` section of the configuration file.

:class:`ChecksSection` is the section as written in the file (validated, ``extra="forbid"``);
:class:`RuleConfig` is what the runner takes. The file as a whole is read by
``graph.settings.load_config_file``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from graph.checks.registry import RULES, SEVERITIES, Rule
from graph.errors import ConfigError


def _known_rule(rid: str) -> str:
    if rid not in RULES:
        raise ValueError(f"unknown rule id {rid!r} (known: {', '.join(RULES)})")
    return rid


def _known_severity(sev: str) -> str:
    if sev not in SEVERITIES:
        raise ValueError(f"unknown severity {sev!r} (use {' or '.join(SEVERITIES)})")
    return sev


def _strip(case: str):
    def norm(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = value.strip()
        return value.upper() if case == "upper" else value.lower()
    return norm


#: A rule id as written in the file: case-insensitive, checked against the registry.
RuleId = Annotated[str, BeforeValidator(_strip("upper")), AfterValidator(_known_rule)]
#: A severity as written in the file: ``error`` or ``warning`` (case-insensitive).
Severity = Annotated[str, BeforeValidator(_strip("lower")), AfterValidator(_known_severity)]


@dataclass(frozen=True)
class RuleConfig:
    """Which rules are off and which are re-graded: ``disabled`` (rule ids) and ``severity``
    (rule id → ``"error"``/``"warning"``). ``source`` names the file it came from (for messages).
    Raises ConfigError on an unknown rule id or severity."""

    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None
    #: Node kind → the properties whose change makes the links below a node of that kind suspect
    #: (CH001); kinds not listed use ``graph.history.suspect.DEFAULT_TRIGGER_FIELDS``.
    suspect_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"{self.source}: " if self.source else ""
        object.__setattr__(self, "disabled", frozenset(self.disabled))
        object.__setattr__(self, "severity", MappingProxyType(dict(self.severity)))
        object.__setattr__(self, "suspect_fields",
                           MappingProxyType({k: tuple(v) for k, v in self.suspect_fields.items()}))
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


class ChecksSection(BaseModel):
    """The ``checks:`` section of the configuration file::

        checks:
          disabled: [TC003, SI001]              # rule ids that never run (one id alone is fine too)
          severity: {TK003: error, SI003: error}  # rule id → error | warning
          suspect_fields:                       # CH001: which changes of a parent make its links suspect
            Target: [name, target_value, deadline]  # per node kind; kinds not listed: the defaults

    Rule ids and severities are case-insensitive. An unknown key, rule id or severity is a
    pydantic ValidationError located at the key (``graph.settings`` turns it into a ConfigError
    naming the file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    disabled: list[RuleId] = Field(default_factory=list)
    severity: dict[RuleId, Severity] = Field(default_factory=dict)
    suspect_fields: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("suspect_fields")
    @classmethod
    def _known_kinds(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from ontology import get_ontology

        kinds = get_ontology().kinds
        for kind, props in value.items():
            if kind not in kinds:
                raise ValueError(f"unknown node kind {kind!r} (known: {', '.join(sorted(kinds))})")
            if not props or any(not isinstance(p, str) or not p.strip() for p in props):
                raise ValueError(f"{kind}: list one or more property names")
        return value

    @field_validator("disabled", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @field_validator("severity", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    def rule_config(self, source: str | None = None) -> RuleConfig:
        """This section as the runner's :class:`RuleConfig` (``source``: the file, for messages)."""
        return RuleConfig(disabled=frozenset(self.disabled), severity=dict(self.severity), source=source,
                          suspect_fields={k: tuple(p.strip() for p in v) for k, v in self.suspect_fields.items()})
