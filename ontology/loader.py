"""Read ``iqa.ttl`` with rdflib and expose what the rest of the code needs from it.

The ontology is the single source of truth: node kinds, edge types with their allowed source and
target kinds, controlled vocabularies (layers, systems, task statuses, …) and the zh/en labels
users see are all read from the Turtle file here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS

TTL_PATH = Path(__file__).with_name("iqa.ttl")
IQA = Namespace("https://w3id.org/iqa-graph/ontology#")
#: Namespace of exported node IRIs: ``<DATA_NS><Kind>/<url-quoted code>``.
DATA_NS = Namespace("https://w3id.org/iqa-graph/id/")


@dataclass(frozen=True)
class Labels:
    """A term's labels: ``zh`` (shown by default) and ``en``."""

    zh: str
    en: str

    def get(self, lang: str = "zh") -> str:
        """The label in ``lang`` ("zh" or "en"), falling back to the other language."""
        return (self.en or self.zh) if lang == "en" else (self.zh or self.en)


@dataclass(frozen=True)
class Kind:
    """A node kind (an ``owl:Class``)."""

    name: str
    labels: Labels
    comment: str = ""


@dataclass(frozen=True)
class EdgeType:
    """An edge type (an ``owl:ObjectProperty``) with the kinds allowed at each end."""

    name: str
    labels: Labels
    domain: frozenset[str]
    range: frozenset[str]
    comment: str = ""


@dataclass(frozen=True)
class Concept:
    """A member of a SKOS concept scheme, e.g. the layer ``school`` (学校, rank 1)."""

    notation: str
    labels: Labels
    rank: int
    colour: str | None = None
    iri: str = ""


@dataclass
class Ontology:
    """Kinds, edge types, property labels and vocabularies read from ``iqa.ttl``.

    ``schemes`` maps a scheme's local name (``Layers``, ``Systems``, ``TaskStatuses``,
    ``OrgUnitTypes``, ``PlanLevels``, ``DutyScopes``) to its concepts ordered by rank.
    ``properties`` holds the labels of every node property (datatype properties and the
    concept-valued ones); ``concept_properties`` maps a concept-valued property (an
    ``owl:ObjectProperty`` with ``iqa:scheme``, e.g. ``layer``) to ``(scheme, domain kinds)``.
    Concept-valued properties are not edge types.
    """

    kinds: dict[str, Kind]
    edge_types: dict[str, EdgeType]
    properties: dict[str, Labels]
    schemes: dict[str, list[Concept]]
    graph: Graph = field(repr=False)
    concept_properties: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)

    # -- lookups ---------------------------------------------------------------------------
    def concept(self, scheme: str, text: object) -> Concept | None:
        """The concept of ``scheme`` whose notation, zh or en label equals ``text`` (stripped), or None."""
        needle = str(text).strip()
        for c in self.schemes[scheme]:
            if needle in (c.notation, c.labels.zh, c.labels.en):
                return c
        return None

    def rank(self, scheme: str, notation: str) -> int | None:
        """Rank of ``notation`` in ``scheme`` (1 = highest layer), or None if unknown."""
        c = self.concept(scheme, notation)
        return c.rank if c else None

    def label(self, term: str, lang: str = "zh") -> str:
        """The label of a kind, edge type, property or concept notation; the term itself if unknown."""
        if term in self.kinds:
            return self.kinds[term].labels.get(lang)
        if term in self.edge_types:
            return self.edge_types[term].labels.get(lang)
        if term in self.properties:
            return self.properties[term].get(lang)
        for concepts in self.schemes.values():
            for c in concepts:
                if c.notation == term:
                    return c.labels.get(lang)
        return term

    def allows(self, source_kind: str, edge_type: str, target_kind: str) -> bool:
        """True when ``edge_type`` exists and may connect ``source_kind`` to ``target_kind``."""
        et = self.edge_types.get(edge_type)
        return bool(et and source_kind in et.domain and target_kind in et.range)


def _labels(g: Graph, term: URIRef) -> Labels:
    zh = en = ""
    for lit in g.objects(term, RDFS.label):
        if isinstance(lit, Literal):
            if lit.language == "zh":
                zh = str(lit)
            elif lit.language == "en":
                en = str(lit)
    return Labels(zh=zh, en=en)


def _local(term: URIRef) -> str:
    return str(term).removeprefix(str(IQA))


def _classes(g: Graph, node) -> frozenset[str]:
    """A class or an ``owl:unionOf`` list of classes, as local names."""
    if isinstance(node, URIRef):
        return frozenset({_local(node)})
    union = g.value(node, OWL.unionOf)
    return frozenset(_local(m) for m in Collection(g, union)) if union is not None else frozenset()


def _comment(g: Graph, term: URIRef) -> str:
    c = g.value(term, RDFS.comment)
    return str(c) if c is not None else ""


def load_ontology(path: Path = TTL_PATH) -> Ontology:
    """Parse the Turtle file at ``path``; raises rdflib's parser errors on a malformed file."""
    g = Graph()
    g.parse(path, format="turtle")
    kinds = {
        _local(c): Kind(_local(c), _labels(g, c), _comment(g, c))
        for c in g.subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and str(c).startswith(str(IQA))
    }
    edge_types = {}
    concept_properties: dict[str, tuple[str, frozenset[str]]] = {}
    for p in g.subjects(RDF.type, OWL.ObjectProperty):
        scheme = g.value(p, IQA.scheme)
        if scheme is not None:
            concept_properties[_local(p)] = (_local(scheme), _classes(g, g.value(p, RDFS.domain)))
            continue
        domain = _classes(g, g.value(p, RDFS.domain))
        rng = _classes(g, g.value(p, RDFS.range))
        edge_types[_local(p)] = EdgeType(_local(p), _labels(g, p), domain, rng, _comment(g, p))
    properties = {_local(p): _labels(g, p) for p in g.subjects(RDF.type, OWL.DatatypeProperty)}
    properties.update({name: _labels(g, IQA[name]) for name in concept_properties})
    schemes: dict[str, list[Concept]] = {}
    for s in g.subjects(RDF.type, SKOS.ConceptScheme):
        concepts = []
        for c in g.subjects(SKOS.inScheme, s):
            colour = g.value(c, IQA.colour)
            concepts.append(
                Concept(
                    notation=str(g.value(c, SKOS.notation)),
                    labels=_labels(g, c),
                    rank=int(g.value(c, IQA.rank)),
                    colour=str(colour) if colour is not None else None,
                    iri=str(c),
                )
            )
        schemes[_local(s)] = sorted(concepts, key=lambda c: c.rank)
    return Ontology(kinds, edge_types, properties, schemes, g, concept_properties)


@lru_cache(maxsize=1)
def get_ontology() -> Ontology:
    """The project ontology, parsed once per process."""
    return load_ontology()
