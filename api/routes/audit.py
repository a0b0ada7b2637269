"""``GET /audit``: the audit trail of writes (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import AdminAuth, EditorDep
from api.problems import problem_responses
from api.routes._common import json
from api.schemas import AuditPage

router = APIRouter(tags=["audit"])


@router.get("/audit", summary="Who changed what, when", response_model=AuditPage,
            responses=problem_responses(401, 403, 422))
def audit(
    editor: EditorDep,
    _: AdminAuth,
    who: Annotated[str | None, Query(max_length=100, description="only writes by this token name")] = None,
    op: Annotated[str | None, Query(max_length=40, description="only this operation: node.put, node.patch, "
                                    "node.delete, edge.put, edge.patch, edge.delete, load; or node / edge for all "
                                    "of a kind")] = None,
    node: Annotated[str | None, Query(max_length=300, description="only writes of this node id or of edges at it")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    """The audit trail, newest first: `{"total", "limit", "offset", "items": [{"at", "who", "op",
    "id", "before", "after"}]}` — every write through the API (`node.*`, `edge.*`, `load`) with the
    token name that made it, the UTC time, and the node or edge before and after. Needs admin."""
    return json(editor.audit.read(limit=limit, offset=offset, who=who, op=op, node=node))
