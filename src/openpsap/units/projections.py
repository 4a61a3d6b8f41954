"""How the events of units: the roster, their assignments, statuses and positions change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from openpsap.clock import parse_iso
from openpsap.eventlog.projector import Event, get_row, handles, projects
from openpsap.incidents.models import Incident
from openpsap.units.enums import PRIMARY, UnitStatus
from openpsap.units.events import UnitAdded, UnitCleared, UnitDispatched, UnitPositionUpdated, UnitStatusChanged, UnitUpdated
from openpsap.units.models import Assignment, Unit

projects('units', 'assignments')


def _set_unit_status(unit: Unit, status: UnitStatus, at: datetime) -> None:
    unit.status, unit.primary_status, unit.status_changed_at = status, PRIMARY[status], at


@handles(UnitAdded)
def _unit_added(db: Session, e: Event, p: UnitAdded) -> None:
    status = UnitStatus(p.status or UnitStatus.InService)
    db.add(
        Unit(
            id=p.id,
            unit_type=p.unit_type,
            capabilities=list(p.capabilities),
            agency_id=p.agency_id,
            home_station_id=p.home_station_id,
            status=status,
            primary_status=PRIMARY[status],
            status_changed_at=e.occurred_at,
            lat=p.lat,
            lon=p.lon,
            position_at=e.occurred_at if p.lat is not None else None,
            incident_id=None,
            assignment_id=None,
        )
    )


@handles(UnitUpdated)
def _unit_updated(db: Session, e: Event, p: UnitUpdated) -> None:
    unit = get_row(db, Unit, p.id)
    for field, value in p.changes.items():
        setattr(unit, field, list(value) if field == "capabilities" else value)


@handles(UnitDispatched)
def _unit_dispatched(db: Session, e: Event, p: UnitDispatched) -> None:
    unit = get_row(db, Unit, p.unit_id)
    _set_unit_status(unit, UnitStatus.Dispatched, e.occurred_at)
    unit.incident_id, unit.assignment_id = p.incident_id, p.assignment_id
    db.add(Assignment(id=p.assignment_id, incident_id=p.incident_id, unit_id=unit.id, dispatched_at=e.occurred_at))
    get_row(db, Incident, p.incident_id).updated_at = e.occurred_at


_STEP_FIELD = {
    UnitStatus.EnRoute: "enroute_at",
    UnitStatus.OnScene: "onscene_at",
    UnitStatus.Transporting: "transporting_at",
    UnitStatus.Hospital: "hospital_at",
}


@handles(UnitStatusChanged)
def _unit_status_changed(db: Session, e: Event, p: UnitStatusChanged) -> None:
    unit = get_row(db, Unit, p.unit_id)
    status = UnitStatus(p.to)
    _set_unit_status(unit, status, e.occurred_at)
    field = _STEP_FIELD.get(status)
    if field and unit.assignment_id:
        setattr(get_row(db, Assignment, unit.assignment_id), field, e.occurred_at)


@handles(UnitCleared)
def _unit_cleared(db: Session, e: Event, p: UnitCleared) -> None:
    unit = get_row(db, Unit, p.unit_id)
    get_row(db, Assignment, p.assignment_id or unit.assignment_id or "").cleared_at = e.occurred_at
    _set_unit_status(unit, UnitStatus(p.to or UnitStatus.InService), e.occurred_at)
    unit.incident_id = unit.assignment_id = None


@handles(UnitPositionUpdated)
def _unit_position_updated(db: Session, e: Event, p: UnitPositionUpdated) -> None:
    unit = get_row(db, Unit, p.unit_id)
    unit.lat, unit.lon, unit.position_at = p.lat, p.lon, parse_iso(p.at)
