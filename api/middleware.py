"""ASGI middleware: the authentication gate (401 / 429 before a byte of the body is read) and the
request body limit (413) — enforced while the body streams in, so an oversized upload is never
read whole into memory or onto disk."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import ApiProblem, problem_response

if TYPE_CHECKING:
    from graph.app import Iqa

#: Methods that never write; every other method needs a token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token(headers: Headers) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None (no header, another
    scheme, or an empty token)."""
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def client_key(scope: Scope) -> str:
    """Who the failure limiter counts: the client's address (as uvicorn gives it: behind a trusted
    proxy, the address the proxy forwarded), or ``"?"``."""
    client = scope.get("client")
    return str(client[0]) if client else "?"


def _has_body(headers: Headers) -> bool:
    if "transfer-encoding" in headers:
        return True
    try:
        return int(headers.get("content-length") or 0) > 0
    except ValueError:
        return True


def started_core(scope: Scope) -> Iqa | None:
    """The core object of the app serving ``scope`` (``app.state.iqa``, set by the app's lifespan
    from start-up to shutdown), or None when the lifespan has not run."""
    app = scope.get("app")
    return getattr(app.state, "iqa", None) if app is not None else None


def not_started(path: str | None):
    """The 503 problem+json answered when the app's lifespan has not run (no store is open)."""
    return problem_response(None, 503, "not-started",
                            "the API has not started: its store is opened when the server starts "
                            "(the ASGI lifespan); run it with a server, or enter `with TestClient(app)`",
                            headers={"Retry-After": "1"}, instance=path, title="Store unavailable")


class AuthGate:
    """Authentication before the route runs (so before the body is read or parsed): a request with
    a bearer token the ``iqa.tokens`` registry does not know gets 401 at once and counts as a
    failure of its client (``iqa.auth_failures``); a client over the limit gets 429 with
    ``Retry-After`` (seconds) without its token being looked at; a request that may write
    (not GET / HEAD / OPTIONS) and carries a body but no token gets 401. Roles are checked by the
    routes (``api.deps``), which also answer body-less requests (405 for a wrong method …).

    The core object is the app's (``app.state.iqa``, reached through the ASGI ``scope["app"]``):
    it exists once the lifespan has opened the store; before that every request is 503
    ``not-started`` (:func:`not_started`)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path")
        iqa = started_core(scope)
        if iqa is None:
            await not_started(path)(scope, receive, send)
            return
        headers = Headers(scope=scope)
        token = bearer_token(headers)
        if token is not None:
            key = client_key(scope)
            wait = iqa.auth_failures.retry_after(key)
            if wait is not None:
                seconds = max(1, math.ceil(wait))
                response = problem_response(None, 429, "too-many-failures",
                                            f"too many failed authentications; try again in {seconds} s",
                                            headers={"Retry-After": str(seconds)}, instance=path)
                await response(scope, receive, send)
                return
            if iqa.tokens.authenticate(token) is None:
                iqa.auth_failures.failed(key)
                response = problem_response(None, 401, "unauthorized", "the bearer token is not valid",
                                            headers={"WWW-Authenticate": 'Bearer realm="iqa-graph", error="invalid_token"'},
                                            instance=path)
                await response(scope, receive, send)
                return
        elif scope.get("method", "GET") not in SAFE_METHODS and _has_body(headers):
            response = problem_response(None, 401, "unauthorized",
                                        "this request needs a bearer token (Authorization: Bearer iqa_…)",
                                        headers={"WWW-Authenticate": 'Bearer realm="iqa-graph"'}, instance=path)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _too_large(max_bytes: int) -> str:
    return f"the request body is over the limit of {max_bytes} bytes ({max_bytes / 1048576:g} MB)"


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 problem+json: at once when the
    ``Content-Length`` header says so, otherwise as soon as the bytes received pass the limit
    (chunked uploads): the app's next read of the body raises an ``ApiProblem(413)``."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    response = problem_response(None, 413, "too-large", _too_large(self.max_bytes),
                                                instance=scope.get("path"), max_bytes=self.max_bytes)
                    await response(scope, receive, send)
                    return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise ApiProblem(413, "too-large", _too_large(self.max_bytes), max_bytes=self.max_bytes)
            return message

        await self.app(scope, limited, send)
