"""Checking a load before doing it: the validation report of uploaded workbooks against a store,
with nothing written. The UI's Load page shows it, then loads for real with
``graph.services.edit.Editor.load_files`` — the same reading and checking, so what the check
reports is what the load will do.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from graph.services.edit import AuditLog, Editor
from graph.store import CAP_TRANSACTIONS, GraphStore


class _DryRun(Exception):
    """Raised inside the dry-run transaction to roll it back."""


def check_load(store: GraphStore, files: Sequence[tuple[str, str | os.PathLike[str]]]):
    """What ``Editor(store).load_files(files, …)`` would do, without writing anything (nor auditing).

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
                holder["report"] = Editor(store, AuditLog(None)).load_files(files, who="check")
                raise _DryRun
        except _DryRun:
            return holder["report"]
    from graph.copy import copy_graph
    from graph.stores.embedded import EmbeddedStore

    scratch = EmbeddedStore(None)
    try:
        copy_graph(store, scratch)
        return Editor(scratch, AuditLog(None)).load_files(files, who="check")
    finally:
        scratch.close()


__all__ = ["check_load"]
