"""The API's floor, for ``bench_api.py --floor``: the app ``iqa serve`` runs, with the same uvicorn
settings, plus one route that does no work — ``GET /api/v1/floor/{id}/owner`` takes the owner
route's parameters and dependencies (the node id, the read, the reader's authentication) and
answers a fixed owner answer of the usual size without reading the store. What 50 clients measure
on it is what the HTTP server, the middleware and FastAPI cost before any answer is looked up.
With ``--bare``: a plain ASGI callable answering the same bytes to every request, under the same
uvicorn settings — what uvicorn and the bench's clients cost alone.

    python bench/floor_server.py STORE PORT [--bare]

Figures only — this is not a test and not part of the product.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# At module level: FastAPI reads the route's annotations (strings here) in this module's globals.
import uvicorn  # noqa: E402
from fastapi.responses import Response  # noqa: E402

from api.deps import ReaderAuth, ReadsDep  # noqa: E402
from api.main import create_app  # noqa: E402
from api.routes._common import NodeRef  # noqa: E402
from cli.serve_cmd import uvicorn_options  # noqa: E402
from graph.settings import load_settings  # noqa: E402

#: A typical owner answer (``GET /api/v1/indicators/{id}/owner``), ~300 bytes.
BODY = ('{"node":"Indicator:ZK-58","owner":{"person":{"id":"Person:T0110","name":"袁杰嘉"},'
        '"post":{"id":"Post:XB01-P01","name":"机械工程系主任"},"unit":{"id":"OrgUnit:XB01","name":"机械工程系"}},'
        '"inherited_from":"Target:MB-D-XB02-2","chain":[{"from":"Indicator:ZK-58","edge":"measures",'
        '"to":"Target:MB-D-XB02-2"}]}').encode()


async def bare(scope, receive, send) -> None:
    """The same answer to every HTTP request, with nothing in between (no routing, no middleware)."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})


def main(argv: list[str] | None = None) -> None:
    """Serve the floor app (or with ``--bare`` the bare ASGI callable) on 127.0.0.1:PORT over
    STORE until stopped."""
    args = argv if argv is not None else sys.argv[1:]
    store, port = args[:2]
    chosen = load_settings(store=store, api_host="127.0.0.1", api_port=int(port))
    if "--bare" in args[2:]:
        uvicorn.Server(uvicorn.Config(bare, lifespan="off", **uvicorn_options(chosen))).run()
        return
    app = create_app(chosen)

    @app.get("/api/v1/floor/{node_id:path}/owner")
    async def floor(node_id: NodeRef, reads: ReadsDep, _: ReaderAuth) -> Response:
        return Response(BODY, media_type="application/json")

    # matched first (the owner route is matched after a few others): the floor is the cheapest case
    app.router.routes.insert(0, app.router.routes.pop())
    uvicorn.Server(uvicorn.Config(app, **uvicorn_options(chosen))).run()


if __name__ == "__main__":
    main()
