"""The iqa-graph ontology (``iqa.ttl``) and the loader that exposes its kinds, edge types and vocabularies."""

from ontology.loader import Concept, EdgeType, Kind, Ontology, get_ontology

__all__ = ["Concept", "EdgeType", "Kind", "Ontology", "get_ontology"]
