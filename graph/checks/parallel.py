"""The full check of a large store file in two processes, each reading only what its rules read.

At ~1M nodes reading the store is two thirds of a check, and most of the read is filing edge ends
into adjacency lists. The rules fall into two groups that read mostly different edge types: the
chain rules read ``decomposes_to`` and ``implemented_by`` both ways; the owner and governance rules
read ``led_by``, ``assigned_to`` and ``governed_by`` forward. :func:`two_process_findings` runs the
second group (:data:`CHILD_RULES`) in a helper process (a new interpreter, never a fork of a
server's threads) that reads every node and only its group's lists (``PinnedRead.read_graph``) and sends back what
its rules yielded, ``(rule id, node id, args)``; this process meanwhile reads and runs the other
group. The findings are then made here, in rule order, their owners from this process's snapshot:
owner edges it has not read are read one node at a time, in the same read transaction.

Both processes must read the same commit. The parent watches the file's commits
(``GraphStore.commits_watched``) from before either snapshot is taken until the helper reports
its own taken: when a commit came between, or the helper fails, the answer is None and the caller
runs the plain check. What each rule reads is declared in :data:`READS`; a read outside the
declaration raises :class:`UnreadEdges` (never a silent empty list), and the caller falls back too.
"""

from __future__ import annotations

import datetime as _dt
import gc
import logging
import os
import pickle
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from graph.checks.config import RuleConfig
from graph.checks.context import CheckContext
from graph.checks.registry import RULES, Rule
from graph.checks.report import Finding
from graph.model import Edge, Node
from graph.services.chains import CHAIN_EDGES, DOWN_EDGES, PARENT_STEPS
from graph.store import GraphRead, GraphStore, PinnedRead
from graph.stores import pinned_file

log = logging.getLogger(__name__)

#: Below this many nodes the plain check is used: the helper starts in ~0.3 s, and on an idle
#: machine the two processes won 0.2 s at 48k nodes (0.5 against 0.7 s), 1–2 s at 228k.
MIN_NODES = 100_000

_OWNER = ("led_by", "assigned_to")
#: The explicit-owner steps read whole where the owners are made (few edges: holders, units).
SMALL_OWNER_STEPS: tuple[tuple[str, str], ...] = (("holds", "in"), ("holds", "out"), ("part_of", "out"))
#: Per rule, the edge types whose out-lists and whose in-lists its function reads (through the
#: context's helpers), besides every node. ``None`` for CH001: it reads the store's journal, so it
#: runs where the store is open. tests/services/test_checks_parallel.py fails when a rule is missing.
READS: dict[str, tuple[tuple[str, ...], tuple[str, ...]] | None] = {
    "TC001": (("based_on",), ("decomposes_to",)),
    "TC002": (("decomposes_to", "implemented_by"), ()),
    "TC003": (("governed_by",), ()),
    "TC004": ((), ("decomposes_to",)),
    "TC005": (DOWN_EDGES, ()),
    "TC006": ((), CHAIN_EDGES),
    "TC007": (_OWNER, ()),
    "TC008": (CHAIN_EDGES, ()),
    "TK001": ((), ("implemented_by", "decomposes_to")),
    "TK002": (_OWNER, ()),
    "TK003": ((), ()),
    "SI001": ((), ("measures",)),
    "SI002": (_OWNER, ()),
    "SI003": ((), ()),
    "SI004": ((), ("measurement_of",)),
    "RS001": ((), ("assigned_to", "holds")),
    "RS002": (("led_by",), ()),
    "IS001": (("includes",), ()),
    "IS002": (("decomposes_to", "includes"), ()),
    "IS003": ((), ("includes",)),
    "IS004": (("follows",), ()),
    "DU001": (("assigned_to",), ()),
    "DU002": ((), ()),
    "PL001": (("decomposes_to",), ("based_on",)),
    "DG001": (("led_by",), ()),
    "CH001": None,
}

#: The rules the helper process runs: those reading the owner edges and ``governed_by`` forward
#: (at 1M nodes 2.6M edges filed once, against the chain's 0.9M filed twice, which the slowest
#: rules of the other group read: TC006, TC001, TC004, TC005). Balanced by measured CPU seconds.
CHILD_RULES: frozenset[str] = frozenset({"TC003", "TC007", "TK002", "SI002", "RS001", "RS002",
                                         "DG001", "DU001", "SI001", "IS004"})

