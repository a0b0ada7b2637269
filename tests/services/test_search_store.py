"""Search answered by the store (``GraphStore.search_text``; the embedded store's search index)
gives the same pages as the in-process scan of every node (``NodeIndex``) on every backend: exact,
prefix and substring matches of every length, ranking, kind / layer filters, paging, and after
edits, deletes and clear."""

from __future__ import annotations

import sqlite3

import pytest

from graph.model import Node
from graph.services.search import NodeIndex, search_nodes
from graph.stores import embedded
from graph.stores.embedded import EmbeddedStore
from seed.demo import load_demo

QUERIES = ["MB-S01", "mb-s01", "ＭＢ-Ｓ01", "ZK-58", "ZK-5", "zk", "RW-00", "RW-0002", "Task:RW", "target:mb",
           "t:", "k:", ":", "：", "）：", "招生", "招", "率", "专业建设", "学院", "机械工程系", "xb0", "-", "no such text", ""]
FILTERS = [dict(), dict(kind="Target"), dict(kind="Task"), dict(layer="school"), dict(kind="Target", layer="major")]


def _ids(page) -> tuple[int, list[str]]:
    return page.total, [n.id for n in page.items]


def _same_as_scan(store, queries=QUERIES, filters=FILTERS, pages=((20, 0), (7, 5), (50, 40))) -> int:
    """Assert every (query, filter, page) answers as the scan of a fresh NodeIndex; returns how
    many answers had at least one item (so a test can tell it compared something)."""
    index = NodeIndex(store)
    nonempty = 0
    for q in queries:
        for f in filters:
            for limit, offset in pages:
                got = _ids(search_nodes(store, q, limit=limit, offset=offset, **f))
                want = _ids(search_nodes(store, q, limit=limit, offset=offset, index=index, **f))
                assert got == want, (q, f, limit, offset)
                nonempty += bool(got[1])
    return nonempty


@pytest.fixture
def demo_store(any_store):
    if any_store.backend == "neo4j":  # pages of 500 rows (the fake driver's default of 2 is quadratic here)
        any_store.batch_size = 500
    load_demo(any_store)
    return any_store


def test_store_search_answers_as_the_scan_on_the_demo(demo_store):
    if demo_store.backend == "neo4j":  # every search reads all nodes over the driver: a smaller matrix
        assert _same_as_scan(demo_store, queries=["mb-s01", "ＭＢ-Ｓ01", "ZK-5", "Task:RW", "招生", "率", "xb0", ""],
                             filters=FILTERS[:3], pages=((20, 0), (7, 5))) > 20
    else:
        assert _same_as_scan(demo_store) > 100
    page = search_nodes(demo_store, "MB-S01", limit=3)
    assert page.items[0].id == "Target:MB-S01"  # exact code first
    assert page.total == len(search_nodes(demo_store, "MB-S01", limit=1000).items)


def test_store_search_follows_edits_deletes_and_clear(demo_store):
    s = demo_store
    s.upsert_nodes([Node("Task", "RW-0002", {**s.get_node("Task:RW-0002").props, "name": "全新的名字甲乙丙"}),
                    Node("Target", "NEW-1", {"name": "全新的目标", "layer": "school"})])
    assert _ids(search_nodes(s, "全新的")) == (2, ["Task:RW-0002", "Target:NEW-1"]) or \
        _ids(search_nodes(s, "全新的")) == (2, ["Target:NEW-1", "Task:RW-0002"])
    assert [n.id for n in search_nodes(s, "全新的", layer="school").items] == ["Target:NEW-1"]
    assert search_nodes(s, "甲乙").total == 1 and search_nodes(s, "乙").total == 1
    s.upsert_nodes([Node("Task", "RW-0002", {**s.get_node("Task:RW-0002").props, "name": "又改了"})])
    assert search_nodes(s, "甲乙").total == 0 and search_nodes(s, "又改了").items[0].id == "Task:RW-0002"
    assert s.delete_node("Target:NEW-1")
    assert search_nodes(s, "全新的").total == 0 and search_nodes(s, "NEW-1").total == 0
    _same_as_scan(s, queries=["RW-000", "又改", "招生", "全新"], filters=[dict(), dict(kind="Task")], pages=((20, 0),))
    s.clear()
    assert search_nodes(s, "RW").total == 0 and search_nodes(s, None).total == 0
    s.upsert_nodes([Node("Task", "RW-9", {"name": "清空以后"})])
    assert _ids(search_nodes(s, "以后")) == (1, ["Task:RW-9"])


