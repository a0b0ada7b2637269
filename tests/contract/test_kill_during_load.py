"""A load killed mid-way (SIGKILL, no chance to clean up) leaves the SQLite store as it was."""

from __future__ import annotations

import pytest

import textwrap

from graph.stores.embedded import EmbeddedStore
from tests.process_kill import kill_while_writing

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHILD = textwrap.dedent("""
    import sys, time
    from graph.model import Node, Edge
    from graph.stores.embedded import EmbeddedStore
    store = EmbeddedStore(sys.argv[1])
    with store.transaction():
        for batch in range(1000):
            store.upsert_nodes([Node("Task", f"K{batch}-{i}", {"name": "x"}) for i in range(200)])
            store.upsert_edges([Edge("Target:S1", "implemented_by", f"Task:K{batch}-{i}") for i in range(200)])
            if batch == 5:
                print("writing", flush=True)
                time.sleep(60)  # killed here, half-way through the load
""")


def test_sigkill_mid_load_leaves_store_intact(tmp_path):
    path = tmp_path / "k.sqlite"
    with EmbeddedStore(path) as store:
        from graph.model import Node

        store.upsert_nodes([Node("Target", "S1", {"name": "goal", "layer": "school"})])
    kill_while_writing(CHILD, path)
    with EmbeddedStore(path) as reopened:
        assert reopened.count_nodes() == 1
        assert reopened.count_edges() == 0
        assert reopened.get_node("Target:S1").props == {"name": "goal", "layer": "school"}
