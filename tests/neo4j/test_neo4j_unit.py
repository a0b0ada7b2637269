"""Unit tests of the Neo4j store without a server: batching, retries, transactions, the label /
type allow-list, parameters-only statements, property encoding, paging, the subgraph fast path
and opening from a URI. The fake driver (neo4j_fakes.py) records what the store sends and refuses
any statement that neo4j_queries.all_statements() does not list."""

from __future__ import annotations

import re
import socket
from dataclasses import replace

import pytest
from neo4j import exceptions as neo4j_errors
from tests.neo4j.neo4j_fakes import FakeDriver

from graph.errors import NotFoundError, StoreError, ValidationError
from graph.model import Edge, Node
from graph.stores import neo4j as neo4j_store
from graph.stores import neo4j_queries as q
from graph.stores.neo4j import Neo4jStore, decode_props, encode_props, is_native
from ontology import get_ontology


def make(batch_size=5000, **kw):
    driver = FakeDriver(kw.get("onto"))
    return Neo4jStore(driver, batch_size=batch_size, **kw), driver


def small_graph(store):
    store.upsert_nodes([
        Node("Plan", "P", {"name": "规划", "level": "1"}),
        Node("Target", "S", {"name": "学校目标", "layer": "school"}),
        Node("Target", "D", {"name": "系部目标", "layer": "department"}),
        Node("Task", "K", {"name": "任务", "status": "normal"}),
        Node("OrgUnit", "U", {"name": "教务处"}),
    ])
    store.upsert_edges([
        Edge("Plan:P", "decomposes_to", "Target:S"),
        Edge("Target:S", "decomposes_to", "Target:D"),
        Edge("Target:D", "implemented_by", "Task:K"),
        Edge("Target:S", "led_by", "OrgUnit:U"),
    ])


# -- batching ------------------------------------------------------------------------------------
def test_12001_nodes_go_in_three_unwind_batches_in_one_write_transaction():
    store, driver = make(batch_size=5000)
    assert store.upsert_nodes(Node("Task", f"K{i:05d}") for i in range(12001)) == 12001
    merges = driver.queries("merge_nodes")
    assert [s.name for s in merges] == ["merge_nodes[Task]"] * 3
    assert [len(s.params["rows"]) for s in merges] == [5000, 5000, 2001]
    assert {s.mode for s in merges} == {"write"} and {s.attempt for s in merges} == {1}
    assert driver.events == ["begin write #1", "commit write"]  # one managed transaction
    assert merges[0].params["rows"][0] == {"id": "Task:K00000", "props": {"id": "Task:K00000", "code": "K00000"}}
    assert store.count_nodes() == 12001


def test_batch_size_is_configurable_and_batches_are_per_label():
    store, driver = make(batch_size=2)
    store.upsert_nodes([Node("Task", "a"), Node("Target", "t1"), Node("Task", "b"), Node("Task", "c")])
    assert [(s.name, len(s.params["rows"])) for s in driver.queries("merge_nodes")] == [
        ("merge_nodes[Task]", 2), ("merge_nodes[Task]", 1), ("merge_nodes[Target]", 1)]
    with pytest.raises(ValueError):
        Neo4jStore(FakeDriver(), batch_size=0)


def test_edges_are_batched_per_type_after_one_batched_endpoint_lookup():
    store, driver = make(batch_size=3)
    store.upsert_nodes([Node("Target", "S")] + [Node("Task", f"K{i}") for i in range(4)])
    driver.clear_log()
    edges = [Edge("Target:S", "implemented_by", f"Task:K{i}") for i in range(4)] + [Edge("Target:S", "led_by", "OrgUnit:U")]
    with pytest.raises(NotFoundError, match="no node OrgUnit:U"):
        store.upsert_edges(edges)
    assert driver.queries("merge_edges") == []  # the missing endpoint stopped the whole call
    assert [len(s.params["ids"]) for s in driver.queries("EXISTING_IDS")] == [3, 3]  # 6 distinct ids
    store.upsert_nodes([Node("OrgUnit", "U")])
    driver.clear_log()
    store.upsert_edges(edges)
    assert [(s.name, len(s.params["rows"])) for s in driver.queries("merge_edges")] == [
        ("merge_edges[implemented_by]", 3), ("merge_edges[implemented_by]", 1), ("merge_edges[led_by]", 1)]
    assert driver.events == ["begin write #1", "commit write"]
    assert store.count_edges() == 5


