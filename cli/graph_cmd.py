"""The graph's commands: ``init``, ``load``, ``demo``, ``check``, ``trace``, ``owner``, ``impact``,
``export``, ``template``, ``stats``, ``push``, ``pull``, ``rules``; registered on ``cli.app.app``
when imported. Parsing and output only: every answer comes from ``graph.app.Iqa``."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer
from rich.markup import escape

from cli.app import EXIT_FINDINGS, AtOption, app, busy, console, err, fail, located, opened, opened_files, output_to, print_json, progress, settings, shown
from graph.errors import IqaError

if TYPE_CHECKING:
    from graph.settings import LimitsSection


@app.command()
def init() -> None:
    """Create an empty store (or open an existing one) and say where it is."""
    with opened() as iqa:
        console.print(f"store ready: {iqa.store.location} ({iqa.store.count_nodes()} nodes)")


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help=".xlsx workbooks, .csv sheets, folders of them, or RDF "
                                                    "(.ttl/.jsonld); - reads an .xlsx from standard input")],
    partial: Annotated[bool, typer.Option("--partial", help="load the good rows and report the bad ones")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="write nothing; show what the load would add, change "
                                                           "(field by field) and remove")] = False,
) -> None:
    """Load workbooks into the store: all or nothing unless --partial. With --dry-run, nothing is
    written: the nodes and edges the load would add, change (each field before → after) or remove
    are listed."""
    from ingest.loader import load_sources

    from graph.history.recorder import file_digests, os_user

    with opened() as iqa:
        piped = _stdin_workbook(iqa.settings.limits) if any(str(f) == "-" for f in files) else None
        bar, report = progress()
        with bar, iqa.store.recording(who=os_user(), source="iqa load") as rec:
            result = load_sources(iqa.store, piped, [f for f in files if str(f) != "-"], partial=partial,
                                  progress=report, limits=iqa.settings.limits, dry_run=dry_run)
            if rec is not None:
                rec.describe(files=file_digests(result.files))
        _print_load_report(result)
        if result.changes is not None:
            _print_changes(result.changes)


def _print_changes(changes) -> None:
    """The changes of a dry run: counts, then every changed node field and every edge."""
    c = changes.to_dict()
    console.print(f"[bold]dry run — nothing written.[/bold] The load would add {len(c['nodes_added'])} nodes, "
                  f"change {len(c['nodes_changed'])} nodes, add {len(c['edges_added'])} edges and remove "
                  f"{len(c['edges_removed'])} edges.")
    for node in c["nodes_changed"]:
        console.print(f"[yellow]change[/yellow] {escape(node['id'])}", highlight=False)
        for name, d in node["fields"].items():
            console.print(f"    {escape(name)}: {escape(repr(d['before']))} → {escape(repr(d['after']))}", highlight=False)
    for e in c["edges_removed"]:
        console.print(f"[red]remove edge[/red] {escape(e['source'])} -{e['type']}-> {escape(e['target'])}", highlight=False)
    for nid in c["nodes_added"]:
        console.print(f"[green]add[/green] {escape(nid)}", highlight=False)
    for e in c["edges_added"]:
        console.print(f"[green]add edge[/green] {escape(e['source'])} -{e['type']}-> {escape(e['target'])}", highlight=False)


def _stdin_workbook(limits):
    """The .xlsx workbook on standard input, read as the file ``<stdin>``. Raises IngestError for
    anything else (a CSV sheet is named by its file name, which standard input has not)."""
    from graph.errors import IngestError, Problem
    from ingest.readers import read_xlsx

    data = sys.stdin.buffer.read()
    if not data.startswith(b"PK"):
        raise fail(IngestError([Problem("<stdin>", "standard input is not an .xlsx workbook (a .csv sheet is "
                                                   "named by its file name: give the file instead)")]))
    try:
        return read_xlsx(io.BytesIO(data), "<stdin>", limits)
    except IngestError as exc:
        raise fail(exc) from None


def _print_load_report(result) -> None:
    data = result.to_dict()
    verb = "would write" if data.get("dry_run") else "loaded"
    console.print(f"{verb}: {data.get('nodes_written', 0)} nodes, {data.get('edges_written', 0)} edges")
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
    as_of: Annotated[Optional[dt.datetime], typer.Option(
        "--as-of", formats=["%Y-%m-%d"],
        help="the day the demo's story is told for (default today: its deadlines and measurements are set "
             "relative to it, so `iqa check` and `iqa diagnose` without --as-of tell the same story)")] = None,
    students: Annotated[int, typer.Option("--students", min=0, help="grow the demo college by this many generated students")] = 0,
    teachers: Annotated[Optional[int], typer.Option("--teachers", min=0, help="generated teachers (default: one per 20 students)")] = None,
) -> None:
    """The main job: a fresh store with the demo college and 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表7, then the check summary,
    the trace of one school goal down to teacher tasks, and one owner answer. The demo's dates are
    set relative to the day it is built (or --as-of), and its findings are counted as of that day.
    --students N [--teachers M] grows the demo college to any size, keeping every code of the plain
    demo (MB-S01, ZK-58, RW-0002 …), so every example works at any size."""
    from graph.checks import RULES
    from graph.asof import as_of_or_default
    from graph.history.recorder import os_user
    from seed.demo import load_demo, pick_owner_example, pick_school_goal, reset_store

    from cli.render import findings_table, focus_trace, owner_panel, reaches, summary_table, trace_tree

    with opened() as iqa:
        store = iqa.store
        bar, report = progress()
        with bar, store.recording(who=os_user(), source="iqa demo"):
            reset_store(store, force=force)
            day = as_of_or_default(as_of.date() if as_of else None)
            load_demo(store, progress=report, as_of=day, students=students, teachers=teachers)
        console.rule("[bold]示例职业技术学院 demo college")
        console.print(f"store: {store.location} — {store.count_nodes()} nodes, {store.count_edges()} edges")
        console.print(f"as of {day.isoformat()} (the demo's dates are set relative to this day)")
        result = iqa.check(as_of=day).to_dict()
        console.print(summary_table(result["summary"], RULES))
        mismatches = [f for f in result["findings"] if f["rule"] == "IS001"]
        console.print(findings_table(mismatches, CHECK_TABLE_LIMIT))
        console.rule("[bold]追溯 trace: a school goal down to teacher tasks")
        with iqa.reading() as reader:  # the store itself: its nodes streamed, not listed
            goal, example = pick_school_goal(reader), pick_owner_example(reader)
        shown = focus_trace(iqa.trace(goal, limit=DEMO_TRACE_LIMIT))
        if not reaches(shown):  # no branch down to a teacher among the first children: the whole chain
            shown = focus_trace(iqa.trace(goal))
        console.print(trace_tree(shown))
        console.rule("[bold]责任 owner: who owns this indicator")
        owner_panel(console, iqa.owner(example).to_dict())
        console.print(f"\nnext: [bold]iqa check[/bold], [bold]iqa trace {goal.code}[/bold], [bold]iqa ui[/bold]")


#: Children read under each node for the demo's trace: the tree printed shows one branch per level
#: (``cli.render.focus_trace``), and the rest is counted. The whole chain of a school goal of a
#: college grown by 400,000 students took 36 s and 2.3 GB to read; its first 50 children per node,
#: 0.3 s. Only when no branch among them reaches a teacher is the whole chain read.
DEMO_TRACE_LIMIT = 50
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
    fmt: Annotated[Literal["table", "json", "xlsx"], typer.Option("--format", help="table | json | xlsx")] = "table",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="file for --format xlsx (default 整改清单.xlsx; - for standard output)")] = None,
    as_of: Annotated[Optional[dt.datetime], typer.Option("--as-of", formats=["%Y-%m-%d"], help="check date (default today)")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="exit 0 even when errors are found")] = False,
    at: AtOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="findings the table shows (errors first)")] = CHECK_TABLE_LIMIT,
    all_: Annotated[bool, typer.Option("--all", help="the table shows every finding and every unit")] = False,
    lang: Annotated[Literal["zh", "en"], typer.Option("--lang", help="zh | en: the language of the table's messages "
                                                      "and of the xlsx list (headers, messages, suggested actions); "
                                                      "names stay as stored")] = "zh",
) -> None:
    """Run the consistency rules on the store, or on workbooks / CSV files given as PATHs (nothing
    is written); exit 1 when an error-severity finding exists. The table prints the summary by rule
    and by unit, then the first --limit findings."""
    from graph.checks import RULES

    from cli.render import findings_table, shown_line, summary_table, unit_summary_table

    day = as_of.date() if as_of else None
    with _checked_iqa(paths, at) as iqa:
        what = ", ".join(str(p) for p in paths) if paths else iqa.store.location
        with busy(f"checking {what}: reading the graph, running the rules…"):
            report = iqa.check(rules=rule, owner=owner, as_of=day, keep=False)  # one run: nothing to keep
        if fmt == "json":
            print_json(report.to_dict())
        elif fmt == "xlsx":
            from graph.services.rectification.findings import findings_to_xlsx  # openpyxl: only for xlsx

            path = output or Path("整改清单.xlsx")
            with output_to(path) as dest:
                findings_to_xlsx(report, dest, lang=lang)
            err.print(f"wrote {shown(path)} ({len(report.findings)} findings as of {report.as_of.isoformat()})",
                      markup=False, highlight=False)
        else:
            summary = report.summary()
            listed = report.findings if all_ else report.findings[:limit]
            console.print(summary_table(summary, RULES, lang))
            console.print(unit_summary_table(summary, None if all_ else CHECK_UNIT_LIMIT, lang))
            console.print(findings_table([f.to_dict() for f in listed], lang=lang))
            line = shown_line(len(listed), len(report.findings))
            if line:
                console.print(line)
    if report.has_errors and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


def _checked_iqa(paths: list[Path] | None, at: str | None = None):
    """The core object ``iqa check`` runs on: the selected store (as it was ``at``, when given),
    or (PATHs given) an in-memory store holding those files (``at`` is then a usage error)."""
    if not paths:
        return opened(at=at)
    if at is not None:
        raise typer.BadParameter("--at reads the store's history; files given as PATHs have none", param_hint="--at")
    return opened_files(paths)


@app.command()
def trace(
    node: Annotated[str, typer.Argument(help="Kind:code or a bare code")],
    up: Annotated[bool, typer.Option("--up", help="trace up to the school goal and plan")] = False,
    depth: Annotated[Optional[int], typer.Option("--depth", min=0, help=f"levels to show (tree default {TRACE_DEPTH}; json default all)")] = None,
    all_: Annotated[bool, typer.Option("--all", help="every level (the tree's default is 3)")] = False,
    fmt: Annotated[Literal["tree", "json"], typer.Option("--format", help="tree | json")] = "tree",
    at: AtOption = None,
) -> None:
    """Trace a plan or target down to tasks, or (--up) a task up to its goal and plan. The tree
    shows 3 levels unless --depth or --all, and says what it cut; json gives every level unless
    --depth."""
    from cli.render import trace_cut, trace_tree

    if depth is None and not all_ and fmt != "json":
        depth = TRACE_DEPTH
    key = "parents" if up else "children"
    with opened(at=at) as iqa:
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
    fmt: Annotated[Literal["text", "json"], typer.Option("--format", help="text | json")] = "text",
    at: AtOption = None,
) -> None:
    """Who owns this indicator (person, post, unit) and the chain of responsibility behind it."""
    from cli.render import owner_panel

    with opened(at=at) as iqa:
        answer = iqa.owner(node).to_dict()
        print_json(answer) if fmt == "json" else owner_panel(console, answer)


@app.command()
def impact(
    node: Annotated[str, typer.Argument(help="Kind:code or a bare code")],
    fmt: Annotated[Literal["table", "json"], typer.Option("--format", help="table | json")] = "table",
    at: AtOption = None,
) -> None:
    """Everything downstream of a node, with its owners: who is affected by a change."""
    from rich.table import Table

    with opened(at=at) as iqa:
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
    fmt: Annotated[Literal["ttl", "jsonld", "graphml", "xlsx"],
                   typer.Option("--format", help="ttl | jsonld | graphml | xlsx")] = "ttl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="file (default or -: standard output; "
                                                                         "xlsx needs a file)")] = None,
) -> None:
    """Export the whole graph as RDF (Turtle, JSON-LD), GraphML, or (xlsx) a workbook of the
    contract — every sheet, one row per node — that `iqa load` reads back into the same graph."""
    from graph.export import export_graphml
    from graph.rdf import export_rdf

    if fmt == "xlsx":
        from ingest.export_workbook import export_workbook

        if output is None or str(output) == "-":
            raise typer.BadParameter("--format xlsx writes a file: give it with -o FILE", param_hint="--output")
        with opened() as iqa, output_to(output) as dest:
            counts = export_workbook(iqa.store, dest)
            limits = iqa.settings.limits
        err.print(f"wrote {output} ({sum(counts.values())} rows in {len(counts)} sheets)", markup=False, highlight=False)
        _warn_over_limits(output, limits)
        return
    with opened() as iqa:
        text = export_graphml(iqa.store) if fmt == "graphml" else export_rdf(iqa.store, fmt)
    if output and str(output) != "-":
        with output_to(output) as dest:
            dest.write_text(text, encoding="utf-8")  # type: ignore[union-attr]  # a path: not "-"
        err.print(f"wrote {output}", markup=False, highlight=False)
    else:
        sys.stdout.write(text)


def _warn_over_limits(path: Path, limits: LimitsSection) -> None:
    """A warning on standard error when `iqa load` with these ``limits`` would refuse the workbook
    just written (a large college: more rows in a sheet than ``limits.max_rows`` …), with the
    reason `iqa load` would give — the same check (``graph.xlsx_reader.check_xlsx``)."""
    from graph.errors import IngestError
    from graph.xlsx_reader import check_xlsx

    try:
        check_xlsx(path, str(path), limits)
    except IngestError as exc:
        for problem in exc.problems:
            err.print(f"[yellow]warning:[/yellow] `iqa load` with this configuration would refuse it: "
                      f"{escape(str(problem))}", highlight=False)


@app.command()
def template(
    path: Annotated[Path, typer.Argument(help="where to write the empty workbook")] = Path("iqa-template.xlsx"),
) -> None:
    """Write an empty workbook with every sheet, its headers, an example row and 说明."""
    from ingest import write_template

    write_template(path)
    err.print(f"wrote {path}", markup=False, highlight=False)


@app.command()
def stats(fmt: Annotated[Literal["table", "json"], typer.Option("--format", help="table | json")] = "table") -> None:
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
