"""Diagnosis, ``/checks`` / ``/diagnosis`` and the UI at scale (issue: a whole college on one machine,
points 4 and 6). Prints figures; judges nothing.

On a grown demo college (``--students N``; or an existing store, ``--store PATH``, copied first so
that the edit below does not change it):

1. ``iqa diagnose --format json`` in a fresh process: wall and CPU seconds, peak memory (max RSS of
   the child), bytes written;
2. ``iqa serve`` (one uvicorn process): ``GET /api/v1/checks`` and ``/api/v1/diagnosis`` — the first
   page (computes), then further pages (answered from the kept result) — then one ``PATCH`` of a
   task's status and ``GET /checks`` right after it (the re-check), all timed (``/diagnosis`` also
   at two other low-achievement thresholds, as the UI's slider asks for them); meanwhile an owner
   probe asks ``GET /indicators/{id}/owner`` every 20 ms and reports p50 / p99 / max: the latency of
   a point question beside the heavy ones;
3. the UI's pages in process (streamlit's ``AppTest``: the page script's time on the server, not
   the browser's rendering): overview, checks and diagnosis, first run and second run.

    python bench/bench_scale_ui.py --students 20000 [--teachers 1000] [--store PATH]
                                   [--skip-diagnose] [--diagnose-runs N] [--skip-api] [--skip-ui]
                                   [--pages overview,checks,diagnosis]

``IQA_GC_PAUSE=0`` in the environment turns off the collector pause and ``gc.freeze`` (graph.gcpause), to compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

HOST = "127.0.0.1"
#: The UI pages timed (``--pages`` picks some, in this order).
PAGES = ("overview", "checks", "diagnosis")


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def build(path: Path, students: int, teachers: int | None) -> None:
    """The demo college grown by ``students`` into a new store at ``path``."""
    from graph.asof import default_as_of
    from graph.stores.embedded import EmbeddedStore
    from seed.demo import load_demo

    with EmbeddedStore(path) as store:  # as `iqa demo`: the story told as of today
        load_demo(store, as_of=default_as_of(), students=students, teachers=teachers)


def env_for(store: Path, token_hash: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_") or k in ("IQA_GC_PAUSE", "IQA_GC_FREEZE")}
    env["IQA_STORE"] = str(store)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if token_hash:
        env["IQA_API_TOKENS"] = json.dumps([{"name": "bench", "sha256": token_hash, "role": "editor"}])
    return env


def time_diagnose(store: Path, workdir: Path) -> dict[str, float]:
    """``iqa diagnose --format json`` in a child process: wall s, CPU s, peak MB, output MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = workdir / "diagnosis.json"
    t = time.perf_counter()
    with open(out, "wb") as sink:
        subprocess.run([sys.executable, "-c", "from cli.main import app; app()", "diagnose", "--format", "json"],
                       cwd=workdir, env=env_for(store), stdout=sink, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    digest = hashlib.sha256()
    with open(out, "rb") as f:  # the output's hash: a faster run must write the same bytes
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return {"wall": wall, "cpu": cpu, "peak_mb": after.ru_maxrss / 1024, "out_mb": out.stat().st_size / 1e6,
            "sha256": digest.hexdigest()}


class OwnerProbe(threading.Thread):
    """Asks one owner question every 20 ms until stopped; keeps the latencies (seconds)."""

    def __init__(self, base: str, paths: list[str]):
        super().__init__(daemon=True)
        self.base, self.paths, self.samples = base, paths, []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as client:
            i = 0
            while not self.stop.is_set():
                t = time.perf_counter()
                client.get(self.paths[i % len(self.paths)])
                self.samples.append(time.perf_counter() - t)
                i += 1
                time.sleep(0.02)


def ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


@contextmanager
def served(store: Path, workdir: Path, token: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """``iqa serve`` on ``store`` (a fresh process, its log in ``workdir/serve.log``) with one
    writer token, as ``(process, base URL)`` once ``/health`` answers; stopped on leaving. Exits
    with the server's log when it does not come up within 300 s."""
    port = free_port()
    log = open(workdir / "serve.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, "-c", "from cli.main import app; app()", "serve", "--host", HOST,
                             "--port", str(port)], cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
                            env=env_for(store, hashlib.sha256(token.encode()).hexdigest()))
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit((workdir / "serve.log").read_text(encoding="utf-8"))
            time.sleep(0.3)
        yield proc, base
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def bench_api(store: Path, workdir: Path) -> dict[str, object]:
    from graph.stores.embedded import EmbeddedStore

    with EmbeddedStore(store) as s:
        indicators = [n.id for n in s.iter_nodes("Indicator")]
        task = next(n for n in s.iter_nodes("Task") if n.props.get("status") == "normal")
    token = "iqa_" + secrets.token_hex(16)
    out: dict[str, object] = {}
    with served(store, workdir, token) as (proc, base):
        probe = OwnerProbe(base, [f"/api/v1/indicators/{i}/owner" for i in indicators])
        with httpx.Client(base_url=base, timeout=900) as client:
            for _ in range(20):  # warm the probe's path alone first
                client.get(f"/api/v1/indicators/{indicators[0]}/owner")
            alone = []
            for i in indicators[:50]:
                t = time.perf_counter()
                client.get(f"/api/v1/indicators/{i}/owner")
                alone.append(time.perf_counter() - t)
            out["owner alone"] = (ms(alone, 0.5), ms(alone, 0.99), max(alone) * 1000)
            probe.start()

            def timed(path: str, **kw) -> float:
                t = time.perf_counter()
                r = client.request(kw.pop("method", "GET"), path, **kw)
                r.raise_for_status()
                return time.perf_counter() - t

            out["checks first page"] = timed("/api/v1/checks?limit=50")
            out["checks later pages"] = [timed(f"/api/v1/checks?limit=50&offset={o}") for o in (50, 100, 1000, 5000)]
            out["diagnosis first page"] = timed("/api/v1/diagnosis?limit=50")
            out["diagnosis later pages"] = [timed(f"/api/v1/diagnosis?limit=50&offset={o}") for o in (50, 100, 1000)]
            # another low-achievement threshold (the UI's slider): derived from the kept diagnosis
            out["diagnosis at other thresholds"] = [timed(f"/api/v1/diagnosis?limit=50&low_threshold={t}")
                                                    for t in (0.5, 0.75)]
            out["patch"] = timed(f"/api/v1/nodes/{task.id}", method="PATCH", json={"props": {"status": "warning"}},
                                 headers={"Authorization": f"Bearer {token}"})
            out["checks right after the edit"] = timed("/api/v1/checks?limit=50")
            out["checks page after that"] = timed("/api/v1/checks?limit=50&offset=50")
        probe.stop.set()
        probe.join(150)
        out["owner beside"] = (ms(probe.samples, 0.5), ms(probe.samples, 0.99), max(probe.samples) * 1000,
                               len(probe.samples))
    return out


def bench_ui(store: Path, workdir: Path,
             pages: tuple[str, ...] = PAGES) -> dict[str, tuple[float, float, float, float]]:
    """Each page's script time, first and second run, in one Streamlit process (AppTest): ``{page:
    (first s, second s, first CPU s, second CPU s)}`` (CPU: this process's, user + system — the
    page scripts run in it)."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("server.address", "127.0.0.1")  # as `iqa ui`: loopback, anonymous reads allowed

    os.environ.update({k: v for k, v in env_for(store).items() if k.startswith("IQA_")})
    os.environ["IQA_AUDIT_LOG"] = str(workdir / "audit.jsonl")
    os.chdir(workdir)
    times: dict[str, tuple[float, float, float, float]] = {}
    for page in pages:
        runs, cpus = [], []
        for _ in range(2):
            at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=1800)
            at.switch_page(f"views/{page}.py")
            t, c = time.perf_counter(), time.process_time()
            at.run()
            runs.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
            if at.exception:
                raise SystemExit(f"{page}: {[e.value for e in at.exception]}")
            if not at.metric:  # every one of these pages shows its counts: else it did not get that far
                raise SystemExit(f"{page}: the page stopped early: {[str(e.value) for e in at.markdown][:3]}")
        times[page] = (runs[0], runs[1], cpus[0], cpus[1])
    return times


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=20000)
    parser.add_argument("--teachers", type=int, default=None)
    parser.add_argument("--store", type=Path, default=None, help="an existing store (copied; not changed)")
    parser.add_argument("--skip-ui", action="store_true")
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--skip-diagnose", action="store_true")
    parser.add_argument("--diagnose-runs", type=int, default=1,
                        help="run the diagnosis this many times; the figure kept is the run with the least CPU")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"UI pages to time, comma-separated (default {','.join(PAGES)})")
    args = parser.parse_args(argv)
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = work / "store.sqlite"
        t = time.perf_counter()
        if args.store is not None:
            shutil.copyfile(args.store, store)
        else:
            build(store, args.students, args.teachers)
        print(f"store ready in {time.perf_counter() - t:.1f} s; load average {load_average()}")
        if not args.skip_diagnose:
            runs = []
            for _ in range(max(1, args.diagnose_runs)):
                d = time_diagnose(store, work)
                runs.append(d)
                print(f"iqa diagnose --format json: {d['wall']:.1f} s wall, {d['cpu']:.1f} s CPU, "
                      f"peak {d['peak_mb']:.0f} MB, {d['out_mb']:.1f} MB written, sha256 {d['sha256'][:16]}…; "
                      f"load average {load_average()}")
            # on a shared machine the least CPU is the fairest figure; every run must write the same
            figures["diagnose"] = min(runs, key=lambda r: r["cpu"])
            if len({r["sha256"] for r in runs}) > 1:
                print("the runs wrote different diagnoses")
        if not args.skip_api:
            api = bench_api(store, work)
            figures["api"] = api
            for name, value in api.items():
                if name.startswith("owner"):
                    print(f"{name}: p50 {value[0]:.1f} ms, p99 {value[1]:.1f} ms, max {value[2]:.1f} ms"
                          + (f" ({value[3]} requests)" if len(value) > 3 else ""))
                elif isinstance(value, list):
                    print(f"{name}: " + ", ".join(f"{v * 1000:.0f} ms" for v in value))
                else:
                    print(f"{name}: {value * 1000:.0f} ms")
            print(f"load average {load_average()}")
        if not args.skip_ui:
            pages = tuple(p.strip() for p in args.pages.split(",") if p.strip())
            unknown = [p for p in pages if p not in PAGES]
            if unknown:
                parser.error(f"unknown page(s) {', '.join(unknown)}; known: {', '.join(PAGES)}")
            ui = bench_ui(store, work, pages)
            figures["ui"] = ui
            for page, (first, second, first_cpu, second_cpu) in ui.items():
                print(f"UI {page}: first {first:.2f} s ({first_cpu:.2f} s CPU), "
                      f"second {second:.2f} s ({second_cpu:.2f} s CPU)")
            print(f"load average {load_average()}")
    return figures


if __name__ == "__main__":
    main()
