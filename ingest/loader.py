"""Loading workbooks into a :class:`~graph.store.GraphStore`: :func:`load_paths` and :func:`load_sheets`.

The mapping (fixed; services and checks depend on it). ``[...]`` are node properties; every node
has ``name``. References are matched by code, then by exact name, among this load's nodes first
and then the store's (a name that matches several nodes is an error; write the code).

=============  =====================================================================================
部门           OrgUnit [name, type, system]; 上级部门 → part_of parent
岗位           Post [name]; 所属部门 → part_of OrgUnit
人员           Person [name]; 岗位 (multi) → holds Post; 部门 → part_of OrgUnit
规划           Plan [name, level, deadline]; 上级规划 → parent -decomposes_to-> plan; 牵头部门 → led_by;
               牵头人 → assigned_to Person
目标           Target [name, layer, category, target_value, unit, deadline]; 上级目标 (multi) and 所属规划
               → parent -decomposes_to-> target; 牵头部门 (multi) → led_by; 责任人 (multi) → assigned_to;
               标准 (multi) → governed_by Standard
任务           Task [name, task_kind, deadline, status]; 上级任务 (multi) → decomposes_to; 对应目标 (multi)
               → Target -implemented_by-> task; 牵头部门 → led_by; 责任部门 / 责任人 (multi) →
               assigned_to; 流程 → follows Process
标准           Standard [name, layer]; 上级标准 (multi) → decomposes_to; 牵头部门 → led_by
制度体系       InstitutionItem 一级 -decomposes_to-> 二级 -decomposes_to-> 三级 (codes in brackets, shared
               between rows, empty 一级/二级 = same as above); 制度 / 流程 / 标准 codes → includes
               Regulation / Process / Standard (created as ``<三级 name> 制度`` … when missing);
               责任部门 (multi) → 三级 led_by
程序文件       ProcedureDocument [name]; 牵头部门 (multi) → led_by; 协作部门 (multi) → cooperated_by
流程           Process [name, inputs, outputs, checkpoints]; 业务主管部门 → led_by; 所属岗位 →
               assigned_to Post; 协作部门 → cooperated_by; 工作准则 (multi) → follows Regulation
               (created when unknown); 程序文件 → based_on ProcedureDocument
职责           Duty ``<unit code>-<scope><seq>`` [name, description, work, work_standard, scope, seq];
               职能部门 → led_by; 工作归属岗位 → assigned_to Post
诊断           DiagnosisItem -decomposes_to-> DiagnosisElement -decomposes_to-> DiagnosisPoint [name,
               criterion, warning]; ``1.1 名称`` keeps ``1.1`` as code, else D1 / D1.1 / D1.1.1 by
               position; empty item/element = same as above; 牵头部门 (multi, empty = nearest above
               within the item) → led_by; 责任人 → assigned_to
指标           Indicator [name, target_value, warning, direction, unit, frequency]; 测量对象 → measures
               Target / Standard / DiagnosisPoint; 责任岗位 / 责任人 → assigned_to; 牵头部门 → led_by
测量           Measurement ``<indicator code>@<date>`` [date, value, source] -measurement_of-> Indicator
=============  =====================================================================================

A row is the truth for what its sheet's columns state: when a node already in the store is loaded
again, its edges of the types and directions those columns define are replaced (a changed parent
moves the node; an emptied cell removes the edge) and so are the properties those columns fill;
edges and properties of columns the sheet does not have are kept. Two rows with the same code are
a duplicate, unless they state exactly the same (a 部门 sheet repeated in several files of a load).
Everything is checked before anything is written, and written in one transaction.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext

from graph.gcpause import gc_paused
from graph.errors import IngestError, Problem
from graph.model import Edge, Node
from graph.store import GraphStore
from ingest.mapping import ParsedRow, parse_sheet, sheet_problems
from graph.settings import LimitsSection
from ingest.readers import RDF_SUFFIXES, WORKBOOK_SUFFIXES, RawSheet, ReadResult, expand_paths, read_file, read_mapping
from ingest.report import LoadReport, SheetCount
from ingest.changes import plan_changes
from ingest.resolve import KnownNodes, Outcome, Resolver

#: ``progress(stage, done, total)``; stages: ``read`` (files), ``parse`` (rows), ``check``, ``write``.
Progress = Callable[[str, int, int], None]
BATCH = 5000
_EVERY = 1000


def _noop(stage: str, done: int, total: int) -> None:
    pass


def _as_read_result(sheets: object, source: str) -> ReadResult:
    if isinstance(sheets, ReadResult):
        return sheets
    if isinstance(sheets, Mapping):
        return read_mapping(sheets, source)
    sheets = list(sheets)  # type: ignore[call-overload]
    if not all(isinstance(s, RawSheet) for s in sheets):
        raise TypeError("load_sheets expects reader output (ReadResult or RawSheet list) or {sheet: [row dict]}")
    return ReadResult(sheets=sheets, files=list(dict.fromkeys(s.file for s in sheets)))


def load_sheets(store: GraphStore, sheets: ReadResult | Iterable[RawSheet] | Mapping[str, list[Mapping[str, object]]],
                *, partial: bool = False, progress: Progress | None = None, source: str = "<memory>",
                dry_run: bool = False) -> LoadReport:
    """Load sheets into ``store`` in one transaction and return a :class:`LoadReport`.

    ``sheets``: reader output (:class:`~ingest.readers.ReadResult` or a list of
    :class:`~ingest.readers.RawSheet`), or ``{sheet name: [row dict keyed by header]}`` with values
    ``str``/``int``/``float``/``datetime.date`` (multi-valued cells joined with ``、``); problems in a
    mapping are located as ``<source> sheet!row:column`` (first row = row 2).

    Raises IngestError listing every located problem (missing required cell, unknown or ambiguous
    reference, duplicate code, bad date/number/threshold, unknown controlled value …)
    and leaves the store unchanged, unless ``partial``: then a bad optional cell is left out of
    its row and the row kept (``report.dropped``), the rows with other problems and the rows
    that depend on them are skipped, the rest is written, and the report lists what was skipped.
    Every value stored otherwise than written is in ``report.normalised``.
    ``progress(stage, done, total)`` is called per sheet and every ~1,000 rows. ``dry_run``: write
    nothing, say what would change (see :func:`load_sources`).
    """
    return load_sources(store, sheets, (), partial=partial, progress=progress, source=source, dry_run=dry_run)


def load_paths(store: GraphStore, paths: Iterable[str | os.PathLike[str]], *, partial: bool = False,
               progress: Progress | None = None, limits: LimitsSection | None = None,
               dry_run: bool = False) -> LoadReport:
    """Read every file and directory in ``paths`` (``.xlsx``, ``.csv``; RDF ``.ttl``, ``.jsonld``,
    ``.json-ld``, ``.nt``, ``.rdf`` via ``graph.rdf.read_rdf``) and load them all together as one
    load in one transaction, so references across files resolve. Files are named in messages as
    given; ``limits`` (``graph.settings.LimitsSection``, default the defaults) bound what a file
    may hold. Raises IngestError for missing, unreadable or over-limit files and as
    :func:`load_sheets` does. ``dry_run``: read and check everything, write nothing, and say in
    ``report.changes`` what the load would change (see :func:`load_sources`)."""
    return load_sources(store, None, paths, partial=partial, progress=progress, limits=limits, dry_run=dry_run)


def load_sources(store: GraphStore, sheets: ReadResult | Iterable[RawSheet] | Mapping | None,
                 paths: Iterable[str | os.PathLike[str]] = (), *, partial: bool = False,
                 progress: Progress | None = None, source: str = "<memory>",
                 limits: LimitsSection | None = None, dry_run: bool = False) -> LoadReport:
    """In-memory ``sheets`` (as :func:`load_sheets` takes them; None for none) and the files of
    ``paths`` (as :func:`load_paths` reads them) loaded together as ONE load: references across
    them resolve and everything is written in one transaction or, on IngestError, nothing is.

    ``dry_run``: everything is read, resolved and checked as for the load (the same problems
    are raised), nothing is written, and ``report.changes`` (``ingest.changes.LoadChanges``) lists
    the nodes that would be added or changed (with each changed field before and after) and the
    edges that would be added or removed; ``report.dry_run`` is true."""
    with gc_paused():  # a load allocates objects that live until it ends: see graph.gcpause
        return _load_sources(store, sheets, paths, partial, progress, source, limits, dry_run)


def _load_sources(store: GraphStore, sheets: ReadResult | Iterable[RawSheet] | Mapping | None,
                  paths: Iterable[str | os.PathLike[str]], partial: bool, progress: Progress | None,
                  source: str, limits: LimitsSection | None, dry_run: bool) -> LoadReport:
    progress = progress or _noop
    result = ReadResult() if sheets is None else _as_read_result(sheets, source)
    files = expand_paths(paths, WORKBOOK_SUFFIXES + RDF_SUFFIXES) if paths else []
    rdf_nodes: list[Node] = []
    rdf_edges: list[Edge] = []
    if files:  # told before the first file is read: a big workbook takes a while to read
        progress("read", 0, len(files))
    for i, f in enumerate(files):
        if f.lower().endswith(RDF_SUFFIXES):
            from graph.rdf import read_rdf  # only needed for RDF input

            nodes, edges = read_rdf(f)
            rdf_nodes += nodes
            rdf_edges += edges
            result.files.append(f)
        else:
            result.extend(read_file(f, limits))
        progress("read", i + 1, len(files))
    return _load(store, result, rdf_nodes, rdf_edges, partial, progress, dry_run)


def _parse(result: ReadResult, progress: Progress) -> tuple[list[ParsedRow], list[Problem], set[int]]:
    """Every row parsed; the sheet-level problems; the indices of rows of sheets with such problems."""
    total = sum(len(s.rows) for s in result.sheets)
    rows: list[ParsedRow] = []
    problems: list[Problem] = []
    in_bad_sheets: set[int] = set()
    for sheet in result.sheets:
        progress("parse", len(rows), total)
        start = len(rows)
        for row in parse_sheet(sheet):
            rows.append(row)
            if len(rows) % _EVERY == 0:
                progress("parse", len(rows), total)
        found = sheet_problems(sheet)
        if found:
            problems += found
            in_bad_sheets.update(range(start, len(rows)))
    progress("parse", len(rows), total)
    return rows, problems, in_bad_sheets


def load_stream(store: GraphStore, sheets: ReadResult | Iterable[RawSheet] | Mapping | None,
                paths: Iterable[str | os.PathLike[str]] = (),
                batches: Iterable[Mapping[str, list[Mapping[str, object]]]] = (), *, total: int = 0,
                progress: Progress | None = None, source: str = "<memory>") -> LoadReport:
    """``sheets`` and the workbooks and CSV files of ``paths`` (no RDF; read within the default
    limits) loaded as ONE load (as :func:`load_sources`), then
    each of ``batches`` (``{sheet name: [row dict]}``, as :func:`load_sheets` takes them) loaded
    after it, batch by batch, all in ONE transaction: on IngestError (or any exception, e.g. from
    the iterator making the batches) nothing is written. Only one batch's rows are in memory at a
    time, so a college of any size can be loaded as it is generated.

    Each batch is resolved against the store as the loads before it left it: its rows may
    reference any node loaded before (by code, then by name) or in the same batch, never a later
    batch; a code loaded again by a later batch is a re-load (its row is the truth), not a
    duplicate. ``progress(stage, done, total)``: the stages of the first load, then ``load`` after
    each batch, ``done`` counting the batches' rows out of ``total`` (0: not known).

    Returns one LoadReport for everything (sheet counts summed per file and sheet). Not
    partial, not a dry run."""
    progress = progress or _noop
    with gc_paused(), store.transaction():
        known = KnownNodes(store.iter_nodes())
        result = ReadResult() if sheets is None else _as_read_result(sheets, source)
        files = expand_paths(paths, WORKBOOK_SUFFIXES) if paths else []
        if files:
            progress("read", 0, len(files))
        for i, f in enumerate(files):
            result.extend(read_file(f))
            progress("read", i + 1, len(files))
        report = _load(store, result, [], [], False, progress, known=known)
        done = 0
        progress("load", done, total)
        for batch in batches:
            part = _load(store, read_mapping(batch, source), [], [], False, _noop, known=known)
            _merge(report, part)
            done += part.rows
            progress("load", done, max(total, done))
    return report


def _merge(report: LoadReport, part: LoadReport) -> None:
    """Add ``part`` (a later load of the same transaction) into ``report``."""
    counts = {(s.file, s.sheet): s for s in report.sheets}
    for s in part.sheets:
        if (s.file, s.sheet) in counts:
            counts[(s.file, s.sheet)].rows += s.rows
            counts[(s.file, s.sheet)].skipped += s.skipped
        else:
            report.sheets.append(s)
            counts[(s.file, s.sheet)] = s
    report.files += [f for f in part.files if f not in report.files]
    for name in ("nodes_loaded", "nodes_written", "nodes_created", "edges_loaded", "edges_written",
                 "edges_removed"):
        setattr(report, name, getattr(report, name) + getattr(part, name))
    report.warnings += part.warnings
    report.normalised += part.normalised


def _load(store: GraphStore, result: ReadResult, rdf_nodes: list[Node], rdf_edges: list[Edge],
          partial: bool, progress: Progress, dry_run: bool = False, known: KnownNodes | None = None) -> LoadReport:
    report = LoadReport(files=list(result.files), warnings=list(result.warnings), partial=partial, dry_run=dry_run)
    rows, sheet_level, in_bad_sheets = _parse(result, progress)
    resolver = Resolver(rows, store, rdf_nodes, known=known)
    skip: set[int] = set(in_bad_sheets) if partial else set()
    problems = list(sheet_level)
    while True:
        progress("check", len(skip), len(rows))
        outcome = resolver.run(skip, partial)
        if not partial:
            if problems or outcome.problems:
                raise IngestError(problems + outcome.problems)
            break
        if not outcome.problems:
            break
        problems += outcome.problems
        skip |= outcome.bad_rows
    rdf_known = store.get_nodes([n.id for n in rdf_nodes]) if rdf_nodes else {}
    if dry_run:
        report.changes = plan_changes(store, rdf_nodes + outcome.write,
                                      rdf_edges + [Edge(s, t, d) for s, t, d in outcome.add], outcome.remove)
    else:
        _write(store, outcome, rdf_nodes, rdf_edges, progress)
        if known is not None:
            known.add(rdf_nodes)
            known.add(outcome.nodes.values())
    skipped = Counter(id(rows[i].sheet) for i in skip)
    report.sheets = [SheetCount(s.file, s.title, len(s.rows), skipped[id(s)]) for s in result.sheets]
    report.problems = problems
    report.dropped = outcome.dropped
    report.warnings += outcome.warnings
    report.normalised = list(result.notes) + outcome.notes
    report.skipped_rows = [rows[i].location() for i in sorted(skip)]
    # RDF files define their nodes and edges directly: all of them are loaded and written
    report.nodes_loaded = len(outcome.nodes) + len(rdf_nodes)
    report.nodes_written = len(outcome.write) + len(rdf_nodes)
    report.nodes_created = outcome.created + sum(1 for n in rdf_nodes if n.id not in rdf_known)
    report.edges_loaded = outcome.edges + len(rdf_edges)
    report.edges_written = len(outcome.add) + len(rdf_edges)
    report.edges_removed = len(outcome.remove)
    return report


def _write(store: GraphStore, outcome: Outcome, rdf_nodes: list[Node], rdf_edges: list[Edge],
           progress: Progress) -> None:
    """Write the outcome in one transaction: nodes, then edge removals, then new edges."""
    total = len(rdf_nodes) + len(outcome.write) + len(outcome.remove) + len(rdf_edges) + len(outcome.add)
    done = 0
    progress("write", done, total)
    # the resolver validated outcome.write (validate_node): the store need not do it again
    vouch = getattr(getattr(store, "inner", store), "validated", None)
    with store.transaction(), (vouch(outcome.write) if vouch is not None else nullcontext()):
        for batch in _batches(rdf_nodes + outcome.write):
            done += store.upsert_nodes(batch)
            progress("write", done, total)
        for key in outcome.remove:
            store.delete_edge(*key)
        done += len(outcome.remove)
        new_edges = rdf_edges + [Edge(s, t, d) for s, t, d in outcome.add]
        for batch in _batches(new_edges):
            done += store.upsert_edges(batch)
            progress("write", done, total)


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
