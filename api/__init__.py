"""The HTTP API (FastAPI): ``api.main.create_app``; routes in ``api.routes``. It only translates
HTTP to the ``graph.services`` layer."""
