"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error response is ``{"type", "title", "status", "detail", "instance"}`` plus extension
members where they help the client:

=====  ==========================================  ==========================================
 400   ``IqaError`` not covered below              —
 401   no / unknown bearer token                   ``WWW-Authenticate: Bearer``
 403   the token's role may not do this            ``required_role``, ``role``
 404   unknown node id, edge or route              ``suggestions`` (closest ids)
 409   a bare code naming several nodes            ``candidates`` (full ids)
 409   If-Match names a stale version              ``current_etag``
 409   If-None-Match: * and the node exists        —
 413   request body over the upload limit          ``max_bytes``
 422   invalid input (query, path, body)           ``errors``: ``[{"field", "message", "type"}]``
 422   a workbook that cannot be loaded            ``problems``: ``[{"location", "reason"}]``
 500   an unexpected error (details in the log)    —
 503   the store cannot be read or written         ``Retry-After``; type ``store-busy`` (locked
       (locked by another process, read-only,      by another writer), ``store-read-only``,
       disk full); nothing was written             ``store-full``, ``store-unavailable``
=====  ==========================================  ==========================================
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.responses import OrjsonResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (AmbiguousIdError, ConfigError, IngestError, IqaError, NotFoundError, StoreBusyError,
                          StoreError, StoreFullError, StoreReadOnlyError, ValidationError)
from graph.services.edit import ConflictError, FieldValidationError, VersionConflictError

PROBLEM_JSON = "application/problem+json"
#: Problem types are ``TYPE_BASE + slug``; identifiers, stable across versions.
TYPE_BASE = "https://w3id.org/iqa-graph/problems/"
log = logging.getLogger("iqa.api")
#: Titles as RFC 9110 names them (Python's ``HTTPStatus`` keeps some older names).
_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


class ProblemDetail(BaseModel):
    """An RFC 9457 problem. Extension members (``suggestions``, ``candidates``, ``errors``,
    ``problems``, ``current_etag``, ``max_bytes``, ``required_role``, ``role``) appear where they apply."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": TYPE_BASE + "not-found", "title": "Not Found", "status": 404,
        "detail": "no node Indicator:ZK-99; did you mean Indicator:ZK-09, Indicator:ZK-01?",
        "instance": "/api/v1/indicators/Indicator:ZK-99/owner",
        "suggestions": ["Indicator:ZK-09", "Indicator:ZK-01"]}]})

    type: str = Field(description="URI identifying the problem type")
    title: str = Field(description="short summary of the problem type")
    status: int = Field(description="the HTTP status code")
    detail: str | None = Field(None, description="what went wrong in this occurrence, for a person")
    instance: str | None = Field(None, description="the request path")


class ApiProblem(HTTPException):
    """An HTTP error raised by the API layer itself, rendered as a problem (``slug`` → ``type``)."""

    def __init__(self, status: int, slug: str, detail: str, *, headers: dict[str, str] | None = None,
                 **extras: Any):
        super().__init__(status_code=status, detail=detail, headers=headers)
        self.slug = slug
        self.extras = extras


def problem_response(request: Request | None, status: int, slug: str | None, detail: str | None,
                     headers: dict[str, str] | None = None, title: str | None = None, **extras: Any) -> JSONResponse:
    """A ``application/problem+json`` response. ``slug`` None → ``type`` is ``about:blank``."""
    try:
        phrase = _TITLES.get(status) or HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug if slug else "about:blank",
        "title": title or phrase,
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
    body.update(extras)
    return OrjsonResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _loc(loc: tuple | list) -> str:
    return ".".join(str(p) for p in loc)


# ============================================================================ handlers
async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if isinstance(exc, ApiProblem):
        return problem_response(request, exc.status_code, exc.slug, str(exc.detail), exc.headers, **exc.extras)
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        # FastAPI's answer to a body that is not UTF-8 JSON or not multipart: invalid input like any other
        return problem_response(request, 422, "invalid-input", "the request body cannot be parsed",
                                title="Invalid input",
                                errors=[{"field": "body", "message": "cannot be parsed", "type": "body_invalid"}])
    slug = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}.get(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) else None
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        # a read-only sub-resource states its methods; otherwise every route at the path counts
        # (Starlette's own Allow names only the first route that matched the path)
        allowed = exc.allowed if isinstance(exc, MethodNotAllowed) else allowed_methods(request)
        headers = {**(headers or {}), "Allow": ", ".join(allowed)}
        detail = f"{request.method} is not allowed here; allowed: {', '.join(allowed)}"
    return problem_response(request, exc.status_code, slug, detail, headers)


class MethodNotAllowed(StarletteHTTPException):
    """405 at a path whose methods the raiser knows better than route matching can tell (a
    read-only sub-resource under a path that other routes write): ``allowed`` is the Allow header."""

    def __init__(self, allowed: list[str]):
        super().__init__(405)
        self.allowed = allowed


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at the request's path (several routes may share a path,
    one method each): what a 405's ``Allow`` header lists. HEAD goes with GET, OPTIONS is not served."""
    from starlette.routing import Match

    methods: set[str] = set()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
    return sorted(methods, key=lambda m: (order.index(m) if m in order else len(order), m))


async def _request_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"field": _loc(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
              for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]) or "invalid input"
    return problem_response(request, 422, "invalid-input", detail, title="Invalid input", errors=errors)


