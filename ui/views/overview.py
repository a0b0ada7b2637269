"""总览 Overview: counts by kind and layer; findings (as of today) by rule and by responsible unit;
chain completeness per unit (share of its targets that reach a task with a named person). The
charts stay readable with hundreds of units: the largest (or, for completeness, the lowest) 20 with
a name filter, on a log scale where counts differ a hundredfold (``ui.charts.ranked_bars``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.checks import NO_UNIT_LABEL, RULES
from ontology import get_ontology
from ui import charts, state, widgets
from ui.state import label, t

st.title(t("page_overview"))
uri, gen = widgets.store_ready()
stats = state.stats(uri, gen)
today = state.as_of()
summary = state.check_summary(uri, gen, today)

cols = st.columns(5)
cols[0].metric(t("nodes"), stats["nodes"])
cols[1].metric(t("edges"), stats["edges"])
cols[2].metric(t("findings"), summary["total"])
cols[3].metric(t("errors"), summary["errors"])
cols[4].metric(t("warnings"), summary["warnings"])

left, right = st.columns(2)
with left:
    st.subheader(t("by_kind"))
    charts.ranked_bars({label(k): n for k, n in stats["by_kind"].items()}, t("count"), key="overview_kinds", top=40)
with right:
    st.subheader(t("by_layer"))
    layers = state.uniq(layer for per_kind in stats["by_layer"].values() for layer in per_kind)
    ranked = [c.notation for c in get_ontology().schemes["Layers"] if c.notation in layers]
    ranked += [layer for layer in layers if layer not in ranked]
    table = pd.DataFrame(
        [[stats["by_layer"][k].get(layer, 0) for layer in ranked] for k in stats["by_layer"]],
        index=[label(k) for k in stats["by_layer"]], columns=[label(layer) for layer in ranked])
    st.dataframe(table, width="stretch")

st.divider()
st.caption(t("checked_as_of", date=today.isoformat()))
left, right = st.columns(2)
with left:
    st.subheader(t("findings_by_rule"))
    by_rule = {rid: n for rid, n in summary["by_rule"].items() if n}
    title = (lambda r: RULES[r].title_en) if state.lang() == "en" else (lambda r: RULES[r].title_zh)
    if by_rule:
        charts.ranked_bars({f"{r} {title(r)}": n for r, n in by_rule.items()}, t("count"), key="overview_rules", top=60)
    else:
        st.success(t("no_findings"))
with right:
    st.subheader(t("findings_by_unit"))
    by_unit = {(t("no_unit") if u == NO_UNIT_LABEL else u): n for u, n in summary["by_unit"].items()}
    if by_unit:
        charts.ranked_bars(by_unit, t("count"), key="overview_units", top=20)
    else:
        st.success(t("no_findings"))

st.divider()
st.subheader(t("completeness"))
rows = state.completeness(uri, gen)
if rows:
    frame = pd.DataFrame({
        label("OrgUnit"): [(r["unit"] or {}).get("name") or t("no_unit") for r in rows],
        t("share"): [round(100 * r["share"], 1) for r in rows],
        t("complete"): [r["complete"] for r in rows],
        t("targets"): [r["targets"] for r in rows],
    })
    # the units furthest from complete first: with hundreds of units the chart shows the 20 lowest
    # (and a name filter); the table below lists every unit
    charts.ranked_bars(dict(zip(frame[label("OrgUnit")], frame[t("share")])), t("share"), key="overview_completeness",
                       top=20, unit="%", largest_first=False)
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={t("share"): st.column_config.ProgressColumn(t("share"), format="%.1f%%",
                                                                            min_value=0, max_value=100)})
