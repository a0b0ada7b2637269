"""Nodes: search, read (with ETag), neighbours, and writes (PUT / PATCH / DELETE)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Header, Query, Response
from fastapi.responses import JSONResponse

from api.deps import EditorAuth, EditorDep, ReaderAuth, ReadsDep
from api.problems import MethodNotAllowed, problem_responses
from api.routes._common import ETAG_HEADER, EdgeTypeName, KindName, LayerName, NodeId, NodeRef, UnitQuery, etag, json
from api.schemas import Neighborhood, NodeOut, NodePage, NodeWrite, PropsPatch
from graph.services.resolve import resolve_node
from graph.services.search import MAX_LIMIT, neighborhood, search_nodes

router = APIRouter(tags=["nodes"])

IfMatch = Annotated[str | None, Header(
    alias="If-Match",
    description="the ETag of the version this write is based on (from GET); a stale one → 409. `*`: the node must exist",
)]


@router.get("/nodes", summary="Search nodes", response_model=NodePage,
            responses=problem_responses(401, 404, 409, 422))
async def search(
    reads: ReadsDep,
    _: ReaderAuth,
    q: Annotated[str | None, Query(max_length=200, description="substring of the code or name (Chinese included); of the id too "
                                   "when it holds a colon",
                                   openapi_examples={"Chinese name": {"value": "招生"}, "code": {"value": "ZK-0"}})] = None,
    kind: Annotated[KindName | None, Query(description="only nodes of this kind")] = None,
    layer: Annotated[LayerName | None, Query(description="only nodes of this layer (层面)")] = None,
    unit: UnitQuery = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    """Nodes whose code or name contains `q` (case and full-/half-width insensitive; the id too when
    `q` holds a colon), filtered by kind, layer and owning unit (explicit or inherited, as
    `/indicators/{id}/owner` answers); ranked exact code first, then code prefix, name prefix, the rest.
    Returns `{"total", "limit", "offset", "items": [node]}`. 404 / 409 for a `unit` naming no / several
    org units."""
    def run(store):
        return search_nodes(store, q, kind=kind, layer=layer, unit=unit, limit=limit, offset=offset).to_dict()

    return json(await reads(run, heavy=unit is not None))


@router.get("/nodes/{node_id:path}/neighbors", summary="Edges at a node", response_model=Neighborhood,
            responses=problem_responses(401, 404, 409, 422))
async def neighbors(
    node_id: NodeRef,
    reads: ReadsDep,
    _: ReaderAuth,
    type: Annotated[list[EdgeTypeName] | None, Query(description="only edges of these types (repeatable)")] = None,
    direction: Annotated[Literal["out", "in", "both"], Query(description="outgoing, incoming or both (default)")] = "both",
) -> JSONResponse:
    """`{"node", "direction", "neighbors": [{"edge", "node"}]}`: the node's edges with the node at the
    other end, ordered by edge type, then other node id."""
    return json(await reads(lambda store: neighborhood(store, resolve_node(store, node_id), type, direction)))


#: The sub-resources of a node and the methods each has (their routes are in this module and in
#: api/routes/history.py). Any other method there is 405 with exactly these in ``Allow``: without
#: the routes below, the node routes would take ``…/history`` for part of a node id.
SUB_RESOURCES = {"neighbors": ["GET", "HEAD"], "history": ["GET", "HEAD"], "review": ["POST"]}
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _not_allowed(allowed: list[str]):
    def endpoint(node_id: str) -> None:
        raise MethodNotAllowed(allowed)
    return endpoint


for _name, _allowed in SUB_RESOURCES.items():
    router.add_api_route(f"/nodes/{{node_id:path}}/{_name}", _not_allowed(_allowed), include_in_schema=False,
                         methods=[m for m in _METHODS if m not in _allowed])


@router.get("/nodes/{node_id:path}", summary="One node", response_model=NodeOut,
            responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 404, 409, 422)})
async def get_node(node_id: NodeRef, reads: ReadsDep, _: ReaderAuth) -> JSONResponse:
    """The node `{"id", "kind", "code", "props"}` with its version in the `ETag` header (send it
    back as `If-Match` when writing). 404 with `suggestions` for an unknown id."""
    node = await reads(lambda store: resolve_node(store, node_id))
    return json(node.to_dict(), headers={"ETag": etag(node)})


_PUT_EXAMPLES = {
    "a task": {"summary": "create or replace a task",
               "value": {"props": {"name": "完成实训基地建设", "task_kind": "A", "deadline": "2026-06-30",
                                   "status": "normal"}}},
    "workbook values": {"summary": "values as a workbook has them are parsed the same way",
                        "value": {"props": {"name": "学生发展目标", "layer": "学校", "deadline": "2026年12月"}}},
}
_PATCH_EXAMPLES = {
    "status": {"summary": "mark a task completed", "value": {"props": {"status": "completed"}}},
    "remove": {"summary": "remove a property (null)", "value": {"props": {"category": None}}},
}


@router.put("/nodes/{node_id:path}", summary="Create or replace a node", response_model=NodeOut,
            status_code=200,
            responses={200: {"description": "replaced", "headers": ETAG_HEADER},
                       201: {"description": "created", "model": NodeOut, "headers": ETAG_HEADER},
                       **problem_responses(401, 403, 404, 409, 413, 422)})
def put_node(
    node_id: NodeId,
    body: Annotated[NodeWrite, Body(openapi_examples=_PUT_EXAMPLES)],
    editor: EditorDep,
    who: EditorAuth,
    if_match: IfMatch = None,
    if_none_match: Annotated[str | None, Header(alias="If-None-Match",
                                                description="`*`: create only; 409 if the node exists")] = None,
) -> JSONResponse:
    """Create the node `node_id` (`Kind:code`, exact) or replace its properties whole (its edges are
    kept). Values are validated and normalised as a workbook's are: 422 names the field (`id`,
    `props.layer` …). 201 when created, 200 when replaced; the new `ETag` either way. Needs editor."""
    node, created = editor.put_node(node_id, body.props, who=who.name, if_match=if_match, if_none_match=if_none_match)
    headers = {"ETag": etag(node)}
    if created:
        headers["Location"] = f"/api/v1/nodes/{node.id}"
    return json(node.to_dict(), 201 if created else 200, headers)


@router.patch("/nodes/{node_id:path}", summary="Change some properties of a node", response_model=NodeOut,
              responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 403, 404, 409, 413, 422)})
def patch_node(
    node_id: NodeId,
    body: Annotated[PropsPatch, Body(openapi_examples=_PATCH_EXAMPLES)],
    editor: EditorDep,
    who: EditorAuth,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Merge `props` into the node's properties (a null removes one; others are kept) and return the
    node with its new `ETag`. Concurrent patches never lose each other's changes; with `If-Match`
    a patch based on a stale version is refused (409 with `current_etag`). Needs editor."""
    node = editor.patch_node(node_id, body.props, who=who.name, if_match=if_match)
    return json(node.to_dict(), headers={"ETag": etag(node)})


@router.delete("/nodes/{node_id:path}", summary="Delete a node and its edges", status_code=204,
               response_class=Response, responses=problem_responses(401, 403, 404, 409, 422))
def delete_node(node_id: NodeId, editor: EditorDep, who: EditorAuth, if_match: IfMatch = None) -> Response:
    """Delete the node `node_id` (`Kind:code`, exact) and every edge at it; the audit trail keeps
    the node and the edges. 204 on success. Needs editor."""
    editor.delete_node(node_id, who=who.name, if_match=if_match)
    return Response(status_code=204)
