"""The one place state changes: apply(event) folds an event into the current-state tables.

Commands call it as they emit events; `openpsap db rebuild` calls it for every event in the log.
A handler may read only the event (kind, data, occurred_at, actor, id) and the current state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from openpsap.auth.models import User
from openpsap.calls.enums import CallStatus
from openpsap.calls.models import Call
from openpsap.care.models import CarePlan, FollowUp, IncidentCare, PublicSummary
from openpsap.clock import parse_iso
from openpsap.configuration.models import ConfigurationDocument
from openpsap.incidents.enums import IncidentStatus
from openpsap.incidents.models import Counter, Incident, Note
from openpsap.stations.models import Agency, Station
from openpsap.units.enums import PRIMARY, UnitStatus
from openpsap.units.models import Assignment, Unit


@dataclass
class Event:
    id: str
    kind: str
    subject_type: str
    subject_id: str
    occurred_at: datetime
    actor: str
    data: dict[str, Any]


Handler = Callable[[Session, Event], None]
HANDLERS: dict[str, Handler] = {}
# state tables rebuilt from the log, children first (for deleting)
PROJECTED_TABLES = ["follow_ups", "incident_care", "care_plans", "public_summaries", "assignments", "notes", "calls", "units", "incidents", "counters", "stations", "agencies", "users", "configuration_documents"]


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def apply(db: Session, event: Event) -> None:
    HANDLERS.get(event.kind, _no_state)(db, event)


def _no_state(db: Session, event: Event) -> None:
    """Events that are audit only (logins, password changes)."""


def _get_or_add(db: Session, model: type, **key: str) -> Any:
    """The row with this primary key, or a new one added to the session (one row per subject)."""
    row = db.get(model, next(iter(key.values())))
    if row is None:
        row = model(**key)
        db.add(row)
    return row


def _get(db: Session, model: type, key: str) -> Any:
    obj = db.get(model, key)
    if obj is None:  # the log references something that does not exist: a corrupt log
        raise RuntimeError(f"event refers to unknown {model.__name__} {key!r}")
    return obj


@handles("agency-added")
def _agency_added(db: Session, e: Event) -> None:
    db.add(Agency(id=e.data["id"], name=e.data["name"], discipline=e.data["discipline"]))


@handles("station-added")
def _station_added(db: Session, e: Event) -> None:
    d = e.data
    db.add(Station(id=d["id"], name=d["name"], agency_id=d["agency_id"], lat=d["lat"], lon=d["lon"], address=d.get("address")))


@handles("unit-added")
def _unit_added(db: Session, e: Event) -> None:
    d = e.data
    status = UnitStatus(d.get("status", UnitStatus.InService))
    db.add(
        Unit(
            id=d["id"],
            unit_type=d["unit_type"],
            capabilities=list(d["capabilities"]),
            agency_id=d["agency_id"],
            home_station_id=d.get("home_station_id"),
            status=status,
            primary_status=PRIMARY[status],
            status_changed_at=e.occurred_at,
            lat=d.get("lat"),
            lon=d.get("lon"),
            position_at=e.occurred_at if d.get("lat") is not None else None,
            incident_id=None,
            assignment_id=None,
        )
    )


@handles("station-updated")
def _station_updated(db: Session, e: Event) -> None:
    station = _get(db, Station, e.data["id"])
    for field, value in e.data["changes"].items():
        setattr(station, field, value)


@handles("unit-updated")
def _unit_updated(db: Session, e: Event) -> None:
    unit = _get(db, Unit, e.data["id"])
    for field, value in e.data["changes"].items():
        setattr(unit, field, list(value) if field == "capabilities" else value)


@handles("configuration-changed")
def _configuration_changed(db: Session, e: Event) -> None:
    row = _get_or_add(db, ConfigurationDocument, key=e.data["key"])
    row.document, row.version, row.changed_at, row.changed_by = e.data["document"], e.data["version"], e.occurred_at, e.actor


@handles("user-added")
def _user_added(db: Session, e: Event) -> None:
    d = e.data
    db.add(User(username=d["username"], display_name=d["display_name"], roles=list(d["roles"]), unit_id=d.get("unit_id"), active=True))


@handles("user-disabled")
def _user_disabled(db: Session, e: Event) -> None:
    _get(db, User, e.data["username"]).active = False


@handles("user-enabled")
def _user_enabled(db: Session, e: Event) -> None:
    _get(db, User, e.data["username"]).active = True


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
    call = _get(db, Call, e.data["id"])
    call.status, call.answered_at, call.answered_by = CallStatus.answered, e.occurred_at, e.actor


@handles("call-updated")
def _call_updated(db: Session, e: Event) -> None:
    call = _get(db, Call, e.data["id"])
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
    call = _get(db, Call, e.data["id"])
    call.protocol_answers = {**(call.protocol_answers or {}), **e.data["answers"]}  # the latest answer wins


@handles("call-ended")
def _call_ended(db: Session, e: Event) -> None:
    call = _get(db, Call, e.data["id"])
    call.status, call.ended_at = CallStatus.ended, e.occurred_at


@handles("call-linked")
def _call_linked(db: Session, e: Event) -> None:
    _get(db, Call, e.data["id"]).incident_id = e.data["incident_id"]
    _get(db, Incident, e.data["incident_id"]).updated_at = e.occurred_at


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
        _get(db, Call, call_id).incident_id = d["id"]


@handles("incident-updated")
def _incident_updated(db: Session, e: Event) -> None:
    inc = _get(db, Incident, e.data["id"])
    for field, value in e.data["changes"].items():
        if field == "location":
            value = value or {}
            inc.lat, inc.lon, inc.address = value.get("lat"), value.get("lon"), value.get("address")
        else:
            setattr(inc, field, value)
    inc.updated_at = e.occurred_at


@handles("incident-status-changed")
def _incident_status_changed(db: Session, e: Event) -> None:
    inc = _get(db, Incident, e.data["id"])
    inc.status, inc.updated_at = e.data["to"], e.occurred_at


@handles("note-added")
def _note_added(db: Session, e: Event) -> None:
    d = e.data
    db.add(Note(id=d["note_id"], incident_id=d["incident_id"], author=e.actor, text=d["text"], created_at=e.occurred_at))
    _get(db, Incident, d["incident_id"]).updated_at = e.occurred_at


@handles("incident-closed")
def _incident_closed(db: Session, e: Event) -> None:
    inc = _get(db, Incident, e.data["id"])
    inc.status, inc.disposition, inc.outcome = IncidentStatus.Closed, e.data["disposition"], e.data.get("outcome")
    inc.closed_at = inc.updated_at = e.occurred_at


@handles("incident-cancelled")
def _incident_cancelled(db: Session, e: Event) -> None:
    inc = _get(db, Incident, e.data["id"])
    inc.status, inc.disposition, inc.outcome = IncidentStatus.Cancelled, e.data.get("disposition"), e.data.get("reason")
    inc.closed_at = inc.updated_at = e.occurred_at


@handles("incident-reopened")
def _incident_reopened(db: Session, e: Event) -> None:
    inc = _get(db, Incident, e.data["id"])
    inc.status, inc.disposition, inc.outcome, inc.closed_at = IncidentStatus.ReOpened, None, None, None
    inc.updated_at = e.occurred_at


@handles("public-summary-approved")
def _public_summary_approved(db: Session, e: Event) -> None:
    d = e.data
    summary = _get_or_add(db, PublicSummary, incident_id=d["incident_id"])
    summary.text, summary.removed, summary.approved_by, summary.approved_at = d["text"], d["removed"], e.actor, e.occurred_at


@handles("care-outcomes-recorded")
def _care_outcomes_recorded(db: Session, e: Event) -> None:
    d = e.data
    care = _get_or_add(db, IncidentCare, incident_id=d["incident_id"])
    care.outcomes, care.note, care.recorded_by, care.recorded_at = d["outcomes"], d["note"], e.actor, e.occurred_at


@handles("follow-up-created")
def _follow_up_created(db: Session, e: Event) -> None:
    d = e.data
    notes = [{"at": e.occurred_at.isoformat(), "by": e.actor, "text": d["note"]}] if d.get("note") else []
    db.add(FollowUp(id=d["id"], kind=d["kind"], status="open", incident_id=d.get("incident_id"),
                    caller_number=d.get("caller_number"), referral=d.get("referral"), assignee=d.get("assignee"),
                    due_at=parse_iso(d["due_at"]), notes=notes, created_by=e.actor, created_at=e.occurred_at))


@handles("follow-up-updated")
def _follow_up_updated(db: Session, e: Event) -> None:
    d = e.data
    task = _get(db, FollowUp, d["id"])
    task.notes = [*task.notes, {"at": e.occurred_at.isoformat(), "by": e.actor, "text": d["note"]}] if d.get("note") else task.notes
    if d.get("assignee"):
        task.assignee = d["assignee"]
    if d["status"] != task.status:
        task.status = d["status"]
        task.closed_at = e.occurred_at if d["status"] != "open" else None


@handles("care-plan-noted")
def _care_plan_noted(db: Session, e: Event) -> None:
    d = e.data
    plan = _get_or_add(db, CarePlan, caller_number=d["caller_number"])
    plan.note, plan.updated_by, plan.updated_at = d["note"], e.actor, e.occurred_at


@handles("public-summary-withdrawn")
def _public_summary_withdrawn(db: Session, e: Event) -> None:
    summary = db.get(PublicSummary, e.data["incident_id"])
    if summary is not None:
        db.delete(summary)


def _set_unit_status(unit: Unit, status: UnitStatus, at: datetime) -> None:
    unit.status, unit.primary_status, unit.status_changed_at = status, PRIMARY[status], at


@handles("unit-dispatched")
def _unit_dispatched(db: Session, e: Event) -> None:
    d = e.data
    unit = _get(db, Unit, d["unit_id"])
    _set_unit_status(unit, UnitStatus.Dispatched, e.occurred_at)
    unit.incident_id, unit.assignment_id = d["incident_id"], d["assignment_id"]
    db.add(Assignment(id=d["assignment_id"], incident_id=d["incident_id"], unit_id=unit.id, dispatched_at=e.occurred_at))
    _get(db, Incident, d["incident_id"]).updated_at = e.occurred_at


_STEP_FIELD = {
    UnitStatus.EnRoute: "enroute_at",
    UnitStatus.OnScene: "onscene_at",
    UnitStatus.Transporting: "transporting_at",
    UnitStatus.Hospital: "hospital_at",
}


@handles("unit-status-changed")
def _unit_status_changed(db: Session, e: Event) -> None:
    unit = _get(db, Unit, e.data["unit_id"])
    status = UnitStatus(e.data["to"])
    _set_unit_status(unit, status, e.occurred_at)
    field = _STEP_FIELD.get(status)
    if field and unit.assignment_id:
        setattr(_get(db, Assignment, unit.assignment_id), field, e.occurred_at)


@handles("unit-cleared")
def _unit_cleared(db: Session, e: Event) -> None:
    unit = _get(db, Unit, e.data["unit_id"])
    _get(db, Assignment, e.data["assignment_id"]).cleared_at = e.occurred_at
    _set_unit_status(unit, UnitStatus(e.data.get("to", UnitStatus.InService)), e.occurred_at)
    unit.incident_id = unit.assignment_id = None


@handles("unit-position-updated")
def _unit_position_updated(db: Session, e: Event) -> None:
    unit = _get(db, Unit, e.data["unit_id"])
    unit.lat, unit.lon, unit.position_at = e.data["lat"], e.data["lon"], parse_iso(e.data["at"])
