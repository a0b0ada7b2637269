"""Backends of :class:`graph.store.GraphStore` — ``embedded`` (the default: one SQLite file) and
``neo4j`` (an optional extra) — and :func:`open_store`, which picks one from a URI. The interface
module imports no backend; the backends import the interface."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager

from graph.errors import StoreError
from graph.store import GraphStore, PinnedRead

DEFAULT_STORE = "iqa.sqlite"
#: URI schemes of the Neo4j backend.
NEO4J_SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"})


def backend_of(uri: str | os.PathLike[str] | None = None) -> str:
    """``"neo4j"`` or ``"embedded"``: the backend :func:`open_store` would pick for ``uri`` (None =
    ``IQA_STORE``, else the default), without opening anything. An unknown scheme gives
    ``"embedded"`` here; open_store refuses it."""
    target = str(uri if uri is not None else os.environ.get("IQA_STORE") or DEFAULT_STORE)
    scheme = target.split("://", 1)[0].lower() if "://" in target else ""
    return "neo4j" if scheme in NEO4J_SCHEMES else "embedded"


def open_store(uri: str | os.PathLike[str] | None = None) -> GraphStore:
    """Open the store named by ``uri``: a file path (embedded SQLite store, created if missing),
    ``:memory:`` (embedded, not persisted), or a Neo4j URI (``neo4j://``, ``bolt://``,
    ``neo4j+s://`` …). ``None`` means the ``IQA_STORE`` environment variable, else ``iqa.sqlite``.
    Raises StoreError when the store cannot be opened."""
    target = str(uri if uri is not None else os.environ.get("IQA_STORE") or DEFAULT_STORE)
    scheme = target.split("://", 1)[0].lower() if "://" in target else ""
    if scheme in NEO4J_SCHEMES:
        try:
            from graph.stores.neo4j import Neo4jStore
        except ImportError as exc:  # the driver is an optional extra
            raise StoreError(f"{target}: the Neo4j backend needs the 'neo4j' extra: pip install 'iqa-graph[neo4j]' ({exc})") from exc
        return Neo4jStore.from_uri(target)
    if scheme:
        raise StoreError(f"unknown store scheme {scheme!r} in {target!r}; use a file path or a neo4j:// / bolt:// URI")
    from graph.stores.embedded import EmbeddedStore

    return EmbeddedStore(None if target == ":memory:" else target)


def pinned_file(location: str) -> AbstractContextManager[PinnedRead]:
    """A ``graph.store.PinnedRead`` of the store at ``location`` — what ``GraphStore.shared_file``
    gave, in this or another process — read-only, at one commit, held for the block; the store is
    not opened (nothing is written, no schema checked). StoreError when it cannot be read."""
    from graph.stores.embedded import pinned_file as pinned_sqlite_file

    return pinned_sqlite_file(location)
