"""``iqa serve --workers N``: on a Neo4j store, several worker processes serve one database and 50
concurrent If-Match patches sent to them lose nothing; ``/health`` names the backend. On the
embedded store, more than one worker is refused with the reason.

The Neo4j test needs a server (``neo4j_uri`` of tests/conftest.py: skipped without one, failed
under CI=true) and starts ``iqa serve`` as a separate process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cli.main import app
from graph.auth import new_token, token_entry
from graph.services.edit import Editor
from graph.stores.neo4j import Neo4jStore

ROOT = Path(__file__).resolve().parents[2]
NODE = "OrgUnit:U-WORKERS"


def test_more_than_one_worker_on_the_embedded_store_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "x.sqlite"), "serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "--workers 2 needs a Neo4j store" in result.output and "iqa push" in result.output
    assert not (tmp_path / "x.sqlite").exists()  # refused before opening anything


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.neo4j
@pytest.mark.slow
def test_two_workers_on_neo4j_lose_no_concurrent_if_match_patch(neo4j_uri, tmp_path):
    with Neo4jStore.from_uri(neo4j_uri) as store:
        store.clear()
        Editor(store).put_node(NODE, {"name": "教务处", "count": 0}, who="setup")
    token = new_token()
    port = _free_port()
    env = {**os.environ, "IQA_API_TOKENS": json.dumps([token_entry("tester", "editor", token).model_dump()]),
           "IQA_AUDIT_LOG": str(tmp_path / "audit.jsonl"), "NEO4J_URI": neo4j_uri,
           # uvicorn counts each kept-alive connection and each running request against
           # api.limit_concurrency (64 by default) in each worker, and the kernel may hand most of
           # the 50 clients to one worker: then it answers 503. This test is about lost updates.
           "IQA_API_LIMIT_CONCURRENCY": "200"}
    log_path = tmp_path / "serve.log"  # a file, not a pipe: a full pipe would stall the server's logging
    log = log_path.open("w")
    server = subprocess.Popen([sys.executable, "-m", "cli.main", "--store", neo4j_uri, "serve", "--port", str(port),
                               "--workers", "2"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = httpx.get(f"{base}/health", timeout=5)
                if health.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.5)
        assert health.json()["backend"] == "neo4j" and health.json()["nodes"] == 1
        headers = {"Authorization": f"Bearer {token}"}
        start = threading.Barrier(50)

        def increment(i: int) -> int:
            start.wait()
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                for attempt in range(500):
                    got = client.get(f"/nodes/{NODE}")
                    r = client.patch(f"/nodes/{NODE}", json={"props": {"count": got.json()["props"]["count"] + 1}},
                                     headers={"If-Match": got.headers["etag"]})
                    if r.status_code == 200:
                        return attempt
                    assert r.status_code in (409, 412), r.text
            raise AssertionError("no attempt succeeded")

        with ThreadPoolExecutor(max_workers=50) as pool:
            list(pool.map(increment, range(50)))
        final = httpx.get(f"{base}/nodes/{NODE}", headers=headers, timeout=30).json()
        assert final["props"]["count"] == 50
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        with Neo4jStore.from_uri(neo4j_uri) as store:
            store.clear()
    output = log_path.read_text()
    assert "2 worker processes" in output
    pids = {line.split("[")[1].split("]")[0] for line in output.splitlines() if "Started server process" in line}
    assert len(pids) == 2, output
