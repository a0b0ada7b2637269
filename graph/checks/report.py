"""Findings and the report of one check run."""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from graph.checks.registry import SEVERITIES

#: ``by_unit`` key (and rectification sheet title) for findings whose owner has no unit.
NO_UNIT_LABEL = "(无责任部门)"


@dataclass
class Finding:
    """One broken node. ``owner`` is ``{"unit": {"id", "name"} | None, "person": {"id", "name"} | None}``
    (from ``owner_of``); ``inherited_from`` names the parent the owner was inherited from, if any."""

    rule: str
    severity: str
    node: str
    name: str
    message: str
    message_en: str
    owner: dict[str, dict[str, str] | None]
    inherited_from: str | None = None

    @property
    def unit_id(self) -> str | None:
        unit = self.owner.get("unit")
        return unit["id"] if unit else None

    @property
    def unit_name(self) -> str | None:
        unit = self.owner.get("unit")
        return unit["name"] if unit else None

    @property
    def person_name(self) -> str | None:
        person = self.owner.get("person")
        return person["name"] if person else None

    def sort_key(self) -> tuple[int, str, str, str]:
        """Errors first, then rule id, node id and message: a total order, so a report reads the
        same whatever order the store gave the graph in."""
        return (SEVERITIES.index(self.severity), self.rule, self.node, self.message)

    def to_dict(self) -> dict[str, Any]:
        """``{"rule", "severity", "node", "name", "message", "message_en", "owner": {"unit", "person"},
        "inherited_from"}``."""
        return {"rule": self.rule, "severity": self.severity, "node": self.node, "name": self.name,
                "message": self.message, "message_en": self.message_en,
                "owner": {"unit": self.owner.get("unit"), "person": self.owner.get("person")},
                "inherited_from": self.inherited_from}


@dataclass
class CheckReport:
    """The findings of one run, sorted (errors first, then rule id, then node id), with the check
    date, the rule ids that ran and the owner unit filtered on (``{"id", "name"}`` or None)."""

    findings: list[Finding]
    as_of: _dt.date
    rules: tuple[str, ...]
    owner: dict[str, str] | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def has_errors(self) -> bool:
        """True when at least one finding has severity ``error``."""
        return any(f.severity == "error" for f in self.findings)

    def summary(self) -> dict[str, Any]:
        """``{"total", "errors", "warnings", "by_rule": {id: n} (every rule that ran, in id order),
        "by_unit": {unit name or "(无责任部门)": n} (most first), "as_of": ISO date}``."""
        by_rule = {rid: 0 for rid in self.rules}
        by_unit: Counter[str] = Counter()
        for f in self.findings:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
            by_unit[f.unit_name or NO_UNIT_LABEL] += 1
        return {"total": len(self.findings), "errors": self.errors, "warnings": self.warnings,
                "by_rule": by_rule,
                "by_unit": dict(sorted(by_unit.items(), key=lambda kv: (-kv[1], kv[0]))),
                "as_of": self.as_of.isoformat()}

    def to_dict(self) -> dict[str, Any]:
        """``{"findings": [Finding.to_dict() …], "summary": summary()}``."""
        return {"findings": [f.to_dict() for f in self.findings], "summary": self.summary()}
