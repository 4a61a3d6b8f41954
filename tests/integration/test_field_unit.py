"""The field unit's side of the API: it reaches only its own unit and the incidents it is assigned to (every route
of the matrix that names an incident), reads its assignment in words and a route with directions, sends status
changes queued in a dead zone (applied once, refused with a reason when they no longer apply), AVL positions kept
out of the event log, and the outcome at clear with a follow-up for the outreach team."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from openpsap.eventlog.models import EventRecord
from openpsap.eventlog.rebuild import rebuild
from openpsap.units.models import UnitPosition
from tests.conftest import Api, now, open_incident
from tests.integration.test_roles import SAMPLE_BODIES, api_routes


def _kinds(api: Api) -> list[str]:
    with api.database.read() as db:
        return list(db.scalars(select(EventRecord.kind).order_by(EventRecord.seq)))


def _child_incident(api: Api) -> tuple[str, str]:
    """The lonely child's call, his care plan, an incident with M10 (the field unit's) and E01 on it."""
    call = api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0106",
                                             "location": {"lat": 37.7826, "lon": -122.4062}}).json()["id"]
    api.patch("call_taker", f"/calls/{call}", {"narrative": "hi I'm six and I'm all by myself, a man with a gun was outside"})
    assert api.post("call_taker", f"/calls/{call}/triage").status_code == 200
    assert api.put("outreach", "/care-plans/415-555-0106", {"note": "Sam, 6; mother works nights; be kind"}).status_code == 200
    incident = api.post("call_taker", "/incidents", {"incident_type": "WELFARE", "priority": "P3", "calls": [call],
                                                     "flags": ["child_caller"],
                                                     "location": {"lat": 37.7826, "lon": -122.4062}}).json()["id"]
    assert api.post("dispatcher", f"/incidents/{incident}/dispatch", {"units": ["M10", "E01"]}).status_code == 200
    return incident, call


def test_a_field_unit_is_refused_every_incident_route_for_an_incident_it_is_not_on(api: Api) -> None:
    mine, _ = _child_incident(api)
    other = open_incident(api, "FALL", "P3")
    routes = [r for r in api_routes(api.client.app) if "{incident_id}" in r.path and "field_unit" in (r.roles or ())]
    assert {r.id for r in routes} >= {"GET /api/v1/incidents/{incident_id}", "POST /api/v1/incidents/{incident_id}/notes",
                                      "POST /api/v1/incidents/{incident_id}/care-outcomes"}
    before = len(_kinds(api))
    for route in routes:
        body = SAMPLE_BODIES[route.id]({"incident_id": other}) if route.id in SAMPLE_BODIES else None
        r = api.client.request(route.method, route.path.replace("{incident_id}", other), json=body, headers=api.as_("field_unit"))
        assert r.status_code == 403 and f"not assigned to incident {other}" in r.json()["message"], (route.id, r.text)
    assert len(_kinds(api)) == before, "refusals wrote nothing"
    refused = api.post("field_unit", "/follow-ups", {"kind": "school_visit", "incident_id": other})
    assert refused.status_code == 403
    assert api.post("field_unit", "/follow-ups", {"kind": "school_visit"}).status_code == 422
    assert [i["id"] for i in api.get("field_unit", "/incidents").json()] == [mine]
    assert api.get("field_unit", f"/incidents/{mine}").status_code == 200
    assert api.post("field_unit", f"/incidents/{mine}/notes", {"text": "on our way"}).status_code == 201
    assert api.get("field_unit", "/units/E01/assignment").status_code == 403
    assert api.get("field_unit", "/units/E01/route").status_code == 403
    assert api.get("field_unit", "/calls").status_code == 403, "calls stay with the call-takers"


def test_the_assignment_in_words_with_the_unit_s_part_of_the_caller_history(api: Api) -> None:
    incident, call = _child_incident(api)
    earlier = api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0106"}).json()["id"]
    api.patch("call_taker", f"/calls/{earlier}", {"narrative": "PRIVATE EARLIER WORDS"})
    view = api.get("field_unit", "/units/M10/assignment").json()
    assert view["unit"]["id"] == "M10" and view["unit"]["status"] == "Dispatched"
    inc = view["incident"]
    assert inc["id"] == incident and inc["incident_type_name"] and inc["priority"] == "P3"
    assert inc["cross_street"] and " near " in inc["cross_street"]
    [child] = [f for f in inc["flags"] if f["flag"] == "child_caller"]
    assert child["words"] == "CHILD CALLER" and any("grown-up" in n for n in child["notes"])
    assert "WEAPON MENTIONED" in inc["hazards"]
    [said] = inc["calls"]
    assert said["id"] == call and "all by myself" in said["narrative"] and said["callback_number"] == "415-555-0106"
    assert said["care_plan"] == "Sam, 6; mother works nights; be kind" and said["earlier_calls_90d"] == 1
    assert "PRIVATE EARLIER WORDS" not in str(view), "earlier calls' words stay with the centre"
    assert {u["id"] for u in inc["units"]} == {"M10", "E01"}
    api.get("field_unit", "/units/M10/assignment")  # the screen refreshes: one audit event for the first read
    with api.database.read() as db:
        reads = [e for e in db.scalars(select(EventRecord).where(EventRecord.kind == "caller-history-viewed"))
                 if e.actor == "field-unit"]
    assert len(reads) == 1 and reads[0].data["call_id"] == call and reads[0].data["care_plan"] is True
    assert view["assignment"]["dispatched_at"]
    assert api.get("supervisor", "/units/M10/assignment").json()["incident"]["id"] == incident  # a supervisor looks


def test_a_route_with_turn_by_turn_directions_from_where_the_unit_is(api: Api) -> None:
    _child_incident(api)
    assert api.put("field_unit", "/units/M10/position", {"lat": 37.7749, "lon": -122.4194}).status_code == 200
    route = api.get("field_unit", "/units/M10/route").json()
    assert 60 < route["eta_s"] < 900 and route["distance_m"] > 500 and len(route["path"]) > 5
    texts = [s["text"] for s in route["steps"]]
    assert texts[0].startswith("Head ") and texts[-1] == "Arrive at the incident"
    assert any(re.match(r"Turn (slightly |sharp )?(left|right) onto [A-Z0-9]", t) for t in texts), texts
    there = api.get("field_unit", "/units/M10/route", params={"lat": 37.7826, "lon": -122.4062, "from_lat": 37.7826,
                                                               "from_lon": -122.4062}).json()
    assert there["distance_m"] < 200
    off = api.get("field_unit", "/units/M10/route", params={"lat": 48.85, "lon": 2.35})
    assert off.status_code == 422 and "outside this jurisdiction" in off.json()["message"]


def test_queued_status_changes_apply_once_and_refuse_when_they_no_longer_apply(api: Api) -> None:
    incident, _ = _child_incident(api)
    tapped = (now() - timedelta(minutes=3)).isoformat()
    body = {"status": "EnRoute", "incident_id": incident, "at": tapped}
    key = {"Idempotency-Key": "m10-queued-0001"}
    first = api.post("field_unit", "/units/M10/status", body, headers=key)
    again = api.post("field_unit", "/units/M10/status", body, headers=key)  # the same queued change, sent twice
    assert first.status_code == again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    with api.database.read() as db:
        [event] = [e for e in db.scalars(select(EventRecord).where(EventRecord.kind == "unit-status-changed"))
                   if e.data["to"] == "EnRoute"]
    assert event.data["device_at"].startswith(tapped[:19])
    assert event.data["device_at"] != event.occurred_at.isoformat(), "both the device time and the receive time"
    assert api.post("dispatcher", f"/incidents/{incident}/cancel", {"reason": "child safe with neighbour"}).status_code == 200
    late = api.post("field_unit", "/units/M10/status", {"status": "OnScene", "incident_id": incident}, headers={"Idempotency-Key": "m10-queued-0002"})
    assert late.status_code == 409 and f"not applied: OnScene for unit M10 on {incident}" in late.json()["message"], late.text


def test_avl_fixes_stay_out_of_the_event_log_and_survive_a_rebuild(api: Api) -> None:
    before = _kinds(api)
    for i in range(5):
        r = api.put("field_unit", "/units/M10/position", {"lat": 37.77 + i / 1000, "lon": -122.41, "accuracy_m": 8})
        assert r.status_code == 200, r.text
    assert _kinds(api) == before, "no event for a fix"
    assert api.get("dispatcher", "/units/M10").json()["lat"] == 37.774
    old = api.put("field_unit", "/units/M10/position", {"lat": 37.0, "lon": -122.0, "at": (now() - timedelta(hours=1)).isoformat()})
    assert old.status_code == 409
    with api.database.read() as db:
        assert db.scalar(select(func.count()).select_from(UnitPosition)) == 5
    incident = open_incident(api)
    api.post("dispatcher", f"/incidents/{incident}/dispatch", {"units": ["M10"]})
    api.post("field_unit", "/units/M10/status", {"status": "EnRoute"})
    with api.database.read() as db:
        moved = [e for e in db.scalars(select(EventRecord).where(EventRecord.kind == "unit-status-changed"))][-1]
    assert moved.data["lat"] == 37.774, "a status change records the unit's position"
    rebuild(api.database)
    assert api.get("dispatcher", "/units/M10").json()["lat"] == 37.774


def test_the_outcome_at_clear_lands_in_the_outreach_queue(api: Api) -> None:
    incident, _ = _child_incident(api)
    for status in ("EnRoute", "OnScene"):
        assert api.post("field_unit", "/units/M10/status", {"status": status, "incident_id": incident}).status_code == 200
    r = api.post("field_unit", f"/incidents/{incident}/care-outcomes",
                 {"outcomes": ["child_911_education", "guardian_contacted"], "note": "Sam safe; mother home at 22:10"})
    assert r.status_code == 200, r.text
    r = api.post("field_unit", "/follow-ups", {"kind": "school_visit", "incident_id": incident, "note": "Sam's school: 911 talk"})
    assert r.status_code == 201, r.text
    assert api.post("field_unit", "/units/M10/status", {"status": "InService", "incident_id": incident}).status_code == 200
    assert api.post("field_unit", f"/incidents/{incident}/notes", {"text": "late note after clearing"}).status_code == 201
    queue = api.get("outreach", "/follow-ups").json()
    assert any(t["kind"] == "school_visit" and t["incident_id"] == incident for t in queue)
    assert api.get("field_unit", "/units/M10/assignment").json()["incident"] is None


def test_the_stream_shows_a_field_unit_its_unit_and_its_incidents_only(api: Api) -> None:
    start = api.get("supervisor", "/health").json()["last_seq"]
    with api.client.websocket_connect(f"/api/v1/stream?after={start}", headers=api.as_("field_unit")) as ws:
        other = open_incident(api, "FALL", "P3")
        api.post("dispatcher", f"/incidents/{other}/notes", {"text": "NOT FOR M10"})
        api.put("dispatcher", "/units/E02/position", {"lat": 37.78, "lon": -122.41})
        mine, _ = _child_incident(api)  # a call, triage, a care plan, the incident: then M10 and E01 dispatched
        api.post("dispatcher", f"/incidents/{mine}/notes", {"text": "dog in the yard"})
        api.put("field_unit", "/units/M10/position", {"lat": 37.781, "lon": -122.405})
        api.post("dispatcher", f"/incidents/{mine}/notes", {"text": "last"})
        seen = []
        while not seen or seen[-1].get("data", {}).get("text") != "last":
            seen.append(ws.receive_json())
    kinds = [(m["kind"], m.get("subject_id") or m.get("unit_id")) for m in seen]
    assert ("unit-dispatched", "M10") in kinds and ("unit-dispatched", "E01") in kinds
    assert ("unit-position", "M10") in kinds and ("unit-position", "E02") not in kinds
    assert all(m.get("incident_id") in (mine, None) for m in seen), kinds
    assert "NOT FOR M10" not in str(seen) and "triage-suggested" not in str(kinds) and "care-plan-noted" not in str(kinds)
    assert "incident-created" not in str(kinds), "the incident's creation (with its calls) happened before M10 was on it"


def test_a_supervisor_signs_out_a_lost_unit_device(api: Api) -> None:
    mine = api.as_("field_unit")
    assert api.client.get("/api/v1/units/M10/assignment", headers=mine).status_code == 200
    r = api.post("supervisor", "/units/m10/sign-out", {})
    assert r.status_code == 200 and r.json()["signed_out"] == {"field-unit": 1}, r.text
    api.client.app.state.principals.clear()  # this test's one server: skip its 5 s cache (other servers: test_revocation)
    assert api.client.get("/api/v1/units/M10/assignment", headers=mine).status_code == 401
    assert api.post("supervisor", "/units/E01/sign-out", {}).status_code == 404  # nobody crews E01
    assert api.post("dispatcher", "/units/M10/sign-out", {}).status_code == 403


def test_a_replayed_stream_does_not_reopen_incidents_the_unit_has_left(api: Api) -> None:
    old = open_incident(api, "FALL", "P3")
    api.post("dispatcher", f"/incidents/{old}/dispatch", {"units": ["M10"]})
    api.post("dispatcher", f"/incidents/{old}/notes", {"text": "OLD NOTE"})
    api.post("field_unit", "/units/M10/status", {"status": "InService"})
    api.client.app.state.settings.unit_incident_grace_minutes = 0  # cleared long enough ago
    assert api.get("field_unit", f"/incidents/{old}").status_code == 403
    with api.client.websocket_connect("/api/v1/stream?after=0", headers=api.as_("field_unit")) as ws:
        api.post("dispatcher", "/units/E01/status", {"status": "OutofService"})
        api.put("field_unit", "/units/M10/position", {"lat": 37.78, "lon": -122.41})
        seen = []
        while not any(m.get("kind") == "unit-position" for m in seen):
            seen.append(ws.receive_json())
    assert "OLD NOTE" not in str(seen), "the history of an incident it left stays closed"
    assert any(m.get("kind") == "unit-dispatched" and m.get("subject_id") == "M10" for m in seen), "its own events stay"


def test_a_field_unit_sees_other_units_status_not_their_place_and_asks_for_follow_ups_on_its_incident_only(api: Api) -> None:
    mine, _ = _child_incident(api)
    api.put("dispatcher", "/units/E02/position", {"lat": 37.79, "lon": -122.40})
    other = api.get("field_unit", "/units/E02").json()
    assert other["status"] and other["lat"] is None and other["incident_id"] is None
    assert api.get("field_unit", "/units/M10").json()["incident_id"] == mine, "its own unit whole"
    assert api.get("dispatcher", "/units/E02").json()["lat"] == 37.79
    r = api.post("field_unit", "/follow-ups", {"kind": "callback", "incident_id": mine, "caller_number": "415-555-9999"})
    assert r.status_code == 422, r.text
    task = api.post("field_unit", "/follow-ups", {"kind": "callback", "incident_id": mine, "note": "call the mother"})
    assert task.status_code == 201
    seen = api.get("analyst", "/follow-ups").json()
    assert seen and all(t["caller_number"] in (None, "[private]") for t in seen)
    assert "call the mother" not in str(seen) and "call the mother" in str(api.get("outreach", "/follow-ups").json())
