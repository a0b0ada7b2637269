"""The `iqa serve` command (the HTTP API with uvicorn) and `iqa token new`; registered on
``cli.app.app`` when imported. Parsing and printing only: the app is ``api.main.create_app``."""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from cli.app import EXIT_STORE, EXIT_USAGE, app, err, fail, settings, state

if TYPE_CHECKING:
    from graph.settings import Settings

token_app = typer.Typer(help="API bearer tokens: make one (only its hash is configured).", no_args_is_help=True)


def uvicorn_options(chosen: Settings) -> dict[str, Any]:
    """The uvicorn settings ``iqa serve`` runs with, all explicit: proxy headers believed only
    from ``api.forwarded_allow_ips`` (none by default: ``proxy_headers`` off, so no client can
    pose as another by sending ``X-Forwarded-For``), ``limit_concurrency`` (503 beyond it) and
    ``timeout_keep_alive`` from the configuration, no ``Server`` header."""
    proxies = list(chosen.api_forwarded_allow_ips)
    return {"host": chosen.api_host, "port": chosen.api_port,
            "proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or [],
            "limit_concurrency": chosen.api_limit_concurrency,
            "timeout_keep_alive": chosen.api_timeout_keep_alive,
            "server_header": False, "log_level": "info"}


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="address to bind; requests without a token may read only "
                                      "when they come in on loopback (unless api.anonymous_read is set)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="worker processes; more than 1 needs a Neo4j "
                                         "store (an embedded store is served by one process)")] = 1,
) -> None:
    """Serve the HTTP API (/api/v1, docs at /api/v1/docs) on the store selected by --store."""
    import uvicorn

    from api.main import create_app
    from graph.app import Iqa
    from graph.auth import TokenRegistry, is_loopback
    from graph.errors import IqaError
    from graph.stores import backend_of

    chosen = settings(api_host=host, api_port=port)
    if workers > 1 and backend_of(chosen.store) != "neo4j":
        err.print(f"[bold red]error:[/bold red] --workers {workers} needs a Neo4j store: the embedded store "
                  f"({escape(str(chosen.store))}) is one SQLite file that one process writes at a time, and each "
                  "worker would keep its own kept results and its own count of failed logins. One process "
                  "serves concurrent reads from several threads: serve it with --workers 1, or copy it to Neo4j "
                  "(iqa push --to bolt://HOST:7687) and serve with --store bolt://HOST:7687.",
                  highlight=False)
        raise typer.Exit(EXIT_USAGE)
    try:
        api = create_app(chosen)  # refuses a bad configuration now; the store opens when uvicorn starts
        tokens = len(TokenRegistry(chosen.api_tokens))
    except IqaError as exc:
        raise fail(exc) from None
    anonymous = chosen.api_anonymous_read
    reads = ("anonymous reads allowed" if anonymous else "reads need a token") if anonymous is not None else \
        "anonymous reads on loopback connections only"
    err.print(f"iqa-graph API on http://{host if ':' not in host else f'[{host}]'}:{port}/api/v1 — store "
              f"{chosen.store}, {tokens} token(s), {reads}", highlight=False)
    if not is_loopback(host) and tokens == 0:
        err.print("[yellow]warning:[/yellow] bound beyond loopback with no tokens configured: "
                  "make one with `iqa token new`", highlight=False)
    if not is_loopback(host) and chosen.api_allowed_hosts is None:
        err.print(f"[yellow]note:[/yellow] only the Host names {', '.join(chosen.allowed_hosts())} are answered: "
                  "set api.allowed_hosts to the server's name", highlight=False)
    if workers == 1:
        server = uvicorn.Server(uvicorn.Config(api, **uvicorn_options(chosen)))
        quiet = _StartupTraceback(api)
        logging.getLogger("uvicorn.error").addFilter(quiet)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        except SystemExit:  # uvicorn's own exit when the start-up fails
            pass
        finally:
            logging.getLogger("uvicorn.error").removeFilter(quiet)
        failed = getattr(api.state, "startup_error", None)
        if failed is not None:  # the store could not be opened: one line, its exit code
            raise fail(failed)
        if not server.started:
            raise typer.Exit(EXIT_STORE)
        return
    # Several processes: each worker builds its own app from the environment (the same settings:
    # the store, the configuration file, host and port), so hand them over there — after one
    # opening here, so that a store that cannot be opened is one line and not a failing worker each.
    try:
        Iqa(chosen).close()
    except IqaError as exc:
        raise fail(exc) from None
    os.environ.update({"IQA_STORE": str(chosen.store), "IQA_API_HOST": host, "IQA_API_PORT": str(port)})
    if state.options.get("config") is not None:
        os.environ["IQA_CONFIG"] = str(state.options["config"])
    err.print(f"{workers} worker processes", highlight=False)
    uvicorn.run("api.main:create_app", factory=True, workers=workers, **uvicorn_options(chosen))


class _StartupTraceback(logging.Filter):
    """Drops the traceback uvicorn logs when the app's lifespan fails on an ``IqaError`` (a store
    that cannot be opened): ``iqa serve`` prints that error as one line instead. Any other failure
    keeps its traceback."""

    def __init__(self, api: Any):
        super().__init__()
        self.api = api

    def filter(self, record: logging.LogRecord) -> bool:
        failed = getattr(self.api.state, "startup_error", None)
        return not (failed is not None and str(record.msg).startswith("Traceback"))


@token_app.command("new")
def token_new(
    name: Annotated[str, typer.Option("--name", help="who holds it (shown in the audit trail)")],
    role: Annotated[str, typer.Option("--role", help="reader | editor | admin")] = "reader",
) -> None:
    """Make a random token: print it once (give it to its holder) and the configuration entry
    holding only its SHA-256 (paste it under `api: tokens:` in iqa.yaml, or into IQA_API_TOKENS)."""
    from pydantic import ValidationError as PydanticError

    from graph.auth import ROLES, new_token, token_entry, yaml_line

    if role not in ROLES:
        raise typer.BadParameter(f"use one of {', '.join(ROLES)}", param_hint="--role")
    token = new_token()
    try:
        entry = token_entry(name, role, token)  # type: ignore[arg-type]
    except PydanticError as exc:
        raise typer.BadParameter(exc.errors()[0]["msg"], param_hint="--name") from None
    typer.echo(f"token (shown once; give it to {name}):\n\n  {token}\n")
    typer.echo("iqa.yaml (under api: tokens:):\n")
    typer.echo("api:\n  tokens:\n    " + yaml_line(entry) + "\n")
    typer.echo("or the environment (a JSON list of all tokens):\n")
    typer.echo("  IQA_API_TOKENS='" + json.dumps([entry.model_dump()], ensure_ascii=False) + "'")



app.add_typer(token_app, name="token")
