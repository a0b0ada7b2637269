"""The app factory: :func:`create_app` builds the FastAPI app over one store, which the app's
lifespan opens when the server starts and closes when it stops. It only builds the app — routes
live in ``api/routes``, answers in ``graph/services``.

Run it with ``iqa serve`` (which also sets uvicorn's proxy, concurrency and keep-alive settings
from the configuration), or ``uvicorn --factory api.main:create_app`` with ``IQA_*`` settings in
the environment. Whether a request without a token may read is decided per request from the socket
it came in on (the ASGI ``server``: loopback only, and no proxy headers), not from a setting; the
Host header must be one of ``settings.allowed_hosts()`` (400 otherwise: DNS rebinding). See
docs/security.md.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from starlette.middleware.trustedhost import TrustedHostMiddleware

from api.docs import install_docs
from api.middleware import AuthGate, BodyLimit
from api.query_check import no_unknown_query_parameters
from api.problems import ProblemDetail, install_handlers, problem_responses
from api.routes import ROUTERS
from graph.version import VERSION
from graph.app import Iqa
from graph.auth import TokenRegistry
from graph.errors import IqaError
from graph import gcpause
from graph.settings import Settings, load_settings
from graph.store import GraphStore

API_PREFIX = "/api/v1"
#: uvicorn's error log, where a failed start-up is reported.
_log = logging.getLogger("uvicorn.error")

DESCRIPTION = """
The knowledge graph of a college's internal quality assurance (诊改) over HTTP: who owns an
indicator, what a goal breaks into, what a change affects, the consistency findings, search, and
edits.

**Authentication.** Send `Authorization: Bearer <token>`; tokens are made with `iqa token new` and
configured (hashed) in the `api.tokens` section of the configuration file or `IQA_API_TOKENS`.
Roles: *reader* reads, *editor* also writes and uploads, *admin* also reads the audit trail.
Requests without a token may read only where configured (`api.anonymous_read: true`), or by
default when they come in on a loopback socket and not through a reverse proxy. A bad token is
refused before the request body is read; too many bad tokens from one client → 429 with
`Retry-After`. The Host header must be an allowed host (`api.allowed_hosts`).

**Ids.** A node is `Kind:code` (`Indicator:ZK-01`); reads also take a bare code when only one node
has it (several → 409 with `candidates`). An unknown id → 404 with the closest ids as `suggestions`.

**Errors** are RFC 9457 `application/problem+json`: `type`, `title`, `status`, `detail`, `instance`,
and `suggestions`, `candidates`, `errors` (invalid fields), `problems` (workbook rows) where useful.

**Concurrency.** `GET /nodes/{id}` returns an `ETag`; send it as `If-Match` with PUT / PATCH /
DELETE to refuse a write based on a stale version (409). Every write is recorded in the audit trail.
"""

TAGS = [
    {"name": "responsibility", "description": "who owns an indicator; what a unit or person owns"},
    {"name": "chains", "description": "trace a goal down to tasks, a task up to its goal; change impact"},
    {"name": "nodes", "description": "search, read and edit nodes"},
    {"name": "edges", "description": "edit edges"},
    {"name": "checks", "description": "consistency findings routed to the responsible units"},
    {"name": "ontology", "description": "node kinds, edge types, vocabularies with zh/en labels"},
    {"name": "export", "description": "RDF, GraphML, the rectification workbook"},
    {"name": "load", "description": "upload workbooks"},
    {"name": "audit", "description": "the audit trail of writes (admin)"},
    {"name": "health", "description": "liveness"},
]


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The API over the core object ``graph.app.Iqa`` built from ``settings`` (default:
    ``load_settings()``: the environment and the configuration file) and ``store`` (default: open
    ``settings.store``; the app then closes it on shutdown).

    The store is opened in the app's lifespan (when the server starts, not when the app is built):
    the core object is ``app.state.iqa`` from start-up to shutdown, and routes reach it through
    ``api.deps``, the authentication gate through the ASGI ``scope["app"]``, so the rule settings,
    tokens and limits are those every other interface uses. Run the lifespan — a server does;
    a test enters ``with TestClient(app)`` — or every request is 503 ``not-started``. The audit
    trail goes to ``settings.audit_log``, else beside a SQLite store (``x.sqlite`` →
    ``x.audit.jsonl``), else (in-memory store) in memory.

    Raises ConfigError at once for a bad configuration file, token list or rule settings. A store
    that cannot be opened fails the start-up: StoreError is raised from the lifespan (the server
    does not start; it is logged as ``iqa-graph API cannot start: <reason>`` and kept as
    ``app.state.startup_error``, which ``iqa serve`` prints as one line)."""
    settings = settings if settings is not None else load_settings()
    # Everything that can refuse the configuration is checked now, before a server is started.
    _ = settings.rules  # the checks: section
    TokenRegistry(settings.api_tokens)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "iqa", None) is not None:  # already started (a test client entered twice)
            yield
            return
        app.state.startup_error = None
        try:
            iqa = Iqa(settings, store)
        except IqaError as exc:
            app.state.startup_error = exc
            _log.error("iqa-graph API cannot start: %s", exc)
            raise
        app.state.iqa = iqa
        freeze_start_up()
        try:
            yield
        finally:
            del app.state.iqa
            iqa.close()
            thaw_on_shutdown()

    app = FastAPI(
        title="iqa-graph API",
        version=VERSION,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by install_docs with local assets (no CDN)
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(no_unknown_query_parameters)],
    )
    install_handlers(app)
    install_docs(app, API_PREFIX)
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_upload_bytes)
    app.add_middleware(AuthGate)  # outside BodyLimit: a bad token is 401 before the body
    if settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api_cors_origins,
            allow_methods=["GET", "PUT", "PATCH", "DELETE", "POST"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match"],
            expose_headers=["ETag", "Location"],
        )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts(), www_redirect=False)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes, tags=app.openapi_tags)
            schema.setdefault("components", {}).setdefault("schemas", {})["ProblemDetail"] = \
                ProblemDetail.model_json_schema(ref_template="#/components/schemas/{model}")
            _document_gate_statuses(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def freeze_start_up() -> None:
    """Move everything alive once the app has started — modules, the ontology, the routes and their
    models, ~120,000 objects — out of the cyclic collector's generations (``gc.collect`` then
    ``gc.freeze``). None of it is ever garbage, but every full collection walked all of it again:
    ~75 ms of CPU during which every thread of the server waits, the spikes of a point question's
    latency under load (docs/performance.md). Later full collections walk only what was made after
    start-up. Does nothing when ``IQA_GC_PAUSE=0`` (``graph.gcpause.ENABLED``); raises nothing."""
    if gcpause.ENABLED:
        gc.collect()
        gc.freeze()


def thaw_on_shutdown() -> None:
    """Undo :func:`freeze_start_up` when the app stops (``gc.unfreeze``): what was frozen can be
    collected again — what matters where one process starts many apps (the tests), not in a
    server. Does nothing when ``IQA_GC_PAUSE=0``; raises nothing."""
    if gcpause.ENABLED:
        gc.unfreeze()


def _document_gate_statuses(schema: dict[str, Any]) -> None:
    """Every operation may answer 401 (an unknown bearer token), 429 (too many failed
    authentications from this client: the gate answers before any route runs, see
    ``api.middleware.AuthGate``) and 503 (the store is locked, read-only or full): document them
    on every operation so that the schema lists every status a client can see."""
    gate = problem_responses(401, 429, 503)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, entry in gate.items():
                responses.setdefault(str(code), entry)
