"""The interactive API docs (Swagger UI at ``/api/v1/docs``, ReDoc at ``/api/v1/redoc``) served
with their scripts, styles and icon from iqa itself, so they work on a machine without internet.

The assets are those shipped by the ``fastapi-offline`` package (Swagger UI and ReDoc, each under
its own MIT licence, kept in that package's metadata); FastAPI's own pages would load them from a
CDN. The pages are FastAPI's ``get_swagger_ui_html`` / ``get_redoc_html`` pointed at local URLs.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: Where the assets are served, below the API prefix.
ASSETS_PATH = "/docs-assets"


def assets_dir() -> str:
    """The folder holding ``swagger-ui-bundle.js``, ``swagger-ui.css``, ``redoc.standalone.js`` and
    ``favicon.png`` (of the installed ``fastapi-offline`` package)."""
    return str(files("fastapi_offline") / "static")


def install_docs(app: FastAPI, prefix: str) -> None:
    """Serve ``{prefix}/docs`` (Swagger UI), ``{prefix}/docs/oauth2-redirect`` and ``{prefix}/redoc``
    (ReDoc) over ``app.openapi_url``, with every asset under ``{prefix}/docs-assets``. The app must
    be built with ``docs_url=None, redoc_url=None`` (FastAPI's CDN pages)."""
    assets = prefix + ASSETS_PATH
    app.mount(assets, StaticFiles(directory=assets_dir()), name="docs-assets")
    redirect = f"{prefix}/docs/oauth2-redirect"

    @app.get(f"{prefix}/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{redirect}",
            swagger_js_url=f"{root}{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{assets}/swagger-ui.css",
            swagger_favicon_url=f"{root}{assets}/favicon.png",
            # no validator badge: it would be fetched from the internet
            swagger_ui_parameters={"validatorUrl": None, **(app.swagger_ui_parameters or {})},
        )

    @app.get(redirect, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(f"{prefix}/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{assets}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{assets}/favicon.png",
            with_google_fonts=False,
        )
