"""The package version the API reports."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("iqa-graph")
except PackageNotFoundError:  # running from a source tree that was not installed
    VERSION = "0.1.0"
