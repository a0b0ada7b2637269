"""``Neo4jStore.traverse`` gives exactly the embedded store's Subgraph (nodes, depths, edges walked)
and sends one Cypher statement per call — on random graphs with cycles, shared children and mixed
directions, on a DAG with more paths than could ever be enumerated, and with depth limits and
unknown seeds.

Each test runs on the fake driver (which interprets TRAVERSE as documented) and on a real Neo4j
server (``neo4j_uri`` of tests/conftest.py: skipped without one, failed under CI=true); the
statement count on the server is taken by a thin wrapper around the real driver.
"""

from __future__ import annotations

import random
import time

import pytest
from neo4j import GraphDatabase
from tests.neo4j.neo4j_fakes import FakeDriver

from graph.errors import ValidationError
from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore, traverse_types


class _CountingTx:
    def __init__(self, tx, log: list[str]):
        self._tx, self._log = tx, log

    def run(self, query, parameters=None, **kw):
        self._log.append(query)
        return self._tx.run(query, parameters, **kw)

    def __getattr__(self, name):
        return getattr(self._tx, name)


class _CountingSession:
    def __init__(self, session, log: list[str]):
        self._session, self._log = session, log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._session.close()

    def execute_read(self, work, *args, **kw):
        return self._session.execute_read(lambda tx: work(_CountingTx(tx, self._log), *args, **kw))

    def execute_write(self, work, *args, **kw):
        return self._session.execute_write(lambda tx: work(_CountingTx(tx, self._log), *args, **kw))

    def begin_transaction(self, *args, **kw):
        return _CountingTx(self._session.begin_transaction(*args, **kw), self._log)

    def __getattr__(self, name):
        return getattr(self._session, name)


class CountingDriver:
    """A real ``neo4j.Driver`` that records the text of every statement the store runs in ``sent``."""

    def __init__(self, driver):
        self._driver = driver
        self.sent: list[str] = []
        self.execute_query_bookmark_manager = driver.execute_query_bookmark_manager

    def session(self, **config):
        return _CountingSession(self._driver.session(**config), self.sent)

    def close(self):
        self._driver.close()


@pytest.fixture(params=["fake-driver", "neo4j-server"])
def pair(request):
    """``(neo4j store, embedded store, list of statements sent)``, both stores empty."""
    if request.param == "fake-driver":
        driver = FakeDriver()
        store = Neo4jStore(driver, batch_size=50)
        sent = driver.sent
    else:
        uri = request.getfixturevalue("neo4j_uri")
        Neo4jStore.from_uri(uri).close()  # checks the connection and creates the schema
        import os

        password = os.environ.get("NEO4J_PASSWORD")
        auth = (os.environ.get("NEO4J_USER") or "neo4j", password) if password is not None else None
        driver = CountingDriver(GraphDatabase.driver(uri, auth=auth))
        store = Neo4jStore(driver, database=os.environ.get("NEO4J_DATABASE") or None, owns_driver=True)
        store.clear()
        sent = driver.sent
    embedded = EmbeddedStore(None)
    yield store, embedded, sent
    store.close()
    embedded.close()


def load(stores, nodes, edges):
    for s in stores:
        s.upsert_nodes(nodes)
        s.upsert_edges(edges)


def shape(sg):
    """Everything a Subgraph holds, comparable with ==."""
    return sg.nodes, sg.depth, {e.key: e.props for e in sg.iter_edges()}


