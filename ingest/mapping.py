"""Rows → what they say about the graph: the nodes a row defines (:class:`Def`), the references it
makes (:class:`RefLink`, resolved later against the whole load and the store) and the edges
between its own nodes (:class:`DefLink`), with every located problem of the row's cells.

The mapping is fixed (services and checks depend on it); see ``ingest/loader.py`` for the table.
Nothing here looks at other rows' nodes or at the store: that is :mod:`ingest.resolve`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from graph.errors import Problem
from ingest.readers import RawRow, RawSheet
from ingest.report import Note
from ingest.sheets import Column, SheetSpec
from graph.values import (DIRECTION_SIGN, PARSERS, BadValue, NonFinite, Threshold, bad_char, cell_text, code_problem,
                          json_value, name_problem, parse_period, parse_threshold, value_problem)

#: Value types read as thresholds as printed (graph.values.parse_threshold): 预警值 and 目标值.
THRESHOLD_TYPES = ("threshold", "target")
#: Value types whose cell as written is kept in a ``<prop>_text`` sibling when it said more than
#: the stored value (a threshold's comparison, a period).
TEXT_KEPT = THRESHOLD_TYPES + ("date",)

#: An edge slot a row owns on its node: (edge type, "out" | "in", node kinds at the other end).
#: When a node already in the store is loaded again, its edges in these slots are replaced.
Slot = tuple[str, str, frozenset[str]]


@dataclass(slots=True)
class Ref:
    """A reference cell: text naming nodes of ``kinds`` by code or exact name."""

    key: str  # column key, for the location
    kinds: tuple[str, ...]
    text: str
    multi: bool = False  # split the text into several references
    stub: bool = False  # unknown → create a node whose code and name are the text
    note: str = ""  # appended to reasons, e.g. " (inherited from row 5)"


@dataclass(slots=True)
class Def:
    """A node a row defines. ``mode``: ``own`` (one row per code; a second is a duplicate),
    ``shared`` (index items several rows repeat), ``stub`` (created only when no row defines it and
    the store lacks it). ``code_ref``: the code is the referenced node's code + ``code_suffix``.
    ``slots`` and ``owned``: the edges and properties the row is the truth for."""

    kind: str
    code: str
    props: dict[str, object]
    mode: str = "own"
    slots: frozenset[Slot] = frozenset()
    key: str = ""  # column holding the code
    code_ref: Ref | None = None
    code_suffix: str = ""
    #: property keys the row states; a node already in the store keeps its other properties
    owned: frozenset[str] = frozenset({"name"})


@dataclass(slots=True)
class RefLink:
    """``defs[node] -type-> referenced`` (or the reverse when ``incoming``)."""

    node: int
    type: str
    ref: Ref
    incoming: bool = False


@dataclass(slots=True)
class DefLink:
    """``defs[source] -type-> defs[target]``: an edge between two nodes of the same row."""

    source: int
    type: str
    target: int


@dataclass(slots=True)
class ParsedRow:
    sheet: RawSheet
    number: int
    defs: list[Def] = field(default_factory=list)
    refs: list[RefLink] = field(default_factory=list)
    links: list[DefLink] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: problems of optional cells: the cell is left out and, in a partial load, the row kept
    dropped: list[Problem] = field(default_factory=list)
    #: values stored otherwise than written (for the load report)
    notes: list[Note] = field(default_factory=list)

    def location(self, key: str | None = None) -> str:
        return self.sheet.location(self.number, key)


_COLUMN_SETS: dict[int, tuple[SheetSpec, frozenset[str], frozenset[str]]] = {}


def _code_and_name_columns(spec: SheetSpec) -> tuple[frozenset[str], frozenset[str]]:
    """The headers of ``spec``'s code columns and of its name columns (kept per spec: asked per row)."""
    hit = _COLUMN_SETS.get(id(spec))
    if hit is None or hit[0] is not spec:
        hit = _COLUMN_SETS[id(spec)] = (spec, frozenset(c.zh for c in spec.columns if c.prop == "code"),
                                        frozenset(c.zh for c in spec.columns if c.prop == "name"))
    return hit[1], hit[2]


