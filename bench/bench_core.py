"""Core benchmark on a generated college (default 20,000 students, 1,000 teachers).

Prints: generation and load time, full-check time, trace and owner latency p50 / p99 (ms) and
peak memory (RSS, MB). Aims (issue: knowledge-graph core): load ≤ 60 s, full check ≤ 10 s,
trace and owner p99 ≤ 50 ms, peak memory ≤ 2 GB. Figures only — this is not a test.

    python bench/bench_core.py [--students 20000] [--teachers 1000] [--samples 300]
    python bench/bench_core.py --store FILE   # only the full check, on a store built before
                                              # (e.g. by `iqa demo --students 400000`)
    python bench/bench_core.py --store FILE --processes 2   # the two-process check forced (1: the
                                              # plain one; default: as run_checks chooses)
    python bench/bench_core.py --store FILE --phases   # the same check, each phase timed: the
                                              # read, each rule (slowest first), freeing the snapshot

Times are wall clock with the CPU seconds of the same step beside them (on a shared machine the
CPU figure is the fairer one); the load average is printed at the end. A check of a large store
file runs in two processes (graph/checks/parallel.py): then the helper's CPU seconds and peak
memory are printed beside this process's, and the returned figures are their sums.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.checks import parallel, run_checks  # noqa: E402
from graph.checks.config import RuleConfig  # noqa: E402
from graph.checks.context import CheckContext  # noqa: E402
from graph.checks.registry import RULES  # noqa: E402
from graph.checks.runner import make_finding  # noqa: E402
from graph.gcpause import gc_paused  # noqa: E402
from graph.services.ownership import owner_of  # noqa: E402
from graph.services.trace import trace  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from ingest import load_sheets  # noqa: E402
from seed.synthetic import generate_college  # noqa: E402


def pct(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) of ``samples`` in milliseconds."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20000)
    ap.add_argument("--teachers", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--store", type=Path, help="time the full check of this existing SQLite store only")
    ap.add_argument("--phases", action="store_true", help="with --store: time the read, each rule and the release")
    ap.add_argument("--processes", choices=("auto", "1", "2"), default="auto",
                    help="with --store: the plain check (1), the two-process check whatever the size and "
                         "load (2), or as run_checks chooses (auto)")
    args = ap.parse_args()
    if args.processes == "1":
        parallel.MIN_NODES = 1 << 62
    elif args.processes == "2":
        parallel.MIN_NODES = 0
        parallel.spare_core = lambda: True
    rng = random.Random(7)
    if args.store is not None:
        if args.phases:
            phases(args.store)
        else:
            check_only(args.store)
        return

    t = time.perf_counter()
    sheets = generate_college(args.students, args.teachers)
    gen_s = time.perf_counter() - t
    rows = sum(len(v) for v in sheets.values())

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        store = EmbeddedStore(path)
        t, c = time.perf_counter(), time.process_time()
        load_sheets(store, sheets, source="synthetic")
        load_s, load_cpu = time.perf_counter() - t, time.process_time() - c
        store.close()

        t = time.perf_counter()
        store = EmbeddedStore(path)
        open_s = time.perf_counter() - t

        t, c = time.perf_counter(), time.process_time()
        report = run_checks(store)
        check_s, check_cpu = time.perf_counter() - t, time.process_time() - c

        targets = [n for n in store.iter_nodes("Target") if n.props.get("layer") in ("school", "department", "major")]
        tasks = list(store.iter_nodes("Task"))
        indicators = list(store.iter_nodes("Indicator"))
        down = timed(lambda n: trace(store, n, "down", depth=3), rng.sample(targets, min(args.samples, len(targets))))
        up = timed(lambda n: trace(store, n, "up"), rng.sample(tasks, min(args.samples, len(tasks))))
        own = timed(lambda n: owner_of(store, n), rng.choices(indicators + tasks, k=args.samples))
        nodes, edges = store.count_nodes(), store.count_edges()
        store.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"college: {args.students} students, {args.teachers} teachers -> {rows} rows, {nodes} nodes, {edges} edges")
    print(f"generate: {gen_s:.1f} s")
    print(f"load (validate + write SQLite): {load_s:.1f} s ({load_cpu:.1f} s CPU)   (aim <= 60 s)")
    print(f"reopen store: {open_s:.1f} s")
    print(f"full check: {check_s:.1f} s ({check_cpu:.1f} s CPU), {len(report.findings)} findings   (aim <= 10 s)")
    print(f"trace down depth 3 (school/department/major targets): p50 {pct(down, .5):.1f} ms, p99 {pct(down, .99):.1f} ms")
    print(f"trace up (tasks): p50 {pct(up, .5):.1f} ms, p99 {pct(up, .99):.1f} ms   (aim p99 <= 50 ms)")
    print(f"owner (indicators and tasks): p50 {pct(own, .5):.2f} ms, p99 {pct(own, .99):.2f} ms   (aim p99 <= 50 ms)")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB   (aim <= 2048 MB)")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


def check_only(path: Path) -> dict[str, float]:
    """The full check of the store at ``path`` (opened, read whole, every rule), timed: prints and
    returns ``{"nodes", "edges", "check_s", "check_cpu", "peak_mb"}``."""
    store = EmbeddedStore(path)
    nodes, edges = store.count_nodes(), store.count_edges()
    parallel.last_run.clear()
    t, c = time.perf_counter(), time.process_time()
    report = run_checks(store)
    check_s, check_cpu = time.perf_counter() - t, time.process_time() - c
    store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    two = dict(parallel.last_run)  # empty when the plain check ran
    print(f"store: {path.name}, {nodes} nodes, {edges} edges")
    if two:
        print(f"full check: {check_s:.1f} s ({check_cpu:.1f} s CPU here + {two['helper_cpu']:.1f} s CPU in the "
              f"helper process), {len(report.findings)} findings   (aim <= 10 s)")
        print(f"  here: read {two['read_cpu']:.2f} s, rules {two['rules_cpu']:.2f} s CPU; helper: read "
              f"{two['helper_read_cpu']:.2f} s, rules {two['helper_rules_cpu']:.2f} s CPU; waited "
              f"{two['helper_wait_s']:.2f} s for it")
        print(f"peak memory (max RSS): {peak_mb:.0f} MB here + {two['helper_peak_mb']:.0f} MB helper = "
              f"{peak_mb + two['helper_peak_mb']:.0f} MB   (aim <= 4096 MB at 1M nodes)")
    else:
        print(f"full check: {check_s:.1f} s ({check_cpu:.1f} s CPU), {len(report.findings)} findings   (aim <= 10 s)")
        print(f"peak memory (max RSS): {peak_mb:.0f} MB   (aim <= 4096 MB at 1M nodes)")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    return {"nodes": nodes, "edges": edges, "check_s": check_s, "check_cpu": check_cpu + two.get("helper_cpu", 0.0),
            "peak_mb": peak_mb + two.get("helper_peak_mb", 0.0)}


def phases(path: Path) -> dict[str, float]:
    """The full check of the store at ``path`` in its phases, as ``run_checks`` runs them (the
    collector paused, the default configuration, today's date): the read (``read_graph`` into a
    :class:`CheckContext`), each rule with its findings made (owners included), and freeing the
    snapshot. Prints them, slowest rule first, and returns ``{"read": CPU s, <rule id>: CPU s, …,
    "free": CPU s, "findings": count}`` — CPU seconds of this process (user + system)."""
    import datetime as _dt

    store = EmbeddedStore(path)
    out: dict[str, float] = {}
    config = RuleConfig()
    findings = 0
    with gc_paused():
        ctx = CheckContext(store, _dt.date.today(), suspect_fields=config.suspect_fields)
        c = time.process_time()
        ctx.nodes  # noqa: B018 - the read
        out["read"] = time.process_time() - c
        for rid, rule in RULES.items():
            if rid in config.disabled:
                continue
            c = time.process_time()
            severity = config.severity_of(rule)
            findings += sum(1 for node_id, a in rule.fn(ctx) if make_finding(ctx, rule, severity, node_id, a))
            out[rid] = time.process_time() - c
        c = time.process_time()
        ctx.reset_owners()  # as run_checks: no cycle left, the snapshot goes by reference counting
        del ctx
        out["free"] = time.process_time() - c
    store.close()
    rules = sorted((k for k in out if k not in ("read", "free")), key=lambda k: -out[k])
    print(f"store: {path.name}; CPU seconds per phase ({findings} findings)")
    print(f"read: {out['read']:.2f} s; rules: {sum(out[k] for k in rules):.2f} s; free: {out['free']:.2f} s")
    print("rules, slowest first: " + ", ".join(f"{k} {out[k]:.2f}" for k in rules))
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    out["findings"] = findings
    return out


if __name__ == "__main__":
    main()
