"""How the events of calls change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.calls.enums import CallStatus
from openpsap.calls.models import Call
from openpsap.clock import parse_iso
from openpsap.eventlog.projector import Event, get_row, handles, projects
from openpsap.incidents.models import Incident

projects('calls')


@handles("call-received")
def _call_received(db: Session, e: Event) -> None:
    d = e.data
    loc = d.get("location") or {}
    db.add(
        Call(
            id=d["id"],
            channel=d["channel"],
            caller_number=d.get("caller_number"),
            status=CallStatus.ringing,
            received_at=parse_iso(d["received_at"]),
            lat=loc.get("lat"),
            lon=loc.get("lon"),
            uncertainty_m=loc.get("uncertainty_m"),
            address=loc.get("address"),
            location_source=loc.get("source"),
            narrative=d.get("narrative") or "",
        )
    )


@handles("call-answered")
def _call_answered(db: Session, e: Event) -> None:
    call = get_row(db, Call, e.data["id"])
    call.status, call.answered_at, call.answered_by = CallStatus.answered, e.occurred_at, e.actor


@handles("call-updated")
def _call_updated(db: Session, e: Event) -> None:
    call = get_row(db, Call, e.data["id"])
    changes = e.data["changes"]
    if "location" in changes:
        loc = changes["location"] or {}
        call.lat, call.lon = loc.get("lat"), loc.get("lon")
        call.uncertainty_m, call.address, call.location_source = loc.get("uncertainty_m"), loc.get("address"), loc.get("source")
    if "narrative" in changes:
        call.narrative = changes["narrative"]
    if "caller_number" in changes:
        call.caller_number = changes["caller_number"]


@handles("protocol-answered")
def _protocol_answered(db: Session, e: Event) -> None:
    call = get_row(db, Call, e.data["id"])
    call.protocol_answers = {**(call.protocol_answers or {}), **e.data["answers"]}  # the latest answer wins


@handles("call-ended")
def _call_ended(db: Session, e: Event) -> None:
    call = get_row(db, Call, e.data["id"])
    call.status, call.ended_at = CallStatus.ended, e.occurred_at


@handles("call-linked")
def _call_linked(db: Session, e: Event) -> None:
    get_row(db, Call, e.data["id"]).incident_id = e.data["incident_id"]
    get_row(db, Incident, e.data["incident_id"]).updated_at = e.occurred_at
