"""The workbook reader's own cell-reference helpers give openpyxl's answers (they exist so that
reading workbooks and checking CSV files do not import openpyxl), and ``iqa check`` on CSV files
does not import openpyxl, numpy or networkx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl.utils.cell import coordinate_to_tuple as ox_tuple, get_column_letter as ox_letter

from graph.xlsx_reader import coordinate_to_tuple, get_column_letter

ROOT = Path(__file__).resolve().parents[2]


def test_every_column_letter():
    assert [get_column_letter(i) for i in range(1, 18279)] == [ox_letter(i) for i in range(1, 18279)]
    for bad in (0, -1, 18279):
        with pytest.raises(ValueError):
            get_column_letter(bad)


@pytest.mark.parametrize("ref", ["A1", "B12", "Z9", "AA10", "az3", "XFD1048576", "ZZZ1"])
def test_coordinates(ref):
    assert coordinate_to_tuple(ref) == ox_tuple(ref)


@pytest.mark.parametrize("ref", ["", "A", "12", "$A$1", "A1B", "AAAA1"])
def test_bad_coordinates(ref):
    with pytest.raises(ValueError):
        coordinate_to_tuple(ref)


def test_csv_check_imports_neither_openpyxl_nor_networkx(tmp_path):
    (tmp_path / "规划.csv").write_text("编号,名称,层级\nGH1,学院发展规划,一级\n", encoding="utf-8")
    (tmp_path / "目标.csv").write_text("编号,名称,层面,上级目标,所属规划\nT1,目标一,学校,,GH1\n", encoding="utf-8")
    code = ("import sys\nfrom cli.main import app\n"
            "try:\n    app(['check', sys.argv[1], '--format', 'json', '--exit-zero'])\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "print(sorted(m for m in ('openpyxl', 'numpy', 'networkx') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert '"findings"' in done.stdout
