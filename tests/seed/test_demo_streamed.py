"""The grown demo is generated and loaded in batches (``seed.synthetic.iter_grown`` into
``ingest.load_stream``): the same rows as ``grow_college``, the same store as one load of them,
one transaction (a failure anywhere leaves the store as it was), progress after every batch."""

from __future__ import annotations

import sqlite3

import pytest

from graph.errors import IngestError
from graph.model import Node
from graph.stores.embedded import EmbeddedStore
from ingest import load_sources, load_stream
from ingest.resolve import KnownNodes
from seed.demo import DEMO_REAL_TABLES, REAL_DIR, load_demo
from seed.demo_college import build_demo_college
from seed.synthetic import GROWN_SHEETS, grow_college, grown_rows, iter_grown

REAL = [REAL_DIR / n for n in DEMO_REAL_TABLES]
#: the columns whose cells name another row by its code, per sheet, in what iter_grown writes
REFERENCES = {"岗位": ("所属部门",), "人员": ("岗位", "部门"), "目标": ("上级目标", "牵头部门", "责任人", "标准"),
              "任务": ("对应目标", "牵头部门", "责任部门", "责任人")}


def _code(row: dict) -> str:
    return str(row.get("编号") or row.get("工号"))


@pytest.mark.parametrize("students, teachers", [(130, 9), (45, 0), (0, 4), (0, 0)])
def test_batches_are_the_rows_grow_college_adds_whatever_their_size(students, teachers):
    plain = build_demo_college()
    grown = grow_college(plain, students, teachers)
    added = {sheet: grown[sheet][len(plain.get(sheet, [])):] for sheet in grown}
    for size in (1, 7, 1000):
        batches = list(iter_grown(plain, students, teachers, batch=size))
        joined = {sheet: [] for sheet in GROWN_SHEETS}
        for b in batches:
            assert all(rows for rows in b.values())  # no empty sheet in a batch
            for sheet, rows in b.items():
                joined[sheet] += rows
        assert {s: r for s, r in joined.items() if r} == {s: r for s, r in added.items() if r}
        people = students + teachers
        assert len(batches) == (-(-teachers // size) + -(-students // size) if people else 0)
    assert sum(len(r) for r in added.values()) == grown_rows(students, teachers)


def test_each_batch_references_only_the_college_and_itself_or_earlier_batches():
    plain = build_demo_college()
    known = {_code(r) for rows in plain.values() for r in rows}
    for batch in iter_grown(plain, 200, 11, batch=13):
        here = {_code(r) for rows in batch.values() for r in rows}
        for sheet, rows in batch.items():
            for r in rows:
                for col in REFERENCES[sheet]:
                    if r.get(col):
                        assert str(r[col]) in known | here, (sheet, col, r[col])
        known |= here


def test_iter_grown_refuses_bad_arguments_when_called():
    plain = build_demo_college()
    for kwargs in ({"students": -1}, {"students": 1, "teachers": -1}, {"students": 1, "batch": 0}):
        with pytest.raises(ValueError):
            iter_grown(plain, **kwargs)  # before any row is asked for


def _contents(path) -> dict[str, list]:
    db = sqlite3.connect(path)
    try:
        return {
            "nodes": sorted(db.execute("SELECT id, kind, code, props FROM nodes")),
            "edges": sorted(db.execute("SELECT source, type, target, props FROM edges")),
            "text": sorted(db.execute("SELECT id, kind, layer, id_n, code_n, name_n FROM node_text")),
            "tri": sorted(db.execute("SELECT t.id, f.code_n, f.name_n, f.id_n, f.kind FROM node_tri f "
                                     "JOIN node_text t ON t.rid = f.rowid")),
            "short": sorted(db.execute("SELECT t.id, f.grams FROM node_short f JOIN node_text t ON t.rid = f.rowid")),
        }
    finally:
        db.close()


def test_the_streamed_demo_is_the_store_one_load_of_the_grown_college_makes(tmp_path):
    streamed, whole = tmp_path / "streamed.sqlite", tmp_path / "whole.sqlite"
    with EmbeddedStore(streamed) as store:
        got = load_demo(store, students=260, teachers=12)
    with EmbeddedStore(whole) as store:
        want = load_sources(store, grow_college(build_demo_college(), 260, 12), REAL)
    a, b = _contents(streamed), _contents(whole)
    assert len(b["nodes"]) > 3000
    for table in a:
        assert a[table] == b[table], table
    assert got.to_dict() == want.to_dict()


def test_a_failure_in_any_batch_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "s.sqlite"
    with EmbeddedStore(path) as store:
        load_demo(store)
    before = _contents(path)
    plain = build_demo_college()

    def bad_reference():
        for i, batch in enumerate(iter_grown(plain, 40, 4, batch=10)):
            if i == 3:
                batch["目标"][0]["上级目标"] = "NO-SUCH-TARGET"
            yield batch

    def broken_generator():
        yield from iter_grown(plain, 40, 4, batch=10)
        raise RuntimeError("the generator failed")

    with EmbeddedStore(path) as store:
        with pytest.raises(IngestError, match="NO-SUCH-TARGET"):
            load_stream(store, None, (), bad_reference())
        with pytest.raises(RuntimeError):
            load_stream(store, None, (), broken_generator())
    assert _contents(path) == before


def test_progress_is_reported_before_the_first_batch_is_made_and_after_every_batch(tmp_path):
    events: list[tuple] = []
    plain = build_demo_college()

    def batches():
        for batch in iter_grown(plain, 50, 5, batch=10):
            events.append(("made",))
            yield batch

    with EmbeddedStore(tmp_path / "s.sqlite") as store:
        load_stream(store, plain, REAL, batches(), total=grown_rows(50, 5),
                    progress=lambda stage, done, total: events.append((stage, done, total)))
    assert events[0][0] != "made"  # the first report comes before any generated row is loaded
    loads = [e for e in events if e[0] == "load"]
    assert loads[0] == ("load", 0, 125) and loads[-1] == ("load", 125, 125)
    assert len(loads) == 1 + sum(1 for e in events if e == ("made",)) == 1 + 1 + 5
    assert [d for _, d, _ in loads] == sorted(d for _, d, _ in loads)


def test_known_nodes_follow_a_renamed_or_replaced_node():
    known = KnownNodes([Node("Person", "P1", {"name": "张三"}), Node("Person", "P2", {"name": "张三"})])
    assert known.names[("Person", "张三")] == ["Person:P1", "Person:P2"]
    known.add([Node("Person", "P1", {"name": "李四"}), Node("Person", "P3", {"name": "王五"})])
    assert known.names[("Person", "张三")] == ["Person:P2"]
    assert known.names[("Person", "李四")] == ["Person:P1"] and known.stored["Person:P1"].name == "李四"
    known.add([Node("Person", "P2", {"name": "赵六"})])
    assert ("Person", "张三") not in known.names
    assert set(known.stored) == {"Person:P1", "Person:P2", "Person:P3"}
