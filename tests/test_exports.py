"""Exports that other tools read right (issue 15): the ontology declares what is exported and the
RDF export conforms to the shipped SHACL shapes (pySHACL); python-igraph reads the GraphML; a second
JSON-LD processor (pyoxigraph) reads the same typed graph as the Turtle; loading RDF reports what
was loaded."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef

from graph.export import export_graphml
from graph.model import CONTROLLED_PROPERTIES, Edge, Node
from graph.rdf import export_rdf, from_rdf_graph, node_iri, to_rdf_graph
from graph.stores.embedded import EmbeddedStore
from ontology import get_ontology
from ontology.loader import IQA
from ontology.properties import (CONCEPT_TYPES, EXPORT_DATATYPES, PROPERTIES, TEXT_SPLIT, export_props,
                                 import_props, text_key)
from ontology.shapes import SHAPES_PATH, build_shapes, load_shapes, validate

pyshacl = pytest.importorskip("pyshacl")


@pytest.fixture(scope="module")
def demo_store():
    from seed.demo import load_demo

    store = EmbeddedStore(None)
    load_demo(store)
    yield store
    store.close()


def _violations(g: Graph) -> tuple[int, str]:
    _, n, text = validate(g)
    return n, text


# ----------------------------------------------------------------------------- 1. ontology + SHACL
def test_ontology_declares_every_schema_property_with_the_schema_types():
    """ontology/properties.py and iqa.ttl agree: each (kind, property) of the schema is in the
    property's domain, and its range is the datatypes of the value type (a concept-valued one has
    the scheme of its vocabulary)."""
    onto = get_ontology()
    g = onto.graph
    from ontology.shapes import _datatypes
    from ontology.loader import _classes

    for kind, specs in PROPERTIES.items():
        for prop, spec in specs.items():
            if spec.value in CONCEPT_TYPES:
                scheme, domain = onto.concept_properties[prop]
                assert scheme == CONCEPT_TYPES[spec.value] and kind in domain, (kind, prop)
                continue
            p = IQA[prop]
            assert (p, RDF.type, URIRef("http://www.w3.org/2002/07/owl#DatatypeProperty")) in g, prop
            assert kind in _classes(g, g.value(p, URIRef("http://www.w3.org/2000/01/rdf-schema#domain"))), (kind, prop)
            ranges = {str(t).removeprefix(str(XSD)) for t in _datatypes(g, p)}
            assert set(EXPORT_DATATYPES[spec.value]) <= ranges, (kind, prop, ranges)
            if spec.value in TEXT_SPLIT:
                tk = IQA[text_key(prop)]
                assert {str(t) for t in _datatypes(g, tk)} == {str(XSD.string)}, tk
    # the model's controlled properties are the ontology's concept-valued ones
    for prop, (kinds, scheme) in CONTROLLED_PROPERTIES.items():
        o_scheme, o_domain = onto.concept_properties[prop]
        assert o_scheme == scheme and (kinds is None or kinds <= o_domain), prop
    # concept-valued properties are not edge types
    assert not set(onto.concept_properties) & set(onto.edge_types)


def _describe(g: Graph, node):
    """A blank-node-free description of ``node`` (lists as tuples, blank nodes as frozensets)."""
    from rdflib import BNode
    from rdflib.collection import Collection

    if not isinstance(node, BNode):
        return str(node)
    if g.value(node, RDF.first) is not None:
        return tuple(_describe(g, x) for x in Collection(g, node))
    return frozenset((str(p), _describe(g, o)) for p, o in g.predicate_objects(node))


def test_shipped_shapes_are_generated_from_the_ontology():
    from rdflib import URIRef as U

    def signature(g: Graph):
        return {str(s): frozenset((str(p), _describe(g, o)) for p, o in g.predicate_objects(s))
                for s in set(g.subjects()) if isinstance(s, U)}

    shipped, built = signature(load_shapes()), signature(build_shapes())
    assert shipped == built, f"{SHAPES_PATH.name} is stale: run python -m ontology.shapes"
    assert len(built) == len(get_ontology().kinds) + 1


def test_shapes_catch_what_the_ontology_does_not_describe(mem_store):
    mem_store.upsert_nodes([Node("Task", "K1", {"name": "任务", "status": "normal", "deadline": "2025-12-31"})])
    g = to_rdf_graph(mem_store)
    assert _violations(g)[0] == 0
    s = node_iri("Task:K1")
    bad = Graph()
    for t in g:
        bad.add(t)
    bad.add((s, IQA.undeclared, Literal("x")))                # not in the ontology: closed shape
    bad.set((s, IQA.status, Literal("not_started")))           # a string where a concept belongs
    bad.set((s, IQA.deadline, Literal("2025-12-31")))          # a plain string where a date belongs
    n, text = _violations(bad)
    assert n == 4, text  # the status literal breaks two constraints (an IRI, one of the concepts)
    for path in ("iqa:undeclared", "iqa:status", "iqa:deadline"):
        assert f"Result Path: {path}" in text, path


@pytest.mark.slow
def test_demo_export_conforms_and_reads_status_as_a_concept(demo_store):
    g = to_rdf_graph(demo_store)
    n, text = _violations(g)
    assert n == 0, text[:3000]
    # every property used is declared
    onto = get_ontology()
    declared = set(onto.properties) | set(onto.edge_types) | {"code"}
    used = {str(p).removeprefix(str(IQA)) for p in g.predicates() if str(p).startswith(str(IQA))}
    assert used <= declared, used - declared
    assert {"seq_text", "work", "work_standard", "target_text"} <= used
    # numbers of number properties are doubles, dates xsd:date
    for _, _, o in g.triples((None, IQA.target_value, None)):
        assert o.datatype == XSD.double
    assert all(o.datatype == XSD.date for _, _, o in g.triples((None, IQA.deadline, None)))


def test_rectification_import_export_conforms(tmp_path):
    """After a rectification import the tasks' properties are declared and their status is the
    same concept as a task's (a SPARQL query for iqa:not_started finds them)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "diagnosis"))
    from test_diag_rectify import college, export, fill  # noqa: PLC0415

    from graph.services.rectification.tasks import import_rectification

    store = college()
    # the helper builds nodes without a name; every node of a real store has one (the shapes say so)
    store.upsert_nodes([Node(x.kind, x.code, {"name": x.code, **x.props}) for x in store.iter_nodes()
                        if "name" not in x.props])
    filled = fill(export(store, unit="D02"), "机械系", **{"ZG-Task-K-OVERDUE": {
        "整改措施": "补交考核材料", "整改时限": dt.date(2026, 1, 31), "责任人": "张三"}})
    report = import_rectification(store, filled)
    assert report.created == ["RectificationTask:ZG-Task-K-OVERDUE"]
    g = to_rdf_graph(store)
    n, text = _violations(g)
    assert n == 0, text[:3000]
    rt = node_iri("RectificationTask:ZG-Task-K-OVERDUE")
    assert (rt, IQA.status, IQA.not_started) in g
    assert g.value(rt, IQA.diagnosed_on) == Literal("2025-12-31", datatype=XSD.date)
    q = "SELECT ?t WHERE { ?t iqa:status iqa:not_started }"
    found = {str(r.t) for r in g.query(q, initNs={"iqa": IQA})}
    assert str(rt) in found
    # the round trip keeps the task as it was
    nodes, _ = from_rdf_graph(g)
    back = next(x for x in nodes if x.id == "RectificationTask:ZG-Task-K-OVERDUE")
    assert back.props == store.get_node(back.id).props


