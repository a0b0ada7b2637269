"""``iqa``: the command-line front end. Parsing and output only; every answer comes from the core
object ``graph.app.Iqa``.

The typer app lives in ``cli/app.py``; importing this module registers every command on it (the
order of the imports is the order of ``iqa --help``). The console script is ``cli.main:app``.
"""

from __future__ import annotations

from cli.app import app
# Each module registers its commands on import; this order is the order of `iqa --help`.
from cli import graph_cmd, serve_cmd, ui_cmd, diagnose_cmd, history_cmd  # noqa: F401, I001

__all__ = ["app"]

if __name__ == "__main__":
    app()
