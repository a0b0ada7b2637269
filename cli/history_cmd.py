"""Change over time: ``log``, ``history``, ``diff``, ``baseline``, ``review`` and ``suspects``;
registered on ``cli.app.app`` when imported. Parsing and output only: the answers come from
``graph.app.Iqa`` (graph/history). The ``--at`` option of check, trace, owner, impact and
diagnose is ``cli.app.AtOption``."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from cli.app import app, console, opened, print_json
from graph.history.recorder import os_user


def _formats(fmt: str, allowed: tuple[str, ...] = ("table", "json")) -> None:
    if fmt not in allowed:
        raise typer.BadParameter(f"use {' or '.join(allowed)}", param_hint="--format")


def _fields(fields: dict[str, list[Any]]) -> str:
    return "; ".join(f"{k}: {v[0]!r} → {v[1]!r}" for k, v in fields.items())


@app.command("log")
def log_(fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table") -> None:
    """The revisions of the store, newest first: who wrote what, when, from which files."""
    _formats(fmt)
    with opened() as iqa:
        data = iqa.log()
    if fmt == "json":
        print_json(data)
        return
    table = Table(title=f"修订 revisions: {len(data['revisions'])}")
    for col in ("rev", "at (UTC)", "who", "source", "files", "nodes +/~/−", "edges +/−"):
        table.add_column(col, overflow="fold")
    for r in data["revisions"]:
        c = r["changes"]
        files = ", ".join(f"{f['name']} ({f['sha256'][:12]})" for f in r["files"])
        table.add_row(str(r["rev"]), r["at"], escape(r["who"]), escape(r["source"]), escape(files),
                      f"{c['nodes_added']}/{c['nodes_changed']}/{c['nodes_removed']}",
                      f"{c['edges_added']}/{c['edges_removed']}")
    console.print(table)


@app.command()
def history(
    node: Annotated[str, typer.Argument(help="Kind:code (also of a node since removed) or a bare code")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Each version of a node: its revision, the fields that changed (before → after), the edges
    added or removed at it, and the reviews of its links."""
    _formats(fmt)
    with opened() as iqa:
        data = iqa.history(node)
    if fmt == "json":
        print_json(data)
        return
    table = Table(title=f"历史 history of {escape(data['id'])}")
    for col in ("rev", "at (UTC)", "who", "op", "fields", "edges"):
        table.add_column(col, overflow="fold")
    for v in data["versions"]:
        edges = [f"+ {e['source']} -{e['type']}-> {e['target']}" for e in v["edges_added"]]
        edges += [f"− {e['source']} -{e['type']}-> {e['target']}" for e in v["edges_removed"]]
        edges += [f"reviewed link from {r['parent']}" for r in v["reviews"]]
        table.add_row(str(v["rev"]), v["at"], escape(v["who"]), v["op"] or "—", escape(_fields(v["fields"])),
                      escape("\n".join(edges)))
    console.print(table)


@app.command()
def diff(
    start: Annotated[Optional[str], typer.Argument(metavar="[FROM]", help="revision, date (YYYY-MM-DD) or baseline; default the revision before the latest")] = None,
    end: Annotated[Optional[str], typer.Argument(metavar="[TO]", help="revision, date or baseline; default the latest")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """What changed between two revisions: nodes added, removed and changed (field by field),
    edges added and removed."""
    _formats(fmt)
    with opened() as iqa:
        data = iqa.diff(start, end)
    if fmt == "json":
        print_json(data)
        return
    n, e = data["nodes"], data["edges"]
    console.print(f"diff {data['from']} → {data['to']}: nodes +{len(n['added'])} −{len(n['removed'])} "
                  f"~{len(n['changed'])}, edges +{len(e['added'])} −{len(e['removed'])}")
    for nid in n["added"]:
        console.print(f"[green]+ {escape(nid)}[/green]", highlight=False)
    for nid in n["removed"]:
        console.print(f"[red]− {escape(nid)}[/red]", highlight=False)
    for c in n["changed"]:
        console.print(f"[yellow]~ {escape(c['id'])}[/yellow] {escape(_fields(c['fields']))}", highlight=False)
    for sign, colour, key in (("+", "green", "added"), ("−", "red", "removed")):
        for x in e[key]:
            console.print(f"[{colour}]{sign} {escape(x['source'])} -{x['type']}-> {escape(x['target'])}[/{colour}]",
                          highlight=False)


@app.command()
def baseline(name: Annotated[str, typer.Argument(help="e.g. 2025年度诊改基线")]) -> None:
    """Name the current revision, so that the graph of then can be recalled (--at NAME) and
    compared (iqa diff NAME) by name."""
    with opened() as iqa:
        data = iqa.baseline(name, who=os_user())
    console.print(f"baseline {escape(data['name'])} = revision {data['rev']}")


@app.command()
def review(
    node: Annotated[str, typer.Argument(help="the child whose suspect links were reviewed (Kind:code or code)")],
    parent: Annotated[Optional[str], typer.Option("--from", help="only the link from this parent")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text | json")] = "text",
) -> None:
    """Mark a node's suspect links (CH001) as reviewed by its owner: one revision."""
    _formats(fmt, ("text", "json"))
    with opened() as iqa:
        data = iqa.review(node, who=os_user(), parent=parent)
    if fmt == "json":
        print_json(data)
    elif not data["reviewed"]:
        console.print(f"{escape(data['child'])}: no suspect link to review")
    else:
        for s in data["reviewed"]:
            console.print(f"reviewed {escape(s['parent'])} -{s['type']}- {escape(s['child'])} "
                          f"(changed {', '.join(s['fields'])} at revision {s['rev']})", highlight=False)
        console.print(f"revision {data['rev']}")


@app.command()
def suspects(
    unit: Annotated[Optional[str], typer.Option("--unit", help="only links routed to this org unit (code, id or name)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """The suspect links (CH001) with the owner who must review each."""
    _formats(fmt)
    with opened() as iqa:
        rows = iqa.suspects(unit=unit)
    if fmt == "json":
        print_json({"suspects": rows})
        return
    table = Table(title=f"待复核 suspect links: {len(rows)}")
    for col in ("child", "parent", "rev", "fields", "unit"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(escape(f"{r['child']} {r['name']}"), escape(f"{r['parent']} {r['parent_name']}"), str(r["rev"]),
                      ", ".join(r["fields"]), escape(str((r["owner"]["unit"] or {}).get("name", "—"))))
    console.print(table)
