"""Edges: create or replace, change properties, delete. An edge is named by the query
``source``, ``type``, ``target`` (node ids may hold characters a path cannot)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response
from fastapi.responses import JSONResponse

from api.deps import EditorAuth, EditorDep
from api.problems import problem_responses
from api.routes._common import EdgeTypeName, json
from api.schemas import EdgeOut, EdgeWrite, PropsPatch

router = APIRouter(tags=["edges"])

Source = Annotated[str, Query(min_length=1, max_length=300, description="the source node id `Kind:code`",
                              openapi_examples={"target": {"value": "Target:MB-D-GZC"}})]
Type = Annotated[EdgeTypeName, Query(description="the edge type (see GET /ontology)",
                                     openapi_examples={"implemented_by": {"value": "implemented_by"}})]
Target = Annotated[str, Query(min_length=1, max_length=300, description="the target node id `Kind:code`",
                              openapi_examples={"task": {"value": "Task:RW-0135"}})]


@router.put("/edges", summary="Create or replace an edge", response_model=EdgeOut,
            responses={201: {"description": "created", "model": EdgeOut},
                       **problem_responses(401, 403, 404, 413, 422)})
def put_edge(source: Source, type: Type, target: Target, editor: EditorDep, who: EditorAuth,
             body: Annotated[EdgeWrite | None, Body(openapi_examples={
                 "no properties": {"value": {"props": {}}},
                 "with a note": {"value": {"props": {"note": "2025年调整"}}}})] = None) -> JSONResponse:
    """Create the edge `source -type-> target` (201) or replace its properties (200). The ontology
    must allow the edge between the two kinds (422 naming `source`, `target` or `type`); a chain edge
    (`decomposes_to`, `implemented_by`, `includes`) that would close a cycle is refused (422,
    `target`). 404 with `suggestions` for a missing endpoint. Needs editor."""
    edge, created = editor.put_edge(source, type, target, body.props if body else {}, who=who.name)
    return json(edge.to_dict(), 201 if created else 200)


@router.patch("/edges", summary="Change some properties of an edge", response_model=EdgeOut,
              responses=problem_responses(401, 403, 404, 413, 422))
def patch_edge(source: Source, type: Type, target: Target, body: PropsPatch, editor: EditorDep,
               who: EditorAuth) -> JSONResponse:
    """Merge `props` into the edge's properties (a null removes one). 404 when there is no such
    edge. Needs editor."""
    return json(editor.patch_edge(source, type, target, body.props, who=who.name).to_dict())


@router.delete("/edges", summary="Delete an edge", status_code=204, response_class=Response,
               responses=problem_responses(401, 403, 404, 422))
def delete_edge(source: Source, type: Type, target: Target, editor: EditorDep, who: EditorAuth) -> Response:
    """Delete the edge `source -type-> target`; 204, or 404 when there is no such edge. Needs editor."""
    editor.delete_edge(source, type, target, who=who.name)
    return Response(status_code=204)
