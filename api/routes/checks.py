"""``GET /checks``: the consistency rules' findings."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import IqaDep, ReaderAuth, ReadsDep
from api.problems import problem_responses
from api.problems import ApiProblem
from api.routes._common import IsoDate, Limit, Offset, UnitQuery, json
from api.schemas import CheckReportOut
from graph.checks import RULES
from graph.services.paging import DEFAULT_LIMIT
from graph.services.results import report_page

router = APIRouter(tags=["checks"])

RuleId = Literal[tuple(RULES)]  # type: ignore[valid-type]


@router.get("/checks", summary="Run the consistency checks", response_model=CheckReportOut,
            responses=problem_responses(401, 404, 409, 422))
async def checks(
    reads: ReadsDep,
    iqa: IqaDep,
    _: ReaderAuth,
    rule: Annotated[list[RuleId] | None, Query(description="only these rules (repeatable; see the README's catalogue)")] = None,
    severity: Annotated[Literal["error", "warning"] | None, Query(description="only findings of this severity")] = None,
    unit: UnitQuery = None,
    owner: Annotated[str | None, Query(max_length=200, deprecated=True,
                                       description="the former name of `unit`; still honoured")] = None,
    as_of: Annotated[IsoDate | None, Query(description="the check date for deadline rules (default today)")] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> JSONResponse:
    """The findings of the rules (docs/rules.md), as `iqa check --format json`: `{"findings": [{"rule",
    "severity", "node", "name", "message", "message_en", "owner": {"unit", "person"},
    "inherited_from"}], "summary": {"total", "errors", "warnings", "by_rule", "by_unit", "as_of"},
    "total", "limit", "offset"}`: `findings` holds one page (`limit` from `offset`), `summary` and
    `total` count them all. Rules switched off or re-graded in the configuration file's `checks:`
    section are honoured. The full run is computed once per date and kept until the next write, so
    every page after the first (and every filter of the same date) is answered from it. 404 / 409 for a `unit` naming no / several org units; 422 when `unit` and
    its former name `owner` name different units."""
    if unit is not None and owner is not None and unit != owner:
        message = f"`unit` ({unit!r}) and its former name `owner` ({owner!r}) differ"
        raise ApiProblem(422, "invalid-input", message, title="Invalid input",
                         errors=[{"field": "query.owner", "message": message, "type": "conflicting_filters"}])
    report = await reads.call(iqa.check, rules=rule, owner=unit or owner, severity=severity, as_of=as_of, heavy=True)
    return json(report_page(report, limit, offset))
