"""Task status (图13) pinned from the rules of graph/services/diagnosis/tasks.py's docstring, each
edge of each rule on both sides: the day of the deadline, the last day of the warning window,
the month a task was completed, the month it starts, the month of the check date. Expected
circles written out by hand, month by month."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.model import Node
from graph.services.diagnosis.tasks import (
    is_overdue, month_statuses, normalise_status, status_legend, task_progress, task_status,
)

ON = dt.date(2025, 6, 15)


def task(**props) -> Node:
    return Node("Task", "K", {"name": "任务", **props})


@pytest.mark.parametrize("props, status", [
    # 1. reported completed, even long overdue
    ({"status": "completed", "deadline": "2025-01-01"}, "completed"),
    ({"status": "已完成", "deadline": "2025-01-01"}, "completed"),
    # 2. due before the date and not completed: 未完成, whatever was reported
    ({"status": "normal", "deadline": "2025-06-14"}, "incomplete"),
    ({"status": "warning", "deadline": "2025-06-14"}, "incomplete"),
    ({"status": "not_started", "deadline": "2025-06-14"}, "incomplete"),
    ({"deadline": "2025-06-14"}, "incomplete"),
    ({"status": "normal", "deadline": "2025-06-15"}, "normal"),  # due today: not yet overdue
    # 3. the unit's own report is kept
    ({"status": "warning", "deadline": "2025-12-31"}, "warning"),
    ({"status": "incomplete", "deadline": "2025-12-31"}, "incomplete"),
    ({"status": "预警"}, "warning"),
    # 4. not started: 预警 when 30 days or fewer remain
    ({"status": "not_started", "deadline": "2025-07-15"}, "warning"),  # 30 days
    ({"status": "not_started", "deadline": "2025-07-16"}, "not_started"),  # 31 days
    ({"status": "not_started", "deadline": "2025-06-15"}, "warning"),  # 0 days
    ({"status": "not_started"}, "not_started"),  # no deadline: never nearly due
    ({"status": "未开始", "deadline": "2026-01-01"}, "not_started"),
    # 5. anything else
    ({"status": "normal", "deadline": "2025-12-31"}, "normal"),
    ({}, "normal"),
    ({"status": "normal", "deadline": "unreadable"}, "normal"),
])
def test_task_status(props, status):
    assert task_status(task(**props), ON) == status


def test_warning_window_can_be_set():
    t = task(status="not_started", deadline="2025-06-25")  # 10 days away
    assert task_status(t, ON, warning_window_days=10) == "warning"
    assert task_status(t, ON, warning_window_days=9) == "not_started"
    assert task_status(task(status="not_started", deadline="2025-06-15"), ON, warning_window_days=0) == "warning"


@pytest.mark.parametrize("props, overdue", [
    ({"status": "normal", "deadline": "2025-06-14"}, True), ({"deadline": "2025-06-14"}, True),
    ({"status": "normal", "deadline": "2025-06-15"}, False), ({"status": "completed", "deadline": "2025-01-01"}, False),
    ({"status": "已完成", "deadline": "2025-01-01"}, False), ({"status": "normal"}, False),
])
def test_is_overdue(props, overdue):
    assert is_overdue(task(**props), ON) is overdue


N, C, I, W, S, _ = "normal", "completed", "incomplete", "warning", "not_started", None


@pytest.mark.parametrize("props, circles", [
    # due end of April, reported normal; seen on 15 June: overdue from May, nothing after June
    ({"status": "normal", "deadline": "2025-04-30"}, [N, N, N, N, I, I, _, _, _, _, _, _]),
    # not started, due 20 March: 48 days left at the end of January, 20 at the end of February
    ({"status": "not_started", "deadline": "2025-03-20"}, [S, W, I, I, I, I, _, _, _, _, _, _]),
    # reported 预警 now: earlier months are taken as 正常, the report shows in June
    ({"status": "warning", "deadline": "2025-12-31"}, [N, N, N, N, N, W, _, _, _, _, _, _]),
    # completed on 10 March: 正常 before, 已完成 in March, nothing after
    ({"status": "completed", "completed_on": "2025-03-10", "deadline": "2025-05-31"},
     [N, N, C, _, _, _, _, _, _, _, _, _]),
    # completed, no completion date: the deadline when it is earlier than the check date…
    ({"status": "completed", "deadline": "2025-02-10"}, [N, C, _, _, _, _, _, _, _, _, _, _]),
    # …else the check date
    ({"status": "completed", "deadline": "2025-12-31"}, [N, N, N, N, N, C, _, _, _, _, _, _]),
    ({"status": "completed"}, [N, N, N, N, N, C, _, _, _, _, _, _]),
    # starts in March: nothing shown before
    ({"status": "normal", "start": "2025-03-01", "deadline": "2025-12-31"}, [_, _, N, N, N, N, _, _, _, _, _, _]),
    ({"status": "normal", "start": "2025-03-31", "deadline": "2025-12-31"}, [_, _, N, N, N, N, _, _, _, _, _, _]),
    ({"status": "normal", "start": "2025-04-01", "deadline": "2025-12-31"}, [_, _, _, N, N, N, _, _, _, _, _, _]),
])
def test_month_statuses(props, circles):
    assert month_statuses(task(**props), 2025, ON) == circles


def test_month_statuses_of_a_past_year_and_on_the_first_of_a_month():
    t = task(status="warning", deadline="2024-09-30")
    assert month_statuses(t, 2024, ON) == [N] * 9 + [I] * 3  # every month of a past year is shown
    first = dt.date(2025, 6, 1)  # June has begun: its circle uses the report
    assert month_statuses(task(status="warning", deadline="2025-12-31"), 2025, first) == [N] * 5 + [W] + [_] * 6
    assert month_statuses(task(status="normal"), 2026, ON) == [_] * 12  # a year not begun


def test_month_statuses_warning_window():
    # not started, due 15 July: 30 days from the end of… June is the as_of month (15 June: 30 days)
    t = task(status="not_started", deadline="2025-07-15")
    assert month_statuses(t, 2025, ON) == [S, S, S, S, S, W, _, _, _, _, _, _]
    assert month_statuses(t, 2025, ON, warning_window_days=45) == [S, S, S, S, W, W, _, _, _, _, _, _]


@pytest.mark.parametrize("props, share", [
    ({"progress": "60%"}, 0.6), ({"progress": 0.6}, 0.6), ({"progress": 60}, 0.6), ({"progress": 1}, 1.0),
    ({"progress": 150}, 1.0), ({"progress": -0.2}, 0.0), ({"进度": "40%"}, 0.4), ({"progress": "x", "进度": 0.3}, 0.3),
    ({}, None),
])
def test_task_progress(props, share):
    assert task_progress(task(**props)) == pytest.approx(share) if share is not None else task_progress(task(**props)) is None


def test_normalise_status_and_legend():
    assert normalise_status("已完成") == "completed" and normalise_status("warning") == "warning"
    assert normalise_status(None) is None and normalise_status("  ") is None and normalise_status("拖延") is None
    assert status_legend() == {
        "not_started": {"label": "未开始", "colour": "#9e9e9e"}, "normal": {"label": "正常", "colour": "#2e7d32"},
        "completed": {"label": "已完成", "colour": "#000000"}, "incomplete": {"label": "未完成", "colour": "#f9a825"},
        "warning": {"label": "预警", "colour": "#c62828"}}


def test_progress_above_one_is_a_percentage():
    assert task_progress(task(progress=1.5)) == pytest.approx(0.015)


def test_month_statuses_default_window_is_30_days():
    # due 16 July: 31 days after 15 June, so June is still 未开始; 30 days before 15 July, 预警
    assert month_statuses(task(status="not_started", deadline="2025-07-16"), 2025, ON)[5] == S
    assert month_statuses(task(status="not_started", deadline="2025-07-15"), 2025, ON)[5] == W
