"""The one default check date (as-of date) of every interface: CLI ``iqa check`` / ``diagnose`` /
``demo``, the API's ``as_of`` parameters and the UI's date fields all fall back to
:func:`default_as_of` when none is given, and show the date they used."""

from __future__ import annotations

import datetime as dt


def default_as_of() -> dt.date:
    """Today, on this machine's calendar: the date deadlines, statuses and measurements are judged
    at when no ``as_of`` is given."""
    return dt.date.today()


def as_of_or_default(as_of: dt.date | None) -> dt.date:
    """``as_of``, or :func:`default_as_of` when it is None."""
    return default_as_of() if as_of is None else as_of
