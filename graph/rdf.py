"""Export the graph to RDF (Turtle, JSON-LD, N-Triples) in the ontology's namespace, and read it back.

Mapping (export → import gives the same graph):
- a node is ``<https://w3id.org/iqa-graph/id/{Kind}/{quoted code}>`` with ``rdf:type iqa:{Kind}``
  and ``iqa:code``;
- a property ``p`` is ``iqa:{quoted p}``, written as ``ontology.properties.export_props`` says
  (the same in every export): a text value of a mixed property goes to its text property
  (a 目标值 ``优秀`` is ``iqa:target_text``), numbers of number properties are ``xsd:double``;
  controlled values (layer, status, …) are the SKOS concepts of the ontology, ISO dates of date
  properties ``xsd:date``, other scalars typed literals (string, double, integer, boolean), lists
  and nulls ``rdf:JSON`` literals. Every property the system writes is declared in the ontology
  and the export conforms to ``ontology/shapes.ttl`` (SHACL);
- JSON-LD writes every number and boolean as a typed value object (``{"@value": "4.0", "@type":
  "xsd:double"}``), so any JSON-LD 1.1 processor reads the same literals as the Turtle;
- an edge is the triple ``source iqa:{type} target``; an edge with properties is also described by
  an ``rdf:Statement`` carrying them.
"""

from __future__ import annotations

import json
import os
import re
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import quote, unquote

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from graph.errors import IngestError, Problem
from graph.model import Edge, Node, controlled_scheme
from graph.values import code_problem, name_problem, value_problem
from graph.store import GraphStore
from ontology import get_ontology
from ontology.loader import DATA_NS, IQA
from ontology.properties import export_edge_props, export_props, import_props, property_spec

FORMATS = {"ttl": "turtle", "turtle": "turtle", "jsonld": "json-ld", "json-ld": "json-ld", "nt": "nt", "xml": "xml"}
SUFFIX_FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".json-ld": "json-ld", ".nt": "nt", ".rdf": "xml"}


def node_iri(node_id: str) -> URIRef:
    """IRI of a node id ``Kind:code``."""
    kind, _, code = node_id.partition(":")
    return URIRef(f"{DATA_NS}{kind}/{quote(code, safe='')}")


def iri_node_id(iri: URIRef) -> str | None:
    """Node id of an IRI made by :func:`node_iri`, else None."""
    text = str(iri)
    if not text.startswith(str(DATA_NS)):
        return None
    kind, _, code = text[len(str(DATA_NS)):].partition("/")
    return f"{kind}:{unquote(code)}" if code else None


def _concepts_by_iri() -> dict[str, str]:
    return {c.iri: c.notation for concepts in get_ontology().schemes.values() for c in concepts}


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _value_term(node: Node, key: str, value):
    scheme = controlled_scheme(node.kind, key)
    if scheme and isinstance(value, str):
        concept = get_ontology().concept(scheme, value)
        if concept is not None and concept.notation == value:
            return URIRef(concept.iri)
    if (isinstance(value, str) and property_spec(node.kind, key).value == "date" and _ISO_DATE.match(value)):
        return Literal(value, datatype=XSD.date)
    return _literal(value)


def _literal(value) -> Literal:
    if value is None or isinstance(value, list):
        return Literal(json.dumps(value, ensure_ascii=False), datatype=RDF.JSON)
    return Literal(value)


def to_rdf_graph(store: GraphStore) -> Graph:
    """The whole store as an rdflib Graph (prefixes ``iqa`` and ``id`` bound)."""
    g = Graph()
    g.bind("iqa", IQA)
    g.bind("id", DATA_NS)
    g.bind("skos", SKOS)
    for node in store.iter_nodes():
        s = node_iri(node.id)
        g.add((s, RDF.type, IQA[node.kind]))
        g.add((s, IQA.code, Literal(node.code)))
        for key, value in export_props(node.kind, node.props).items():
            g.add((s, IQA[quote(key, safe="")], _value_term(node, key, value)))
    for edge in store.iter_edges():
        s, p, o = node_iri(edge.source), IQA[edge.type], node_iri(edge.target)
        g.add((s, p, o))
        if edge.props:
            st = URIRef(f"{DATA_NS}edge/{quote(edge.source, safe='')}/{edge.type}/{quote(edge.target, safe='')}")
            g.add((st, RDF.type, RDF.Statement))
            g.add((st, RDF.subject, s))
            g.add((st, RDF.predicate, p))
            g.add((st, RDF.object, o))
            for key, value in export_edge_props(edge.props).items():
                g.add((st, IQA[quote(key, safe="")], _literal(value)))
    return g


