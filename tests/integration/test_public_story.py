"""The public story: no login, nothing private. A crawl of the public endpoint and page looks for every
private value the database holds."""

from __future__ import annotations

from sqlalchemy import select

from openpsap.calls.models import Call
from openpsap.care.models import PublicSummary
from openpsap.incidents.models import Incident, Note
from tests.conftest import Api

PRIVATE = ["Jamal", "Reyes", "415-555-0199", "1412 Fell St", "Fell Street 1412", "jamal.reyes@example.com", "7ABC123"]


def _story(api: Api) -> str:
    call = api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0199",
                                             "location": {"lat": 37.7765, "lon": -122.4260, "address": "1412 Fell St"}})
    assert call.status_code == 201, call.text
    api.patch("call_taker", f"/calls/{call.json()['id']}",
              {"narrative": "hi I'm Jamal Reyes, I'm six, I want a friend, mom's email jamal.reyes@example.com"})
    inc = api.post("call_taker", "/incidents", {"incident_type": "WELFARE", "priority": "P5",
                                                "location": {"lat": 37.7765, "lon": -122.4260, "address": "1412 Fell St"},
                                                "calls": [call.json()["id"]]})
    assert inc.status_code == 201, inc.text
    iid = inc.json()["id"]
    api.post("dispatcher", f"/incidents/{iid}/notes", {"text": "Jamal Reyes, 6, plate 7ABC123 outside, Fell Street 1412"})
    return iid


def test_a_pio_approves_a_redacted_summary_and_the_public_sees_only_that(api: Api) -> None:
    iid = _story(api)
    preview = api.post("supervisor", "/public-summary/preview",
                       {"draft": "The boy, Jamal, 6, of 1412 Fell St, called from 415-555-0199 because he was lonely."})
    assert preview.status_code == 200 and "Jamal" not in preview.json()["text"]
    approved = api.post("supervisor", f"/incidents/{iid}/public-summary",
                        {"draft": "Jamal Reyes (6) called 911 because he was lonely. Officers visited and explained "
                                  "what 911 is for. Call 415-555-0199, jamal.reyes@example.com."})
    assert approved.status_code == 200, approved.text
    text = approved.json()["text"]
    assert "lonely" in text and not any(p in text for p in PRIVATE)

    anonymous = api.client.get("/api/v1/public/incidents")
    assert anonymous.status_code == 200
    (row,) = [r for r in anonymous.json() if r["incident"] == iid]
    assert row["type"] == "Welfare check / public assistance" and row["summary"] == text
    assert row["hour"].endswith(":00:00+00:00") and row["lat"] is None  # no street while it is open
    assert api.post("dispatcher", f"/incidents/{iid}/close", {"disposition": "18", "outcome": "child safe"}).status_code == 200
    api.client.app.state.settings.public_street_delay_minutes = 0  # the agency's delay has passed
    (row,) = [r for r in api.client.get("/api/v1/public/incidents").json() if r["incident"] == iid]
    assert " near " in row["area"] and row["lat"] == 37.775  # the street, on a ~500 m grid
    page = api.client.get("/public")
    assert page.status_code == 200 and "lonely" in page.text

    # the crawl: every private value the database holds, nowhere in what the public can fetch
    with api.database.read() as db:
        private = set(PRIVATE)
        for call in db.scalars(select(Call)):
            private |= {call.caller_number, call.address, call.narrative} - {None, ""}
        for inc in db.scalars(select(Incident)):
            private |= {inc.address, inc.outcome, inc.created_by} - {None, ""}
        private |= {n.text for n in db.scalars(select(Note))} | {n.author for n in db.scalars(select(Note))}
        assert db.get(PublicSummary, iid).approved_by == "supervisor"
    served = anonymous.text + page.text + api.client.get("/api/v1/public/incidents?limit=200").text
    leaked = [p for p in private if p and p in served]
    assert not leaked, f"private values served publicly: {leaked}"


def test_public_story_roles_and_bad_input(api: Api) -> None:
    iid = _story(api)
    assert api.post("call_taker", f"/incidents/{iid}/public-summary", {"draft": "x"}).status_code == 403
    assert api.post("supervisor", f"/incidents/{iid}/public-summary", {"draft": ""}).status_code == 422
    assert api.post("supervisor", f"/incidents/{iid}/public-summary", {"draft": "Jamal"}).status_code == 422  # empty once redacted
    assert api.post("supervisor", "/incidents/26-999999/public-summary", {"draft": "A fire."}).status_code == 404
    assert api.post("supervisor", f"/incidents/{iid}/public-summary", {"draft": "x" * 4001}).status_code == 422
    assert api.client.get("/api/v1/public/incidents?limit=0").status_code == 422
    assert api.post("supervisor", f"/incidents/{iid}/public-summary", {"draft": "Officers visited."}).status_code == 200
    withdrawn = api.client.delete(f"/api/v1/incidents/{iid}/public-summary", headers=api.as_("supervisor"))
    assert withdrawn.status_code == 200
    (row,) = [r for r in api.client.get("/api/v1/public/incidents").json() if r["incident"] == iid]
    assert row["summary"] is None


def test_the_public_feed_lists_only_what_the_agency_allows(api: Api) -> None:
    child = api.post("call_taker", "/incidents", {"incident_type": "WELFARE", "priority": "P5", "flags": ["child_caller"],
                                                  "location": {"lat": 37.78, "lon": -122.41}}).json()["id"]  # no summary
    fire = api.post("dispatcher", "/incidents", {"incident_type": "FSTRU", "priority": "P1",
                                                 "location": {"lat": 37.78, "lon": -122.41}}).json()["id"]
    dv = api.post("dispatcher", "/incidents", {"incident_type": "DVA", "priority": "P1",
                                               "location": {"lat": 37.78, "lon": -122.41}}).json()["id"]
    listed = {r["incident"] for r in api.client.get("/api/v1/public/incidents").json()}
    assert fire in listed and child not in listed and dv not in listed
    api.client.app.state.settings.public_types = ["MVA"]
    assert fire not in {r["incident"] for r in api.client.get("/api/v1/public/incidents").json()}
