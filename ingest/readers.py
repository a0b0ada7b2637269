"""Readers: ``.xlsx`` workbooks, ``.csv`` files (one sheet, named by the file stem), directories of
those, and in-memory ``{sheet: [row dict, …]}`` mappings, all turned into :class:`RawSheet` s.

A raw sheet keeps the file name as it was given (never made absolute), the sheet title as
written and its non-empty rows with their 1-based spreadsheet row numbers (the header is row 1).
Cells are keyed by the contract's Chinese column name, or by the header text itself for a column
the contract does not know (kept as a node property). Sheets outside the contract are skipped with
a warning; the instructions sheet ``说明`` is skipped silently.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import IngestError, Problem
from ingest.sheets import SheetSpec, is_ignored_sheet, sheet_spec
from graph.values import cell_text

WORKBOOK_SUFFIXES = (".xlsx", ".csv")
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

    def extend(self, other: ReadResult) -> None:
        self.sheets += other.sheets
        self.files += other.files
        self.warnings += other.warnings


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def build_sheet(file: str, title: str, header: list[object], rows: Iterable[tuple[int, list[object]]],
                result: ReadResult) -> None:
    """Map a header row and numbered rows to a :class:`RawSheet` appended to ``result`` (or a
    warning when the sheet is not in the contract). Shared by every reader."""
    spec = sheet_spec(title)
    if spec is None:
        if not is_ignored_sheet(title):
            result.warnings.append(f"{file} {title}: not a sheet of the workbook contract; skipped")
        return
    if not any(cell_text(h) for h in header):  # an empty sheet: nothing to load
        return
    sheet = RawSheet(file, title, spec)
    keys: list[str | None] = []
    for raw in header:
        text = cell_text(raw)
        col = spec.column(text) if text else None
        key = col.zh if col else (text or None)
        if key is not None and key in sheet.headers:
            sheet.duplicate_columns.append(text)
            key = None
        elif key is not None:
            sheet.headers[key] = text
            if col is None:
                sheet.unknown_columns.append(text)
                result.warnings.append(f"{sheet.location(1, key)}: not a column of {spec.zh}; "
                                       f"kept as node property '{text}'")
        keys.append(key)
    blank = {i for i, raw in enumerate(header) if not cell_text(raw)}
    unnamed_data = False
    for number, values in rows:
        cells: dict[str, object] = {}
        for i, value in enumerate(values):
            if _empty(value):
                continue
            key = keys[i] if i < len(keys) else None
            if key is None:
                unnamed_data = unnamed_data or i >= len(keys) or i in blank
                continue
            cells[key] = value.strip() if isinstance(value, str) else value
        if cells:
            sheet.rows.append(RawRow(number, cells))
    if unnamed_data:
        result.warnings.append(f"{file} {title}: cells under a column without a header were ignored")
    result.sheets.append(sheet)


def _numbered(rows: Iterable[Iterable[object]]) -> tuple[list[object], list[tuple[int, list[object]]]]:
    """Split rows into the header (the first non-empty row) and the numbered rows below it."""
    header: list[object] | None = None
    body: list[tuple[int, list[object]]] = []
    for number, values in enumerate(rows, 1):
        values = list(values)
        if header is None:
            if any(not _empty(v) for v in values):
                header = values
            continue
        body.append((number, values))
    return header or [], body


def _dates(values: tuple[object, ...]) -> list[object]:
    """Excel date cells arrive as datetimes: those at midnight become dates."""
    return [v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v for v in values]


def read_xlsx(path: str | os.PathLike[str], name: str | None = None) -> ReadResult:
    """Every worksheet of an ``.xlsx`` file (openpyxl read-only, cached formula values; date cells
    become ``datetime.date``, or ``datetime`` when they carry a time of day). ``name`` is the file
    name shown in messages (default: ``path`` as given). Raises IngestError when the file cannot be
    opened as a workbook."""
    import openpyxl

    name = name or str(path)
    result = ReadResult(files=[name])
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException, KeyError …
        raise IngestError([Problem(name, f"cannot read as an .xlsx workbook ({type(exc).__name__}: {exc})")]) from exc
    try:
        for ws in wb.worksheets:
            if sheet_spec(ws.title) is None:
                build_sheet(name, ws.title, [], [], result)
                continue
            ws.reset_dimensions()  # some writers store wrong dimensions; read what is there
            header, body = _numbered(map(_dates, ws.iter_rows(values_only=True)))
            build_sheet(name, ws.title, header, body, result)
    finally:
        wb.close()
    return result


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_csv(path: str | os.PathLike[str], name: str | None = None) -> ReadResult:
    """One ``.csv`` file as the sheet named by its stem (``目标.csv`` → 目标). Raises IngestError
    when the file cannot be read or decoded."""
    name = name or str(path)
    result = ReadResult(files=[name])
    try:
        text = decode_csv(Path(path).read_bytes())
        header, body = _numbered(csv.reader(io.StringIO(text, newline="")))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise IngestError([Problem(name, f"cannot read as CSV ({exc})")]) from exc
    build_sheet(name, Path(path).stem, header, body, result)
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


def read_file(path: str) -> ReadResult:
    """One ``.xlsx`` or ``.csv`` file (by suffix)."""
    return read_csv(path) if path.lower().endswith(".csv") else read_xlsx(path)


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
