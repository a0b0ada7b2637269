"""The demo: a fresh store holding the demo college 示例职业技术学院 (seed/demo_college.py, built on
包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表3–表6 and 表10–表15) together with the real institution index of 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表7, loaded
through the same ingest as any workbook; and the examples ``iqa demo`` shows."""

from __future__ import annotations

import datetime as dt
from collections import deque
from pathlib import Path

from graph.errors import IqaError
from graph.model import Node
from graph.services.chains import children
from graph.services.ownership import explicit_owner, owner_of
from graph.store import GraphStore

REAL_DIR = Path(__file__).with_name("real")
#: Real tables loaded into the demo store beside the demo college (the same college: 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》).
DEMO_REAL_TABLES = ("004_t7_institution_index",)
#: Marker the demo leaves, so ``iqa demo`` can tell its own store from a user's.
DEMO_MARKER = "示例职业技术学院"


def reset_store(store: GraphStore, force: bool = False) -> None:
    """Empty ``store`` for the demo. Refuses (IqaError) a store that holds data other than an earlier
    demo unless ``force`` — so a college's real store is never wiped by mistake."""
    if store.count_nodes() == 0:
        return
    is_demo = any(n.name == DEMO_MARKER for n in store.iter_nodes("OrgUnit"))
    if not is_demo and not force:
        raise IqaError(f"{store.location} already holds data that is not the demo; "
                       "use another --store, or --force to replace it")
    store.clear()


def load_demo(store: GraphStore, progress=None, as_of: dt.date | None = None, students: int = 0,
              teachers: int | None = None):
    """Load the demo college and 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表7 into ``store`` as ONE load (all or nothing),
    its story told as of ``as_of`` (default: the story's own date, :func:`demo_as_of`; ``iqa demo``
    passes today, so the demo reads the same on any day; see ``build_demo_college``).
    ``students`` / ``teachers`` > 0 grow the demo college by that many generated students and
    teachers (``seed.synthetic.grow_college``; teachers None: one per 20 students), keeping every
    code of the plain demo. The generated rows are made and loaded in batches
    (``seed.synthetic.iter_grown`` into ``ingest.load_stream``), in the same transaction as the
    demo college: only one batch of rows is in memory at a time. ``progress(stage, done, total)``
    as ingest reports it: the demo college's stages, then ``load`` after each batch of generated
    rows.

    Returns the ingest LoadReport. Raises IngestError if the seed data were inconsistent (a bug),
    ValueError for a negative count.
    """
    from ingest import load_stream

    from seed.demo_college import build_demo_college
    from seed.synthetic import grown_rows, iter_grown

    sheets = build_demo_college(as_of or demo_as_of())
    batches = iter_grown(sheets, students, teachers) if students or teachers else ()
    return load_stream(store, sheets, [REAL_DIR / n for n in DEMO_REAL_TABLES], batches,
                       total=grown_rows(students, teachers), progress=progress)


def demo_as_of() -> dt.date:
    """The date the demo college's story is written for (2025-12-31): the demo built for it
    (``load_demo`` without ``as_of``, ``iqa demo --as-of 2025-12-31``) gives the same answers every
    day, which the tests pin."""
    from seed.demo_college import DEMO_AS_OF

    return DEMO_AS_OF


def _reaches_named_task(store: GraphStore, start: Node) -> bool:
    seen, queue = {start.id}, deque([start])
    while queue:
        for _, child in children(store, queue.popleft().id):
            if child.id in seen:
                continue
            seen.add(child.id)
            if child.kind == "Task" and owner_of(store, child).person is not None:
                return True
            queue.append(child)
    return False


def pick_school_goal(store: GraphStore) -> Node:
    """The first school-layer target (by id) whose chain reaches a task with a named person;
    raises IqaError when there is none."""
    for node in store.iter_nodes("Target"):
        if node.props.get("layer") == "school" and _reaches_named_task(store, node):
            return node
    raise IqaError("no school goal reaches a task with a named person")


def pick_owner_example(store: GraphStore) -> Node:
    """An indicator whose owner is inherited (to show provenance), else the first indicator;
    raises IqaError when the store has no indicator."""
    first = None
    for node in store.iter_nodes("Indicator"):
        first = first or node
        if not explicit_owner(store, node).found and owner_of(store, node).found:
            return node
    if first is None:
        raise IqaError("the store has no indicator")
    return first
