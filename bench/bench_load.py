"""Load benchmark: how long getting a college into a fresh store takes, and how much memory.

Prints, for ``iqa demo --students N --teachers M`` without the demo's check and trace (the
generated college loaded into a fresh store as the command does it: ``seed.demo.load_demo`` in
one recorded transaction, so the history journal is written too): wall clock, CPU
seconds (user + system), peak resident memory, the time to the first progress report, and when
each stage (generate, parse, check, write …) was first and last reported. ``--generate-only``
times the generator alone (every row made, nothing loaded). ``--files PATH…`` times ``iqa load``
of workbooks / CSV folders into a fresh store instead. Aims (issue #19): at ~1M nodes (400,000
students) load ≤ 60 s, peak memory ≤ 4 GB, first progress within 5 s. Figures only — not a test.

    python bench/bench_load.py --students 100000 --teachers 5000 [--store FILE]
    python bench/bench_load.py --students 100000 --teachers 5000 --generate-only
    python bench/bench_load.py --files college.xlsx [--store FILE]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stages:
    """The ``progress(stage, done, total)`` callback: records when each stage is first and last
    reported (seconds since ``start``) and how many reports there were."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.first_report: float | None = None
        self.seen: dict[str, list[float]] = {}
        self.calls = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter() - self.start
        self.calls += 1
        if self.first_report is None:
            self.first_report = now
        span = self.seen.setdefault(stage, [now, now, 0])
        span[1], span[2] = now, total


def _generate(students: int, teachers: int | None) -> int:
    """Every generated row of the grown demo college made (batch by batch where the generator
    streams, else all at once as before) and dropped; returns how many were generated."""
    from seed.demo_college import build_demo_college
    from seed.demo import demo_as_of
    import seed.synthetic as synthetic

    sheets = build_demo_college(demo_as_of())
    if hasattr(synthetic, "iter_grown"):
        return sum(len(rows) for batch in synthetic.iter_grown(sheets, students, teachers)
                   for rows in batch.values())
    grown = synthetic.grow_college(sheets, students, teachers)
    return sum(len(rows) - len(sheets.get(sheet, ())) for sheet, rows in grown.items())


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the benchmark; print the figures and return them (seconds, MB)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20000)
    ap.add_argument("--teachers", type=int, default=None)
    ap.add_argument("--store", type=Path, help="the store to create (default: a temporary file)")
    ap.add_argument("--generate-only", action="store_true", help="time the generator alone")
    ap.add_argument("--files", nargs="+", type=Path, help="time `iqa load` of these files instead")
    args = ap.parse_args(argv)
    from graph.app import Iqa
    from graph.settings import load_settings
    from ingest.loader import load_sources
    from seed.demo import load_demo, reset_store

    cpu0, start = _cpu(), time.perf_counter()
    stages = Stages(start)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.store or Path(tmp) / "bench.sqlite"
        if args.generate_only:
            rows = _generate(args.students, args.teachers)
            what = f"generate only: {rows:,} rows (students {args.students:,})"
            nodes = edges = 0
        else:
            if path.exists():
                raise SystemExit(f"{path} exists: give a new file")
            with Iqa(load_settings(store=str(path))) as iqa:  # as the CLI: journal and all
                store = iqa.store
                with store.recording(who="bench", source="iqa load" if args.files else "iqa demo"):
                    if args.files:
                        load_sources(store, None, args.files, progress=stages)
                        what = "load " + " ".join(str(f) for f in args.files)
                    else:
                        reset_store(store)
                        load_demo(store, progress=stages, students=args.students, teachers=args.teachers)
                        what = f"demo build, students {args.students:,}"
                nodes, edges = store.count_nodes(), store.count_edges()
    wall, cpu = time.perf_counter() - start, _cpu() - cpu0
    figures = {"wall": wall, "cpu": cpu, "peak_mb": _peak_mb(),
               "first_progress": stages.first_report if stages.first_report is not None else -1.0}
    print(what)
    if nodes:
        print(f"  store: {nodes:,} nodes, {edges:,} edges")
    print(f"  wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {figures['peak_mb']:,.0f} MB")
    if stages.first_report is not None:
        print(f"  first progress report after {stages.first_report:.2f} s ({stages.calls} reports)")
    for stage, (first, last, total) in stages.seen.items():
        print(f"  stage {stage:<9} {first:7.1f} s → {last:7.1f} s  (total {total:,})")
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return figures


if __name__ == "__main__":
    main()
