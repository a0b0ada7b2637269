"""One definition of how values are shown to people: percentages, numbers and indicator values,
shared by check messages, the diagnosis, reports, the CLI and the UI."""

from __future__ import annotations

MISSING = "—"
PERCENT_UNITS = frozenset({"%", "％"})


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage with fixed decimals: 0.8123 → ``81.2%``; None → ``—``."""
    return MISSING if value is None else f"{value * 100:.{digits}f}%"


def number(value: float, significant: int = 6) -> str:
    """A number with at most ``significant`` significant digits and no trailing zeros: 4.0 → ``4``."""
    return f"{value:.{significant}g}"


def is_percent_unit(unit: object) -> bool:
    """True for the unit ``%`` (half- or full-width)."""
    return isinstance(unit, str) and unit.strip() in PERCENT_UNITS


def indicator_value(value: float | None, unit: str | None, *, as_percent: bool | None = None) -> str:
    """An indicator value in its unit. The workbook stores 90% as 0.9, so a ``%`` indicator's
    fraction is shown as a percentage (``as_percent`` None: when its size is at most 1.5, i.e. a
    fraction rather than a number already in percent); otherwise the number followed by the unit.
    None → ``—``."""
    if value is None:
        return MISSING
    unit_text = "" if unit is None else str(unit).strip()
    if as_percent is None:
        as_percent = is_percent_unit(unit_text) and abs(value) <= 1.5
    if as_percent:
        return f"{number(value * 100, 4)}%"
    return f"{number(value)}{unit_text}"
