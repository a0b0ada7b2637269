"""Library swaps measured side by side on a generated college (default 20,000 students, 1,000
teachers): each line prints the old path (timed here through the standard library / openpyxl /
difflib directly, as the code did before) beside the path the project takes now.

- xlsx: the college written as one workbook (openpyxl, write-only), read raw by openpyxl
  read-only and by python-calamine, and by the project's ``read_xlsx``; rows that differ between
  openpyxl's values and the project's reader (``graph.xlsx_reader``) are counted;
- "did you mean": two difflib passes over every id vs ``graph.services.resolve.suggest``
  (rapidfuzz), per probe (a code with one character dropped), and whether the best match is as good;
- API event loop: ``GET /health`` latency while clients ask for unknown ids, with every read
  inline on the event loop and difflib (as before) vs in worker threads (now);
- JSON: the check report and the largest trace down encoded by the standard library (as
  Starlette's JSONResponse does) vs orjson; every property row of the store file decoded by
  ``json.loads`` vs ``orjson.loads`` (what opening the embedded store does).

Figures only — this is not a test (tests/test_bench_libs.py runs it once at a small size).

    python bench/bench_libs.py [--students 20000] [--teachers 1000] [--probes 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import random
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402
import uvicorn  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from graph.checks import run_checks  # noqa: E402
from graph.services import resolve  # noqa: E402
from graph.services.trace import trace  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from graph.xlsx_reader import open_xlsx  # noqa: E402
from ingest import load_sheets  # noqa: E402
from ingest.readers import read_xlsx  # noqa: E402
from seed.synthetic import COLUMNS, generate_college  # noqa: E402


def clock(fn, *args, **kwargs):
    """``(seconds, result)`` of one call."""
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def line(what: str, before: float, after: float, unit: str = "ms", extra: str = "") -> None:
    scale, digits = (1000, 1) if unit == "ms" else (1, 2)
    print(f"{what}: {before * scale:,.{digits}f} {unit} -> {after * scale:,.{digits}f} {unit} "
          f"({before / after if after else float('inf'):.1f}x){extra}")


# ------------------------------------------------------------------------------------------ xlsx
def write_workbook(sheets: dict[str, list[dict[str, object]]], path: Path) -> int:
    """The college as one workbook, a sheet per contract sheet (header row, then the rows)."""
    wb = Workbook(write_only=True)
    rows = 0
    for title, data in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(list(COLUMNS[title]))
        for row in data:
            ws.append([None if row.get(c, "") == "" else row.get(c) for c in COLUMNS[title]])
            rows += 1
    wb.save(path)
    return rows


def _openpyxl_rows(path: Path) -> dict[str, list[list[object]]]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def _calamine_rows(path: Path) -> dict[str, list[list[object]]]:
    with CalamineWorkbook.from_path(path) as wb:
        return {t: wb.get_sheet_by_name(t).to_python(skip_empty_area=False) for t in wb.sheet_names}


def _project_rows(path: Path) -> dict[str, list[list[object]]]:
    with open_xlsx(path, path.name) as wb:
        return {t: wb.sheet(t).rows for t in wb.titles}


def _trimmed(row: list[object]) -> list[object]:
    row = [v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v for v in row]
    while row and row[-1] is None:
        row.pop()
    return row


def bench_xlsx(sheets: dict[str, list[dict[str, object]]], tmp: Path) -> None:
    path = tmp / "college.xlsx"
    rows = write_workbook(sheets, path)
    old_s, old = clock(_openpyxl_rows, path)
    raw_s, _ = clock(_calamine_rows, path)
    new_s, new = clock(_project_rows, path)
    read_s, result = clock(read_xlsx, path)
    differ = sum(1 for title, data in old.items() for a, b in zip(data, new[title]) if _trimmed(a) != _trimmed(b))
    differ += sum(abs(len(data) - len(new[title])) for title, data in old.items())
    print(f"xlsx: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
    line("  read raw, openpyxl read-only -> python-calamine", old_s, raw_s, "s")
    line("  read cells, openpyxl read-only -> graph.xlsx_reader", old_s, new_s, "s", f"; {differ} rows differ")
    print(f"  the project's read_xlsx (limits checked, sheets built): {read_s:.1f} s for "
          f"{sum(len(s.rows) for s in result.sheets):,} rows")


# ----------------------------------------------------------------------------------- did you mean
def difflib_suggest(store, text: str, kind: str | None = None, n: int = 5) -> list[str]:
    """The suggestion as it was: two difflib passes (codes, then ids) over every node."""
    ids = [node.id for node in store.iter_nodes(kind)]
    by_code = {i.split(":", 1)[1]: i for i in ids}
    close = difflib.get_close_matches(text, list(by_code), n=n, cutoff=0.6)
    close_ids = difflib.get_close_matches(text, ids, n=n, cutoff=0.6)
    out: list[str] = []
    for i in [by_code[c] for c in close] + close_ids:
        if i not in out:
            out.append(i)
    return out[:n]


def probes(store, count: int) -> list[str]:
    """Codes with their middle character dropped (a typo), from random nodes."""
    rng = random.Random(3)
    ids = sorted(n.id for n in store.iter_nodes())
    out = []
    for node_id in rng.sample(ids, min(count, len(ids))):
        code = node_id.split(":", 1)[1]
        k = len(code) // 2
        out.append(code[:k] + code[k + 1:] if len(code) > 2 else code + "9")
    return out


def bench_suggest(store, texts: list[str]) -> None:
    ratio = lambda a, b: difflib.SequenceMatcher(None, a, b.split(":", 1)[1]).ratio()  # noqa: E731
    old_s = new_s = 0.0
    same = 0
    for text in texts:
        s, old = clock(difflib_suggest, store, text)
        old_s += s
        s, new = clock(resolve.suggest, store, text)
        new_s += s
        same += bool(old and new and ratio(text, old[0]) == ratio(text, new[0])) or (not old and not new)
    line(f"did you mean ({store.count_nodes():,} nodes), per probe: difflib -> rapidfuzz",
         old_s / len(texts), new_s / len(texts), "ms", f"; best match as close in {same}/{len(texts)}")


# ------------------------------------------------------------------------------------- event loop
def _health_while_unknown(port: int, texts: list[str], seconds: float) -> tuple[list[float], int]:
    """``/health`` latencies (s) measured by one client every 10 ms while two others ask for
    unknown ids, and how many unknown-id answers came back, over ``seconds``."""
    import http.client

    stop = time.perf_counter() + seconds
    misses = 0

    def unknown() -> None:
        nonlocal misses
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = 0
        while time.perf_counter() < stop:
            conn.request("GET", f"/api/v1/nodes/{texts[i % len(texts)]}Z")
            r = conn.getresponse()
            r.read()
            assert r.status == 404, r.status
            misses += 1
            i += 1
        conn.close()

    workers = [threading.Thread(target=unknown) for _ in range(2)]
    for w in workers:
        w.start()
    health: list[float] = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.perf_counter() < stop:
        t = time.perf_counter()
        conn.request("GET", "/api/v1/health")
        r = conn.getresponse()
        r.read()
        assert r.status == 200, r.status
        health.append(time.perf_counter() - t)
        time.sleep(0.01)
    conn.close()
    for w in workers:
        w.join()
    return health, misses


def bench_event_loop(store, texts: list[str], seconds: float) -> None:
    from api import deps
    from api.main import create_app
    from graph.settings import load_settings

    app = create_app(load_settings(store=":memory:"), store)

    async def inline(self, fn, *, heavy=False):  # the old path: a light read on the event loop
        return self._call(fn)

    threaded = deps.Reads.__call__
    figures = {}
    for label, call, suggest in (("inline+difflib", inline, difflib_suggest), ("threads+rapidfuzz", threaded, None)):
        deps.Reads.__call__ = call
        old_suggest = resolve.suggest
        if suggest is not None:
            resolve.suggest = suggest
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        # lifespan on: the app opens its core object at start-up (the given store is not closed after)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="on"))
        thread = threading.Thread(target=server.run)
        thread.start()
        try:
            while not server.started:
                time.sleep(0.05)
            health, misses = _health_while_unknown(port, texts, seconds)
        finally:
            server.should_exit = True
            thread.join()
            deps.Reads.__call__ = threaded
            resolve.suggest = old_suggest
        figures[label] = (max(health), statistics.median(health), misses)
    (b_max, b_med, b_n), (a_max, a_med, a_n) = figures.values()
    line("/health while unknown ids are asked, worst: on the loop -> worker threads", b_max, a_max, "ms",
         f"; median {b_med * 1000:.1f} -> {a_med * 1000:.1f} ms; unknown-id answers {b_n} -> {a_n} in {seconds:g} s")


# ------------------------------------------------------------------------------------------- JSON
def _stdlib_response(data) -> bytes:
    """What Starlette's JSONResponse sends."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


