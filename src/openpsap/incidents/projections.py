"""How the events of incidents, their notes and numbers change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.calls.models import Call
from openpsap.eventlog.projector import Event, get_row, handles, projects
from openpsap.incidents.enums import IncidentStatus
from openpsap.incidents.models import Counter, Incident, Note

projects('incidents', 'notes', 'counters')


@handles("incident-created")
def _incident_created(db: Session, e: Event) -> None:
    d = e.data
    loc = d.get("location") or {}
    db.add(
        Incident(
            id=d["id"],
            uid=d["uid"],
            incident_type=d["incident_type"],
            priority=d["priority"],
            eido_priority=d["eido_priority"],
            status=IncidentStatus.Active,
            lat=loc.get("lat"),
            lon=loc.get("lon"),
            address=loc.get("address"),
            flags=list(d.get("flags", [])),
            disposition=None,
            outcome=None,
            created_at=e.occurred_at,
            created_by=e.actor,
            updated_at=e.occurred_at,
            closed_at=None,
        )
    )
    counter = db.get(Counter, d["counter"])
    if counter is None:
        db.add(Counter(name=d["counter"], value=d["number"]))
    else:
        counter.value = max(counter.value, d["number"])
    for call_id in d.get("calls", []):
        get_row(db, Call, call_id).incident_id = d["id"]


@handles("incident-updated")
def _incident_updated(db: Session, e: Event) -> None:
    inc = get_row(db, Incident, e.data["id"])
    for field, value in e.data["changes"].items():
        if field == "location":
            value = value or {}
            inc.lat, inc.lon, inc.address = value.get("lat"), value.get("lon"), value.get("address")
        else:
            setattr(inc, field, value)
    inc.updated_at = e.occurred_at


@handles("incident-status-changed")
def _incident_status_changed(db: Session, e: Event) -> None:
    inc = get_row(db, Incident, e.data["id"])
    inc.status, inc.updated_at = e.data["to"], e.occurred_at


@handles("note-added")
def _note_added(db: Session, e: Event) -> None:
    d = e.data
    db.add(Note(id=d["note_id"], incident_id=d["incident_id"], author=e.actor, text=d["text"], created_at=e.occurred_at))
    get_row(db, Incident, d["incident_id"]).updated_at = e.occurred_at


@handles("incident-closed")
def _incident_closed(db: Session, e: Event) -> None:
    inc = get_row(db, Incident, e.data["id"])
    inc.status, inc.disposition, inc.outcome = IncidentStatus.Closed, e.data["disposition"], e.data.get("outcome")
    inc.closed_at = inc.updated_at = e.occurred_at


@handles("incident-cancelled")
def _incident_cancelled(db: Session, e: Event) -> None:
    inc = get_row(db, Incident, e.data["id"])
    inc.status, inc.disposition, inc.outcome = IncidentStatus.Cancelled, e.data.get("disposition"), e.data.get("reason")
    inc.closed_at = inc.updated_at = e.occurred_at


@handles("incident-reopened")
def _incident_reopened(db: Session, e: Event) -> None:
    inc = get_row(db, Incident, e.data["id"])
    inc.status, inc.disposition, inc.outcome, inc.closed_at = IncidentStatus.ReOpened, None, None, None
    inc.updated_at = e.occurred_at