def test_a_failed_transaction_leaves_the_search_index_as_it_was(demo_store):
    s = demo_store
    before = _ids(search_nodes(s, "招生"))
    with pytest.raises(RuntimeError):
        with s.transaction():
            s.upsert_nodes([Node("Task", "RW-X1", {"name": "招生回滚"})])
            s.delete_node("Target:MB-S01")
            raise RuntimeError("undo")
    if "transactions" in s.capabilities:
        assert _ids(search_nodes(s, "招生")) == before
        assert search_nodes(s, "MB-S01").items[0].id == "Target:MB-S01"


def test_many_matches_are_ranked_rank_by_rank_as_the_scan(monkeypatch, tmp_path):
    """Above SEARCH_SORT_MAX matches the embedded store pages rank by rank (index ranges, then a walk
    in id order); forced here on the demo with a small threshold, at offsets crossing the ranks."""
    monkeypatch.setattr(embedded, "SEARCH_SORT_MAX", 3)
    with EmbeddedStore(tmp_path / "s.sqlite") as s:
        load_demo(s)
        s.upsert_nodes([Node("Task", "ZK", {"name": "zk"}), Node("Target", "X-ZK1", {"name": "ZK开头的名字"})])
        pages = ((5, 0), (5, 1), (10, 60), (3, 70), (20, 200), (1000, 0))
        assert _same_as_scan(s, queries=["zk", "ZK-5", "RW-00", "招", "学院", "t:", ":", "k:", "target:mb", "x-"],
                             pages=pages) > 30


def test_an_old_file_gets_the_search_index_on_first_open_for_writing(tmp_path):
    path = tmp_path / "old.sqlite"
    with EmbeddedStore(path) as s:
        load_demo(s)
        want = _ids(search_nodes(s, "招生", limit=30))
    db = sqlite3.connect(path)  # the file as a version without the index left it
    db.executescript("DROP TABLE node_text; DROP TABLE node_tri; DROP TABLE node_short; "
                     "DELETE FROM meta WHERE key='search_index';")
    db.close()
    with EmbeddedStore(path) as s:
        assert s._rows("SELECT count(*) FROM node_text")[0][0] == s.count_nodes() > 2000
        assert _ids(search_nodes(s, "招生", limit=30)) == want
        assert _same_as_scan(s, queries=["MB-S0", "招", "专业建设"], filters=[dict()]) > 3


def test_a_file_without_the_index_is_searched_by_a_scan_when_read_only(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    with EmbeddedStore(path) as s:
        s.upsert_nodes([Node("Task", "RW-1", {"name": "招生计划"}), Node("Task", "RW-2", {"name": "其他"})])
    db = sqlite3.connect(path)
    db.executescript("DELETE FROM meta WHERE key='search_index'; DELETE FROM node_text;")
    db.close()
    monkeypatch.setattr(embedded, "_writable", lambda p: False)
    with EmbeddedStore(path) as s:
        assert s.read_only
        assert _ids(search_nodes(s, "招生")) == (1, ["Task:RW-1"])


def test_nodes_written_without_the_index_get_it_on_the_next_open_for_writing(tmp_path):
    path = tmp_path / "s.sqlite"
    with EmbeddedStore(path) as s:
        s.upsert_nodes([Node("Task", "RW-1", {"name": "招生计划"})])
    db = sqlite3.connect(path)  # as a version without the index writes: the nodes table only
    db.execute("""INSERT INTO nodes VALUES ('Task:RW-2', 'Task', 'RW-2', '{"name":"招生宣传"}')""")
    db.commit()
    db.close()
    with EmbeddedStore(path) as s:
        assert _ids(search_nodes(s, "招生")) == (2, ["Task:RW-1", "Task:RW-2"])
        assert _ids(search_nodes(s, "宣传")) == (1, ["Task:RW-2"])


def test_an_in_memory_store_without_the_index_searches_by_a_scan_with_the_same_answers():
    """`iqa check PATH…` loads files into a throwaway store that keeps no search index; its
    search (nobody's today, but the interface's) still answers as the indexed store's."""
    indexed, bare = EmbeddedStore(None), EmbeddedStore(None, search_index=False)
    load_demo(indexed)
    load_demo(bare)
    assert bare._rows("SELECT count(*) FROM node_text")[0][0] == 0  # nothing indexed
    for q in ["MB-S01", "zk-5", "招生", "率", "Task:RW", ""]:
        assert _ids(search_nodes(bare, q, limit=20)) == _ids(search_nodes(indexed, q, limit=20)), q
    with pytest.raises(ValueError):
        EmbeddedStore("x.sqlite", search_index=False)
