"""A slow read never holds up the other requests: every read runs in a worker thread, so while an
unknown id is being looked up (its "did you mean" scans every node) ``/health`` still answers."""

from __future__ import annotations

import asyncio
import time

import httpx

from api.main import create_app
from graph.services import resolve
from graph.settings import Settings


def test_health_answers_while_an_unknown_id_is_looked_up(store, monkeypatch) -> None:
    real = resolve.suggest

    def slow_suggest(*args, **kwargs):  # a big college's scan, made slow on purpose: it blocks its thread
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(resolve, "suggest", slow_suggest)
    app = create_app(Settings(), store)

    async def scenario() -> tuple[float, bool, int]:
        async with app.router.lifespan_context(app):  # the store opens as a server starts it
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                unknown = asyncio.create_task(client.get("/api/v1/nodes/Target:NO-SUCH-GOAL"))
                await asyncio.sleep(0.2)  # the lookup is under way
                t = time.perf_counter()
                health = await client.get("/api/v1/health")
                elapsed = time.perf_counter() - t
                pending = not unknown.done()
                missing = await unknown
            assert health.status_code == 200
            return elapsed, pending, missing.status_code

    elapsed, pending, status = asyncio.run(scenario())
    assert status == 404
    assert pending and elapsed < 0.5, f"/health took {elapsed:.2f} s while the lookup ran"
