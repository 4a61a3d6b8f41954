"""Dispatching: assign units to incidents and move them through their statuses.

Locks are always taken incident first, then units in id order, so concurrent dispatchers on
PostgreSQL queue on the same rows instead of deadlocking, and a unit can never be committed twice.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from openpsap.clock import iso
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.dispatching.plans import ResponsePlans
from openpsap.dispatching.recommend import Recommendation, Recommender, UnitView
from openpsap.errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NoMapLocation
from openpsap.incidents import lifecycle as incident_rules
from openpsap.incidents import service as incident_service
from openpsap.incidents.enums import IncidentStatus
from openpsap.incidents.models import Incident
from openpsap.units import lifecycle as unit_rules
from openpsap.units import service as unit_service
from openpsap.units.enums import COMMITTED, UnitStatus
from openpsap.units.models import Assignment, Unit
from openpsap.incidents.events import IncidentCancelled, IncidentStatusChanged
from openpsap.units.events import UnitAcknowledged, UnitCleared, UnitDispatched, UnitStatusChanged

MAX_UNITS_PER_DISPATCH = 25


def committed_units(db: Session, *, incident_id: str) -> list[Unit]:
    return list(db.scalars(select(Unit).where(Unit.incident_id == incident_id).order_by(Unit.id)))


def committed_statuses(db: Session, *, incident_id: str) -> list[tuple[str, str]]:
    """(unit id, status) of the units committed to an incident: the columns only, no unit objects to build."""
    stmt = select(Unit.id, Unit.status).where(Unit.incident_id == incident_id).order_by(Unit.id)
    return [(str(u), str(s)) for u, s in db.execute(stmt)]


def assignments(db: Session, *, incident_id: str) -> list[Assignment]:
    stmt = select(Assignment).where(Assignment.incident_id == incident_id).order_by(Assignment.dispatched_at, Assignment.unit_id)
    return list(db.scalars(stmt))


def _refresh_incident_status(uow: UnitOfWork, incident: Incident) -> None:
    units = committed_statuses(uow.session, incident_id=incident.id)
    current = IncidentStatus(incident.status)
    new = incident_rules.derived_status(current, [UnitStatus(status) for _, status in units])
    if new is not current:
        uow.emit(IncidentStatusChanged.model_validate({"id": incident.id, "from": current, "to": new}), "incident", incident.id)


def _clear(uow: UnitOfWork, unit: Unit, to: UnitStatus = UnitStatus.InService, extra: dict | None = None) -> None:
    data = {"unit_id": unit.id, "incident_id": unit.incident_id, "assignment_id": unit.assignment_id, "to": to, **(extra or {})}
    uow.emit(UnitCleared.model_validate(data), "unit", unit.id)


def dispatch(uow: UnitOfWork, *, incident_id: str, unit_ids: list[str]) -> list[Unit]:
    """Assign every unit in unit_ids to the incident, or none of them."""
    ids = sorted({u.upper() for u in unit_ids})
    if not ids:
        raise InvalidInput("name at least one unit to dispatch", field="units")
    if len(ids) > MAX_UNITS_PER_DISPATCH:
        raise InvalidInput(f"at most {MAX_UNITS_PER_DISPATCH} units in one dispatch", field="units")
    db = uow.session
    incident = incident_service.get_or_raise(db, incident_id=incident_id, for_update=True)
    incident_rules.check_open(incident_id, IncidentStatus(incident.status))
    units = [unit_service.get_or_raise(db, unit_id=u, for_update=True) for u in ids]
    for unit in units:
        if unit.incident_id == incident_id:
            raise InvalidTransition(
                f"{unit_rules.describe(unit.id, UnitStatus(unit.status), unit.incident_id)} already", unit_id=unit.id
            )
        unit_rules.check_dispatch(unit.id, UnitStatus(unit.status), unit.incident_id)
    for unit in units:
        if unit.incident_id:  # ConditionallyAvailable (at hospital): released from its old incident first
            old = incident_service.get_or_raise(db, incident_id=unit.incident_id, for_update=True)
            _clear(uow, unit)
            _refresh_incident_status(uow, old)
        data = {"unit_id": unit.id, "incident_id": incident_id, "assignment_id": str(uuid.uuid4())}
        uow.emit(UnitDispatched.model_validate(data), "unit", unit.id)
    _refresh_incident_status(uow, incident)
    return units


def change_status(uow: UnitOfWork, *, unit_id: str, to: UnitStatus, expected_incident_id: str | None = None,
                  device_at: datetime | None = None) -> Unit:
    """Move a unit (EnRoute, OnScene, Transporting, Hospital, InService, OutofService, ...).

    `expected_incident_id`: the incident the unit's screen showed when the change was made (perhaps long ago, in a
    dead zone); refused when the unit is no longer on it. `device_at`: when it was made; recorded beside the time
    the server received it. The event records the unit's last known position."""
    db = uow.session
    peek = unit_service.get_or_raise(db, unit_id=unit_id)
    if expected_incident_id is not None and peek.incident_id != expected_incident_id:
        now_on = f"it is now on {peek.incident_id}" if peek.incident_id else f"it is {peek.status} on no incident"
        raise Conflict(f"not applied: {to} for unit {unit_id} on {expected_incident_id}, but {now_on} (reassigned, "
                       "cleared or closed meanwhile)", unit_id=unit_id, incident_id=expected_incident_id,
                       current_incident_id=peek.incident_id, status=str(peek.status))
    incident = incident_service.get_or_raise(db, incident_id=peek.incident_id, for_update=True) if peek.incident_id else None
    unit = unit_service.get_or_raise(db, unit_id=unit_id, for_update=True)
    if incident is not None and unit.incident_id != incident.id:
        raise InvalidTransition(f"unit {unit_id} changed while this command ran; send it again", unit_id=unit_id)
    current = UnitStatus(unit.status)
    unit_rules.check_move(unit.id, current, to, unit.incident_id)
    where = {"lat": unit.lat, "lon": unit.lon, "position_at": iso(unit.position_at) if unit.position_at else None}
    if device_at is not None:
        where["device_at"] = iso(device_at)
    if current in COMMITTED and to not in COMMITTED:
        _clear(uow, unit, to, where)
    else:
        uow.emit(UnitStatusChanged.model_validate({"unit_id": unit.id, "from": current, "to": to, "incident_id": unit.incident_id, **where}), "unit", unit.id)
    if incident is not None:
        _refresh_incident_status(uow, incident)
    return unit


