"""HTTP API benchmark on a generated college (default 20,000 students, 1,000 teachers).

Starts ``iqa serve`` (uvicorn, one process) on 127.0.0.1 over a store holding the generated
college, then drives it with 50 concurrent clients (keep-alive connections), in two modes, and
prints, per endpoint, p50 / p99 latency (ms), throughput (requests/s) and the server's CPU
milliseconds per request (user + system, from ``/proc``: the fairer figure on a shared machine),
then the server's peak memory:

- saturated: each client sends its next request as soon as the last one is answered (a closed
  loop). One process serves one request at a time, so with 50 clients every request waits behind
  ~49 others: the latency is ~50 × the service time (Little's law), whatever the service does;
- paced: the same 50 clients send at a fixed total rate (``--rate`` requests/s; default half the
  throughput measured saturated), each request at its scheduled time; its latency is counted from
  that time (so a request that had to wait for its client's previous answer counts the wait). This
  is the latency a user sees when the server is not overloaded.

Endpoints:

- owner:      ``GET /api/v1/indicators/{id}/owner`` for random indicators and tasks;
- trace up:   ``GET /api/v1/trace/{id}?direction=up`` from random tasks (the whole way up);
- trace down: ``GET /api/v1/trace/{id}?depth=3`` from random school / department / major targets
  (a median of ~350 nodes and ~110 KB per answer on this college);
- search:     ``GET /api/v1/nodes?q=…&limit=20`` with Chinese name fragments and code prefixes.

The clients are a minimal asyncio HTTP/1.1 client on kept-alive connections, in this process: on
a small machine a heavier client (httpx) would be the bottleneck and its cost would be measured.

Aim (issue: a whole college on one machine): owner p99 ≤ 20 ms and trace down depth 3 p99 ≤ 100 ms
at 50 clients on the 20,000-student college. Figures only — this is not a test. All traffic goes
to 127.0.0.1.

Before each endpoint is measured, its first ``--clients`` paths are asked once (warm-up). With 118
targets to trace down, some 70 are then traced for the first time while the clients wait: the
first second of the saturated run is their walks, in as many threads, and they make its p99.
``--warm-all`` asks every distinct path once first: what the server answers once every trace has
been walked (until the next write drops the kept answers). ``--floor`` also measures, saturated, a
route that does no work on the same app (``bench/floor_server.py``): the least any route can cost;
and a bare ASGI callable under the same uvicorn settings: what uvicorn and these clients cost.

    python bench/bench_api.py [--students 20000] [--teachers 1000] [--requests 2000] [--clients 50] [--depth 3]
                              [--store STORE] [--rate R] [--endpoints owner,search,...] [--warm-all] [--floor]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from urllib.parse import quote  # noqa: E402

import httpx  # noqa: E402

from graph.stores.embedded import EmbeddedStore  # noqa: E402
from ingest import load_sheets  # noqa: E402
from seed.synthetic import generate_college  # noqa: E402

HOST = "127.0.0.1"


def pct(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) of ``samples`` in milliseconds."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def build_store(path: Path, students: int, teachers: int, existing: Path | None = None
                ) -> tuple[float, dict[str, list[str]]]:
    """Generate and load the college into ``path`` (or use the ``existing`` store); return the
    load time and the ids to query."""
    load_s = 0.0
    if existing is not None:
        path.write_bytes(existing.read_bytes())
        store = EmbeddedStore(path)
    else:
        sheets = generate_college(students, teachers)
        store = EmbeddedStore(path)
        t = time.perf_counter()
        load_sheets(store, sheets, source="synthetic")
        load_s = time.perf_counter() - t
    ids = {
        "indicators": [n.id for n in store.iter_nodes("Indicator")],
        "tasks": [n.id for n in store.iter_nodes("Task")],
        "targets": [n.id for n in store.iter_nodes("Target")
                    if n.props.get("layer") in ("school", "department", "major")],
        "names": [n.name for n in store.iter_nodes("Target")] + [n.name for n in store.iter_nodes("Task")],
        "codes": [n.code for n in store.iter_nodes("Indicator")] + [n.code for n in store.iter_nodes("Target")],
        "nodes": [str(store.count_nodes()), str(store.count_edges())],
    }
    store.close()
    return load_s, ids


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process ``pid`` has used (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def start_server(store: Path, port: int, workdir: Path, clients: int = 50, floor: str | None = None
                 ) -> subprocess.Popen:
    """``iqa serve`` over ``store`` on ``port`` (with ``floor`` "route": ``bench/floor_server.py``, the
    same app and settings plus a route that does no work; "bare": its bare ASGI callable), once
    ``/health`` answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    # uvicorn counts connections and running requests against api.limit_concurrency (64 by
    # default): 50 kept-alive clients need room for both, or it answers 503 and drops them.
    env["IQA_API_LIMIT_CONCURRENCY"] = str(2 * clients + 16)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = ([sys.executable, str(ROOT / "bench" / "floor_server.py"), str(store), str(port),
            *(["--bare"] if floor == "bare" else [])] if floor else
           [sys.executable, "-c", "from cli.main import app; app()", "--store", str(store), "serve",
            "--host", HOST, "--port", str(port)])
    log = open(workdir / "serve.log", "w", encoding="utf-8")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"iqa serve exited: {(workdir / 'serve.log').read_text(encoding='utf-8')}")
        try:
            if httpx.get(f"http://{HOST}:{port}/api/v1/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("iqa serve did not come up within 300 s")


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One GET on a kept-alive HTTP/1.1 connection; the status code (the body is read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: application/json\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(head.split(b" ", 2)[1])


async def _get_again(port: int, conn: list, path: str) -> int:
    """:func:`_get` on the connection ``conn`` holds (``[reader, writer]``); when the server has
    closed it meanwhile (uvicorn closes a kept-alive connection idle for 5 s, which a paced client
    sending every few seconds meets), once more on a new connection, put in ``conn``."""
    try:
        return await _get(conn[0], conn[1], path)
    except (asyncio.IncompleteReadError, ConnectionError):
        conn[1].close()
        conn[:] = await asyncio.open_connection(HOST, port)
        return await _get(conn[0], conn[1], path)


async def drive(port: int, paths: list[str], clients: int) -> tuple[list[float], float, int]:
    """Send every path once over ``clients`` concurrent keep-alive connections (a minimal HTTP/1.1
    client, so that the load generator, sharing the machine, is not what is measured); returns
    (latencies, wall time, non-200 count)."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)
    latencies: list[float] = []
    failures = 0

    async def client() -> None:
        nonlocal failures
        conn = list(await asyncio.open_connection(HOST, port))
        try:
            while True:
                try:
                    path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t = time.perf_counter()
                status = await _get_again(port, conn, path)
                latencies.append(time.perf_counter() - t)
                failures += status != 200
        finally:
            conn[1].close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, time.perf_counter() - t0, failures


async def drive_paced(port: int, paths: list[str], clients: int, rate: float) -> tuple[list[float], float, int]:
    """Send ``paths`` at ``rate`` requests/s in all, request i at ``start + i / rate``, over
    ``clients`` keep-alive connections (request i on connection i mod clients). Latency is counted
    from the scheduled time. Returns (latencies, wall time, non-200 count)."""
    latencies: list[float] = []
    failures = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2

    async def client(k: int) -> None:
        nonlocal failures
        conn = list(await asyncio.open_connection(HOST, port))
        try:
            for i in range(k, len(paths), clients):
                due = start + i / rate
                delay = due - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                status = await _get_again(port, conn, paths[i])
                latencies.append(loop.time() - due)
                failures += status != 200
        finally:
            conn[1].close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return latencies, time.perf_counter() - t0, failures


def peak_memory_mb(pid: int) -> float:
    """The peak resident memory (MB) of the process ``pid`` so far (Linux ``/proc``; NaN elsewhere)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return float("nan")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20000)
    ap.add_argument("--teachers", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients")
    ap.add_argument("--depth", type=int, default=3, help="depth of the downward traces")
    ap.add_argument("--store", type=Path, help="use this existing SQLite store instead of generating a college")
    ap.add_argument("--rate", type=float, help="total requests/s of the paced mode (default: half the saturated "
                    "throughput of each endpoint)")
    ap.add_argument("--paced-requests", type=int, help="requests per endpoint in the paced mode (default: as "
                    "many as 20 s at the rate, at most --requests)")
    ap.add_argument("--endpoints", default="owner,trace up,trace down,search",
                    help="comma-separated subset of: owner, trace up, trace down, search")
    ap.add_argument("--warm-all", action="store_true",
                    help="before measuring an endpoint, ask each of its distinct paths once (the server's "
                    "kept answers all made: its steady state), instead of the first --clients paths only")
    ap.add_argument("--floor", action="store_true",
                    help="also measure, saturated, a route that does no work on the same app and settings "
                    "(bench/floor_server.py): what uvicorn, the middleware and FastAPI cost per request; and a "
                    "bare ASGI callable under the same uvicorn settings: what uvicorn and the clients cost")
    args = ap.parse_args(argv)
    rng = random.Random(7)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        load_s, ids = build_store(path, args.students, args.teachers, args.store)
        port = free_port()
        t = time.perf_counter()
        proc = start_server(path, port, Path(tmp), args.clients)
        start_s = time.perf_counter() - t
        n = args.requests
        owner = [f"/api/v1/indicators/{quote(i)}/owner" for i in rng.choices(ids["indicators"] + ids["tasks"], k=n)]
        trace_up = [f"/api/v1/trace/{quote(i)}?direction=up" for i in rng.choices(ids["tasks"], k=n)]
        trace_down = [f"/api/v1/trace/{quote(i)}?depth={args.depth}" for i in rng.choices(ids["targets"], k=n)]
        terms = []
        for _ in range(n):
            if rng.random() < 0.7:
                name = rng.choice(ids["names"])
                start = rng.randrange(max(1, len(name) - 2))
                terms.append(name[start:start + 2])
            else:
                terms.append(rng.choice(ids["codes"])[:5])
        search = [f"/api/v1/nodes?q={quote(q)}&limit=20" for q in terms]
        try:
            print(f"college: {args.students} students, {args.teachers} teachers — {ids['nodes'][0]} nodes, "
                  f"{ids['nodes'][1]} edges; load {load_s:.1f} s; server up in {start_s:.1f} s")
            print(f"{args.clients} concurrent clients, {n} requests per endpoint, one uvicorn process on {HOST}\n")
            wanted = {e.strip() for e in args.endpoints.split(",")}
            endpoints = [(label, paths) for label, paths in (("owner", owner), ("trace up", trace_up),
                                                              ("trace down", trace_down), ("search", search))
                         if label in wanted]
            print("warm-up before each endpoint: " + (
                "every distinct path (" + ", ".join(f"{label} {len(set(paths)):,}" for label, paths in endpoints) + ")"
                if args.warm_all else f"its first {args.clients} paths") + "\n")
            print(f"{'endpoint':<22} {'mode':<18} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'errors':>7} {'load':>5} "
                  f"{'CPU ms/req':>10}")
            for label, paths in endpoints:
                name = f"trace down depth={args.depth}" if label == "trace down" else label
                warm = list(dict.fromkeys(paths)) if args.warm_all else paths[: args.clients]
                asyncio.run(drive(port, warm, args.clients))  # warm up
                cpu = cpu_seconds(proc.pid)
                latencies, wall, failures = asyncio.run(drive(port, paths, args.clients))
                cpu = (cpu_seconds(proc.pid) - cpu) / max(1, len(latencies)) * 1000
                throughput = len(latencies) / wall
                print(f"{name:<22} {'saturated':<18} {pct(latencies, 0.5):>8.1f} {pct(latencies, 0.99):>8.1f} "
                      f"{throughput:>8.0f} {failures:>7} {os.getloadavg()[0]:>5.1f} {cpu:>10.1f}")
                rate = args.rate or max(0.5, throughput / 2)
                count = args.paced_requests or max(args.clients, min(n, int(rate * 20)))
                cpu = cpu_seconds(proc.pid)
                latencies, wall, failures = asyncio.run(drive_paced(port, paths[:count], args.clients, rate))
                cpu = (cpu_seconds(proc.pid) - cpu) / max(1, len(latencies)) * 1000
                print(f"{name:<22} {f'paced {rate:.1f} req/s':<18} {pct(latencies, 0.5):>8.1f} "
                      f"{pct(latencies, 0.99):>8.1f} {len(latencies) / wall:>8.0f} {failures:>7} "
                      f"{os.getloadavg()[0]:>5.1f} {cpu:>10.1f}")
            print(f"\nserver peak memory {peak_memory_mb(proc.pid):.0f} MB (one process; its caches included)")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        if args.floor:
            measure_floor(path, Path(tmp), owner, args.clients)


def measure_floor(store: Path, workdir: Path, owner: list[str], clients: int) -> None:
    """The floor rows: the owner paths asked, saturated, of a route that answers a fixed owner answer
    without reading the store, on the app ``iqa serve`` runs (its middleware, dependencies and
    uvicorn settings) — nothing an owner route does can make it cheaper than this — and of a bare
    ASGI callable answering the same bytes under the same uvicorn settings (uvicorn and these
    clients alone)."""
    print()
    for floor, label, what in (
            ("route", "floor (no-op route)", "the owner route's parameters and dependencies, a fixed ~300-byte "
                                             "answer, no store read"),
            ("bare", "floor (bare ASGI)", "the same bytes from a plain ASGI callable: no FastAPI, no middleware")):
        port = free_port()
        proc = start_server(store, port, workdir, clients, floor=floor)
        try:
            paths = [p.replace("/api/v1/indicators/", "/api/v1/floor/", 1) for p in owner]
            asyncio.run(drive(port, paths[:clients], clients))  # warm up
            cpu = cpu_seconds(proc.pid)
            latencies, wall, failures = asyncio.run(drive(port, paths, clients))
            cpu = (cpu_seconds(proc.pid) - cpu) / max(1, len(latencies)) * 1000
            print(f"{label:<22} {'saturated':<18} {pct(latencies, 0.5):>8.1f} {pct(latencies, 0.99):>8.1f} "
                  f"{len(latencies) / wall:>8.0f} {failures:>7} {os.getloadavg()[0]:>5.1f} {cpu:>10.1f}  ({what})")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
