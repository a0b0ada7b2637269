"""Task status by date and by month, in the four colours of 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13.

泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 (部门完成任务情况一览表图例) shows one circle per task and month (1月–12月) in one of
four colours: 正常 green, 已完成 black, 未完成 yellow, 预警 red (the ontology's TaskStatuses, with
未开始 grey for a task not yet begun). The seed gives the legend only; the rule that derives the
circle from a task's ``deadline``, its reported ``status`` and the date is ours:

:func:`task_status` — the status of a task on date ``on``:

1. reported 已完成 (``completed``) → **已完成**;
2. a deadline before ``on`` → **未完成** (due and not done: overdue, docs/rules.md TK003);
3. reported 预警 → **预警**; reported 未完成 → **未完成** (the unit's own report is kept);
4. reported 未开始 and the deadline ``warning_window_days`` (default 30) days away or closer →
   **预警** (not begun although nearly due); otherwise reported 未开始 → **未开始**;
5. anything else (正常, or no status) → **正常**.

:func:`month_statuses` — the twelve circles of one year (泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13's row). Months starting
after ``as_of`` are empty (None). The reported status is only known as of ``as_of``, so it is
applied in the ``as_of`` month; an earlier month uses the rule with the report taken as 正常
(未开始 stays 未开始: a task not begun now was not begun then). A completed task shows 已完成 in
the month it was completed (property ``completed_on``, else the earlier of its deadline and
``as_of``), 正常 before and nothing after. A task with a ``start`` date shows nothing before it.

Units: dates are ``datetime.date``; statuses are TaskStatuses notations (``normal``,
``completed``, ``incomplete``, ``warning``, ``not_started``). Rectification tasks follow the same
rules (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9 (4): a unit's work plan includes last cycle's rectification tasks).
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from typing import Any

from graph.model import Node
from graph.values import date_or_none as _parse_date, number_or_none
from ontology import get_ontology


@lru_cache(maxsize=65536)
def _date_of_text(text: str) -> dt.date | None:
    return _parse_date(text)


def date_or_none(value: object) -> dt.date | None:
    """``graph.values.date_or_none``, remembered for text values: a college's tasks share a few
    hundred deadlines, and reading a date is the costliest step of a task's monthly statuses."""
    if isinstance(value, str):
        return _date_of_text(value)
    return _parse_date(value)

#: Statuses counted as on schedule / behind schedule in the 事中 (progress) diagnosis.
ON_SCHEDULE = frozenset({"normal", "completed", "not_started"})
BEHIND = frozenset({"incomplete", "warning"})
STATUSES = ("normal", "completed", "incomplete", "warning", "not_started")


def normalise_status(value: Any) -> str | None:
    """A TaskStatuses notation from a notation or a zh/en label (``已完成`` → ``completed``), else None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    onto = get_ontology()
    if _status_memo_of[0] is not onto:  # answers of another ontology (a test's) are not reused
        _status_memo.clear()
        _status_memo_of[0] = onto
    key = (value.__class__, value)  # 1, 1.0 and True are equal keys but not the same text
    try:
        return _status_memo[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value: not memoised
        key = None
    concept = onto.concept("TaskStatuses", value)
    notation = concept.notation if concept is not None else None
    if key is not None and len(_status_memo) < 10_000:  # a college repeats a few dozen spellings
        _status_memo[key] = notation
    return notation


_status_memo: dict[tuple[type, Any], str | None] = {}
_status_memo_of: list[Any] = [None]


def status_legend() -> dict[str, dict[str, str]]:
    """``{notation: {"label": zh label, "colour": "#rrggbb"}}`` of 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 (from the ontology)."""
    return {c.notation: {"label": c.labels.zh, "colour": c.colour or "#9e9e9e"}
            for c in get_ontology().schemes["TaskStatuses"]}


def task_progress(task: Node) -> float | None:
    """The task's ``progress`` (or a workbook column ``进度``) as a share in [0, 1], or None:
    ``"60%"`` and ``0.6`` are 0.6; a number above 1 is read as a percentage (``60`` → 0.6)."""
    for key in ("progress", "进度"):
        value = number_or_none(task.props.get(key))
        if value is not None:
            return max(0.0, min(1.0, value / 100 if value > 1 else value))
    return None


def _derive(reported: str | None, due: dt.date | None, on: dt.date, window: int) -> str:
    if reported == "completed":
        return "completed"
    if due is not None and due < on:
        return "incomplete"
    if reported in ("warning", "incomplete"):
        return reported
    if reported == "not_started":
        return "warning" if due is not None and (due - on).days <= window else "not_started"
    return "normal"


def task_status(task: Node, on: dt.date, *, warning_window_days: int = 30) -> str:
    """The 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 status of ``task`` on ``on`` (rules 1–5 of the module docstring)."""
    return _derive(normalise_status(task.props.get("status")), date_or_none(task.props.get("deadline")), on,
                   warning_window_days)


def is_overdue(task: Node, on: dt.date) -> bool:
    """Due before ``on`` and not reported 已完成 (docs/rules.md TK003)."""
    due = date_or_none(task.props.get("deadline"))
    return due is not None and due < on and normalise_status(task.props.get("status")) != "completed"


def month_statuses(task: Node, year: int, as_of: dt.date, *, warning_window_days: int = 30) -> list[str | None]:
    """The twelve monthly circles of ``task`` in ``year`` as seen on ``as_of`` (module docstring)."""
    reported = normalise_status(task.props.get("status"))
    due = date_or_none(task.props.get("deadline"))
    start = date_or_none(task.props.get("start"))
    done = None
    if reported == "completed":
        done = date_or_none(task.props.get("completed_on")) or min(due or as_of, as_of)
    out: list[str | None] = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        if first > as_of or (start is not None and end < start):
            out.append(None)
            continue
        on = min(end, as_of)
        if done is not None:
            key, done_key = (year, month), (done.year, done.month)
            out.append("normal" if key < done_key else "completed" if key == done_key else None)
            continue
        current = first <= as_of <= end
        assumed = reported if current else ("not_started" if reported == "not_started" else "normal")
        out.append(_derive(assumed, due, on, warning_window_days))
    return out
