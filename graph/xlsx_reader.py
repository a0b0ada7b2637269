"""Reading ``.xlsx`` workbooks: python-calamine parses the cells (Rust; an order of magnitude faster
than openpyxl's read-only mode, which stays the writer, :mod:`graph.xlsx`), and this module adds
what calamine does not tell, from the sheet's XML: the cells holding a formula without a saved value
and the cells holding an Excel error (``#DIV/0!`` …, which calamine reads as empty).

Cells come as openpyxl's ``data_only`` mode gave them, so every reader sees the same values:
``None`` for an empty cell, ``int`` for an integral number (Excel stores ``2001`` as a float),
``datetime.date`` for a date cell at midnight (``datetime`` when it has a time of day), the error's
text (``#DIV/0!``) for an error cell.

:func:`check_xlsx` refuses, before anything is parsed, a workbook over the size limits or holding a
DOCTYPE; call it before :func:`open_xlsx` on untrusted input.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from defusedxml.ElementTree import fromstring, iterparse

#: A cell reference as a sheet's XML writes it: column letters, then the row number.
_A1_REF = re.compile(r"([A-Za-z]{1,3})([0-9]+)")


def get_column_letter(index: int) -> str:
    """Column letters of a 1-based column ``index`` (1 → ``A``, 27 → ``AA``, 18278 → ``ZZZ``), as
    ``openpyxl.utils.cell.get_column_letter`` gives them (here so that reading a workbook does not
    import openpyxl). Raises ValueError outside 1–18278."""
    if not 1 <= index <= 18278:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, r = divmod(index - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def coordinate_to_tuple(ref: str) -> tuple[int, int]:
    """``(row, column)``, both 1-based, of a cell reference such as ``B12`` (letters in either
    case), as ``openpyxl.utils.cell.coordinate_to_tuple`` gives it. Raises ValueError for anything
    else (absolute ``$`` references included) or a column past ``ZZZ``."""
    m = _A1_REF.fullmatch(ref)
    if m is None:
        raise ValueError(f"{ref!r} is not a cell reference")
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - 64
    return int(m[2]), col
from python_calamine import CalamineWorkbook, SheetTypeEnum

from graph.errors import IngestError, Problem
from graph.settings import LimitsSection

Source = Any  # a path (str / os.PathLike) or a seekable binary file object

_MB = 1024 * 1024
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})(\d+)"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
#: Byte strings one of which a sheet holding a formula element (``<f>``, ``<x:f …>``) or an error
#: cell (``t="e"``) contains: only such a sheet is parsed as XML (a false hit only costs the parse).
_FORMULA_OR_ERROR = (b"<f", b":f>", b":f ", b":f/", b't="e"', b"t='e'")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: Integral floats up to 2**53 are exact as int (what openpyxl returned for ``<v>2001</v>``).
_EXACT = float(2 ** 53)


@dataclass
class SheetCells:
    """One worksheet as read. ``rows[i]`` is spreadsheet row ``i + 1`` (every row from row 1, empty
    ones as lists of None); ``merged`` holds the merged ranges as ``(min_row, min_col, max_row,
    max_col)`` and ``formulas`` the cells holding a formula without a saved value as ``(row,
    column)``, all 1-based."""

    title: str
    rows: list[list[object]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: list[tuple[int, int]] = field(default_factory=list)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _rewind(source: Source) -> Source:
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def _sheet_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """The last row and column a worksheet's XML places a cell or row at, read by scanning the raw
    bytes (no XML parsing, so a huge or hostile sheet costs seconds, not minutes)."""
    max_row = max_col = 0
    tail = b""
    with archive.open(part) as raw:
        while chunk := raw.read(_MB):
            data = tail + chunk
            cells = _CELL_REF.findall(data)  # [(letters, digits), …]: max() over them, no loop per cell
            if cells:
                letters, digits = zip(*cells)
                max_col = max(max_col, *map(_column_number, set(letters)))
                max_row = max(max_row, *map(int, digits))
            max_row = max(max_row, 0, *map(int, _ROW_REF.findall(data)))
            tail = data[-200:]
    return max_row, max_col


def check_xlsx(source: Source, name: str, limits: LimitsSection | None = None) -> dict[str, tuple[int, int]]:
    """Refuse, before anything is parsed, a workbook that unpacks to more than
    ``limits.max_unpacked_mb``, holds a DOCTYPE in any XML part (entity tricks), or places a cell
    beyond ``limits.max_rows`` / ``limits.max_columns`` in a sheet. Returns the extent (last row,
    last column) of each worksheet part. Raises IngestError naming the file (and the part); a file
    that is not a zip is left to the workbook reader to report."""
    limits = limits or LimitsSection()
    try:
        archive = zipfile.ZipFile(_rewind(source))
    except (OSError, zipfile.BadZipFile):
        return {}
    extents: dict[str, tuple[int, int]] = {}
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        if total > limits.max_unpacked_bytes:
            raise IngestError([Problem(name, f"the workbook unpacks to {total / _MB:,.0f} MB, over the limit of "
                                             f"{limits.max_unpacked_mb:g} MB (limits.max_unpacked_mb in iqa.yaml); "
                                             "nothing was read")])
        try:
            for info in infos:
                if not info.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                with archive.open(info) as raw:
                    head = raw.read(4096)
                if _DOCTYPE.search(head):
                    raise IngestError([Problem(f"{name} {info.filename}", "the XML holds a DOCTYPE (entity "
                                               "declarations are refused); save the workbook again from Excel")])
                if info.filename.startswith("xl/worksheets/"):
                    rows, cols = extents[info.filename] = _sheet_extent(archive, info.filename)
                    if rows > limits.max_rows or cols > limits.max_columns:
                        raise IngestError([Problem(
                            f"{name} {_sheet_title(archive, info.filename)}",
                            f"the sheet reaches row {rows:,} and column {get_column_letter(min(cols, 18278)) if cols else '-'} "
                            f"({cols:,}); the limit is {limits.max_rows:,} rows and {limits.max_columns:,} columns. "
                            "If the table really is that large, raise limits.max_rows / limits.max_columns in "
                            "iqa.yaml; otherwise delete the cells beyond the table")])
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as exc:
            raise IngestError([Problem(name, f"cannot read as an .xlsx workbook ({type(exc).__name__}: {exc})")]) from exc
    return extents


def _sheet_title(archive: zipfile.ZipFile, part: str) -> str:
    """How a problem names the worksheet ``part``: its title and the part (``目标 (xl/worksheets/
    sheet5.xml)``), or the part alone when the workbook's XML does not say."""
    title = next((t for t, p in _sheet_parts(archive).items() if p == part), None)
    return part if title is None else f"{title} ({part})"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its part in the zip (``xl/worksheets/sheet1.xml``), from the workbook's XML."""
    try:
        book = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SyntaxError, ValueError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for elem in book.iter():
        if elem.tag.rpartition("}")[2] == "sheet":
            target = targets.get(elem.get(f"{{{_REL_NS}}}id"), "")
            parts[elem.get("name", "")] = target.lstrip("/") if target.startswith("/") \
                else posixpath.normpath(posixpath.join("xl", target))
    return parts