@pytest.mark.slow
def test_generated_college_conforms():
    """A generated college (small here; the 20,000-student one is run by hand, see docs/exports.md)."""
    from ingest.loader import load_sheets
    from seed.synthetic import generate_college

    store = EmbeddedStore(None)
    load_sheets(store, generate_college(150, 12))
    g = to_rdf_graph(store)
    n, text = _violations(g)
    assert n == 0, text[:3000]
    assert len(g) > 3000


# ----------------------------------------------------------------------------- mixed values, one way
def test_mixed_values_split_the_same_way_and_come_back():
    props = {"name": "t", "target_value": "优秀", "unit": "%"}
    out = export_props("Target", props)
    assert out == {"name": "t", "target_text": "优秀", "unit": "%"}
    assert import_props("Target", out) == props
    assert export_props("Target", {"target_value": 4}) == {"target_value": 4.0}
    assert export_props("Duty", {"seq": "NZ1"}) == {"seq_text": "NZ1"}
    assert export_props("Duty", {"seq": 3}) == {"seq": 3}
    # an indicator keeps its printed cell in its own property
    ind = {"target_value": 0.95, "target_value_text": "≥95%"}
    assert import_props("Indicator", export_props("Indicator", ind)) == ind


def _mixed(store):
    store.upsert_nodes([
        Node("Target", "S1", {"name": "甲", "layer": "school", "target_value": 4, "deadline": "2025-12-31"}),
        Node("Target", "S2", {"name": "乙", "layer": "school", "target_value": "优秀"}),
        Node("Target", "S3", {"name": "丙", "layer": "school", "target_value": 0.9, "备注": 3}),
        Node("Target", "S4", {"name": "丁", "layer": "school", "备注": "文字"}),
        Node("Task", "K1", {"name": "任务", "status": "normal"}),
    ])
    store.upsert_edges([Edge("Target:S1", "implemented_by", "Task:K1", {"weight": 2})])


def test_rdf_round_trip_of_mixed_values(mem_store):
    _mixed(mem_store)
    g = Graph().parse(data=export_rdf(mem_store, "ttl"), format="turtle")
    nodes, edges = from_rdf_graph(g)
    assert {n.id: n.props for n in nodes}["Target:S2"]["target_value"] == "优秀"
    assert (node_iri("Target:S2"), IQA.target_text, Literal("优秀")) in g
    assert (node_iri("Target:S1"), IQA.target_value, Literal(4.0)) in g


