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
from dataclasses import dataclass
from typing import Literal

from ontology import get_ontology

class BadValue(ValueError):
    """A cell whose value cannot be read; ``str(err)`` is the reason, without the location."""


class NonFinite(BadValue):
    """A number that is not finite (NaN, Infinity, or too large for a double such as ``1e400``):
    never stored, whatever the column."""


# -- limits and the id grammar ----------------------------------------------------------------------
#: Longest code (the part after ``Kind:`` of a node id), in characters.
MAX_CODE_LENGTH = 100
#: Longest name, in characters.
MAX_NAME_LENGTH = 1000
#: Invisible characters removed from codes (and from every cell a workbook delivers): zero-width
#: space, non-joiner, joiner, word joiner, byte-order mark.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")
#: Path segments the API puts after a node id (``/nodes/{id}/neighbors``): a code may not end with
#: one of them after a slash, so every route reads every id back.
RESERVED_SUFFIXES = ("/neighbors", "/owner", "/items", "/history", "/review")


#: Characters no store or export can carry: C0 controls, DEL, C1 controls, lone surrogates; the
#: first pattern allows tab and line breaks (``bad_char(..., breaks=True)``).
_BAD_CHAR_BREAKS_OK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_CHAR = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def bad_char(text: str, *, breaks: bool = True) -> str | None:
    """The first character no store or export can carry — a control character (C0, DEL, C1; tab
    and line breaks allowed when ``breaks``) or a lone surrogate — or None. (One regular
    expression search: this runs on every cell of a load.)"""
    m = (_BAD_CHAR_BREAKS_OK if breaks else _BAD_CHAR).search(text)
    return m.group() if m is not None else None


def strip_zero_width(text: str) -> str:
    """``text`` without the invisible characters of :data:`ZERO_WIDTH`."""
    return _ZERO_WIDTH_RE.sub("", text)


def normalise_code(text: str) -> str:
    """A code as stored: NFKC (full-width letters and digits → ASCII: ``ＺＫ－０１`` → ``ZK-01``),
    zero-width characters removed, surrounding blanks stripped. Check it with :func:`code_problem`."""
    return strip_zero_width(unicodedata.normalize("NFKC", text)).strip()


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a node's code (the id grammar every interface shares), or None. A
    code is 1–:data:`MAX_CODE_LENGTH` characters of text without control characters (line breaks and
    tabs included), zero-width characters or surrounding blanks, not ending in a route's suffix
    (:data:`RESERVED_SUFFIXES`)."""
    if not code:
        return "the code is empty"
    if len(code) > MAX_CODE_LENGTH:
        return f"the code is {len(code)} characters long (at most {MAX_CODE_LENGTH})"
    if (ch := bad_char(code, breaks=False)) is not None:
        return f"the code holds the control character U+{ord(ch):04X}"
    if _ZERO_WIDTH_RE.search(code) is not None:
        return "the code holds a zero-width character"
    if code != code.strip():
        return "the code starts or ends with blanks"
    low = code.lower()
    if low.endswith(RESERVED_SUFFIXES):
        suffix = next(s for s in RESERVED_SUFFIXES if low.endswith(s))
        return f"the code ends with '{suffix}', which the API reads as a route"
    return None


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a node's name (over :data:`MAX_NAME_LENGTH` characters, or a control
    character other than tab and line breaks), or None."""
    if not isinstance(name, str):
        return None
    if len(name) > MAX_NAME_LENGTH:
        return f"the name is {len(name)} characters long (at most {MAX_NAME_LENGTH})"
    if (ch := bad_char(name)) is not None:
        return f"the name holds the control character U+{ord(ch):04X}"
    return None


