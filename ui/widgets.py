"""Widgets several pages share: the node search box, the header of a node, owner text, and the
guard that stops a page when the store cannot be opened or is empty."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.errors import IqaError
from ui import state
from ui.state import label, t


def store_ready() -> tuple[str, int]:
    """``(uri, generation)`` of the selected store; stops the page with a message when the store
    cannot be opened or holds nothing."""
    try:
        uri, gen = state.key()
    except IqaError as exc:
        st.error(state.tm("store_error", error=exc))
        st.stop()
    if not state.stats(uri, gen)["nodes"]:
        st.info(t("empty_store"))
        st.stop()
    return uri, gen


def node_picker(page: str, kinds: list[str] | None = None) -> str | None:
    """A search box (code or name, optionally one kind) and its results. Picking a result — the
    first one when the search changes — makes it the page's node (``?node=``). Returns the id of
    the node to show, or None. ``kinds`` limits the kind choices (default: kinds in the store)."""
    uri, gen = state.key()
    present = list(state.stats(uri, gen)["by_kind"])
    choices: list[str | None] = [None] + [k for k in (kinds or present) if k in present]
    left, right = st.columns([3, 1])
    kind = right.selectbox(t("kind_filter"), choices, key=f"{page}_kind",
                           format_func=lambda k: t("all") if k is None else label(k))
    text = left.text_input(t("search"), key=f"{page}_q", placeholder=t("search_placeholder")).strip()
    sig_key, pick_key = f"{page}_sig", f"{page}_pick"
    if not text:
        st.session_state.pop(sig_key, None)
        return state.current_node()
    try:
        found = state.search(uri, gen, text, kind)
    except IqaError as exc:
        st.error(state.md(exc))
        return state.current_node()
    ids = [i["id"] for i in found["items"]]
    if not ids:
        st.warning(state.tm("no_results", text=text))
        return state.current_node()
    names = {i["id"]: state.node_text(i) for i in found["items"]}
    if st.session_state.get(sig_key) != (text, kind):
        st.session_state[sig_key] = (text, kind)
        st.session_state[pick_key] = ids[0]
        state.set_node(ids[0])
    elif st.session_state.get(pick_key) not in ids:
        st.session_state[pick_key] = ids[0]
    st.selectbox(t("results"), ids, key=pick_key, format_func=lambda i: names.get(i, i),
                 on_change=lambda: state.set_node(st.session_state[pick_key]))
    if found["total"] > len(ids):
        st.caption(t("results_more", total=found["total"], shown=len(ids)))
    return state.current_node()


def owner_text(owner: dict[str, Any] | None) -> str:
    """``教务处 · 王老师（教务处处长）`` for an ``{"person", "post", "unit"}`` owner; ``—`` when empty."""
    owner = owner or {}
    unit = (owner.get("unit") or {}).get("name")
    person = (owner.get("person") or {}).get("name")
    post = (owner.get("post") or {}).get("name")
    who = person + (f"（{post}）" if post else "") if person else post
    parts = [p for p in (unit, who) if p]
    return " · ".join(parts) if parts else "—"


def node_header(item: dict[str, Any]) -> None:
    """A node's kind, code and name as the page's subheader."""
    st.subheader(state.md(state.node_text(item)))


def pick_node(page: str, kinds: list[str] | None = None, start: str = "goals") -> dict[str, Any]:
    """The node a page shows: the search box of :func:`node_picker`, else (nothing chosen yet) the
    first school goal — or, with ``start="units"``, the first org unit — with the school goals
    and the units offered as starting points; then :func:`load_node`. Stops the page (with a hint
    or the reason) when there is nothing to show."""
    node_id = node_picker(page, kinds) or start_here(page, start)
    if not node_id:
        st.info(t("pick_hint"))
        st.stop()
    node = load_node(node_id)
    if node is None:
        st.stop()
    return node


def start_here(page: str, start: str) -> str | None:
    """Offer the school goals (buttons) and the org units (a picker) as starting points; returns
    the node to open meanwhile: the first unit for ``start="units"``, else the first school goal."""
    uri, gen = state.key()
    points = state.starting_points(uri, gen)
    goals, units = points["goals"], points["units"]
    first = (units or goals) if start == "units" else (goals or units)
    if not first:
        return None
    with st.container(border=True):
        st.caption(t("start_here"))
        if goals:
            st.markdown(f"**{t('school_goals')}**")
            cols = st.columns(4)
            for i, goal in enumerate(goals[:24]):
                cols[i % 4].button(state.md(f"{goal['code']} {goal['name']}"), key=f"{page}_start_{goal['id']}",
                                   on_click=state.set_node, args=(goal["id"],), width="stretch")
        if units:
            names = {u["id"]: f"{u['code']} {u['name']}" for u in units}
            st.selectbox(label("OrgUnit"), [None] + list(names), key=f"{page}_start_unit",
                         format_func=lambda u: t("pick_unit") if u is None else names[u],
                         on_change=lambda: state.set_node(st.session_state[f"{page}_start_unit"]))
    return first[0]["id"]


def load_node(node_id: str) -> dict[str, Any] | None:
    """``state.detail`` of ``node_id``, or None after showing why it cannot be shown (an unknown
    id, with the closest ids as suggestions)."""
    uri, gen = state.key()
    try:
        return state.detail(uri, gen, node_id)
    except IqaError:
        st.error(state.tm("unknown_node", id=node_id))
        code = node_id.split(":", 1)[-1]
        try:
            hits = state.search(uri, gen, code)["items"][:5]
        except IqaError:
            hits = []
        for hit in hits:
            st.button(state.md(state.node_text(hit)), key=f"hint_{hit['id']}", on_click=state.set_node, args=(hit["id"],))
        return None


def history_table(uri: str, gen: int, node_id: str) -> None:
    """The versions of ``node_id``, newest last: revision, time, who, the operation, the fields
    that changed (before → after) and the edges added (+) or removed (−) at it; a note when the
    node has no recorded history (docs/history.md)."""
    import pandas as pd

    try:
        versions = state.node_history(uri, gen, node_id)["versions"]
    except IqaError:
        versions = []
    if not versions:
        st.info(t("no_history"))
        return

    def edges(v: dict[str, Any]) -> str:
        other = lambda e: e["target"] if e["source"] == node_id else e["source"]  # noqa: E731
        return "; ".join([f"+ {e['type']} {other(e)}" for e in v["edges_added"]]
                         + [f"− {e['type']} {other(e)}" for e in v["edges_removed"]])

    st.dataframe(pd.DataFrame({
        "rev": [v["rev"] for v in versions],
        "at (UTC)": [v["at"] for v in versions],
        "who": [v["who"] for v in versions],
        "op": [v["op"] or "" for v in versions],
        "fields": ["; ".join(f"{label(k)}: {b} → {a}" for k, (b, a) in v["fields"].items()) for v in versions],
        "edges": [edges(v) for v in versions],
    }), hide_index=True, width="stretch")
