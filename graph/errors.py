"""One root error type; every user-facing error derives from :class:`IqaError`."""

from __future__ import annotations

from dataclasses import dataclass


class IqaError(Exception):
    """Root of every error iqa-graph raises on purpose; ``str(err)`` is meant for the user."""


class ValidationError(IqaError):
    """A node or edge that the ontology does not allow (unknown kind or edge type, domain/range
    violation, a value outside a controlled vocabulary, an empty code)."""


class NotFoundError(IqaError):
    """An id that names no node. ``suggestions`` holds the closest existing ids (may be empty)."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


class AmbiguousIdError(IqaError):
    """A bare code or a name that matches several nodes; ``candidates`` lists their full ids."""

    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


class StoreError(IqaError):
    """A store that cannot be opened or written (corrupt file, unreachable server, bad URI).
    ``retry_after`` (seconds) is set when trying again later may succeed."""

    retry_after: int | None = None


class StoreBusyError(StoreError):
    """The store is locked by another writer for longer than the wait allows (SQLite's
    "database is locked"); nothing was written. Try again."""

    retry_after = 5


class StoreReadOnlyError(StoreError):
    """The store can be read but not written (a read-only file or folder); nothing was written."""

    retry_after = 60


class StoreFullError(StoreError):
    """The disk (or the store's size limit) is full; nothing was written."""

    retry_after = 60


class ConfigError(IqaError):
    """A configuration file or setting that cannot be used."""


@dataclass(frozen=True)
class Problem:
    """One located input problem: ``location`` like ``demo.xlsx 目标!12:上级目标`` and a reason."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class IngestError(IqaError):
    """Input that cannot be loaded; ``problems`` lists every located problem found."""

    def __init__(self, problems: list[Problem], message: str | None = None):
        self.problems = list(problems)
        head = message or f"{len(self.problems)} problem(s) in the input; nothing was written"
        body = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{head}\n{body}{more}" if self.problems else head)
