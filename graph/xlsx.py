"""One way to write a worksheet for every xlsx the system produces (rectification lists, the
diagnosis workbook, the input template): header styling, column widths, frozen header, print setup
(landscape, fitted to the page width, header row repeated), typed columns (real dates with a date
format, rates as numbers with a percent format), row heights that fit wrapped text, and cells
written so that nothing from the data ever runs.

Formula injection: openpyxl writes a string that starts with ``=`` as a formula, and Excel
re-evaluates a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return when it is
edited (OWASP, "CSV Injection"). :func:`put` writes such a string as text with Excel's quote prefix:
the value read back is exactly the string written, and no spreadsheet evaluates it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

#: First characters that make a spreadsheet read text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: The fill of columns a unit fills in (a rectification list's 整改措施, 整改时限 …).
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_MAX_SHEET = 31
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
#: Number formats of typed columns (``table_sheet(formats=...)``).
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
#: Points per printed line of 11-point text (Excel's default row height is 15).
LINE_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0


def _is_date_format(fmt: str) -> bool:
    low = fmt.lower()
    return "yy" in low or ("d" in low and "m" in low)


def typed_value(value: Any, fmt: str | None) -> Any:
    """``value`` as the cell of a column with number format ``fmt`` holds it: an ISO date string
    (``2026-01-31``) becomes a ``datetime.date`` under a date format; anything else is unchanged
    (a text that is not an ISO date stays text, so nothing is lost)."""
    if fmt and isinstance(value, str) and _is_date_format(fmt):
        m = _ISO_DATE.match(value.strip())
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return value
    return value


def text_width(text: str) -> int:
    """Display width of ``text`` in column-width units: CJK and other wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _shown_width(cell) -> int:
    """About how wide a cell shows: a date as yyyy-mm-dd, a percentage as 72.5%, a number as
    written, text by :func:`text_width`."""
    value = cell.value
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    if isinstance(value, float) and cell.number_format == PERCENT_FORMAT:
        return 6
    if isinstance(value, float):
        return len(f"{value:g}")
    return max(text_width(part) for part in str(value).split("\n"))


def lines_needed(value: Any, width: float) -> int:
    """Printed lines a wrapped cell of column ``width`` needs for ``value`` (at least 1)."""
    if value is None or value == "":
        return 1
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in str(value).split("\n"))


