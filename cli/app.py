"""The ``iqa`` typer app and what every command shares: the global options (``--store``,
``--config``), the consoles, and :func:`opened`, which gives a command the core object
(``graph.app.Iqa``) built from the settings those options select.

The command modules (``cli/*_cmd.py``) import this module and register their commands on
:data:`app`; ``cli/main.py`` imports them all. Nothing here imports a command module, so the
imports run one way.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph.app import Iqa
from graph.errors import ConfigError, IqaError, StoreBusyError, StoreError
from graph.settings import Settings, load_settings
from graph.version import VERSION

app = typer.Typer(
    help="iqa-graph: the knowledge graph of a college's internal quality assurance (诊改).",
    pretty_exceptions_enable=False,
    add_completion=True,
)

#: What ``iqa`` alone prints: the few commands a new user needs first.
GETTING_STARTED = """iqa-graph {version}: the knowledge graph of a college's internal quality assurance (诊改).

Getting started:
  iqa demo                     build the demo college in iqa.sqlite and show what iqa finds
  iqa template 模板.xlsx        an empty workbook with every sheet, to fill in
  iqa load 工作簿.xlsx           load your workbook (all or nothing; --partial keeps the good rows)
  iqa check                    the consistency findings, routed to the units that must fix them
  iqa trace MB-S01             a school goal down to the tasks, with their owners
  iqa owner ZK-58              who owns an indicator, and why
  iqa serve / iqa ui           the HTTP API / the web UI on the same store

