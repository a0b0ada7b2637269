"""Unknown query parameters are refused (422 naming them) instead of silently ignored: a typo such
as ``?unti=XB01`` would otherwise answer for the whole college as if it were filtered."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _known_names(route: APIRoute) -> frozenset[str]:
    """The query parameter names ``route`` declares, found once and kept on the route (its
    dependants never change; walking them took tens of microseconds a request)."""
    names = getattr(route, "_iqa_query_names", None)
    if names is None:
        names = frozenset(_query_names(route.dependant))
        route._iqa_query_names = names  # type: ignore[attr-defined]
    return names


async def no_unknown_query_parameters(request: Request) -> None:
    """A dependency of every documented route: RequestValidationError (422, field
    ``query.<name>``) for each query parameter the route does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.include_in_schema:
        return  # the 405 answers of a node's sub-resources (and the docs pages) take anything
    known = _known_names(route)
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        raise RequestValidationError([
            {"loc": ("query", name), "msg": f"unknown query parameter (this route takes: "
                                           f"{', '.join(sorted(known)) or 'none'})", "type": "extra_forbidden"}
            for name in dict.fromkeys(unknown)])
