"""The rule registry: every consistency rule declared once, with its fixed id, default severity,
source, titles, zh/en message templates and suggested corrective action.

Rule families live in ``graph.checks.rules`` (one module per family: TC, TK, SI, RS, IS, DU, PL, DG)
and register themselves with :func:`rule`. ``iqa rules`` and docs/rules.md are generated from
:data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from graph.checks.context import CheckContext

Severity = Literal["error", "warning"]
#: Severity values, most severe first (the sort order of findings).
SEVERITIES: tuple[str, ...] = ("error", "warning")
SEVERITY_LABELS_ZH: dict[str, str] = {"error": "错误", "warning": "警告"}

RuleArgs = dict[str, Any]
RuleFunction = Callable[["CheckContext"], Iterable[tuple[str, RuleArgs]]]


@dataclass(frozen=True)
class Rule:
    """One consistency rule.

    ``message_zh`` / ``message_en`` are ``str.format`` templates; besides the arguments the rule
    function yields they may use ``{id}``, ``{code}``, ``{name}``, ``{kind_zh}`` and ``{kind_en}``
    of the node the finding is on. ``fn(ctx)`` yields ``(node_id, args)`` per broken node.
    ``source`` names the document (title and table) the rule enforces.
    """

    id: str
    severity: Severity
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    suggestion_zh: str
    source: str
    fn: RuleFunction = field(repr=False, compare=False)

    @property
    def family(self) -> str:
        """The two-letter family of the id (``TC`` of ``TC005``)."""
        return self.id[:2]

    def to_dict(self) -> dict[str, str]:
        """``{"id", "severity", "title", "title_en", "message", "message_en", "suggestion", "source"}``
        (templates unformatted): the shape the CLI and the docs list rules in."""
        return {"id": self.id, "severity": self.severity, "title": self.title_zh, "title_en": self.title_en,
                "message": self.message_zh, "message_en": self.message_en, "suggestion": self.suggestion_zh,
                "source": self.source}


_REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, title_zh: str, title_en: str, message_zh: str, message_en: str,
         suggestion_zh: str, source: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as rule ``rule_id``. Raises ValueError for a bad severity or
    an id declared twice."""
    if severity not in SEVERITIES:
        raise ValueError(f"{rule_id}: bad severity {severity!r}")

    def register(fn: RuleFunction) -> RuleFunction:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id} declared twice")
        _REGISTRY[rule_id] = Rule(rule_id, severity, title_zh, title_en, message_zh, message_en,
                                  suggestion_zh, source, fn)
        return fn

    return register


def _load() -> Mapping[str, Rule]:
    from graph.checks import rules  # noqa: F401  (importing the families registers them)

    return MappingProxyType(dict(sorted(_REGISTRY.items())))


#: Every rule by id, ordered by id (read-only).
RULES: Mapping[str, Rule] = _load()
