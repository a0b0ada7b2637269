"""Every Cypher statement the Neo4j store sends, and nothing else: named constants and small
builder functions (the pattern of neo4j-graphrag-python's ``neo4j_queries.py``).

Rules every statement here follows:

* Values are always parameters (``$id``, ``$rows``, …); no statement is built from user text.
* Node labels and relationship types cannot be parameters in Cypher 5, so the builders that need
  one (``merge_nodes``, ``merge_edges``, ``count_nodes_of`` …) take the name, check it against
  the ontology's kinds / edge types AND a plain-identifier pattern (:func:`label` /
  :func:`rel_type`), and raise ``ValidationError`` before any text is produced. Reads filter on
  types with ``type(r) IN $types`` instead, so they need no builder.
* No statement uses a variable-length pattern: on a DAG with many paths their path enumeration is
  exponential (a 14-layer DAG of 6 targets per layer took 2.7 s at depth 8, and 6× more per
  level). :data:`TRAVERSE` walks level by level instead and needs no bound.

Graph layout in Neo4j: every node has two labels, its kind (``Target``) and :data:`NODE_LABEL`
(``IqaNode``), and the properties ``id`` (``Kind:code``), ``code`` and its own properties; the
relationship type is the edge type. See ``graph/stores/neo4j.py`` for how properties are encoded.

:func:`all_statements` enumerates every statement (builders expanded over every label and
relationship type of the ontology); CI lints each one with Neo4j's own Cypher parser and semantic
analyser (``.ci/cypher-lint``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from graph.errors import ValidationError
from ontology import Ontology, get_ontology

#: Second label on every node the store writes: scopes clear(), counts, id and code lookups.
NODE_LABEL = "IqaNode"
#: Property holding, as a JSON object, the properties Neo4j cannot store natively.
PROPS_KEY = "_props"
#: Largest ``max_depth`` of ``Neo4jStore.subgraph`` (a bound of that API, not of the walk: the
#: walk is :data:`TRAVERSE`, which enumerates no paths).
MAX_SUBGRAPH_DEPTH = 12
#: What a label, relationship type or index name must look like before it is placed into Cypher.
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


# -- the allow-list ------------------------------------------------------------------------------
def allowed_labels(onto: Ontology | None = None) -> frozenset[str]:
    """Node labels that may appear in Cypher: the ontology's kinds that are plain identifiers."""
    onto = onto or get_ontology()
    return frozenset(k for k in onto.kinds if IDENTIFIER.match(k) and k != NODE_LABEL)


def allowed_types(onto: Ontology | None = None) -> frozenset[str]:
    """Relationship types that may appear in Cypher: the ontology's edge types that are plain identifiers."""
    onto = onto or get_ontology()
    return frozenset(t for t in onto.edge_types if IDENTIFIER.match(t))


def label(name: str, onto: Ontology | None = None) -> str:
    """``name`` quoted for Cypher (`` `Target` ``) when it is an allowed node label.

    Raises ValidationError for a name that is not a kind of the ontology, or that is not a plain
    identifier (a backtick, space, colon … could change the statement)."""
    onto = onto or get_ontology()
    if not isinstance(name, str) or name not in onto.kinds:
        known = ", ".join(sorted(onto.kinds))
        raise ValidationError(f"unknown node kind {name!r} (known: {known})")
    if name not in allowed_labels(onto):
        raise ValidationError(f"node kind {name!r} cannot be used as a Neo4j label (letters, digits and _ only)")
    return f"`{name}`"


def rel_type(name: str, onto: Ontology | None = None) -> str:
    """``name`` quoted for Cypher when it is an allowed relationship type; ValidationError otherwise
    (same wording as ``graph.model.validate_edge`` for an unknown edge type)."""
    onto = onto or get_ontology()
    if not isinstance(name, str) or name not in onto.edge_types:
        known = ", ".join(sorted(onto.edge_types))
        raise ValidationError(f"unknown edge type {name!r} (known: {known})")
    if name not in allowed_types(onto):
        raise ValidationError(f"edge type {name!r} cannot be used as a Neo4j relationship type (letters, digits and _ only)")
    return f"`{name}`"


def _schema_label(name: str, onto: Ontology | None) -> str:
    return f"`{NODE_LABEL}`" if name == NODE_LABEL else label(name, onto)


def params_of(cypher: str) -> tuple[str, ...]:
    """The parameter names a statement uses, sorted: ``"… $id … $rows"`` → ``("id", "rows")``."""
    return tuple(sorted(set(_PARAM.findall(cypher))))