def acknowledge(uow: UnitOfWork, *, unit_id: str, incident_id: str, device_at: datetime | None = None) -> Unit:
    """The crew saw the assignment (the unit's screen stops alerting). Refused when the unit is no longer on it."""
    unit = unit_service.get_or_raise(uow.session, unit_id=unit_id)
    if unit.incident_id != incident_id:
        now_on = f"it is now on {unit.incident_id}" if unit.incident_id else "it is on no incident"
        raise Conflict(f"not applied: acknowledge {incident_id} for unit {unit_id}, but {now_on}", unit_id=unit_id,
                       incident_id=incident_id, current_incident_id=unit.incident_id)
    data = {"unit_id": unit_id, "incident_id": incident_id, "device_at": iso(device_at) if device_at else None}
    uow.emit(UnitAcknowledged.model_validate(data), "unit", unit_id)
    return unit


def cancel_incident(uow: UnitOfWork, *, incident_id: str, reason: str) -> Incident:
    """Cancel an open incident; its units are released (a 'disregard' to everyone assigned)."""
    db = uow.session
    incident = incident_service.get_or_raise(db, incident_id=incident_id, for_update=True)
    incident_rules.check_open(incident_id, IncidentStatus(incident.status))
    for unit in committed_units(db, incident_id=incident_id):
        unit_service.get_or_raise(db, unit_id=unit.id, for_update=True)
        _clear(uow, unit)
    uow.emit(IncidentCancelled.model_validate({"id": incident_id, "reason": reason, "disposition": "10"}), "incident", incident_id)
    return incident