#: Kinds whose properties the helper's rules never read (they read these nodes' ids, kinds and
#: edges; the messages are made here): the helper neither fetches nor decodes them (at 1M nodes
#: 860k of 903k nodes). Reading one raises :class:`UnreadProps`.
BARE_KINDS: tuple[str, ...] = ("Target", "Task")

Raw = dict[str, list[tuple[str, dict[str, Any]]]]


class UnreadEdges(LookupError):
    """A rule read adjacency its group did not read (a wrong :data:`READS` declaration)."""


def reads_of(rules: Collection[str]) -> tuple[set[str], set[str]]:
    """The edge types whose out-lists and in-lists ``rules`` read together (:data:`READS`)."""
    outs: set[str] = set()
    ins: set[str] = set()
    for rid in rules:
        o, i = READS[rid] or ((), ())
        outs.update(o)
        ins.update(i)
    return outs, ins


def split(selected: Collection[str]) -> tuple[list[str], list[str]]:
    """``(rules this process runs, rules the helper runs)`` of ``selected``, each in ``selected``'s
    order."""
    return ([r for r in selected if r not in CHILD_RULES], [r for r in selected if r in CHILD_RULES])


def spare_core() -> bool:
    """Whether a second process would run beside this one: at least two cores for this process
    and, besides this process, at most their number less two runnable right now
    (:func:`others_running`; on 2 cores: none). On a busy machine the helper only adds work
    (measured on 2 cores at 1M nodes: at load 2.2–3.8, 28–37 s against 22–25 s plainly; at load
    1.7, 14.1 s against 18.2 s). Where the run queue cannot be read, the 1-minute load average
    stands in (at most the cores less a half); it lags by a minute and still counts a check that
    has just ended, so a check run again at once would go the plain way."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    if cores < 2:
        return False
    others = others_running()
    if others is not None:
        return others <= cores - 2
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        load = 0.0
    return load <= cores - 0.5


#: Where Linux says how many tasks are runnable now (the fourth field, ``running/total``).
LOADAVG = "/proc/loadavg"


def others_running(samples: int = 5, gap_s: float = 0.002) -> float | None:
    """How many tasks besides this one are runnable now: the median over ``samples`` looks at
    :data:`LOADAVG`, ``gap_s`` seconds apart (~10 ms in all), less one for this process (a
    median, so a task woken for an instant does not count). None where the file cannot be read
    (not Linux)."""
    seen = []
    for i in range(samples):
        if i:
            time.sleep(gap_s)
        try:
            with open(LOADAVG, "rb") as f:
                seen.append(int(f.read().split()[3].split(b"/")[0]) - 1)
        except (OSError, ValueError, IndexError):
            return None
    return statistics.median(seen)


def worth_it(store: GraphStore, selected: Collection[str]) -> bool:
    """Whether :func:`two_process_findings` is tried: a store file (``GraphStore.shared_file``)
    with at least :data:`MIN_NODES` nodes, rules selected in both groups, and a spare core
    (:func:`spare_core`)."""
    if store.shared_file() is None:  # an in-memory store, a database server, inside a transaction
        return False
    mine, theirs = split(selected)
    if not mine or not theirs:
        return False
    return store.count_nodes() >= MIN_NODES and spare_core()


class UnreadProps(LookupError):
    """A rule of the helper read properties of a kind of :data:`BARE_KINDS`."""


class _Bare(dict):
    """The properties of a node whose properties were not read: any look raises UnreadProps."""

    def _missing(self, *args: Any, **kwargs: Any) -> Any:
        raise UnreadProps("the properties of Target and Task nodes were not read in the helper")

    get = __getitem__ = __contains__ = __iter__ = __len__ = keys = items = values = _missing  # type: ignore[assignment]
    __eq__ = __bool__ = copy = _missing  # type: ignore[assignment]
    __hash__ = None  # type: ignore[assignment]


class _Partial(dict):
    """``{edge type: adjacency}`` holding only some types: asking for another type, or for every
    type, raises :class:`UnreadEdges` instead of answering with what is missing."""

    def __init__(self, per_type: Mapping[str, Any], side: str):
        super().__init__(per_type)
        self.side = side

    def _missing(self, key: Any) -> UnreadEdges:
        return UnreadEdges(f"the {self.side}-lists of {key!r} were not read")

    def get(self, key: Any, default: Any = None) -> Any:
        if not dict.__contains__(self, key):
            raise self._missing(key)
        return dict.__getitem__(self, key)

    def __getitem__(self, key: Any) -> Any:
        return self.get(key)

    def __iter__(self):
        raise self._missing("every type")

    def keys(self):  # type: ignore[override]
        raise self._missing("every type")

    def items(self):  # type: ignore[override]
        raise self._missing("every type")

    def values(self):  # type: ignore[override]
        raise self._missing("every type")


class PartContext(CheckContext):
    """A :class:`CheckContext` over a partial read (``PinnedRead.read_graph``): every node, the
    out-lists of the types ``graph.out`` holds and the in-lists of those ``graph.inc`` holds.
    Other lists raise :class:`UnreadEdges`, except in ``neighbors`` (what ``owner`` reads): there
    an edge type not held is read from ``pinned``, the same snapshot, one node at a time."""

    def __init__(self, store: GraphStore | None, as_of: _dt.date, pinned: PinnedRead, graph: GraphRead, *,
                 suspect_fields: Mapping[str, Any] | None = None):
        super().__init__(store, as_of, suspect_fields=suspect_fields)  # type: ignore[arg-type]
        self._pinned = pinned
        self._out = _Partial(graph.out, "out")
        self._in = _Partial(graph.inc, "in")
        self._edge_props = graph.edge_props
        self._nodes = graph.nodes

    def neighbors(self, node_id: str, types: Collection[str] | None = None,
                  direction: str = "out") -> list[tuple[Edge, Node]]:
        """As :meth:`CheckContext.neighbors` (same result and order); ``types`` must be given."""
        if types is None:
            raise UnreadEdges("neighbors of every type")
        nodes = self._nodes
        assert nodes is not None
        props = self._edge_props
        out: list[tuple[Edge, Node]] = []
        for side in (("out", "in") if direction == "both" else (direction,)):
            index = self._out if side == "out" else self._in
            for t in dict.fromkeys(types):
                if dict.__contains__(index, t):
                    ends = [(o, props.get((node_id, t, o) if side == "out" else (o, t, node_id)))
                            for o in dict.__getitem__(index, t).get(node_id, ())]
                else:
                    ends = self._pinned.edges_at(node_id, t, side)
                for o, p in ends:
                    n = nodes.get(o)
                    if n is not None:
                        e = Edge(node_id, t, o, dict(p) if p else {}) if side == "out" else \
                            Edge(o, t, node_id, dict(p) if p else {})
                        out.append((e, n))
        # the plain context's order: by edge type, then other end (stable: out before in)
        out.sort(key=lambda pair: (pair[0].type, pair[1].id))
        return out


def raw_findings(ctx: CheckContext, rules: Collection[str]) -> Raw:
    """``{rule id: [(node id, args), …]}``: what each rule's function yields on ``ctx``, in order."""
    return {rid: list(RULES[rid].fn(ctx)) for rid in rules}