# -- schema ----------------------------------------------------------------------------------------
def node_id_constraint(name: str, onto: Ontology | None = None) -> str:
    """Uniqueness of ``id`` among nodes of label ``name`` (a kind or NODE_LABEL). Parameters: none."""
    q = _schema_label(name, onto)
    return f"CREATE CONSTRAINT `iqa_{name}_id` IF NOT EXISTS FOR (n:{q}) REQUIRE n.id IS UNIQUE"


def node_property_index(name: str, prop: str, onto: Ontology | None = None) -> str:
    """A range index on ``code`` or ``name`` of label ``name``. Parameters: none."""
    if prop not in ("code", "name"):
        raise ValidationError(f"no index is defined for property {prop!r}")
    q = _schema_label(name, onto)
    return f"CREATE INDEX `iqa_{name}_{prop}` IF NOT EXISTS FOR (n:{q}) ON (n.{prop})"


def schema_statements(onto: Ontology | None = None) -> list[tuple[str, str]]:
    """Every schema statement as ``(index name, statement)``, in the order ``ensure_schema`` runs
    them: for NODE_LABEL then each kind, the id uniqueness constraint (its backing index has the
    constraint's name) and the code and name indexes."""
    out: list[tuple[str, str]] = []
    for name in [NODE_LABEL, *sorted(allowed_labels(onto))]:
        out.append((f"iqa_{name}_id", node_id_constraint(name, onto)))
        out.append((f"iqa_{name}_code", node_property_index(name, "code", onto)))
        out.append((f"iqa_{name}_name", node_property_index(name, "name", onto)))
    out += journal_schema()
    return out


#: Names of the existing indexes (a uniqueness constraint's backing index has the constraint's
#: name), so ensure_schema can skip what exists. Parameters: none. Rows: ``name``.
SHOW_INDEX_NAMES = "SHOW INDEXES YIELD name RETURN name"


# -- writes ----------------------------------------------------------------------------------------
def merge_nodes(kind: str, onto: Ontology | None = None) -> str:
    """Upsert a batch of nodes of one kind, replacing their properties whole.
    Parameters: ``rows`` = ``[{"id": str, "props": {property: value}}]`` (props include id, code)."""
    return (f"UNWIND $rows AS row MERGE (n:{label(kind, onto)} {{id: row.id}}) "
            f"SET n = row.props, n:{NODE_LABEL}")


def merge_edges(type_: str, onto: Ontology | None = None) -> str:
    """Upsert a batch of relationships of one type between existing nodes, replacing their
    properties whole. Parameters: ``rows`` = ``[{"source": id, "target": id, "props": {…}}]``."""
    return (f"UNWIND $rows AS row MATCH (s:{NODE_LABEL} {{id: row.source}}) "
            f"MATCH (t:{NODE_LABEL} {{id: row.target}}) "
            f"MERGE (s)-[r:{rel_type(type_, onto)}]->(t) SET r = row.props")


def create_nodes(kind: str, onto: Ontology | None = None) -> str:
    """Create a batch of NEW nodes of one kind (no lookup: the bulk path into an empty store;
    the id uniqueness constraints refuse a duplicate). Parameters: ``rows`` as :func:`merge_nodes`."""
    return f"UNWIND $rows AS row CREATE (n:{label(kind, onto)}:{NODE_LABEL}) SET n = row.props"


def create_edges(type_: str, onto: Ontology | None = None) -> str:
    """Create a batch of NEW relationships of one type between existing nodes (no MERGE: the bulk
    path into an empty store). Parameters: ``rows`` as :func:`merge_edges`."""
    return (f"UNWIND $rows AS row MATCH (s:{NODE_LABEL} {{id: row.source}}) "
            f"MATCH (t:{NODE_LABEL} {{id: row.target}}) "
            f"CREATE (s)-[r:{rel_type(type_, onto)}]->(t) SET r = row.props")


#: Delete one node and its relationships. Parameters: ``id``. Returns one row ``deleted`` (0 or 1).
DELETE_NODE = f"MATCH (n:{NODE_LABEL} {{id: $id}}) DETACH DELETE n RETURN count(*) AS deleted"

#: Delete one relationship. Parameters: ``source``, ``type``, ``target``. Returns ``deleted``.
DELETE_EDGE = (f"MATCH (:{NODE_LABEL} {{id: $source}})-[r]->(:{NODE_LABEL} {{id: $target}}) "
               "WHERE type(r) = $type DELETE r RETURN count(*) AS deleted")