def export_rdf(store: GraphStore, fmt: str = "ttl") -> str:
    """Serialise the store as ``ttl``, ``jsonld``, ``nt`` or ``xml``; raises ValueError on another format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; use one of {', '.join(sorted(FORMATS))}")
    g = to_rdf_graph(store)
    if FORMATS[fmt] == "json-ld":
        return typed_jsonld(g)
    return g.serialize(format=FORMATS[fmt])


#: JSON-LD context of the export (prefixes only: every literal carries its own type).
JSONLD_CONTEXT = {"iqa": str(IQA), "id": str(DATA_NS), "xsd": str(XSD)}


def typed_jsonld(g: Graph) -> str:
    """``g`` as compact JSON-LD with :data:`JSONLD_CONTEXT` where no literal is a bare JSON number or
    boolean: rdflib writes ``4.0`` for ``"4.0"^^xsd:double``, which a JSON-LD 1.1 processor reads
    as ``xsd:integer 4``; here it is ``{"@value": "4.0", "@type": "xsd:double"}``."""
    doc = json.loads(g.serialize(format="json-ld", context=JSONLD_CONTEXT))

    def typed(value):
        if isinstance(value, bool):
            return {"@value": "true" if value else "false", "@type": "xsd:boolean"}
        if isinstance(value, int):
            return {"@value": str(value), "@type": "xsd:integer"}
        if isinstance(value, float):
            return {"@value": str(Literal(value)), "@type": "xsd:double"}
        return value

    def walk(obj):
        if isinstance(obj, (bool, int, float)):
            return typed(obj)
        if isinstance(obj, list):
            return [walk(v) for v in obj]
        if isinstance(obj, dict):
            if "@value" in obj:  # already a value object: make its value a string of its type
                v = obj["@value"]
                return {**obj, "@value": typed(v)["@value"]} if isinstance(v, (bool, int, float)) else obj
            return {k: (v if k == "@context" else walk(v)) for k, v in obj.items()}
        return obj

    return json.dumps(walk(doc), ensure_ascii=False, indent=1)


def _python_value(term, concepts: dict[str, str]):
    if isinstance(term, URIRef):
        return concepts.get(str(term), str(term))
    if isinstance(term, Literal):
        if term.datatype == RDF.JSON:
            return json.loads(str(term))
        value = term.toPython()
        return value if isinstance(value, (str, int, float, bool)) else str(term)
    return str(term)


def from_rdf_graph(g: Graph, source: str = "<rdf>") -> tuple[list[Node], list[Edge]]:
    """Nodes and edges described in ``g`` (the mapping of this module). Triples about other
    subjects are ignored; a typed subject outside the id namespace or of an unknown kind is a
    located IngestError."""
    onto = get_ontology()
    concepts = _concepts_by_iri()
    iqa = str(IQA)
    nodes: dict[str, Node] = {}
    problems: list[Problem] = []
    for s, _, cls in g.triples((None, RDF.type, None)):
        if cls == RDF.Statement or not str(cls).startswith(iqa):
            continue
        nid = iri_node_id(s)
        kind = str(cls)[len(iqa):]
        if nid is None or kind not in onto.kinds or not nid.startswith(kind + ":"):
            problems.append(Problem(f"{source} <{s}>", f"not an iqa-graph node of a known kind ({kind})"))
            continue
        if (why := code_problem(nid.split(":", 1)[1])) is not None:
            problems.append(Problem(f"{source} <{s}>", why))
            continue
        nodes[nid] = Node(kind, nid.split(":", 1)[1], {})
    edges: dict[tuple[str, str, str], Edge] = {}
    for s, p, o in g:
        if not str(p).startswith(iqa):
            continue
        local = unquote(str(p)[len(iqa):])
        nid = iri_node_id(s) if isinstance(s, URIRef) else None
        if nid in nodes:
            if local in onto.edge_types:
                tid = iri_node_id(o)
                if tid is None:
                    problems.append(Problem(f"{source} <{s}> iqa:{local}", f"target <{o}> is not a node IRI"))
                else:
                    edges[(nid, local, tid)] = Edge(nid, local, tid, {})
            elif local != "code":
                value = _python_value(o, concepts)
                why = value_problem(value) or (name_problem(value) if local == "name" else None)
                if why is not None:
                    problems.append(Problem(f"{source} <{s}> iqa:{local}", why))
                else:
                    nodes[nid].props[local] = value
    for node in nodes.values():
        node.props = import_props(node.kind, node.props)
    for st in g.subjects(RDF.type, RDF.Statement):
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        key = (iri_node_id(s), str(p)[len(iqa):], iri_node_id(o))
        if key in edges:
            for pp, value in g.predicate_objects(st):
                if str(pp).startswith(iqa):
                    local = unquote(str(pp)[len(iqa):])
                    value = _python_value(value, concepts)
                    if (why := value_problem(value)) is not None:
                        problems.append(Problem(f"{source} <{st}> iqa:{local}", why))
                    else:
                        edges[key].props[local] = value
    if problems:
        raise IngestError(problems)
    return list(nodes.values()), list(edges.values())


# -- reading RDF that may come from anyone -------------------------------------------------------
# rdflib follows a JSON-LD @context or an owl:imports-like reference by opening URLs and files, and
# expands XML entities. An uploaded file must not make the server reach out or read its files, so
# while a file is parsed an audit hook refuses every URL request and every open() but the file's
# own (rdflib's documented defence), and RDF/XML with a DOCTYPE (entity expansion) is refused.
_PARSING: ContextVar[str | None] = ContextVar("iqa_rdf_parsing", default=None)
_hook_installed = False


class RemoteAccessRefused(PermissionError):
    """Raised inside the parser when RDF input tries to open a URL or another file."""


def _audit(event: str, args: tuple) -> None:
    allowed = _PARSING.get()
    if allowed is None:
        return
    if event in ("urllib.Request", "socket.connect", "socket.getaddrinfo"):
        raise RemoteAccessRefused(f"RDF input may not reach the network ({args[0] if args else event})")
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        target = os.path.realpath(os.fsdecode(args[0]))
        if target != allowed and not target.startswith(_PYTHON_PREFIXES):
            raise RemoteAccessRefused(f"RDF input may not read other files ({os.fsdecode(args[0])})")


#: Python's own files (lazy imports inside rdflib's parsers open them).
_PYTHON_PREFIXES = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                                         os.path.dirname(os.__file__))})


@contextmanager
def _no_outside_access(path: Path):
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    token = _PARSING.set(os.path.realpath(path))
    try:
        yield
    finally:
        _PARSING.reset(token)


def read_rdf(path: str | Path) -> tuple[list[Node], list[Edge]]:
    """Parse an RDF file (format from its suffix: .ttl .jsonld .nt .rdf) into nodes and edges;
    a file rdflib cannot parse is an IngestError naming the file. The parse opens no URL and no other
    file (a remote or ``file:`` JSON-LD context is refused), and RDF/XML with a DOCTYPE is refused."""
    path = Path(path)
    fmt = SUFFIX_FORMATS.get(path.suffix.lower(), "turtle")
    if fmt == "xml":
        with open(path, "rb") as f:
            if b"<!DOCTYPE" in f.read().upper():
                raise IngestError([Problem(str(path), "RDF/XML with a DOCTYPE is refused (entity declarations "
                                                      "could expand without bound)")])
    g = Graph()
    try:
        with _no_outside_access(path):
            g.parse(path, format=fmt)
    except RemoteAccessRefused as exc:
        raise IngestError([Problem(str(path), f"refused: {exc}")]) from None
    except Exception as exc:  # rdflib raises many parser-specific types
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, RemoteAccessRefused):
            raise IngestError([Problem(str(path), f"refused: {cause}")]) from None
        raise IngestError([Problem(str(path), f"cannot parse as {fmt}: {exc}")]) from exc
    return from_rdf_graph(g, source=str(path))
