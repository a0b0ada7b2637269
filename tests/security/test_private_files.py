"""New stores, their WAL files and audit trails are readable by their owner only (they hold staff
names with 工号 and before/after copies of person records)."""

from __future__ import annotations

import os
import stat

from graph.model import Node
from graph.services.edit import AuditLog
from graph.stores.embedded import EmbeddedStore


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_store_and_its_wal_are_private(tmp_path):
    old = os.umask(0o022)  # the usual umask would make them 0644
    try:
        store = EmbeddedStore(tmp_path / "iqa.sqlite")
        store.upsert_nodes([Node("Person", "T0001", {"name": "张三"})])
        files = [p for p in tmp_path.iterdir() if p.name.startswith("iqa.sqlite")]
        assert {p.name for p in files} >= {"iqa.sqlite", "iqa.sqlite-wal"}
        assert all(_mode(p) == 0o600 for p in files), {p.name: oct(_mode(p)) for p in files}
        store.close()
    finally:
        os.umask(old)


def test_a_new_audit_trail_is_private(tmp_path):
    old = os.umask(0o022)
    try:
        log = AuditLog(tmp_path / "logs" / "iqa.audit.jsonl")
        log.append({"who": "t", "op": "node.put"})
        assert _mode(tmp_path / "logs" / "iqa.audit.jsonl") == 0o600
    finally:
        os.umask(old)


def test_an_existing_file_keeps_the_mode_its_administrator_chose(tmp_path):
    path = tmp_path / "iqa.sqlite"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)
    EmbeddedStore(path).close()
    assert _mode(path) == 0o640
