"""``GET /checks``: the consistency rules' findings."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import IqaDep, ReaderAuth, ReadsDep
from api.problems import problem_responses
from api.routes._common import IsoDate, json
from api.schemas import CheckReportOut
from graph.checks import RULES

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
    owner: Annotated[str | None, Query(max_length=200, description="only findings routed to this org unit (id, "
                                       "code or exact name)", openapi_examples={"unit": {"value": "OrgUnit:JWC"}})] = None,
    as_of: Annotated[IsoDate | None, Query(description="the check date for deadline rules (default today)")] = None,
) -> JSONResponse:
    """The findings of the rules (docs/rules.md), as `iqa check --format json`: `{"findings": [{"rule",
    "severity", "node", "name", "message", "message_en", "owner": {"unit", "person"},
    "inherited_from"}], "summary": {"total", "errors", "warnings", "by_rule", "by_unit", "as_of"}}`.
    Rules switched off or re-graded in the configuration file's `checks:` section are honoured. 404 /
    409 for an `owner` naming no / several org units."""
    report = await reads.call(iqa.check, rules=rule, owner=owner, severity=severity, as_of=as_of, heavy=True)
    return json(report.to_dict())
