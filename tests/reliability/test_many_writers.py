"""One store, many writers: a process sees what another committed, a write based on a version read
before another's change is refused (409), and ordinary faults of the store (locked, read-only,
full) are one-line refusals that change nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from ingest_helpers import college, snapshot, write_xlsx
from typer.testing import CliRunner

import graph.stores.embedded as embedded
from api.main import create_app
from api_helpers import API, ENTRIES, auth
from cli.main import app as cli
from graph.errors import StoreBusyError, StoreFullError, StoreReadOnlyError
from graph.model import Node
from graph.services.edit import AuditLog, Editor, VersionConflictError, concurrent, node_version
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from ingest import load_paths

ROOT = Path(__file__).resolve().parents[2]
NODE = "OrgUnit:D01"


@pytest.fixture
def path(tmp_path):
    write_xlsx(tmp_path / "base.xlsx", college())
    p = tmp_path / "s.sqlite"
    with EmbeddedStore(p) as store:
        load_paths(store, [tmp_path / "base.xlsx"])
    return p


def test_a_store_sees_what_another_store_on_the_same_file_committed(path):
    a, b = concurrent(EmbeddedStore(path)), EmbeddedStore(path)
    b.upsert_nodes([Node("OrgUnit", "D01", {"name": "教务处（新）", "type": "functional_office"})])
    with a.reading() as store:
        assert store.get_node(NODE).props["name"] == "教务处（新）"
    a.close(), b.close()


def test_a_write_based_on_a_version_read_before_another_process_wrote_is_refused(path):
    a, b = EmbeddedStore(path), EmbeddedStore(path)
    editor = Editor(a, AuditLog(None))
    with editor.store.reading() as store:
        seen = node_version(store.get_node(NODE))
    b.upsert_nodes([Node("OrgUnit", "D01", {"name": "改名", "type": "functional_office"})])
    with pytest.raises(VersionConflictError):
        editor.patch_node(NODE, {"name": "我的修改"}, who="t", if_match=f'"{seen}"')
    assert EmbeddedStore(path).get_node(NODE).props["name"] == "改名"
    # without If-Match the patch merges into what the other process wrote, never reverting it
    editor.patch_node(NODE, {"note": "x"}, who="t")
    assert EmbeddedStore(path).get_node(NODE).props == {"name": "改名", "type": "functional_office", "note": "x"}


def test_fifty_concurrent_if_match_increments_over_two_stores_lose_nothing(path):
    EmbeddedStore(path).upsert_nodes([Node("OrgUnit", "C1", {"name": "counter", "count": 0})])
    editors = [Editor(EmbeddedStore(path), AuditLog(None)) for _ in range(2)]
    conflicts = []

    def bump(editor):
        while True:
            with editor.store.reading() as store:
                node = store.get_node("OrgUnit:C1")
            try:
                editor.patch_node("OrgUnit:C1", {"count": node.props["count"] + 1}, who="t",
                                  if_match=f'"{node_version(node)}"')
                return
            except VersionConflictError:
                conflicts.append(1)

    threads = [threading.Thread(target=bump, args=(editors[i % 2],)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert EmbeddedStore(path).get_node("OrgUnit:C1").props["count"] == 50
    assert conflicts  # the versions were really contended


def test_a_locked_store_is_a_busy_refusal_503_with_retry_after_and_exit_3(path, monkeypatch):
    monkeypatch.setattr(embedded, "BUSY_TIMEOUT", 0.2)
    before = snapshot(EmbeddedStore(path))
    holder = EmbeddedStore(path)
    store = EmbeddedStore(path)
    with holder.transaction():
        holder.upsert_nodes([Node("OrgUnit", "H1", {"name": "held"})])
        with pytest.raises(StoreBusyError, match="locked by another process"):
            store.upsert_nodes([Node("OrgUnit", "X1", {"name": "x"})])
        app = create_app(Settings(store=str(path), api_tokens=ENTRIES), store)
        with TestClient(app, base_url="http://127.0.0.1") as client:
            r = client.patch(f"{API}/nodes/{NODE}", json={"props": {"name": "y"}}, headers=auth("editor"))
            assert r.status_code == 503 and r.headers["Retry-After"].isdigit(), r.text
            assert r.json()["type"].endswith("store-busy")
            assert client.get(f"{API}/nodes/{NODE}", headers=auth("reader")).status_code == 200  # reads go on
        result = CliRunner().invoke(cli, ["--store", str(path), "load", str(path.parent / "base.xlsx")])
        assert result.exit_code == 3, result.output
        assert "database is locked" in result.output and "Traceback" not in result.output
    nodes, edges = snapshot(EmbeddedStore(path))
    assert (sorted(set(nodes) - set(before[0])), edges) == ([("OrgUnit:H1", '{"name": "held"}')], before[1])
    assert EmbeddedStore(path).get_node("OrgUnit:X1") is None


def test_a_full_store_is_refused_and_stays_intact(path):
    store = EmbeddedStore(path)
    before = snapshot(store)
    store._db.execute(f"PRAGMA max_page_count={store._db.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(StoreFullError, match="disk is full"):
        store.upsert_nodes([Node("OrgUnit", f"F{i}", {"name": "满" * 500}) for i in range(300)])
    assert snapshot(store) == before
    assert snapshot(EmbeddedStore(path)) == before


def test_a_read_only_store_can_be_read_and_refuses_writes(path, monkeypatch):
    monkeypatch.setattr(embedded, "_writable", lambda p: False)  # as for a file this user cannot write
    store = EmbeddedStore(path)
    assert store.read_only and store.get_node(NODE) is not None
    with pytest.raises(StoreReadOnlyError, match="read-only"):
        store.upsert_nodes([Node("OrgUnit", "X1", {"name": "x"})])
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(path), "owner", "D01", "--format", "json"]).exit_code == 0
    result = runner.invoke(cli, ["--store", str(path), "load", str(path.parent / "base.xlsx")])
    assert result.exit_code == 4 and "read-only" in result.output, result.output
    app = create_app(Settings(store=str(path), api_tokens=ENTRIES), store)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get(f"{API}/nodes/{NODE}", headers=auth("reader")).status_code == 200
        r = client.patch(f"{API}/nodes/{NODE}", json={"props": {"name": "y"}}, headers=auth("editor"))
        assert r.status_code == 503 and "Retry-After" in r.headers


def _without_root_privileges() -> list[str]:
    """The command prefix that runs a child without the capabilities that let root write any file
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so file permissions bind it as they bind a user; [] for
    a user who is not root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test file permissions as root"
    drop = "-dac_override,-dac_read_search"
    return [setpriv, "--bounding-set", drop, "--inh-caps", drop]


