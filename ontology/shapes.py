"""SHACL shapes of the RDF export, generated from the ontology (``iqa.ttl``): ``ontology/shapes.ttl``
is this module's output (``python -m ontology.shapes`` rewrites it; a test fails when the file
and the ontology drift apart).

For every node kind ``iqa:K`` a closed ``sh:NodeShape`` ``shapes:K`` targets the class and allows
exactly the properties whose ``rdfs:domain`` contains ``K`` (and ``rdf:type``):

- a datatype property: at most one value, of its ``rdfs:range`` datatype (a union of datatypes
  becomes ``sh:or``); ``code``, ``name`` and the properties ``ontology.properties`` marks required
  (those not split into a number and a text property) at least one value;
- a concept-valued property (``iqa:scheme``): at most one value, an IRI ``sh:in`` the concepts of
  its scheme;
- an edge type: IRIs of the classes of its ``rdfs:range`` (``sh:class``, or ``sh:or`` of them).

``shapes:EdgeStatement`` checks the ``rdf:Statement`` that carries an edge's properties
(``iqa:weight``: one ``xsd:double`` > 0). A property used in the data but not declared in the
ontology (e.g. an extra workbook column kept as a node property) is a violation of the closed shape.

:func:`validate` runs pySHACL (an optional test dependency; ImportError without it).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from ontology.loader import IQA, TTL_PATH, _classes, _local, load_ontology
from ontology.properties import ALWAYS_REQUIRED, PROPERTIES, TEXT_SPLIT

SHAPES_PATH = Path(__file__).with_name("shapes.ttl")
SHAPES = Namespace("https://w3id.org/iqa-graph/shapes#")


def _list(g: Graph, items: list) -> BNode:
    head = BNode()
    Collection(g, head, items)
    return head


def _datatypes(onto: Graph, prop: URIRef) -> list[URIRef]:
    rng = onto.value(prop, RDFS.range)
    if isinstance(rng, URIRef):
        return [rng]
    union = onto.value(rng, OWL.unionOf) if rng is not None else None
    return list(Collection(onto, union)) if union is not None else []


def _required(kind: str) -> set[str]:
    return set(ALWAYS_REQUIRED) | {"code"} | {p for p, spec in PROPERTIES.get(kind, {}).items()
                                              if spec.required and spec.value not in TEXT_SPLIT}


def build_shapes(ttl: Path = TTL_PATH) -> Graph:
    """The shapes graph for the ontology at ``ttl`` (module docstring). Raises rdflib's parser
    errors on a malformed ontology."""
    model = load_ontology(ttl)
    onto = model.graph
    g = Graph()
    g.bind("sh", SH)
    g.bind("iqa", IQA)
    g.bind("shapes", SHAPES)
    g.bind("xsd", XSD)
    g.bind("skos", URIRef("http://www.w3.org/2004/02/skos/core#"))
    datatype_props = sorted((p for p in onto.subjects(RDF.type, OWL.DatatypeProperty)
                             if str(p).startswith(str(IQA))), key=str)
    for kind in sorted(model.kinds):
        shape = SHAPES[kind]
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, IQA[kind]))
        g.add((shape, SH.closed, Literal(True)))
        g.add((shape, SH.ignoredProperties, _list(g, [RDF.type])))
        required = _required(kind)

        def prop_shape(path: URIRef) -> BNode:
            ps = BNode()
            g.add((shape, SH.property, ps))
            g.add((ps, SH.path, path))
            return ps

        for p in datatype_props:
            if kind not in _classes(onto, onto.value(p, RDFS.domain)):
                continue
            ps = prop_shape(p)
            g.add((ps, SH.maxCount, Literal(1)))
            if _local(p) in required:
                g.add((ps, SH.minCount, Literal(1)))
            types = _datatypes(onto, p)
            if len(types) == 1:
                g.add((ps, SH.datatype, types[0]))
            elif types:
                alternatives = []
                for t in types:
                    alt = BNode()
                    g.add((alt, SH.datatype, t))
                    alternatives.append(alt)
                g.add((ps, SH["or"], _list(g, alternatives)))
        for name, (scheme, domain) in sorted(model.concept_properties.items()):
            if kind not in domain:
                continue
            ps = prop_shape(IQA[name])
            g.add((ps, SH.maxCount, Literal(1)))
            if name in required:
                g.add((ps, SH.minCount, Literal(1)))
            g.add((ps, SH.nodeKind, SH.IRI))
            g.add((ps, SH["in"], _list(g, [URIRef(c.iri) for c in model.schemes[scheme]])))
        for name, et in sorted(model.edge_types.items()):
            if kind not in et.domain:
                continue
            ps = prop_shape(IQA[name])
            g.add((ps, SH.nodeKind, SH.IRI))
            targets = sorted(et.range)
            if len(targets) == 1:
                g.add((ps, SH["class"], IQA[targets[0]]))
            else:
                alternatives = []
                for t in targets:
                    alt = BNode()
                    g.add((alt, SH["class"], IQA[t]))
                    alternatives.append(alt)
                g.add((ps, SH["or"], _list(g, alternatives)))
    st = SHAPES.EdgeStatement
    g.add((st, RDF.type, SH.NodeShape))
    g.add((st, SH.targetClass, RDF.Statement))
    for p in datatype_props:
        if RDF.Statement in set(onto.objects(p, RDFS.domain)):
            ps = BNode()
            g.add((st, SH.property, ps))
            g.add((ps, SH.path, p))
            g.add((ps, SH.maxCount, Literal(1)))
            for t in _datatypes(onto, p):
                g.add((ps, SH.datatype, t))
            if _local(p) == "weight":
                g.add((ps, SH.minExclusive, Literal(0)))
    return g


def write_shapes(path: Path = SHAPES_PATH) -> int:
    """Write :func:`build_shapes` as Turtle to ``path``; returns the number of triples."""
    g = build_shapes()
    header = ("# SHACL shapes of the iqa-graph RDF export. GENERATED from ontology/iqa.ttl by\n"
              "# `python -m ontology.shapes`: do not edit by hand (a test compares the two).\n")
    path.write_text(header + g.serialize(format="turtle"), encoding="utf-8")
    return len(g)


def load_shapes(path: Path = SHAPES_PATH) -> Graph:
    """The shipped shapes graph."""
    return Graph().parse(path, format="turtle")


def validate(data: Graph, shapes: Graph | None = None) -> tuple[bool, int, str]:
    """Validate ``data`` (an exported graph) against the shapes (default: the shipped ones) with
    pySHACL, without inference. Returns ``(conforms, number of violations, report text)``."""
    from pyshacl import validate as shacl_validate  # optional: the test extra installs it

    shapes = shapes if shapes is not None else load_shapes()
    conforms, report, text = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=False)
    violations = sum(1 for _ in report.subjects(RDF.type, SH.ValidationResult))
    return bool(conforms), violations, text


if __name__ == "__main__":
    print(f"{SHAPES_PATH.name}: {write_shapes()} triples")
