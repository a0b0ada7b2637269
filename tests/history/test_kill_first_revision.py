"""A first load killed while its revision is written from the stored rows (the journal's indexes
dropped, the changes half inserted) leaves the store file as it was: no node, no revision, the
journal's indexes in place."""

from __future__ import annotations

import sqlite3
import textwrap

from graph.stores.embedded import EmbeddedStore
from tests.process_kill import kill_while_writing

CHILD = textwrap.dedent("""
    import sys, time
    from graph.model import Node
    from graph.services.edit import concurrent
    from graph.stores.embedded import EmbeddedStore

    inner = EmbeddedStore(sys.argv[1])

    def stuck(text):  # the journal's text of a props text with an exponent: killed here
        print("writing", flush=True)
        time.sleep(60)

    inner._db.create_function("iqa_journal_text", 1, stuck)
    store = concurrent(inner)
    with store.recording(who="t", source="first"):
        store.upsert_nodes([Node("Target", f"T{i}", {"name": "x", "v": 1e-05}) for i in range(50)])
""")


def test_sigkill_while_the_first_revision_is_written_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "k.sqlite"
    EmbeddedStore(path).close()
    kill_while_writing(CHILD, path)
    with EmbeddedStore(path) as reopened:
        assert reopened.count_nodes() == 0
        assert reopened.journal.revisions() == [] and reopened.journal.changes() == []
    db = sqlite3.connect(path)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    db.close()
    assert {"changes_node", "changes_other", "changes_op"} <= names
