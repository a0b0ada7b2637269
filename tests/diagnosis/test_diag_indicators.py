"""Indicator status: thresholds in both directions and both percentage notations (through the real
workbook parser), as-of semantics, staleness, trend."""

from __future__ import annotations

import datetime as dt

import pytest
from diag_helpers import build, n

from graph.services.diagnosis import DiagnosisConfig, diagnose, frequency_days, indicator_status
from graph.stores.embedded import EmbeddedStore
from ingest import load_sheets

AS_OF = dt.date(2025, 12, 31)


def _ind(code, target, warning, direction, unit="%", freq="月"):
    return {"编号": code, "名称": f"指标{code}", "目标值": target, "预警值": warning, "方向": direction,
            "单位": unit, "采集频次": freq}


def _m(code, date, value):
    return {"指标编号": code, "日期": date, "值": value}


@pytest.fixture
def workbook_store():
    """Indicators written the two ways a quality office writes percentages (90% and 0.9), ≥ and ≤."""
    store = EmbeddedStore(None)
    load_sheets(store, {
        "指标": [
            _ind("GE-PCT", "90%", "80%", "≥"), _ind("GE-DEC", 0.9, 0.8, "≥"),
            _ind("GE-OK-PCT", "90%", "80%", "≥"), _ind("GE-OK-DEC", 0.9, 0.8, ">="),
            _ind("LE-PCT", "5%", "8%", "≤"), _ind("LE-DEC", 0.05, 0.08, "≤"),
            _ind("LE-WATCH", "5%", "8%", "越低越好"),
            _ind("RATIO", 18, 20, "≤", unit="生/师", freq="学期"),
        ],
        "测量": [
            _m("GE-PCT", "2025-12-31", "75%"), _m("GE-DEC", "2025-12-31", 0.75),
            _m("GE-OK-PCT", "2025-12-31", "92%"), _m("GE-OK-DEC", "2025-12-31", 0.92),
            _m("LE-PCT", "2025-12-31", "9%"), _m("LE-DEC", "2025-12-31", 0.09),
            _m("LE-WATCH", "2025-12-31", "6%"),
            _m("RATIO", "2025-10-31", 17), _m("RATIO", "2025-11-30", 19), _m("RATIO", "2025-12-31", 21),
        ],
    })
    return store


def status(store, code, as_of=AS_OF, **config):
    return indicator_status(store, store.get_node(f"Indicator:{code}"), as_of, DiagnosisConfig(**config))


def test_ge_breach_in_both_notations(workbook_store):
    pct, dec = status(workbook_store, "GE-PCT"), status(workbook_store, "GE-DEC")
    # 0.75 < warning 0.8 (≥): breach; attainment 0.75 / 0.9 = 0.833333
    for st in (pct, dec):
        assert st.direction == "ge" and st.warning == 0.8 and st.target == 0.9
        assert st.latest == (AS_OF, 0.75) and st.level == "breach"
        assert st.attainment == pytest.approx(0.8333333, abs=1e-6)
    # 0.92 ≥ target 0.9: met, attainment 1
    for code in ("GE-OK-PCT", "GE-OK-DEC"):
        st = status(workbook_store, code)
        assert st.level == "met" and st.attainment == 1.0


def test_le_breach_watch_and_met(workbook_store):
    # ≤: 0.09 > warning 0.08 → breach; attainment 0.05 / 0.09 = 0.555556
    for code in ("LE-PCT", "LE-DEC"):
        st = status(workbook_store, code)
        assert st.direction == "le" and st.level == "breach"
        assert st.attainment == pytest.approx(0.5555556, abs=1e-6)
    # 0.06: not beyond 0.08 but above the target 0.05 → watch; attainment 0.05 / 0.06 = 0.833333
    watch = status(workbook_store, "LE-WATCH")
    assert watch.level == "watch" and watch.attainment == pytest.approx(0.8333333, abs=1e-6)
    # 生师比 ≤: 21 > 20 on 2025-12-31 → breach; attainment 18 / 21 = 0.857143
    ratio = status(workbook_store, "RATIO")
    assert ratio.level == "breach" and ratio.attainment == pytest.approx(0.8571429, abs=1e-6)


