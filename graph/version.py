"""The installed package version (the CLI's --version, the API's /health and OpenAPI)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("iqa-graph")
except PackageNotFoundError:  # running from a source tree that was not installed
    VERSION = "0.1.0"
