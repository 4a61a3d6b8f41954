"""The event log is the source of truth: state rebuilt from it alone is identical, and every
change (and nothing else) lands in it in the same transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from openpsap.errors import InvalidTransition
from openpsap.eventlog.kinds import EVENT_KINDS
from openpsap.eventlog.models import EventRecord
from openpsap.incidents import service as incident_service
from openpsap.incidents.models import Incident
from openpsap.eventlog.rebuild import rebuild, snapshot
from tests.conftest import Api, open_incident


def _busy_shift(api: Api) -> None:
    """A little of everything the API can change."""
    call = api.post("call_taker", "/calls", {"caller_number": "4155550100", "location": {"address": "100 Block of MARKET ST"}}).json()
    api.post("call_taker", f"/calls/{call['id']}/answer")
    api.patch("call_taker", f"/calls/{call['id']}", {"narrative": "smoke from the kitchen", "location": {"lat": 37.79, "lon": -122.39}})
    fire = api.post("call_taker", "/incidents", {"incident_type": "FSTRU", "priority": "P2", "calls": [call["id"]]}).json()["id"]
    api.post("call_taker", f"/calls/{call['id']}/end")
    api.post("dispatcher", f"/incidents/{fire}/dispatch", {"units": ["E01", "T01"]})
    api.patch("dispatcher", f"/incidents/{fire}", {"priority": "P1", "flags": ["non_english"]})
    for unit, status in [("E01", "EnRoute"), ("E01", "OnScene"), ("T01", "InService"), ("E01", "InService")]:
        assert api.post("dispatcher", f"/units/{unit}/status", {"status": status}).status_code == 200
    api.post("dispatcher", f"/incidents/{fire}/notes", {"text": "knockdown"})
    api.post("dispatcher", f"/incidents/{fire}/close", {"disposition": "23", "outcome": "kitchen fire out"})
    medical = open_incident(api)
    api.post("dispatcher", f"/incidents/{medical}/dispatch", {"units": ["M10"]})
    for status in ("EnRoute", "OnScene", "Transporting", "Hospital"):
        api.post("field_unit", "/units/M10/status", {"status": status})
    api.put("field_unit", "/units/M10/position", {"lat": 37.76, "lon": -122.45})
    other = open_incident(api, "WELFARE", "P4")
    api.post("dispatcher", f"/incidents/{other}/dispatch", {"units": ["M10"]})  # reassigned from the hospital
    api.post("dispatcher", f"/incidents/{other}/cancel", {"reason": "duplicate"})
    api.post("dispatcher", f"/incidents/{other}/reopen", {"reason": "not a duplicate"})
    api.post("admin", "/units", {"id": "E99", "unit_type": "ENGINE", "capabilities": ["fire"], "agency_id": "FD", "home_station_id": "FS02"})
    api.post("dispatcher", "/units/E99/status", {"status": "OutofService"})
    assert api.patch("admin", "/units/E99", {"home_station_id": "FS01", "capabilities": ["fire", "pump"]}).status_code == 200
    assert api.patch("admin", "/stations/FS02", {"name": "Station 2 (North Beach)"}).status_code == 200
    plans = api.get("admin", "/configuration/response-plans").json()["yaml"]
    assert api.put("admin", "/configuration/response-plans", {"yaml": plans.replace("count: 3", "count: 2")}).status_code == 200


def test_rebuilding_state_from_the_log_alone_gives_identical_tables(api: Api) -> None:
    _busy_shift(api)
    before = snapshot(api.database)
    assert before["incidents"] and before["assignments"] and before["notes"] and before["calls"]
    count = rebuild(api.database)
    assert count == api.get("supervisor", "/health").json()["last_seq"]
    after = snapshot(api.database)
    for table in before:
        assert after[table] == before[table], f"table {table} differs after rebuild"


def test_rebuild_detects_a_difference_when_state_was_changed_outside_the_log(api: Api) -> None:
    _busy_shift(api)
    with api.database.write() as session:  # a change that bypasses the log: rebuild must undo it
        incident = session.scalars(select(Incident)).first()
        incident.outcome = "tampered"
        session.commit()
    tampered = snapshot(api.database)
    rebuild(api.database)
    assert snapshot(api.database) != tampered


def test_a_refused_command_writes_no_event_and_no_state(api: Api) -> None:
    iid = open_incident(api)
    api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E01"]})
    before_events = api.get("supervisor", "/health").json()["last_seq"]
    before = snapshot(api.database)
    r = api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E02", "E01"]})
    assert r.status_code == 409
    assert api.get("supervisor", "/health").json()["last_seq"] == before_events
    assert snapshot(api.database) == before


def test_state_change_and_event_commit_together_or_not_at_all(api: Api) -> None:
    runner = api.client.app.state.runner
    iid = open_incident(api)
    with pytest.raises(InvalidTransition):
        with runner.unit_of_work(actor="dispatcher") as uow:
            incident_service.add_note(uow, incident_id=iid, text="written first")
            raise InvalidTransition("then the command fails")
    with api.database.read() as session:
        assert session.scalar(select(func.count()).select_from(EventRecord).where(EventRecord.kind == "note-added")) == 0
    assert api.get("dispatcher", f"/incidents/{iid}").json()["notes"] == []


def test_every_recorded_event_kind_is_documented(api: Api) -> None:
    _busy_shift(api)
    with api.database.read() as session:
        kinds = set(session.scalars(select(EventRecord.kind).distinct()))
    assert kinds <= set(EVENT_KINDS)
    assert len(kinds) >= 15
