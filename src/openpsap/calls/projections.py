"""How the events of calls change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.calls.enums import CallStatus
from openpsap.calls.events import CallAnswered, CallEnded, CallLinked, CallReceived, CallUpdated, ProtocolAnswered
from openpsap.calls.models import Call
from openpsap.clock import parse_iso
from openpsap.eventlog.projector import Event, get_row, handles, projects
from openpsap.incidents.models import Incident

projects('calls')


@handles(CallReceived)
def _call_received(db: Session, e: Event, p: CallReceived) -> None:
    loc = p.location or {}
    db.add(
        Call(
            id=p.id,
            channel=p.channel,
            caller_number=p.caller_number,
            status=CallStatus.ringing,
            received_at=parse_iso(p.received_at),
            lat=loc.get("lat"),
            lon=loc.get("lon"),
            uncertainty_m=loc.get("uncertainty_m"),
            address=loc.get("address"),
            location_source=loc.get("source"),
            narrative=p.narrative or "",
        )
    )


@handles(CallAnswered)
def _call_answered(db: Session, e: Event, p: CallAnswered) -> None:
    call = get_row(db, Call, p.id)
    call.status, call.answered_at, call.answered_by = CallStatus.answered, e.occurred_at, e.actor


@handles(CallUpdated)
def _call_updated(db: Session, e: Event, p: CallUpdated) -> None:
    call = get_row(db, Call, p.id)
    changes = p.changes
    if "location" in changes:
        loc = changes["location"] or {}
        call.lat, call.lon = loc.get("lat"), loc.get("lon")
        call.uncertainty_m, call.address, call.location_source = loc.get("uncertainty_m"), loc.get("address"), loc.get("source")
    if "narrative" in changes:
        call.narrative = changes["narrative"]
    if "caller_number" in changes:
        call.caller_number = changes["caller_number"]


@handles(ProtocolAnswered)
def _protocol_answered(db: Session, e: Event, p: ProtocolAnswered) -> None:
    call = get_row(db, Call, p.id)
    call.protocol_answers = {**(call.protocol_answers or {}), **p.answers}  # the latest answer wins


@handles(CallEnded)
def _call_ended(db: Session, e: Event, p: CallEnded) -> None:
    call = get_row(db, Call, p.id)
    call.status, call.ended_at = CallStatus.ended, e.occurred_at


@handles(CallLinked)
def _call_linked(db: Session, e: Event, p: CallLinked) -> None:
    get_row(db, Call, p.id).incident_id = p.incident_id
    get_row(db, Incident, p.incident_id).updated_at = e.occurred_at
