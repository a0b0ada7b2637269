"""Readers: ``.xlsx`` workbooks, ``.csv`` files (one sheet, named by the file stem), directories of
those, and in-memory ``{sheet: [row dict, …]}`` mappings, all turned into :class:`RawSheet` s.

A raw sheet keeps the file name as it was given (never made absolute), the sheet title as
written and its non-empty rows with their 1-based spreadsheet row numbers (the header is row 1).
Cells are keyed by the contract's Chinese column name, or by the header text itself for a column
the contract does not know (kept as a node property). Sheets outside the contract are skipped with
a warning; the instructions sheet ``说明`` is skipped silently.

Tables as colleges print them are read as they are, each normalisation noted (:class:`Note`) for
the load report: the header is the row among the first :data:`HEADER_SEARCH` non-empty rows that
names the most columns of the sheet (title rows above it are noted and not read as data); a row
repeating the header (a page break) is skipped; a merged cell (``.xlsx``) fills every cell it
covers (a 测量对象 or 层面 merged down a group of rows); a header printed tables use (``序号``,
``牵头责任单位`` …) names the contract's column, unless the sheet also has that column by its own name.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from graph.errors import IngestError, Problem
from graph.settings import LimitsSection
from ingest.report import Note
from ingest.sheets import SheetSpec, is_ignored_sheet, normalize_header, sheet_spec
from graph.values import ZERO_WIDTH, cell_text, normalise_code, strip_zero_width
from graph.xlsx_reader import SheetCells, check_xlsx, open_xlsx

#: How many non-empty rows at the top of a sheet may hold the header (title rows above it).
HEADER_SEARCH = 10

WORKBOOK_SUFFIXES = (".xlsx", ".csv")

#: The header of the column that marks a template's example rows (``iqa template`` writes it): a
#: row with anything in it is never loaded (a warning names it), and the column itself is no data.
EXAMPLE_COLUMN = "示例"
_EXAMPLE_HEADERS = {normalize_header(h) for h in (EXAMPLE_COLUMN, "example", f"{EXAMPLE_COLUMN}[example]")}
_EXAMPLE_KEY = "\x00example"  # a column key no header can produce
RDF_SUFFIXES = (".ttl", ".jsonld", ".json-ld", ".nt", ".rdf")


@dataclass
class RawRow:
    """One non-empty row: its spreadsheet row ``number`` and its non-empty ``cells`` by column key."""

    number: int
    cells: dict[str, object]


@dataclass
class RawSheet:
    """A sheet of the contract as read. ``headers`` maps each column key (the contract's Chinese
    name, or the raw header of an unknown column) to the header as written in the file."""

    file: str
    title: str
    spec: SheetSpec
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[RawRow] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    duplicate_columns: list[str] = field(default_factory=list)
    header_row: int = 1

    def location(self, row: int, key: str | None = None) -> str:
        """``file sheet!row:column`` (``file sheet!row`` without a column), column as written."""
        where = f"{self.file} {self.title}!{row}"
        return f"{where}:{self.headers.get(key, key)}" if key else where


@dataclass
class ReadResult:
    """What the readers produced: the sheets, the files read and the warnings."""

    sheets: list[RawSheet] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.sheets += other.sheets
        self.files += other.files
        self.warnings += other.warnings
        self.notes += other.notes


#: ``search(text)``: the first zero-width character (``graph.values.ZERO_WIDTH``) in ``text``.
_ZERO_WIDTH_SEARCH = re.compile(f"[{ZERO_WIDTH}]").search


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_text(value: str, code: bool, where: Callable[[], str], notes: list[Note]) -> str:
    """A text cell as read: zero-width characters removed and surrounding blanks stripped; a code
    also NFKC-normalised (``ＺＫ－０１`` → ``ZK-01``). A change beyond stripping plain spaces is noted
    at ``where()`` (called only then: most cells need no note)."""
    stripped = value.strip()
    clean = normalise_code(stripped) if code else strip_zero_width(stripped).strip()
    if clean != stripped or (code and value.strip(" ") != stripped):
        what = "code normalised (NFKC, zero-width characters and surrounding blanks removed)" if code \
            else "zero-width characters removed"
        notes.append(Note(where(), repr(value), f"'{clean}' ({what})"))
    return clean


def _header_score(spec: SheetSpec, values: Iterable[object]) -> int:
    """How many distinct columns of ``spec`` a row names (text cells only)."""
    return len({c.zh for v in values if isinstance(v, str) and (c := spec.column(v)) is not None})


def build_sheet(file: str, title: str, header: list[object], rows: Iterable[tuple[int, list[object]]],
                result: ReadResult, header_row: int = 1) -> None:
    """Map a header row (spreadsheet row ``header_row``) and numbered rows to a :class:`RawSheet`
    appended to ``result`` (or a warning when the sheet is not in the contract). A row repeating
    the header is skipped with a note. Shared by every reader."""
    spec = sheet_spec(title)
    if spec is None:
        if not is_ignored_sheet(title):
            result.warnings.append(f"{file} {title}: not a sheet of the workbook contract; skipped")
        return
    if not any(cell_text(h) for h in header):  # an empty sheet: nothing to load
        return
    sheet = RawSheet(file, title, spec)
    sheet.header_row = header_row
    matches = [spec.match(cell_text(raw)) if cell_text(raw) else (None, False) for raw in header]
    by_name = {col.zh for col, alias in matches if col is not None and not alias}
    keys: list[str | None] = []
    for raw, (col, alias) in zip(header, matches):
        text = cell_text(raw)
        if col is None and text and normalize_header(text) in _EXAMPLE_HEADERS:
            keys.append(_EXAMPLE_KEY)
            continue
        if col is not None and alias and col.zh in by_name:
            col = None  # the sheet has the column by its own name: this header is another column
        key = col.zh if col else (text or None)
        if key is not None and key in sheet.headers:
            sheet.duplicate_columns.append(text)
            key = None
        elif key is not None:
            sheet.headers[key] = text
            if col is None:
                sheet.unknown_columns.append(text)
                result.warnings.append(f"{sheet.location(header_row, key)}: not a column of {spec.zh}; "
                                       f"kept as node property '{text}'")
            elif alias:
                result.notes.append(Note(sheet.location(header_row, key), f"header '{text}'",
                                         f"column {col.zh} [{col.en}]"))
        keys.append(key)
    blank = {i for i, raw in enumerate(header) if not cell_text(raw)}
    header_texts = [normalize_header(cell_text(h)) for h in header]
    named = sum(1 for t in header_texts if t)
    unnamed_data = False
    raw_header = [cell_text(h) for h in header]
    code_keys = {c.zh for c in spec.columns if c.prop == "code"}
    for number, values in rows:
        if named >= 2 and any(h and isinstance(v, str) and v.strip() == h
                              for v, h in zip(values, raw_header)):  # cheap test first: a cell equal to its header
            texts = [normalize_header(cell_text(v)) for v in values]
            same = sum(1 for i, t in enumerate(texts) if t and i < len(header_texts) and t == header_texts[i])
            if same >= max(2, (named + 1) // 2) and same == sum(1 for t in texts if t):
                result.notes.append(Note(sheet.location(number), "the header repeated (a page break)", "skipped"))
                continue
        cells: dict[str, object] = {}
        # one search of the row's texts joined: a row without a zero-width character (nearly all)
        # has its text cells only stripped, which is what _clean_text makes of them (codes aside)
        plain = _ZERO_WIDTH_SEARCH("\n".join([v for v in values if type(v) is str])) is None
        for i, value in enumerate(values):
            if value is None:
                continue
            text = isinstance(value, str)
            if text and not value.strip():  # _empty
                continue
            key = keys[i] if i < len(keys) else None
            if key is None:
                unnamed_data = unnamed_data or i >= len(keys) or i in blank
                continue
            if text:
                if plain and type(value) is str and key not in code_keys:
                    value = value.strip()
                else:
                    value = _clean_text(value, key in code_keys, lambda: sheet.location(number, key), result.notes)
                    if not value:
                        continue
            cells[key] = value
        if cells.pop(_EXAMPLE_KEY, None) is not None:
            result.warnings.append(f"{sheet.location(number)}: the template's example row ({EXAMPLE_COLUMN} column "
                                   "filled in): not loaded")
            continue
        if cells:
            sheet.rows.append(RawRow(number, cells))
    if unnamed_data:
        result.warnings.append(f"{file} {title}: cells under a column without a header were ignored")
    result.sheets.append(sheet)


def _numbered(rows: Iterable[Iterable[object]], spec: SheetSpec | None = None, where: str = "",
              notes: list[Note] | None = None) -> tuple[list[object], list[tuple[int, list[object]]], int]:
    """Split rows into the header, the numbered rows below it and the header's row number. The
    header is the first non-empty row, or, for a sheet of the contract, the first of the first
    :data:`HEADER_SEARCH` non-empty rows that names the most of its columns; the rows above it are
    titles (noted in ``notes`` as ``where!row``)."""
    numbered = [(n, list(v)) for n, v in enumerate(rows, 1)]
    top = [(n, v) for n, v in numbered if any(not _empty(x) for x in v)][:HEADER_SEARCH]
    if not top:
        return [], [], 1
    chosen = top[0]
    if spec is not None:
        scores = [_header_score(spec, v) for _, v in top]
        best = max(scores)
        if best > scores[0]:
            chosen = top[scores.index(best)]
            if notes is not None:
                for n, v in top[:scores.index(best)]:
                    text = " ".join(cell_text(x) for x in v if not _empty(x))
                    notes.append(Note(f"{where}!{n}", f"title row '{text}'",
                                      f"not data; the header is row {chosen[0]}"))
    header_row, header = chosen
    return header, [(n, v) for n, v in numbered if n > header_row], header_row


def _fill_merged(rows: list[list[object]], merged: list[tuple[int, int, int, int]], where: str,
                 header_of: Callable[[int], str], notes: list[Note]) -> None:
    """Give every cell of a merged range the value of its top-left cell, noting each range."""
    from graph.xlsx_reader import get_column_letter  # openpyxl's answers, without importing it

    for r1, c1, r2, c2 in merged:
        if r1 > len(rows) or (r1 == r2 and c1 == c2):
            continue
        value = rows[r1 - 1][c1 - 1] if c1 - 1 < len(rows[r1 - 1]) else None
        if _empty(value):
            continue
        for r in range(r1, min(r2, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < c2:
                row.extend([None] * (c2 - len(row)))
            for c in range(c1, c2 + 1):
                row[c - 1] = value
        span = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        down = f"rows {r1}–{r2}" if r2 > r1 else f"row {r1}"
        notes.append(Note(f"{where}!{r1}:{header_of(c1)}", f"merged cell {span} '{cell_text(value)}'",
                          f"the same value on {down}" + (f", columns {get_column_letter(c1)}–{get_column_letter(c2)}"
                                                         if c2 > c1 else "")))


def read_xlsx(path: str | os.PathLike[str] | IO[bytes], name: str | None = None,
              limits: LimitsSection | None = None) -> ReadResult:
    """Every worksheet of an ``.xlsx`` file or binary file object (:mod:`graph.xlsx_reader`: cached formula values; date
    cells become ``datetime.date``, or ``datetime`` when they carry a time of day). ``name`` is the
    file name shown in messages (default: ``path`` as given). The file is first checked against
    ``limits`` (:func:`check_xlsx`). A formula cell without a cached value (a workbook written by a
    program and never opened in Excel) is read as empty, with a warning naming it.
    Raises IngestError when the file is over a limit or cannot be read as a workbook (naming the
    sheet when a sheet's XML cannot be parsed)."""
    name = name or str(path)
    limits = limits or LimitsSection()
    result = ReadResult(files=[name])
    check_xlsx(path, name, limits)
    with open_xlsx(path, name) as wb:
        for title in wb.titles:
            if sheet_spec(title) is None:
                build_sheet(name, title, [], [], result)
                continue
            where = f"{name} {title}"
            try:
                cells = wb.sheet(title, limits, where)
            except IngestError:
                raise
            except Exception as exc:  # a damaged part, a number that is not one …
                raise IngestError([Problem(where, f"cannot read the sheet ({type(exc).__name__}: {exc})")]) from exc
            _read_sheet(cells, where, name, result)
    return result


def _read_sheet(cells: SheetCells, where: str, name: str, result: ReadResult) -> None:
    rows, merged = cells.rows, cells.merged
    spec = sheet_spec(cells.title)
    notes: list[Note] = []
    header, body, header_row = _numbered(rows, spec, where, notes)
    names = {i + 1: cell_text(h) for i, h in enumerate(header)}
    if merged:
        fill: list[Note] = []
        _fill_merged(rows, [m for m in merged if m[0] > header_row], where,
                     lambda c: names.get(c) or f"column {c}", fill)
        header, body, header_row = _numbered(rows, spec)
        notes += fill
    for r, c in cells.formulas:
        if r > header_row and (r > len(rows) or c > len(rows[r - 1]) or _empty(rows[r - 1][c - 1])):
            result.warnings.append(f"{where}!{r}:{names.get(c) or f'column {c}'}: a formula without a saved value "
                                   "(the workbook was not recalculated); read as empty — open and save it in Excel")
    result.notes += notes
    build_sheet(name, cells.title, header, body, result, header_row)


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_csv(path: str | os.PathLike[str], name: str | None = None, limits: LimitsSection | None = None) -> ReadResult:
    """One ``.csv`` file as the sheet named by its stem (``目标.csv`` → 目标). A row with fewer
    fields than the header (its last columns read as empty) is warned about, with its location.
    Raises IngestError when the file cannot be read or decoded, or is over ``limits`` (rows,
    columns)."""
    name = name or str(path)
    limits = limits or LimitsSection()
    result = ReadResult(files=[name])
    stem = Path(path).stem
    where = f"{name} {stem}"
    try:
        text = decode_csv(Path(path).read_bytes())
        rows = []
        for fields in csv.reader(io.StringIO(text, newline="")):
            if len(rows) >= limits.max_rows or len(fields) > limits.max_columns:
                raise IngestError([Problem(where, f"the file has more than {limits.max_rows:,} rows or "
                                                  f"{limits.max_columns:,} columns; if the table really is that "
                                                  "large, raise limits.max_rows / limits.max_columns in iqa.yaml")])
            rows.append(fields)
        header, body, header_row = _numbered(rows, sheet_spec(stem), where, result.notes)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise IngestError([Problem(name, f"cannot read as CSV ({exc})")]) from exc
    width = len(header)
    while width and not cell_text(header[width - 1]):
        width -= 1
    for number, fields in body:
        if 0 < len(fields) < width and any(not _empty(v) for v in fields):
            missing = [cell_text(h) for h in header[len(fields):width] if cell_text(h)]
            result.warnings.append(f"{where}!{number}: the row has {len(fields)} of {width} fields; "
                                   f"{', '.join(missing)} read as empty (a field separator missing?)")
    build_sheet(name, stem, header, body, result, header_row)
    return result


def expand_paths(paths: Iterable[str | os.PathLike[str]],
                 suffixes: tuple[str, ...] = WORKBOOK_SUFFIXES) -> list[str]:
    """Files to read, as display names: a file as given, a directory as its files with one of
    ``suffixes`` (not recursive; sorted; Office lock files ``~$…`` and hidden files skipped).
    Raises IngestError for a path that does not exist or has an unsupported suffix."""
    files: list[str] = []
    problems: list[Problem] = []
    for p in paths:
        shown = str(p)
        path = Path(p)
        if path.is_dir():
            found = sorted(e.name for e in path.iterdir()
                           if e.is_file() and e.suffix.lower() in suffixes and not e.name.startswith(("~$", ".")))
            if not found:
                problems.append(Problem(shown, f"no {'/'.join(suffixes)} files in this directory"))
            files += [os.path.join(shown, f) for f in found]
        elif not path.exists():
            problems.append(Problem(shown, "no such file or directory"))
        elif path.suffix.lower() not in suffixes:
            problems.append(Problem(shown, f"unsupported file type '{path.suffix}' (expected {', '.join(suffixes)})"))
        else:
            files.append(shown)
    if problems:
        raise IngestError(problems)
    return files


def read_file(path: str, limits: LimitsSection | None = None) -> ReadResult:
    """One ``.xlsx`` or ``.csv`` file (by suffix), within ``limits`` (default: the defaults)."""
    return read_csv(path, limits=limits) if path.lower().endswith(".csv") else read_xlsx(path, limits=limits)


def read_paths(paths: Iterable[str | os.PathLike[str]]) -> ReadResult:
    """Every ``.xlsx``/``.csv`` file named or inside the named directories, in order; raises
    IngestError for missing or unreadable files."""
    result = ReadResult()
    for f in expand_paths(paths):
        result.extend(read_file(f))
    return result


def read_mapping(data: Mapping[str, list[Mapping[str, object]]], source: str = "<memory>") -> ReadResult:
    """Sheets given as ``{sheet name: [row dict keyed by header, …]}`` (what the seed generators
    produce). Row ``i`` of a list is spreadsheet row ``i + 2``; list or tuple values are joined
    with ``、`` like a multi-valued cell."""
    result = ReadResult(files=[source])
    for title, rows in data.items():
        header: list[str] = []
        for row in rows:
            header += [k for k in row if k not in header]
        body = []
        for i, row in enumerate(rows):
            values = [row.get(h) for h in header]
            values = ["、".join(map(cell_text, v)) if isinstance(v, (list, tuple)) else v for v in values]
            body.append((i + 2, values))
        build_sheet(source, str(title), list(header), body, result)
    return result
