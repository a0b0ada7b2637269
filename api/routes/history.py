"""Change over time: the revisions, a node's history, the diff between two revisions, the suspect
links and their review (graph/history; docs/history.md). Included before the nodes router, so
``/nodes/{id}/history`` and ``/nodes/{id}/review`` are not read as node ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import EditorAuth, IqaDep, ReaderAuth, ReadsDep
from api.problems import problem_responses
from api.routes._common import NodeRef, json
from api.schemas import DiffOut, NodeHistoryOut, ReviewOut, RevisionsOut, SuspectsOut

router = APIRouter(tags=["history"])

_REVISION = {"rev": 2, "at": "2026-03-01T08:15:02.117Z", "who": "质量办", "source": "upload",
             "files": [{"name": "目标.xlsx", "sha256": "34118141e932" + "0" * 52}],
             "changes": {"nodes_added": 0, "nodes_changed": 2, "nodes_removed": 0, "edges_added": 0, "edges_removed": 0}}
_EDGE = {"source": "Target:MB-S01", "type": "decomposes_to", "target": "Target:MB-D-JWC"}
_SUSPECT = {"child": "Target:MB-D-JWC", "parent": "Target:MB-S01", "type": "decomposes_to", "rev": 2, "fields": ["name"]}
EXAMPLES = {
    "revisions": {"revisions": [_REVISION]},
    "history": {"id": "Target:MB-S01", "versions": [
        {"rev": 1, "at": "2026-02-01T09:00:00.000Z", "who": "zhang", "source": "iqa load", "op": "added",
         "fields": {"name": [None, "全日制在校生规模稳定在12000人以上"]}, "edges_added": [_EDGE], "edges_removed": [],
         "reviews": []},
        {"rev": 2, "at": "2026-03-01T08:15:02.117Z", "who": "质量办", "source": "upload", "op": "changed",
         "fields": {"name": ["全日制在校生规模稳定在12000人以上", "全日制在校生规模稳定在13000人以上"]},
         "edges_added": [], "edges_removed": [], "reviews": []}]},
    "diff": {"from": 1, "to": 2, "nodes": {"added": [], "removed": [], "changed": [
        {"id": "Target:MB-S01", "fields": {"name": ["全日制在校生规模稳定在12000人以上", "全日制在校生规模稳定在13000人以上"]}}]},
        "edges": {"added": [], "removed": []}},
    "suspects": {"suspects": [{**_SUSPECT, "name": "教务处年度目标", "parent_name": "全日制在校生规模稳定在13000人以上",
                               "owner": {"unit": {"id": "OrgUnit:JWC", "name": "教务处"}, "person": None}}]},
    "review": {"child": "Target:MB-D-JWC", "reviewed": [_SUSPECT], "rev": 3},
}


def _ok(name: str, *errors: int) -> dict:
    """The documented answers of a route: 200 with its example, and the problems ``errors``."""
    return {200: {"content": {"application/json": {"example": EXAMPLES[name]}}}, **problem_responses(*errors)}



@router.get("/revisions", summary="The revisions, newest first", response_model=RevisionsOut,
            responses=_ok("revisions", 401, 422))
async def revisions(iqa: IqaDep, reads: ReadsDep, _: ReaderAuth) -> JSONResponse:
    """Every write to the graph — a load, an upload, an edit, an import, a review — as one revision:
    `{"revisions": [{"rev", "at", "who", "source", "files": [{"name", "sha256"}], "changes":
    {"nodes_added", "nodes_changed", "nodes_removed", "edges_added", "edges_removed"}}]}`."""
    return json(await reads.call(iqa.log))


@router.get("/nodes/{node_id:path}/history", summary="Each version of a node", response_model=NodeHistoryOut,
            responses=_ok("history", 401, 404, 409, 422))
async def node_history(node_id: NodeRef, iqa: IqaDep, reads: ReadsDep, _: ReaderAuth) -> JSONResponse:
    """`{"id", "versions": [{"rev", "at", "who", "source", "op", "fields": {property: [before,
    after]}, "edges_added", "edges_removed", "reviews"}]}`, oldest first; also for a node since
    removed (give its `Kind:code`). 404 when no revision ever wrote it."""
    return json(await reads.call(iqa.history, node_id))


@router.get("/diff", summary="What changed between two revisions", response_model=DiffOut,
            responses=_ok("diff", 401, 404, 422))
async def diff(iqa: IqaDep, reads: ReadsDep, _: ReaderAuth,
               start: Annotated[str | None, Query(alias="from", max_length=200,
                                                  description="revision, date or baseline; default the one before the latest")] = None,
               end: Annotated[str | None, Query(alias="to", max_length=200,
                                                description="revision, date or baseline; default the latest")] = None,
               ) -> JSONResponse:
    """`{"from", "to", "nodes": {"added", "removed", "changed": [{"id", "fields": {property: [before,
    after]}}]}, "edges": {"added", "removed"}}`. 404 for an unknown revision or baseline."""
    return json(await reads.call(iqa.diff, start, end, heavy=True))


@router.get("/suspects", summary="Suspect links (CH001) to review", response_model=SuspectsOut,
            responses=_ok("suspects", 401, 404, 409, 422))
async def suspects(iqa: IqaDep, reads: ReadsDep, _: ReaderAuth,
                   unit: Annotated[str | None, Query(max_length=200, description="only links routed to this org unit "
                                                                                 "(id, code or exact name)")] = None,
                   ) -> JSONResponse:
    """`{"suspects": [{"child", "parent", "type", "rev", "fields", "name", "parent_name", "owner":
    {"unit", "person"}}]}`: links whose parent changed after they were made or last reviewed."""
    return json({"suspects": await reads.call(iqa.suspects, unit=unit, heavy=True)})


@router.post("/nodes/{node_id:path}/review", summary="Mark a node's suspect links reviewed", response_model=ReviewOut,
             responses=_ok("review", 401, 403, 404, 409, 422))
async def review(node_id: NodeRef, iqa: IqaDep, who: EditorAuth,
                 parent: Annotated[str | None, Query(alias="from", max_length=300,
                                                     description="only the link from this parent")] = None,
                 ) -> JSONResponse:
    """Clear the suspect links to the node (only the one from `from` when given), recorded as one
    revision by the token's name: `{"child", "reviewed": [{"child", "parent", "type", "rev",
    "fields"}], "rev"}` (`rev` null when nothing was suspect). Needs editor."""
    return json(await run_in_threadpool(iqa.review, node_id, who=who.name, parent=parent))
