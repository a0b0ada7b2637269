"""Workbook ingest: read the quality office's ``.xlsx`` / ``.csv`` workbooks (the contract in
``docs/workbook.md``), check them, and load them into a graph store in one transaction."""

from ingest.loader import load_paths, load_sheets, load_sources, load_stream
from ingest.report import LoadReport

#: The demo (seed/demo.py) loads its generated college and real seed folders as one load.
load_demo_sources = load_sources


def __getattr__(name: str):
    """``write_template`` is imported on first use: it needs openpyxl, which a load of CSV files
    or a check does not."""
    if name == "write_template":
        from ingest.template import write_template

        return write_template
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")


__all__ = ["LoadReport", "load_demo_sources", "load_paths", "load_sheets", "load_sources", "load_stream", "write_template"]