# ----------------------------------------------------------------------------- 2. GraphML
def test_graphml_has_one_key_per_attribute_and_igraph_reads_it(mem_store, demo_store, tmp_path):
    igraph = pytest.importorskip("igraph")
    import re

    for store in (demo_store, mem_store):
        if store is mem_store:
            _mixed(mem_store)
        text = export_graphml(store)
        keys = re.findall(r'<key id="[^"]+" for="(\w+)" attr.name="([^"]+)" attr.type="(\w+)"', text)
        names = [(f, n) for f, n, _ in keys]
        assert len(names) == len(set(names)), "an attribute declared twice"
        types = {n: t for f, n, t in keys if f == "node"}
        path = tmp_path / "g.graphml"
        path.write_text(text, encoding="utf-8")
        g = igraph.Graph.Read_GraphML(str(path))
        assert g.vcount() == store.count_nodes() and g.ecount() == store.count_edges()
        if store is demo_store:
            assert types["target_value"] == "double" and types["target_text"] == "string"
            assert g.vs.find(id="Target:" + next(n.code for n in store.iter_nodes("Target")
                                                 if isinstance(n.props.get("target_value"), str)))["target_text"]
        else:
            # 4 (an int) and 0.9 both doubles; the extra column mixing 3 and 文字 is text
            v = g.vs.find(id="Target:S1")
            assert v["target_value"] == 4.0 and g.vs.find(id="Target:S2")["target_text"] == "优秀"
            assert types["备注"] == "string" and g.vs.find(id="Target:S3")["备注"] == "3"
            assert types["target_value"] == "double"


# ----------------------------------------------------------------------------- 3. JSON-LD typed
def _canonical(triples) -> set:
    """(s, p, (datatype, value)) with literal values compared by value, not lexical form."""
    out = set()
    for s, p, o in triples:
        if isinstance(o, Literal):
            o = (str(o.datatype or XSD.string), o.toPython() if o.datatype not in (RDF.JSON,) else str(o))
        out.add((str(s), str(p), o if isinstance(o, tuple) else str(o)))
    return out


def _oxigraph_triples(data: str, fmt):
    import pyoxigraph as ox

    out = []
    for q in ox.parse(data.encode("utf-8"), format=fmt):
        o = q.object
        if isinstance(o, ox.Literal):
            o = Literal(o.value, datatype=URIRef(o.datatype.value) if o.datatype else None,
                        lang=o.language)
        else:
            o = URIRef(o.value)
        out.append((URIRef(q.subject.value), URIRef(q.predicate.value), o))
    return out


@pytest.mark.slow
def test_two_jsonld_processors_read_the_same_graph_as_the_turtle(demo_store):
    ox = pytest.importorskip("pyoxigraph")
    ttl, jsonld = export_rdf(demo_store, "ttl"), export_rdf(demo_store, "jsonld")
    doc = json.loads(jsonld)
    # no bare JSON number or boolean anywhere
    def bare(obj):
        if isinstance(obj, (bool, int, float)):
            return True
        if isinstance(obj, list):
            return any(bare(v) for v in obj)
        return isinstance(obj, dict) and any(bare(v) for v in obj.values())
    assert not bare(doc)
    turtle = _canonical(Graph().parse(data=ttl, format="turtle"))
    readings = {
        "rdflib json-ld": _canonical(Graph().parse(data=jsonld, format="json-ld")),
        "oxigraph json-ld": _canonical(_oxigraph_triples(jsonld, ox.RdfFormat.JSON_LD)),
        "oxigraph turtle": _canonical(_oxigraph_triples(ttl, ox.RdfFormat.TURTLE)),
    }
    for name, triples in readings.items():
        assert triples == turtle, (name, len(triples ^ turtle))
    ints = [t for t in readings["oxigraph json-ld"] if isinstance(t[2], tuple) and t[2][0] == str(XSD.integer)]
    assert ints == []


# ----------------------------------------------------------------------------- 4. RDF load report
@pytest.mark.slow
def test_loading_rdf_reports_what_was_loaded(demo_store, tmp_path):
    from ingest.loader import load_paths

    path = tmp_path / "college.ttl"
    path.write_text(export_rdf(demo_store, "ttl"), encoding="utf-8")
    copy = EmbeddedStore(None)
    report = load_paths(copy, [path])
    nodes, edges = copy.count_nodes(), copy.count_edges()
    assert (report.nodes_loaded, report.nodes_written, report.nodes_created) == (nodes, nodes, nodes)
    assert (report.edges_loaded, report.edges_written) == (edges, edges)
    assert nodes == demo_store.count_nodes() and edges > 0
    again = load_paths(copy, [path])
    assert again.nodes_loaded == nodes and again.nodes_created == 0
