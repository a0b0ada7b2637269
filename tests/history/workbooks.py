"""The demo college written as a folder of .csv sheets, and a second version of it."""

from __future__ import annotations

import csv
from pathlib import Path

from seed.demo_college import build_demo_college

#: The school target and the standard whose names the second version changes.
CHANGED_TARGET = "MB-S01"
CHANGED_STANDARD = "BZ-XX-01"


def write_sheets(folder: Path, sheets: dict[str, list[dict]]) -> Path:
    """Each sheet as ``<sheet>.csv`` in ``folder`` (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in sheets.items():
        keys = list(dict.fromkeys(k for r in rows for k in r))
        with open(folder / f"{sheet}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, keys)
            writer.writeheader()
            for r in rows:
                writer.writerow({k: "" if v is None else v for k, v in r.items()})
    return folder


def two_versions(root: Path) -> tuple[Path, Path]:
    """``(v1, v2)``: the demo college, and the same with the names of :data:`CHANGED_TARGET` and
    :data:`CHANGED_STANDARD` changed."""
    sheets = build_demo_college()
    v1 = write_sheets(root / "v1", sheets)
    for sheet, code in (("目标", CHANGED_TARGET), ("标准", CHANGED_STANDARD)):
        row = next(r for r in sheets[sheet] if r["编号"] == code)
        row["名称"] = f"{row['名称']}（修订）"
    return v1, write_sheets(root / "v2", sheets)
