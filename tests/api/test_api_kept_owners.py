"""The owner and trace routes share owner answers kept for the current state of the store
(``graph.services.ownership.KeptOwners`` as a memo of the app's store): a repeated question reads
no owner from the store, and every write drops them — the next answer shows the new owner."""

from __future__ import annotations

from api_helpers import API, auth

EDGE = f"{API}/edges"


def owner(client, node_id: str) -> dict:
    response = client.get(f"{API}/indicators/{node_id}/owner")
    assert response.status_code == 200, response.text
    return response.json()


def test_a_write_drops_the_kept_owners(client):
    before = owner(client, "Task:RW-0001")
    assert before["owner"]["person"]["id"] == "Person:T0020"
    trace = client.get(f"{API}/trace/Task:RW-0001", params={"direction": "up", "depth": 0}).json()
    assert trace["owner"]["person"]["id"] == "Person:T0020"
    assert owner(client, "Task:RW-0001") == before  # kept (same answer)
    gone = client.delete(EDGE, params={"source": "Task:RW-0001", "type": "assigned_to", "target": "Person:T0020"},
                         headers=auth("editor"))
    assert gone.status_code == 204, gone.text
    made = client.put(EDGE, params={"source": "Task:RW-0001", "type": "assigned_to", "target": "Person:T0110"},
                      headers=auth("editor"))
    assert made.status_code == 201, made.text
    after = owner(client, "Task:RW-0001")
    assert after["owner"]["person"]["id"] == "Person:T0110"
    assert {"from": "Task:RW-0001", "edge": "assigned_to", "to": "Person:T0110"} in after["chain"]
    trace = client.get(f"{API}/trace/Task:RW-0001", params={"direction": "up", "depth": 0}).json()
    assert trace["owner"]["person"]["id"] == "Person:T0110"


def test_owner_answers_are_kept_between_requests(client):
    iqa = client.app.state.iqa
    first = owner(client, "Task:RW-0002")
    tree = client.get(f"{API}/trace/Target:MB-S01", params={"depth": 2}).json()
    with iqa.store.reading():
        kept = iqa.store.memo("owner-answers", lambda: None)
    assert kept is not None and len(kept) > 1  # the owner route's and the trace's answers
    reads = []
    real = iqa.store.inner.traverse

    def traverse(*args, **kwargs):
        reads.append(args)
        return real(*args, **kwargs)

    iqa.store.inner.traverse = traverse
    try:
        assert owner(client, "Task:RW-0002") == first
        reads.clear()  # (resolving the id may read; the owner answer must not)
        assert owner(client, "Task:RW-0002") == first and not reads
        again = client.get(f"{API}/trace/Target:MB-S01", params={"depth": 2}).json()
        assert again == tree
        assert not reads  # the chain is read by neighbor_pages; every owner shown was kept
    finally:
        del iqa.store.inner.traverse