def test_reads_are_paged_by_batch_size_in_id_order():
    store, driver = make(batch_size=2)
    store.upsert_nodes([Node("Task", c) for c in "edcba"])
    driver.clear_log()
    assert [n.code for n in store.iter_nodes("Task")] == list("abcde")
    pages = driver.queries("nodes_page_of[Task]")
    assert [s.params["after"] for s in pages] == ["", "Task:b", "Task:d"]
    assert {s.params["limit"] for s in pages} == {2}


def test_clear_deletes_in_batches_each_its_own_transaction_outside_a_transaction():
    store, driver = make(batch_size=2)
    store.upsert_nodes([Node("Task", f"K{i}") for i in range(5)])
    driver.clear_log()
    store.clear()
    assert [s.name for s in driver.sent] == ["CLEAR_EDGES_BATCH"] + ["CLEAR_NODES_BATCH"] * 4
    assert driver.events.count("commit write") == 5
    assert store.count_nodes() == 0


# -- retries and transactions -----------------------------------------------------------------------
def test_writes_outside_a_transaction_use_execute_write_and_are_retried_whole_on_a_transient_error():
    store, driver = make(batch_size=5000)
    driver.fail("merge_nodes", neo4j_errors.TransientError("deadlock detected"), times=1)
    nodes = (Node("Task", f"K{i:05d}", {"name": f"n{i}"}) for i in range(12001))  # a one-shot generator
    assert store.upsert_nodes(nodes) == 12001
    first, second = [s for s in driver.sent if s.attempt == 1], [s for s in driver.sent if s.attempt == 2]
    assert [s.name for s in first] == ["merge_nodes[Task]"]  # failed on its first batch
    assert [len(s.params["rows"]) for s in second] == [5000, 5000, 2001]  # the retry sent everything again
    assert driver.events == ["begin write #1", "rollback write", "begin write #2", "commit write"]
    assert store.count_nodes() == 12001
    assert store.get_node("Task:K12000").props == {"name": "n12000"}


def test_a_write_whose_retries_run_out_raises_store_error_and_writes_nothing():
    store, driver = make()
    driver.fail("merge_nodes", neo4j_errors.TransientError("still locked"), times=99)
    with pytest.raises(StoreError, match="still locked") as info:
        store.upsert_nodes([Node("Task", "K1")])
    assert isinstance(info.value.__cause__, neo4j_errors.TransientError)
    assert len(driver.queries("merge_nodes")) == driver.max_retries + 1
    assert store.count_nodes() == 0


def test_a_non_transient_error_is_not_retried():
    store, driver = make()
    driver.fail("merge_nodes", neo4j_errors.ConstraintError("already exists"))
    with pytest.raises(StoreError, match="already exists"):
        store.upsert_nodes([Node("Task", "K1")])
    assert len(driver.queries("merge_nodes")) == 1


def test_transaction_is_one_explicit_transaction_reads_included_and_commits_once():
    store, driver = make(batch_size=2)
    with store.transaction():
        store.upsert_nodes([Node("Task", f"K{i}") for i in range(3)])
        with store.transaction():  # nested: joins
            store.upsert_nodes([Node("Target", "S")])
        store.upsert_edges([Edge("Target:S", "implemented_by", "Task:K0")])
        assert store.count_nodes() == 4  # read through the open transaction
        assert driver.graph.nodes == {}  # nothing committed yet
    assert {s.mode for s in driver.sent} == {"explicit"}
    assert driver.events == ["begin explicit", "commit explicit"]
    assert store.count_nodes() == 4 and store.count_edges() == 1


def test_schema_statements_never_run_inside_the_data_transaction():
    store, driver = make()
    with store.transaction():
        store.upsert_nodes([Node("Task", "K")])
        store.ensure_schema()
    assert {s.mode for s in driver.sent if s.name.startswith("node_")} == {"write"}
    assert {s.mode for s in driver.queries("SHOW_")} == {"read"}
    assert {s.mode for s in driver.queries("journal_schema")} == {"write"}
    assert len(driver.queries("node_")) + len(driver.queries("journal_schema")) == len(q.schema_statements())
    assert store.count_nodes() == 1


