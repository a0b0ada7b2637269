"""The property schema of each node kind: which properties are typed values (dates, numbers,
controlled vocabularies) and which are required. One definition, read by the workbook contract
(ingest/sheets.py fills its columns' value types from here), by edits through the API and the UI
(graph/services/edit.py) and documented in docs/workbook.md.

A value type is a key of ``graph.values.PARSERS``: ``text``, ``date``, ``number``,
``number_or_text``, ``int_or_text``, ``direction``, ``task_kind``, ``threshold`` (a 预警值 as printed:
``≥95%``, ``是``, ``—``), ``target`` (a 目标值: a threshold, else text), ``measured`` (a number or
是 / 否) or a controlled vocabulary
(``layer``, ``status``, ``org_type``, ``system``, ``plan_level``, ``scope``). Properties not listed
here are free text; ``code`` and ``name`` identify a node and are always required.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PropertySpec:
    """How one property of one kind is read: its ``value`` type and whether it is ``required``."""

    value: str = "text"
    required: bool = False


P = PropertySpec

#: kind → property → spec.
PROPERTIES: dict[str, dict[str, PropertySpec]] = {
    "OrgUnit": {"type": P("org_type"), "system": P("system")},
    "Plan": {"level": P("plan_level"), "deadline": P("date")},
    "Target": {"layer": P("layer", required=True), "category": P(), "target_value": P("number_or_text"),
               "unit": P(), "deadline": P("date")},
    "Task": {"task_kind": P("task_kind"), "deadline": P("date"), "status": P("status"),
             "progress": P("number"), "start": P("date"), "completed_on": P("date")},
    "Standard": {"layer": P("layer")},
    "Process": {"inputs": P(), "outputs": P(), "checkpoints": P()},
    "Duty": {"scope": P("scope"), "seq": P("int_or_text", required=True), "description": P(required=True),
             "work": P(), "work_standard": P()},
    "DiagnosisPoint": {"criterion": P(), "warning": P("number_or_text")},
    # 目标值 / 预警值 as printed: ≥95%, 70%以上, ≤30:1, 是 / 否, — (graph.values.parse_threshold);
    # the cell as written is kept in target_value_text / warning_text when it said more than a number.
    "Indicator": {"target_value": P("target"), "warning": P("threshold"), "direction": P("direction"),
                  "unit": P(), "frequency": P(), "target_value_text": P(), "warning_text": P()},
    # a number, or 是 / 否 for a yes/no indicator
    "Measurement": {"date": P("date", required=True), "value": P("measured", required=True), "source": P()},
    # written by graph.services.rectification.tasks (import_rectification), not by a workbook sheet
    "RectificationTask": {"finding": P(), "measure": P(), "deadline": P("date"), "status": P("status"),
                          "warning_id": P(), "warning_kind": P(), "diagnosed_on": P("date")},
}

#: Properties every node has and must have.
ALWAYS_REQUIRED: tuple[str, ...] = ("name",)


#: Edge properties and their value types (``weight``: a positive number, see ontology/iqa.ttl).
EDGE_PROPERTIES: dict[str, PropertySpec] = {"weight": P("number")}

# -- how values are exported (RDF, JSON-LD, GraphML: the same in every export) ----------------
XSD = "http://www.w3.org/2001/XMLSchema#"
#: value type → the XSD datatypes its values take in an export (local names). A controlled
#: vocabulary is not listed: its values are SKOS concepts (IRIs).
EXPORT_DATATYPES: dict[str, tuple[str, ...]] = {
    "text": ("string",), "direction": ("string",), "task_kind": ("string",), "date": ("date",),
    "number": ("double",), "number_or_text": ("double",), "int_or_text": ("integer",),
    "threshold": ("double", "boolean"), "target": ("double", "boolean"), "measured": ("double", "boolean"),
}
#: value types whose parser may return text beside a number: the text is exported under
#: :func:`text_key` so that each exported property has one kind of value.
TEXT_SPLIT: frozenset[str] = frozenset({"number_or_text", "int_or_text", "target"})
#: value types that are SKOS concepts of a scheme of the ontology.
CONCEPT_TYPES: dict[str, str] = {"layer": "Layers", "status": "TaskStatuses", "org_type": "OrgUnitTypes",
                                 "system": "Systems", "plan_level": "PlanLevels", "scope": "DutyScopes"}


def text_key(prop: str) -> str:
    """The exported name of the text form of a mixed property: ``target_value`` → ``target_text``,
    any other ``p`` → ``p_text`` (e.g. a 序号 ``NZ1`` is exported as ``seq_text``)."""
    return "target_text" if prop == "target_value" else f"{prop}_text"


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def export_props(kind: str, props: dict) -> dict:
    """The properties of a node of ``kind`` as every export writes them: a text value of a mixed
    property (value type in :data:`TEXT_SPLIT`, e.g. a 目标值 ``优秀``) under :func:`text_key`, a
    number of a ``double`` property as a float (``4`` → ``4.0``); everything else unchanged.
    :func:`import_props` reverses it. Never raises."""
    out: dict = {}
    specs = PROPERTIES.get(kind, {})
    for key, value in props.items():
        spec = specs.get(key)
        if spec is not None and spec.value in TEXT_SPLIT and isinstance(value, str):
            out[text_key(key)] = value
        elif spec is not None and "double" in EXPORT_DATATYPES.get(spec.value, ()) and _number(value):
            out[key] = float(value)
        else:
            out[key] = value
    return out


def export_edge_props(props: dict) -> dict:
    """Edge properties as exported: numbers of ``double`` properties (``weight``) as floats."""
    return {k: float(v) if k in EDGE_PROPERTIES and _number(v) else v for k, v in props.items()}


def import_props(kind: str, props: dict) -> dict:
    """The inverse of :func:`export_props`: ``target_text`` → ``target_value`` (… ``p_text`` → ``p``)
    when the kind's ``p`` is a mixed property and the node has no ``p`` of its own. Never raises."""
    out = dict(props)
    for key, spec in PROPERTIES.get(kind, {}).items():
        tk = text_key(key)
        if spec.value in TEXT_SPLIT and tk in out and tk not in PROPERTIES.get(kind, {}) and key not in out:
            out[key] = out.pop(tk)
    return out


def property_spec(kind: str, prop: str) -> PropertySpec:
    """The spec of ``prop`` on ``kind`` (free text when the schema does not list it)."""
    return PROPERTIES.get(kind, {}).get(prop, PropertySpec())


def required_properties(kind: str) -> tuple[str, ...]:
    """The properties a node of ``kind`` must have: ``name`` and the kind's required ones."""
    return ALWAYS_REQUIRED + tuple(p for p, spec in PROPERTIES.get(kind, {}).items() if spec.required)
