"""kill -9 at random points of a real load (``iqa load`` of a workbook): every time, the store opens
and holds exactly the state before the load or the state after it — never a part of it."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ingest_helpers import college, snapshot, write_csv, write_xlsx

from graph.stores.embedded import EmbeddedStore
from ingest import load_paths

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20


def test_kill_9_at_twenty_random_points_of_a_load_leaves_the_state_before_or_after(tmp_path):
    write_xlsx(tmp_path / "base.xlsx", college())
    tasks = [["编号", "名称", "属性", "对应目标", "牵头部门", "完成时限", "状态"]]
    tasks += [[f"KX{i:05d}", f"任务{i}", "B", "T1", "D01", "2026-06-30", "正常"] for i in range(2500)]
    write_csv(tmp_path / "任务.csv", tasks)
    pristine = tmp_path / "pristine.sqlite"
    with EmbeddedStore(pristine) as store:
        load_paths(store, [tmp_path / "base.xlsx"])
        before = snapshot(store)
    with EmbeddedStore(None) as scratch:
        load_paths(scratch, [tmp_path / "base.xlsx"])
        load_paths(scratch, [tmp_path / "任务.csv"])
        after = snapshot(scratch)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    # How long a whole load takes here, so the kills spread over all of it.
    started = time.monotonic()
    shutil.copy(pristine, tmp_path / "timing.sqlite")
    subprocess.run([sys.executable, "-m", "cli.main", "--store", "timing.sqlite", "load", "任务.csv"],
                   cwd=tmp_path, env=env, check=True, capture_output=True, timeout=300)
    whole = time.monotonic() - started
    rng = random.Random(11)
    outcomes = []
    for i in range(KILLS):
        store_path = tmp_path / f"k{i}.sqlite"
        shutil.copy(pristine, store_path)
        child = subprocess.Popen([sys.executable, "-m", "cli.main", "--store", store_path.name, "load", "任务.csv"],
                                 cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1, whole * 1.05))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        with EmbeddedStore(store_path) as reopened:
            state = snapshot(reopened)
        assert state in (before, after), f"kill {i}: the store holds a part of the load"
        outcomes.append("after" if state == after else "before")
    assert "before" in outcomes  # the kills did land during loads
