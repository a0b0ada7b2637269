"""Files that hold personal data (the store: names and 工号 of staff; the audit trail: before/after
copies of person records) are created readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path

#: Owner read/write, nobody else (SQLite gives its -wal and -shm files the database's permissions).
PRIVATE_MODE = 0o600


def private_file(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` empty with mode 0600 when it does not exist yet (an existing file keeps its
    mode: the administrator's choice). Returns the path. Raises OSError when it cannot be created."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return path
    os.close(fd)
    return path
