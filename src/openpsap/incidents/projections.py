"""How the events of incidents, their notes and numbers change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.calls.models import Call
from openpsap.eventlog.projector import Event, get_row, handles, projects
from openpsap.incidents.enums import IncidentStatus
from openpsap.incidents.events import (
    IncidentCancelled, IncidentClosed, IncidentCreated, IncidentReopened, IncidentStatusChanged, IncidentUpdated, NoteAdded,
)
from openpsap.incidents.models import Counter, Incident, Note

projects('incidents', 'notes', 'counters')


@handles(IncidentCreated)
def _incident_created(db: Session, e: Event, p: IncidentCreated) -> None:
    loc = p.location or {}
    db.add(
        Incident(
            id=p.id,
            uid=p.uid,
            incident_type=p.incident_type,
            priority=p.priority,
            eido_priority=p.eido_priority,
            status=IncidentStatus.Active,
            lat=loc.get("lat"),
            lon=loc.get("lon"),
            address=loc.get("address"),
            flags=list(p.flags),
            disposition=None,
            outcome=None,
            created_at=e.occurred_at,
            created_by=e.actor,
            updated_at=e.occurred_at,
            closed_at=None,
        )
    )
    if p.counter is not None and p.number is not None:
        counter = db.get(Counter, p.counter)
        if counter is None:
            db.add(Counter(name=p.counter, value=p.number))
        else:
            counter.value = max(counter.value, p.number)
    for call_id in p.calls:
        get_row(db, Call, call_id).incident_id = p.id


@handles(IncidentUpdated)
def _incident_updated(db: Session, e: Event, p: IncidentUpdated) -> None:
    inc = get_row(db, Incident, p.id)
    for field, value in p.changes.items():
        if field == "location":
            value = value or {}
            inc.lat, inc.lon, inc.address = value.get("lat"), value.get("lon"), value.get("address")
        else:
            setattr(inc, field, value)
    inc.updated_at = e.occurred_at


@handles(IncidentStatusChanged)
def _incident_status_changed(db: Session, e: Event, p: IncidentStatusChanged) -> None:
    inc = get_row(db, Incident, p.id)
    inc.status, inc.updated_at = p.to, e.occurred_at


@handles(NoteAdded)
def _note_added(db: Session, e: Event, p: NoteAdded) -> None:
    db.add(Note(id=p.note_id, incident_id=p.incident_id, author=e.actor, text=p.text, created_at=e.occurred_at))
    get_row(db, Incident, p.incident_id).updated_at = e.occurred_at


@handles(IncidentClosed)
def _incident_closed(db: Session, e: Event, p: IncidentClosed) -> None:
    inc = get_row(db, Incident, p.id)
    inc.status, inc.disposition, inc.outcome = IncidentStatus.Closed, p.disposition, p.outcome
    inc.closed_at = inc.updated_at = e.occurred_at


@handles(IncidentCancelled)
def _incident_cancelled(db: Session, e: Event, p: IncidentCancelled) -> None:
    inc = get_row(db, Incident, p.id)
    inc.status, inc.disposition, inc.outcome = IncidentStatus.Cancelled, p.disposition, p.reason
    inc.closed_at = inc.updated_at = e.occurred_at


@handles(IncidentReopened)
def _incident_reopened(db: Session, e: Event, p: IncidentReopened) -> None:
    inc = get_row(db, Incident, p.id)
    inc.status, inc.disposition, inc.outcome, inc.closed_at = IncidentStatus.ReOpened, None, None, None
    inc.updated_at = e.occurred_at
