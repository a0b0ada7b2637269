"""SQLite's floor for a load: how long SQLite alone takes to write the rows of a store that a load
made — every table copied from STORE into a new file by ``INSERT … SELECT`` (no Python per row), in
one transaction, with the store's own indexes in place as during a load, the two full-text indexes
of the search filled, and the journal's indexes made after its rows (as a load into an empty store
makes them). Nothing a load computes is included: no generating, reading, parsing, resolving,
validating, search tokens (the short index's texts are made before the clock starts) or journal
text (its rows are copied). So no load of the same college into a store of this schema can take
less on this machine than these seconds.

Prints the time of each step, the total wall clock and CPU (user + system) and the file's size.
Figures only — not a test.

    python bench/bench_sql_floor.py --store STORE_1M [--out FILE]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: The tables copied, in the order a load fills them (the search text with the nodes, the journal
#: at the commit). The full-text indexes are filled from them, not copied.
TABLES = ("meta", "nodes", "node_text", "edges", "revisions", "changes")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the benchmark; print the figures and return them (seconds)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True, help="a store a load made (only read)")
    ap.add_argument("--out", type=Path, help="the new file (default: a temporary one, removed)")
    args = ap.parse_args(argv)
    from graph.stores.embedded import EmbeddedStore
    from graph.stores.embedded_journal import _INDEXES as JOURNAL_INDEXES
    from graph.textsearch import short_doc

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "floor.sqlite"
        if out.exists():
            raise SystemExit(f"{out} exists: give a new file")
        EmbeddedStore(out).close()  # the schema of a new store: tables, indexes, search, journal
        db = sqlite3.connect(out, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")  # as the store opens its file
        db.execute("PRAGMA synchronous=NORMAL")
        for name, _ in JOURNAL_INDEXES:  # made after the journal's rows, as a load into an empty store does
            db.execute(f"DROP INDEX {name}")
        db.execute("ATTACH DATABASE ? AS src", (str(args.store),))  # only read
        # the short index's texts, made before the clock starts (a load makes them in Python)
        db.execute("CREATE TEMP TABLE grams (rid INTEGER PRIMARY KEY, grams TEXT NOT NULL)")
        db.executemany("INSERT INTO temp.grams VALUES (?, ?)",
                       ((rid, short_doc(id_n, code_n, name_n)) for rid, id_n, code_n, name_n in
                        db.execute("SELECT rid, id_n, code_n, name_n FROM src.node_text ORDER BY rid").fetchall()))
        steps: dict[str, float] = {}
        cpu0, start = _cpu(), time.perf_counter()

        def step(label: str, sql: str) -> None:
            t = time.perf_counter()
            db.execute(sql)
            steps[label] = steps.get(label, 0.0) + time.perf_counter() - t

        db.execute("BEGIN")
        for table in TABLES:  # names of this module's list, never user text
            step(table, f"INSERT OR REPLACE INTO main.{table} SELECT * FROM src.{table} ORDER BY rowid")
            if table == "node_text":
                step("node_tri (trigram index)", "INSERT INTO node_tri (rowid, code_n, name_n, id_n, kind) "
                     "SELECT rid, code_n, name_n, id_n, kind FROM main.node_text ORDER BY rid")
                step("node_short (short index)", "INSERT INTO node_short (rowid, grams) "
                     "SELECT rid, grams FROM temp.grams ORDER BY rid")
        for name, column in JOURNAL_INDEXES:
            step("journal indexes", f"CREATE INDEX {name} ON changes ({column})")
        step("commit", "COMMIT")
        wall, cpu = time.perf_counter() - start, _cpu() - cpu0
        nodes, edges, changes = db.execute("SELECT (SELECT count(*) FROM nodes), (SELECT count(*) FROM edges), "
                                           "(SELECT count(*) FROM changes)").fetchone()
        db.close()
        size = out.stat().st_size

    print(f"SQLite's floor for {nodes:,} nodes, {edges:,} edges, {changes:,} journal changes (from {args.store.name})")
    for label, seconds in steps.items():
        print(f"  {label:<26} {seconds:7.1f} s")
    print(f"  wall {wall:.1f} s, CPU {cpu:.1f} s; file {size / 2**20:,.0f} MB")
    return {"wall": wall, "cpu": cpu, **steps}


if __name__ == "__main__":
    main()