def _peak_mb() -> float:
    """This process's peak memory (max RSS, MB; 0 where the platform does not say)."""
    try:
        import resource  # not on Windows
    except ImportError:
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_main() -> None:
    """The helper process (``python -c "from graph.checks.parallel import child_main; child_main()"``):
    reads ``(store path, rule ids, check date)`` pickled on stdin; writes pickled messages on
    stdout — ``("pinned", None)`` once its snapshot is taken, then ``("done", (raw findings, figures))`` or ``("error", text)``; exits without freeing its snapshot (the process ends)."""
    gc.disable()  # as gc_paused: millions of objects made, none of them garbage
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, not into the messages

    def send(what: str, value: Any) -> None:
        pickle.dump((what, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        path, rules, as_of = pickle.load(sys.stdin.buffer)
        with pinned_file(path) as pinned:
            send("pinned", None)
            outs, ins = reads_of(rules)
            c = time.process_time()
            ctx = PartContext(None, as_of, pinned, pinned.read_graph(outs, ins, bare_kinds=BARE_KINDS,
                                                                      bare_props=_Bare()))
            read_cpu = time.process_time() - c
            raw = raw_findings(ctx, rules)
        send("done", (raw, {"helper_read_cpu": read_cpu, "helper_rules_cpu": time.process_time() - c - read_cpu,
                            "helper_cpu": time.process_time(),
                            "helper_peak_mb": _peak_mb()}))
    except BaseException as exc:  # reported, and the parent runs the plain check
        try:
            send("error", f"{type(exc).__name__}: {exc}")
        except Exception:
            pass
    finally:
        out.close()
        os._exit(0)  # freeing ~10M objects would only make the parent wait


class _Helper:
    """The helper process (a new interpreter: never a fork of a server's threads, and no
    re-import of the caller's main module) and a thread that takes its messages as they come:
    once both snapshots are taken, the thread asks ``changed()`` at once (a commit after that
    does not count)."""

    def __init__(self, path: str, rules: list[str], as_of: _dt.date, changed: Callable[[], bool]):
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # where ``graph`` is importable from
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from graph.checks.parallel import child_main; child_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.moved: bool | None = None
        self.result: Any = None
        self.error: str | None = None
        self._changed = changed
        #: Set once this process's snapshot is taken: ``changed()`` is asked after both are.
        self.parent_pinned = threading.Event()
        try:
            assert self.proc.stdin is not None
            pickle.dump((path, rules, as_of), self.proc.stdin)
            self.proc.stdin.close()
        except OSError as exc:
            self.error = f"the helper process did not start: {exc!r}"
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        if self.error is not None:
            return
        try:
            stream = self.proc.stdout
            assert stream is not None
            while True:
                what, value = pickle.load(stream)
                if what == "pinned":
                    self.parent_pinned.wait()
                    self.moved = self._changed()
                elif what == "done":
                    self.result = value
                    return
                else:
                    self.error = value
                    return
        except EOFError:
            self.error = "the helper process ended without an answer"
        except Exception as exc:  # e.g. the watch failed: no answer, the plain check runs
            self.error = f"{type(exc).__name__}: {exc}"

    def wait(self) -> tuple[Raw, dict[str, float]] | None:
        """The helper's ``(raw findings, figures)``, or None (failed, or a commit came between)."""
        self._thread.join()
        if self.error is not None:
            log.warning("two-process check: %s; running the plain check", self.error)
            return None
        if self.moved is not False:
            log.info("two-process check: the store changed between the two reads; running the plain check")
            return None
        return self.result

    def stop(self) -> None:
        """End the helper (it has exited already unless this process failed first)."""
        self.parent_pinned.set()  # a listener waiting for it goes on, and ends with the pipe
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._thread.join(timeout=5)


#: Figures of the last two-process check of this process (``bench/bench_core.py`` prints them):
#: CPU seconds of this process's read and rules and of the helper's (whole process, read,
#: rules), the helper's peak memory (MB), the wait for the helper (s).
last_run: dict[str, float] = {}


def two_process_findings(store: GraphStore, selected: list[str], as_of: _dt.date, config: RuleConfig,
                         make: Callable[[CheckContext, Rule, str, str, dict], Finding]) -> list[Finding] | None:
    """The findings of the ``selected`` rules on ``store`` (a store file; see :func:`worth_it`) in
    rule order, unsorted — what the plain check makes, each with ``make(ctx, rule, severity, node
    id, args)`` — from two processes reading the same commit; or None when that could not be had
    (a commit between the two reads, a helper that failed, a rule reading outside :data:`READS`):
    then nothing is returned half done and the caller runs the plain check. Errors of this
    process's own read (StoreError) propagate."""
    mine, theirs = split(selected)
    outs, ins = reads_of(mine)
    # What the owner of a finding reads: the inheritance steps and the small explicit-owner
    # types whole; ``led_by`` and ``assigned_to`` (2.2M edges at 1M nodes) per finding node.
    for t, d in (*PARENT_STEPS, *SMALL_OWNER_STEPS):
        (outs if d == "out" else ins).add(t)
    with store.commits_watched() as changed:
        helper = _Helper(store.shared_file(), theirs, as_of, changed)  # type: ignore[arg-type]
        try:
            with store.pinned() as pinned:
                helper.parent_pinned.set()
                c = time.process_time()
                ctx = PartContext(store, as_of, pinned, pinned.read_graph(outs, ins),
                                  suspect_fields=config.suspect_fields)
                read_cpu = time.process_time() - c
                try:
                    raw = raw_findings(ctx, mine)
                    rules_cpu = time.process_time() - c - read_cpu
                    t = time.perf_counter()
                    got = helper.wait()
                    if got is None:
                        return None
                    theirs_raw, figures = got
                    last_run.clear()
                    last_run.update(figures, read_cpu=read_cpu, rules_cpu=rules_cpu,
                                    helper_wait_s=time.perf_counter() - t)
                    raw.update(theirs_raw)
                    findings: list[Finding] = []
                    for rid in selected:
                        rule = RULES[rid]
                        severity = config.severity_of(rule)
                        findings.extend(make(ctx, rule, severity, nid, args) for nid, args in raw[rid])
                    return findings
                except UnreadEdges as exc:
                    log.warning("two-process check: %s; running the plain check", exc)
                    return None
                finally:
                    ctx.reset_owners()  # no cycle left: the snapshot goes by reference counting
        finally:
            helper.stop()