def put(ws: Worksheet, row: int, column: int, value: Any):
    """Write ``value`` to the cell (1-based ``row``, ``column``) and return the cell. Strings that
    start with a formula trigger are stored as text with the quote prefix, never as a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append(ws: Worksheet, values: Sequence[Any]) -> int:
    """Write ``values`` as the next row (after ``ws.max_row``, or row 1 on an empty sheet) through
    :func:`put`; returns the row number."""
    row = 1 if ws.max_row == 1 and all(c.value is None for c in ws[1]) else ws.max_row + 1
    for i, value in enumerate(values, start=1):
        put(ws, row, i, value)
    return row


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid Excel sheet name for ``name``: ``[]:*?/\\`` and control characters replaced by ``_``,
    no leading/trailing apostrophe, at most 31 characters, and unique (case-insensitively) against
    ``taken``, to which it is added (``…~2``, ``…~3`` on a clash). A name that starts with a formula
    trigger keeps it (sheet names are never evaluated)."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip().strip("'").strip() or "Sheet"
    base = base[:_MAX_SHEET]
    title, n = base, 1
    while title.casefold() in taken or title.casefold() == "history":
        n += 1
        suffix = f"~{n}"
        title = base[: _MAX_SHEET - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def table_sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                widths: Mapping[int, int] | Sequence[int] | None = None, default_width: int = 14,
                wrap: Iterable[int] | bool = False, bold: Iterable[int] | None = None,
                fill: Iterable[int] = (), freeze: str = "A2", use_active: bool = False,
                formats: Mapping[int, str] | None = None, print_columns: int | None = None,
                fit: bool = False) -> Worksheet:
    """A worksheet ``title`` holding a table: a bold header row (only the 1-based columns in
    ``bold``, when given), then ``rows`` written through :func:`put`. ``widths``: column widths by
    1-based column (a mapping) or in order (a sequence); others ``default_width``. ``wrap``: the
    columns whose cells wrap (True: all). ``fill``: columns shaded as input columns. The header row
    is frozen (``freeze``) and repeated on every printed page; pages print landscape, fitted to the
    page width. ``use_active``: fill the workbook's first (active) sheet instead of adding one.
    ``formats``: number formats by 1-based column, e.g. ``{3: DATE_FORMAT, 4: PERCENT_FORMAT}``:
    the column's cells get the format, and ISO date strings in a date-formatted column are
    written as real dates (:func:`typed_value`), so that they sort and print as dates; rates are
    expected as fractions (0.7246 prints as 72.5%). Rows with wrapped cells get the height their
    longest wrapped cell needs (:func:`lines_needed`), so printed pages show the whole text; the
    other cells of such rows are top-aligned. ``print_columns``: only the first so many columns print (the print area),
    so that a wide table prints in readable type; the others stay in the file. Pages are A4 with
    narrow margins. ``fit``: a column without a width in ``widths`` is as wide as its header and
    its widest value (at least 6, at most ``default_width``) instead of ``default_width``, so that
    columns of short numbers leave the page to the text. Raises nothing of its own."""
    ws = wb.active if use_active else wb.create_sheet(title)
    ws.title = title
    append(ws, headers)  # row 1, on a sheet of its own
    fmt_of = dict(formats or {})
    count = 0
    for values in rows:
        count += 1
        row = 1 + count  # counted here: openpyxl's max_row walks every cell (quadratic)
        for i, v in enumerate(values, start=1):
            put(ws, row, i, typed_value(v, fmt_of.get(i)))
        for i, fmt in fmt_of.items():
            ws.cell(row=row, column=i).number_format = fmt
    bold_columns = set(range(1, len(headers) + 1) if bold is None else bold)
    fill_columns = set(fill)
    wrap_columns = set(range(1, len(headers) + 1)) if wrap is True else set(wrap or ())
    width_of = (dict(widths) if isinstance(widths, Mapping)
                else {i: w for i, w in enumerate(widths or (), start=1)})
    if fit:
        for i, header_text in enumerate(headers, start=1):
            if i not in width_of:
                widest = max([text_width(str(header_text))] + [_shown_width(ws.cell(row=r, column=i))
                                                               for r in range(2, count + 2)])
                width_of[i] = max(6, min(default_width, widest + 2))
    tall: set[int] = set()  # the rows a wrapped cell makes taller than one line
    if wrap_columns:
        header_lines = max(lines_needed(h, width_of.get(i, default_width)) for i, h in enumerate(headers, start=1))
        if header_lines > 1:
            for i in range(1, len(headers) + 1):
                ws.cell(row=1, column=i).alignment = _WRAP
            ws.row_dimensions[1].height = LINE_HEIGHT * header_lines
        for r in range(2, count + 2):
            lines = max(lines_needed(ws.cell(row=r, column=i).value, width_of.get(i, default_width))
                        for i in wrap_columns)
            if lines > 1:
                ws.row_dimensions[r].height = min(_MAX_ROW_HEIGHT, LINE_HEIGHT * lines)
                tall.add(r)
    for i in range(1, len(headers) + 1):
        header = ws.cell(row=1, column=i)
        header.font = Font(bold=i in bold_columns)
        ws.column_dimensions[get_column_letter(i)].width = width_of.get(i, default_width)
        if i in fill_columns:
            header.fill = INPUT_FILL
        if i not in fill_columns and i not in wrap_columns and not tall:
            continue  # nothing to set (a style per cell costs more than writing the cell)
        for r in range(2, count + 2):
            cell = ws.cell(row=r, column=i)
            if i in fill_columns:
                cell.fill = INPUT_FILL
            if i in wrap_columns:
                cell.alignment = _WRAP
            elif r in tall:  # in a one-line row, top and bottom alignment look the same
                cell.alignment = _TOP
    print_setup(ws, freeze, print_columns)
    return ws


def print_setup(ws: Worksheet, freeze: str = "A2", print_columns: int | None = None) -> None:
    """How a table sheet prints: A4 landscape with narrow margins, fitted to the page width (as
    many pages down as needed), the header row repeated on every page and frozen on screen
    (``freeze``: the first cell that scrolls); ``print_columns``: only the first so many columns
    print (the print area), the others stay in the file."""
    ws.freeze_panes = freeze
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4  # inches
    if print_columns:
        ws.print_area = f"A1:{get_column_letter(print_columns)}{max(ws.max_row, 1)}"


__all__ = ["DATE_FORMAT", "FORMULA_TRIGGERS", "INPUT_FILL", "PERCENT_FORMAT", "append", "lines_needed", "put",
           "print_setup", "sheet_title", "table_sheet", "text_width", "typed_value"]
