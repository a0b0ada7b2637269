"""Rewrite the golden files from the current code: ``python tests/golden/regenerate.py``.

Run it only when an answer changes on purpose; the test (test_golden.py) compares the CLI's JSON
on a freshly built demo store with these files.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from typer.testing import CliRunner  # noqa: E402

from cases import AS_OF, CASES  # noqa: E402
from cli.main import app  # noqa: E402


def main() -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "demo.sqlite")
        runner.invoke(app, ["--store", store, "demo", "--as-of", AS_OF], catch_exceptions=False)
        for stem, args in CASES:
            result = runner.invoke(app, ["--store", store, *args], catch_exceptions=False)
            (HERE / f"{stem}.json.gz").write_bytes(gzip.compress(result.stdout.encode("utf-8"), mtime=0))
            print(stem, result.exit_code, len(result.stdout))


if __name__ == "__main__":
    main()
