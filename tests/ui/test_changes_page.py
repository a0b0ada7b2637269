"""The Changes page (变更): a unit's suspect links with a review button, a node's history and the
revisions, on a store where the demo college was loaded and then one school target renamed."""

from __future__ import annotations

import pytest

from graph.history.suspect import suspect_links
from graph.model import Node
from graph.services.edit import concurrent
from graph.stores.embedded import EmbeddedStore
from seed.demo import load_demo
from ui_helpers import texts

TARGET = "Target:MB-S01"


@pytest.fixture
def changed_store(ui_env, editor_token, monkeypatch):
    """The demo college as revision 1, then the school target TARGET renamed as revision 2."""
    path = ui_env / "changed.sqlite"
    store = concurrent(EmbeddedStore(path))
    load_demo(store)
    node = store.get_node(TARGET)
    store.upsert_nodes([Node(node.kind, node.code, {**node.props, "name": "新的学校目标"})])
    store.close()
    monkeypatch.setenv("IQA_STORE", str(path))
    return path


def test_changes_page_lists_suspects_and_a_review_clears_one(open_page, changed_store, editor_token):
    with EmbeddedStore(changed_store) as s:
        expected = [x.child for x in suspect_links(s)]
    assert len(expected) > 1
    at = open_page("changes", token=editor_token)
    shown = texts(at)
    assert all(child in shown for child in expected) and "新的学校目标" in shown
    buttons = [b for b in at.button if b.key and b.key.startswith("review_")]
    assert len(buttons) == len(expected) and not any(b.disabled for b in buttons)
    buttons[0].click().run()
    assert not at.exception
    with EmbeddedStore(changed_store) as s:
        left = [x.child for x in suspect_links(s)]
    assert left == expected[1:]  # the first row, and only it, was reviewed
    log = at.dataframe[-1].value
    assert list(log["source"])[:1] == ["review"] and list(log["who"])[:1] == ["ui-editor"]


def test_changes_page_shows_a_node_history(open_page, changed_store, editor_token):
    at = open_page("changes", node=TARGET, token=editor_token)
    history = at.dataframe[0].value
    assert list(history["rev"]) == [1, 2] and list(history["op"]) == ["added", "changed"]
    assert "新的学校目标" in history["fields"].iloc[1]
