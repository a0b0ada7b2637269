"""Pages of long answers: the one ``limit`` / ``offset`` / ``total`` convention of every list the
API returns (``/nodes``, ``/checks``, ``/diagnosis``, ``/impact``, ``/owners/{id}/items`` and the
children in ``/trace``).

A paged answer keeps its fields and gains ``"total"`` (items in all), ``"limit"`` and ``"offset"``
(as asked); its list holds items ``offset`` … ``offset + limit - 1`` in the list's stable order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

#: Items per page when the caller gives no ``limit``: keeps an answer bounded (a few hundred kB), as /nodes.
DEFAULT_LIMIT = 50
#: The largest page a caller may ask for.
MAX_LIMIT = 10_000

T = TypeVar("T")


def page_of(items: Sequence[T], limit: int | None, offset: int = 0) -> list[T]:
    """Items ``offset`` … ``offset + limit - 1`` of ``items`` (all from ``offset`` when ``limit``
    is None). Raises ValueError for a negative ``limit`` or ``offset``."""
    if offset < 0 or (limit is not None and limit < 0):
        raise ValueError(f"limit and offset must be >= 0, not {limit!r} / {offset!r}")
    return list(items[offset:] if limit is None else items[offset:offset + limit])


def paged(answer: dict[str, Any], key: str, limit: int | None, offset: int = 0) -> dict[str, Any]:
    """``answer`` with its list ``answer[key]`` cut to one page and ``total`` / ``limit`` /
    ``offset`` added (a new dict; ``answer`` is not changed). ``total`` counts the whole list."""
    items = answer[key]
    return {**answer, key: page_of(items, limit, offset), "total": len(items), "limit": limit, "offset": offset}


#: The long lists of a diagnosis (``Diagnosis.to_dict()``) that a page cuts, as key paths.
DIAGNOSIS_LISTS = (("warnings",), ("absorbed",), ("tasks",), ("assessment", "after", "targets"))


def paged_diagnosis(diagnosis: dict[str, Any], limit: int | None, offset: int = 0) -> dict[str, Any]:
    """A diagnosis with each of its long lists (``warnings``, ``absorbed``, ``tasks``,
    ``assessment.after.targets``) cut to the same page; ``total`` counts the warnings (the main
    list), ``totals`` each list by its last key. Summaries, scorecards and indicators are kept whole
    (they are per unit or per key indicator, so short). ``diagnosis`` is not changed."""
    out = dict(diagnosis)
    totals: dict[str, int] = {}
    for path in DIAGNOSIS_LISTS:
        holder = out
        for key in path[:-1]:  # copy the nested dicts on the way so the input stays whole
            holder[key] = dict(holder[key])
            holder = holder[key]
        items = holder[path[-1]]
        totals[path[-1]] = len(items)
        holder[path[-1]] = page_of(items, limit, offset)
    out.update(total=totals["warnings"], totals=totals, limit=limit, offset=offset)
    return out
