"""One definition of value parsing for the whole system: dates, numbers (with percentages) and
indicator directions, shared by ingest (workbook cells), edits (API / UI) and the checks.

Every ``parse_*`` takes a raw value (``str``, ``int``, ``float``, ``bool``, ``datetime.date`` or
``datetime.datetime``, as a workbook reader, a CSV file or a JSON body delivers it).
Two contracts, with distinct names: ``parse_*`` reads a value that must be valid and raises
:class:`BadValue` (a plain-words reason; the caller adds the location), ``*_or_none`` reads a stored
property leniently and returns None for a missing or unreadable value (the checks do not judge it).
Accepted forms are listed in docs/workbook.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from collections.abc import Callable
from typing import Literal

from ontology import get_ontology

class BadValue(ValueError):
    """A cell whose value cannot be read; ``str(err)`` is the reason, without the location."""


def cell_text(value: object) -> str:
    """A cell as stripped text: integral floats lose their ``.0`` (Excel stores ``2001`` as
    2001.0), dates become ISO ``YYYY-MM-DD`` (with the time when it is not midnight)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def json_value(value: object) -> object:
    """A raw cell as a storable JSON scalar: numbers and booleans kept, dates as ISO text,
    everything else as stripped text."""
    if isinstance(value, (bool, int, float)):
        return value
    return cell_text(value)


# -- dates -------------------------------------------------------------------------------------
_SEP = r"\s*[-/.年]\s*"
_FULL_DATE = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*日?"
                        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_MONTH = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})\s*(?:月\s*(?:底|末)?)?$")
_YEAR = re.compile(r"^(\d{4})\s*(?:年\s*(?:底|末)?)?$")
DATE_FORMS = "2025-12-31, 2025/12/31, 2025年12月, 2025.12 or 2025"


def _iso(year: int, month: int, day: int | None, text: str) -> str:
    if not 1 <= month <= 12:
        raise BadValue(f"bad date '{text}': there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        day = last
    elif not 1 <= day <= last:
        raise BadValue(f"bad date '{text}': {year}-{month:02d} has no day {day}")
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(value: object) -> str:
    """A date as ISO ``YYYY-MM-DD``. Accepts an Excel date/datetime cell, ``2025-12-31``,
    ``2025/12/31``, ``2025.12.31``, ``2025年12月31日``; a month ``2025年12月``, ``2025.12``,
    ``2025-12`` → its last day; a year ``2025``, ``2025年`` → 12-31. Raises BadValue otherwise."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        raise BadValue(f"bad date '{value}' (expected {DATE_FORMS})")
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if m := _FULL_DATE.match(text):
        return _iso(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _MONTH.match(text):
        return _iso(int(m[1]), int(m[2]), None, text)
    if m := _YEAR.match(text):
        return _iso(int(m[1]), 12, None, text)
    raise BadValue(f"bad date '{cell_text(value)}' (expected {DATE_FORMS})")


# -- numbers -----------------------------------------------------------------------------------
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(value: object) -> float:
    """A number as float; ``90%`` → 0.9 (so ``90%`` and ``0.9`` are the same value),
    ``1,200`` → 1200.0, full-width digits accepted. Raises BadValue for anything else."""
    if isinstance(value, bool):
        raise BadValue(f"bad number '{value}'")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise BadValue(f"bad number '{value}': not a finite number")
        return float(value)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value)))
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadValue(f"bad number '{cell_text(value)}'") from None
    if not number.is_finite():
        raise BadValue(f"bad number '{cell_text(value)}'")
    return float(number / 100) if percent else float(number)


# -- directions ------------------------------------------------------------------------------
#: An indicator's direction: ``ge`` higher is better, ``le`` lower is better.
Direction = Literal["ge", "le"]
_GE = {"≥", ">=", "≧", ">", "ge", "gte", "higher", "higher is better", "高", "越高越好", "越大越好",
       "正向", "不低于", "不少于", "大于等于"}
_LE = {"≤", "<=", "≦", "<", "le", "lte", "lower", "lower is better", "低", "越低越好", "越小越好",
       "逆向", "不高于", "不超过", "小于等于"}


def parse_direction(value: object) -> Direction:
    """``ge`` (higher is better: ≥, >=, higher, 高, 越高越好 …) or ``le`` (≤, <=, lower, 低 …)."""
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    if text in _GE:
        return "ge"
    if text in _LE:
        return "le"
    raise BadValue(f"unknown direction '{cell_text(value)}' (allowed: ≥ / >= / higher / 高 / 越高越好 "
                   "for higher is better, ≤ / <= / lower / 低 / 越低越好 for lower is better)")


# -- other value types and controlled vocabularies --------------------------------------------
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


#: value type (``ontology.properties``) → its parser.
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


# -- lenient reads of stored properties -----------------------------------------------------
def date_or_none(value: object) -> dt.date | None:
    """A stored date property as a date (any form :func:`parse_date` accepts, or an ISO datetime);
    None when missing or unreadable."""
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and len(value.strip()) > 10 and value.strip()[10] in "T ":
        value = value.strip()[:10]
    try:
        return dt.date.fromisoformat(parse_date(value))
    except BadValue:
        return None


def number_or_none(value: object) -> float | None:
    """A stored number property (a number or numeric text such as ``"90%"`` → 0.9) as a finite
    float; None when missing, not a number or not finite."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = parse_number(value)
    except BadValue:
        return None
    return number if math.isfinite(number) else None


def direction_or_none(value: object) -> Direction | None:
    """A stored ``direction`` property as ``ge`` / ``le``; None when missing or not a known word."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_direction(value)
    except BadValue:
        return None


def blank(value: object) -> bool:
    """True for a missing value: None, text of only blanks, or an empty list."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def indicator_direction(props: dict) -> Direction | None:
    """An indicator's direction from its properties: ``direction`` when it is a known word
    (:func:`parse_direction`), else inferred from a numeric ``target_value`` above (``ge``) or below
    (``le``) the ``warning``; None when neither tells."""
    stated = direction_or_none(props.get("direction"))
    if stated is not None:
        return stated
    target, warning = number_or_none(props.get("target_value")), number_or_none(props.get("warning"))
    if target is not None and warning is not None and target != warning:
        return "ge" if target > warning else "le"
    return None
