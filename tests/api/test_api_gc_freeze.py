"""The app's start-up moves what is alive then (modules, the ontology, the routes and their models)
out of the cyclic collector's generations, so a full collection while requests run does not walk it
again (the latency spikes of point questions under load, docs/performance.md), and its shutdown
moves it back; ``IQA_GC_PAUSE=0`` turns it off like the other collector pauses."""

from __future__ import annotations

import gc

from api_helpers import API, ENTRIES
from fastapi.testclient import TestClient

import api.main
from api.main import create_app
from graph import gcpause
from graph.settings import Settings


def test_start_up_freezes_what_is_alive(store, monkeypatch):
    monkeypatch.setattr(gcpause, "ENABLED", True)
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        app = create_app(Settings(api_tokens=ENTRIES), store)
        assert gc.get_freeze_count() == 0  # building the app freezes nothing
        with TestClient(app, base_url="http://127.0.0.1") as client:
            frozen = gc.get_freeze_count()
            assert frozen > 10_000  # the modules, the app and the store's objects at least
            assert client.get(f"{API}/health").status_code == 200
        assert gc.get_freeze_count() == 0  # thawed when the app stopped: collectable again
    finally:
        gc.unfreeze()


def test_no_freeze_when_the_collector_pauses_are_off(store, monkeypatch):
    monkeypatch.setattr(gcpause, "ENABLED", False)
    gc.unfreeze()
    try:
        with TestClient(create_app(Settings(api_tokens=ENTRIES), store), base_url="http://127.0.0.1") as client:
            assert gc.get_freeze_count() == 0
            assert client.get(f"{API}/health").status_code == 200
        api.main.freeze_start_up()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
