"""Caller history on a new call: prior calls, the care-plan note, repeat callers; every read is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import Api

NUMBER = "415-555-0142"


def _call(api: Api, days_ago: float, narrative: str = "", number: str = NUMBER) -> str:
    at = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    r = api.post("call_taker", "/calls", {"caller_number": number, "received_at": at, "narrative": narrative,
                                          "location": {"lat": 37.7765, "lon": -122.4260, "address": "1412 Fell St"}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_a_repeat_caller_is_flagged_and_the_care_note_is_shown(api: Api) -> None:
    for days in (120, 20, 10, 5, 1):  # the first is outside the 90-day window
        _call(api, days, "hi I'm six and I want a friend")
    _call(api, 2, "someone else at the same address", number="415-555-0000")
    now = _call(api, 0, "hi it's me again")
    first = api.get("call_taker", f"/calls/{now}/history").json()
    assert len(first["prior_calls"]) == 5 and first["repeat_caller"] is True  # 4 + this one = 5 in 30 days
    assert {p["same_number"] for p in first["prior_calls"]} == {True, False}
    assert first["care_plan"] is None and first["repeat_rule"] == "5 calls in 30 days"
    reviews = [t for t in api.get("outreach", "/follow-ups").json() if t["kind"] == "care_plan_review"]
    assert [(t["caller_number"], t["notes"][0]["text"]) for t in reviews] == [(NUMBER, "repeat caller: 5 calls in 30 days")]

    note = "Lonely 6-year-old; mother works nights. Talk kindly, confirm a grown-up, school visit planned."
    assert api.put("outreach", f"/care-plans/{NUMBER}", {"note": note}).status_code == 200
    second = api.get("call_taker", f"/calls/{now}/history").json()
    assert second["care_plan"]["note"] == note and second["care_plan"]["updated_by"] == "outreach"

    audit = [e for e in api.get("supervisor", "/events?after=0&limit=1000").json()["events"]
             if e["kind"] == "caller-history-viewed"]
    assert len(audit) == 2 and {e["actor"] for e in audit} == {"call-taker"}


def test_history_roles_and_bad_input(api: Api) -> None:
    call = _call(api, 0)
    assert api.get("analyst", f"/calls/{call}/history").status_code == 403
    assert api.get("field_unit", f"/calls/{call}/history").status_code == 403
    assert api.get("call_taker", "/calls/not-a-call/history").status_code == 404
    assert api.put("call_taker", f"/care-plans/{NUMBER}", {"note": "x"}).status_code == 403
    assert api.put("outreach", "/care-plans/not-a-number", {"note": "x"}).status_code == 422
    assert api.put("outreach", f"/care-plans/{NUMBER}", {"note": ""}).status_code == 422
    assert api.put("outreach", f"/care-plans/{NUMBER}", {"note": "x" * 2001}).status_code == 422
    lone = api.post("call_taker", "/calls", {}).json()["id"]  # no number, no address: no history, no error
    assert api.get("call_taker", f"/calls/{lone}/history").json()["prior_calls"] == []