def test_a_store_file_without_write_permission_opens_read_only(path):
    """A store file its user may only read opens read-only: reads answer, a write is refused (the
    permissions are real: as root the child runs without the capabilities that bypass them)."""
    probe = (
        "import sys\n"
        "from graph.errors import StoreReadOnlyError\n"
        "from graph.model import Node\n"
        "from graph.stores.embedded import EmbeddedStore\n"
        "store = EmbeddedStore(sys.argv[1])\n"
        "assert store.read_only and store.get_node(sys.argv[2]) is not None\n"
        "try:\n"
        "    store.upsert_nodes([Node('OrgUnit', 'X1', {'name': 'x'})])\n"
        "except StoreReadOnlyError:\n"
        "    print('refused')\n"
    )
    before = path.read_bytes()
    os.chmod(path, 0o400)
    try:
        done = subprocess.run([*_without_root_privileges(), sys.executable, "-c", probe, str(path), NODE],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        os.chmod(path, 0o600)
    assert done.returncode == 0 and done.stdout.strip() == "refused", done.stdout + done.stderr
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------- a second process
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.e2e
def test_iqa_serve_sees_an_iqa_load_made_meanwhile_and_refuses_a_stale_if_match(path, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["IQA_API_TOKENS"] = "[" + ENTRIES[1].model_dump_json() + "]"
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "--store", str(path), "serve", "--port", str(port)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base, headers = f"http://127.0.0.1:{port}{API}", auth("editor")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "the server did not come up"
            time.sleep(0.2)
        first = httpx.get(f"{base}/nodes/{NODE}", headers=headers)
        assert first.json()["props"]["name"] == "教务处"
        sheets = college()
        sheets["部门"][2][1] = "教务处（CLI）"
        write_xlsx(tmp_path / "change.xlsx", {"部门": sheets["部门"]})
        done = subprocess.run([sys.executable, "-m", "cli.main", "--store", str(path), "load", "change.xlsx"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        now = httpx.get(f"{base}/nodes/{NODE}", headers=headers)
        assert now.json()["props"]["name"] == "教务处（CLI）"
        assert now.headers["ETag"] != first.headers["ETag"]
        stale = httpx.patch(f"{base}/nodes/{NODE}", json={"props": {"name": "旧版本上的修改"}},
                            headers={**headers, "If-Match": first.headers["ETag"]})
        assert stale.status_code == 409, stale.text
        fresh = httpx.patch(f"{base}/nodes/{NODE}", json={"props": {"note": "ok"}},
                            headers={**headers, "If-Match": now.headers["ETag"]})
        assert fresh.status_code == 200 and fresh.json()["props"]["name"] == "教务处（CLI）"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_processes_appending_to_one_audit_trail_never_interleave_lines(tmp_path):
    """Four processes append 40 entries each, every one larger than a write buffer, to the same
    trail at once: every entry reads back whole, none lost, the file stays private."""
    trail = tmp_path / "iqa.audit.jsonl"
    writer = (
        "import sys\n"
        "from graph.services.edit import AuditLog\n"
        "log = AuditLog(sys.argv[1])\n"
        "for i in range(40):\n"
        "    log.append({'op': 'node.patch', 'who': sys.argv[2], 'i': i, 'note': sys.argv[2] * 20000})\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", writer, str(trail), f"w{n}"], cwd=ROOT)
             for n in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    lines = trail.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 160
    entries = AuditLog(trail).entries()
    assert len(entries) == 160  # a cut or interleaved line would not parse
    for who in ("w0", "w1", "w2", "w3"):
        mine = [e for e in entries if e["who"] == who]
        assert [e["i"] for e in mine] == list(range(40))
        assert all(e["note"] == who * 20000 for e in mine)
    assert trail.stat().st_mode & 0o777 == 0o600
