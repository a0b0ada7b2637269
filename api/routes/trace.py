"""Chains: ``GET /trace/{id}`` (down to tasks or up to the goal and plan) and ``GET /impact/{id}``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from api.deps import ReaderAuth, ReadsDep
from api.problems import problem_responses
from api.routes._common import Limit, NodeRef, Offset, json
from api.schemas import ImpactOut, TraceEntry
from graph.model import Node
from graph.services.impact import impact as run_impact
from graph.services.paging import DEFAULT_LIMIT, MAX_LIMIT, paged
from graph.services.resolve import find_node, resolve_node
from graph.services.trace import trace as run_trace
from graph.store import GraphStore

router = APIRouter(tags=["chains"])

Depth = Annotated[int | None, Query(ge=0, le=1000, description="levels to follow (default: all)")]


@router.get("/trace/{node_id:path}", summary="Trace a chain down or up", response_model=TraceEntry,
            responses=problem_responses(401, 404, 409, 422))
async def trace(
    node_id: NodeRef,
    reads: ReadsDep,
    _: ReaderAuth,
    direction: Annotated[Literal["down", "up"], Query(description="down to sub-targets and tasks, or up to the "
                                                      "school goal and plan")] = "down",
    depth: Depth = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"children (parents going up) shown at most under "
                                f"each node (default {DEFAULT_LIMIT}); the rest are counted in `truncated`")] = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> JSONResponse:
    """The chain below (`down`: plan → targets → sub-targets → tasks → sub-tasks) or above (`up`) a
    node, as `iqa trace --format json` prints it: `{"id", "kind", "name", "layer", "owner",
    "owner_inherited_from", "status", "deadline", "children"}` (`"parents"` going up), nested. A node
    met again (chains are a DAG) is `{"id", "kind", "name", "ref": true}`. Each node shows at most
    `limit` children (the root's from `offset`); a node whose children were cut by `depth` or `limit`
    has `"truncated": n` (children not shown). The root also has `"total"` (its children in all),
    `"limit"` and `"offset"`."""
    unbounded = direction == "down" and (depth is None or depth > 3)  # may walk much of the graph

    # The same trace is asked again and again (a school's targets, by everyone): its bytes are
    # kept until the next write, keyed by the node resolved (ids written two ways meet).
    def key(node: Node) -> tuple:
        return ("trace", node.id, direction, depth, limit, offset)

    def kept(store: GraphStore) -> bytes | None:
        node = find_node(store, node_id)
        return None if node is None else reads.kept_bodies().peek(key(node))

    def answer(store: GraphStore) -> bytes:
        node = resolve_node(store, node_id)
        return reads.kept_bodies().get(key(node), lambda: run_trace(store, node, direction, depth, limit, offset,
                                                                    kept=reads.kept_owners()))

    # a kept answer is sent from the event loop (no hop to a thread); a trace is walked in a thread
    body = reads.now(kept)
    if body is None:
        body = await reads(answer, heavy=unbounded)
    return Response(body, media_type="application/json")


@router.get("/impact/{node_id:path}", summary="Who is affected by a change", response_model=ImpactOut,
            responses=problem_responses(401, 404, 409, 422))
async def impact(node_id: NodeRef, reads: ReadsDep, _: ReaderAuth, depth: Depth = None,
                 limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> JSONResponse:
    """Everything downstream of a node — sub-targets, tasks, institution codes — and the indicators
    measuring them, each with its owner; `units` and `people` count the affected nodes per owner
    (as `iqa impact --format json`): `{"node", "affected", "units", "people", "total", "limit",
    "offset"}`. `affected` holds one page (`limit` from `offset`); `total`, `units` and `people`
    count them all."""
    return json(paged(await reads(lambda store: run_impact(store, resolve_node(store, node_id), depth), heavy=True),
                      "affected", limit, offset))
