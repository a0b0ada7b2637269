"""Read ``iqa.ttl`` with rdflib and expose what the rest of the code needs from it.

The ontology is the single source of truth: node kinds, edge types with their allowed source and
target kinds, controlled vocabularies (layers, systems, task statuses, …) and the zh/en labels
users see are all read from the Turtle file here and nowhere else.

Start-up: parsing the Turtle file (and importing rdflib) costs every process about 0.3 s of CPU,
more than a point question itself. ``iqa.compiled.json`` holds what :func:`load_ontology` reads
from the file, stamped with the file's SHA-256; :func:`get_ontology` takes it while the stamp
matches ``iqa.ttl`` and parses the Turtle otherwise, so an edited ontology is never shadowed by a
stale copy. Regenerate it with ``python -m ontology.compile`` (a test fails when it is stale). The
rdflib graph itself (``Ontology.graph``: RDF export, SHACL shapes) is parsed on first use.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

TTL_PATH = Path(__file__).with_name("iqa.ttl")
#: What :func:`load_ontology` reads from ``TTL_PATH``, as JSON (module docstring).
COMPILED_PATH = Path(__file__).with_name("iqa.compiled.json")
IQA_IRI = "https://w3id.org/iqa-graph/ontology#"
DATA_IRI = "https://w3id.org/iqa-graph/id/"


def __getattr__(name: str) -> Any:
    """``IQA`` (the ontology's namespace) and ``DATA_NS`` (exported node IRIs:
    ``<DATA_NS><Kind>/<url-quoted code>``) as rdflib namespaces, made when first imported so that
    reading the ontology does not import rdflib."""
    if name in ("IQA", "DATA_NS"):
        from rdflib import Namespace

        return Namespace(IQA_IRI if name == "IQA" else DATA_IRI)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    source: Path = field(repr=False, compare=False)
    concept_properties: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)

    @cached_property
    def graph(self) -> Graph:
        """The ontology as an rdflib graph, parsed from ``source`` on first use."""
        from rdflib import Graph

        g = Graph()
        g.parse(self.source, format="turtle")
        return g

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
    from rdflib import Literal, RDFS

    zh = en = ""
    for lit in g.objects(term, RDFS.label):
        if isinstance(lit, Literal):
            if lit.language == "zh":
                zh = str(lit)
            elif lit.language == "en":
                en = str(lit)
    return Labels(zh=zh, en=en)


def _local(term: URIRef) -> str:
    return str(term).removeprefix(IQA_IRI)


def _classes(g: Graph, node) -> frozenset[str]:
    """A class or an ``owl:unionOf`` list of classes, as local names."""
    from rdflib import OWL, URIRef
    from rdflib.collection import Collection

    if isinstance(node, URIRef):
        return frozenset({_local(node)})
    union = g.value(node, OWL.unionOf)
    return frozenset(_local(m) for m in Collection(g, union)) if union is not None else frozenset()


def _comment(g: Graph, term: URIRef) -> str:
    from rdflib import RDFS

    c = g.value(term, RDFS.comment)
    return str(c) if c is not None else ""


def load_ontology(path: Path = TTL_PATH) -> Ontology:
    """Parse the Turtle file at ``path``; raises rdflib's parser errors on a malformed file."""
    from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
    from rdflib.namespace import SKOS

    IQA = Namespace(IQA_IRI)
    g = Graph()
    g.parse(path, format="turtle")
    kinds = {
        _local(c): Kind(_local(c), _labels(g, c), _comment(g, c))
        for c in g.subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and str(c).startswith(IQA_IRI)
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
    onto = Ontology(kinds, edge_types, properties, schemes, path, concept_properties)
    onto.__dict__["graph"] = g  # parsed already: the cached property's value
    return onto


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _labels_json(labels: Labels) -> list[str]:
    return [labels.zh, labels.en]


def compiled(onto: Ontology, ttl_sha256: str) -> dict[str, Any]:
    """What ``onto`` holds besides its rdflib graph, as JSON-ready data stamped ``ttl_sha256``
    (the contents of ``iqa.compiled.json``; lists sorted, so the text is stable)."""
    return {
        "ttl_sha256": ttl_sha256,
        "kinds": {k.name: [*_labels_json(k.labels), k.comment] for k in onto.kinds.values()},
        "edge_types": {e.name: [*_labels_json(e.labels), sorted(e.domain), sorted(e.range), e.comment]
                       for e in onto.edge_types.values()},
        "properties": {name: _labels_json(lab) for name, lab in onto.properties.items()},
        "schemes": {name: [[c.notation, *_labels_json(c.labels), c.rank, c.colour, c.iri] for c in concepts]
                    for name, concepts in onto.schemes.items()},
        "concept_properties": {name: [scheme, sorted(domain)] for name, (scheme, domain) in onto.concept_properties.items()},
    }


def from_compiled(data: dict[str, Any], source: Path = TTL_PATH) -> Ontology:
    """The :class:`Ontology` of :func:`compiled` data (its graph parsed from ``source`` when asked for)."""
    return Ontology(
        kinds={name: Kind(name, Labels(zh, en), comment) for name, (zh, en, comment) in data["kinds"].items()},
        edge_types={name: EdgeType(name, Labels(zh, en), frozenset(dom), frozenset(rng), comment)
                    for name, (zh, en, dom, rng, comment) in data["edge_types"].items()},
        properties={name: Labels(zh, en) for name, (zh, en) in data["properties"].items()},
        schemes={name: [Concept(notation, Labels(zh, en), rank, colour, iri)
                        for notation, zh, en, rank, colour, iri in concepts]
                 for name, concepts in data["schemes"].items()},
        source=source,
        concept_properties={name: (scheme, frozenset(dom)) for name, (scheme, dom) in data["concept_properties"].items()},
    )


@lru_cache(maxsize=1)
def get_ontology() -> Ontology:
    """The project ontology, read once per process: from ``iqa.compiled.json`` while it matches
    ``iqa.ttl`` (module docstring), else parsed from the Turtle file."""
    try:
        data = json.loads(COMPILED_PATH.read_text(encoding="utf-8"))
        if data.get("ttl_sha256") == _sha256(TTL_PATH):
            return from_compiled(data)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no copy, or an unreadable one: the Turtle file is the source
    return load_ontology()


def compiled_text(path: Path = TTL_PATH) -> str:
    """The text ``iqa.compiled.json`` should hold for the Turtle file at ``path``."""
    return json.dumps(compiled(load_ontology(path), _sha256(path)), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
