"""graph.values pinned on the forms of docs/workbook.md ("Accepted values", "Dates and periods",
thresholds) and on the calendar: January and the 1st of a month, month and year ends, leap years,
each edge of the accepted range — every expected value written by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.values import (
    BadValue, Threshold, blank, breached, cell_text, date_or_none, direction_or_none, indicator_direction,
    indicator_threshold, JudgedThreshold, json_value, measured_or_none, measured_value, number_or_none,
    parse_date, parse_direction, parse_int_or_text, parse_number, parse_number_or_text, parse_period,
    parse_task_kind, parse_threshold, target_value, yes_no_or_none,
)


# -- cells -------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, text", [
    (None, ""), (True, "TRUE"), (False, "FALSE"), (2001.0, "2001"), (2.5, "2.5"), (7, "7"),
    (dt.datetime(2025, 1, 1), "2025-01-01"), (dt.datetime(2025, 1, 1, 8, 30), "2025-01-01 08:30:00"),
    (dt.date(2025, 3, 1), "2025-03-01"), ("  教务处 ", "教务处"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_json_value_keeps_numbers_and_booleans():
    assert json_value(True) is True and json_value(3) == 3 and json_value(0.5) == 0.5
    assert json_value(dt.date(2025, 1, 1)) == "2025-01-01" and json_value(" x ") == "x"


# -- dates -------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, iso", [
    ("2025-01-01", "2025-01-01"), ("2025-01-31", "2025-01-31"), ("2025/1/1", "2025-01-01"),
    ("2025.01.01", "2025-01-01"), ("2025年1月1日", "2025-01-01"), ("2025-12-01", "2025-12-01"),
    ("2025-12-31", "2025-12-31"), ("2024-02-29", "2024-02-29"), ("2025-01-01 08:30", "2025-01-01"),
    ("2025-01", "2025-01-31"), ("2025年1月", "2025-01-31"), ("2025.02", "2025-02-28"), ("2024-02", "2024-02-29"),
    ("2025年12月底", "2025-12-31"), ("2025", "2025-12-31"), ("2025年", "2025-12-31"), ("2025年末", "2025-12-31"),
    ("２０２５－０１－０１", "2025-01-01"), (2025, "2025-12-31"), (2025.0, "2025-12-31"),
    (dt.date(2025, 1, 1), "2025-01-01"), (dt.datetime(2025, 1, 1, 23, 59), "2025-01-01"),
])
def test_dates(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize("value, reason", [
    ("2025-00-10", "there is no month 0"), ("2025-13-01", "there is no month 13"), ("2025-00", "there is no month 0"),
    ("2025-01-00", "2025-01 has no day 0"), ("2025-01-32", "2025-01 has no day 32"),
    ("2025-02-29", "2025-02 has no day 29"), ("2025-04-31", "2025-04 has no day 31"),
])
def test_impossible_dates_say_why(value, reason):
    with pytest.raises(BadValue) as err:
        parse_date(value)
    assert str(err.value) == f"bad date '{value}': {reason}"


@pytest.mark.parametrize("value", [None, True, "", "明年", "25.12", "12/31/2025"])
def test_unreadable_dates(value):
    with pytest.raises(BadValue):
        parse_date(value)


@pytest.mark.parametrize("value, iso, period", [
    ("2015-2018年", "2018-12-31", True), ("2015年—2018年", "2018-12-31", True), ("2015至2018年", "2018-12-31", True),
    ("2018-2018年", "2018-12-31", True),
    ("2024年上半年", "2024-06-30", True), ("2024年下半年", "2024-12-31", True),
    ("2023-2024学年", "2024-08-31", True), ("2023-2024学年第一学期", "2024-01-31", True),
    ("2023-2024学年第二学期", "2024-07-31", True), ("2023-2024学年第1学期", "2024-01-31", True),
    ("2024年第一季度", "2024-03-31", True), ("2024年一季度", "2024-03-31", True), ("2024Q1", "2024-03-31", True),
    ("2024年第二季度", "2024-06-30", True), ("2024年三季度", "2024-09-30", True), ("2024q4", "2024-12-31", True),
    ("2025-01-01", "2025-01-01", False), ("2025年", "2025-12-31", False), (dt.date(2025, 1, 1), "2025-01-01", False),
])
def test_periods_end_on_their_last_day(value, iso, period):
    assert parse_period(value) == (iso, period)
    assert parse_date(value) == iso


@pytest.mark.parametrize("value, reason", [
    ("2018-2015年", "the period ends before it starts"),
    ("2023-2025学年", "a 学年 spans two consecutive years (2023-2024学年)"),
    ("2024-2024学年", "a 学年 spans two consecutive years (2023-2024学年)"),
    ("第一季度", "the year is not written (write e.g. 2025年第一季度)"),
    ("上半年", "the year is not written (write e.g. 2025年上半年)"),
])
def test_bad_periods(value, reason):
    with pytest.raises(BadValue) as err:
        parse_period(value)
    assert str(err.value) == f"bad date '{value}': {reason}"


@pytest.mark.parametrize("value, date", [
    ("2025-01-01", dt.date(2025, 1, 1)), ("2025-01-01T10:00:00", dt.date(2025, 1, 1)),
    ("2025-03-01 00:00", dt.date(2025, 3, 1)), (" 2025-01 ", dt.date(2025, 1, 31)), ("2024年上半年", dt.date(2024, 6, 30)),
    (dt.date(2025, 1, 1), dt.date(2025, 1, 1)),
    (None, None), (True, None), ("", None), ("   ", None), ("soon", None), ("2025-13-01", None),
])
def test_date_or_none(value, date):
    assert date_or_none(value) == date


# -- numbers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("value, number", [
    (0, 0.0), (3, 3.0), (0.9, 0.9), ("0.9", 0.9), ("90%", 0.9), (" 9 0 % ", 0.9), ("1,200", 1200.0),
    ("-1,200.5", -1200.5), ("１２", 12.0), ("1e3", 1000.0), ("100%", 1.0),
])
def test_numbers(value, number):
    assert parse_number(value) == pytest.approx(number)


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), "nan", "Infinity", "很多", "1,2,3", "", "%"])
def test_not_numbers(value):
    with pytest.raises(BadValue):
        parse_number(value)


@pytest.mark.parametrize("value, expected", [
    (None, None), (True, None), (False, None), ("x", None), ("nan", None), (float("inf"), None),
    (0, 0.0), ("90%", 0.9), (1.5, 1.5),
])
def test_number_or_none(value, expected):
    assert number_or_none(value) == expected


def test_number_or_text_and_int_or_text():
    assert parse_number_or_text("90%") == 0.9 and parse_number_or_text("通过认证") == "通过认证"
    assert parse_int_or_text("3") == 3 and parse_int_or_text(3.0) == 3 and parse_int_or_text("3.00") == 3
    assert parse_int_or_text("-2") == -2 and parse_int_or_text("3a") == "3a" and parse_int_or_text("3.5") == "3.5"


# -- directions --------------------------------------------------------------------------------
@pytest.mark.parametrize("value, direction", [
    ("≥", "ge"), (">", "ge"), ("GE", "ge"), ("Higher is better", "ge"), ("不低于", "ge"), ("以上", "ge"),
    ("≤", "le"), ("<", "le"), ("lte", "le"), ("越低越好", "le"), ("不超过", "le"), ("以内", "le"),
    ("=", "eq"), ("是否", "eq"), ("Yes/No", "eq"),
])
def test_directions(value, direction):
    assert parse_direction(value) == direction
    assert direction_or_none(value) == direction


def test_unknown_direction():
    with pytest.raises(BadValue):
        parse_direction("中")
    assert direction_or_none("中") is None and direction_or_none(None) is None and direction_or_none(" ") is None


# -- thresholds --------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    (0.95, Threshold("0.95", 0.95, None, None, True)),
    (18, Threshold("18", 18.0, None, None, True)),
    (True, Threshold("TRUE", True, None, "eq")),
    (False, Threshold("FALSE", False, None, "eq")),
    ("95%", Threshold("95%", 0.95, "%", None, True)),
    ("95％", Threshold("95％", 0.95, "%", None, True)),
    ("0.95", Threshold("0.95", 0.95, None, None, True)),
    ("≥95%", Threshold("≥95%", 0.95, "%", "ge")),
    (">=4000", Threshold(">=4000", 4000.0, None, "ge")),
    ("≤30:1", Threshold("≤30:1", 30.0, ":1", "le")),
    ("27:1", Threshold("27:1", 27.0, ":1", None)),
    ("70%以上", Threshold("70%以上", 0.7, "%", "ge")),
    ("20%以内", Threshold("20%以内", 0.2, "%", "le")),
    ("1项以上", Threshold("1项以上", 1.0, "项", "ge")),
    ("不少于6个月", Threshold("不少于6个月", 6.0, "个月", "ge")),
    ("不低于90%", Threshold("不低于90%", 0.9, "%", "ge")),
    ("6个月", Threshold("6个月", 6.0, "个月", None)),
    ("1,200人以下", Threshold("1,200人以下", 1200.0, "人", "le")),
    ("是", Threshold("是", True, None, "eq")), ("否", Threshold("否", False, None, "eq")),
    ("—", Threshold("—", None)), ("——", Threshold("——", None)), ("/", Threshold("/", None)),
    ("无", Threshold("无", None)), ("---", Threshold("---", None)),
])
def test_thresholds(value, expected):
    assert parse_threshold(value) == expected


@pytest.mark.parametrize("value", ["", "高", "≥95%以下", "约95%"])
def test_bad_thresholds(value):
    with pytest.raises(BadValue):
        parse_threshold(value)


def test_threshold_shown():
    assert parse_threshold("≥95%").shown() == "0.95 (95%), direction ≥ (ge), unit %"
    assert parse_threshold("6个月").shown() == "6, unit 个月"
    assert parse_threshold(0.5).shown() == "0.5"
    assert parse_threshold("是").shown() == "是 (yes)" and parse_threshold("否").shown() == "否 (no)"
    assert parse_threshold("—").shown() == "no threshold (placeholder)"
    th = parse_threshold("—")
    assert th.placeholder and not th.yes_no
    assert parse_threshold("是").yes_no and not parse_threshold("是").placeholder


def test_target_value_and_measured_value():
    assert target_value("≥95%") == 0.95 and target_value("通过认证") == "通过认证" and target_value("是") is True
    assert measured_value("是") is True and measured_value("否") is False and measured_value(False) is False
    assert measured_value("85%") == 0.85
    with pytest.raises(BadValue):
        measured_value("好")


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), ("是", True), (" YES ", True), ("否", False), ("n", False),
    ("也许", None), (1, None), (None, None),
])
def test_yes_no_or_none(value, expected):
    assert yes_no_or_none(value) is expected


def test_measured_or_none():
    assert measured_or_none("否") is False and measured_or_none("0.5") == 0.5 and measured_or_none("x") is None
    assert measured_or_none(0) == 0.0 and measured_or_none(0) is not False


@pytest.mark.parametrize("value, expected", [(None, True), ("", True), ("  ", True), ([], True),
                                             ("x", False), (0, False), (False, False), ([0], False)])
def test_blank(value, expected):
    assert blank(value) is expected


def test_task_kind():
    assert parse_task_kind("a") == "A" and parse_task_kind("常规工作") == "B"
    with pytest.raises(BadValue):
        parse_task_kind("C")


# -- indicator threshold and breach ------------------------------------------------------------
@pytest.mark.parametrize("props, direction", [
    ({"direction": "le", "target_value": 0.9, "warning": 0.8}, "le"),  # stated wins over inferred
    ({"target_value": 0.9, "warning": 0.8}, "ge"), ({"target_value": 0.1, "warning": 0.2}, "le"),
    ({"target_value": 0.8, "warning": 0.8}, None), ({"warning": 0.8}, None), ({"target_value": 0.9}, None),
    ({"direction": "中", "target_value": "90%", "warning": "80%"}, "ge"),
])
def test_indicator_direction(props, direction):
    assert indicator_direction(props) == direction


@pytest.mark.parametrize("props, expected", [
    ({"warning": 0.8, "direction": "ge"}, JudgedThreshold(0.8, "ge", "warning")),
    ({"warning": "80%", "target_value": 0.9}, JudgedThreshold(0.8, "ge", "warning")),
    ({"warning": True, "direction": "ge"}, JudgedThreshold(True, "eq", "warning")),
    ({"warning": "高", "target_value": 0.95, "target_value_text": "≥95%", "direction": "ge"},
     JudgedThreshold(0.95, "ge", "target_value")),
    ({"target_value": False}, JudgedThreshold(False, "eq", "target_value")),
    ({"target_value": 0.95, "target_value_text": "95%"}, None),  # the level aimed at, not a line
    ({"target_value": 0.95}, None),
    ({"warning_text": "—", "target_value": 0.95, "target_value_text": "≥95%"}, None),
    ({"warning_text": "—", "target_value": True}, None),
    ({}, None),
])
def test_indicator_threshold(props, expected):
    assert indicator_threshold(props) == expected


@pytest.mark.parametrize("value, threshold, direction, expected", [
    (0.79, 0.8, "ge", True), (0.8, 0.8, "ge", False), (0.81, 0.8, "ge", False),
    (0.81, 0.8, "le", True), (0.8, 0.8, "le", False), (0.79, 0.8, "le", False),
    (1.0, 1.0, "eq", False), (2.0, 1.0, "eq", True),
    (False, True, "eq", True), (True, True, "eq", False), (True, False, "ge", True),
    (0.0, True, "eq", False), (True, 0.5, "ge", False),  # a yes/no against a number is never a breach
])
def test_breached(value, threshold, direction, expected):
    assert breached(value, threshold, direction) is expected


# -- edges found by mutation testing -------------------------------------------------------------
@pytest.mark.parametrize("value, iso", [
    ("2024年第2季度", "2024-06-30"), ("2024年3季度", "2024-09-30"), ("2024年四季度", "2024-12-31"),
    ("2024年第4季度", "2024-12-31"), ("2023-2024学年第2学期", "2024-07-31"), ("2023-2024学年第二学期", "2024-07-31"),
])
def test_quarters_and_terms_in_digits_and_words(value, iso):
    assert parse_period(value) == (iso, True)


def test_date_messages_for_non_dates():
    for value in (True, None):
        with pytest.raises(BadValue) as err:
            parse_date(value)
        assert str(err.value) == f"bad date '{value}' (expected 2025-12-31, 2025/12/31, 2025年12月, 2025.12 or 2025)"


def test_number_message_for_nan():
    with pytest.raises(BadValue) as err:
        parse_number(float("nan"))
    assert str(err.value) == "bad number 'nan': not a finite number"


@pytest.mark.parametrize("value", ["2025-01-01T10:00:00+08:00", "2025-01-01T10:00:00Z", "2025-01-01 10:00 CST"])
def test_date_or_none_reads_the_date_of_a_datetime_with_a_zone(value):
    assert date_or_none(value) == dt.date(2025, 1, 1)


def test_placeholders_and_plain():
    assert parse_threshold("—-－―–") == Threshold("—-－―–", None)  # every kind of dash at once
    assert [parse_threshold(v).plain for v in ("—", "≥95%", "6个月", "是", 0.5, "95%")] == [
        False, False, False, False, True, True]


def test_threshold_from_inconsistent_properties():
    # a numeric warning wins even when a placeholder text was kept beside it
    assert indicator_threshold({"warning": 0.8, "warning_text": "—", "direction": "ge"}) == JudgedThreshold(
        0.8, "ge", "warning")
    # a target is a line only when its kept text is a printed comparison: not a bool, not unreadable text
    assert indicator_threshold({"target_value": 0.9, "target_value_text": True}) is None
    assert indicator_threshold({"target_value": 0.9, "target_value_text": "约90%"}) is None


def test_direction_words():
    from graph.values import DIRECTION_SIGN, DIRECTION_ZH

    assert DIRECTION_ZH == {"ge": "越高越好", "le": "越低越好", "eq": "应等于"}
    assert DIRECTION_SIGN == {"ge": "≥", "le": "≤", "eq": "="}


def test_date_or_none_of_a_datetime_cut_after_its_t():
    assert date_or_none("2025-01-01T") == dt.date(2025, 1, 1)
