"""bench/bench_scale_ui.py runs once at a small size, as CI runs every bench: it must run to the end
and print its figures (the figures are the bench's business, not judged here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_scale_ui.py"


@pytest.mark.slow
def test_bench_scale_ui_runs_on_a_small_grown_demo(capsys, clean_env):
    spec = importlib.util.spec_from_file_location("bench_scale_ui", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale_ui"] = module
    spec.loader.exec_module(module)
    figures = module.main(["--students", "100"])
    out = capsys.readouterr().out
    assert figures["diagnose"]["out_mb"] > 0 and "iqa diagnose --format json" in out
    api = figures["api"]
    assert api["checks first page"] > 0 and len(api["checks later pages"]) == 4
    assert len(api["diagnosis at other thresholds"]) == 2 and "diagnosis at other thresholds" in out
    assert api["owner beside"][3] > 0 and "owner beside" in out
    assert set(figures["ui"]) == {"overview", "checks", "diagnosis"} and "UI diagnosis: first" in out


@pytest.mark.slow
def test_bench_scale_ui_times_chosen_pages_with_cpu(capsys, clean_env):
    spec = importlib.util.spec_from_file_location("bench_scale_ui", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale_ui"] = module
    spec.loader.exec_module(module)
    figures = module.main(["--students", "50", "--skip-api", "--skip-diagnose", "--pages", "overview"])
    out = capsys.readouterr().out
    assert set(figures["ui"]) == {"overview"} and "UI overview: first" in out and "s CPU)" in out
    first, second, first_cpu, second_cpu = figures["ui"]["overview"]
    assert first > 0 and first_cpu > 0 and second_cpu >= 0
    with pytest.raises(SystemExit):
        module.main(["--students", "10", "--skip-api", "--skip-diagnose", "--pages", "nosuchpage"])
