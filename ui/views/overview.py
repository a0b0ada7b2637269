"""总览 Overview: counts by kind and layer; findings (as of today) by rule and by responsible unit;
chain completeness per unit (share of its targets that reach a task with a named person)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.checks import NO_UNIT_LABEL, RULES
from ontology import get_ontology
from ui import state, widgets
from ui.state import label, t

st.title(t("page_overview"))
uri, gen = widgets.store_ready()
stats = state.stats(uri, gen)
today = state.as_of()
report = state.check_report(uri, gen, today)
summary = report.summary()

cols = st.columns(5)
cols[0].metric(t("nodes"), stats["nodes"])
cols[1].metric(t("edges"), stats["edges"])
cols[2].metric(t("findings"), summary["total"])
cols[3].metric(t("errors"), summary["errors"])
cols[4].metric(t("warnings"), summary["warnings"])

left, right = st.columns(2)
with left:
    st.subheader(t("by_kind"))
    by_kind = sorted(stats["by_kind"].items(), key=lambda kv: -kv[1])
    kinds = pd.DataFrame({t("count"): [n for _, n in by_kind]}, index=[label(k) for k, _ in by_kind])
    st.bar_chart(kinds, horizontal=True, sort=False, height=max(220, 26 * len(kinds)))
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
    rules = pd.DataFrame({t("count"): list(by_rule.values())}, index=[f"{r} {title(r)}" for r in by_rule])
    if len(rules):
        st.bar_chart(rules, horizontal=True, sort=False, height=max(220, 26 * len(rules)))
    else:
        st.success(t("no_findings"))
with right:
    st.subheader(t("findings_by_unit"))
    by_unit = {(t("no_unit") if u == NO_UNIT_LABEL else u): n for u, n in summary["by_unit"].items()}
    units = pd.DataFrame({t("count"): list(by_unit.values())}, index=list(by_unit))
    if len(units):
        st.bar_chart(units, horizontal=True, sort=False, height=max(220, 22 * len(units)))
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
    st.bar_chart(frame.set_index(label("OrgUnit"))[[t("share")]], horizontal=True, y_label="%", sort=False,
                 height=max(220, 24 * len(frame)))
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={t("share"): st.column_config.ProgressColumn(t("share"), format="%.1f%%",
                                                                            min_value=0, max_value=100)})
