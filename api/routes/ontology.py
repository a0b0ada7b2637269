"""``GET /ontology``: node kinds, edge types, property labels and vocabularies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ReaderAuth
from api.problems import problem_responses
from api.routes._common import json
from api.schemas import OntologyOut
from ontology import get_ontology

router = APIRouter(tags=["ontology"])


def ontology_dict() -> dict[str, Any]:
    """The ontology as JSON: kinds and edge types (with domain and range) with zh/en labels,
    property labels, and each concept scheme's concepts in rank order."""
    onto = get_ontology()
    return {
        "kinds": [{"name": k.name, "zh": k.labels.zh, "en": k.labels.en, "comment": k.comment}
                  for k in onto.kinds.values()],
        "edge_types": [{"name": e.name, "zh": e.labels.zh, "en": e.labels.en, "comment": e.comment,
                        "domain": sorted(e.domain), "range": sorted(e.range)} for e in onto.edge_types.values()],
        "properties": {name: {"zh": labels.zh, "en": labels.en} for name, labels in onto.properties.items()},
        "schemes": {name: [{"notation": c.notation, "zh": c.labels.zh, "en": c.labels.en, "rank": c.rank,
                            "colour": c.colour} for c in concepts] for name, concepts in onto.schemes.items()},
    }


@router.get("/ontology", summary="Kinds and edge types with labels", response_model=OntologyOut,
            responses=problem_responses(401))
async def ontology(_: ReaderAuth) -> JSONResponse:
    """What the graph may hold, from `ontology/iqa.ttl`: `{"kinds": [{"name", "zh", "en", "comment"}],
    "edge_types": [{"name", "zh", "en", "comment", "domain", "range"}], "properties": {name: {"zh",
    "en"}}, "schemes": {scheme: [{"notation", "zh", "en", "rank", "colour"}]}}` — the values of
    `layer`, `status` and the other controlled properties are the schemes' notations."""
    return json(ontology_dict())
