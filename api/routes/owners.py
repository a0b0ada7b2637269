"""Responsibility: who owns an indicator, and what a unit or person owns."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ReaderAuth, ReadsDep
from api.problems import problem_responses
from api.routes._common import Limit, NodeRef, Offset, json
from api.schemas import OwnedItems, OwnerAnswerOut
from graph.model import Node
from graph.services.ownership import owner_of
from graph.services.paging import DEFAULT_LIMIT
from graph.services.resolve import find_node, resolve_node
from graph.services.search import owned_items
from graph.store import GraphStore

router = APIRouter(tags=["responsibility"])


@router.get("/indicators/{node_id:path}/owner", summary="Who owns this indicator", response_model=OwnerAnswerOut,
            responses=problem_responses(401, 404, 409, 422))
async def indicator_owner(node_id: NodeRef, reads: ReadsDep, _: ReaderAuth) -> JSONResponse:
    """The person, post and unit responsible for an indicator (any node is accepted, as by
    `iqa owner`), and why: `{"node", "owner": {"person", "post", "unit"}, "inherited_from", "chain"}`.
    An owner is explicit when the node names a lead unit or a responsible post / person; otherwise it
    is inherited from the nearest node up the chain (an indicator: what it measures), named in
    `inherited_from`. `chain` lists every edge walked (`^edge`: walked against its direction).
    Parts nobody is responsible for are null."""
    def answer(store: GraphStore, node: Node | None) -> dict | None:
        return None if node is None else owner_of(store, node, kept=reads.kept_owners()).to_dict()

    # an id found by one lookup is answered on the event loop; names, ambiguity, misses in a thread
    body = reads.now(lambda store: answer(store, find_node(store, node_id)))
    if body is None:
        body = await reads(lambda store: answer(store, resolve_node(store, node_id)))
    return json(body)


@router.get("/owners/{node_id:path}/items", summary="What a unit or person owns", response_model=OwnedItems,
            responses=problem_responses(401, 404, 409, 422))
async def owner_items(node_id: NodeRef, reads: ReadsDep, _: ReaderAuth, limit: Limit = DEFAULT_LIMIT,
                      offset: Offset = 0) -> JSONResponse:
    """What an org unit, person or post owns or leads explicitly, grouped by kind: nodes `led_by` or
    `assigned_to` it, and for a person also nodes assigned to a post the person holds (`through`
    names the post): `{"owner", "total", "limit", "offset", "by_kind"}`, one page of the items
    (in kind, then id order) grouped by kind; `total` counts them all. Inherited responsibility (everything below those) is what `GET /impact` shows.
    422 when the node is not an OrgUnit, Person or Post."""
    return json(await reads(lambda store: owned_items(store, resolve_node(store, node_id), limit, offset)))
