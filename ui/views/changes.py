"""变更 Changes (docs/history.md): a unit's suspect links (CH001) — the parent, the revision and the
fields that changed — each with a button to mark it reviewed (editor or admin token; recorded as
one revision under the token's name); a node's history, version by version; the revisions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.errors import IqaError
from ui import state, widgets
from ui.state import t


@st.cache_data(show_spinner=False, max_entries=16)
def suspects(core_key: str, gen: int, unit: str | None) -> list[dict]:
    return state.core(core_key).suspects(unit=unit)


@st.cache_data(show_spinner=False, max_entries=4)
def revisions(core_key: str, gen: int) -> list[dict]:
    return state.core(core_key).log()["revisions"]


st.title(t("page_changes"))
uri, gen = widgets.store_ready()
access = state.access()

st.subheader(t("suspects"))
unit = st.text_input(t("suspects_unit"), key="changes_unit").strip() or None
try:
    rows = suspects(uri, gen, unit)
except IqaError as exc:
    st.error(state.md(str(exc)))
    rows = []
if not rows:
    st.info(t("no_suspects"))
for i, row in enumerate(rows):
    cols = st.columns([5, 1])
    cols[0].markdown(f"**{state.md(row['child'])}** {state.md(row['name'])}  \n"
                     + state.tm("parent_changed", parent=f"{row['parent']} {row['parent_name']}", rev=row["rev"],
                                fields=", ".join(state.label(f) for f in row["fields"]))
                     + f" · {state.md((row['owner']['unit'] or {}).get('name', '—'))}")
    if cols[1].button(t("review"), key=f"review_{i}_{row['child']}_{row['parent']}",
                      disabled=not access.can("editor"), help=None if access.can("editor") else t("review_needs_editor")):
        done = state.core(uri).review(row["child"], who=access.principal.name, parent=row["parent"])
        state.data_changed()
        st.success(state.tm("reviewed_done", rev=done["rev"]))
        st.rerun()

st.subheader(t("node_history"))
node_id = widgets.node_picker("changes")
if node_id:
    widgets.history_table(uri, gen, node_id)

st.subheader(t("revisions"))
log = revisions(uri, gen)
if log:
    st.dataframe(pd.DataFrame({
        "rev": [r["rev"] for r in log], "at (UTC)": [r["at"] for r in log], "who": [r["who"] for r in log],
        "source": [r["source"] for r in log],
        "files": [", ".join(f["name"] for f in r["files"]) for r in log],
        **{k: [r["changes"][k] for r in log] for k in ("nodes_added", "nodes_changed", "nodes_removed",
                                                        "edges_added", "edges_removed")},
    }), hide_index=True, width="stretch")
