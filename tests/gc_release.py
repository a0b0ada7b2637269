"""Checking that a whole-graph run frees its snapshot by reference counting alone: no reference
cycle may hold it, since the API freezes what is alive after such a run (graph.gcpause) and a
frozen cycle is never collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

import pytest


@contextmanager
def instances_watched(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> Iterator[list[weakref.ref]]:
    """Within the block, ``module.name`` (a class) makes instances that are recorded by weak
    reference in the list yielded, and the cyclic collector is off: an instance still alive after
    the last strong reference to it went is held by a cycle."""
    made: list[weakref.ref] = []
    base = getattr(module, name)

    class Watched(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    monkeypatch.setattr(module, name, Watched)
    was = gc.isenabled()
    gc.disable()
    try:
        yield made
    finally:
        if was:
            gc.enable()
