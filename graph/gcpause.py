"""Bulk work without Python's cyclic garbage collector running in the middle of it.

A load or a full check allocates hundreds of thousands of objects that live until it ends; each
allocation burst triggers collections that walk every tracked object again (on a 10,000-row load
about a quarter of the CPU time, and seconds per pass once millions of objects are held). The work
creates almost no reference cycles, so nothing is gained by collecting during it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector for the block and restore its previous state after it.
    Nested and concurrent blocks (threads of the API) share one pause: the collector is enabled
    again when the last block ends, and only if it was enabled before the first began. Reference
    counting still frees everything that is not in a cycle; nothing is raised."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
