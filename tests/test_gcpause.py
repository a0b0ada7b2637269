"""``graph.gcpause.gc_paused``: the collector is off inside, back to its previous state after,
also when blocks nest, overlap across threads, or raise."""

from __future__ import annotations

import gc
import threading

import pytest

from graph.gcpause import gc_paused


@pytest.fixture(autouse=True)
def restore_gc():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_inside_restored_after():
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_left_disabled_when_it_was_disabled():
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_restored_after_an_exception():
    gc.enable()
    with pytest.raises(RuntimeError):
        with gc_paused():
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_overlapping_threads_restore_once_the_last_ends():
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def worker():
        with gc_paused():
            inside.set()
            release.wait(10)

    t = threading.Thread(target=worker)
    with gc_paused():
        t.start()
        assert inside.wait(10)
    assert not gc.isenabled()  # the thread's block has not ended yet
    release.set()
    t.join(10)
    assert gc.isenabled()


def test_a_freeze_asked_inside_happens_when_the_last_block_ends():
    """A result built inside a load's pause is frozen when the outer pause ends, not before (the
    collector is still off meanwhile)."""
    before = gc.get_freeze_count()
    try:
        with gc_paused():
            with gc_paused(freeze=True):
                kept = [object() for _ in range(1000)]  # noqa: F841 - alive when the pause ends
            assert gc.get_freeze_count() == before and not gc.isenabled()
        assert gc.get_freeze_count() > before and gc.isenabled()
    finally:
        gc.unfreeze()
