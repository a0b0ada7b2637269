"""Uploads: workbooks (``.xlsx``) and sheets (``.csv``) sent through the API or the UI, loaded as one
audited write through the :class:`graph.services.edit.Editor` (:func:`load_files`), or checked
first with nothing written (:func:`check_load`, which the UI's Load page shows before loading for
real): the same reading and checking, so what the check reports is what the load will do.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from graph.errors import IngestError, Problem
from graph.history.recorder import file_digests
from graph.services.edit import Editor
from graph.settings import LimitsSection
from graph.store import GraphStore
from ingest.loader import LoadReport, load_sheets
from ingest.readers import ReadResult, read_csv, read_xlsx

#: The counts of a load report that the audit trail keeps.
AUDITED_COUNTS = ("rows", "nodes_written", "nodes_created", "edges_written", "edges_removed")


def read_uploads(files: Sequence[tuple[str, str | os.PathLike[str]]], limits: LimitsSection | None = None) -> ReadResult:
    """Read uploaded ``(name, path)`` files (``.xlsx`` workbooks, ``.csv`` sheets; problems located
    with ``name``). Raises IngestError for an unsupported file type or no file at all."""
    bad = [Problem(name, "unsupported file type (expected .xlsx or .csv)")
           for name, _ in files if not name.lower().endswith((".xlsx", ".csv"))]
    if bad:
        raise IngestError(bad)
    if not files:
        raise IngestError([Problem("files", "no file was uploaded")])
    result = ReadResult()
    for name, path in files:
        result.extend(read_csv(path, name, limits) if name.lower().endswith(".csv") else read_xlsx(path, name, limits))
    return result


def load_files(editor: Editor, files: Sequence[tuple[str, str | os.PathLike[str]]], *, who: str,
               limits: LimitsSection | None = None) -> LoadReport:
    """Load uploaded workbooks and sheets as ONE all-or-nothing, audited load.

    ``files``: ``(name, path)`` pairs — ``name`` is the file name the user knows (problems are
    located with it; a ``.csv`` is the sheet named by its stem), ``path`` where the bytes are;
    ``limits`` bound what a file may hold (default: the defaults). Returns the ``LoadReport``; raises IngestError listing every located problem (an unsupported
    file type included) and writes nothing then."""
    result = read_uploads(files, limits)
    return editor.apply_load(lambda store: load_sheets(store, result), who=who, files=[n for n, _ in files],
                             counts=lambda report: {k: report.to_dict()[k] for k in AUDITED_COUNTS},
                             digests=file_digests([p for _, p in files], [n for n, _ in files]), source="upload")


def check_load(store: GraphStore, files: Sequence[tuple[str, str | os.PathLike[str]]],
               limits: LimitsSection | None = None) -> LoadReport:
    """What :func:`load_files` would do, without writing anything (nor auditing): the same reading
    and checking, as a dry run (``ingest.loader.load_sources``).

    ``files``: ``(name, path)`` pairs — ``name`` the file name the user knows (problems are located
    with it: ``目标.csv 目标!3:上级目标``), ``path`` where the bytes are; ``.xlsx`` workbooks and
    ``.csv`` sheets. Returns the ingest ``LoadReport`` the load would return (``nodes_written``,
    ``edges_written`` … say what would be written) with ``changes``: the nodes added or changed
    (each changed field before and after) and the edges added or removed. Raises
    ``graph.errors.IngestError`` with every located problem, exactly as the load would.
    """
    return load_sheets(store, read_uploads(files, limits), dry_run=True)


__all__ = ["check_load", "load_files", "read_uploads"]
