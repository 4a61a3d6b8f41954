"""How the events of units: the roster, their assignments, statuses and positions change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from openpsap.clock import parse_iso
from openpsap.eventlog.projector import Event, get_row, handles, projects
from openpsap.incidents.models import Incident
from openpsap.units.enums import PRIMARY, UnitStatus
from openpsap.units.models import Assignment, Unit

projects('units', 'assignments')


def _set_unit_status(unit: Unit, status: UnitStatus, at: datetime) -> None:
    unit.status, unit.primary_status, unit.status_changed_at = status, PRIMARY[status], at


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


@handles("unit-updated")
def _unit_updated(db: Session, e: Event) -> None:
    unit = get_row(db, Unit, e.data["id"])
    for field, value in e.data["changes"].items():
        setattr(unit, field, list(value) if field == "capabilities" else value)


@handles("unit-dispatched")
def _unit_dispatched(db: Session, e: Event) -> None:
    d = e.data
    unit = get_row(db, Unit, d["unit_id"])
    _set_unit_status(unit, UnitStatus.Dispatched, e.occurred_at)
    unit.incident_id, unit.assignment_id = d["incident_id"], d["assignment_id"]
    db.add(Assignment(id=d["assignment_id"], incident_id=d["incident_id"], unit_id=unit.id, dispatched_at=e.occurred_at))
    get_row(db, Incident, d["incident_id"]).updated_at = e.occurred_at


_STEP_FIELD = {
    UnitStatus.EnRoute: "enroute_at",
    UnitStatus.OnScene: "onscene_at",
    UnitStatus.Transporting: "transporting_at",
    UnitStatus.Hospital: "hospital_at",
}


@handles("unit-status-changed")
def _unit_status_changed(db: Session, e: Event) -> None:
    unit = get_row(db, Unit, e.data["unit_id"])
    status = UnitStatus(e.data["to"])
    _set_unit_status(unit, status, e.occurred_at)
    field = _STEP_FIELD.get(status)
    if field and unit.assignment_id:
        setattr(get_row(db, Assignment, unit.assignment_id), field, e.occurred_at)


@handles("unit-cleared")
def _unit_cleared(db: Session, e: Event) -> None:
    unit = get_row(db, Unit, e.data["unit_id"])
    get_row(db, Assignment, e.data["assignment_id"]).cleared_at = e.occurred_at
    _set_unit_status(unit, UnitStatus(e.data.get("to", UnitStatus.InService)), e.occurred_at)
    unit.incident_id = unit.assignment_id = None


@handles("unit-position-updated")
def _unit_position_updated(db: Session, e: Event) -> None:
    unit = get_row(db, Unit, e.data["unit_id"])
    unit.lat, unit.lon, unit.position_at = e.data["lat"], e.data["lon"], parse_iso(e.data["at"])
