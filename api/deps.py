"""Dependencies of the routes, as ``Annotated`` aliases.

- ``ReadsDep``: runs a read of the store (``await reads(lambda store: …)``), see :class:`Reads`;
- ``StoreDep``: the store (a ``ConcurrentStore``: reads never race with writes);
- ``EditorDep``: the ``graph.services.edit.Editor`` all writes go through;
- ``IqaDep``: the core object ``graph.app.Iqa`` (``app.state.iqa``, opened by the app's lifespan): the service calls that take
  the configuration (``iqa.check``, ``iqa.diagnose`` …) — run them with ``reads.call``;
- ``RuleConfigDep``: the rule settings (the configuration file's ``checks:``), as ``iqa.rules``;
- ``SettingsDep``: the typed settings the app was built with;
- ``ReaderAuth`` / ``EditorAuth`` / ``AdminAuth``: the caller (a ``graph.auth.Principal``) with at
  least that role. No token → 401, unless the route only reads and anonymous reads are allowed
  for this request (``api.anonymous_read``, or by default: it came in on a loopback socket — the
  ASGI ``server`` — without proxy headers); an unknown token → 401 (already in
  ``api.middleware.AuthGate``, before the body is read); a role too low → 403.

Dependencies are ``async`` (they only look things up), so FastAPI runs them on the event loop
rather than handing each to a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import ApiProblem
from api.responses import KeptBodies
from graph.app import Iqa
from graph.auth import ANONYMOUS_READER, PROXY_HEADERS, Principal, Role
from graph.checks import RuleConfig
from graph.services.edit import ConcurrentStore, Editor
from graph.services.ownership import KeptOwners
from graph.settings import Settings
from graph.store import CAP_IN_PROCESS, GraphStore

T = TypeVar("T")
#: Worker threads heavy reads may hold at once (of anyio's default 40): the rest stay for light reads.
HEAVY_READS = 4
_limiters: dict[asyncio.AbstractEventLoop, CapacityLimiter] = {}


def _heavy_limiter() -> CapacityLimiter:
    """The heavy reads' limiter of the running event loop (a limiter belongs to one loop)."""
    loop = asyncio.get_running_loop()
    if loop not in _limiters:
        _limiters.clear()  # one loop at a time serves the app; a new one (a restarted test client) starts afresh
        _limiters[loop] = CapacityLimiter(HEAVY_READS)
    return _limiters[loop]


def _started(request: Request) -> Iqa:
    iqa = getattr(request.app.state, "iqa", None)
    if iqa is None:
        raise ApiProblem(503, "not-started", "the API has not started: its store is opened when the server starts",
                         headers={"Retry-After": "1"})
    return iqa


async def app_state(request: Request) -> Iqa:
    """The core object the app's lifespan opened (``app.state.iqa``). 503 ``not-started`` when the
    lifespan has not run (``api.middleware.AuthGate`` answers so first)."""
    return _started(request)


IqaDep = Annotated[Iqa, Depends(app_state)]


