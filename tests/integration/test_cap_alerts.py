"""CAP 1.2 public alerts through the API: a supervisor issues, updates and cancels one; the public reads each message
as CAP XML (valid against the OASIS schema) and the Atom feed, without a login; bad input is refused with a clear
4xx and nothing written; the alert carries nothing private."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import defusedxml.ElementTree as SafeET
import pytest
from sqlalchemy import func, select

from openpsap.eventlog.models import EventRecord
from openpsap.interop.cap import feed, message, xsd
from tests.conftest import Api, open_incident

NS = {"cap": message.NS}
CIRCLE_AREA = {"description": "Fell St near Gough St", "circle": {"lat": 37.7765, "lon": -122.426, "radius_km": 0.5}}
POLYGON_AREA = {"description": "Fell St between Gough St and Octavia St",
                "polygon": [[37.776, -122.427], [37.777, -122.427], [37.777, -122.423], [37.776, -122.423]]}


def alert(**changes: Any) -> dict[str, Any]:
    return {"event": "gas leak", "category": "Safety", "urgency": "Immediate", "severity": "Severe",
            "certainty": "Observed", "headline": "Gas leak: keep away from Fell St",
            "description": "A gas main broke; crews are working on it.", "instruction": "Keep away; keep windows closed.",
            "response_types": ["Avoid"], "area": CIRCLE_AREA, **changes}


def events(api: Api) -> int:
    with api.database.read() as db:
        return db.scalar(select(func.count()).select_from(EventRecord)) or 0


def public_cap(api: Api, alert_id: str) -> Any:
    r = api.client.get(f"/public/alerts/{alert_id}.xml")  # no login
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(message.MEDIA_TYPE)
    assert xsd.problems(r.content) == []
    return SafeET.fromstring(r.content)


def test_a_supervisor_issues_updates_and_cancels_an_alert_and_every_message_is_valid_cap(api: Api) -> None:
    incident = open_incident(api, "FSTRU")
    issued = api.post("supervisor", f"/incidents/{incident}/alerts", alert())
    assert issued.status_code == 201, issued.text
    alert_id = issued.json()["id"]
    first = public_cap(api, alert_id)
    assert first.findtext("cap:msgType", namespaces=NS) == "Alert"
    assert first.findtext("cap:info/cap:area/cap:circle", namespaces=NS) == "37.7765,-122.426 0.5"
    assert first.findtext("cap:incidents", namespaces=NS) == incident

    updated = api.put("supervisor", f"/alerts/{alert_id}", alert(severity="Moderate", area=POLYGON_AREA))
    assert updated.status_code == 200, updated.text
    second = public_cap(api, alert_id)
    assert second.findtext("cap:msgType", namespaces=NS) == "Update"
    sender, first_id, first_sent = (first.findtext(f"cap:{n}", namespaces=NS) for n in ("sender", "identifier", "sent"))
    assert second.findtext("cap:references", namespaces=NS) == f"{sender},{first_id},{first_sent}"
    polygon = second.findtext("cap:info/cap:area/cap:polygon", namespaces=NS).split()
    assert len(polygon) == 5 and polygon[0] == polygon[-1]  # closed by the server

    cancelled = api.post("admin", f"/alerts/{alert_id}/cancel", {"note": "the gas main is repaired; the area is safe"})
    assert cancelled.status_code == 200, cancelled.text
    third = public_cap(api, alert_id)
    assert third.findtext("cap:msgType", namespaces=NS) == "Cancel"
    assert len(third.findtext("cap:references", namespaces=NS).split()) == 2
    assert third.findtext("cap:note", namespaces=NS) == "the gas main is repaired; the area is safe"

    with api.database.read() as db:
        kinds = list(db.scalars(select(EventRecord.kind).where(EventRecord.subject_id == alert_id).order_by(EventRecord.seq)))
        timeline = list(db.scalars(select(EventRecord.kind).where(EventRecord.incident_id == incident)))
    assert kinds == ["public-alert-issued", "public-alert-updated", "public-alert-cancelled"]
    assert set(kinds) <= set(timeline)  # on the incident's timeline too
    listed = api.get("dispatcher", "/alerts").json()
    assert [(a["id"], a["msg_type"], a["cancelled"], a["messages"]) for a in listed] == [(alert_id, "Cancel", True, 3)]

    again = api.post("supervisor", f"/alerts/{alert_id}/cancel", {"note": ""})
    assert again.status_code == 409 and "cancelled" in again.json()["message"]
    assert api.put("supervisor", f"/alerts/{alert_id}", alert()).status_code == 409


def test_the_atom_feed_lists_current_alerts_until_they_expire(sqlite_api: Api) -> None:
    api = sqlite_api
    incident = open_incident(api, "FSTRU")
    short = api.post("supervisor", f"/incidents/{incident}/alerts", alert(expires_in_minutes=30)).json()["id"]
    long = api.post("supervisor", f"/incidents/{incident}/alerts",
                    alert(headline="Smoke in the area", expires_in_minutes=600, area=POLYGON_AREA)).json()["id"]
    r = api.client.get("/public/alerts.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith(feed.MEDIA_TYPE)
    root = SafeET.fromstring(r.content)
    ids = [e.findtext("a:id", namespaces={"a": feed.ATOM}) for e in root.findall("a:entry", {"a": feed.ATOM})]
    assert sorted(ids) == sorted([f"urn:uuid:{short}", f"urn:uuid:{long}"])

    class Later:
        def now(self) -> datetime:
            return datetime.now(UTC) + timedelta(hours=1)

    api.client.app.state.clock = Later()
    root = SafeET.fromstring(api.client.get("/public/alerts.atom").content)
    assert [e.findtext("a:id", namespaces={"a": feed.ATOM}) for e in root.findall("a:entry", {"a": feed.ATOM})] == [f"urn:uuid:{long}"]


def test_the_alert_carries_nothing_private_and_a_sensitive_type_only_in_public_words(sqlite_api: Api) -> None:
    api = sqlite_api
    call = api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0199",
                                             "location": {"lat": 37.7765, "lon": -122.4260, "address": "1412 Fell St"}})
    api.patch("call_taker", f"/calls/{call.json()['id']}", {"narrative": "Jamal Reyes says his brother wants to die"})
    incident = api.post("call_taker", "/incidents", {"incident_type": "SUICIDE", "priority": "P2", "calls": [call.json()["id"]],
                                                     "location": {"lat": 37.7765, "lon": -122.4260, "address": "1412 Fell St"}})
    assert incident.status_code == 201, incident.text
    iid = incident.json()["id"]
    api.post("dispatcher", f"/incidents/{iid}/notes", {"text": "Jamal Reyes, 415-555-0199, 1412 Fell St"})
    issued = api.post("supervisor", f"/incidents/{iid}/alerts",
                      alert(event="police activity", headline="Police activity on Fell St", description="",
                            instruction="Avoid the area.", category="Security"))
    assert issued.status_code == 201, issued.text
    body = api.client.get(f"/public/alerts/{issued.json()['id']}.xml").text + api.client.get("/public/alerts.atom").text
    for private in ("Jamal", "Reyes", "415-555-0199", "1412", "SUICIDE", "die", "brother"):
        assert private not in body
    assert "Welfare check / public assistance" in body


def test_a_dispatcher_may_not_issue_and_nothing_is_written(sqlite_api: Api) -> None:
    incident = open_incident(sqlite_api)
    before = events(sqlite_api)
    for role in ("dispatcher", "call_taker", "analyst", "outreach", "field_unit", "neighbour_centre"):
        r = sqlite_api.post(role, f"/incidents/{incident}/alerts", alert())
        assert r.status_code == 403, (role, r.text)
    assert sqlite_api.client.post(f"/api/v1/incidents/{incident}/alerts", json=alert()).status_code == 401
    assert events(sqlite_api) == before


@pytest.mark.parametrize(("body", "said"), [
    (alert(urgency="Soon"), "urgency"),
    (alert(severity="severe"), "severity"),
    (alert(certainty=None), "certainty"),
    (alert(category="Weather"), "category"),
    (alert(response_types=["Run"]), "response_types"),
    (alert(headline="x" * 161), "headline"),
    (alert(description="x" * 2001), "description"),
    (alert(expires_in_minutes=0), "expires_in_minutes"),
    (alert(area={"description": "Fell St"}), "polygon or as a circle"),
    (alert(area={**CIRCLE_AREA, "polygon": POLYGON_AREA["polygon"]}), "polygon or as a circle"),
    (alert(area={"description": "x", "polygon": [[37.7, -122.4], [37.8, -122.4]]}), "area.polygon"),
    (alert(area={"description": "x", "polygon": [[37.7, -122.4], [37.8, -122.4], [37.9, -122.4]]}), "no area"),
    (alert(area={"description": "x", "polygon": [[37.7, -122.4], [137.8, -122.4], [37.8, -122.3]]}), "area.polygon"),
    (alert(area={"description": "x", "circle": {"lat": 37.7, "lon": -122.4, "radius_km": -1}}), "radius_km"),
    (alert(area={"description": "x", "circle": {"lat": 37.7, "lon": -122.4, "radius_km": 1}}, unknown=1), "unknown"),
    (alert(headline="Call John Smith at 415-555-1212"), "private data"),
    (alert(instruction="Meet at 123 Main Street"), "private data"),
    (alert(area={"description": "outside Jamal Reyes's home", "circle": CIRCLE_AREA["circle"]}), "private data"),
    (alert(event="gas\x00leak"), "NUL"),
])
def test_bad_input_gets_a_clear_422_and_nothing_written(sqlite_api: Api, body: dict, said: str) -> None:
    incident = open_incident(sqlite_api)
    before = events(sqlite_api)
    r = sqlite_api.post("supervisor", f"/incidents/{incident}/alerts", body)
    assert r.status_code == 422, r.text
    assert said in r.text and set(r.json()) == {"error", "message", "details"}
    assert events(sqlite_api) == before


def test_unknown_incidents_and_alerts_are_404(sqlite_api: Api) -> None:
    assert sqlite_api.post("supervisor", "/incidents/26-999999/alerts", alert()).status_code == 404
    assert sqlite_api.put("supervisor", "/alerts/no-such-alert", alert()).status_code == 404
    assert sqlite_api.post("supervisor", "/alerts/no-such-alert/cancel", {}).status_code == 404
    missing = sqlite_api.client.get("/public/alerts/no-such-alert.xml")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert sqlite_api.client.get("/public/alerts/bad%20id.xml").status_code == 422


def exercise_alert_events(api: Api) -> None:
    """Issue, update and cancel one alert: each public-alert kind once (for the event round-trip test)."""
    incident = open_incident(api, "FSTRU")
    alert_id = api.post("supervisor", f"/incidents/{incident}/alerts", alert()).json()["id"]
    assert api.put("supervisor", f"/alerts/{alert_id}", alert(area=POLYGON_AREA)).status_code == 200
    assert api.post("supervisor", f"/alerts/{alert_id}/cancel", {"note": "all clear"}).status_code == 200
