"""追溯 Trace: a plan or target → the tree down to the tasks, with owners and task status colours
(正常 green, 已完成 black, 未完成 yellow, 预警 red: the ontology's TaskStatuses colours,
泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13); a task → its path up to the school goal
and plan; and the impact of changing the node."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.services.explore import DRAW_CAP, cap_tree, count_tree, flatten_tree
from ui import charts, state, widgets
from ui.state import label, t

st.title(t("page_trace"))
uri, gen = widgets.store_ready()
node = widgets.pick_node("trace", ["Plan", "Target", "Task", "Standard", "InstitutionItem", "DiagnosisItem",
                                        "DiagnosisElement", "DiagnosisPoint"])

widgets.node_header(node)
own = state.owner(uri, gen, node["id"])
st.markdown(f"{t('owner')}: **{state.md(widgets.owner_text(own['owner']))}**"
            + (f" &nbsp; _({state.tm('inherited_from', id=own['inherited_from'])})_" if own["inherited_from"] else ""))

jump = st.columns([1, 1, 6])
if jump[0].button(t("go_browse"), key="trace_go_browse"):
    state.go("browse", node["id"])
if jump[1].button(t("go_ownership"), key="trace_go_ownership"):
    state.go("ownership", node["id"])

c1, c2 = st.columns([3, 1])
up_default = node["kind"] == "Task"
direction = c1.radio(t("direction"), ["down", "up"], index=1 if up_default else 0, horizontal=True,
                     format_func=t, key=f"trace_dir_{node['kind']}")
depth = c2.number_input(t("depth_all"), min_value=0, max_value=50, value=0, step=1, key="trace_depth")
key = "children" if direction == "down" else "parents"

tree = state.trace(uri, gen, node["id"], direction, int(depth) or None)
total = count_tree(tree, key)
charts.status_legend()

tab_tree, tab_table, tab_impact = st.tabs([t("trace_tree"), t("trace_table") + f" ({total})", t("impact")])
with tab_tree:
    drawn, omitted = cap_tree(tree, key, DRAW_CAP)
    if omitted:
        st.info(t("tree_cap_notice", shown=total - omitted, cap=DRAW_CAP, omitted=omitted), icon=":material/content_cut:")
    options, height = charts.tree_options(drawn, key)
    charts.draw(options, key=f"tree_{node['id']}_{direction}_{depth}", height=height)
    st.caption(t("tree_cues"))

with tab_table:
    rows = flatten_tree(tree, key)
    frame = pd.DataFrame({
        t("level"): [r["depth"] for r in rows],
        label("name"): [("　" * r["depth"]) + (r["name"] or "") + (f" {t('shared_ref')}" if r["ref"] else "")
                        for r in rows],
        t("node"): [r["id"] for r in rows],
        label("layer"): [state.value_label("layer", r["layer"]) for r in rows],
        label("OrgUnit"): [r["unit"] or "" for r in rows],
        label("Person"): [r["person"] or "" for r in rows],
        label("status"): [state.value_label("status", r["status"]) for r in rows],
        label("deadline"): [r["deadline"] or "" for r in rows],
    })
    colours = [state.status_colour(r["status"]) for r in rows]

    def paint(column: pd.Series) -> list[str]:
        return [f"color: white; background-color: {c}" if c else "" for c in colours]

    styled = frame.style.apply(paint, subset=[label("status")])
    st.dataframe(styled, hide_index=True, width="stretch", height=min(700, 36 + 35 * len(frame)))

with tab_impact:
    st.caption(t("impact_caption"))
    result = state.impact(uri, gen, node["id"])
    a, b = st.columns(2)
    with a:
        st.markdown(f"**{t('affected_units')}**")
        st.dataframe(pd.DataFrame({label("OrgUnit"): [u["name"] for u in result["units"]],
                                   t("count"): [u["count"] for u in result["units"]]}),
                     hide_index=True, width="stretch")
    with b:
        st.markdown(f"**{t('affected_people')}**")
        st.dataframe(pd.DataFrame({label("Person"): [p["name"] for p in result["people"]],
                                   t("count"): [p["count"] for p in result["people"]]}),
                     hide_index=True, width="stretch")
    st.markdown(f"**{t('affected_nodes')}** · {len(result['affected'])}")
    st.dataframe(pd.DataFrame({
        t("level"): [a["depth"] for a in result["affected"]],
        t("node"): [a["id"] for a in result["affected"]],
        label("name"): [a["name"] for a in result["affected"]],
        t("kind_filter"): [label(a["kind"]) for a in result["affected"]],
        t("via"): [state.edge_label(a["via"]) for a in result["affected"]],
        label("OrgUnit"): [(a["owner"]["unit"] or {}).get("name", "") for a in result["affected"]],
        label("Person"): [(a["owner"]["person"] or {}).get("name", "") for a in result["affected"]],
    }), hide_index=True, width="stretch")
