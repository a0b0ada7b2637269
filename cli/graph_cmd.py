"""The graph's commands: ``init``, ``load``, ``demo``, ``check``, ``trace``, ``owner``, ``impact``,
``export``, ``template``, ``stats``, ``push``, ``pull``, ``rules``; registered on ``cli.app.app``
when imported. Parsing and output only: every answer comes from ``graph.app.Iqa``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from cli.app import app, console, fail, located, opened, opened_files, print_json, progress, settings
from graph.errors import IqaError


@app.command()
def init() -> None:
    """Create an empty store (or open an existing one) and say where it is."""
    with opened() as iqa:
        console.print(f"store ready: {iqa.store.location} ({iqa.store.count_nodes()} nodes)")


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help=".xlsx workbooks, .csv sheets, folders of them, or RDF (.ttl/.jsonld)")],
    partial: Annotated[bool, typer.Option("--partial", help="load the good rows and report the bad ones")] = False,
) -> None:
    """Load workbooks into the store: all or nothing unless --partial."""
    from ingest import load_paths

    with opened() as iqa:
        bar, report = progress()
        with bar:
            result = load_paths(iqa.store, files, partial=partial, progress=report, limits=iqa.settings.limits)
        _print_load_report(result)


def _print_load_report(result) -> None:
    data = result.to_dict()
    console.print(f"loaded: {data.get('nodes_written', 0)} nodes, {data.get('edges_written', 0)} edges")
    for w in data.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {escape(w)}", highlight=False)
    for n in data.get("normalised", []):
        console.print(f"[cyan]normalised:[/cyan] {escape(n['location'])}: {escape(n['read'])} → "
                      f"{escape(n['stored'])}", highlight=False)
    for p in data.get("dropped", []):
        console.print(f"[yellow]dropped cell (row kept):[/yellow] {located(p)}", highlight=False)
    for p in data.get("problems", []):
        console.print(f"[red]skipped:[/red] {located(p)}", highlight=False)


@app.command()
def demo(
    force: Annotated[bool, typer.Option("--force", help="replace a store that holds other data")] = False,
    students: Annotated[int, typer.Option("--students", min=0, help="grow the demo college by this many generated students")] = 0,
    teachers: Annotated[Optional[int], typer.Option("--teachers", min=0, help="generated teachers (default: one per 20 students)")] = None,
) -> None:
    """The main job: a fresh store with the demo college and 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表7, then the check summary,
    the trace of one school goal down to teacher tasks, and one owner answer. --students N
    [--teachers M] grows the demo college to any size, keeping every code of the plain demo
    (MB-S01, ZK-58, RW-0002 …), so every example works at any size."""
    from graph.checks import RULES
    from seed.demo import demo_as_of, load_demo, pick_owner_example, pick_school_goal, reset_store

    from cli.render import findings_table, focus_trace, owner_panel, summary_table, trace_tree

    with opened() as iqa:
        store = iqa.store
        reset_store(store, force=force)
        bar, report = progress()
        with bar:
            load_demo(store, progress=report, students=students, teachers=teachers)
        console.rule("[bold]示例职业技术学院 demo college")
        console.print(f"store: {store.location} — {store.count_nodes()} nodes, {store.count_edges()} edges")
        result = iqa.check(as_of=demo_as_of()).to_dict()
        console.print(summary_table(result["summary"], RULES))
        mismatches = [f for f in result["findings"] if f["rule"] == "IS001"]
        console.print(findings_table(mismatches, CHECK_TABLE_LIMIT))
        console.rule("[bold]追溯 trace: a school goal down to teacher tasks")
        goal = pick_school_goal(store)
        console.print(trace_tree(focus_trace(iqa.trace(goal))))
        console.rule("[bold]责任 owner: who owns this indicator")
        owner_panel(console, iqa.owner(pick_owner_example(store)).to_dict())
        console.print(f"\nnext: [bold]iqa check[/bold], [bold]iqa trace {goal.code}[/bold], [bold]iqa ui[/bold]")


#: Findings the table shows unless --limit or --all says otherwise.
CHECK_TABLE_LIMIT = 50
#: Units the by-unit summary shows unless --all.
CHECK_UNIT_LIMIT = 20
#: Levels ``iqa trace`` shows as a tree unless --depth or --all.
TRACE_DEPTH = 3


@app.command()
def check(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="workbooks, CSV sheets or folders to check directly, without a store (default: check the store)")] = None,
    rule: Annotated[Optional[list[str]], typer.Option("--rule", help="only this rule id (repeatable)")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", help="only findings routed to this unit (code, id or name)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json | xlsx")] = "table",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="file for --format xlsx (default 整改清单.xlsx)")] = None,
    as_of: Annotated[Optional[dt.datetime], typer.Option("--as-of", formats=["%Y-%m-%d"], help="check date (default today)")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="exit 0 even when errors are found")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="findings the table shows (errors first)")] = CHECK_TABLE_LIMIT,
    all_: Annotated[bool, typer.Option("--all", help="the table shows every finding and every unit")] = False,
) -> None:
    """Run the consistency rules on the store, or on workbooks / CSV files given as PATHs (nothing
    is written); exit 1 when an error-severity finding exists. The table prints the summary by rule
    and by unit, then the first --limit findings."""
    from graph.checks import RULES

    from cli.render import findings_table, shown_line, summary_table, unit_summary_table

    if fmt not in ("table", "json", "xlsx"):
        raise typer.BadParameter("use table, json or xlsx", param_hint="--format")
    day = as_of.date() if as_of else None
    with _checked_iqa(paths) as iqa:
        report = iqa.check(rules=rule, owner=owner, as_of=day)
        if fmt == "json":
            print_json(report.to_dict())
        elif fmt == "xlsx":
            from graph.services.rectification.findings import findings_to_xlsx  # openpyxl: only for xlsx

            path = output or Path("整改清单.xlsx")
            findings_to_xlsx(report, path)
            console.print(f"wrote {path} ({len(report.findings)} findings)")
        else:
            summary = report.summary()
            shown = report.findings if all_ else report.findings[:limit]
            console.print(summary_table(summary, RULES))
            console.print(unit_summary_table(summary, None if all_ else CHECK_UNIT_LIMIT))
            console.print(findings_table([f.to_dict() for f in shown]))
            line = shown_line(len(shown), len(report.findings))
            if line:
                console.print(line)
    if report.has_errors and not exit_zero:
        raise typer.Exit(1)


def _checked_iqa(paths: list[Path] | None):
    """The core object ``iqa check`` runs on: the selected store, or (PATHs given) an in-memory
    store holding those files."""
    if not paths:
        return opened()
    return opened_files(paths)


@app.command()
def trace(
    node: Annotated[str, typer.Argument(help="Kind:code or a bare code")],
    up: Annotated[bool, typer.Option("--up", help="trace up to the school goal and plan")] = False,
    depth: Annotated[Optional[int], typer.Option("--depth", min=0, help=f"levels to show (tree default {TRACE_DEPTH}; json default all)")] = None,
    all_: Annotated[bool, typer.Option("--all", help="every level (the tree's default is 3)")] = False,
    fmt: Annotated[str, typer.Option("--format", help="tree | json")] = "tree",
) -> None:
    """Trace a plan or target down to tasks, or (--up) a task up to its goal and plan. The tree
    shows 3 levels unless --depth or --all, and says what it cut; json gives every level unless
    --depth."""
    from cli.render import trace_cut, trace_tree

    if depth is None and not all_ and fmt != "json":
        depth = TRACE_DEPTH
    key = "parents" if up else "children"
    with opened() as iqa:
        result = iqa.trace(node, "up" if up else "down", None if all_ else depth)
        if fmt == "json":
            print_json(result)
            return
        console.print(trace_tree(result, key))
        cut, hidden = trace_cut(result, key)
        if cut:
            console.print(f"[dim]cut at depth {depth}: {hidden} entries below {cut} nodes not shown; "
                          "--depth N or --all for more[/dim]")


@app.command()
def owner(
    node: Annotated[str, typer.Argument(help="an indicator (or any node): Kind:code or a bare code")],
    fmt: Annotated[str, typer.Option("--format", help="text | json")] = "text",
) -> None:
    """Who owns this indicator (person, post, unit) and the chain of responsibility behind it."""
    from cli.render import owner_panel

    with opened() as iqa:
        answer = iqa.owner(node).to_dict()
        print_json(answer) if fmt == "json" else owner_panel(console, answer)


@app.command()
def impact(
    node: Annotated[str, typer.Argument(help="Kind:code or a bare code")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Everything downstream of a node, with its owners: who is affected by a change."""
    from rich.table import Table

    with opened() as iqa:
        result = iqa.impact(node)
        if fmt == "json":
            print_json(result)
            return
        table = Table(title=f"影响范围 impact of {escape(result['node'])}: {len(result['affected'])} nodes")
        for col in ("depth", "node", "name", "责任部门 unit", "责任人 person"):
            table.add_column(col, overflow="fold")
        for a in result["affected"]:
            o = a["owner"]
            table.add_row(str(a["depth"]), escape(a["id"]), escape(str(a["name"])),
                          escape(str((o["unit"] or {}).get("name", "—"))), escape(str((o["person"] or {}).get("name", ""))))
        console.print(table)
        units = ", ".join(f"{escape(str(u['name']))} ({u['count']})" for u in result["units"])
        console.print(f"units affected: {units or '—'}")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="ttl | jsonld | graphml")] = "ttl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="file (default: standard output)")] = None,
) -> None:
    """Export the whole graph as RDF (Turtle, JSON-LD) or GraphML."""
    from graph.export import export_graphml
    from graph.rdf import export_rdf

    if fmt not in ("ttl", "jsonld", "graphml"):
        raise typer.BadParameter("use ttl, jsonld or graphml", param_hint="--format")
    with opened() as iqa:
        text = export_graphml(iqa.store) if fmt == "graphml" else export_rdf(iqa.store, fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


@app.command()
def template(
    path: Annotated[Path, typer.Argument(help="where to write the empty workbook")] = Path("iqa-template.xlsx"),
) -> None:
    """Write an empty workbook with every sheet, its headers, an example row and 说明."""
    from ingest import write_template

    write_template(path)
    console.print(f"wrote {path}")


@app.command()
def stats(fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table") -> None:
    """Counts of nodes by kind and layer, and edges by type."""
    from rich.table import Table

    from graph.services.stats import graph_stats
    from ontology import get_ontology

    with opened() as iqa:
        data = graph_stats(iqa.store)
    if fmt == "json":
        print_json(data)
        return
    onto = get_ontology()
    table = Table(title=f"{data['nodes']} nodes, {data['edges']} edges")
    table.add_column("类别 kind")
    table.add_column("数量", justify="right")
    table.add_column("按层面 by layer", overflow="fold")
    for kind, n in data["by_kind"].items():
        layers = data["by_layer"].get(kind, {})
        table.add_row(escape(f"{onto.label(kind)} {kind}"), str(n),
                      escape("  ".join(f"{onto.label(k)} {v}" for k, v in layers.items())))
    console.print(table)


def _copy(direction: str, uri: str, replace: bool, merge: bool) -> None:
    from graph import copy as copying

    store = settings().store
    bar, report = progress()
    try:
        with bar:
            if direction == "push":
                r = copying.push(uri, store, replace=replace, merge=merge, progress=report)
            else:
                r = copying.pull(uri, store, replace=replace, merge=merge, progress=report)
    except IqaError as exc:
        raise fail(exc) from None
    console.print(f"copied {r['nodes']} nodes, {r['edges']} edges: {r['from']} → {r['to']}")


@app.command()
def push(
    to: Annotated[str, typer.Option("--to", help="target store: neo4j://host:7687, bolt://…, or a SQLite path")],
    replace: Annotated[bool, typer.Option("--replace", help="empty the target first")] = False,
    merge: Annotated[bool, typer.Option("--merge", help="upsert into a target that holds data")] = False,
) -> None:
    """Copy the whole graph of --store into another store (e.g. Neo4j), with a progress bar."""
    _copy("push", to, replace, merge)


@app.command()
def pull(
    from_: Annotated[str, typer.Option("--from", help="source store: neo4j://host:7687, bolt://…, or a SQLite path")],
    replace: Annotated[bool, typer.Option("--replace", help="empty --store first")] = False,
    merge: Annotated[bool, typer.Option("--merge", help="upsert into a --store that holds data")] = False,
) -> None:
    """Copy the whole graph of another store into --store."""
    _copy("pull", from_, replace, merge)


@app.command()
def rules() -> None:
    """List every consistency rule: id, severity, description and source (as in docs/rules.md)."""
    from rich.table import Table

    from graph.checks import RULES

    table = Table(title="规则目录 rule catalogue")
    for col in ("id", "severity", "说明", "description"):
        table.add_column(col, overflow="fold")
    for rule_id, r in RULES.items():
        table.add_row(rule_id, r.severity, r.title_zh, r.title_en)
    console.print(table)