class Reads:
    """Runs a read ``fn(store)`` under the store's shared lock, held once for the whole call (a
    consistent view; writes wait until it ends); :meth:`call` runs a service call of the core
    object (which takes that lock itself). Every read runs in a worker thread, never on the event
    loop: a read that turns out slow (an unknown id looks for the closest ids among all nodes; a
    store across the network) must not hold up the other requests, ``/health`` included — except
    the point reads a route first tries :meth:`now`, where a hop would cost more than the read.
    ``heavy=True`` reads (whole-graph checks, diagnoses, exports, unbounded walks) share
    :data:`HEAVY_READS` threads, so they never take every worker thread from the light ones."""

    def __init__(self, iqa: Iqa):
        self.iqa = iqa
        self.store = iqa.store

    def _call(self, fn: Callable[[GraphStore], T]) -> T:
        with self.store.reading() as store:
            return fn(store)

    async def __call__(self, fn: Callable[[GraphStore], T], *, heavy: bool = False) -> T:
        return await to_thread.run_sync(self._call, fn, limiter=_heavy_limiter() if heavy else None)

    def now(self, fn: Callable[[GraphStore], T]) -> T | None:
        """``fn(store)`` run at once, on the event loop, when that costs less than the hop to a worker
        thread: the store answers in this process (``CAP_IN_PROCESS``: a point read takes tens of
        microseconds, the hop several hundred under load), and neither its lock nor its connection
        is taken (``ConcurrentStore.read_now``). None when ``fn`` was not run — a store across the
        network, a write under way, another thread's traversal, another process has committed — or
        returned None: the route then awaits the read the usual way (:meth:`__call__`). Only for
        ``fn`` bounded by construction (a few index lookups, a walk up a chain), never one that may
        look at every node. Errors of ``fn`` are raised."""
        if CAP_IN_PROCESS not in self.store.capabilities:
            return None
        return self.store.read_now(fn)

    async def call(self, fn: Callable[..., T], *args: Any, heavy: bool = False, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)``, a service call of the core object (``iqa.check`` …), in a worker
        thread as for ``__call__``."""
        return await to_thread.run_sync(partial(fn, *args, **kwargs),
                                        limiter=_heavy_limiter() if heavy else None)

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """``ConcurrentStore.memo``: one value per key until the next write (call inside a read)."""
        return self.store.memo(key, build)

    def kept_owners(self) -> KeptOwners:
        """The owner answers kept for the current state of the store (``graph.services.ownership.
        KeptOwners``, a :meth:`memo`: dropped at the next write, or when another process has
        committed); the owner and trace routes share them. Call inside a read."""
        return self.memo("owner-answers", KeptOwners)

    def kept_bodies(self) -> KeptBodies:
        """Encoded answers kept for the current state of the store (``api.responses.KeptBodies``, a
        :meth:`memo`, dropped as :meth:`kept_owners` is); the trace route keeps its answers there,
        keyed by what it was asked. Call inside a read."""
        return self.memo("answer-bodies", KeptBodies)


async def _reads(request: Request) -> Reads:
    # the request, not IqaDep: each level of dependencies costs FastAPI tens of microseconds a request
    return Reads(_started(request))


async def _store(state: IqaDep) -> ConcurrentStore:
    return state.store


async def _editor(state: IqaDep) -> Editor:
    return state.editor


async def _settings(state: IqaDep) -> Settings:
    return state.settings


async def _rule_config(state: IqaDep) -> RuleConfig:
    return state.rules


ReadsDep = Annotated[Reads, Depends(_reads)]
StoreDep = Annotated[ConcurrentStore, Depends(_store)]
EditorDep = Annotated[Editor, Depends(_editor)]
SettingsDep = Annotated[Settings, Depends(_settings)]
RuleConfigDep = Annotated[RuleConfig, Depends(_rule_config)]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A token made by `iqa token new` (`Authorization: Bearer iqa_…`). Roles: reader (read), "
                "editor (also write and upload), admin (also read the audit trail).",
)
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="iqa-graph"'}


def current_principal(state: Iqa, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
    """The token holder, or None when the request carries no bearer token; 401 for an unknown token."""
    if credentials is None:
        return None
    principal = state.tokens.authenticate(credentials.credentials)
    if principal is None:
        raise ApiProblem(401, "unauthorized", "the bearer token is not valid",
                         headers={"WWW-Authenticate": 'Bearer realm="iqa-graph", error="invalid_token"'})
    return principal


def anonymous_read(state: Iqa, request: Request) -> bool:
    """Whether this request may read without a token: ``state.anonymous_read_for`` the local
    address of its socket (the ASGI ``server``), proxied when it carries a proxy header."""
    server = request.scope.get("server")
    host = str(server[0]) if server else None
    proxied = any(name in request.headers for name in PROXY_HEADERS)
    return state.anonymous_read_for(host, proxied=proxied)


def _require(role: Role):
    async def dependency(request: Request,
                         credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
        state = _started(request)
        principal = current_principal(state, credentials)
        if principal is None:
            if role == "reader" and anonymous_read(state, request):
                return ANONYMOUS_READER
            raise ApiProblem(401, "unauthorized", "this request needs a bearer token (Authorization: Bearer iqa_…)"
                             + ("" if role != "reader" else "; anonymous reads are off on this server"),
                             headers=_CHALLENGE)
        if not principal.can(role):
            raise ApiProblem(403, "forbidden", f"the token {principal.name!r} has role {principal.role}; "
                             f"this needs {role}", required_role=role, role=principal.role)
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


require_reader = _require("reader")
require_editor = _require("editor")
require_admin = _require("admin")

ReaderAuth = Annotated[Principal, Depends(require_reader)]
EditorAuth = Annotated[Principal, Depends(require_editor)]
AdminAuth = Annotated[Principal, Depends(require_admin)]
