"""The journal's records and the interface a store's journal implements.

A :class:`Revision` is one write (a load, an edit, an import, a review): its number ``rev``
(1, 2, …), ``at`` (UTC, ISO 8601 with ``Z``), ``who``, ``source`` (what wrote: ``iqa load``, an
API route, ``review``), ``files`` (``[{"name", "sha256"}]``) and ``counts`` (nodes / edges added,
changed, removed). Its :class:`Change` rows say what changed: per node and per edge the state
before and after, plus the reviews and baseline names recorded at it.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

#: Change kinds: a node, an edge, a review of a link, a baseline name.
NODE, EDGE, REVIEW, BASELINE = "node", "edge", "review", "baseline"
#: Change operations on nodes and edges.
ADDED, CHANGED, REMOVED = "added", "changed", "removed"
#: The keys of a revision's counts, in the order ``iqa log`` prints them.
COUNT_KEYS = ("nodes_added", "nodes_changed", "nodes_removed", "edges_added", "edges_removed")


@dataclass(slots=True)
class Change:
    """One row of a revision. ``kind`` is :data:`NODE` (``node`` = its id), :data:`EDGE` (``node`` =
    source, ``other`` = target, ``type`` = edge type), :data:`REVIEW` (``node`` = the child
    reviewed, ``other`` = the parent whose link was reviewed, ``type`` = the edge type) or
    :data:`BASELINE` (``node`` = the baseline's name). ``op`` is added / changed / removed for nodes
    and edges, the kind itself otherwise. ``before`` / ``after`` are the properties (None where the
    node or edge did not exist)."""

    rev: int
    kind: str
    op: str
    node: str
    other: str = ""
    type: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    def fields(self) -> dict[str, list[Any]]:
        """``{property: [before, after]}`` for every property that differs (None where absent)."""
        old, new = self.before or {}, self.after or {}
        return {k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)}

    def edge_dict(self) -> dict[str, str]:
        """``{"source", "type", "target"}`` of an edge change."""
        return {"source": self.node, "type": self.type, "target": self.other}


@dataclass(slots=True)
class Revision:
    """One write: see the module docstring. ``to_dict()`` is the JSON shape of ``iqa log``."""

    rev: int
    at: str
    who: str
    source: str
    files: list[dict[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """``{"rev", "at", "who", "source", "files": [{"name", "sha256"}], "changes": {counts}}``."""
        return {"rev": self.rev, "at": self.at, "who": self.who, "source": self.source,
                "files": [dict(f) for f in self.files],
                "changes": {k: int(self.counts.get(k, 0)) for k in COUNT_KEYS}}


#: Value types orjson writes exactly as the standard library does (compact, keys sorted, UTF-8):
#: floats are not among them (``1e+16`` there, ``1e16`` in orjson), nor containers.
_SAME_TEXT = frozenset({str, int, bool, type(None)})


def dump(value: Any) -> str | None:
    """JSON text of a property map (None stays None), keys sorted, as the stores keep it: the
    standard library's text (``ensure_ascii=False``, compact separators). A flat map of text,
    integers, booleans and nulls is written by orjson (several times faster; the same text);
    what orjson refuses (integers beyond 64 bits, keys not text, lone surrogates) and every other
    value by the standard library."""
    if value is None:
        return None
    if type(value) is dict and all(type(v) in _SAME_TEXT for v in value.values()):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load(text: str | None) -> Any:
    """The inverse of :func:`dump`."""
    return None if text is None else json.loads(text)


class Journal(ABC):
    """Where a store keeps its revisions. Every method runs in the store's open transaction when
    there is one (so a revision is written with the write it records, or not at all)."""

    @abstractmethod
    def allocate(self) -> int:
        """The next revision number (on a store shared between processes, taken under a lock that
        lasts until the transaction ends). Call only inside ``store.transaction()``."""

    @abstractmethod
    def append(self, revision: Revision | None, changes: Iterable[Change]) -> None:
        """Write ``revision`` and its ``changes`` (None: add ``changes`` to the revisions they
        name, e.g. a baseline name); inside the store's transaction. ``changes`` is iterated
        once, in order (with a revision it may be a generator: a big revision is never a list)."""

    @abstractmethod
    def revisions(self) -> list[Revision]:
        """Every revision, oldest first."""

    @abstractmethod
    def changes(self, after: int = 0, upto: int | None = None) -> list[Change]:
        """The changes of revisions ``after < rev <= upto`` (None: to the latest), in revision order."""

    @abstractmethod
    def changes_touching(self, ids: Collection[str]) -> list[Change]:
        """The changes whose ``node`` or ``other`` is one of ``ids``, in revision order."""

    @abstractmethod
    def changes_by_op(self, ops: Collection[str]) -> list[Change]:
        """The changes whose ``op`` is one of ``ops``, in revision order."""


def journal_of(store: Any) -> Journal | None:
    """The journal of ``store`` (a store, or a ``ConcurrentStore`` around one), or None when the
    store keeps none (an in-memory copy, a foreign implementation)."""
    inner = getattr(store, "inner", store)
    return getattr(inner, "journal", None)
