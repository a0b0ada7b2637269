"""ASGI middleware: the request body limit (413) — enforced while the body streams in, so an
oversized upload is never read whole into memory or onto disk."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import ApiProblem, problem_response


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