#: Delete up to ``limit`` relationships leaving store nodes. Returns ``deleted``.
CLEAR_EDGES_BATCH = f"MATCH (:{NODE_LABEL})-[r]->() WITH r LIMIT $limit DELETE r RETURN count(*) AS deleted"

#: Delete up to ``limit`` store nodes (and any relationship left on them). Returns ``deleted``.
CLEAR_NODES_BATCH = f"MATCH (n:{NODE_LABEL}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"


# -- reads -----------------------------------------------------------------------------------------
#: One node. Parameters: ``id``. Returns at most one row ``props`` (the stored property map).
GET_NODE = f"MATCH (n:{NODE_LABEL} {{id: $id}}) RETURN properties(n) AS props"

#: One node, write-locked until the end of the transaction (setting and removing a property takes
#: the node's exclusive lock; nothing is left on the node), read after the lock is held, so it is
#: the latest committed version. Parameters: ``id``. Returns at most one row ``props``.
LOCK_NODE = (f"MATCH (n:{NODE_LABEL} {{id: $id}}) SET n._iqa_lock = true REMOVE n._iqa_lock "
             "RETURN properties(n) AS props")

#: Which of the given ids exist. Parameters: ``ids`` (list of ids). Returns rows ``id``.
EXISTING_IDS = f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) RETURN n.id AS id"

#: One relationship. Parameters: ``source``, ``type``, ``target``. Returns at most one row ``props``.
GET_EDGE = (f"MATCH (:{NODE_LABEL} {{id: $source}})-[r]->(:{NODE_LABEL} {{id: $target}}) "
            "WHERE type(r) = $type RETURN properties(r) AS props")

_NEIGHBORS_RETURN = ("WHERE $types IS NULL OR type(r) IN $types "
                     "RETURN startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, "
                     "properties(r) AS props, properties(m) AS node ORDER BY type, m.id")

#: Outgoing relationships of a node with the node at the other end. Parameters: ``id``,
#: ``types`` (list of types, or null for every type). Rows: source, type, target, props, node.
NEIGHBORS_OUT = f"MATCH (n:{NODE_LABEL} {{id: $id}})-[r]->(m:{NODE_LABEL}) {_NEIGHBORS_RETURN}"

#: Incoming relationships of a node; same parameters and rows as NEIGHBORS_OUT.
NEIGHBORS_IN = f"MATCH (n:{NODE_LABEL} {{id: $id}})<-[r]-(m:{NODE_LABEL}) {_NEIGHBORS_RETURN}"

#: A page of nodes in id order after ``after`` (use "" for the first page). Parameters: ``after``,
#: ``limit``. Rows: ``props``.
NODES_PAGE = (f"MATCH (n:{NODE_LABEL}) WHERE n.id > $after "
              "RETURN properties(n) AS props ORDER BY n.id LIMIT $limit")


def nodes_page_of(kind: str, onto: Ontology | None = None) -> str:
    """NODES_PAGE for one kind (label scan through the kind's id constraint). Same parameters/rows."""
    return (f"MATCH (n:{label(kind, onto)}) WHERE n.id > $after "
            "RETURN properties(n) AS props ORDER BY n.id LIMIT $limit")


#: The relationships of a page of source nodes (``limit`` nodes in id order after ``after``),
#: optionally of one type, as ONE row: ``page`` = ``[[source id, [[type, target id, props], …]], …]``
#: (a source without matching relationship has an empty list; it still advances the page).
#: Parameters: ``after``, ``limit``, ``type`` (a type or null). One record per page instead of one
#: per relationship: the driver's cost is per record, and a full read has ~230,000 of them.
EDGES_PAGE = (f"MATCH (s:{NODE_LABEL}) WHERE s.id > $after WITH s ORDER BY s.id LIMIT $limit "
              f"WITH s, COLLECT {{ MATCH (s)-[r]->(t:{NODE_LABEL}) WHERE $type IS NULL OR type(r) = $type "
              "RETURN [type(r), t.id, properties(r)] } AS out "
              "RETURN collect([s.id, out]) AS page")

#: Number of store nodes. Parameters: none. Row: ``count``.
COUNT_NODES = f"MATCH (n:{NODE_LABEL}) RETURN count(n) AS count"


def count_nodes_of(kind: str, onto: Ontology | None = None) -> str:
    """Number of nodes of one kind (from the count store). Parameters: none. Row: ``count``."""
    return f"MATCH (n:{label(kind, onto)}) RETURN count(n) AS count"