class _Row:
    """Reads one raw row's cells, collecting located problems into the parsed row."""

    def __init__(self, sheet: RawSheet, raw: RawRow):
        self.sheet, self.cells = sheet, raw.cells
        self.out = ParsedRow(sheet, raw.number)
        self.refused: set[str] = set()
        self.check_cells()

    def check_cells(self) -> None:
        """Refuse what no store can carry, wherever it is: a non-finite number (NaN, an infinity),
        a control character; in a code column any line break or tab, a code over
        ``MAX_CODE_LENGTH`` or ending in a route's suffix; a name over ``MAX_NAME_LENGTH``."""
        codes, names = _code_and_name_columns(self.sheet.spec)
        # one search over the row's texts joined (line breaks are allowed, so joining makes no
        # bad character): nearly every row holds none, and its texts need no search one by one
        texts = [v for v in self.cells.values() if type(v) is str]
        clean = bad_char("\n".join(texts)) is None
        for key, value in list(self.cells.items()):
            why = None if clean and type(value) is str else value_problem(value)
            if why is None and key in codes and isinstance(value, str):
                why = code_problem(value)
            elif why is None and key in names:
                why = name_problem(value)
            if why is not None:
                self.problem(key, why if why.startswith("the ") else f"the cell {why}")
                del self.cells[key]  # reported once (not again as an empty cell); the row is refused
                self.refused.add(key)

    def problem(self, key: str | None, reason: str) -> None:
        self.out.problems.append(Problem(self.out.location(key), reason))

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key))

    def missing(self, col: Column) -> None:
        if col.zh in self.refused:
            return
        if col.zh not in self.sheet.headers and missing_column_reported(self.sheet, col):
            return  # the sheet's one problem says the column is missing; not once per row
        self.problem(col.zh, f"required cell is empty ({col.zh} [{col.en}])")

    def required(self, col: Column) -> str:
        text = self.text(col.zh)
        if not text:
            self.missing(col)
        return text

    def note(self, key: str | None, read: str, stored: str) -> None:
        self.out.notes.append(Note(self.out.location(key), read, stored))

    def bad_cell(self, col: Column, reason: str) -> None:
        """A cell that cannot be read: a problem of the row when the column is required, else a
        problem of the cell alone (left out; a partial load keeps the row)."""
        if col.required:
            self.problem(col.zh, reason)
        else:
            self.out.dropped.append(Problem(self.out.location(col.zh), reason))

    def value(self, col: Column) -> object | None:
        try:
            return PARSERS[col.value](self.cells[col.zh])
        except BadValue as exc:
            self.bad_cell(col, str(exc))
            return None

    def unknown_props(self) -> dict[str, object]:
        """Cells of columns outside the contract, keyed by their header as written."""
        return {k: json_value(self.cells[k]) for k in self.sheet.unknown_columns if k in self.cells}


    def props(self, spec: SheetSpec) -> dict[str, object]:
        """Unknown columns, then every property column of the sheet (``code`` excluded). A
        threshold (目标值, 预警值) is read as printed (:func:`graph.values.parse_threshold`); a date
        may be a period (``2015-2018年`` → its last day); either keeps the cell as written in
        ``<prop>_text`` when it said more than the stored value, with a note."""
        props = self.unknown_props()
        thresholds: list[tuple[Column, Threshold]] = []
        for col in spec.columns:
            if not (col.prop and col.prop != "code" and col.zh in self.cells):
                continue
            raw = self.cells[col.zh]
            if col.value in THRESHOLD_TYPES:
                try:
                    th = parse_threshold(raw)
                except BadValue as exc:
                    if col.value == "target" and not isinstance(exc, NonFinite):
                        # a 目标值 that is not a threshold stays text (通过认证), said in the report
                        props[col.prop] = cell_text(raw)
                        self.note(col.zh, f"'{cell_text(raw)}'", f"{col.prop} = '{cell_text(raw)}' kept as text: "
                                  "not a number or a threshold, so the indicator is not judged against it")
                    else:
                        self.bad_cell(col, str(exc))
                    continue
                if th.value is not None:
                    props[col.prop] = th.value
                if not th.plain:
                    props[f"{col.prop}_text"] = th.text
                    self.note(col.zh, f"'{th.text}'", f"{col.prop} = {th.shown()}" if th.value is not None
                              else f"no {col.prop} stored (a placeholder: no threshold at this grade); "
                                   f"{col.prop}_text = '{th.text}'")
                thresholds.append((col, th))
            elif col.value == "date":
                try:
                    iso, period = parse_period(raw)
                except BadValue as exc:
                    self.bad_cell(col, str(exc))
                    continue
                props[col.prop] = iso
                if period:
                    props[f"{col.prop}_text"] = cell_text(raw)
                    self.note(col.zh, f"'{cell_text(raw)}'", f"{col.prop} = {iso} (the end of the period; "
                                                              f"{col.prop}_text keeps the period)")
            else:
                value = self.value(col)
                if value is not None:
                    props[col.prop] = value
        if thresholds:
            self.reconcile(spec, props, thresholds)
        return props

    def reconcile(self, spec: SheetSpec, props: dict[str, object],
                  thresholds: list[tuple[Column, Threshold]]) -> None:
        """Direction and unit from the thresholds' printing: an empty 方向 takes the sign (``≥95%``
        → ``ge``), an empty 单位 the unit printed (``%``, ``个月``, ``:1``); a sign that contradicts
        方向 or another sign, or two different units, is a problem of the cell."""
        has_direction = any(c.prop == "direction" for c in spec.columns)
        signed = [(c, th) for c, th in thresholds if th.direction is not None]
        stated = props.get("direction")
        if has_direction and stated is None and signed:
            directions = {th.direction for _, th in signed}
            if len(directions) == 1:
                props["direction"] = direction = directions.pop()
                col, th = signed[0]
                self.note(col.zh, f"'{th.text}' with 方向 empty",
                          f"direction {DIRECTION_SIGN[direction]} ({direction}), from the sign")
            else:
                (c1, t1), (c2, t2) = signed[0], next((c, t) for c, t in signed if t.direction != signed[0][1].direction)
                self.bad_cell(c2, f"'{t2.text}' ({c2.zh}, {DIRECTION_SIGN[t2.direction]}) and '{t1.text}' "
                                  f"({c1.zh}, {DIRECTION_SIGN[t1.direction]}) say opposite directions; "
                                  "no direction stored")
        elif has_direction and stated is not None:
            for col, th in signed:
                if th.direction != stated and not th.yes_no:
                    self.bad_cell(col, f"'{th.text}' says {DIRECTION_SIGN[th.direction]} ({th.direction}) but "
                                       f"方向 says {DIRECTION_SIGN[stated]} ({stated}); write one direction")
        has_unit = any(c.prop == "unit" for c in spec.columns)
        units = {th.unit for _, th in thresholds if th.unit}
        if has_unit and props.get("unit") is None and units:
            if len(units) == 1:
                props["unit"] = unit = units.pop()
                col, th = next((c, t) for c, t in thresholds if t.unit)
                self.note(col.zh, f"'{th.text}' with 单位 empty", f"unit = {unit}, as printed")
            else:
                col, th = [(c, t) for c, t in thresholds if t.unit][-1]
                self.bad_cell(col, f"the thresholds are printed in different units ({', '.join(sorted(units))}); "
                                   "write the unit in 单位")

    def ref(self, col: Column, text: str | None = None, note: str = "") -> Ref:
        return Ref(col.zh, col.refs, self.text(col.zh) if text is None else text, col.multi, col.stub, note)

    def ref_links(self, node: int, spec: SheetSpec, skip: tuple[str, ...] = ()) -> None:
        """A :class:`RefLink` for each non-empty reference column (except ``skip``)."""
        for col in spec.columns:
            if col.edge and col.refs and col.zh not in skip and col.zh in self.cells:
                self.out.refs.append(RefLink(node, col.edge, self.ref(col), col.incoming))


