"""bench/bench_history.py runs (once, on a tiny generated college) and prints its figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_history_bench_runs_at_a_small_size():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_history.py"), "--students", "60",
                           "--teachers", "6", "--repeat", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("college of 60 students:")
    assert any(line.strip().startswith("reload / plain") for line in lines)