def _best(fn, data, repeat: int = 3) -> float:
    return min(clock(fn, data)[0] for _ in range(repeat))


def bench_json(store, path: Path) -> None:
    report = run_checks(store).to_dict()
    targets = [n for n in store.iter_nodes("Target") if n.props.get("layer") == "school"] or list(store.iter_nodes())
    traces = [trace(store, n, "down") for n in targets[:50]]
    big = max(traces, key=lambda t: len(orjson.dumps(t)))
    dumps = lambda d: orjson.dumps(d, option=orjson.OPT_NON_STR_KEYS)  # noqa: E731
    line(f"check report encode ({len(dumps(report)) / 1e6:.1f} MB): json -> orjson",
         _best(_stdlib_response, report), _best(dumps, report))
    line(f"largest trace down encode ({len(dumps(big)) / 1e6:.1f} MB): json -> orjson",
         _best(_stdlib_response, big), _best(dumps, big))
    with sqlite3.connect(path) as db:
        rows = [r[0] for r in db.execute("SELECT props FROM nodes UNION ALL SELECT props FROM edges")]
    line(f"store open, decode {len(rows):,} property rows: json.loads -> orjson.loads",
         _best(lambda rs: [json.loads(r) for r in rs], rows), _best(lambda rs: [orjson.loads(r) for r in rs], rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20000)
    ap.add_argument("--teachers", type=int, default=1000)
    ap.add_argument("--probes", type=int, default=10, help="unknown codes for the 'did you mean' lines")
    ap.add_argument("--seconds", type=float, default=5.0, help="how long each event-loop run lasts")
    args = ap.parse_args(argv)
    sheets = generate_college(args.students, args.teachers)
    print(f"college: {args.students:,} students, {args.teachers:,} teachers")
    with tempfile.TemporaryDirectory() as tmp:
        bench_xlsx(sheets, Path(tmp))
        path = Path(tmp) / "college.sqlite"
        store = EmbeddedStore(path)
        load_sheets(store, sheets, source="synthetic")
        texts = probes(store, args.probes)
        bench_suggest(store, texts)
        bench_json(store, path)
        bench_event_loop(store, texts, args.seconds)
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
