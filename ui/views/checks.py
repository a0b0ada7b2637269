"""检查 Checks: the findings of every rule at a check date (today unless changed), filterable by
rule, severity, responsible unit and text, grouped by responsible unit — each group is that unit's
整改清单 — and downloadable as xlsx (all groups, or one unit's). With more than ``EXPANDERS`` units
the groups are a table of counts and the list of the unit picked; a unit's table shows its first
``ROWS`` findings (the download holds them all)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.checks import RULES, SEVERITIES
from graph.checks.catalogue import suggestion
from graph.services.explore import select_findings
from graph.services.rectification.findings import NO_UNIT_KEY, rectification_lists
from ui import state, widgets
from ui.state import t

#: Up to this many units, each unit's list is an expander; above, a table of units and one list.
EXPANDERS = 30
#: Rows of one unit's table (the download holds them all).
ROWS = 1000
#: This page's own words, (zh, en).
_WORDS = {
    "pick_unit": ("查看部门整改清单", "Show the rectification list of"),
    "more_rows": ("另有 {n} 条见下载的整改清单", "{n} more in the downloaded list"),
}


def _words(key: str, **fields) -> str:
    zh, en = _WORDS[key]
    return (en if state.lang() == "en" else zh).format(**fields)


st.title(t("page_checks"))
uri, gen = widgets.store_ready()
en = state.lang() == "en"

as_of = state.as_of()
st.caption(t("checked_as_of", date=as_of.isoformat()))
report = state.check_report(uri, gen, as_of)

unit_names: dict[str, str] = {}
for f in report.findings:
    unit_names.setdefault(f.unit_id or NO_UNIT_KEY, f.unit_name or t("no_unit"))

c1, c2, c3, c4 = st.columns([2, 1, 2, 2])
rules = c1.multiselect(t("filter_rules"), list(report.rules), key="checks_rules", placeholder=t("all"),
                       format_func=lambda r: f"{r} {RULES[r].title_en if en else RULES[r].title_zh}")
severities = c2.multiselect(t("filter_severity"), list(SEVERITIES), key="checks_severity", placeholder=t("all"),
                            format_func=lambda s: t(f"severity_{s}"))
units = c3.multiselect(t("filter_units"), sorted(unit_names, key=lambda u: (u == NO_UNIT_KEY, unit_names[u])),
                       key="checks_units", format_func=lambda u: unit_names.get(u, u), placeholder=t("all"))
text = c4.text_input(t("filter_text"), key="checks_text")
shown = select_findings(report, rules=rules, severities=severities, units=units, text=text)

m = st.columns(4)
m[0].metric(t("findings"), len(shown.findings))
m[1].metric(t("errors"), shown.errors)
m[2].metric(t("warnings"), shown.warnings)
lists = rectification_lists(shown)
m[3].metric(t("units"), len(lists))
if not shown.findings:
    st.success(t("no_findings"))
    st.stop()

st.download_button(t("download_all"), data=lambda: state.xlsx_bytes(shown), type="primary",
                   file_name=f"{t('list_file')}-{as_of.isoformat()}.xlsx", key="checks_download_all",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("rectification_lists"))


def findings_frame(findings) -> pd.DataFrame:
    """One unit's findings as the page's table (the first ``ROWS`` of them)."""
    findings = findings[:ROWS]
    return pd.DataFrame({
        t("rule"): [f.rule for f in findings],
        t("severity"): [t(f"severity_{f.severity}") for f in findings],
        t("node"): [f.node for f in findings],
        state.label("name"): [f.name for f in findings],
        t("message"): [f.message_en if en else f.message for f in findings],
        state.label("Person"): [f.person_name or "" for f in findings],
        t("suggestion"): [suggestion(f.rule, state.lang()) for f in findings],
    })


def unit_list(unit_id: str, unit: str, findings) -> None:
    """One unit's rectification list: its findings (the first ``ROWS``) and its download."""
    st.dataframe(findings_frame(findings), hide_index=True, width="stretch")
    if len(findings) > ROWS:
        st.caption(_words("more_rows", n=len(findings) - ROWS))
    one = select_findings(shown, units=[unit_id])
    st.download_button(t("download_unit"), data=lambda one=one: state.xlsx_bytes(one),
                       file_name=f"{t('list_file')}-{unit.replace('/', '_')}-{as_of.isoformat()}.xlsx", key=f"checks_download_{unit_id}",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


if len(lists) <= EXPANDERS:
    for unit_id, findings in lists.items():
        unit = unit_names.get(unit_id, unit_id)
        errors = sum(1 for f in findings if f.severity == "error")
        with st.expander(state.tm("unit_summary", unit=unit, errors=errors, warnings=len(findings) - errors),
                         expanded=len(lists) <= 3):
            unit_list(unit_id, unit, findings)
else:
    # Hundreds of units: one table of every unit's counts (most findings first) and the list of
    # the unit picked — not hundreds of expanders, each with its table.
    counts = sorted(((uid, sum(1 for f in fs if f.severity == "error"), len(fs)) for uid, fs in lists.items()),
                    key=lambda r: (-r[2], unit_names.get(r[0], r[0])))
    st.dataframe(pd.DataFrame({state.label("OrgUnit"): [unit_names.get(u, u) for u, _, _ in counts],
                               t("errors"): [e for _, e, _ in counts],
                               t("warnings"): [n - e for _, e, n in counts]}),
                 hide_index=True, width="stretch", height=280)
    picked = st.selectbox(_words("pick_unit"), [u for u, _, _ in counts], key="checks_unit_list",
                          format_func=lambda u: unit_names.get(u, u))
    if picked is not None:
        unit_list(picked, unit_names.get(picked, picked), lists[picked])
