"""Whole-graph results kept until the data changes: the check report and the diagnosis that the API,
the UI and the CLI ask for again and again (a page of ``/checks``, the next page, the same page in
another session) are computed once per state of the store.

:class:`ResultCache` keeps at most ``max_entries`` results, each stamped with the store's
``generation`` (``graph.services.edit.ConcurrentStore``: it counts every write made through the
wrapper and every refresh after another process committed). A result is served while the
generation is unchanged — an edit (API ``PATCH``, a load, a rollback) invalidates every result at
once — and, on a store several processes write (``CAP_SHARED``: Neo4j served by several workers,
whose writes do not pass through this process), for at most
``ConcurrentStore.SHARED_MEMO_SECONDS`` after it was computed, as the store's memos. Two callers
asking for the same missing result at once compute it once: the second waits for the first.
While a result is computed the cyclic garbage collector pauses, and afterwards everything alive is
moved out of its generations (``graph.gcpause``: ``gc.freeze``), so
that no full collection holds every thread for seconds beside a whole-graph computation.

A result that can be brought up to date (:meth:`ResultCache.get_updatable`; the check report, via
:func:`kept_check` and ``graph.checks.incremental.LiveCheck``) keeps its state beside it: after a
write through the wrapper, the store's ``changes_since`` says which nodes and edges the writes
touched and the state is updated from them instead of computing the result again; when that is
unknown (another process wrote, a ``clear``, a big load, a shared store) it is computed afresh.

:func:`filter_report` narrows a cached full report to what ``run_checks`` would have returned for
a selection of rules, one owner unit and one severity (the rules are independent of each other, so
filtering the full run gives the same findings, in the same order, as running the selection);
:func:`report_page` is ``paging.paged(report.to_dict(), "findings", …)`` without converting the
findings off the page.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Literal, TypeVar

from graph.checks import CheckReport, RuleConfig
from graph.errors import ValidationError
from graph.gcpause import gc_paused
from graph.services.paging import page_of
from graph.store import CAP_SHARED, GraphStore

T = TypeVar("T")
_log = logging.getLogger(__name__)


class ResultCache:
    """Results by key, valid while ``store.generation`` is unchanged (module docstring).

    ``store``: a ``ConcurrentStore`` (anything with ``generation``, ``capabilities`` and
    ``SHARED_MEMO_SECONDS``); ``max_entries`` ≥ 1: the oldest-used result is dropped beyond it.
    ``hits`` / ``misses`` / ``updates`` count the answers: kept, computed, brought up to date
    (:meth:`get_updatable`) (for benches and tests).
    """

    def __init__(self, store: Any, max_entries: int = 8, shared_seconds: float | None = None):
        if max_entries < 1:
            raise ValueError(f"max_entries must be >= 1, not {max_entries!r}")
        self.store = store
        self.max_entries = max_entries
        #: How long a result is trusted on a store other processes write (seconds from the end of
        #: its computation); default ``store.SHARED_MEMO_SECONDS``.
        self.shared_seconds = store.SHARED_MEMO_SECONDS if shared_seconds is None else shared_seconds
        self._entries: OrderedDict[Hashable, tuple[int, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}
        #: key → (generation, state) of results ``get_updatable`` can bring up to date.
        self._states: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        #: How many such states are kept (each may hold a whole snapshot of the graph).
        self.max_states = 1
        self.hits = 0
        self.misses = 0
        self.updates = 0

    def _valid(self, entry: tuple[int, float, Any] | None) -> bool:
        if entry is None or entry[0] != self.store.generation:
            return False
        shared = CAP_SHARED in getattr(self.store, "capabilities", frozenset())
        return not (shared and time.monotonic() - entry[1] > self.shared_seconds)

    def peek(self, key: Hashable) -> Any | None:
        """The valid result of ``key``, or None (nothing is computed)."""
        with self._lock:
            entry = self._entries.get(key)
            return entry[2] if self._valid(entry) else None

    def find(self, matches: Callable[[Hashable], bool]) -> Any | None:
        """The valid result whose key ``matches``, the most recently used first, or None (nothing
        is computed; not counted as a hit)."""
        with self._lock:
            for key in reversed(self._entries):
                entry = self._entries[key]
                if matches(key) and self._valid(entry):
                    return entry[2]
        return None

    def _hit(self, key: Hashable) -> tuple[Any] | None:
        """``(result,)`` when ``key`` holds a valid result (counted as a hit), else None. Call
        under ``self._lock``."""
        entry = self._entries.get(key)
        if not self._valid(entry):
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return (entry[2],)  # type: ignore[index]

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The result of ``key``: the cached one while valid, else ``build()`` (kept). Call it
        where no write can happen meanwhile (inside ``store.reading()``), so that the result is
        stamped with the generation it was computed from. What ``build`` raises is raised (nothing
        is kept)."""
        with self._lock:
            hit = self._hit(key)
            if hit is not None:
                return hit[0]
            gate = self._building.setdefault(key, threading.Lock())
        with gate:  # one computation per key at a time; the others wait and take its result
            with self._lock:
                hit = self._hit(key)
                if hit is not None:
                    return hit[0]
                generation = self.store.generation
                self.misses += 1
            with gc_paused(freeze=True):
                value = build()
            with self._lock:
                self._entries[key] = (generation, time.monotonic(), value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                self._building.pop(key, None)
            return value

    def get_updatable(self, key: Hashable, build: Callable[[], tuple[T, Any]],
                      update: Callable[[Any, Any], tuple[T, Any] | None]) -> T:
        """As :meth:`get`, for a result that can be brought up to date after small writes instead
        of being computed again. ``build()`` returns ``(result, state)``; the state of the most
        recent such results (:attr:`max_states`) is kept beside them. When the result is stale and
        its state kept, and the store says what the writes since touched
        (``store.changes_since(generation)``: a ``graph.services.edit.ChangeSet``, None when
        unknown), ``update(state, changes)`` is asked first: ``(result, state)``, or None when it
        cannot (then ``build()`` runs). ``update`` may change ``state`` in place; if it raises, the
        state is dropped and ``build()`` runs. ``updates`` counts the results brought up to date."""
        with self._lock:
            hit = self._hit(key)
            if hit is not None:
                return hit[0]
            gate = self._building.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                hit = self._hit(key)
                if hit is not None:
                    return hit[0]
                generation = self.store.generation
                kept = self._states.pop(key, None)
            made: tuple[T, Any] | None = None
            with gc_paused(freeze=True):
                changes_since = getattr(self.store, "changes_since", None)
                changes = changes_since(kept[0]) if kept is not None and changes_since is not None else None
                if changes is not None:
                    try:
                        made = update(kept[1], changes)  # type: ignore[index]
                    except Exception:  # noqa: BLE001 - correctness first: compute afresh
                        _log.warning("bringing %r up to date failed; computing it afresh", key, exc_info=True)
                        made = None
                if made is None:
                    with self._lock:
                        self.misses += 1
                    made = build()
                else:
                    with self._lock:
                        self.updates += 1
            value, state = made
            with self._lock:
                self._entries[key] = (generation, time.monotonic(), value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    dropped, _ = self._entries.popitem(last=False)
                    self._states.pop(dropped, None)
                self._states[key] = (generation, state)
                self._states.move_to_end(key)
                while len(self._states) > self.max_states:
                    self._states.popitem(last=False)
                self._building.pop(key, None)
            return value

    def updatable(self, key: Hashable) -> bool:
        """Whether the state of ``key``'s result is kept (``get_updatable`` can bring it up to date
        rather than compute it)."""
        with self._lock:
            return key in self._states

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._entries.clear()
            self._states.clear()



def kept_check(cache: ResultCache, store: GraphStore, *, rules: tuple[str, ...] | None, as_of: _dt.date,
               config: RuleConfig) -> CheckReport:
    """``run_checks(store, rules=rules, as_of=as_of, config=config)``, kept in ``cache`` under
    ``("check", as_of, rules)`` until the next write, and after small writes brought up to date from
    what they touched (``graph.checks.incremental.LiveCheck``) rather than computed again. Call it
    inside ``store.reading()`` (``store``: the store it yields). Errors as ``run_checks``."""
    from graph.checks.incremental import LiveCheck

    def build() -> tuple[CheckReport, LiveCheck]:
        live = LiveCheck(store, rules=rules, as_of=as_of, config=config)
        return live.report, live

    def update(live: LiveCheck, changes: Any) -> tuple[CheckReport, LiveCheck] | None:
        return (live.report, live) if live.update(store, changes) else None

    return cache.get_updatable(("check", as_of, rules), build, update)


def filter_report(report: CheckReport, store: GraphStore, *, rules: Iterable[str] | None = None,
                  owner: str | None = None, severity: Literal["error", "warning"] | None = None,
                  config: RuleConfig | None = None) -> CheckReport:
    """What ``graph.services.search.check_report(store, rules=…, owner=…, severity=…, config=…)``
    returns, taken from ``report``, the full run of every enabled rule at the same date and
    configuration. ValidationError for an unknown rule id or severity, NotFoundError /
    AmbiguousIdError for an unknown or ambiguous ``owner`` unit (as ``run_checks``)."""
    from graph.checks.runner import resolve_unit, selected_rules
    from graph.services.ownership import ref

    if severity is not None and severity not in ("error", "warning"):
        raise ValidationError(f"severity must be error or warning, not {severity!r}")
    if rules is None and owner is None and severity is None:
        return report
    config = config or RuleConfig()
    selected = tuple(selected_rules(rules, config))
    unit = resolve_unit(store, owner) if owner is not None else None
    wanted = set(selected)
    findings = [f for f in report.findings
                if f.rule in wanted and (unit is None or f.unit_id == unit.id)
                and (severity is None or f.severity == severity)]
    return dataclasses.replace(report, findings=findings, rules=selected, owner=ref(unit))


def report_page(report: CheckReport, limit: int | None, offset: int = 0) -> dict[str, Any]:
    """``{"findings": [one page], "summary": report.summary(), "total", "limit", "offset"}``: the
    same answer as ``paging.paged(report.to_dict(), "findings", limit, offset)``, converting only
    the page's findings. ValueError for a negative ``limit`` or ``offset``."""
    return {"findings": [f.to_dict() for f in page_of(report.findings, limit, offset)],
            "summary": report.summary(), "total": len(report.findings), "limit": limit, "offset": offset}


__all__ = ["ResultCache", "filter_report", "kept_check", "report_page"]
