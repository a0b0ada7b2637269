"""Neo4j benchmark on a generated college (default 20,000 students, 1,000 teachers), against a real
Neo4j server: ``NEO4J_URI`` (with NEO4J_USER / NEO4J_PASSWORD) when set, else a local server started
with ``.ci/neo4j-server`` for the run and stopped afterwards. The server's database is CLEARED.

Prints, beside the goals of issue "Neo4j for real":

- push:         ``iqa push`` of the college into the empty database, rows (nodes + edges) per second
                (goal ≥ 20,000 rows/s);
- full check:   ``run_checks`` on Neo4j and on the embedded store, and their ratio (goal ≤ 2×);
- trace / owner over Bolt: p50 / p99 ms of trace down (depth 3, from school / department / major
  targets), trace up (from tasks) and owner (indicators and tasks), one call at a time
  (goal p99 ≤ 50 ms);
- API:          ``GET /api/v1/trace/{id}?depth=3`` p50 / p99 at 50 concurrent clients on
  ``iqa serve --workers 2`` over the Neo4j store (goal p99 ≤ 100 ms); the same load on the
  embedded store (one worker) for comparison.

Figures only — this is not a test. All traffic goes to 127.0.0.1 (except to NEO4J_URI if given).

    python bench/bench_neo4j.py [--students 20000] [--teachers 1000] [--samples 200] [--requests 1000]
                                [--clients 50] [--workers 2] [--store college.sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from bench_api import HOST, drive, free_port, pct  # noqa: E402

from graph.checks import run_checks  # noqa: E402
from graph.copy import copy_graph  # noqa: E402
from graph.services.ownership import owner_of  # noqa: E402
from graph.services.trace import trace  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from graph.stores.neo4j import Neo4jStore  # noqa: E402
from ingest import load_sheets  # noqa: E402
from seed.synthetic import generate_college  # noqa: E402

AS_OF = dt.date(2025, 12, 31)


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def start_neo4j(workdir: Path) -> tuple[str, Path | None]:
    """``(uri, data dir to stop or None)``: NEO4J_URI, else a server started for this run."""
    if os.environ.get("NEO4J_URI"):
        return os.environ["NEO4J_URI"], None
    data = workdir / "neo4j"
    done = subprocess.run([str(ROOT / ".ci" / "neo4j-server"), "start", str(data), str(free_port())],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines or not lines[-1].startswith("bolt://"):
        raise SystemExit(f".ci/neo4j-server start failed:\n{done.stdout}\n{done.stderr}")
    return lines[-1], data


def serve(store: str, port: int, workers: int, workdir: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["IQA_AUDIT_LOG"] = str(workdir / "audit.jsonl")
    cmd = [sys.executable, "-c", "from cli.main import app; app()", "--store", store, "serve", "--host", HOST,
           "--port", str(port), "--workers", str(workers)]
    log = open(workdir / f"serve-{port}.log", "w", encoding="utf-8")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"iqa serve exited: {(workdir / f'serve-{port}.log').read_text(encoding='utf-8')}")
        try:
            if httpx.get(f"http://{HOST}:{port}/api/v1/health", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("iqa serve did not come up within 300 s")


def api_trace_down(store: str, workers: int, paths: list[str], clients: int, workdir: Path) -> tuple[float, float, int]:
    port = free_port()
    proc = serve(store, port, workers, workdir)
    try:
        asyncio.run(drive(port, paths[:clients], clients))  # warm up
        latencies, _, failures = asyncio.run(drive(port, paths, clients))
        return pct(latencies, 0.5), pct(latencies, 0.99), failures
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20000)
    ap.add_argument("--teachers", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=200, help="trace / owner calls per measurement")
    ap.add_argument("--requests", type=int, default=1000, help="API requests")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--store", type=Path, help="an existing SQLite store of a college instead of generating one")
    args = ap.parse_args()
    rng = random.Random(7)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = args.store or work / "college.sqlite"
        if args.store is None:
            with EmbeddedStore(path) as store:
                load_sheets(store, generate_college(args.students, args.teachers), source="synthetic")
        uri, started = start_neo4j(work)
        try:
            embedded = EmbeddedStore(path)
            rows = embedded.count_nodes() + embedded.count_edges()
            neo = Neo4jStore.from_uri(uri)
            neo.clear()
            t = time.perf_counter()
            copy_graph(embedded, neo)
            push_s = time.perf_counter() - t
            print(f"college: {embedded.count_nodes()} nodes, {embedded.count_edges()} edges; Neo4j at {uri}")
            print(f"push            {push_s:7.1f} s  {rows / push_s:9,.0f} rows/s   (goal ≥ 20,000 rows/s)")

            t = time.perf_counter()
            run_checks(embedded, as_of=AS_OF)
            check_e = time.perf_counter() - t
            t = time.perf_counter()
            run_checks(neo, as_of=AS_OF)
            check_n = time.perf_counter() - t
            print(f"full check      embedded {check_e:.1f} s, Neo4j {check_n:.1f} s: {check_n / check_e:.2f}×   "
                  "(goal ≤ 2×)")

            targets = [n for n in embedded.iter_nodes("Target") if n.props.get("layer") in ("school", "department", "major")]
            tasks = list(embedded.iter_nodes("Task"))
            indicators = list(embedded.iter_nodes("Indicator"))
            k = args.samples
            cases = (("trace down d=3", lambda n: trace(neo, n, "down", depth=3), rng.choices(targets, k=k)),
                     ("trace up", lambda n: trace(neo, n, "up"), rng.choices(tasks, k=k)),
                     ("owner", lambda n: owner_of(neo, n), rng.choices(indicators + tasks, k=k)))
            for label, fn, items in cases:
                timed(fn, items[:10])  # warm up
                s = timed(fn, items)
                print(f"{label:<15} Bolt p50 {pct(s, 0.5):6.1f} ms  p99 {pct(s, 0.99):6.1f} ms   (goal p99 ≤ 50 ms)")
            embedded.close()
            neo.close()

            paths = [f"/api/v1/trace/{quote(n.id)}?depth=3" for n in rng.choices(targets, k=args.requests)]
            p50, p99, bad = api_trace_down(uri, args.workers, paths, args.clients, work)
            print(f"API trace down d=3, {args.clients} clients, Neo4j, {args.workers} workers: p50 {p50:.0f} ms, "
                  f"p99 {p99:.0f} ms, {bad} errors   (goal p99 ≤ 100 ms)")
            p50, p99, bad = api_trace_down(str(path), 1, paths, args.clients, work)
            print(f"API trace down d=3, {args.clients} clients, embedded, 1 worker: p50 {p50:.0f} ms, "
                  f"p99 {p99:.0f} ms, {bad} errors")
        finally:
            if started is not None:
                subprocess.run([str(ROOT / ".ci" / "neo4j-server"), "stop", str(started)], capture_output=True)


if __name__ == "__main__":
    main()