async def _iqa(request: Request, exc: IqaError) -> JSONResponse:
    msg = str(exc)
    if isinstance(exc, NotFoundError):
        return problem_response(request, 404, "not-found", msg, suggestions=exc.suggestions)
    if isinstance(exc, AmbiguousIdError):
        return problem_response(request, 409, "ambiguous-id", msg, title="Ambiguous id", candidates=exc.candidates)
    if isinstance(exc, VersionConflictError):
        return problem_response(request, 409, "version-conflict", msg, title="Version conflict",
                                current_etag=f'"{exc.current}"' if exc.current else None)
    if isinstance(exc, ConflictError):
        return problem_response(request, 409, "already-exists", msg, title="Already exists")
    if isinstance(exc, IngestError):
        problems = [{"location": p.location, "reason": p.reason} for p in exc.problems]
        head = msg.splitlines()[0] if msg else "the input cannot be loaded"
        return problem_response(request, 422, "ingest-failed", head, title="Input cannot be loaded", problems=problems)
    if isinstance(exc, ValidationError):
        field = getattr(exc, "field", None) if isinstance(exc, FieldValidationError) else None
        errors = [{"field": field or "", "message": msg, "type": "value_error"}]
        return problem_response(request, 422, "invalid-input", msg, title="Invalid input", errors=errors)
    if isinstance(exc, StoreError):
        log.error("store error: %s", msg)
        retry = exc.retry_after or 30
        slug = ("store-busy" if isinstance(exc, StoreBusyError) else "store-read-only"
                if isinstance(exc, StoreReadOnlyError) else "store-full" if isinstance(exc, StoreFullError)
                else "store-unavailable")
        return problem_response(request, 503, slug, msg, {"Retry-After": str(retry)}, title="Store unavailable")
    if isinstance(exc, ConfigError):
        log.error("configuration error: %s", msg)
        return problem_response(request, 500, "configuration", msg, title="Server configuration error")
    return problem_response(request, 400, "bad-request", msg)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem_response(request, 500, "internal", "an unexpected error occurred; the server log has the details")


def install_handlers(app: FastAPI) -> None:
    """Register the problem+json exception handlers on ``app``."""
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _request_validation)  # type: ignore[arg-type]
    app.add_exception_handler(IqaError, _iqa)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


# ============================================================================ OpenAPI
_EXAMPLES: dict[int, tuple[str, dict[str, Any]]] = {
    401: ("no or unknown bearer token", {
        "type": TYPE_BASE + "unauthorized", "title": "Unauthorized", "status": 401,
        "detail": "this request needs a bearer token (Authorization: Bearer iqa_…)", "instance": "/api/v1/nodes"}),
    403: ("the token's role may not do this", {
        "type": TYPE_BASE + "forbidden", "title": "Forbidden", "status": 403,
        "detail": "the token 'data-centre' has role reader; this needs editor", "instance": "/api/v1/nodes/Task:RW-0001",
        "required_role": "editor", "role": "reader"}),
    404: ("unknown id, with the closest existing ids", {
        "type": TYPE_BASE + "not-found", "title": "Not Found", "status": 404,
        "detail": "no node with code 'ZK-1'; did you mean Indicator:ZK-01, Indicator:ZK-10?",
        "instance": "/api/v1/indicators/ZK-1/owner", "suggestions": ["Indicator:ZK-01", "Indicator:ZK-10"]}),
    409: ("a bare code naming several nodes, or a stale If-Match version", {
        "type": TYPE_BASE + "ambiguous-id", "title": "Ambiguous id", "status": 409,
        "detail": "code 'A101' names several nodes; use one of: InstitutionItem:A101, Standard:A101",
        "instance": "/api/v1/trace/A101", "candidates": ["InstitutionItem:A101", "Standard:A101"]}),
    429: ("too many failed authentications from this client (see Retry-After)", {
        "type": TYPE_BASE + "too-many-failures", "title": "Too Many Requests", "status": 429,
        "detail": "too many failed authentications; try again in 59 s", "instance": "/api/v1/nodes"}),
    503: ("the store is locked by another writer, read-only or full; nothing was written (see Retry-After)", {
        "type": TYPE_BASE + "store-busy", "title": "Store unavailable", "status": 503,
        "detail": "store.sqlite: the store is locked by another process (database is locked); nothing was "
                  "written, try again", "instance": "/api/v1/nodes/Task:RW-0001"}),
    413: ("request body over the upload limit", {
        "type": TYPE_BASE + "too-large", "title": "Content Too Large", "status": 413,
        "detail": "the request body is over the limit of 20971520 bytes (20 MB)", "instance": "/api/v1/load",
        "max_bytes": 20971520}),
    422: ("invalid input, naming the field", {
        "type": TYPE_BASE + "invalid-input", "title": "Invalid input", "status": 422,
        "detail": "query.limit: Input should be less than or equal to 1000", "instance": "/api/v1/nodes",
        "errors": [{"field": "query.limit", "message": "Input should be less than or equal to 1000",
                    "type": "less_than_equal"}]}),
}


def problem_responses(*codes: int, examples: dict[int, dict[str, Any]] | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for these error statuses: problem+json, the ProblemDetail
    schema and an example each (``examples`` overrides one status's example)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        description, example = _EXAMPLES.get(code, (HTTPStatus(code).phrase, {
            "type": "about:blank", "title": HTTPStatus(code).phrase, "status": code}))
        if examples and code in examples:
            example = examples[code]
        out[code] = {"description": description,
                     "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetail"},
                                                "example": example}}}
    return out


#: Statuses every authenticated route may answer with.
AUTH_ERRORS = (401, 403)
