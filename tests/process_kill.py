"""Killing a child process in the middle of a write (SIGKILL: no chance to clean up), for the tests
that check a store file is left as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def kill_while_writing(child_code: str, path: Path) -> None:
    """Run ``child_code`` (Python, given ``path`` as ``sys.argv[1]``, the repository on its path)
    until it prints ``writing``, then SIGKILL it. AssertionError when it printed something else or
    ended otherwise than killed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", child_code, str(path)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
