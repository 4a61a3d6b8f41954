"""Care outcomes open follow-ups for the outreach queue; silent-call callbacks propose what to do next."""

from __future__ import annotations

from openpsap.care.callbacks import propose
from openpsap.care.config import parse
from tests.conftest import Api

import pytest


def _lonely_child_incident(api: Api, number: str = "415-555-0177") -> str:
    call = api.post("call_taker", "/calls", {"caller_number": number, "narrative": "hi I'm six and I want a friend",
                                             "location": {"lat": 37.7765, "lon": -122.4260}}).json()["id"]
    inc = api.post("call_taker", "/incidents", {"incident_type": "WELFARE", "priority": "P5",
                                                "location": {"lat": 37.7765, "lon": -122.4260}, "calls": [call]})
    assert inc.status_code == 201, inc.text
    return inc.json()["id"]


def test_the_lonely_child_story_leaves_a_school_visit_in_the_outreach_queue(api: Api) -> None:
    config = api.get("call_taker", "/care/config").json()
    assert "child_911_education" in {o["id"] for o in config["outcomes"]} and "988" in config["referrals"]
    iid = _lonely_child_incident(api)
    r = api.post("dispatcher", f"/incidents/{iid}/care-outcomes",
                 {"outcomes": ["child_911_education", "guardian_contacted"], "note": "officer explained 911; mother reached"})
    assert r.status_code == 200, r.text
    assert [f["kind"] for f in r.json()["follow_ups"]] == ["school_visit"]
    queue = api.get("outreach", "/follow-ups").json()
    (task,) = [t for t in queue if t["incident_id"] == iid]
    assert task["kind"] == "school_visit" and task["status"] == "open" and task["caller_number"] == "415-555-0177"
    assert not task["overdue"] and task["notes"][0]["text"].startswith("from outcome: No emergency - child caller")
    # the next call from the number: the earlier incident's care outcomes and the open school visit
    call = api.post("call_taker", "/calls", {"caller_number": "415-555-0177", "narrative": "hi again"}).json()["id"]
    history = api.get("call_taker", f"/calls/{call}/history").json()
    (prior,) = [p for p in history["prior_calls"] if p["incident"] and p["incident"]["id"] == iid]
    assert prior["incident"]["care_outcomes"] == ["child_911_education", "guardian_contacted"]
    assert [(t["kind"], t["incident_id"]) for t in history["open_follow_ups"]] == [("school_visit", iid)]
    done = api.patch("outreach", f"/follow-ups/{task['id']}", {"status": "done", "note": "visited Fell St school"})
    assert done.status_code == 200
    assert task["id"] not in {t["id"] for t in api.get("outreach", "/follow-ups").json()}
    (closed,) = [t for t in api.get("outreach", "/follow-ups?status=done").json() if t["id"] == task["id"]]
    assert [n["text"] for n in closed["notes"]][-1] == "visited Fell St school"
    again = api.patch("outreach", f"/follow-ups/{task['id']}", {"status": "open"})
    assert again.status_code == 409
    more = api.post("dispatcher", f"/incidents/{iid}/care-outcomes", {"outcomes": ["child_911_education", "welfare_person_safe"]})
    assert more.json()["added"] == ["welfare_person_safe"] and more.json()["follow_ups"] == []  # no second school visit
    assert more.json()["outcomes"] == ["child_911_education", "guardian_contacted", "welfare_person_safe"]


def test_follow_ups_by_hand_and_bad_input(api: Api) -> None:
    iid = _lonely_child_incident(api)
    by_hand = api.post("call_taker", "/follow-ups", {"kind": "referral", "caller_number": "415-555-0177", "referral": "211"})
    assert by_hand.status_code == 201 and by_hand.json()["referral"] == "211"
    assert api.post("call_taker", "/follow-ups", {"kind": "party"}).status_code == 422
    assert api.post("call_taker", "/follow-ups", {"kind": "callback"}).status_code == 422  # nothing to follow up
    assert api.post("call_taker", "/follow-ups", {"kind": "referral", "incident_id": iid, "referral": "nowhere"}).status_code == 422
    assert api.post("call_taker", "/follow-ups", {"kind": "callback", "incident_id": "26-999999"}).status_code == 404
    assert api.post("dispatcher", f"/incidents/{iid}/care-outcomes", {"outcomes": ["made_up"]}).status_code == 422
    assert api.post("dispatcher", f"/incidents/{iid}/care-outcomes", {"outcomes": []}).status_code == 422
    assert api.post("call_taker", f"/incidents/{iid}/care-outcomes", {"outcomes": ["guardian_contacted"]}).status_code == 403
    assert api.get("call_taker", "/follow-ups").status_code == 403
    assert api.patch("outreach", "/follow-ups/nope", {"status": "done"}).status_code == 404
    assert api.get("outreach", "/follow-ups?status=lost").status_code == 422


def test_a_silent_call_callback_proposes_the_next_step(api: Api) -> None:
    call = api.post("call_taker", "/calls", {"caller_number": "415-555-0111"}).json()["id"]
    r = api.post("call_taker", f"/calls/{call}/callback-attempts", {"result": "no_answer", "cues": ["child", "background_noise"]})
    assert r.status_code == 200 and r.json()["proposal"]["action"] == "welfare_check"
    accidental = api.post("call_taker", "/calls", {"caller_number": "415-555-0112"}).json()["id"]
    r = api.post("call_taker", f"/calls/{accidental}/callback-attempts", {"result": "answered_accidental"})
    assert r.json()["closed_as_accidental"] is True and r.json()["proposal"] is None
    assert api.get("call_taker", f"/calls/{accidental}").json()["status"] == "ended"
    assert api.post("call_taker", f"/calls/{call}/callback-attempts", {"result": "maybe"}).status_code == 422
    assert api.post("call_taker", f"/calls/{call}/callback-attempts", {"result": "no_answer", "cues": ["vibes"]}).status_code == 422
    assert api.post("dispatcher", f"/calls/{call}/callback-attempts", {"result": "no_answer"}).status_code == 403


def test_callback_proposals() -> None:
    assert propose("no_answer", [], 0)["action"] == "try_again"
    assert propose("no_answer", [], 2)["action"] == "welfare_check"
    assert "distress" in propose("busy_or_voicemail", ["distress"], 0)["why"]
    assert propose("answered_needs_help", [], 0)["action"] == "create_incident"
    assert propose("answered_accidental", ["child"], 5) is None


def test_an_agency_care_file_that_contradicts_itself_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown follow-up kind"):
        parse("outcomes: {x: {label: X, follow_ups: [visit]}}\nfollow_up_kinds: {callback: {label: C}}\n")
    with pytest.raises(ValueError, match="unknown referral"):
        parse("outcomes: {x: {label: X, referral: '311'}}\nfollow_up_kinds: {callback: {label: C}}\n")


def test_outreach_cards_carry_what_happened_but_analysts_get_no_callers_words(api: Api) -> None:
    iid = _lonely_child_incident(api)
    api.post("dispatcher", f"/incidents/{iid}/care-outcomes", {"outcomes": ["child_911_education"]})
    (task,) = [t for t in api.get("outreach", "/follow-ups").json() if t["incident_id"] == iid]
    context = task["context"]
    assert context["incident_type"] == "Welfare check" and context["calls_90d"] >= 1
    assert context["care_outcomes"] == ["No emergency - child caller - 911 education given"]
    (seen,) = [t for t in api.get("analyst", "/follow-ups").json() if t["incident_id"] == iid]
    assert "context" not in seen  # analysts read the queue's numbers, not what the caller said