def column_slots(sheet: RawSheet, only: tuple[str, ...] | None = None) -> frozenset[Slot]:
    """The slots of the reference columns the sheet has (all of them, or those named in ``only``)."""
    return frozenset(
        (c.edge, "in" if c.incoming else "out", frozenset(c.refs))
        for c in sheet.spec.columns
        if c.edge and c.refs and c.zh in sheet.headers and (only is None or c.zh in only)
    )


def column_props(sheet: RawSheet, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The property keys the sheet's columns fill: ``name``, the property columns it has, its
    unknown columns, and ``extra``."""
    present = [c for c in sheet.spec.columns if c.prop and c.prop != "code" and c.zh in sheet.headers]
    return frozenset({"name", *extra, *sheet.unknown_columns, *(c.prop for c in present),
                      *(f"{c.prop}_text" for c in present if c.value in TEXT_KEPT)})


def _in(edge: str, kind: str) -> Slot:
    return (edge, "in", frozenset({kind}))


# -- printed numbering and names -----------------------------------------------------------------
_CN_NUM = "一二三四五六七八九十百零〇"
_PRINTED_NUMBER = re.compile(
    rf"^(?:(?P<cn>[{_CN_NUM}]+)\s*[、.．]"  # 一、
    rf"|[（(]\s*(?P<paren>[{_CN_NUM}]+|\d+)\s*[）)]\s*[、.．]?"  # （二）, (3)
    r"|(?P<num>\d+(?:[.．]\d+)*(?:\s*[（(]\d+[）)])?)(?:\s*[、．]|\.(?!\d)|\s+)"  # 1、 1. 1.1 2.2(3)
    r"|(?P<multi>\d+(?:[.．]\d+)+(?:[（(]\d+[）)])?)(?=[\u4e00-\u9fff])(?![倍万亿千百个元分岁年月日天次项人名篇门本台套]))"
    r"\s*(?P<name>\S.*)$")


def split_printed_number(text: str) -> tuple[str | None, str]:
    """A name printed after its numbering → ``(code, name)``: ``一、办学定位`` → (``一``,
    ``办学定位``), ``（二）师资队伍`` → (``(二)``, ``师资队伍``), ``1.1 专业定位`` and ``1.1专业定位``
    → (``1.1``, ``专业定位``), ``2.2(3) 课程标准`` → (``2.2(3)``, ``课程标准``), ``1、总体目标`` →
    (``1``, ``总体目标``). Text without numbering → ``(None, text)`` (``2025年招生计划``, ``1.5倍``
    and ``3D打印`` are not numbering)."""
    m = _PRINTED_NUMBER.match(text.strip())
    if not m:
        return None, text
    if m["cn"]:
        code = m["cn"]
    elif m["paren"]:
        code = f"({m['paren']})"
    else:
        code = (m["num"] or m["multi"]).replace("．", ".").replace("（", "(").replace("）", ")")
        code = re.sub(r"\s+", "", code)
    return code, m["name"].strip()


_CJK = re.compile(r"^[\u4e00-\u9fff·]$")


def person_name(text: str) -> tuple[str, list[str]]:
    """A person's name as printed → ``(name, names)``: ``俞 悦`` (single characters spaced out to
    align a column) → ``俞悦``; ``张三 李四`` (names of two or more characters separated by blanks)
    → the names; otherwise the text, stripped. ``names`` has one entry unless blanks separated
    several names."""
    parts = text.split()
    if len(parts) > 1 and all(_CJK.match(p) for p in parts):
        return "".join(parts), ["".join(parts)]
    if len(parts) > 1 and all(len(p) >= 2 and all(_CJK.match(ch) for ch in p) for p in parts):
        return text.strip(), parts
    return text.strip(), [text.strip()]


# -- the generic sheet: one node per row, code and name columns ------------------------------------
def _node_rows(sheet: RawSheet) -> Iterator[ParsedRow]:
    spec = sheet.spec
    slots, owned = column_slots(sheet), column_props(sheet)
    code_col = next(c for c in spec.columns if c.prop == "code")
    name_col = next(c for c in spec.columns if c.prop == "name")
    for raw in sheet.rows:
        row = _Row(sheet, raw)
        for col in spec.required:
            if col.prop not in ("code", "name") and col.zh not in row.cells:
                row.missing(col)
        props = row.props(spec)
        code = row.text(code_col.zh)
        name = props.get("name")
        if isinstance(name, str) and spec.kind == "Person":
            clean, _ = person_name(name)
            if clean != name:
                props["name"] = clean
                row.note(name_col.zh, f"'{name}'", f"name = '{clean}' (blanks inside a name removed)")
        elif isinstance(name, str):
            number, rest = split_printed_number(name)
            if number is not None:
                props["name"] = rest
                if not code:
                    code = number
                    row.note(name_col.zh, f"'{name}'", f"code = '{number}', name = '{rest}' (printed numbering)")
                else:
                    row.note(name_col.zh, f"'{name}'", f"name = '{rest}' (printed numbering '{number}' dropped; "
                                                       f"the code is {code_col.zh} '{code}')")
        if not code:
            row.missing(code_col)
        if "name" not in props:
            row.missing(name_col)
        if code:
            row_owned = owned | ({"direction", "unit"} & props.keys())
            row.out.defs.append(Def(spec.kind, code, props, slots=slots, key=code_col.zh, owned=row_owned))
            row.ref_links(0, spec)
        yield row.out


def _derived_rows(sheet: RawSheet, code_column: str, suffix: Callable[[dict], str | None],
                  finish: Callable[[dict], None]) -> Iterator[ParsedRow]:
    """Sheets without a code column (职责, 测量): the code is that of the node named in
    ``code_column`` plus ``suffix(props)``; None when the suffix cannot be made (a bad cell)."""
    spec = sheet.spec
    slots, owned = column_slots(sheet), column_props(sheet, ("scope",) if spec.kind == "Duty" else ())
    code_col = spec.get(code_column)
    for raw in sheet.rows:
        row = _Row(sheet, raw)
        for col in spec.required:
            if col.zh not in row.cells:
                row.missing(col)
        props = row.props(spec)
        finish(props)
        end = suffix(props)
        if code_col.zh in row.cells and end is not None:
            ref = row.ref(code_col)
            row.out.defs.append(Def(spec.kind, "", props, slots=slots, key=code_col.zh,
                                    code_ref=ref, code_suffix=end, owned=owned))
            row.ref_links(0, spec)
        yield row.out


def _duty_rows(sheet: RawSheet) -> Iterator[ParsedRow]:
    """职责: ``<unit code>-<scope><seq>`` (``D03-NZ1``), scope NZ by default, name = 职责描述."""

    def finish(props: dict) -> None:
        props.setdefault("scope", "NZ")
        if "description" in props:
            props["name"] = props["description"]

    def suffix(props: dict) -> str | None:
        if "seq" not in props:
            return None
        seq = str(props["seq"])  # printed either as 1 or as NZ1 (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表2)
        return f"-{seq}" if seq.upper().startswith(props["scope"]) else f"-{props['scope']}{seq}"

    return _derived_rows(sheet, "职能部门", suffix, finish)


def _measurement_rows(sheet: RawSheet) -> Iterator[ParsedRow]:
    """测量: ``<indicator code>@<ISO date>``; the name is the code (set when it is known)."""
    return _derived_rows(sheet, "指标编号", lambda p: f"@{p['date']}" if "date" in p else None, lambda p: None)


# -- 制度体系: the A / A1 / A101 index with its Z / L / B codes ----------------------------------------
_BRACKET_CODE = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<code>[^()（）\s]+)\s*[)）]\s*$")
_LEVELS = ("一级", "二级", "三级")


def _institution_rows(sheet: RawSheet) -> Iterator[ParsedRow]:
    spec = sheet.spec
    item_slot = frozenset({_in("decomposes_to", "InstitutionItem")})
    leaf_slots = item_slot | column_slots(sheet, ("制度", "流程", "标准", "责任部门"))
    leaf_owned = column_props(sheet)
    above: list[str] = ["", ""]
    for raw in sheet.rows:
        row = _Row(sheet, raw)
        texts = [row.text(z) for z in _LEVELS]
        # an empty 一级 / 二级 is "same as above"; 二级 only while 一级 stays the same
        if not texts[0]:
            texts[0] = above[0]
        if not texts[1] and texts[0] == above[0]:
            texts[1] = above[1]
        above = [texts[0], texts[1]]
        items: list[tuple[str, str]] = []
        for zh, text in zip(_LEVELS, texts, strict=True):
            if not text:
                row.missing(spec.get(zh))
                continue
            m = _BRACKET_CODE.match(text)
            if not m:
                row.problem(zh, f"no code in brackets in '{text}' (expected e.g. 专业设置及调整(A101))")
                continue
            items.append((m["code"], m["name"] or m["code"]))
        if len(items) == 3:
            for level, (code, name) in enumerate(items):
                props = (row.unknown_props() if level == 2 else {}) | {"name": name}
                leaf = level == 2
                row.out.defs.append(Def("InstitutionItem", code, props, "shared", leaf_slots if leaf else item_slot,
                                        _LEVELS[level], owned=leaf_owned if leaf else frozenset({"name"})))
            row.out.links += [DefLink(0, "decomposes_to", 1), DefLink(1, "decomposes_to", 2)]
            leaf_name = items[2][1]
            for zh in ("制度", "流程", "标准"):
                code = row.text(zh)
                if code:
                    col = spec.get(zh)
                    row.out.defs.append(Def(col.refs[0], code, {"name": f"{leaf_name} {zh}"}, "stub", key=zh))
                    row.out.links.append(DefLink(2, "includes", len(row.out.defs) - 1))
            row.ref_links(2, spec, skip=("制度", "流程", "标准"))
        yield row.out


# -- 诊断: item → element → point -------------------------------------------------------------------
_LEADING_CODE = re.compile(r"^([A-Za-z]{0,3}\d+(?:[.．]\d+)*)(?:\s+|、\s*)(\S.*)$|^(\d+(?:[.．]\d+)+)\s*(\D.*)$")


def split_leading_code(text: str, parent: str | None = None) -> tuple[str | None, str]:
    """``1.1 质量保证理念`` → (``1.1``, ``质量保证理念``); printed numbering ``一、`` / ``（二）`` /
    ``2.2(3)`` as :func:`split_printed_number`, where a Chinese or bracketed number under a
    ``parent`` code is qualified by it (``（一）`` under ``二`` → ``二.(一)``, since every item
    numbers its elements from （一）); text without a leading code → (None, text)."""
    m = _LEADING_CODE.match(text)
    if not m:
        code, name = split_printed_number(text)
        if code is not None and parent and not code[0].isdigit():
            code = f"{parent}.{code}"
        return code, name
    code, name = (m[1], m[2]) if m[1] else (m[3], m[4])
    return code.replace("．", "."), name.strip()


def _diagnosis_rows(sheet: RawSheet) -> Iterator[ParsedRow]:
    spec = sheet.spec
    element_slots = frozenset({_in("decomposes_to", "DiagnosisItem")})
    point_slots = frozenset({_in("decomposes_to", "DiagnosisElement")}) | column_slots(sheet)
    point_owned = column_props(sheet)
    lead_col = spec.get("牵头部门")
    items: dict[str, tuple[str, str]] = {}  # item text → (code, name)
    elements: dict[tuple[str, str], tuple[str, str]] = {}  # (item code, element text) → (code, name)
    n_elements: dict[str, int] = defaultdict(int)
    n_points: dict[str, int] = defaultdict(int)
    leads: dict[str, tuple[str, int]] = {}  # item code → (nearest 牵头部门 above, its row)
    above = ["", ""]
    for raw in sheet.rows:
        row = _Row(sheet, raw)
        item_text = row.text("诊断项目") or above[0]
        element_text = row.text("诊断要素") or (above[1] if item_text == above[0] else "")
        point_text = row.text("诊断点")
        above = [item_text, element_text]
        for zh, text in (("诊断项目", item_text), ("诊断要素", element_text), ("诊断点", point_text)):
            if not text:
                row.missing(spec.get(zh))
        props = row.props(spec)
        if not (item_text and element_text and point_text):
            yield row.out
            continue
        if item_text not in items:
            code, name = split_leading_code(item_text)
            items[item_text] = (code or f"D{len(items) + 1}", name)
        item_code, item_name = items[item_text]
        if (item_code, element_text) not in elements:
            n_elements[item_code] += 1
            code, name = split_leading_code(element_text, item_code)
            elements[(item_code, element_text)] = (code or f"{item_code}.{n_elements[item_code]}", name)
        element_code, element_name = elements[(item_code, element_text)]
        n_points[element_code] += 1
        code, point_name = split_leading_code(point_text, element_code)
        point_code = code or f"{element_code}.{n_points[element_code]}"
        props["name"] = point_name
        row.out.defs += [
            Def("DiagnosisItem", item_code, {"name": item_name}, "shared", key="诊断项目"),
            Def("DiagnosisElement", element_code, {"name": element_name}, "shared", element_slots, "诊断要素"),
            Def("DiagnosisPoint", point_code, props, "own", point_slots, "诊断点", owned=point_owned),
        ]
        row.out.links += [DefLink(0, "decomposes_to", 1), DefLink(1, "decomposes_to", 2)]
        if lead_col.zh in row.cells:
            leads[item_code] = (row.text(lead_col.zh), raw.number)
            row.out.refs.append(RefLink(2, "led_by", row.ref(lead_col)))
        elif item_code in leads and lead_col.zh in sheet.headers:
            text, number = leads[item_code]
            note = f" (the lead unit inherited from row {number})"
            row.out.refs.append(RefLink(2, "led_by", row.ref(lead_col, text, note)))
        row.ref_links(2, spec, skip=(lead_col.zh,))
        yield row.out


_BUILDERS: dict[str, Callable[[RawSheet], Iterator[ParsedRow]]] = {
    "node": _node_rows,
    "duty": _duty_rows,
    "measurement": _measurement_rows,
    "institution": _institution_rows,
    "diagnosis": _diagnosis_rows,
}


def parse_sheet(sheet: RawSheet) -> Iterator[ParsedRow]:
    """The parsed rows of one raw sheet, in row order."""
    return _BUILDERS[sheet.spec.builder](sheet)


def _header_hint(sheet: RawSheet) -> str:
    """`` (header read from row N: …)`` naming the header row and what it holds."""
    heads = "、".join(sheet.headers.values())
    return f" (the header was read from row {sheet.header_row}: {heads})" if sheet.header_row != 1 else ""


def missing_column_reported(sheet: RawSheet, col: Column) -> bool:
    """Whether :func:`sheet_problems` reports ``col`` as a missing column of ``sheet`` (then its
    rows do not report its cells as empty, one by one)."""
    if col.zh in sheet.headers or not col.required:
        return False
    name_col = next((c for c in sheet.spec.columns if c.prop == "name"), None)
    return not (col.prop == "code" and sheet.spec.builder == "node" and name_col is not None
                and name_col.zh in sheet.headers)


def sheet_problems(sheet: RawSheet) -> list[Problem]:
    """Problems of the sheet as a whole: a required column missing, a column given twice."""
    out = [Problem(sheet.location(1, h), f"column given twice ({h}); one column per field")
           for h in sheet.duplicate_columns]
    name_col = next((c for c in sheet.spec.columns if c.prop == "name"), None)
    for col in sheet.spec.required:
        if col.prop == "code" and sheet.spec.builder == "node" and name_col is not None and name_col.zh in sheet.headers:
            continue  # printed tables number their names (1.1 专业定位): the code comes from there
        if col.zh not in sheet.headers:
            out.append(Problem(sheet.location(sheet.header_row),
                               f"required column {col.zh} [{col.en}] is missing{_header_hint(sheet)}"))
    return out
