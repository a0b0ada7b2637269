"""责任 Ownership: an indicator, target or any other node → its owner (person, post, unit) with the
chain of responsibility and where it comes from (stated on the node, or inherited from a parent);
an org unit, post or person → everything it owns or leads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.services.search import OWNER_KINDS
from ui import state, widgets
from ui.state import label, t

st.title(t("page_ownership"))
uri, gen = widgets.store_ready()
node = widgets.pick_node("ownership", ["Indicator", "Target", "Task", "Plan", "Standard", "Process",
                                            "InstitutionItem", "OrgUnit", "Post", "Person"], start="units")
widgets.node_header(node)

if node["kind"] in OWNER_KINDS:
    owned = state.owned(uri, gen, node["id"])
    st.markdown(f"**{t('owns')}** · {owned['total']}")
    if not owned["total"]:
        st.info(t("nothing_owned"))
        st.stop()
    by_kind = dict(sorted(owned["by_kind"].items(), key=lambda kv: -len(kv[1])))
    st.bar_chart(pd.DataFrame({t("count"): [len(v) for v in by_kind.values()]},
                              index=[label(k) for k in by_kind]), horizontal=True, sort=False,
                 height=max(160, 30 * len(by_kind)))
    refs = state.refs(uri, gen, tuple(i["through"] for items in by_kind.values() for i in items if i["through"]))
    for kind, items in by_kind.items():
        st.markdown(f"**{label(kind)}** · {len(items)}")
        picked = st.dataframe(pd.DataFrame({
            t("node"): [i["id"] for i in items],
            label("name"): [i["name"] for i in items],
            t("role"): [label(i["via"]) for i in items],
            label("Post"): [refs.get(i["through"], {}).get("name", "") if i["through"] else "" for i in items],
        }), hide_index=True, width="stretch", key=f"owned_{kind}", on_select="rerun", selection_mode="single-row")
        rows = picked.selection.rows if picked else []
        if rows:
            state.set_node(items[rows[0]]["id"])
            st.rerun()
    st.caption(t("pick_row_hint"))
    st.stop()

answer = state.owner(uri, gen, node["id"])
owner = answer["owner"]
if not any(owner.values()):
    st.warning(t("owner_unknown"))
    st.stop()
cols = st.columns(3)
for col, slot, kind in zip(cols, ("unit", "post", "person"), ("OrgUnit", "Post", "Person")):
    col.metric(label(kind), (owner[slot] or {}).get("name") or "—")

st.markdown(f"**{t('provenance')}**: "
            + (state.tm("inherited_from", id=answer["inherited_from"]) if answer["inherited_from"] else t("explicit_owner")))

st.markdown(f"**{t('owner_chain')}**")
ids = tuple(state.uniq([s["from"] for s in answer["chain"]] + [s["to"] for s in answer["chain"]]))
names = state.refs(uri, gen, ids)
st.dataframe(pd.DataFrame({
    t("from"): [state.node_text(names[s["from"]]) if s["from"] in names else s["from"] for s in answer["chain"]],
    t("via"): [state.edge_label(s["edge"]) for s in answer["chain"]],
    t("to"): [state.node_text(names[s["to"]]) if s["to"] in names else s["to"] for s in answer["chain"]],
}), hide_index=True, width="stretch")

jump = st.columns(4)
for i, slot in enumerate(("unit", "person")):
    if owner[slot] and jump[i].button(state.tm("see_owned", name=owner[slot]["name"]), key=f"own_go_{slot}"):
        state.set_node(owner[slot]["id"])
        st.rerun()
if jump[2].button(t("go_trace"), key="own_go_trace"):
    state.go("trace", node["id"])
