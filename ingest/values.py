"""Parsing of cell values: text, dates, numbers, percentages, directions and the controlled
vocabularies of the ontology.

Every parser takes a raw cell value (``str``, ``int``, ``float``, ``bool``, ``datetime.date`` or
``datetime.datetime`` as a reader or a generator delivers it) and returns a JSON value for a node
property, or raises :class:`BadValue` whose message is a plain-words reason (the caller adds the
cell's location).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from graph.values import (  # noqa: F401  (re-exported: the ingest parsers' vocabulary)
    DATE_FORMS,
    BadValue,
    cell_text,
    parse_date,
    parse_direction,
    parse_number,
)
from ontology import get_ontology


def json_value(value: object) -> object:
    """A raw cell as a storable JSON scalar: numbers and booleans kept, dates as ISO text,
    everything else as stripped text."""
    if isinstance(value, (bool, int, float)):
        return value
    return cell_text(value)


def parse_number_or_text(value: object) -> float | str:
    """A number as in :func:`parse_number` when the cell is one, else the cell's text
    (目标值 such as ``通过认证`` stay text)."""
    try:
        return parse_number(value)
    except BadValue:
        return cell_text(value)


def parse_int_or_text(value: object) -> int | str:
    """An integral number as int (``3``, ``3.0``), anything else as its text (a 序号 like ``3a``)."""
    text = cell_text(value)
    return int(text.split(".")[0]) if re.fullmatch(r"[+-]?\d+(\.0+)?", text) else text


_TASK_KINDS = {"a": "A", "重点工作": "A", "b": "B", "常规工作": "B"}


def parse_task_kind(value: object) -> str:
    """``A`` (重点工作) or ``B`` (常规工作)."""
    kind = _TASK_KINDS.get(cell_text(value).lower())
    if kind is None:
        raise BadValue(f"unknown task kind '{cell_text(value)}' (allowed: A 重点工作, B 常规工作)")
    return kind


def concept_parser(scheme: str, what: str) -> Callable[[object], str]:
    """A parser mapping a zh label, en label or notation of the ontology scheme ``scheme`` (case
    does not matter for the Latin ones) to its notation; BadValue names the allowed values."""

    def parse(value: object) -> str:
        text = cell_text(value)
        onto = get_ontology()
        concept = onto.concept(scheme, text)
        if concept is None:
            low = text.lower()
            concept = next((c for c in onto.schemes[scheme]
                            if low in (c.notation.lower(), c.labels.en.lower())), None)
        if concept is None:
            raise BadValue(f"unknown {what} '{text}' (allowed: {allowed_values(scheme)})")
        return concept.notation

    return parse


def allowed_values(scheme: str) -> str:
    """The values a user may write for ``scheme``, e.g. ``学校 (school), 部门 (department), …``."""
    return ", ".join(f"{c.labels.zh} ({c.notation})" for c in get_ontology().schemes[scheme])


#: value kind of a :class:`ingest.sheets.Column` → its parser.
PARSERS: dict[str, Callable[[object], object]] = {
    "text": cell_text,
    "date": parse_date,
    "number": parse_number,
    "number_or_text": parse_number_or_text,
    "int_or_text": parse_int_or_text,
    "direction": parse_direction,
    "task_kind": parse_task_kind,
    "layer": concept_parser("Layers", "layer"),
    "status": concept_parser("TaskStatuses", "status"),
    "org_type": concept_parser("OrgUnitTypes", "org unit type"),
    "system": concept_parser("Systems", "system"),
    "plan_level": concept_parser("PlanLevels", "plan level"),
    "scope": concept_parser("DutyScopes", "duty scope"),
}