def test_as_of_ignores_later_measurements(workbook_store):
    # On 2025-11-30 the latest 生师比 is 19 (the 2025-12-31 value of 21 did not exist yet):
    # 18 < 19 ≤ 20 → watch, not breach; one measurement ignored.
    st = status(workbook_store, "RATIO", dt.date(2025, 11, 30))
    assert st.latest == (dt.date(2025, 11, 30), 19.0) and st.level == "watch" and st.ignored_after == 1
    # On 2025-10-31 the latest is 17 ≤ 18 → met
    assert status(workbook_store, "RATIO", dt.date(2025, 10, 31)).level == "met"
    # Before any measurement: no data (and therefore stale)
    early = status(workbook_store, "RATIO", dt.date(2025, 1, 1))
    assert early.level == "no_data" and early.latest is None and early.stale and early.ignored_after == 3
    # the diagnosis as a whole agrees: a breach on 12-31, none on 11-30
    kinds = {w.id for w in diagnose(workbook_store, as_of=AS_OF, config=DiagnosisConfig(chain_rules=())).warnings}
    assert "indicator_breach:Indicator:RATIO" in kinds
    earlier = diagnose(workbook_store, as_of=dt.date(2025, 11, 30), config=DiagnosisConfig(chain_rules=())).warnings
    assert "indicator_breach:Indicator:RATIO" not in {w.id for w in earlier}


def test_trend_over_the_last_periods(workbook_store):
    # last 3 values of 生师比: 17, 19, 21 → least-squares slope +2 per period; ≤, so worsening
    st = status(workbook_store, "RATIO")
    assert [v for _, v in st.trend] == [17.0, 19.0, 21.0]
    assert st.slope == pytest.approx(2.0) and st.change == "worsening"
    # with 2 periods: 19, 21 → slope +2
    assert status(workbook_store, "RATIO", trend_periods=2).slope == pytest.approx(2.0)


def test_stale_indicator():
    assert (frequency_days("月"), frequency_days("每学期"), frequency_days("年"), frequency_days("半年"),
            frequency_days("季度"), frequency_days(""), frequency_days(None)) == (31, 183, 366, 183, 92, 366, 366)
    store = build(
        n("Indicator", "M", name="月指标", target_value=0.9, warning=0.8, direction="ge", frequency="月"),
        n("Indicator", "S", name="学期指标", target_value=0.9, warning=0.8, direction="ge", frequency="学期"),
        n("Indicator", "NONE", name="无数据指标", target_value=0.9, warning=0.8, direction="ge", frequency="月"),
        n("Measurement", "M@1", date="2025-10-31", value=0.95), n("Measurement", "S@1", date="2025-10-31", value=0.95),
        ("Measurement:M@1", "measurement_of", "Indicator:M"), ("Measurement:S@1", "measurement_of", "Indicator:S"),
    )
    # 2025-10-31 → 2025-12-31 is 61 days: more than a month (31) → stale; within a term (183) → fresh
    m = status(store, "M")
    assert m.stale and m.age_days == 61 and m.window_days == 31 and m.level == "met"
    assert not status(store, "S").stale
    # on 2025-11-30 (30 days) the monthly one is fresh
    assert not status(store, "M", dt.date(2025, 11, 30)).stale
    warnings = {w.id: w for w in diagnose(store, as_of=AS_OF, config=DiagnosisConfig(chain_rules=())).warnings}
    assert set(warnings) == {"indicator_stale:Indicator:M", "indicator_stale:Indicator:NONE"}
    assert "61 天未更新" in warnings["indicator_stale:Indicator:M"].message
    assert "无测量数据" in warnings["indicator_stale:Indicator:NONE"].message


def test_not_judged_without_direction():
    store = build(n("Indicator", "X", name="无方向", target_value="通过认证"),
                  n("Measurement", "X@1", date="2025-12-31", value=1),
                  ("Measurement:X@1", "measurement_of", "Indicator:X"))
    st = status(store, "X")
    assert st.level == "not_judged" and st.attainment is None
