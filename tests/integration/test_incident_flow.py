"""One incident's whole life through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.conftest import Api, open_incident


def test_a_call_becomes_an_incident_that_is_dispatched_worked_and_closed(api: Api) -> None:
    call = api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0100",
                                               "location": {"lat": 37.7793, "lon": -122.4193, "uncertainty_m": 30, "source": "device"}})
    assert call.status_code == 201, call.text
    call_id = call.json()["id"]
    assert api.post("call_taker", f"/calls/{call_id}/answer").json()["status"] == "answered"
    r = api.patch("call_taker", f"/calls/{call_id}", {"narrative": "my mommy wont wake up"})
    assert r.json()["narrative"] == "my mommy wont wake up"

    r = api.post("call_taker", "/incidents", {"incident_type": "cardiac", "priority": "P1", "flags": ["child_caller"], "calls": [call_id]})
    assert r.status_code == 201, r.text
    inc = r.json()
    assert re.fullmatch(r"\d\d-000001", inc["id"])
    assert inc["uid"].startswith("urn:emergency:uid:incidentid:")
    assert inc["incident_type"] == "CARDIAC" and inc["eido_priority"] == 10 and inc["status"] == "Active"
    assert inc["calls"] == [call_id] and (inc["lat"], inc["lon"]) == (37.7793, -122.4193)
    iid = inc["id"]

    r = api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["M10", "e01"]})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ResourcesAssigned" and r.json()["units"] == ["E01", "M10"]
    assert api.post("dispatcher", "/units/M10/status", {"status": "EnRoute"}).json()["status"] == "EnRoute"
    assert api.get("dispatcher", f"/incidents/{iid}").json()["status"] == "ResourcesEnroute"
    assert api.post("field_unit", "/units/M10/status", {"status": "OnScene"}).status_code == 200
    assert api.get("dispatcher", f"/incidents/{iid}").json()["status"] == "ResourcesOnscene"
    assert api.post("dispatcher", f"/incidents/{iid}/notes", {"text": "CPR in progress"}).status_code == 201

    busy = api.post("dispatcher", f"/incidents/{iid}/close", {"disposition": "45"})
    assert busy.status_code == 409 and "E01 (Dispatched)" in busy.json()["message"]

    for unit in ("E01", "M10"):
        assert api.post("dispatcher", f"/units/{unit}/status", {"status": "InService"}).json()["primary_status"] == "Available"
    r = api.post("dispatcher", f"/incidents/{iid}/close", {"disposition": "45", "outcome": "patient transported"})
    assert r.status_code == 200, r.text
    closed = r.json()
    assert closed["status"] == "Closed" and closed["disposition"] == "45" and closed["units"] == []
    m10 = next(a for a in closed["assignments"] if a["unit_id"] == "M10")
    assert m10["enroute_at"] and m10["onscene_at"] and m10["cleared_at"]
    assert [n["text"] for n in closed["notes"]] == ["CPR in progress"]

    kinds = [e["kind"] for e in api.get("supervisor", f"/incidents/{iid}/events").json()]
    assert kinds[0] == "incident-created" and kinds[-1] == "incident-closed"
    assert kinds.count("unit-dispatched") == 2 and "note-added" in kinds


def test_dispatching_a_committed_unit_names_the_unit_its_status_and_incident(api: Api) -> None:
    first, second = open_incident(api), open_incident(api)
    api.post("dispatcher", f"/incidents/{first}/dispatch", {"units": ["E01"]})
    api.post("dispatcher", "/units/E01/status", {"status": "EnRoute"})
    api.post("dispatcher", "/units/E01/status", {"status": "OnScene"})
    r = api.post("dispatcher", f"/incidents/{second}/dispatch", {"units": ["E02", "E01"]})
    assert r.status_code == 409
    assert r.json()["message"] == f"unit E01 is OnScene at {first}"
    assert api.get("dispatcher", "/units/E02").json()["status"] == "InService", "nothing half-written"


def test_impossible_unit_moves_are_refused_with_the_allowed_next_statuses(api: Api) -> None:
    r = api.post("dispatcher", "/units/E02/status", {"status": "OnScene"})
    assert r.status_code == 409
    assert "unit E02 is InService; it cannot go OnScene" in r.json()["message"]


def test_cancelling_an_incident_releases_its_units(api: Api) -> None:
    iid = open_incident(api)
    api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E01", "T01"]})
    r = api.post("dispatcher", f"/incidents/{iid}/cancel", {"reason": "caller says fire is out"})
    assert r.status_code == 200 and r.json()["status"] == "Cancelled" and r.json()["units"] == []
    assert api.get("dispatcher", "/units/T01").json()["primary_status"] == "Available"
    assert api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E02"]}).status_code == 409
    assert api.post("dispatcher", f"/incidents/{iid}/reopen", {"reason": "fire rekindled"}).json()["status"] == "ReOpened"


def test_incident_numbers_count_up_per_year(api: Api) -> None:
    ids = [open_incident(api) for _ in range(3)]
    assert [int(i.split("-")[1]) for i in ids] == [1, 2, 3]


def test_queue_filters_take_only_known_statuses(api: Api) -> None:
    open_incident(api)
    assert len(api.get("dispatcher", "/incidents", params={"status": "Active"}).json()) == 1
    assert api.get("dispatcher", "/incidents", params={"status": "Pending"}).status_code == 422
    available = api.get("dispatcher", "/units", params={"primary_status": "Available"}).json()
    assert {u["id"] for u in available} == {"E01", "E02", "T01", "M10", "PA01"}
    assert api.get("dispatcher", "/units", params={"primary_status": "busy"}).status_code == 422
