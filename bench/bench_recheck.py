"""``GET /checks`` right after one edit (issue: a whole college on one machine, point 4, incremental
re-check). Prints figures; judges nothing.

On a copy of a store (``--store PATH``; or a grown demo college, ``--students N``), one ``iqa serve``
process: ``GET /api/v1/checks?limit=50`` once (the full run, kept), then, one at a time, each edit
below followed by ``GET /checks?limit=50`` (timed: wall, and the server's CPU seconds from
/proc), then the whole findings list (not timed) hashed and compared with a fresh full
``run_checks`` in this process on the store as the edit left it (``--no-verify``: skip that):

- ``PATCH /nodes/{task}``: a task's status;
- ``DELETE /edges`` and ``PUT /edges``: a target's lead unit (``led_by``: an owner edge);
- ``DELETE /edges`` and ``PUT /edges``: a target's implementing task (``implemented_by``: a chain
  edge);
- ``PATCH /nodes/{unit}``: the name of the org unit with the most edges (every finding it owns
  reads it; its neighbours are judged again);
- ``POST /load``: a one-row ``目标.csv`` (a new school target).

    python bench/bench_recheck.py --store PATH [--no-verify] [--edits status,owner,...]
    python bench/bench_recheck.py --students 200 --teachers 20      # builds a small college first
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402

from bench_api import cpu_seconds  # noqa: E402
from bench_scale_ui import build, load_average, served  # noqa: E402

EDITS = ("status", "owner-", "owner+", "chain-", "chain+", "unit", "load")


def digest(findings: list[dict]) -> str:
    return hashlib.sha256(json.dumps(findings, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def fresh_digest(store: Path, as_of: dt.date) -> str:
    """The findings of a full ``run_checks`` on ``store`` (read only), hashed as the API's."""
    from graph.checks import run_checks
    from graph.stores.embedded import EmbeddedStore

    with EmbeddedStore(store) as s:
        return digest([f.to_dict() for f in run_checks(s, as_of=as_of).findings])


def picks(store: Path) -> dict[str, object]:
    """What the edits change: a task in status ``normal``, a target's ``led_by`` edge and one of
    its ``implemented_by`` edges, the org unit with the most edges (the most neighbours to judge again)."""
    from graph.stores.embedded import EmbeddedStore

    with EmbeddedStore(store) as s:
        task = next(n for n in s.iter_nodes("Task") if n.props.get("status") == "normal")
        led = next(e for e in s.iter_edges("led_by") if e.source.startswith("Target:"))
        impl = next(e for e in s.iter_edges("implemented_by"))
        edges_at: dict[str, int] = {}
        for e in s.iter_edges():
            for end in (e.source, e.target):
                if end.startswith("OrgUnit:"):
                    edges_at[end] = edges_at.get(end, 0) + 1
        unit = max(sorted(edges_at), key=lambda u: edges_at[u])
    return {"task": task.id, "led": led, "impl": impl, "unit": unit, "unit_edges": edges_at[unit]}


def run(store: Path, workdir: Path, edits: list[str], verify: bool) -> list[dict[str, object]]:
    chosen = picks(store)
    print(f"edits: task {chosen['task']}, owner edge {chosen['led'].key}, chain edge {chosen['impl'].key}, "
          f"unit {chosen['unit']} ({chosen['unit_edges']} edges)", flush=True)
    token = "iqa_" + secrets.token_hex(16)
    auth = {"Authorization": f"Bearer {token}"}
    rows: list[dict[str, object]] = []
    today = dt.date.today()
    with served(store, workdir, token) as (proc, base):
        with httpx.Client(base_url=base, timeout=1800) as client:
            def checks(name: str) -> None:
                c, t = cpu_seconds(proc.pid), time.perf_counter()
                r = client.get("/api/v1/checks", params={"limit": 50})
                wall = time.perf_counter() - t
                r.raise_for_status()
                row: dict[str, object] = {"after": name, "wall_ms": wall * 1000,
                                          "server_cpu_ms": (cpu_seconds(proc.pid) - c) * 1000,
                                          "total": r.json()["total"], "load": load_average()}
                if verify:
                    everything: list[dict] = []
                    while len(everything) < row["total"]:  # type: ignore[operator]
                        page = client.get("/api/v1/checks", params={"limit": 1000, "offset": len(everything)})
                        page.raise_for_status()
                        everything += page.json()["findings"]
                    row["same_as_full_run"] = digest(everything) == fresh_digest(store, today)
                rows.append(row)
                print(" ".join(f"{k}={v:.0f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()),
                      flush=True)

            def call(method: str, path: str, **kw) -> None:
                client.request(method, path, headers=auth, **kw).raise_for_status()

            checks("(first: full run)")
            led, impl = chosen["led"], chosen["impl"]
            for edit in edits:
                if edit == "status":
                    call("PATCH", f"/api/v1/nodes/{chosen['task']}", json={"props": {"status": "warning"}})
                elif edit in ("owner-", "owner+"):
                    call("DELETE" if edit == "owner-" else "PUT", "/api/v1/edges",
                         params={"source": led.source, "type": led.type, "target": led.target})
                elif edit in ("chain-", "chain+"):
                    call("DELETE" if edit == "chain-" else "PUT", "/api/v1/edges",
                         params={"source": impl.source, "type": impl.type, "target": impl.target})
                elif edit == "unit":
                    call("PATCH", f"/api/v1/nodes/{chosen['unit']}", json={"props": {"name": "基准改名部门"}})
                elif edit == "load":
                    row = "编号,名称,层面\nT-BENCH-1,基准测试目标,学校\n".encode()
                    call("POST", "/api/v1/load", files={"files": ("目标.csv", row)})
                else:
                    raise SystemExit(f"unknown edit {edit!r}; known: {', '.join(EDITS)}")
                checks(edit)
    return rows


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=None, help="an existing store (copied; not changed)")
    parser.add_argument("--students", type=int, default=20000)
    parser.add_argument("--teachers", type=int, default=None)
    parser.add_argument("--edits", default=",".join(EDITS), help=f"comma-separated, of {', '.join(EDITS)}")
    parser.add_argument("--no-verify", action="store_true", help="do not compare with a fresh full run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = work / "store.sqlite"
        if args.store is not None:
            shutil.copyfile(args.store, store)
        else:
            build(store, args.students, args.teachers)
        print(f"store ready; load average {load_average()}", flush=True)
        return run(store, work, [e for e in args.edits.split(",") if e], not args.no_verify)


if __name__ == "__main__":
    main()
