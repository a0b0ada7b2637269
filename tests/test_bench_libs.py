"""bench/bench_libs.py runs once at a small size: every swap prints its before/after line, the
xlsx reader agrees with openpyxl on every row and "did you mean" finds as close a match."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_libs.py"


@pytest.mark.slow
def test_bench_libs_runs_at_a_small_size(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = importlib.util.spec_from_file_location("bench_libs", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--students", "100", "--teachers", "10", "--probes", "3", "--seconds", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "; 0 rows differ" in out
    assert "best match as close in 3/3" in out
    for what in ("read raw, openpyxl read-only -> python-calamine", "did you mean", "check report encode",
                 "largest trace down encode", "property rows: json.loads -> orjson.loads", "/health while unknown ids"):
        assert what in out, out
