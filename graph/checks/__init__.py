"""Consistency checks: the rule registry (one module per rule family in ``rules/``), the runner
that turns a store into findings routed to their owners, and the report.

A finding is owned by ``ownership.owner_of(store, node)``: the node's explicit owner, else the owner
of its nearest parent; grouped by owner unit, findings are the units' rectification lists (整改清单,
see ``graph.services.rectification.findings``). The catalogue with every rule's id, severity, source and
messages is docs/rules.md, generated from :data:`RULES` (``python -m graph.checks.catalogue``).

Rules may be disabled or re-graded by the ``checks:`` section of the configuration file
(:class:`ChecksSection`, read by ``graph.settings``)::

    checks:
      disabled: [TC003, SI001]
      severity: {TK003: error, SI003: error}
"""

from graph.checks.config import ChecksSection, RuleConfig
from graph.checks.context import CheckContext
from graph.checks.registry import RULES, SEVERITIES, SEVERITY_LABELS_ZH, Rule
from graph.checks.report import NO_UNIT_LABEL, CheckReport, Finding
from graph.checks.runner import resolve_unit, run_checks, run_rules

__all__ = [
    "ChecksSection", "RULES", "Rule", "RuleConfig", "Finding", "CheckReport", "CheckContext", "NO_UNIT_LABEL",
    "SEVERITIES", "SEVERITY_LABELS_ZH", "run_checks", "run_rules", "resolve_unit",
]