def test_a_transient_error_inside_transaction_is_not_retried_and_rolls_everything_back():
    store, driver = make()
    driver.fail("merge_edges", neo4j_errors.TransientError("deadlock"))
    with pytest.raises(StoreError, match="deadlock"):
        with store.transaction():
            store.upsert_nodes([Node("Target", "S"), Node("Task", "K")])
            store.upsert_edges([Edge("Target:S", "implemented_by", "Task:K")])
    assert driver.events == ["begin explicit", "rollback explicit"]
    assert store.count_nodes() == 0


@pytest.mark.parametrize("error, message", [
    (neo4j_errors.ServiceUnavailable("gone"), "commit failed, nothing was written"),
    (neo4j_errors.IncompleteCommit("lost"), "may or may not have been written"),
])
def test_a_failed_commit_is_a_store_error_that_says_what_was_written(error, message):
    store, driver = make()

    def commit():
        raise error

    with pytest.raises(StoreError, match=message):
        with store.transaction():
            store.upsert_nodes([Node("Task", "K")])
            store._tx.commit = commit
    assert store._tx is None and store.count_nodes() == 0


def test_validation_errors_inside_a_transaction_leave_it_usable():
    store, driver = make()
    with store.transaction():
        store.upsert_nodes([Node("Target", "S")])
        with pytest.raises(ValidationError):
            store.upsert_nodes([Node("Target", "X", {"layer": "galaxy"})])
        with pytest.raises(NotFoundError):
            store.upsert_edges([Edge("Target:S", "decomposes_to", "Target:ghost")])
    assert [n.id for n in store.iter_nodes()] == ["Target:S"]


def test_sessions_use_the_database_and_the_drivers_bookmark_manager():
    driver = FakeDriver()
    store = Neo4jStore(driver, database="iqa")
    store.count_nodes()
    assert driver.sessions == [{"database": "iqa", "bookmark_manager": driver.execute_query_bookmark_manager}]
    assert store.location.endswith("(database iqa)")


