"""The API on a real server: ``iqa serve`` on the demo store answers the owner of every indicator,
and an oversized chunked upload is cut off while it streams (not read whole first). Traffic goes
to 127.0.0.1 only."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from api_helpers import API, ENTRIES, TOKENS, demo_store

from api.main import create_app
from graph.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, proc: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the server exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(f"{base}{API}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{base} did not come up in {timeout} s")


def test_iqa_serve_answers_the_owner_of_every_indicator_of_the_demo_college(tmp_path):
    store_path = tmp_path / "demo.sqlite"
    store = demo_store(store_path)
    indicators = [n.id for n in store.iter_nodes("Indicator")]
    store.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["IQA_API_TOKENS"] = "[" + ENTRIES[1].model_dump_json() + "]"  # the editor token
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "--store", str(store_path), "serve", "--port", str(port)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc)
        with httpx.Client(base_url=base, timeout=30) as http:
            for nid in indicators:  # bound to 127.0.0.1: anonymous reads allowed by default
                r = http.get(f"{API}/indicators/{nid}/owner")
                assert r.status_code == 200, (nid, r.text)
                assert r.json()["node"] == nid and set(r.json()["owner"]) == {"person", "post", "unit"}
            assert http.patch(f"{API}/nodes/{indicators[0]}", json={"props": {"note": "x"}}).status_code == 401
            r = http.patch(f"{API}/nodes/{indicators[0]}", json={"props": {"note": "经由 iqa serve"}},
                           headers={"Authorization": f"Bearer {TOKENS['editor']}"})
            assert r.status_code == 200
            assert http.get(f"{API}/docs").status_code == 200
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "iqa-graph API on http://127.0.0.1" in out
    assert (tmp_path / "demo.audit.jsonl").is_file()


@pytest.fixture
def live_server(store):
    """``(base_url, app)``: the app on uvicorn in a thread on 127.0.0.1, upload limit 64 KB."""
    app = create_app(Settings(api_tokens=ENTRIES, api_max_upload_mb=0.0625), store)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base)
    yield base, port
    server.should_exit = True
    thread.join(timeout=10)


def test_an_oversized_chunked_upload_is_cut_off_while_it_streams(live_server):
    base, port = live_server
    limit = 64 * 1024
    chunk = b"x" * 4096
    sent = 0
    response = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall((f"POST {API}/load HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKENS['editor']}\r\n"
                      "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
        head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
        sock.sendall(f"{len(head):x}\r\n".encode() + head + b"\r\n")
        try:
            while sent < 50 * 1024 * 1024:  # would be 50 MB if the server kept reading
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    response = sock.recv(65536)
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        if not response:
            sock.settimeout(10)
            try:
                response = sock.recv(65536)
            except OSError:
                response = b""
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert b"application/problem+json" in response
    assert sent < limit + 8 * 1024 * 1024, sent  # cut off near the limit (socket buffers aside), not at 50 MB


def test_a_declared_oversized_body_is_refused_before_it_is_sent(live_server):
    _, port = live_server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall((f"POST {API}/load HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKENS['editor']}\r\n"
                      "Content-Type: multipart/form-data; boundary=b\r\n"
                      f"Content-Length: {100 * 1024 * 1024}\r\n\r\n").encode())  # and no body at all
        response = sock.recv(65536)
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert b"application/problem+json" in response