iqa --help lists every command; iqa COMMAND --help explains one.
Shell completion: iqa --install-completion"""


def _version(value: bool) -> None:
    if value:
        console.print(f"iqa-graph {VERSION}", markup=False, highlight=False)
        raise typer.Exit()
#: Results (standard output).
console = Console()
#: Errors, hints and progress (standard error).
err = Console(stderr=True)


class State:
    """The global options of this invocation (``--store``, ``--config``; None = not given)."""

    options: dict[str, Any] = {}


state = State()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    store: Annotated[Optional[str], typer.Option("--store", envvar="IQA_STORE", help="SQLite file, :memory: or neo4j:// URI (default iqa.sqlite)")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", envvar="IQA_CONFIG", help="YAML configuration: checks: and api: sections (default: iqa.yaml if present)")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")] = False,
) -> None:
    state.options = {"store": store, "config": config}
    if ctx.invoked_subcommand is None:
        console.print(GETTING_STARTED.format(version=VERSION), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit()


#: Exit codes (README, docs/reliability.md), the one table every command follows:
#: 0 done; 1 findings (``iqa check`` found an error-severity finding); 2 a usage error — the
#: command line (click's own code for an unknown option or choice, a bad option value) or the
#: configuration cannot be used; 3 the store is locked by another process (try again); 4 the
#: store cannot be opened or written (read-only, disk full, not an iqa-graph store, server
#: unreachable); 5 a data error — the input (a workbook, a sheet, standard input) cannot be
#: loaded, or an id names no node or several, or the ontology refuses an edit. Nothing was written
#: for 2 to 5.
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUSY, EXIT_STORE, EXIT_DATA = 0, 1, 2, 3, 4, 5


def exit_code(exc: IqaError) -> int:
    """The documented exit code for ``exc``: :data:`EXIT_BUSY` for a locked store,
    :data:`EXIT_STORE` for any other StoreError, :data:`EXIT_USAGE` for a ConfigError, and
    :data:`EXIT_DATA` for every other IqaError (IngestError, NotFoundError, AmbiguousIdError,
    ValidationError …)."""
    if isinstance(exc, StoreBusyError):
        return EXIT_BUSY
    if isinstance(exc, StoreError):
        return EXIT_STORE
    if isinstance(exc, ConfigError):
        return EXIT_USAGE
    return EXIT_DATA


def usage_error(message: str) -> typer.Exit:
    """Print ``message`` as an error on standard error; the Exit to raise (:data:`EXIT_USAGE`).
    For a usage problem that is not one option's value (those raise ``typer.BadParameter``,
    which click answers with the same code)."""
    err.print(f"[bold red]error:[/bold red] {escape(message)}", markup=True, highlight=False)
    return typer.Exit(EXIT_USAGE)


def fail(exc: IqaError) -> typer.Exit:
    """Print ``exc`` on standard error; the Exit to raise (code by :func:`exit_code`)."""
    err.print(f"[bold red]error:[/bold red] {escape(str(exc))}", markup=True, highlight=False)
    return typer.Exit(exit_code(exc))


@contextmanager
def output_to(path: Path) -> Iterator[Path | io.BytesIO]:
    """Where a command writes its file. For a path: a new private (0600) file beside it — the
    files name people (``graph.files``) — that replaces ``path`` when the block ends, so a failed
    write leaves neither an empty nor a half-written file (an existing ``path`` keeps its mode:
    the administrator's choice). For ``-``: a buffer sent to standard output when the block ends
    (``-o -``: the result on stdout, the status line on stderr). OSError when the folder cannot be
    written."""
    if str(path) == "-":
        buffer = io.BytesIO()
        yield buffer
        sys.stdout.flush()
        sys.stdout.buffer.write(buffer.getvalue())
        sys.stdout.buffer.flush()
        return
    import os
    import tempfile

    path = Path(path)
    # mkstemp creates the file 0600; the suffix is kept so that writers choosing a format by it agree
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".part{path.suffix}")
    os.close(fd)
    part = Path(name)
    try:
        yield part
        if path.exists():
            os.chmod(part, path.stat().st_mode & 0o777)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def shown(path: Path) -> str:
    """How a status line names an output: the path, or "standard output" for ``-``."""
    return "standard output" if str(path) == "-" else str(path)


def located(p: Any) -> str:
    """A problem as ``location: reason`` (a dict of a JSON report, or a Problem), escaped so that
    text from the data is printed as written, never read as terminal markup."""
    return escape(f"{p['location']}: {p['reason']}" if isinstance(p, dict) else str(p))


def settings(**overrides: Any) -> Settings:
    """The settings the global options select, with ``overrides`` (e.g. ``api_host``). A bad
    configuration is a message on standard error and :data:`EXIT_USAGE`."""
    try:
        return load_settings(**state.options, **overrides)
    except IqaError as exc:
        raise fail(exc) from None


#: The ``--at`` option of the reading commands: the graph as it was at a revision, date or baseline.
AtOption = Annotated[Optional[str], typer.Option(
    "--at", metavar="REV|DATE|BASELINE",
    help="read the graph as it was at a revision number, a date (YYYY-MM-DD) or a baseline name")]


@contextmanager
def opened(*, at: str | None = None, **overrides: Any) -> Iterator[Iqa]:
    """The core object (``graph.app.Iqa``) over the selected store and configuration, closed
    afterwards; with ``at``, over the graph as it was then (``Iqa.at``). An IqaError raised while
    it is open (or building it) becomes a message on standard error and its exit code
    (:func:`exit_code`), so commands need no handler of their own."""
    try:
        with Iqa(load_settings(**state.options, **overrides)) as iqa:
            yield iqa if at is None else iqa.at(at)
    except IqaError as exc:
        raise fail(exc) from None


@contextmanager
def opened_files(paths: list[Path], **overrides: Any) -> Iterator[Iqa]:
    """The core object over an in-memory store holding the workbooks, CSV sheets or folders of
    ``paths``, loaded as ``iqa load`` would (all or nothing) but never written anywhere: what
    ``iqa check PATH…`` checks. The configuration (``checks:``, ``limits:``) is the selected one.
    A file that cannot be loaded is a message naming where (file, sheet, row, column) and
    :data:`EXIT_DATA`, as for any IqaError (:func:`exit_code`)."""
    from graph.stores.embedded import EmbeddedStore
    from ingest import load_paths

    try:
        config = load_settings(**state.options, **overrides)
        store = EmbeddedStore(None, search_index=False)  # checked, then dropped: no search index
        loaded = load_paths(store, paths, limits=config.limits)
        for warning in loaded.to_dict().get("warnings", []):
            err.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
        with Iqa(config, store=store) as iqa:
            yield iqa
    except IqaError as exc:
        raise fail(exc) from None


@contextmanager
def busy(what: str) -> Iterator[None]:
    """A spinner on standard error saying ``what`` runs, from the first moment (a whole-graph
    command on a big college works for many seconds before it can print anything); nothing when
    standard error is not a terminal, so scripts and pipes see only the result."""
    if not err.is_terminal:
        yield
        return
    with err.status(escape(what), spinner="dots"):
        yield


def progress():
    """A rich progress bar and the ``(stage, done, total)`` callback ingest reports to."""
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err, transient=True, disable=not err.is_terminal)
    tasks: dict[str, int] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return bar, report


def _orjson_safe(data: Any) -> bool:
    """True when orjson writes ``data`` exactly as ``json.dumps(indent=2, ensure_ascii=False)``
    does: only dicts with text keys, lists, tuples, text, ints, booleans, None and floats whose
    text is the same in both (``0.6667``, ``11830.0``; not ``1e-05``, which orjson writes ``1e-5``,
    nor NaN: each distinct float is compared once); other keys and values are refused or
    converted. The walk skips text, ints, booleans and None by their exact type (most values of
    a 250 MB diagnosis), so only containers and floats cost a step."""
    import orjson

    floats: dict[float, bool] = {}
    scalar = {str, int, bool, type(None)}
    stack = [data]
    pop, push = stack.pop, stack.append
    while stack:
        x = pop()
        t = type(x)
        if t is not dict and t is not list and t is not tuple and t is not float:  # subclasses, the root
            if isinstance(x, dict):
                t = dict
            elif isinstance(x, (list, tuple)):
                t = list
            elif isinstance(x, float):
                t = float
            elif x is None or isinstance(x, (str, int)):
                continue
            else:
                return False
        if t is dict:
            for k in x:
                if type(k) is not str and not isinstance(k, str):
                    return False
            for v in x.values():
                if type(v) not in scalar:
                    push(v)
        elif t is float:
            same = floats.get(x)
            if same is None:
                text = float.__repr__(x)
                try:
                    same = orjson.dumps(x).decode() == text
                except (orjson.JSONEncodeError, TypeError):
                    same = False
                if x == x:  # NaN is never a key found again
                    floats[x] = same
            if not same:
                return False
        else:
            for v in x:
                if type(v) not in scalar:
                    push(v)
    return True


def print_json(data: Any) -> None:
    """``data`` as indented JSON (UTF-8, not ASCII-escaped, two spaces: the text
    ``json.dumps(data, ensure_ascii=False, indent=2)`` gives) on standard output. Encoded by orjson
    when it gives that same text (:func:`_orjson_safe`; a 300 MB diagnosis in about a second
    instead of ten, written as bytes without holding it twice as text), else by the standard
    library (floats, non-text keys, integers beyond 64 bits)."""
    if _orjson_safe(data):
        import orjson

        try:
            body = orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
        except (orjson.JSONEncodeError, TypeError):  # an integer beyond 64 bits
            body = None
        if body is not None:
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is None:
                sys.stdout.write(body.decode("utf-8"))
                return
            sys.stdout.flush()
            buffer.write(body)
            buffer.flush()
            return
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
