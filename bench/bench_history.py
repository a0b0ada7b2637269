"""What recording revisions costs a load (docs/history.md), on the demo college or a generated one.

Prints, in seconds (the best of ``--repeat`` runs each), on a SQLite store in a temporary folder:

- ``plain``: a first load as before revisions existed (the store in its ``ConcurrentStore``, as
  every command, the API and the UI use it, with the recorder switched off);
- ``recorded``: the same first load through the ``ConcurrentStore``, which records it as revision 1;
- ``reload``: the same sheets loaded again with recording: nothing changed, no revision;
- ``reload-plain``: the same reload without recording;

and the ratios ``reload / plain`` (aim: ≤ 1.2) and ``recorded / plain``. Figures only — not a test.

    python bench/bench_history.py [--demo | --students 20000 --teachers 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.history.timeline import log  # noqa: E402
from graph.services.edit import concurrent  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from ingest import load_sheets  # noqa: E402


def sheets_of(args) -> tuple[str, dict]:
    if args.demo:
        from seed.demo_college import build_demo_college

        return "demo college", build_demo_college()
    from seed.synthetic import generate_college

    return f"college of {args.students} students", generate_college(args.students, args.teachers)


def best(fn, repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``fn(folder)``, each in a fresh temporary folder."""
    out = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            out.append(fn(Path(tmp)))
    return min(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demo", action="store_true", help="the demo college instead of a generated one")
    ap.add_argument("--students", type=int, default=20000)
    ap.add_argument("--teachers", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    what, sheets = sheets_of(args)
    rows = sum(len(v) for v in sheets.values())

    def load(store) -> float:
        t = time.perf_counter()
        load_sheets(store, sheets, source="bench")
        return time.perf_counter() - t

    def plain(folder: Path) -> float:
        store = concurrent(EmbeddedStore(folder / "s.sqlite"))
        store.recorder = None
        took = load(store)
        store.close()
        return took

    def recorded(folder: Path) -> float:
        store = concurrent(EmbeddedStore(folder / "s.sqlite"))
        took = load(store)
        assert [r["rev"] for r in log(store)["revisions"]] == [1]
        store.close()
        return took

    def reload(folder: Path, record: bool = True) -> float:
        store = concurrent(EmbeddedStore(folder / "s.sqlite"))
        load(store)
        if not record:
            store.recorder = None
        took = load(store)
        assert [r["rev"] for r in log(store)["revisions"]] == [1]  # the reload recorded nothing
        store.close()
        return took

    figures = {"plain": best(plain, args.repeat), "recorded": best(recorded, args.repeat),
               "reload": best(reload, args.repeat), "reload-plain": best(lambda f: reload(f, False), args.repeat)}
    print(f"{what}: {rows} rows")
    for name, seconds in figures.items():
        print(f"  {name:<13} {seconds:7.2f} s")
    print(f"  reload / plain   {figures['reload'] / figures['plain']:.2f}  (aim ≤ 1.2)")
    print(f"  recorded / plain {figures['recorded'] / figures['plain']:.2f}")


if __name__ == "__main__":
    main()
