"""iqa's storeless check side by side with Doorstop's validation, on the same chain of items.

Writes one chain of ``--items`` items (default 10,000) twice, with the same random links:

- as a Doorstop tree: documents SCH (school goals) → MAJ (major targets, each linked to a random
  SCH item) → TSK (tasks, each linked to a random MAJ item), one YAML file per item;
- as iqa sheets: 规划.csv (one plan), 目标.csv (the SCH items as school-layer targets of that
  plan, the MAJ items as major-layer targets whose 上级目标 is the same parent), 任务.csv (the TSK
  items, 对应目标 the same parent).

About 1 % of the MAJ and TSK items get no link, so both tools have findings. Doorstop 3.2 is
installed into the bench's own virtual environment (made once, ``--venv``, default in the system
temporary folder), never into the project's. Then it times, each as a user runs it (a fresh
process, start-up included): ``doorstop`` (build the tree and validate it) in the tree's folder,
and ``iqa check FOLDER --format json`` on the sheets (load into memory + every rule), and prints
both times and their ratio. Aim (issue: a whole college on one machine): iqa ≥ 100× faster.
Figures only — this is not a test.

    python bench/bench_vs_doorstop.py [--items 10000] [--seed 7] [--venv DIR] [--runs 1]

Doorstop takes ~20 minutes on the 10,000-item chain: time it once, then iterate on the iqa side
with ``--doorstop-wall S --doorstop-cpu S`` (its wall-clock and CPU seconds from an earlier run
of the same ``--items`` and ``--seed``), which prints the same ratios without running Doorstop.
The load average is printed beside the figures: on a shared machine the CPU ratio is the fairer one.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOORSTOP = "doorstop==3.2"


def chain(items: int, seed: int) -> dict[str, list[tuple[str, str, str | None]]]:
    """``{document: [(uid, text, parent uid or None)]}``: 1 % SCH, 29 % MAJ, the rest TSK; each
    MAJ / TSK item linked to a random item of the document above, except ~1 % left unlinked."""
    rng = random.Random(seed)
    n_sch = max(1, items // 100)
    n_maj = max(1, items * 29 // 100)
    n_tsk = max(0, items - n_sch - n_maj)
    docs: dict[str, list[tuple[str, str, str | None]]] = {"SCH": [], "MAJ": [], "TSK": []}
    for i in range(1, n_sch + 1):
        docs["SCH"].append((f"SCH{i:05d}", f"学校目标{i}：专业建设水平全省领先", None))
    for doc, n, above in (("MAJ", n_maj, "SCH"), ("TSK", n_tsk, "MAJ")):
        parents = [uid for uid, _, _ in docs[above]]
        for i in range(1, n + 1):
            parent = None if rng.random() < 0.01 else rng.choice(parents)
            docs[doc].append((f"{doc}{i:05d}", f"{doc}条目{i}：完成年度建设任务", parent))
    return docs


def write_doorstop(docs: dict[str, list[tuple[str, str, str | None]]], folder: Path) -> None:
    """The chain as a Doorstop tree (one folder per document, ``.doorstop.yml`` and one YAML file
    per item), in a git working copy as Doorstop expects."""
    parent_doc = {"SCH": None, "MAJ": "SCH", "TSK": "MAJ"}
    for doc, items in docs.items():
        d = folder / doc.lower()
        d.mkdir(parents=True)
        settings = f"settings:\n  digits: 5\n  prefix: {doc}\n  sep: ''\n"
        if parent_doc[doc]:
            settings += f"  parent: {parent_doc[doc]}\n"
        (d / ".doorstop.yml").write_text(settings, encoding="utf-8")
        for k, (uid, text, parent) in enumerate(items, 1):
            links = f"links:\n- {parent}: null\n" if parent else "links: []\n"
            (d / f"{uid}.yml").write_text(
                "active: true\nderived: false\nheader: ''\n"
                f"level: '1.{k}'\n{links}normative: true\nref: ''\nreviewed: null\n"
                f"text: |\n  {text}\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


def write_sheets(docs: dict[str, list[tuple[str, str, str | None]]], folder: Path) -> None:
    """The same chain as iqa sheets (UTF-8 CSV with the workbook contract's headers)."""
    folder.mkdir(parents=True)

    def write(name: str, header: list[str], rows: list[list[str]]) -> None:
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)

    write("规划", ["编号", "名称", "层级"], [["GH1", "学院发展规划", "一级"]])
    targets = [[uid, text, "学校", "", "GH1"] for uid, text, _ in docs["SCH"]]
    targets += [[uid, text, "专业", parent or "", ""] for uid, text, parent in docs["MAJ"]]
    write("目标", ["编号", "名称", "层面", "上级目标", "所属规划"], targets)
    write("任务", ["编号", "名称", "对应目标"], [[uid, text, parent or ""] for uid, text, parent in docs["TSK"]])


