"""The `iqa ui` command; registered on ``cli.app.app`` when imported."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.app import EXIT_USAGE, app, settings

#: The Streamlit script of the UI.
APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"


def streamlit_command(port: int, address: str | None = None, max_upload_mb: float = 20.0) -> list[str]:
    """The command that serves the UI: ``python -m streamlit run ui/app.py`` headless, with
    telemetry off, on ``port`` (and ``address`` when given); uploads capped at ``max_upload_mb``
    (``server.maxUploadSize``, whole MB, rounded up), no error details (tracebacks) shown to users,
    XSRF protection on."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP),
           "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
           "--server.maxUploadSize", str(max(1, math.ceil(max_upload_mb))),
           "--client.showErrorDetails", "none", "--server.enableXsrfProtection", "true"]
    if address:
        cmd += ["--server.address", address]
    return cmd


def ui_environment(store: str, config: Path | None = None) -> dict[str, str]:
    """This process's environment with the CLI's store (and configuration file) selection passed
    on as ``IQA_STORE`` (``IQA_CONFIG``), so the UI opens what the CLI would."""
    env = dict(os.environ)
    env["IQA_STORE"] = store
    if config is not None:
        env["IQA_CONFIG"] = str(config)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    return env



@app.command()
def ui(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="port to serve on")] = 8501,
    address: Annotated[str, typer.Option(
        "--address", help="address to bind; anything but loopback needs API tokens configured "
                          "(users sign in with them) or api.anonymous_read: true")] = "127.0.0.1",
) -> None:
    """Start the web UI (Streamlit) on the store selected by --store / IQA_STORE; Ctrl-C stops it.

    The UI follows the API's access rules (docs/security.md): sign-in with an API token, reading
    without one only on loopback, loading for editors only. Binding beyond loopback is refused
    (exit 2) when no tokens are configured and api.anonymous_read is not true: nobody could sign in."""
    from graph.auth import is_loopback

    chosen = settings()
    if not is_loopback(address or "0.0.0.0") and not chosen.api_tokens and chosen.api_anonymous_read is not True:
        typer.secho(f"error: --address {address or '(all)'} serves other machines, and no API tokens are configured: "
                    "nobody could sign in. Make tokens with `iqa token new` (api.tokens in iqa.yaml), "
                    "or set api.anonymous_read: true to let anyone who reaches it read.", fg="red", err=True)
        raise typer.Exit(EXIT_USAGE)
    host = "localhost" if address in ("127.0.0.1", "localhost", "") else address
    typer.echo(f"iqa ui: store {chosen.store} — http://{host}:{port}", err=True)
    try:
        code = subprocess.call(streamlit_command(port, address or None, chosen.api_max_upload_mb),
                               env=ui_environment(chosen.store, chosen.config))
    except KeyboardInterrupt:
        code = 0
    except OSError as exc:
        typer.secho(f"error: cannot start streamlit: {exc}", fg="red", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    raise typer.Exit(code)
