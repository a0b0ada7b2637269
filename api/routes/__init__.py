"""The API's routers. ``api.main.create_app`` includes every router of :data:`ROUTERS` under
``/api/v1``, in this order; a front end adds its routes by appending its router here (paths are
relative to ``/api/v1``; use ``api.deps`` for the store, the editor and the ``ReaderAuth`` /
``EditorAuth`` / ``AdminAuth`` role checks, and ``api.problems.problem_responses`` for errors)."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import audit, checks, diagnosis, edges, export, health, history, load, nodes, ontology, owners, trace

ROUTERS: list[APIRouter] = [
    health.router,
    history.router,  # before nodes: /nodes/{id}/history and /review are not node ids
    nodes.router,
    edges.router,
    trace.router,
    owners.router,
    checks.router,
    ontology.router,
    export.router,
    load.router,
    audit.router,
    diagnosis.router,
]