def random_college(rng: random.Random, size: int):
    """Plans, targets, tasks, indicators, units, posts and people, linked at random with valid
    edges: target decompositions with shared children and cycles, unit hierarchies with cycles."""
    plans = [Node("Plan", f"P{i}") for i in range(2)]
    targets = [Node("Target", f"T{i}", {"layer": rng.choice(["school", "major"])}) for i in range(size)]
    tasks = [Node("Task", f"K{i}") for i in range(size // 2)]
    units = [Node("OrgUnit", f"U{i}") for i in range(4)]
    posts = [Node("Post", f"Q{i}") for i in range(3)]
    people = [Node("Person", f"X{i}") for i in range(4)]
    indicators = [Node("Indicator", f"I{i}") for i in range(3)]
    nodes = plans + targets + tasks + units + posts + people + indicators
    edges: dict[tuple[str, str, str], Edge] = {}

    def link(source, type_, target, n):
        for _ in range(n):
            s, t = rng.choice(source), rng.choice(target)
            edges[(s.id, type_, t.id)] = Edge(s.id, type_, t.id, {"w": rng.randint(1, 9)} if rng.random() < 0.3 else {})

    link(plans, "decomposes_to", targets, size // 2)
    link(targets, "decomposes_to", targets, size * 2)  # shared children, cycles, self-loops
    link(targets, "implemented_by", tasks, size)
    link(targets + tasks, "led_by", units, size)
    link(units, "part_of", units, 5)
    link(posts + people, "part_of", units, 6)
    link(people, "holds", posts, 5)
    link(indicators, "measures", targets, 5)
    return nodes, list(edges.values())


STEP_SETS = [
    [("decomposes_to", "out"), ("implemented_by", "out")],
    [("decomposes_to", "in"), ("implemented_by", "in")],
    [("decomposes_to", "out"), ("implemented_by", "out"), ("measures", "in")],
    [("measures", "out"), ("decomposes_to", "in"), ("implemented_by", "in"), ("part_of", "out")],
    [("led_by", "out"), ("part_of", "both"), ("holds", "both")],
    [("decomposes_to", "both"), ("led_by", "both")],
    [("decomposes_to", "out"), ("decomposes_to", "in")],
]


@pytest.mark.parametrize("graph_seed", [1, 2, 3])
def test_traverse_equals_the_embedded_store_on_random_graphs(pair, graph_seed):
    neo, emb, sent = pair
    rng = random.Random(graph_seed)
    nodes, edges = random_college(rng, 24)
    load((neo, emb), nodes, edges)
    ids = [n.id for n in nodes]
    checked = 0
    for steps in STEP_SETS:
        for max_depth in (None, 0, 1, 2, 3, 50):
            seeds = rng.sample(ids, rng.randint(1, 4)) + ["Target:ghost"]
            sent.clear()
            got = neo.traverse(seeds, steps, max_depth)
            assert len(sent) == 1, sent  # one statement, whatever the depth
            want = emb.traverse(seeds, steps, max_depth)
            assert shape(got) == shape(want), (steps, max_depth, seeds)
            checked += len(want.depth)
    assert checked > 300  # the walks really went somewhere


def test_a_dag_with_astronomically_many_paths_is_walked_in_one_statement(pair):
    """30 layers of 6 targets, each linked to every target of the next layer: 6**29 paths from a
    root. Path enumeration would never finish; the level-by-level walk expands each node once."""
    neo, emb, sent = pair
    width, layers = 6, 30
    nodes = [Node("Target", f"L{layer}_{i}") for layer in range(layers) for i in range(width)]
    edges = [Edge(f"Target:L{layer}_{a}", "decomposes_to", f"Target:L{layer + 1}_{b}")
             for layer in range(layers - 1) for a in range(width) for b in range(width)]
    load((neo, emb), nodes, edges)
    cases = [(["Target:L0_0"], [("decomposes_to", "out")], None),
             (["Target:L29_5"], [("decomposes_to", "in")], None),
             (["Target:L15_2"], [("decomposes_to", "both")], None),
             (["Target:L0_0", "Target:L10_3"], [("decomposes_to", "out")], 12)]
    for seeds, steps, max_depth in cases:
        sent.clear()
        started = time.monotonic()
        got = neo.traverse(seeds, steps, max_depth)
        elapsed = time.monotonic() - started
        assert len(sent) == 1
        assert elapsed < 30, f"{seeds} {steps}: {elapsed:.1f} s"
        assert shape(got) == shape(emb.traverse(seeds, steps, max_depth))
    assert neo.traverse(["Target:L0_0"], [("decomposes_to", "out")]).depth["Target:L29_4"] == 29
    assert len(neo.traverse(["Target:L15_2"], [("decomposes_to", "both")]).nodes) == width * layers


def test_get_nodes_and_depth_zero_are_one_statement_and_no_seeds_none(pair):
    neo, emb, sent = pair
    load((neo, emb), [Node("Target", "A"), Node("Task", "K")], [Edge("Target:A", "implemented_by", "Task:K")])
    sent.clear()
    assert neo.get_nodes(["Task:K", "Task:ghost", "Task:K"]) == emb.get_nodes(["Task:K", "Task:ghost"])
    assert shape(neo.traverse(["Target:A"], [("implemented_by", "out")], 0)) == shape(
        emb.traverse(["Target:A"], [("implemented_by", "out")], 0))
    assert len(sent) == 2
    sent.clear()
    assert neo.traverse([], [("implemented_by", "out")]).nodes == {}
    assert sent == []


def test_bad_steps_are_refused_before_any_statement(pair):
    neo, _, sent = pair
    sent.clear()
    with pytest.raises(ValidationError, match="unknown edge type"):
        neo.traverse(["Target:A"], [("likes", "out")])
    with pytest.raises(ValidationError, match="unknown edge type"):
        neo.traverse(["Target:A"], [("led_by`]->() DETACH DELETE n //", "out")])
    with pytest.raises(ValidationError, match="direction"):
        neo.traverse(["Target:A"], [("led_by", "sideways")])
    with pytest.raises(ValidationError, match="pair"):
        neo.traverse(["Target:A"], ["led_by"])
    with pytest.raises(ValidationError, match="max_depth"):
        neo.traverse(["Target:A"], [("led_by", "out")], "3")
    assert sent == []


def test_steps_become_type_lists_per_direction():
    assert traverse_types([("led_by", "out"), ("holds", "both"), ("measures", "in"), ("led_by", "out")]) == (
        ["holds", "led_by"], ["holds", "measures"])
    assert traverse_types([]) == ([], [])


def test_the_subgraph_fast_path_walks_a_dense_dag_without_enumerating_paths(pair):
    """Neo4jStore.subgraph once matched a variable-length pattern: 6**11 paths at depth 12 here."""
    neo, _, sent = pair
    width, layers = 6, 14
    neo.upsert_nodes([Node("Target", f"L{layer}_{i}") for layer in range(layers) for i in range(width)])
    neo.upsert_edges([Edge(f"Target:L{layer}_{a}", "decomposes_to", f"Target:L{layer + 1}_{b}")
                      for layer in range(layers - 1) for a in range(width) for b in range(width)])
    sent.clear()
    started = time.monotonic()
    nodes, edges = neo.subgraph("Target:L0_0", None, "out", 12)
    assert time.monotonic() - started < 30
    assert len(nodes) == 1 + 12 * width and len(edges) == width + 11 * width * width
    assert len(sent) == 1 + -(-len(nodes) // neo.batch_size)  # TRAVERSE, then the edges per batch of nodes
