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
from graph.services.edit import AuditLog, Editor
from graph.settings import LimitsSection
from graph.store import CAP_TRANSACTIONS, GraphStore
from ingest.loader import LoadReport, load_sheets
from ingest.readers import ReadResult, read_csv, read_xlsx

#: The counts of a load report that the audit trail keeps.
AUDITED_COUNTS = ("rows", "nodes_written", "nodes_created", "edges_written", "edges_removed")


def load_files(editor: Editor, files: Sequence[tuple[str, str | os.PathLike[str]]], *, who: str,
               limits: LimitsSection | None = None) -> LoadReport:
    """Load uploaded workbooks and sheets as ONE all-or-nothing, audited load.

    ``files``: ``(name, path)`` pairs — ``name`` is the file name the user knows (problems are
    located with it; a ``.csv`` is the sheet named by its stem), ``path`` where the bytes are;
    ``limits`` bound what a file may hold (default: the defaults). Returns the ``LoadReport``; raises IngestError listing every located problem (an unsupported
    file type included) and writes nothing then."""
    bad = [Problem(name, "unsupported file type (expected .xlsx or .csv)")
           for name, _ in files if not name.lower().endswith((".xlsx", ".csv"))]
    if bad:
        raise IngestError(bad)
    if not files:
        raise IngestError([Problem("files", "no file was uploaded")])
    result = ReadResult()
    for name, path in files:
        result.extend(read_csv(path, name, limits) if name.lower().endswith(".csv") else read_xlsx(path, name, limits))
    return editor.apply_load(lambda store: load_sheets(store, result), who=who, files=[n for n, _ in files],
                             counts=lambda report: {k: report.to_dict()[k] for k in AUDITED_COUNTS},
                             digests=file_digests([p for _, p in files], [n for n, _ in files]), source="upload")


class _DryRun(Exception):
    """Raised inside the dry-run transaction to roll it back."""


def check_load(store: GraphStore, files: Sequence[tuple[str, str | os.PathLike[str]]],
               limits: LimitsSection | None = None):
    """What :func:`load_files` would do, without writing anything (nor auditing).

    ``files``: ``(name, path)`` pairs — ``name`` the file name the user knows (problems are located
    with it: ``目标.csv 目标!3:上级目标``), ``path`` where the bytes are; ``.xlsx`` workbooks and
    ``.csv`` sheets. Returns the ingest ``LoadReport`` the load would return (``nodes_written``,
    ``edges_written`` … say what would be written). Raises ``graph.errors.IngestError`` with every
    located problem, exactly as the load would. On a store with transactions the load runs inside
    one transaction that is then rolled back (a ``ConcurrentStore`` holds its write lock meanwhile,
    so no reader sees it); otherwise it runs on an in-memory copy of the store.
    """
    if CAP_TRANSACTIONS in store.capabilities:
        holder = {}
        try:
            with store.transaction():
                holder["report"] = load_files(Editor(store, AuditLog(None)), files, who="check", limits=limits)
                raise _DryRun
        except _DryRun:
            return holder["report"]
    from graph.copy import copy_graph
    from graph.stores.embedded import EmbeddedStore

    scratch = EmbeddedStore(None)
    try:
        copy_graph(store, scratch)
        return load_files(Editor(scratch, AuditLog(None)), files, who="check", limits=limits)
    finally:
        scratch.close()


__all__ = ["check_load", "load_files"]
