"""Care measures: non-emergencies without an emergency unit, follow-ups on time, repeat callers, callbacks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import Api


def test_care_measures_count_what_happened(api: Api) -> None:
    empty = api.get("supervisor", "/care/measures").json()
    assert empty["follow_ups_on_time"]["share"] is None and empty["callbacks_answered"]["attempts"] == 0
    now = datetime.now(UTC)
    for days in (20, 10, 5, 1, 0):  # five calls in 30 days from one number: the last is a repeat call
        r = api.post("call_taker", "/calls", {"caller_number": "415-555-0150", "received_at": (now - timedelta(days=days)).isoformat()})
        assert r.status_code == 201
    lonely = api.post("call_taker", "/incidents", {"incident_type": "NONEMERG", "priority": "P5",
                                                   "location": {"lat": 37.7765, "lon": -122.4260}}).json()["id"]
    sirens = api.post("call_taker", "/incidents", {"incident_type": "NONEMERG", "priority": "P5",
                                                   "location": {"lat": 37.7793, "lon": -122.4040}}).json()["id"]
    assert api.post("dispatcher", f"/incidents/{lonely}/dispatch", {"units": ["PA01"]}).status_code == 200  # a patrol visit
    assert api.post("dispatcher", f"/incidents/{sirens}/dispatch", {"units": ["E01"]}).status_code == 200  # an engine
    done = api.post("outreach", "/follow-ups", {"kind": "school_visit", "incident_id": lonely}).json()["id"]
    api.post("outreach", "/follow-ups", {"kind": "callback", "incident_id": sirens})
    assert api.patch("outreach", f"/follow-ups/{done}", {"status": "done"}).status_code == 200
    silent = api.post("call_taker", "/calls", {"caller_number": "415-555-0151"}).json()["id"]
    api.post("call_taker", f"/calls/{silent}/callback-attempts", {"result": "no_answer"})
    api.post("call_taker", f"/calls/{silent}/callback-attempts", {"result": "answered_accidental"})

    m = api.get("analyst", "/care/measures?days=90").json()
    assert m["non_emergency_without_emergency_unit"] == {"share": 0.5, "incidents": 2}
    assert m["follow_ups_on_time"]["done_on_time"] == 1 and m["follow_ups_on_time"]["open"] == 1
    assert m["follow_ups_on_time"]["share"] == 1.0  # the open callback is not yet due
    assert m["repeat_caller_share"]["calls_with_number"] == 6 and m["repeat_caller_share"]["share"] == round(1 / 6, 4)
    assert m["callbacks_answered"] == {"share": 0.5, "attempts": 2}
    assert api.get("call_taker", "/care/measures").status_code == 403
    assert api.get("supervisor", "/care/measures?days=0").status_code == 422
