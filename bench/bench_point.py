"""Point questions at any size: the same commands on the plain demo and on the demo grown by
``--students`` generated students (``iqa demo --students N``), as a user runs them.

Prints, for ``iqa owner ZK-58`` and ``iqa trace MB-S01 --depth 2`` (each a fresh process, start-up
and opening the store included), the median of ``--runs`` runs on both stores and their ratio.
Aim (issue: a whole college on one machine): on the 100,000-student store at most 2× the plain
demo. Then, in this process on the grown store, the search of ``graph.services.search`` as the
API and the CLI run it, answered by the store's search index (exact code, code prefix,
two-character name fragment, 4-character name fragment; p50 / p99 in ms and the median number of
matches, with the CPU seconds of all the searches), and how long a store file written before the
search index took to get it when first opened for writing (when it had none). Figures only — this
is not a test.

    python bench/bench_point.py [--students 100000] [--grown STORE] [--runs 5] [--search-only]

``--grown`` reuses a store made earlier by ``iqa --store STORE demo --students N`` (building the
100,000-student store takes minutes).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = (("owner ZK-58", ["owner", "ZK-58"]), ("trace MB-S01 --depth 2", ["trace", "MB-S01", "--depth", "2"]))


def iqa(store: Path, args: list[str], cwd: Path) -> float:
    """Wall-clock seconds of one ``iqa --store STORE ARGS`` in a fresh process (output dropped);
    SystemExit when it fails."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-c", "from cli.main import app; app()", "--store", str(store), *args]
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"iqa {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return time.perf_counter() - t


def pct(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) of ``samples`` in milliseconds."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def search_figures(store_path: Path, samples: int) -> list[tuple[str, float, float, int, float]]:
    """``(kind of query, p50 ms, p99 ms, median hits, CPU s of all)`` of search_nodes on the store
    (the first row: opening the store, which builds the search index of a file without one)."""
    from graph.services.search import search_nodes
    from graph.stores.embedded import EmbeddedStore

    rng = random.Random(7)
    t, cpu = time.perf_counter(), time.process_time()
    store = EmbeddedStore(store_path)
    out = [("open (index built if none)", (time.perf_counter() - t) * 1000, (time.perf_counter() - t) * 1000,
            store.count_nodes(), time.process_time() - cpu)]
    with store:
        ids = [r[0] for r in store._rows("SELECT id FROM nodes")]
        nodes = list(store.get_nodes(rng.sample(ids, min(samples, len(ids)))).values())
        queries: dict[str, list[str]] = {
            "exact code": [n.code for n in nodes],
            "code prefix": [n.code[: max(2, len(n.code) - 2)] for n in nodes],
            "2-char name fragment": [],
            "4-char name fragment": [],
        }
        for n in nodes:
            name = n.name
            start = rng.randrange(max(1, len(name) - 1))
            queries["2-char name fragment"].append(name[start:start + 2])
            start = rng.randrange(max(1, len(name) - 3))
            queries["4-char name fragment"].append(name[start:start + 4])
        for label, qs in queries.items():
            times, hits = [], []
            cpu = time.process_time()
            for q in qs:
                t = time.perf_counter()
                page = search_nodes(store, q, limit=20)
                times.append(time.perf_counter() - t)
                hits.append(page.total)
            out.append((label, pct(times, 0.5), pct(times, 0.99), int(statistics.median(hits)), time.process_time() - cpu))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=100000)
    ap.add_argument("--teachers", type=int, default=None)
    ap.add_argument("--grown", type=Path, help="an existing store made by iqa demo --students N")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--searches", type=int, default=300)
    ap.add_argument("--search-only", action="store_true", help="only the search figures (needs --grown)")
    args = ap.parse_args(argv)
    if args.search_only:
        if args.grown is None:
            ap.error("--search-only needs --grown STORE")
        print(f"search on {args.grown} ({args.searches} queries each; aim p99 <= 50 ms; load average "
              f"{os.getloadavg()[0]:.1f})")
        print(f"{'query':<26} {'p50 ms':>8} {'p99 ms':>8} {'hits':>7} {'CPU s':>7}")
        for label, p50, p99, hits, cpu in search_figures(args.grown, args.searches):
            print(f"{label:<26} {p50:>8.1f} {p99:>8.1f} {hits:>7} {cpu:>7.2f}")
        return

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plain = work / "plain.sqlite"
        iqa(plain, ["demo"], work)
        grown = args.grown
        if grown is None:
            grown = work / "grown.sqlite"
            extra = ["--teachers", str(args.teachers)] if args.teachers is not None else []
            t = time.perf_counter()
            iqa(grown, ["demo", "--students", str(args.students), *extra], work)
            print(f"iqa demo --students {args.students}: {time.perf_counter() - t:.1f} s")
        from graph.stores.embedded import EmbeddedStore

        with EmbeddedStore(plain) as a, EmbeddedStore(grown) as b:
            print(f"plain demo: {a.count_nodes()} nodes, {a.count_edges()} edges; "
                  f"grown: {b.count_nodes()} nodes, {b.count_edges()} edges")
        print(f"{'command':<26} {'plain s':>8} {'grown s':>8} {'ratio':>6}   (aim ratio <= 2)")
        for label, cmd in QUESTIONS:
            a_s = statistics.median(iqa(plain, cmd, work) for _ in range(args.runs))
            b_s = statistics.median(iqa(grown, cmd, work) for _ in range(args.runs))
            print(f"iqa {label:<22} {a_s:>8.2f} {b_s:>8.2f} {b_s / a_s:>6.2f}")
        print(f"\nsearch on the grown store ({args.searches} queries each; aim p99 <= 50 ms; load average "
              f"{os.getloadavg()[0]:.1f})")
        print(f"{'query':<26} {'p50 ms':>8} {'p99 ms':>8} {'hits':>7} {'CPU s':>7}")
        for label, p50, p99, hits, cpu in search_figures(grown, args.searches):
            print(f"{label:<26} {p50:>8.1f} {p99:>8.1f} {hits:>7} {cpu:>7.2f}")


if __name__ == "__main__":
    main()