def close_incident(uow: UnitOfWork, *, incident_id: str, disposition: str, outcome: str | None) -> Incident:
    committed = committed_statuses(uow.session, incident_id=incident_id)
    return incident_service.close(uow, incident_id=incident_id, disposition=disposition, outcome=outcome, committed=committed)


def unit_views(db: Session) -> list[UnitView]:
    committed_to = select(Unit.incident_id).where(Unit.incident_id.is_not(None))
    rows = db.execute(select(Incident.id, Incident.eido_priority).where(Incident.id.in_(committed_to)))
    priority = {incident_id: eido for incident_id, eido in rows}
    # plain columns, not ORM objects, and the capabilities as their JSON text: this runs on every
    # recommendation, and a unit whose row has not changed gets the same (immutable) view back
    columns = (Unit.id, Unit.unit_type, cast(Unit.capabilities, String), Unit.primary_status, Unit.status,
               Unit.incident_id, Unit.lat, Unit.lon)
    views = []
    for row in db.execute(select(*columns).order_by(Unit.id)):
        key = (*row, priority.get(row[5]) if row[5] else None)
        view = _VIEWS.get(key)
        if view is None:
            if len(_VIEWS) > 50_000:
                _VIEWS.clear()
            uid, kind, caps, primary, status, incident, lat, lon, eido = key
            view = _VIEWS[key] = UnitView(uid, kind, _capabilities(caps), primary, status, incident, lat, lon, eido)
        views.append(view)
    return views


_VIEWS: dict[tuple, UnitView] = {}


@lru_cache(maxsize=1024)
def _capabilities(raw: str | None) -> frozenset[str]:
    return frozenset(json.loads(raw)) if raw else frozenset()


def recommend(db: Session, *, incident_id: str, recommender: Recommender, plans: ResponsePlans) -> Recommendation:
    incident = incident_service.get_or_raise(db, incident_id=incident_id)
    incident_rules.check_open(incident_id, IncidentStatus(incident.status))
    if incident.lat is None or incident.lon is None:
        raise NoMapLocation(  # the incident's state, not the request, is what is missing
            f"incident {incident_id} has no map location; set its location (lat, lon) to get a recommendation",
            field="location",
        )
    plan = plans.for_type(incident.incident_type)
    return recommender.recommend(lat=incident.lat, lon=incident.lon, plan=plan, units=unit_views(db),
                                 incident_id=incident_id)


def dispatch_recommended(uow: UnitOfWork, *, incident_id: str, recommender: Recommender, plans: ResponsePlans) -> Recommendation:
    """Recommend and dispatch in one command (one transaction: the units cannot be taken meanwhile)."""
    recommendation = recommend(uow.session, incident_id=incident_id, recommender=recommender, plans=plans)
    if not recommendation.unit_ids:
        reasons = "; ".join(s.unfilled_reason for s in recommendation.slots if s.unfilled_reason)
        done = [u for s in recommendation.slots for u in s.assigned]
        if done and not reasons:
            reasons = f"the plan is already filled ({', '.join(done)} assigned)"
        raise Conflict(
            f"nothing to dispatch to {incident_id}: {recommendation.note or reasons or 'the plan sends no unit'}",
            incident_id=incident_id,
        )
    dispatch(uow, incident_id=incident_id, unit_ids=recommendation.unit_ids)
    return recommendation


def unit_incidents(db: Session, *, unit_id: str, now: datetime, grace: timedelta) -> list[str]:
    """The incidents a unit is assigned to, or cleared from less than `grace` ago (a late note, its outcome)."""
    stmt = select(Assignment.incident_id).where(
        Assignment.unit_id == unit_id, or_(Assignment.cleared_at.is_(None), Assignment.cleared_at >= now - grace))
    return sorted(set(db.scalars(stmt)))


def check_unit_on_incident(db: Session, *, unit_id: str | None, incident_id: str, now: datetime, grace: timedelta) -> None:
    """A field unit acts only on the incidents it is assigned to (or just cleared); Forbidden otherwise."""
    if unit_id is None or incident_id not in unit_incidents(db, unit_id=unit_id, now=now, grace=grace):
        raise Forbidden(f"unit {unit_id or '(none)'} is not assigned to incident {incident_id}", incident_id=incident_id)
