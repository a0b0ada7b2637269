"""Point questions at any size: the same commands on the plain demo and on the demo grown by
``--students`` generated students (``iqa demo --students N``), as a user runs them.

Prints, for ``iqa owner ZK-58`` and ``iqa trace MB-S01 --depth 2`` (each a fresh process, start-up
and opening the store included), the median of ``--runs`` runs on both stores and their ratio.
Aim (issue: a whole college on one machine): on the 100,000-student store at most 2× the plain
demo. Then, in this process on the grown store, the search of ``graph.services.search`` (exact
code, code prefix, two-character name fragment; p50 / p99 in ms, the node index built once
beforehand as the API keeps it). Figures only — this is not a test.

    python bench/bench_point.py [--students 100000] [--grown STORE] [--runs 5]

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


def search_figures(store_path: Path, samples: int) -> list[tuple[str, float, float, int]]:
    """``(kind of query, p50 ms, p99 ms, median hits)`` of search_nodes on the store."""
    from graph.services.search import NodeIndex, search_nodes
    from graph.stores.embedded import EmbeddedStore

    rng = random.Random(7)
    with EmbeddedStore(store_path) as store:
        t = time.perf_counter()
        index = NodeIndex(store)
        build_s = time.perf_counter() - t
        nodes = [e[3] for e in index.entries()]
        picks = rng.sample(nodes, min(samples, len(nodes)))
        queries = {
            "exact code": [n.code for n in picks],
            "code prefix": [n.code[: max(2, len(n.code) - 2)] for n in picks],
            "2-char name fragment": [],
        }
        for n in picks:
            name = n.name
            start = rng.randrange(max(1, len(name) - 1))
            queries["2-char name fragment"].append(name[start:start + 2])
        out = [("node index built once", build_s * 1000, build_s * 1000, len(nodes))]
        for label, qs in queries.items():
            times, hits = [], []
            for q in qs:
                t = time.perf_counter()
                page = search_nodes(store, q, limit=20, index=index)
                times.append(time.perf_counter() - t)
                hits.append(page.total)
            out.append((label, pct(times, 0.5), pct(times, 0.99), int(statistics.median(hits))))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=100000)
    ap.add_argument("--teachers", type=int, default=None)
    ap.add_argument("--grown", type=Path, help="an existing store made by iqa demo --students N")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--searches", type=int, default=300)
    args = ap.parse_args(argv)

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
        print(f"\nsearch on the grown store ({args.searches} queries each; aim p99 <= 50 ms)")
        print(f"{'query':<24} {'p50 ms':>8} {'p99 ms':>8} {'hits':>7}")
        for label, p50, p99, hits in search_figures(grown, args.searches):
            print(f"{label:<24} {p50:>8.1f} {p99:>8.1f} {hits:>7}")


if __name__ == "__main__":
    main()
