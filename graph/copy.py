"""Copy a whole graph between any two stores (embedded ↔ Neo4j, or two of a kind): the bodies of
``iqa push --to URI`` and ``iqa pull --from URI``.

Every node is copied, then every edge, in batches, through the :class:`GraphStore` interface
only, so the copy validates exactly like a load. On a target with transactions the whole copy
(including the emptying of the target with ``replace``) is ONE transaction: a copy that fails or
is killed leaves the target as it was. Copying is an upsert, so running it again is harmless.

Into an EMPTY target that offers a bulk path (``create_all``: the Neo4j store), the copy uses it
instead: plain ``CREATE`` in batches, each batch its own transaction, which is several times
faster than one transaction of ``MERGE``. A failure there deletes what was written, so the target
is empty again as it was; only a copy killed part-way leaves a partial graph, which
``--replace`` on the next copy removes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from itertools import islice
from typing import TypeVar

from graph.errors import StoreError
from graph.store import CAP_TRANSACTIONS, GraphStore
from graph.stores import open_store

T = TypeVar("T")
#: ``(stage, done, total)``: stage is "nodes" or "edges"; called at 0 and after every batch.
Progress = Callable[[str, int, int], None]


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def copy_graph(source: GraphStore, target: GraphStore, progress: Progress | None = None, batch_size: int = 5000,
               *, replace: bool = False, merge: bool = False, atomic: bool = True) -> dict[str, int]:
    """Copy every node, then every edge, of ``source`` into ``target``; returns
    ``{"nodes": n, "edges": m}`` (what was copied).

    A ``target`` that already holds nodes is refused (StoreError) unless ``replace`` (empty it
    first) or ``merge`` (upsert into what is there; same ids are overwritten). With ``atomic``
    (default) and a target declaring transactions, everything happens in one target transaction;
    ``atomic=False`` commits batch by batch (for a graph too big for one Neo4j transaction: a
    failure then leaves a partial copy, and running the copy again completes it).

    Raises StoreError (same store on both sides, non-empty target, a backend failure),
    ValidationError / NotFoundError if the source holds data the target refuses."""
    if type(batch_size) is not int or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, not {batch_size!r}")
    if replace and merge:
        raise ValueError("replace and merge exclude each other")
    same_place = source.location not in ("", ":memory:") and source.location == target.location
    if source is target or same_place:
        raise StoreError(f"cannot copy {source.location or 'a store'} onto itself")
    report = progress or (lambda stage, done, total: None)
    total_nodes, total_edges = source.count_nodes(), source.count_edges()
    existing = target.count_nodes()
    if existing and not (replace or merge):
        raise StoreError(f"{target.location} already holds {existing} nodes; "
                         "replace them (--replace) or merge into them (--merge)")
    bulk = getattr(target, "create_all", None)
    if not existing and callable(bulk):
        report("nodes", 0, total_nodes)
        reported = {"edges": False}

        def bulk_progress(stage: str, done: int) -> None:
            if stage == "edges" and not reported["edges"]:
                reported["edges"] = True
                report("edges", 0, total_edges)
            report(stage, done, max(total_nodes if stage == "nodes" else total_edges, done))

        counts = bulk(source.iter_nodes(), source.iter_edges(), bulk_progress, batch_size)
        if not reported["edges"]:
            report("edges", 0, total_edges)
        return {"nodes": counts["nodes"], "edges": counts["edges"]}
    use_tx = atomic and CAP_TRANSACTIONS in target.capabilities
    nodes = edges = 0
    with target.transaction() if use_tx else nullcontext():
        if replace and existing:
            target.clear()
        report("nodes", 0, total_nodes)
        for batch in _batches(source.iter_nodes(), batch_size):
            nodes += target.upsert_nodes(batch)
            report("nodes", nodes, max(total_nodes, nodes))
        report("edges", 0, total_edges)
        for batch in _batches(source.iter_edges(), batch_size):
            edges += target.upsert_edges(batch)
            report("edges", edges, max(total_edges, edges))
    return {"nodes": nodes, "edges": edges}


def push(to_uri: str, store: str | None = None, *, replace: bool = False, merge: bool = False,
         progress: Progress | None = None, batch_size: int = 5000) -> dict[str, int]:
    """``iqa push --to URI``: copy the selected store (``store``: a path or URI; None = ``IQA_STORE``
    or ``iqa.sqlite``, as ``graph.stores.open_store``) into the store at ``to_uri``. Returns
    :func:`copy_graph`'s counts plus ``"from"`` / ``"to"`` locations; raises what it raises."""
    return _copy_between(store, to_uri, replace=replace, merge=merge, progress=progress, batch_size=batch_size)


def pull(from_uri: str, store: str | None = None, *, replace: bool = False, merge: bool = False,
         progress: Progress | None = None, batch_size: int = 5000) -> dict[str, int]:
    """``iqa pull --from URI``: copy the store at ``from_uri`` into the selected store (``store``,
    as in :func:`push`). Returns :func:`copy_graph`'s counts plus ``"from"`` / ``"to"``."""
    return _copy_between(from_uri, store, replace=replace, merge=merge, progress=progress, batch_size=batch_size)


def _copy_between(source_uri: str | None, target_uri: str | None, **options) -> dict:
    with open_store(source_uri) as source, open_store(target_uri) as target:
        counts = copy_graph(source, target, **options)
        return {**counts, "from": source.location, "to": target.location}
