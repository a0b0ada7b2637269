"""The :class:`LoadReport` a load returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from graph.errors import Problem
from ingest.changes import LoadChanges


@dataclass(frozen=True)
class Note:
    """One normalisation of the input, for the office to check: where (``file sheet!row:column``),
    what was ``read`` there and what was ``stored`` (or done) instead."""

    location: str
    read: str
    stored: str

    def __str__(self) -> str:
        return f"{self.location}: {self.read} → {self.stored}"


@dataclass
class SheetCount:
    """Rows of one sheet of one file: ``rows`` read (non-empty), ``skipped`` of them (partial loads)."""

    file: str
    sheet: str
    rows: int
    skipped: int = 0


@dataclass
class LoadReport:
    """What a load did.

    ``files``: files read, as given. ``sheets``: per-sheet row counts. ``nodes_loaded`` /
    ``edges_loaded``: nodes and edges the input defines; ``nodes_written`` (of which
    ``nodes_created`` are new) / ``edges_written``: those that were new or changed and so written;
    ``edges_removed``: store edges a re-loaded row no longer states (e.g. a moved parent).
    Loading the same input twice writes 0 nodes and 0 edges the second time. ``warnings``: skipped
    sheets, unknown columns, people known by name only. ``problems`` and ``skipped_rows``: why and
    which rows a partial load skipped (``file sheet!row``). ``dropped``: cells a partial load left
    out of a row it kept (a bad optional cell), with the reason. ``normalised``: every value stored
    otherwise than written (a threshold's comparison, a period, a name, a merged cell, a title row
    …) as :class:`Note`. ``dry_run``: nothing was written; ``changes`` then says what the load
    would change (``ingest.changes.LoadChanges``; None after a real load).
    """

    files: list[str] = field(default_factory=list)
    sheets: list[SheetCount] = field(default_factory=list)
    nodes_loaded: int = 0
    nodes_written: int = 0
    nodes_created: int = 0
    edges_loaded: int = 0
    edges_written: int = 0
    edges_removed: int = 0
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[str] = field(default_factory=list)
    partial: bool = False
    dropped: list[Problem] = field(default_factory=list)
    normalised: list[Note] = field(default_factory=list)
    dry_run: bool = False
    changes: LoadChanges | None = None

    @property
    def rows(self) -> int:
        """Rows read over all sheets."""
        return sum(s.rows for s in self.sheets)

    def to_dict(self) -> dict:
        """A JSON-ready dict; problems and dropped cells as ``{"location", "reason"}``, normalisations
        as ``{"location", "read", "stored"}``."""
        d = asdict(self)
        d["problems"] = [{"location": p.location, "reason": p.reason} for p in self.problems]
        d["dropped"] = [{"location": p.location, "reason": p.reason} for p in self.dropped]
        d["rows"] = self.rows
        d["changes"] = self.changes.to_dict() if self.changes is not None else None
        return d
