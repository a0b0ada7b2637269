"""The property-graph model: nodes ``Kind:code`` with properties, typed directed edges, and their
validation against the ontology.

Property values are JSON values (str, int, float, bool, None, or lists of those). Dates are ISO
strings (``2025-12-31``). Controlled properties hold the ontology's notations, not labels:
``layer`` (Layers), ``status`` on Task and RectificationTask (TaskStatuses), ``system``
(Systems) and ``type`` (OrgUnitTypes) on OrgUnit, ``level`` on Plan (PlanLevels), ``scope`` on Duty
(DutyScopes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.errors import ValidationError
from ontology import Ontology, get_ontology
from graph.values import code_problem, name_problem, value_problem

#: property name → (kinds it is controlled on, None = any kind; concept scheme whose notations it
#: must hold). The ontology declares the same (concept-valued properties with iqa:scheme).
CONTROLLED_PROPERTIES: dict[str, tuple[frozenset[str] | None, str]] = {
    "layer": (None, "Layers"),
    "status": (frozenset({"Task", "RectificationTask"}), "TaskStatuses"),
    "system": (frozenset({"OrgUnit"}), "Systems"),
    "type": (frozenset({"OrgUnit"}), "OrgUnitTypes"),
    "level": (frozenset({"Plan"}), "PlanLevels"),
    "scope": (frozenset({"Duty"}), "DutyScopes"),
}


def controlled_scheme(kind: str, prop: str) -> str | None:
    """The concept scheme ``prop`` of a ``kind`` node must take its values from, or None."""
    rule = CONTROLLED_PROPERTIES.get(prop)
    return rule[1] if rule and (rule[0] is None or kind in rule[0]) else None


def node_id(kind: str, code: str) -> str:
    """The id of a node: ``Kind:code``, e.g. ``Target:T-S01``."""
    return f"{kind}:{code}"


def split_id(nid: str) -> tuple[str, str]:
    """``"Kind:code"`` → ``("Kind", "code")``; raises ValidationError when there is no colon."""
    kind, sep, code = nid.partition(":")
    if not sep or not kind or not code:
        raise ValidationError(f"not a node id (expected Kind:code): {nid!r}")
    return kind, code


@dataclass(slots=True)
class Node:
    """A node: ``kind`` (an ontology class), ``code`` (unique within the kind), ``props``."""

    kind: str
    code: str
    props: dict[str, Any] = field(default_factory=dict)
    #: ``Kind:code``, computed once (nodes are replaced, never re-keyed).
    id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.id = node_id(self.kind, self.code)

    @property
    def name(self) -> str:
        return str(self.props.get("name") or self.code)

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "kind", "code", "props"}``: the JSON shape used by the API and exports."""
        return {"id": self.id, "kind": self.kind, "code": self.code, "props": dict(self.props)}


@dataclass(slots=True)
class Edge:
    """A directed edge ``source -type-> target`` between node ids; unique per (source, type, target)."""

    source: str
    type: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.type, self.target)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "type": self.type, "target": self.target, "props": dict(self.props)}


_JSON_SCALARS = (str, int, float, bool, type(None))


def _check_value(where: str, key: str, value: Any) -> None:
    if isinstance(value, _JSON_SCALARS) or (isinstance(value, list) and all(isinstance(v, _JSON_SCALARS) for v in value)):
        if (why := value_problem(value)) is not None:
            raise ValidationError(f"{where}: property {key!r} {why}")
        if key == "name" and (why := name_problem(value)) is not None:
            raise ValidationError(f"{where}: {why}")
        return
    raise ValidationError(f"{where}: property {key!r} has a value of type {type(value).__name__}; "
                          "only text, numbers, booleans and lists of those are stored")


def validate_node(node: Node, onto: Ontology | None = None) -> None:
    """Raise ValidationError unless ``node`` has a known kind, a clean code (the id grammar of
    ``graph.values.code_problem``) and storable properties (finite numbers, text without control
    characters, a name within ``MAX_NAME_LENGTH``) whose controlled values (layer, status, …) are
    notations of the ontology's schemes."""
    onto = onto or get_ontology()
    if node.kind not in onto.kinds:
        raise ValidationError(f"unknown node kind {node.kind!r} (known: {', '.join(sorted(onto.kinds))})")
    if not isinstance(node.code, str) or not node.code or node.code != node.code.strip():
        raise ValidationError(f"{node.kind}: code must be non-empty text without surrounding blanks: {node.code!r}")
    if (why := code_problem(node.code)) is not None:
        raise ValidationError(f"{node.kind}:{node.code[:60]}{'…' if len(node.code) > 60 else ''}: {why}")
    for key, value in node.props.items():
        _check_value(node.id, key, value)
        scheme = controlled_scheme(node.kind, key)
        if scheme and value is not None:
            if not any(c.notation == value for c in onto.schemes[scheme]):
                allowed = ", ".join(f"{c.notation} ({c.labels.zh})" for c in onto.schemes[scheme])
                raise ValidationError(f"{node.id}: {key}={value!r} is not one of {allowed}")


def validate_edge(edge: Edge, source_kind: str, target_kind: str, onto: Ontology | None = None) -> None:
    """Raise ValidationError unless the ontology allows ``source_kind -edge.type-> target_kind``."""
    onto = onto or get_ontology()
    et = onto.edge_types.get(edge.type)
    if et is None:
        raise ValidationError(f"unknown edge type {edge.type!r} (known: {', '.join(sorted(onto.edge_types))})")
    if source_kind not in et.domain:
        raise ValidationError(f"{edge.source} -{edge.type}-> {edge.target}: a {source_kind} cannot be the source "
                              f"of {edge.type} (allowed: {', '.join(sorted(et.domain))})")
    if target_kind not in et.range:
        raise ValidationError(f"{edge.source} -{edge.type}-> {edge.target}: a {target_kind} cannot be the target "
                              f"of {edge.type} (allowed: {', '.join(sorted(et.range))})")
    for key, value in edge.props.items():
        _check_value(f"{edge.source} -{edge.type}-> {edge.target}", key, value)
