"""The whole graph out as a workbook of the contract (docs/workbook.md): ``iqa export --format xlsx``.

Every sheet of the contract is written, one row per node it defines, with the references as codes
(``、`` between several) and every property the sheet has no column for in an extra column named
after the property (loaded back as that property). Loading the workbook into an empty store gives
the same graph: the same nodes, properties and edges, hence the same stats, check findings, owners
and traces (tests/ingest/test_export_workbook.py). Nodes only a reference makes (制度 named by
制度体系 or 流程) come back as such references do: named after the row that names them.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from typing import IO, Any

from graph.model import Node
from graph.store import GraphStore
from graph.xlsx import table_sheet
from ingest.sheets import SHEETS, Column, SheetSpec

#: Between several references in one cell (a multi-valued cell).
SEPARATOR = "、"


def _cell(value: Any) -> Any:
    """A property value as a cell: lists joined like a multi-valued cell, the rest as stored."""
    if isinstance(value, list):
        return SEPARATOR.join(str(v) for v in value)
    return value


class _Refs:
    """The references of the nodes: each edge type a column names is read from the store once,
    whole (one query per type instead of one per row and column: the rows of a whole college
    are hundreds of thousands)."""

    def __init__(self, store: GraphStore):
        self.store = store
        #: (edge type, "out" or "in") → {node id: [ids at the other end]}
        self._ends: dict[tuple[str, str], dict[str, list[str]]] = {}

    def _other_ends(self, edge: str, direction: str) -> dict[str, list[str]]:
        key = (edge, direction)
        ends = self._ends.get(key)
        if ends is None:
            out: dict[str, list[str]] = defaultdict(list)
            inc: dict[str, list[str]] = defaultdict(list)
            for e in self.store.iter_edges(edge):
                out[e.source].append(e.target)
                inc[e.target].append(e.source)
            self._ends[(edge, "out")], self._ends[(edge, "in")] = out, inc
            ends = self._ends[key]
        return ends

    def codes(self, node_id: str, col: Column) -> list[str]:
        """The codes a reference column holds for ``node_id``: the nodes of ``col.refs`` at the other
        end of its ``col.edge`` edges (towards the row's node when ``col.incoming``), by id."""
        ends = self._other_ends(col.edge, "in" if col.incoming else "out").get(node_id, ())
        # an id is "<kind>:<code>" (graph.model.Node.id); a kind has no colon
        pairs = (other.partition(":") for other in sorted(ends))
        return [code for kind, _, code in pairs if kind in col.refs]


def _ref_cell(refs: _Refs, node: Node, col: Column) -> str | None:
    codes = refs.codes(node.id, col)
    return SEPARATOR.join(codes) if codes else None


def _extra_columns(spec: SheetSpec, nodes: list[Node], covered: set[str]) -> list[str]:
    """The properties of ``nodes`` the sheet has no column for (sorted), each to go in a column of
    its own; a property whose name the sheet would read as one of its columns is left out."""
    extra = sorted({k for n in nodes for k in n.props} - covered)
    return [k for k in extra if spec.column(k) is None]


def _node_sheet(store: GraphStore, refs: _Refs, spec: SheetSpec) -> tuple[list[str], list[list[Any]]]:
    nodes = sorted(store.iter_nodes(spec.kind), key=lambda n: n.id)
    props = {c.prop for c in spec.columns if c.prop}
    extra = _extra_columns(spec, nodes, props)
    rows = []
    for n in nodes:
        row = []
        for col in spec.columns:
            if col.prop == "code":
                row.append(n.code)
            elif col.prop:
                row.append(_cell(n.props.get(col.prop)))
            else:
                row.append(_ref_cell(refs, n, col))
        rows.append(row + [_cell(n.props.get(k)) for k in extra])
    return [c.zh for c in spec.columns] + extra, rows


def _duty_sheet(store: GraphStore, refs: _Refs, spec: SheetSpec) -> tuple[list[str], list[list[Any]]]:
    """职责: the row's 职能部门 is the unit the code starts with; 职责描述 carries the name."""
    nodes = sorted(store.iter_nodes(spec.kind), key=lambda n: n.id)
    covered = {c.prop for c in spec.columns if c.prop} | {"name"}
    extra = _extra_columns(spec, nodes, covered)
    rows = []
    for n in nodes:
        row = []
        for col in spec.columns:
            if col.prop:
                value = n.props.get(col.prop)
                row.append(_cell(n.name if col.prop == "description" and value is None else value))
            else:
                row.append(_ref_cell(refs, n, col))
        rows.append(row + [_cell(n.props.get(k)) for k in extra])
    return [c.zh for c in spec.columns] + extra, rows


def _measurement_sheet(store: GraphStore, refs: _Refs, spec: SheetSpec) -> tuple[list[str], list[list[Any]]]:
    """测量: the indicator's code, the date, the value, the source (the code is made again)."""
    nodes = sorted(store.iter_nodes(spec.kind), key=lambda n: n.id)
    covered = {c.prop for c in spec.columns if c.prop} | {"name"}
    extra = _extra_columns(spec, nodes, covered)
    rows = []
    for n in nodes:
        row = [_ref_cell(refs, n, col) if not col.prop else _cell(n.props.get(col.prop)) for col in spec.columns]
        rows.append(row + [_cell(n.props.get(k)) for k in extra])
    return [c.zh for c in spec.columns] + extra, rows


def _chain_above(store: GraphStore, node: Node, kind: str, levels: int) -> list[Node] | None:
    """The ``levels`` nodes of ``kind`` above ``node`` by ``decomposes_to`` (top first), or None
    when the chain is shorter."""
    chain = [node]
    while len(chain) < levels:
        parents = sorted((p for _, p in store.neighbors(chain[0].id, ("decomposes_to",), "in") if p.kind == kind),
                         key=lambda p: p.id)
        if not parents:
            return None
        chain.insert(0, parents[0])
    return chain


def _institution_sheet(store: GraphStore, refs: _Refs, spec: SheetSpec) -> tuple[list[str], list[list[Any]]]:
    """制度体系: one row per third-level item, each level as ``名称(编号)``; 制度 / 流程 / 标准 the
    codes of what the item includes."""
    leaves = []
    for n in sorted(store.iter_nodes(spec.kind), key=lambda n: n.id):
        below = [c for _, c in store.neighbors(n.id, ("decomposes_to",), "out") if c.kind == spec.kind]
        chain = _chain_above(store, n, spec.kind, 3)
        if not below and chain is not None:
            leaves.append(chain)
    extra = _extra_columns(spec, [c[2] for c in leaves], {"name"})
    rows = []
    for chain in leaves:
        leaf = chain[2]
        row: list[Any] = [f"{n.name}({n.code})" for n in chain]
        for col in spec.columns[3:]:
            row.append(_ref_cell(refs, leaf, col))
        rows.append(row + [_cell(leaf.props.get(k)) for k in extra])
    return [c.zh for c in spec.columns] + extra, rows


def _diagnosis_sheet(store: GraphStore, refs: _Refs, spec: SheetSpec) -> tuple[list[str], list[list[Any]]]:
    """诊断: one row per point, item and element written ``编号 名称`` so their codes come back."""
    rows = []
    points = []
    for n in sorted(store.iter_nodes(spec.kind), key=lambda n: n.id):
        element = next((p for _, p in store.neighbors(n.id, ("decomposes_to",), "in") if p.kind == "DiagnosisElement"), None)
        item = element and next((p for _, p in store.neighbors(element.id, ("decomposes_to",), "in")
                                 if p.kind == "DiagnosisItem"), None)
        if element is not None and item is not None:
            points.append((item, element, n))
    covered = {c.prop for c in spec.columns if c.prop} | {"name"}
    extra = _extra_columns(spec, [p for _, _, p in points], covered)
    for item, element, point in points:
        row: list[Any] = [f"{item.code} {item.name}", f"{element.code} {element.name}", f"{point.code} {point.name}"]
        for col in spec.columns[3:]:
            row.append(_cell(point.props.get(col.prop)) if col.prop else _ref_cell(refs, point, col))
        rows.append(row + [_cell(point.props.get(k)) for k in extra])
    return [c.zh for c in spec.columns] + extra, rows


_WRITERS = {
    "node": _node_sheet,
    "duty": _duty_sheet,
    "measurement": _measurement_sheet,
    "institution": _institution_sheet,
    "diagnosis": _diagnosis_sheet,
}


def workbook_rows(store: GraphStore) -> Iterable[tuple[SheetSpec, list[str], list[list[Any]]]]:
    """``(sheet spec, headers, rows)`` of every sheet of the contract, in the contract's order."""
    refs = _Refs(store)
    for spec in SHEETS:
        headers, rows = _WRITERS[spec.builder](store, refs, spec)
        yield spec, headers, rows


def export_workbook(store: GraphStore, dest: str | os.PathLike[str] | IO[bytes]) -> dict[str, int]:
    """Write the whole graph of ``store`` to ``dest`` as a workbook of the contract (every sheet,
    its Chinese headers, one row per node); returns ``{sheet name: rows}``. Raises OSError when
    the file cannot be written."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    counts = {}
    for spec, headers, rows in workbook_rows(store):
        table_sheet(wb, spec.zh, headers, rows, widths=[max(12, 2 * len(h) + 4) for h in headers])
        counts[spec.zh] = len(rows)
    wb.save(dest)
    return counts
