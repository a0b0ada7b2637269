"""``/checks`` and ``/diagnosis`` answer from the result kept by the core object, and an edit
through the API drops it: the next answer is what a fresh run gives."""

from __future__ import annotations

from api_helpers import API, auth

from graph.services.paging import paged, paged_diagnosis
from graph.services.search import check_report
from graph.services.diagnosis import diagnose

ED = auth("editor")
AS_OF = "2025-12-31"


def _fresh_checks(store, **kw):
    import datetime as dt

    return check_report(store, as_of=dt.date.fromisoformat(AS_OF), **kw).to_dict()


def test_pages_come_from_one_run_and_an_edit_is_seen_at_once(client, store):
    iqa = client.app.state.iqa
    first = client.get(f"{API}/checks", params={"as_of": AS_OF, "limit": 5}).json()
    assert first == paged(_fresh_checks(store), "findings", 5, 0)
    runs = iqa.results.misses
    later = client.get(f"{API}/checks", params={"as_of": AS_OF, "limit": 5, "offset": 5}).json()
    errors = client.get(f"{API}/checks", params={"as_of": AS_OF, "severity": "error", "limit": 3}).json()
    assert iqa.results.misses == runs  # no other run for a later page or a filter
    assert later == paged(_fresh_checks(store), "findings", 5, 5)
    assert errors == paged(_fresh_checks(store, severity="error"), "findings", 3, 0)

    # a task with no deadline left gives a finding it did not give before (TK001 or the like)
    before = {(f["rule"], f["node"]) for f in _fresh_checks(store)["findings"]}
    r = client.patch(f"{API}/nodes/Task:RW-0001", json={"props": {"deadline": None}}, headers=ED)
    assert r.status_code == 200
    after = client.get(f"{API}/checks", params={"as_of": AS_OF, "limit": 10_000}).json()
    assert after == paged(_fresh_checks(store), "findings", 10_000, 0)
    assert {(f["rule"], f["node"]) for f in after["findings"]} != before


def test_diagnosis_pages_and_units_come_from_one_diagnosis(client, store):
    import datetime as dt

    iqa = client.app.state.iqa
    day = dt.date.fromisoformat(AS_OF)
    whole = client.get(f"{API}/diagnosis", params={"as_of": AS_OF, "limit": 4}).json()
    assert whole == paged_diagnosis(diagnose(store, as_of=day, rule_config=iqa.rules).to_dict(), 4, 0)
    runs = iqa.diagnoses.misses
    unit = client.get(f"{API}/diagnosis", params={"as_of": AS_OF, "unit": "XB01", "limit": 4, "offset": 2}).json()
    card = client.get(f"{API}/units/OrgUnit:XB01/scorecard", params={"as_of": AS_OF}).json()
    assert iqa.diagnoses.misses == runs  # the unit's diagnosis and scorecard were cut from the school's
    fresh = diagnose(store, as_of=day, unit="XB01", rule_config=iqa.rules).to_dict()
    assert unit == paged_diagnosis(fresh, 4, 2) and card == fresh["scorecards"][0]
