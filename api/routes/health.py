"""``GET /health``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ReadsDep
from api.routes._common import json
from api.schemas import Health
from graph.version import VERSION

router = APIRouter(tags=["health"])


@router.get("/health", summary="Is the service up", response_model=Health)
async def health(reads: ReadsDep) -> JSONResponse:
    """`{"status": "ok", "version", "backend", "nodes"}`: the service answers and the store is
    readable; ``backend`` names the store ("embedded" or "neo4j"). Needs no token (it tells nothing
    about people or responsibilities)."""
    nodes = await reads(lambda store: store.count_nodes())
    return json({"status": "ok", "version": VERSION, "backend": reads.store.backend, "nodes": nodes})
