"""浏览 Browse: search a node by code or name; its properties and its relations grouped by edge
type, each neighbour one click away; its history (each version with its revision); the
neighbourhood graph across the page: upstream nodes in columns to the left, downstream to the
right, each label saying by which relation it hangs on its neighbour, coloured by kind with a
legend, a depth control, an expand cue ``▸ +n`` on nodes whose other neighbours are not drawn, and
a node cap."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, state, widgets
from ui.state import label, t

#: Neighbours shown as buttons per relation group; the rest are in a picker below them.
BUTTONS_PER_GROUP = 24
#: The most nodes the neighbourhood graph draws (each node brings at most
#: ``explore.PER_NODE_CAP`` neighbours; the others are its expand cue ``▸ +n``).
GRAPH_CAP = 100

st.title(t("page_browse"))
uri, gen = widgets.store_ready()
node = widgets.pick_node("browse")

widgets.node_header(node)
jump = st.columns([1, 1, 6])
if jump[0].button(t("go_trace"), key="browse_go_trace", type="primary"):
    state.go("trace", node["id"])
if jump[1].button(t("go_ownership"), key="browse_go_ownership"):
    state.go("ownership", node["id"])

# The graph gets the page's whole width: its columns (upstream ← node → downstream) need it.
st.markdown(f"**{t('neighbourhood')}**")
kinds_present = list(state.stats(uri, gen)["by_kind"])
c1, c2 = st.columns([1, 3])
depth = c1.slider(t("depth"), 1, 3, 1, key="browse_depth")
hide = c2.multiselect(t("hide_kinds"), [k for k in kinds_present if k != node["kind"]],
                      default=[k for k in ("Measurement",) if k in kinds_present and k != node["kind"]],
                      format_func=label, key="browse_hide", placeholder="—")
graph = state.neighbourhood(uri, gen, node["id"], depth, tuple(sorted(hide)), GRAPH_CAP)
charts.cap_notice(len(graph["nodes"]), graph["omitted"], graph["cap"], graph["omitted_by_kind"], graph["per_node"])
options, height = charts.neighbourhood_options(graph)
clicked = charts.draw(options, key=f"nbgraph_{node['id']}_{depth}", height=height, clickable=True)
st.caption(t("graph_click_hint"))
if clicked and clicked != node["id"]:
    state.set_node(clicked)
    st.rerun()

left, right = st.columns([1, 1])
with left:
    st.markdown(f"**{t('properties')}**")
    props = {label("code"): node["code"], label("name"): node["name"]}
    props.update({label(k): state.value_label(k, v) for k, v in node["props"].items() if k != "name"})
    st.dataframe(pd.DataFrame({t("properties"): list(props), "": list(props.values())}),
                 hide_index=True, width="stretch")

    with st.expander(t("node_history")):
        widgets.history_table(uri, gen, node["id"])

with right:
    st.markdown(f"**{t('relations')}**")
    if not node["relations"]:
        st.caption(t("no_relations"))
    for group in node["relations"]:
        st.markdown(f"{state.edge_label(group['edge'], group['direction'])} · {group['count']}")
        items = group["items"]
        for item in items[:BUTTONS_PER_GROUP]:
            st.button(state.md(state.node_text(item)), key=f"nb_{group['direction']}_{group['edge']}_{item['id']}",
                      on_click=state.set_node, args=(item["id"],), type="tertiary")
        rest = items[BUTTONS_PER_GROUP:]
        if rest:
            pick_key = f"more_{group['direction']}_{group['edge']}"
            st.selectbox(t("more_items", n=len(rest)), [None] + [i["id"] for i in rest], key=pick_key,
                         format_func=lambda i, names={i["id"]: state.node_text(i) for i in rest}: names.get(i, "…"),
                         on_change=lambda k=pick_key: state.set_node(st.session_state[k]))
