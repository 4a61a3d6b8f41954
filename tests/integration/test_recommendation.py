"""Unit recommendation over the real San Francisco road graph, through the API."""

from __future__ import annotations

from tests.conftest import Api, open_incident


def _incident_at(api: Api, code: str, lat: float, lon: float) -> str:
    r = api.post("call_taker", "/incidents", {"incident_type": code, "priority": "P1", "location": {"lat": lat, "lon": lon}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_a_cardiac_arrest_gets_the_closest_als_unit_and_the_closest_engine(api: Api) -> None:
    iid = _incident_at(api, "CARDIAC", 37.7793, -122.4040)  # next to station FS01 (E01, M10)
    r = api.get("dispatcher", f"/incidents/{iid}/recommendation")
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec["plan"] == "cardiac_arrest"
    assert set(rec["units"]) == {"E01", "M10"}
    first = rec["slots"][0]["picked"][0]
    assert first["eta_s"] > 0 and first["road_m"] > 0 and "ETA" in first["reason"]
    route = first["route"]  # by road, unit to incident: it ends on the incident's street, not as the crow flies
    assert len(route) >= 2 and abs(route[-1][0] - 37.7793) < 0.002 and abs(route[-1][1] + 122.4040) < 0.002


def test_dispatching_the_recommendation_is_one_command_and_busy_units_are_explained(api: Api) -> None:
    iid = _incident_at(api, "CARDIAC", 37.7793, -122.4040)
    r = api.post("dispatcher", f"/incidents/{iid}/dispatch-recommended")
    assert r.status_code == 200, r.text
    assert set(r.json()["incident"]["units"]) == {"E01", "M10"}
    second = _incident_at(api, "CARDIAC", 37.7795, -122.4045)
    rec = api.get("dispatcher", f"/incidents/{second}/recommendation").json()
    assert "E01" not in rec["units"] and "M10" not in rec["units"]
    notes = " ".join(n for s in rec["slots"] for n in s["skipped"] + [s["unfilled_reason"]])
    assert "E01" in notes and "Dispatched" in notes


def test_after_a_dispatch_the_recommendation_covers_only_what_is_still_missing(api: Api) -> None:
    iid = _incident_at(api, "CARDIAC", 37.7793, -122.4040)
    assert api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E01"]}).status_code == 200
    rec = api.get("dispatcher", f"/incidents/{iid}/recommendation").json()
    assert rec["units"] == ["M10"] and [u for s in rec["slots"] for u in s["assigned"]] == ["E01"]
    assert api.post("dispatcher", f"/incidents/{iid}/dispatch-recommended").status_code == 200
    again = api.post("dispatcher", f"/incidents/{iid}/dispatch-recommended")
    assert again.status_code == 409 and "already filled" in again.json()["message"]


def test_a_plan_that_cannot_be_filled_says_so_and_suggests_what_next(api: Api) -> None:
    iid = _incident_at(api, "FSTRU", 37.7793, -122.4040)  # needs 3 engines, a truck, a chief, a medic
    rec = api.get("dispatcher", f"/incidents/{iid}/recommendation").json()
    chief = next(s for s in rec["slots"] if "CHIEF" in s["need"])
    assert chief["unfilled"] == 1 and "mutual aid" in chief["unfilled_reason"]


def test_non_emergencies_send_no_unit(api: Api) -> None:
    iid = _incident_at(api, "NONEMERG", 37.7793, -122.4040)
    assert api.get("dispatcher", f"/incidents/{iid}/recommendation").json()["units"] == []
    r = api.post("dispatcher", f"/incidents/{iid}/dispatch-recommended")
    assert r.status_code == 409 and "by phone" in r.json()["message"]


def test_recommendation_needs_a_location_on_the_map(api: Api) -> None:
    r = api.post("call_taker", "/incidents", {"incident_type": "CARDIAC", "location": {"address": "somewhere"}})
    no_point = r.json()["id"]
    # the incident's state (no place on the map), not the request, stops it: 409, with the reason
    r = api.get("dispatcher", f"/incidents/{no_point}/recommendation")
    assert r.status_code == 409 and r.json()["error"] == "no_map_location", r.text
    off_map = _incident_at(api, "CARDIAC", 40.0, -75.0)
    r = api.get("dispatcher", f"/incidents/{off_map}/recommendation")
    assert r.status_code == 409 and "km from the nearest road" in r.json()["message"]
    assert api.get("dispatcher", "/incidents/26-999999/recommendation").status_code == 404


def test_open_incident_helper_location_is_routable(api: Api) -> None:
    iid = open_incident(api)
    assert api.get("call_taker", f"/incidents/{iid}/recommendation").status_code == 200


def test_geocoding_over_the_api(api: Api) -> None:
    r = api.get("call_taker", "/geocode", params={"q": "5th and Market"})
    assert r.status_code == 200 and r.json()["status"] == "found"
    assert api.get("call_taker", "/geocode", params={"q": "x" * 201}).status_code == 422
    assert api.get("call_taker", "/reverse-geocode", params={"lat": 91, "lon": 0}).status_code == 422
    off = api.get("call_taker", "/reverse-geocode", params={"lat": 40.0, "lon": -75.0})
    assert off.status_code == 422 and "km from the nearest road" in off.json()["message"]
    assert api.get("outreach", "/geocode", params={"q": "Market St"}).status_code == 403


def test_when_no_unit_is_free_the_next_best_are_those_on_the_least_urgent_incidents(api: Api) -> None:
    urgent = _incident_at(api, "FSTRU", 37.7800, -122.4050)
    minor = api.post("dispatcher", "/incidents", {"incident_type": "FTRASH", "priority": "P5",
                                                  "location": {"lat": 37.7990, "lon": -122.4100}}).json()["id"]
    assert api.post("dispatcher", f"/incidents/{urgent}/dispatch", {"units": ["E01"]}).status_code == 200
    assert api.post("dispatcher", f"/incidents/{minor}/dispatch", {"units": ["E02"]}).status_code == 200
    cardiac = _incident_at(api, "CARDIAC", 37.7793, -122.4040)
    rec = api.get("dispatcher", f"/incidents/{cardiac}/recommendation").json()
    engine_slot = rec["slots"][1]
    assert engine_slot["unfilled"] == 1
    reason = engine_slot["unfilled_reason"]
    assert reason.index("E02") < reason.index("E01"), reason  # E02 is on a P5 trash fire, E01 on a structure fire
    assert "priority 2/10" in reason


def test_triage_over_the_api(api: Api) -> None:
    r = api.post("call_taker", "/triage", {"text": "my mommy won't wake up"})
    assert r.status_code == 200 and r.json()["urgency"] == "High" and "child_caller" in r.json()["flags"]
    assert api.post("call_taker", "/triage", {"text": "x" * 100_001}).status_code in (413, 422)
    assert api.post("call_taker", "/triage", {"txt": "hello"}).status_code == 422
    assert api.post("outreach", "/triage", {"text": "hello"}).status_code == 403
    ctx = api.post("call_taker", "/triage", {"text": "[silence]", "context": {"repeat_silent_calls": 3}})
    assert ctx.status_code == 200 and ctx.json()["urgency"] == "Medium"
    for bad in ({"repeat_silent_calls": "many"}, {"local_hour": 25}, {"who": "knows"}):
        assert api.post("call_taker", "/triage", {"text": "hi", "context": bad}).status_code == 422


def test_triage_suggestions_and_decisions_are_events_on_the_call(api: Api) -> None:
    call = api.post("call_taker", "/calls", {"narrative": "my mommy won't wake up"}).json()
    suggested = api.post("call_taker", f"/calls/{call['id']}/triage")
    assert suggested.status_code == 200 and suggested.json()["urgency"] == "High"
    event_id = suggested.json()["event_id"]
    decided = api.post("call_taker", f"/calls/{call['id']}/triage-decision",
                       {"accepted": False, "incident_type": "cardiac", "suggested_event_id": event_id})
    assert decided.status_code == 200 and decided.json()["final"] == {"incident_type": "CARDIAC"}
    events = api.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["events"]
    mine = [e for e in events if e["subject_id"] == call["id"]]
    assert [e["kind"] for e in mine][-2:] == ["triage-suggested", "triage-decided"]
    assert mine[-2]["data"]["model_version"].startswith("rules-")
    bad = api.post("call_taker", f"/calls/{call['id']}/triage-decision", {"accepted": False, "incident_type": "NOPE"})
    assert bad.status_code == 422


def test_protocol_answers_are_events_and_only_they_lower_urgency(api: Api) -> None:
    call = api.post("call_taker", "/calls", {"narrative": "my dad fell in the kitchen and hit his head"}).json()
    first = api.post("call_taker", f"/calls/{call['id']}/triage").json()
    assert first["urgency"] == "High" and first["protocol"]["complaint"] == "fall"
    answered = api.post("call_taker", f"/calls/{call['id']}/protocol-answers",
                        {"complaint": "fall", "answers": {"awake": "yes", "fall_height_or_injury": "no", "long_lie": "no"}})
    assert answered.status_code == 200, answered.text
    assert answered.json()["urgency"] == "Medium" and answered.json()["protocol"]["determinant"]["confirmed"]
    again = api.post("call_taker", f"/calls/{call['id']}/triage").json()  # the recorded answers still count
    assert again["urgency"] == "Medium"
    events = api.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["events"]
    kinds = [e["kind"] for e in events if e["subject_id"] == call["id"]]
    assert "protocol-answered" in kinds
    for bad in ({"answers": {"awake": "perhaps"}}, {"answers": {"no_such_question": "yes"}}, {"answers": "yes"}):
        assert api.post("call_taker", f"/calls/{call['id']}/protocol-answers", bad).status_code == 422
    assert api.post("call_taker", "/calls/nope/protocol-answers", {"answers": {"awake": "yes"}}).status_code == 404
    assert api.post("dispatcher", f"/calls/{call['id']}/protocol-answers", {"answers": {"awake": "yes"}}).status_code == 403
    stateless = api.post("call_taker", "/triage", {"text": "he is not breathing", "answers": {"breathing": "nah"}})
    assert stateless.status_code == 422


def test_a_number_known_as_a_childs_is_flagged_on_the_next_call(api: Api) -> None:
    number = "415-555-0166"
    assert api.put("outreach", f"/care-plans/{number}", {"note": "six-year-old boy, lonely after school"}).status_code == 200
    call = api.post("call_taker", "/calls", {"caller_number": number, "narrative": "hi i just wanted to talk"}).json()
    r = api.post("call_taker", "/triage", {"text": "hi i just wanted to talk", "call_id": call["id"]})
    assert r.status_code == 200 and "child_caller" in r.json()["flags"]
    assert r.json()["response"] in {"welfare_check", "urgent", "emergency"}
    assert api.post("call_taker", "/triage", {"text": "hi", "call_id": "nope"}).status_code == 404


def test_the_api_gives_the_librarys_answer(api: Api) -> None:
    from openpsap.triage import triage

    for text in ("help me", "my dad fell in the kitchen", "hi i'm six and i want a friend"):
        served = api.post("call_taker", "/triage", {"text": text}).json()
        assert {k: served[k] for k in ("urgency", "incident_type", "flags", "response", "questions", "protocol")} == \
            {k: v for k, v in triage(text).to_json().items() if k in ("urgency", "incident_type", "flags", "response",
                                                                       "questions", "protocol")}


def test_the_calls_of_an_incident_carry_the_callers_words_and_the_latest_triage(api: Api) -> None:
    call = api.post("call_taker", "/calls", {"caller_number": "415-555-0123", "narrative": "my dad fell in the kitchen",
                                             "location": {"lat": 37.77, "lon": -122.42, "uncertainty_m": 30}}).json()
    api.post("call_taker", f"/calls/{call['id']}/protocol-answers",
             {"answers": {"awake": "yes", "fall_height_or_injury": "no", "long_lie": "no"}})
    incident = api.post("call_taker", "/incidents", {"incident_type": "FALL", "priority": "P3", "calls": [call["id"]],
                                                     "location": {"lat": 37.77, "lon": -122.42}}).json()
    linked = api.get("dispatcher", "/calls", params={"incident_id": incident["id"]}).json()
    assert [c["id"] for c in linked] == [call["id"]]
    assert linked[0]["narrative"] == "my dad fell in the kitchen" and linked[0]["uncertainty_m"] == 30
    assert linked[0]["triage"]["urgency"] == "Medium" and "fall from standing" in linked[0]["triage"]["determinant"]["reason"]
    assert linked[0]["protocol_answers"] == {"awake": "yes", "fall_height_or_injury": "no", "long_lie": "no"}
    assert api.get("analyst", "/calls", params={"incident_id": incident["id"]}).status_code == 403
    assert api.get("dispatcher", "/calls", params={"incident_id": "x" * 17}).status_code == 422


def test_pre_arrival_steps_given_are_events_on_the_call(api: Api) -> None:
    call = api.post("call_taker", "/calls", {"narrative": "my husband collapsed and he is not breathing"}).json()
    suggested = api.post("call_taker", f"/calls/{call['id']}/triage").json()
    assert suggested["instructions"]["id"] == "cpr_adult"
    given = api.post("call_taker", f"/calls/{call['id']}/instructions", {"set": "cpr_adult", "step": 3})
    assert given.status_code == 200 and "hard" in given.json()["say"]
    events = api.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["events"]
    assert any(e["kind"] == "prearrival-step-given" and e["data"]["step"] == 3 for e in events if e["subject_id"] == call["id"])
    for bad in ({"set": "cpr_adult", "step": 99}, {"set": "nope", "step": 1}, {"set": "cpr_adult", "step": 0}, {"set": "cpr_adult"}):
        assert api.post("call_taker", f"/calls/{call['id']}/instructions", bad).status_code == 422
    assert api.post("call_taker", "/calls/nope/instructions", {"set": "cpr_adult", "step": 1}).status_code == 404
    assert api.post("dispatcher", f"/calls/{call['id']}/instructions", {"set": "cpr_adult", "step": 1}).status_code == 403


def test_open_incidents_near_a_new_call_are_listed_as_possible_duplicates(api: Api) -> None:
    fire = api.post("call_taker", "/incidents", {"incident_type": "FSTRU", "priority": "P1",
                                                 "location": {"lat": 37.7793, "lon": -122.4193}}).json()
    far = api.post("call_taker", "/incidents", {"incident_type": "FALL", "priority": "P3",
                                                "location": {"lat": 37.7600, "lon": -122.4400}}).json()
    found = api.get("call_taker", "/incidents/nearby", params={"lat": 37.7830, "lon": -122.4193, "incident_type": "FOTHER"})
    assert found.status_code == 200, found.text
    ids = [n["incident"]["id"] for n in found.json()]
    assert fire["id"] in ids and far["id"] not in ids  # about 410 m: inside a fire's window, far from the fall
    near = next(n for n in found.json() if n["incident"]["id"] == fire["id"])
    assert 350 < near["distance_m"] < 470 and near["incident"]["call_count"] == 0
    assert api.get("call_taker", "/incidents/nearby", params={"lat": 91, "lon": 0}).status_code == 422
    assert api.get("call_taker", "/incidents/nearby", params={"lat": 37.78}).status_code == 422
    assert api.get("call_taker", "/incidents/nearby", params={"lat": 37.78, "lon": -122.4, "incident_type": "NOPE"}).status_code == 422
    assert api.get("analyst", "/incidents/nearby", params={"lat": 37.78, "lon": -122.4}).status_code == 403


def test_the_supervisor_sees_the_shift_and_its_alerts(api: Api) -> None:
    api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0100"})  # ringing
    api.post("call_taker", "/incidents", {"incident_type": "FALL", "priority": "P3"})  # no location
    s = api.get("supervisor", "/shift")
    assert s.status_code == 200, s.text
    body = s.json()
    assert body["calls"]["ringing"] >= 1 and body["unlocated"] and body["units"]
    assert any("no location" in a["text"] for a in body["alerts"])
    assert api.get("dispatcher", "/shift").status_code == 403
    assert api.get("supervisor", "/shift", params={"hours": 0}).status_code == 422