#: Number of relationships leaving store nodes. Parameters: none. Row: ``count``.
COUNT_EDGES = f"MATCH (:{NODE_LABEL})-[r]->() RETURN count(r) AS count"


def count_edges_of(type_: str, onto: Ontology | None = None) -> str:
    """Number of relationships of one type leaving store nodes. Parameters: none. Row: ``count``."""
    return f"MATCH (:{NODE_LABEL})-[r:{rel_type(type_, onto)}]->() RETURN count(r) AS count"


#: The fields text search compares, for a page of nodes in id order after ``after`` (use "" for
#: the first page), only of label ``kind`` and with property ``layer`` equal to ``layer`` when
#: those are not null. Parameters: ``after``, ``limit``, ``kind``, ``layer``. Rows: ``id``,
#: ``code``, ``name`` (null when the node has none).
SEARCH_TEXT_PAGE = (f"MATCH (n:{NODE_LABEL}) WHERE n.id > $after AND ($kind IS NULL OR $kind IN labels(n)) "
                    "AND ($layer IS NULL OR n.layer = $layer) "
                    "RETURN n.id AS id, n.code AS code, n.name AS name ORDER BY n.id LIMIT $limit")

#: Nodes whose code equals ``code``, in id order. Parameters: ``code``. Rows: ``props``.
FIND_BY_CODE = f"MATCH (n:{NODE_LABEL} {{code: $code}}) RETURN properties(n) AS props ORDER BY n.id"


#: The nodes with the given ids (missing ids give no row). Parameters: ``ids`` (list of ids).
#: Rows: ``props``.
GET_NODES = f"MATCH (n:{NODE_LABEL}) WHERE n.id IN $ids RETURN properties(n) AS props"

#: A breadth-first traversal in one statement (``GraphStore.traverse``). Parameters: ``seeds``
#: (list of ids; unknown ids are left out), ``out_types`` / ``in_types`` (lists of relationship
#: types walked from the node at hand along / against their direction; a "both" step is in
#: both lists), ``max_depth`` (an integer ≥ 1, or null for no limit). Rows, one per node
#: reached: ``node`` (its props), ``depth`` (fewest hops from a seed), ``edges`` (for a node
#: reached at fewer than ``max_depth`` hops, every relationship at it matching a step, as maps
#: ``{source, type, target, props}``; else an empty list; an edge between two such nodes comes
#: in the lists of both).
#:
#: How: ``reduce`` runs one level per iteration over ``st = {seen, frontier, levels}``; a
#: ``COLLECT`` subquery expands the frontier by one hop and keeps the DISTINCT nodes not yet
#: seen, so each node is expanded once, at its first (shallowest) level — no path is enumerated,
#: which keeps DAGs with many paths and cycles linear in the nodes and relationships reached.
#: Once the frontier is empty the remaining iterations return ``st`` unchanged. Without a depth
#: limit the iterations stop at the number of store nodes (from the count store), which no
#: breadth-first depth can exceed. The relationship types are parameters: no type is placed
#: into the text.
TRAVERSE = (
    f"MATCH (s:{NODE_LABEL}) WHERE s.id IN $seeds "
    "WITH collect(s) AS seeds "
    f"CALL () {{ MATCH (n:{NODE_LABEL}) RETURN count(n) AS total }} "
    "WITH reduce(st = {seen: seeds, frontier: seeds, levels: [seeds]}, "
    "i IN range(1, coalesce($max_depth, total)) | "
    "CASE WHEN size(st.frontier) = 0 THEN st ELSE "
    "[found IN [COLLECT { UNWIND st.frontier AS a "
    f"MATCH (a)-[r]-(b:{NODE_LABEL}) "
    "WHERE ((startNode(r) = a AND type(r) IN $out_types) OR (endNode(r) = a AND type(r) IN $in_types)) "
    "AND NOT b IN st.seen RETURN DISTINCT b }] | "
    "{seen: st.seen + found, frontier: found, levels: st.levels + [found]}][0] END) AS st "
    "UNWIND range(0, size(st.levels) - 1) AS depth "
    "UNWIND st.levels[depth] AS m "
    "RETURN properties(m) AS node, depth, "
    "CASE WHEN $max_depth IS NULL OR depth < $max_depth THEN "
    f"[(m)-[r]-(:{NODE_LABEL}) "
    "WHERE (startNode(r) = m AND type(r) IN $out_types) OR (endNode(r) = m AND type(r) IN $in_types) "
    "| {source: startNode(r).id, type: type(r), target: endNode(r).id, props: properties(r)}] "
    "ELSE [] END AS edges"
)