def value_problem(value: object) -> str | None:
    """Why a property value cannot be stored (a non-finite number; text with a control character
    other than tab and line breaks; the same inside a list), or None."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, float) and not math.isfinite(item):
            return f"{item!r} is not a finite number"
        if isinstance(item, str) and (ch := bad_char(item)) is not None:
            return f"holds the control character U+{ord(ch):04X}"
    return None


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
    everything else as stripped text. Raises NonFinite for NaN or an infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        raise NonFinite(f"bad number '{value}': not a finite number")
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


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_RANGE = r"\s*(?:-|~|～|—|–|至|到)\s*"
#: ``2015-2018年``, ``2015年-2018年``, ``2015至2018年`` → the end of the last year.
_YEARS = re.compile(rf"^(\d{{4}})\s*年?{_RANGE}(\d{{4}})\s*年?(?:\s*(?:底|末))?$")
#: ``2023-2024学年`` (→ 08-31 of the second year); with ``第一学期`` (→ 01-31) / ``第二学期`` (→ 07-31).
_SCHOOL_YEAR = re.compile(rf"^(\d{{4}})\s*年?{_RANGE}(\d{{4}})\s*年?\s*学年\s*(?:度)?"
                          r"(?:\s*第?\s*([一二12])\s*学期)?$")
#: ``2024年上半年`` (→ 06-30) / ``2024年下半年`` (→ 12-31).
_HALF = re.compile(r"^(\d{4})\s*年?\s*([上下])\s*半\s*年(?:\s*(?:底|末))?$")
#: ``2024年第一季度``, ``2024年一季度``, ``2024Q1`` → the quarter's last day.
_QUARTER = re.compile(r"^(\d{4})\s*(?:年\s*第?\s*([一二三四1-4])\s*季度?|\s*[qQ]\s*([1-4]))(?:\s*(?:底|末))?$")
_BARE_PERIOD = re.compile(r"^第?\s*[一二三四1-4]\s*(?:季度|学期)$|^[上下]半年$")
PERIOD_FORMS = "2015-2018年, 2024年上半年, 2023-2024学年, 2024年第一季度"


def _period_end(text: str, shown: str) -> str | None:
    """The last day of the period ``text`` (NFKC-normalised), or None when it is not a period."""
    if m := _YEARS.match(text):
        first, last = int(m[1]), int(m[2])
        if last < first:
            raise BadValue(f"bad date '{shown}': the period ends before it starts")
        return _iso(last, 12, None, text)
    if m := _SCHOOL_YEAR.match(text):
        first, last = int(m[1]), int(m[2])
        if last != first + 1:
            raise BadValue(f"bad date '{shown}': a 学年 spans two consecutive years (2023-2024学年)")
        month = {None: 8, 1: 1, 2: 7}[_CN_DIGITS[m[3]] if m[3] else None]
        return _iso(last, month, None, text)
    if m := _HALF.match(text):
        return _iso(int(m[1]), 6 if m[2] == "上" else 12, None, text)
    if m := _QUARTER.match(text):
        quarter = _CN_DIGITS[m[2]] if m[2] else int(m[3])
        return _iso(int(m[1]), 3 * quarter, None, text)
    if _BARE_PERIOD.match(text):
        raise BadValue(f"bad date '{shown}': the year is not written (write e.g. 2025年{text})")
    return None


def parse_period(value: object) -> tuple[str, bool]:
    """A date or a period as ``(ISO date, is_period)``. A period is read as its LAST day:
    ``2015-2018年`` → 2018-12-31, ``2024年上半年`` → 2024-06-30, ``2024年下半年`` → 2024-12-31,
    ``2023-2024学年`` → 2024-08-31 (``…学年第一学期`` → 2024-01-31, ``第二学期`` → 2024-07-31),
    ``2024年第一季度`` / ``2024年一季度`` / ``2024Q1`` → 2024-03-31; anything else as
    :func:`parse_date` (``is_period`` False). Raises BadValue for an unreadable value, and for a
    period without its year (``第一季度``: which year is not written)."""
    if isinstance(value, str):
        end = _period_end(unicodedata.normalize("NFKC", value).strip(), cell_text(value))
        if end is not None:
            return end, True
    return parse_date(value), False


def parse_date(value: object) -> str:
    """A date as ISO ``YYYY-MM-DD``. Accepts an Excel date/datetime cell, ``2025-12-31``,
    ``2025/12/31``, ``2025.12.31``, ``2025年12月31日``; a month ``2025年12月``, ``2025.12``,
    ``2025-12`` → its last day; a year ``2025``, ``2025年`` → 12-31; a period (``2015-2018年``,
    ``2024年上半年``, ``2023-2024学年``, ``2024年第一季度``) → its last day (:func:`parse_period`
    also says whether it was one). Raises BadValue otherwise."""
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
    if isinstance(value, str) and (end := _period_end(text, cell_text(value))) is not None:
        return end
    raise BadValue(f"bad date '{cell_text(value)}' (expected {DATE_FORMS}); a period ({PERIOD_FORMS}) "
                   "is read as its last day")


# -- numbers -----------------------------------------------------------------------------------
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(value: object) -> float:
    """A number as float; ``90%`` → 0.9 (so ``90%`` and ``0.9`` are the same value),
    ``1,200`` → 1200.0, full-width digits accepted. Raises BadValue for anything else."""
    if isinstance(value, bool):
        raise BadValue(f"bad number '{value}'")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise NonFinite(f"bad number '{value}': not a finite number")
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
        raise NonFinite(f"bad number '{cell_text(value)}': not a finite number")
    result = float(number / 100) if percent else float(number)
    if not math.isfinite(result):
        raise NonFinite(f"bad number '{cell_text(value)}': too large to store (over ±1.8e308)")
    return result


# -- directions ------------------------------------------------------------------------------
#: An indicator's direction: ``ge`` higher is better, ``le`` lower is better, ``eq`` the value must
#: equal the threshold (a yes/no indicator: 是 / 否).
Direction = Literal["ge", "le", "eq"]
#: The one vocabulary of direction words: a 方向 cell, the sign in front of a threshold (``≥95%``,
#: ``不少于6个月``) and the words after it (``70%以上``) all read from these sets.
_GE = {"≥", ">=", "≧", ">", "ge", "gte", "higher", "higher is better", "高", "越高越好", "越大越好",
       "正向", "不低于", "不少于", "大于等于", "不小于", "高于", "大于", "超过", "达到", "以上", "及以上"}
_LE = {"≤", "<=", "≦", "<", "le", "lte", "lower", "lower is better", "低", "越低越好", "越小越好",
       "逆向", "不高于", "不超过", "小于等于", "不大于", "低于", "小于", "以下", "及以下", "以内", "之内"}
_EQ = {"=", "==", "eq", "equal", "等于", "是否", "是/否", "yes/no"}
DIRECTION_ZH = {"ge": "越高越好", "le": "越低越好", "eq": "应等于"}
DIRECTION_SIGN = {"ge": "≥", "le": "≤", "eq": "="}


def parse_direction(value: object) -> Direction:
    """``ge`` (higher is better: ≥, >=, higher, 高, 越高越好, 不低于 …), ``le`` (≤, <=, lower, 低,
    越低越好, 不超过 …) or ``eq`` (=, 等于, 是否: a yes/no indicator). Raises BadValue otherwise."""
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    if text in _GE:
        return "ge"
    if text in _LE:
        return "le"
    if text in _EQ:
        return "eq"
    raise BadValue(f"unknown direction '{cell_text(value)}' (allowed: ≥ / >= / higher / 高 / 越高越好 "
                   "for higher is better, ≤ / <= / lower / 低 / 越低越好 for lower is better, "
                   "= / 是否 for a yes/no indicator)")


# -- thresholds: values printed with their comparison ----------------------------------------------
#: Cells that mean "no threshold at this grade": dashes, a slash, 无.
PLACEHOLDERS = frozenset({"—", "——", "-", "--", "－", "―", "–", "/", "／", "\\", "无", "n/a", "na", "不适用"})
YES = frozenset({"是", "yes", "y", "true", "有", "√", "✓"})
NO = frozenset({"否", "no", "n", "false", "×", "✗"})
_WORDS = sorted((w for w in _GE | _LE | _EQ if not w.isascii() or not w.isalpha()), key=len, reverse=True)
_PREFIX = "|".join(map(re.escape, [w for w in _WORDS if w not in ("以上", "及以上", "以下", "及以下", "以内", "之内")]))
_SUFFIX = "及以上|以上|及以下|以下|以内|之内"
_THRESHOLD = re.compile(
    rf"^(?P<pre>{_PREFIX})?(?P<num>[+-]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)(?P<pct>%)?"
    rf"(?::(?P<per>1))?(?P<unit>[^\d\s%:]{{0,6}}?)(?P<post>{_SUFFIX})?$")
THRESHOLD_FORMS = "95%, 0.95, ≥95%, ≤30:1, 70%以上, 1项以上, 不少于6个月, 是 / 否, — (none)"


@dataclass(frozen=True)
class Threshold:
    """A threshold cell as printed, read. ``value``: the number (``90%`` → 0.9, ``30:1`` → 30.0),
    True / False for 是 / 否, None for a placeholder (``—``: no threshold at this grade).
    ``unit``: ``%``, ``:1`` (a ratio, per one), or the unit word printed after the number (``个月``,
    ``项``, ``分``), else None. ``direction``: from the sign or the words around the number (``ge``
    for ≥ / 以上 / 不少于, ``le`` for ≤ / 以下 / 不超过, ``eq`` for = and for 是 / 否), else None.
    ``text``: the cell as written. ``plain``: the cell was just a number (``95%``, ``0.95``,
    ``18``): nothing was read beyond the number."""

    text: str
    value: float | bool | None
    unit: str | None = None
    direction: Direction | None = None
    plain: bool = False

    @property
    def placeholder(self) -> bool:
        return self.value is None

    @property
    def yes_no(self) -> bool:
        return isinstance(self.value, bool)

    def shown(self) -> str:
        """What is stored, in words: ``0.95 (95%), ≥, unit %`` / ``是 (yes)`` / ``none``."""
        if self.value is None:
            return "no threshold (placeholder)"
        if isinstance(self.value, bool):
            return "是 (yes)" if self.value else "否 (no)"
        parts = [f"{self.value:g}" + (f" ({self.value * 100:g}%)" if self.unit == "%" else "")]
        if self.direction:
            parts.append(f"direction {DIRECTION_SIGN[self.direction]} ({self.direction})")
        if self.unit:
            parts.append(f"unit {self.unit}")
        return ", ".join(parts)


def parse_threshold(value: object) -> Threshold:
    """A threshold cell (目标值, 预警值) as a :class:`Threshold`. Accepted: a number or percentage
    (``95%``, ``0.95``, ``1,200``); a number with its comparison in front (``≥95%``, ``≤30:1``,
    ``>=4000``, ``不少于6个月``, ``不低于90%``) or after it (``70%以上``, ``1项以上``, ``95分以上``,
    ``20%以内``); a ratio ``27:1`` (→ 27, unit ``:1``); a unit word after the number (``6个月``,
    ``3项``); 是 / 否 (a yes/no indicator, direction ``eq``); ``—``, ``-``, ``/``, ``无`` (no
    threshold). A comparison both in front and after must agree. Raises BadValue otherwise."""
    if isinstance(value, bool):
        return Threshold(cell_text(value), value, None, "eq")
    if isinstance(value, (int, float)):
        return Threshold(cell_text(value), parse_number(value), plain=True)
    shown = cell_text(value)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", shown)).replace("％", "%")
    low = text.lower()
    if not text:
        raise BadValue("bad threshold '': empty")
    if low in PLACEHOLDERS or set(text) <= set("—-－―–"):
        return Threshold(shown, None)
    if low in YES:
        return Threshold(shown, True, None, "eq")
    if low in NO:
        return Threshold(shown, False, None, "eq")
    try:
        return Threshold(shown, parse_number(text), "%" if text.endswith("%") else None, plain=True)
    except NonFinite:
        raise
    except BadValue:
        pass
    if low.lstrip("+-") in ("nan", "inf", "infinity"):
        raise NonFinite(f"bad threshold '{shown}': not a finite number")
    m = _THRESHOLD.match(text)
    if not m:
        raise BadValue(f"bad threshold '{shown}' (expected e.g. {THRESHOLD_FORMS})")
    signs = [parse_direction(w) for w in (m["pre"], m["post"]) if w]
    if len(set(signs)) > 1:
        raise BadValue(f"bad threshold '{shown}': '{m['pre']}' and '{m['post']}' say opposite things")
    number = float(Decimal(m["num"].replace(",", "")))
    if not math.isfinite(number):
        raise NonFinite(f"bad threshold '{shown}': too large to store")
    unit = m["unit"] or None
    if m["pct"]:
        number, unit = number / 100, "%" if not unit else unit
    elif m["per"]:
        unit = ":1"
    return Threshold(shown, number, unit, signs[0] if signs else None)


def measured_value(value: object) -> float | bool:
    """A measurement's value: a number as :func:`parse_number`, or 是 / 否 (True / False) for a
    yes/no indicator. Raises BadValue otherwise."""
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return parse_number(value)


def target_value(value: object) -> float | bool | str | None:
    """A 目标值: the value of a threshold (:func:`parse_threshold`), or the cell's text when it is
    not one (``通过认证`` stays text)."""
    try:
        return parse_threshold(value).value
    except NonFinite:
        raise
    except BadValue:
        return cell_text(value)


# -- other value types and controlled vocabularies --------------------------------------------
def parse_number_or_text(value: object) -> float | str:
    """A number as in :func:`parse_number` when the cell is one, else the cell's text
    (目标值 such as ``通过认证`` stay text)."""
    try:
        return parse_number(value)
    except NonFinite:
        raise
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
    "threshold": lambda v: parse_threshold(v).value,
    "target": target_value,
    "measured": measured_value,
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
    """A stored ``direction`` property as ``ge`` / ``le`` / ``eq``; None when missing or not a known word."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_direction(value)
    except BadValue:
        return None


