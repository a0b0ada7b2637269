"""Bulk work without Python's cyclic garbage collector running in the middle of it.

A load, a full check or a whole-graph result (diagnosis) allocates hundreds of thousands of
objects that live until it ends; each allocation burst triggers collections that walk every tracked
object again (on a 10,000-row load about a quarter of the CPU time, and seconds per pass once
millions of objects are held — with every thread of the API held meanwhile). The work creates
almost no reference cycles, so nothing is gained by collecting during it. Work whose result is
kept (the API's result cache) also asks for what is alive afterwards to be frozen out of the
collector's generations (``gc.freeze``), so later passes do not walk it again.

Environment ``IQA_GC_PAUSE=0`` (or the older name ``IQA_GC_FREEZE=0``) turns pausing and freezing
off, to compare (bench/bench_scale_ui.py).
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Whether :func:`gc_paused` pauses (and freezes) at all; see the module docstring.
ENABLED = os.environ.get("IQA_GC_PAUSE", os.environ.get("IQA_GC_FREEZE", "1")) != "0"

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_freeze = False


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """Disable the cyclic garbage collector for the block and restore its previous state after it.
    Nested and concurrent blocks (threads of the API) share one pause: the collector is enabled
    again when the last block ends, and only if it was enabled before the first began. With
    ``freeze``, when that last block ends everything alive is moved to the permanent generation
    (``gc.freeze``) first. Reference counting still frees everything that is not in a cycle;
    nothing is raised. Does nothing when :data:`ENABLED` is false."""
    global _depth, _was_enabled, _freeze
    if not ENABLED:
        yield
        return
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
        _freeze = _freeze or freeze
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _freeze:
                    gc.freeze()
                    _freeze = False
                if _was_enabled:
                    gc.enable()