#: Relationships from ``sources`` to any of ``ids``, optionally of the given types: with
#: ``sources`` running over ``ids`` in chunks, the induced subgraph on ``ids``. Parameters:
#: ``sources``, ``ids`` (lists of ids), ``types`` (list or null). Rows: source, type, target, props.
SUBGRAPH_EDGES = (f"UNWIND $sources AS id MATCH (a:{NODE_LABEL} {{id: id}})-[r]->(b:{NODE_LABEL}) "
                  "WHERE b.id IN $ids AND ($types IS NULL OR type(r) IN $types) "
                  "RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props")


# -- enumeration for the lint ------------------------------------------------------------------------
_CONSTANTS = ("SHOW_INDEX_NAMES", "DELETE_NODE", "DELETE_EDGE", "CLEAR_EDGES_BATCH", "CLEAR_NODES_BATCH", "GET_NODE",
              "EXISTING_IDS", "LOCK_NODE", "GET_EDGE", "NEIGHBORS_OUT", "NEIGHBORS_IN", "NODES_PAGE", "EDGES_PAGE",
              "COUNT_NODES", "COUNT_EDGES", "FIND_BY_CODE", "SUBGRAPH_EDGES", "GET_NODES", "TRAVERSE",
              "SEARCH_TEXT_PAGE")


def all_statements(onto: Ontology | None = None) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every statement the store can send, as ``(name, cypher, parameter names)``: the constants,
    then every builder expanded over every allowed label and relationship type.
    Names look like ``GET_NODE``, ``merge_nodes[Target]``, ``count_edges_of[led_by]``."""
    onto = onto or get_ontology()
    out: list[tuple[str, str]] = [(name, globals()[name]) for name in _CONSTANTS]
    out += [(f"journal_schema[{name}]", statement) for name, statement in journal_schema()]
    out += list(journal_statements().items())
    for name in [NODE_LABEL, *sorted(allowed_labels(onto))]:
        out.append((f"node_id_constraint[{name}]", node_id_constraint(name, onto)))
        for prop in ("code", "name"):
            out.append((f"node_property_index[{name},{prop}]", node_property_index(name, prop, onto)))
    for kind in sorted(allowed_labels(onto)):
        out.append((f"merge_nodes[{kind}]", merge_nodes(kind, onto)))
        out.append((f"create_nodes[{kind}]", create_nodes(kind, onto)))
        out.append((f"nodes_page_of[{kind}]", nodes_page_of(kind, onto)))
        out.append((f"count_nodes_of[{kind}]", count_nodes_of(kind, onto)))
    for t in sorted(allowed_types(onto)):
        out.append((f"merge_edges[{t}]", merge_edges(t, onto)))
        out.append((f"create_edges[{t}]", create_edges(t, onto)))
        out.append((f"count_edges_of[{t}]", count_edges_of(t, onto)))
    return [(name, cypher, params_of(cypher)) for name, cypher in out]


#: Keys of the UNWIND row maps (``row.source`` …): the lint cannot tell a map from a node, so
#: they are declared as property keys.
ROW_KEYS = ("id", "props", "source", "target")


def lint_schema(onto: Ontology | None = None, extra_properties: Iterable[str] = ()) -> dict:
    """The database schema declared to the Cypher lint: labels, relationship types and property
    keys from the ontology, plus the store's own keys and ROW_KEYS."""
    onto = onto or get_ontology()
    from graph.stores.neo4j_journal import LABELS, PROPERTY_KEYS

    props = {"id", "code", "name", PROPS_KEY, "_iqa_lock", *ROW_KEYS, *onto.properties, *extra_properties,
             *PROPERTY_KEYS}
    return {
        "labels": sorted({NODE_LABEL, *allowed_labels(onto), *LABELS}),
        "relationshipTypes": sorted(allowed_types(onto)),
        "propertyKeys": sorted(props),
    }


def journal_schema() -> list[tuple[str, str]]:
    """The schema of the store's journal (``graph/stores/neo4j_journal.py``): ``(name, statement)``."""
    from graph.stores.neo4j_journal import SCHEMA

    return list(SCHEMA)


def journal_statements() -> dict[str, str]:
    """The journal's statements by name (``JOURNAL_…``)."""
    from graph.stores.neo4j_journal import STATEMENTS

    return dict(STATEMENTS)