def doorstop_python(venv: Path) -> Path:
    """The bench's own virtual environment with Doorstop installed (made on first use)."""
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"making {venv} with {DOORSTOP} (once) …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-c", "import doorstop"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", DOORSTOP], check=True)
    return python


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall-clock seconds of one run of ``cmd`` (its output discarded), the CPU seconds it used
    (user + system: what counts on a machine shared with other jobs), and its exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=1, help="runs of each tool (the best is kept)")
    ap.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "iqa-bench-doorstop-venv",
                    help="virtual environment for Doorstop (made once)")
    ap.add_argument("--skip-doorstop", action="store_true", help="time iqa only (no Doorstop install)")
    ap.add_argument("--doorstop-wall", type=float, help="reuse this Doorstop wall-clock time (s) of an earlier run")
    ap.add_argument("--doorstop-cpu", type=float, help="reuse this Doorstop CPU time (s) of an earlier run")
    args = ap.parse_args(argv)
    reuse = args.doorstop_wall is not None or args.doorstop_cpu is not None
    if reuse and (args.doorstop_wall is None or args.doorstop_cpu is None):
        ap.error("--doorstop-wall and --doorstop-cpu go together")

    docs = chain(args.items, args.seed)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as tmp:
        tree, sheets = Path(tmp) / "doorstop", Path(tmp) / "sheets"
        write_doorstop(docs, tree)
        write_sheets(docs, sheets)
        iqa_cmd = [sys.executable, "-c", "from cli.main import app; app()", "check", str(sheets),
                   "--format", "json", "--exit-zero"]
        iqa_s, iqa_cpu, _ = min(timed(iqa_cmd, Path(tmp), env) for _ in range(args.runs))
        print(f"chain: {args.items} items ({', '.join(f'{d} {len(v)}' for d, v in docs.items())}), "
              f"same links in both; {sum(1 for v in docs.values() for *_, p in v if p)} links")
        print(f"iqa check FOLDER --format json (load into memory + every rule): {iqa_s:.2f} s "
              f"({iqa_cpu:.2f} s CPU)")
        figures = {"iqa": iqa_s, "iqa_cpu": iqa_cpu}
        if reuse:
            ds_s, ds_cpu = args.doorstop_wall, args.doorstop_cpu
            print(f"doorstop (an earlier run, given): {ds_s:.2f} s ({ds_cpu:.2f} s CPU)")
        elif not args.skip_doorstop:
            python = doorstop_python(args.venv)
            ds_cmd = [str(python.parent / "doorstop")]
            ds_s, ds_cpu, code = min(timed(ds_cmd, tree) for _ in range(args.runs))
            print(f"doorstop (build + validate the tree; exit {code}): {ds_s:.2f} s ({ds_cpu:.2f} s CPU)")
        if reuse or not args.skip_doorstop:
            print(f"ratio doorstop / iqa: {ds_s / iqa_s:.0f}× wall clock, {ds_cpu / iqa_cpu:.0f}× CPU   "
                  "(aim ≥ 100×)")
            figures["doorstop"], figures["doorstop_cpu"] = ds_s, ds_cpu
        print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    return figures


if __name__ == "__main__":
    main()