# -- the allow-list and parameters-only statements ----------------------------------------------------
BAD_NAMES = ["Widget", "Tar`get", "Target`) DETACH DELETE (n", "Tar get", "", "target"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_builders_refuse_names_outside_the_allow_list(name):
    for build in (q.merge_nodes, q.nodes_page_of, q.count_nodes_of, q.node_id_constraint):
        with pytest.raises(ValidationError):
            build(name)
    for build in (q.merge_edges, q.count_edges_of):
        with pytest.raises(ValidationError):
            build(name)


def _odd_ontology():
    """The project ontology plus a kind and an edge type whose names are not safe in Cypher."""
    onto = get_ontology()
    kinds = dict(onto.kinds)
    kinds["Odd Kind"] = replace(onto.kinds["Task"], name="Odd Kind")
    kinds["Odd`Kind"] = replace(onto.kinds["Task"], name="Odd`Kind")
    edge_types = dict(onto.edge_types)
    edge_types["odd`type"] = replace(onto.edge_types["decomposes_to"], name="odd`type")
    return replace(onto, kinds=kinds, edge_types=edge_types)


@pytest.mark.parametrize("kind", ["Odd Kind", "Odd`Kind"])
def test_an_ontology_kind_that_is_not_an_identifier_is_refused_before_any_query(kind):
    store, driver = make(onto=_odd_ontology())
    with pytest.raises(ValidationError, match="cannot be used as a Neo4j label"):
        store.upsert_nodes([Node("Task", "K1"), Node(kind, "X1")])
    assert driver.sent == []
    assert store.count_nodes(kind) == 0 and list(store.iter_nodes(kind)) == []
    assert driver.sent == []


def test_unknown_or_unsafe_edge_types_are_refused_before_any_query():
    store, driver = make(onto=_odd_ontology())
    with pytest.raises(ValidationError, match="unknown edge type 'likes'"):
        store.upsert_edges([Edge("Target:S", "decomposes_to", "Target:D"), Edge("Target:S", "likes", "Target:D")])
    with pytest.raises(ValidationError, match="cannot be used as a Neo4j relationship type"):
        store.upsert_edges([Edge("Target:S", "odd`type", "Target:D")])
    with pytest.raises(ValidationError):
        store.subgraph("Target:S", ["x`]->() DETACH DELETE (y"])
    assert store.get_edge("Target:S", "odd`type", "Target:D") is None
    assert store.count_edges("odd`type") == 0 and list(store.iter_edges("odd`type")) == []
    assert store.delete_edge("Target:S", "odd`type", "Target:D") is False
    assert driver.sent == []


def test_unknown_kinds_are_refused_before_any_query():
    store, driver = make()
    for kind in ("Widget", "Task` {id: 'x'}) DETACH DELETE (n"):
        with pytest.raises(ValidationError):
            store.upsert_nodes([Node(kind, "W1")])
    assert driver.sent == []


HOSTILE = "x`) DETACH DELETE (n) //'\"$id"


def test_statements_carry_no_user_data_only_parameters():
    store, driver = make(batch_size=2)
    store.upsert_nodes([Node("Target", HOSTILE, {"name": HOSTILE, HOSTILE: HOSTILE}), Node("Task", "K", {"name": "任务"})])
    store.upsert_edges([Edge(f"Target:{HOSTILE}", "implemented_by", "Task:K", {HOSTILE: [HOSTILE]})])
    store.get_node(f"Target:{HOSTILE}")
    store.find_by_code(HOSTILE)
    store.neighbors(f"Target:{HOSTILE}", ["implemented_by"], "both")
    store.get_edge(f"Target:{HOSTILE}", "implemented_by", "Task:K")
    store.subgraph(f"Target:{HOSTILE}", ["implemented_by"], "out", 2)
    list(store.iter_edges("implemented_by"))
    store.delete_edge(f"Target:{HOSTILE}", "implemented_by", "Task:K")
    store.delete_node(f"Target:{HOSTILE}")
    store.clear()
    listed = {cypher for _, cypher, _ in q.all_statements()}
    assert len(driver.sent) > 15
    for sent in driver.sent:
        assert sent.query in listed  # a fixed statement, never one assembled from the data
        assert HOSTILE not in sent.query and "任务" not in sent.query
    assert any(HOSTILE in _strings(s.params) for s in driver.sent)  # the data travelled as parameters


def _strings(value) -> set:
    """Every string inside a parameter value (keys included)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(k) | _strings(v) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*map(_strings, value)) if value else set()
    return set()


def test_every_listed_statement_uses_only_identifiers_from_the_allow_list():
    onto = get_ontology()
    names = set(q.allowed_labels(onto)) | set(q.allowed_types(onto)) | {q.NODE_LABEL}
    for name, cypher, params in q.all_statements(onto):
        for quoted in re.findall(r"`([^`]*)`", cypher):
            assert quoted in names or quoted.startswith("iqa_"), (name, quoted)
        assert params == q.params_of(cypher)
    assert len({name for name, _, _ in q.all_statements(onto)}) == len(q.all_statements(onto))


# -- property encoding ---------------------------------------------------------------------------
ODD_PROPS = {
    "name": "名称", "n": 3, "f": 2.5, "flag": False, "tags": ["a", "b"], "nums": [1, 2], "fl": [1.5],
    "bools": [True, False], "none": None, "empty": [], "mixed": [1, "a"], "intfloat": [1, 2.0],
    "with_none": ["a", None], "big": 2**70, "bigs": [1, 2**64], "id": "my own id", "code": "my code",
    "_props": "clash", "": "empty key", "boolint": [True, 1],
}


def test_native_values_are_individual_properties_the_rest_goes_to_props_json():
    stored = encode_props(ODD_PROPS, neo4j_store.NODE_RESERVED)
    native = {k for k in stored if k != "_props"}
    assert native == {"name", "n", "f", "flag", "tags", "nums", "fl", "bools"}
    assert decode_props({**stored, "id": "Target:T", "code": "T"}, neo4j_store.NODE_RESERVED) == ODD_PROPS
    assert "_props" not in encode_props({"name": "x"}, neo4j_store.NODE_RESERVED)
    assert is_native(2**63 - 1) and not is_native(2**63) and not is_native([]) and is_native([-(2**63)])


def test_nodes_and_edges_read_back_exactly_as_written():
    store, driver = make()
    store.upsert_nodes([Node("Target", "T", ODD_PROPS), Node("Task", "K")])
    store.upsert_edges([Edge("Target:T", "implemented_by", "Task:K", ODD_PROPS)])
    node = store.get_node("Target:T")
    assert (node.kind, node.code, node.props) == ("Target", "T", ODD_PROPS)
    assert driver.graph.nodes["Target:T"][1]["id"] == "Target:T"
    assert driver.graph.nodes["Target:T"][1]["name"] == "名称"
    assert store.get_edge("Target:T", "implemented_by", "Task:K").props == ODD_PROPS
    (edge, other), = store.neighbors("Task:K", direction="in")
    assert edge.props == ODD_PROPS and other.props == ODD_PROPS
    assert [e.props for e in store.iter_edges()] == [ODD_PROPS]
    store.upsert_nodes([Node("Target", "T", {"name": "only"})])  # replaced whole, _props gone
    assert store.get_node("Target:T").props == {"name": "only"}
    assert "_props" not in driver.graph.nodes["Target:T"][1]


# -- reads ---------------------------------------------------------------------------------------
def test_neighbors_order_and_self_loops_match_the_embedded_store():
    from graph.stores.embedded import EmbeddedStore

    neo, _ = make(batch_size=2)
    emb = EmbeddedStore(None)
    for store in (neo, emb):
        small_graph(store)
        store.upsert_edges([Edge("Target:D", "decomposes_to", "Target:D"), Edge("Target:D", "decomposes_to", "Target:S")])
    for node in ("Target:S", "Target:D", "Task:K", "nope"):
        for direction in ("out", "in", "both", "sideways"):
            for types in (None, [], ["decomposes_to"], ["led_by", "implemented_by"], ["unknown"]):
                got = [(e.key, n.id) for e, n in neo.neighbors(node, types, direction)]
                want = [(e.key, n.id) for e, n in emb.neighbors(node, types, direction)]
                assert got == want, (node, direction, types)
    assert sorted(e.key for e in neo.iter_edges()) == sorted(e.key for e in emb.iter_edges())
    assert [e.key for e in neo.iter_edges()] == sorted(e.key for e in neo.iter_edges())


def test_subgraph_returns_the_induced_subgraph_within_the_depth():
    store, driver = make()
    small_graph(store)
    driver.clear_log()
    nodes, edges = store.subgraph("Plan:P", ["decomposes_to", "implemented_by"], "out", 2)
    assert [n.id for n in nodes] == ["Plan:P", "Target:D", "Target:S"]
    assert [e.key for e in edges] == [("Plan:P", "decomposes_to", "Target:S"), ("Target:S", "decomposes_to", "Target:D")]
    assert [s.name for s in driver.sent] == ["TRAVERSE", "SUBGRAPH_EDGES"]  # no path enumeration
    nodes, edges = store.subgraph("Task:K", None, "in", 3)
    assert [n.id for n in nodes] == ["Plan:P", "Target:D", "Target:S", "Task:K"]
    assert len(edges) == 3  # led_by leaves the set
    nodes, _ = store.subgraph("Target:D", None, "both", 1)
    assert [n.id for n in nodes] == ["Target:D", "Target:S", "Task:K"]
    assert store.subgraph("Target:nope", None, "out", 2) == ([], [])
    for bad in (0, q.MAX_SUBGRAPH_DEPTH + 1, "3", 2.0):
        with pytest.raises(ValidationError):
            store.subgraph("Plan:P", None, "out", bad)
    with pytest.raises(ValidationError):
        store.subgraph("Plan:P", None, "sideways", 2)


def test_subgraph_edge_lookup_is_chunked_but_still_sees_every_target():
    store, driver = make(batch_size=2)
    small_graph(store)
    driver.clear_log()
    _, edges = store.subgraph("Plan:P", None, "out", 3)
    assert len(edges) == 4
    calls = driver.queries("SUBGRAPH_EDGES")
    assert [len(s.params["sources"]) for s in calls] == [2, 2, 1] and all(len(s.params["ids"]) == 5 for s in calls)


# -- opening from a URI ----------------------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_from_uri_reports_an_unreachable_server_as_store_error(monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    with pytest.raises(StoreError, match="cannot reach the Neo4j server") as info:
        Neo4jStore.from_uri(f"bolt://127.0.0.1:{_closed_port()}")
    assert "secret" not in str(info.value)


def test_from_uri_reports_a_malformed_uri_as_store_error():
    with pytest.raises(StoreError, match="not a usable Neo4j URI"):
        Neo4jStore.from_uri("bolt://127.0.0.1:notaport")


def test_from_uri_reads_the_environment_checks_the_connection_and_creates_the_schema(monkeypatch):
    made = {}

    def driver(uri, auth=None):
        made.update(uri=uri, auth=auth, driver=FakeDriver())
        return made["driver"]

    monkeypatch.setattr(neo4j_store.GraphDatabase, "driver", driver)
    monkeypatch.setenv("NEO4J_USER", "iqa")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw")
    monkeypatch.setenv("NEO4J_DATABASE", "college")
    store = Neo4jStore.from_uri("neo4j://db.example:7687")
    assert made["auth"] == ("iqa", "pw") and made["uri"] == "neo4j://db.example:7687"
    assert store.database == "college" and store.location == "neo4j://db.example:7687 (database college)"
    sent = [s.query for s in made["driver"].sent]
    assert sent == [q.SHOW_INDEX_NAMES] + [statement for _, statement in q.schema_statements()]
    assert len(sent) == 1 + 3 * (len(get_ontology().kinds) + 1) + len(q.journal_schema())
    made["driver"].clear_log()
    assert store.ensure_schema() == []  # everything exists: one SHOW INDEXES, nothing created
    assert [s.name for s in made["driver"].sent] == ["SHOW_INDEX_NAMES"]
    store.close()
    assert made["driver"].closed  # from_uri's driver belongs to the store


def test_from_uri_without_password_connects_without_auth_and_reports_auth_failure(monkeypatch):
    fake = FakeDriver()

    def refuse():
        raise neo4j_errors.AuthError("The client is unauthorized due to authentication failure.")

    fake.verify_connectivity = refuse
    seen = {}
    monkeypatch.setattr(neo4j_store.GraphDatabase, "driver", lambda uri, auth=None: seen.setdefault("auth", auth) or fake)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(StoreError, match="authentication failed for user 'neo4j'.*NEO4J_PASSWORD"):
        Neo4jStore.from_uri("bolt://localhost:7687")
    assert seen["auth"] is None and fake.closed


def test_ensure_schema_creates_only_what_is_missing_and_survives_a_refused_listing():
    store, driver = make()
    driver.graph.indexes = {name for name, _ in q.schema_statements()[3:]}
    assert store.ensure_schema() == ["iqa_IqaNode_id", "iqa_IqaNode_code", "iqa_IqaNode_name"]
    driver.clear_log()
    driver.fail("SHOW_INDEX_NAMES", neo4j_errors.Forbidden("no SHOW INDEX privilege"))
    assert len(store.ensure_schema()) == len(q.schema_statements())  # IF NOT EXISTS makes this harmless


def test_from_uri_warns_when_the_user_may_not_create_the_schema(monkeypatch):
    fake = FakeDriver()
    fake.fail("node_id_constraint", neo4j_errors.Forbidden("Schema operations are not allowed"))
    monkeypatch.setattr(neo4j_store.GraphDatabase, "driver", lambda uri, auth=None: fake)
    with pytest.warns(UserWarning, match="no right to create the schema"):
        store = Neo4jStore.from_uri("bolt://localhost:7687")
    assert store.count_nodes() == 0


def test_a_closed_store_refuses_work_and_a_passed_in_driver_stays_open():
    store, driver = make()
    store.close()
    assert not driver.closed
    with pytest.raises(StoreError, match="closed"):
        store.count_nodes()


def test_open_store_dispatches_neo4j_uris(monkeypatch):
    from graph.stores import open_store

    fake = FakeDriver()
    monkeypatch.setattr(neo4j_store.GraphDatabase, "driver", lambda uri, auth=None: fake)
    for uri in ("neo4j://h:7687", "bolt://h:7687", "neo4j+s://h:7687"):
        with open_store(uri) as store:
            assert isinstance(store, Neo4jStore)


def test_the_embedded_store_and_copy_never_import_the_driver():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; import graph.store, graph.stores.embedded, graph.copy, graph.services.trace; "
            "assert 'neo4j' not in sys.modules, sorted(m for m in sys.modules if 'neo4j' in m)")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