def yes_no_or_none(value: object) -> bool | None:
    """A stored yes/no value (True / False, or the text 是 / 否 …) as a bool; None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().lower()
        return True if text in YES else False if text in NO else None
    return None


def measured_or_none(value: object) -> float | bool | None:
    """A stored measurement value: a number (:func:`number_or_none`) or a yes/no (True / False);
    None when missing or unreadable."""
    flag = yes_no_or_none(value)
    return flag if flag is not None else number_or_none(value)


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


@dataclass(frozen=True)
class JudgedThreshold:
    """What an indicator is judged against: ``value`` (a number, or True / False for a yes/no
    indicator), its ``direction`` (None: not known, so not judged) and the property it comes from
    (``source``: ``warning`` or ``target_value``)."""

    value: float | bool
    direction: Direction | None
    source: str


def _placeholder_text(text: object) -> bool:
    return isinstance(text, str) and text.strip().lower() in PLACEHOLDERS


def _printed_with_comparison(text: object) -> bool:
    if not isinstance(text, str) or not text.strip():
        return False
    try:
        th = parse_threshold(text)
    except BadValue:
        return False
    return th.direction is not None


def indicator_threshold(props: dict) -> JudgedThreshold | None:
    """The threshold an indicator is judged against (rules SI003 and SI004 use this one
    definition): its 预警值 ``warning`` when it is a number or a yes/no; without one, its 目标值
    ``target_value`` when that is a yes/no or was printed with its comparison (``≥95%``,
    ``70%以上``: the ``target_value_text`` the loader kept), since a printed standard's requirement
    is then the line not to cross. A plain target (``95%``) is the level aimed at, not a threshold;
    a 预警值 written as a placeholder (``warning_text`` ``—``: none at this grade) leaves the
    indicator without a threshold.
    None when the indicator has no threshold. The direction is ``eq`` for a yes/no, else
    :func:`indicator_direction`."""
    for source in ("warning", "target_value"):
        if source == "target_value" and _placeholder_text(props.get("warning_text")):
            return None  # 预警值 "—": no threshold at this grade, whatever the target
        raw = props.get(source)
        flag = raw if isinstance(raw, bool) else None
        if flag is not None:
            return JudgedThreshold(flag, "eq", source)
        number = number_or_none(raw)
        if number is None:
            continue
        if source == "target_value" and not _printed_with_comparison(props.get("target_value_text")):
            continue
        return JudgedThreshold(number, indicator_direction(props), source)
    return None


def breached(value: float | bool, threshold: float | bool, direction: Direction) -> bool:
    """The breach condition of SI004 and the diagnosis: below the threshold when higher is better
    (``ge``), above it when lower is better (``le``), different from it for ``eq`` (a yes/no
    indicator: 否 when the target is 是). A yes/no compared with a number is never a breach (the
    measurement is not of this indicator's kind)."""
    if isinstance(value, bool) != isinstance(threshold, bool):
        return False
    if direction == "eq" or isinstance(threshold, bool):
        return value != threshold
    return value < threshold if direction == "ge" else value > threshold
