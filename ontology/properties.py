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
    "Task": {"task_kind": P("task_kind"), "deadline": P("date"), "status": P("status")},
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
}

#: Properties every node has and must have.
ALWAYS_REQUIRED: tuple[str, ...] = ("name",)


def property_spec(kind: str, prop: str) -> PropertySpec:
    """The spec of ``prop`` on ``kind`` (free text when the schema does not list it)."""
    return PROPERTIES.get(kind, {}).get(prop, PropertySpec())


def required_properties(kind: str) -> tuple[str, ...]:
    """The properties a node of ``kind`` must have: ``name`` and the kind's required ones."""
    return ALWAYS_REQUIRED + tuple(p for p, spec in PROPERTIES.get(kind, {}).items() if spec.required)
