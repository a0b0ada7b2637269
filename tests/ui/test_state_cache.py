"""A load invalidates the cached queries of its store and nothing else."""

from __future__ import annotations

import streamlit as st


def test_a_load_recomputes_the_stores_queries_and_keeps_other_caches(ui_env, no_auth, monkeypatch):
    from graph.model import Node
    from ui import state

    monkeypatch.setenv("IQA_STORE", str(ui_env / "store.sqlite"))
    calls = []

    @st.cache_data
    def unrelated(x: int) -> int:
        calls.append(x)
        return x

    unrelated(1)
    key, gen = state.key()
    assert state.stats(key, gen)["nodes"] == 0
    state.handle().iqa.store.upsert_nodes([Node("OrgUnit", "D01", {"name": "教务处"})])
    state.data_changed()
    key, gen = state.key()
    assert state.stats(key, gen)["nodes"] == 1  # the store's query sees the load
    unrelated(1)
    assert calls == [1]  # a cache that does not depend on the store is kept