def _formulas_and_errors(archive: zipfile.ZipFile, part: str) -> tuple[list[tuple[int, int]], dict[tuple[int, int], str]]:
    """The cells of a worksheet part holding a formula without a saved value, and the error cells
    with their text (``#N/A`` …), as 1-based ``(row, column)``. A sheet with neither (the bytes say
    so) is not parsed."""
    data = archive.read(part)
    if not any(marker in data for marker in _FORMULA_OR_ERROR):
        return [], {}
    formulas: list[tuple[int, int]] = []
    errors: dict[tuple[int, int], str] = {}
    with archive.open(part) as xml:
        for _, elem in iterparse(xml):
            tag = elem.tag.rpartition("}")[2]
            if tag == "c":
                has_f = has_v = False
                value = ""
                for child in elem:
                    t = child.tag.rpartition("}")[2]
                    has_f = has_f or t == "f"
                    if t in ("v", "is") and (child.text or len(child)):
                        has_v, value = True, child.text or ""
                ref = elem.get("r")
                if ref and has_f and not has_v:
                    formulas.append(coordinate_to_tuple(ref))
                elif ref and has_v and elem.get("t") == "e":
                    errors[coordinate_to_tuple(ref)] = value
                elem.clear()
            elif tag == "row":
                elem.clear()
    return formulas, errors


