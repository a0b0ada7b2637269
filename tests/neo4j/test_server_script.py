"""``.ci/neo4j-server`` refuses what it cannot do, quickly and with the reason (the start and stop of a
real server are exercised by the ``neo4j_server`` fixture of tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "neo4j-server"
BASH = shutil.which("bash")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([BASH, str(SCRIPT), *args], capture_output=True, text=True, timeout=60,
                          env=env if env is not None else dict(os.environ), stdin=subprocess.DEVNULL)


def test_the_script_is_executable():
    assert os.access(SCRIPT, os.X_OK)


def test_usage_errors_exit_2():
    for args in ((), ("start",), ("start", "d"), ("stop",), ("restart", "d")):
        done = run(*args)
        assert done.returncode == 2 and "usage:" in done.stderr, args


def test_a_bad_port_is_refused(tmp_path):
    for port in ("0", "65536", "http"):
        done = run("start", str(tmp_path), port)
        assert done.returncode == 1 and "PORT must be a number" in done.stderr
    assert not (tmp_path / "neo4j.pid").exists()


def test_missing_java_is_named(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "mkdir", "cat", "tr", "grep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    done = run("start", str(tmp_path / "data"), "7687", env={"PATH": str(bin_dir)})
    assert done.returncode == 1 and "no java on PATH" in done.stderr


def test_a_taken_port_is_refused_before_anything_starts(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run("start", str(tmp_path), str(port))
    assert done.returncode == 1
    if shutil.which("java") and shutil.which("mvn"):  # without them the script stops earlier (see above)
        assert f"port {port} on 127.0.0.1 is already taken" in done.stderr
    assert not (tmp_path / "neo4j.pid").exists()


def test_stop_without_a_server_says_so(tmp_path):
    done = run("stop", str(tmp_path))
    assert done.returncode == 0 and "no server running" in done.stderr
    done = run("stop", str(tmp_path / "missing"))
    assert done.returncode == 1 and "no directory" in done.stderr