def _cell(value: object) -> object:
    if value == "":
        return None
    if type(value) is float and value.is_integer() and -_EXACT < value < _EXACT:
        return int(value)
    if type(value) is dt.datetime and value.time() == dt.time():
        return value.date()
    return value


class XlsxWorkbook:
    """An open workbook: :attr:`titles` (the worksheets, in order; chart sheets left out) and
    :meth:`sheet` to read one. Use :func:`open_xlsx`."""

    def __init__(self, book: CalamineWorkbook, archive: zipfile.ZipFile | None) -> None:
        self._book = book
        self._archive = archive
        self._parts = _sheet_parts(archive) if archive is not None else {}
        self.titles = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]

    def sheet(self, title: str, limits: LimitsSection | None = None, where: str | None = None) -> SheetCells:
        """The cells of worksheet ``title`` (module docstring). Raises IngestError located at
        ``where`` (default the title) when the sheet holds more than ``limits.max_rows`` rows or
        ``limits.max_columns`` columns; calamine's errors (a damaged part, a number that is not
        one) propagate for the caller to locate."""
        limits = limits or LimitsSection()
        ws = self._book.get_sheet_by_name(title)
        end = ws.end
        if end is not None and (end[0] >= limits.max_rows or end[1] >= limits.max_columns):
            raise IngestError([Problem(where or title, f"the sheet has more than {limits.max_rows:,} rows or "
                                              f"{limits.max_columns:,} columns; if the table really is that large, "
                                              "raise limits.max_rows / limits.max_columns in iqa.yaml")])
        rows = [[_cell(v) for v in row] for row in ws.to_python(skip_empty_area=False)] if end is not None else []
        merged = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ws.merged_cell_ranges or []]
        formulas: list[tuple[int, int]] = []
        part = self._parts.get(title)
        if part is not None and self._archive is not None:
            formulas, errors = _formulas_and_errors(self._archive, part)
            for (r, c), text in errors.items():
                if r <= len(rows):
                    row = rows[r - 1]
                    row.extend([None] * (c - len(row)))
                    row[c - 1] = text
        return SheetCells(title, rows, merged, formulas)


@contextmanager
def open_xlsx(source: Source, name: str) -> Iterator[XlsxWorkbook]:
    """Open an ``.xlsx`` (a path or a seekable binary file). ``name`` names the file in errors.
    Raises IngestError when it cannot be read as a workbook."""
    try:
        book = CalamineWorkbook.from_object(_rewind(source))
    except Exception as exc:  # CalamineError, ZipError, XmlError … for a file that is not a workbook
        raise IngestError([Problem(name, f"cannot read as an .xlsx workbook ({type(exc).__name__}: {exc})")]) from exc
    try:
        archive: zipfile.ZipFile | None = zipfile.ZipFile(_rewind(source))
    except (OSError, zipfile.BadZipFile):
        archive = None
    try:
        yield XlsxWorkbook(book, archive)
    finally:
        book.close()
        if archive is not None:
            archive.close()


__all__ = ["SheetCells", "XlsxWorkbook", "check_xlsx", "open_xlsx"]
