"""The unit roster: add units, read them, change their type, capabilities or home station."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.db import get_locked
from openpsap.errors import Conflict, InvalidInput, NotFound
from openpsap.stations.models import Agency, Station
from openpsap.units.enums import UnitStatus
from openpsap.units.models import Unit
from openpsap.units.events import UnitAdded, UnitUpdated

UNIT_ID = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,15}$")


def get(db: Session, *, unit_id: str, for_update: bool = False) -> Unit | None:
    return get_locked(db, Unit, unit_id) if for_update else db.get(Unit, unit_id)


def get_or_raise(db: Session, *, unit_id: str, for_update: bool = False) -> Unit:
    unit = get(db, unit_id=unit_id, for_update=for_update)
    if unit is None:
        raise NotFound(f"unit {unit_id} not found", unit_id=unit_id)
    return unit


def list_units(db: Session, *, primary_status: str | None = None, agency_id: str | None = None) -> list[Unit]:
    stmt = select(Unit).order_by(Unit.id)
    if primary_status:
        stmt = stmt.where(Unit.primary_status == primary_status)
    if agency_id:
        stmt = stmt.where(Unit.agency_id == agency_id)
    return list(db.scalars(stmt))


def add(
    uow: UnitOfWork,
    *,
    unit_id: str,
    unit_type: str,
    capabilities: list[str],
    agency_id: str,
    home_station_id: str | None,
    lat: float | None = None,
    lon: float | None = None,
) -> Unit:
    if not unit_id.isascii() or not UNIT_ID.match(unit_id.upper()):
        raise InvalidInput("unit id must be 1-16 letters, digits or '-', e.g. E01 or M10", field="id")
    unit_id = unit_id.upper()
    db = uow.session
    if db.get(Agency, agency_id) is None:
        raise NotFound(f"agency {agency_id} not found", agency_id=agency_id)
    station = db.get(Station, home_station_id) if home_station_id else None
    if home_station_id and station is None:
        raise NotFound(f"station {home_station_id} not found", station_id=home_station_id)
    if db.get(Unit, unit_id) is not None:
        raise Conflict(f"unit {unit_id} already exists", unit_id=unit_id)
    if lat is None and station is not None:
        lat, lon = station.lat, station.lon
    data = {
        "id": unit_id,
        "unit_type": unit_type,
        "capabilities": capabilities,
        "agency_id": agency_id,
        "home_station_id": home_station_id,
        "status": UnitStatus.InService,
        "lat": lat,
        "lon": lon,
    }
    uow.emit(UnitAdded.model_validate(data), "unit", unit_id)
    return uow.row(Unit, unit_id)


def update(
    uow: UnitOfWork,
    *,
    unit_id: str,
    unit_type: str | None = None,
    capabilities: list[str] | None = None,
    home_station_id: str | None = None,
) -> Unit:
    """Change a unit's type, capabilities or home station (the roster). A unit moved to another station while
    available at its old one is placed at the new one, so the recommendation measures from where it now waits."""
    db = uow.session
    unit = get_or_raise(db, unit_id=unit_id, for_update=True)
    changes: dict[str, object] = {}
    if unit_type is not None and unit_type != unit.unit_type:
        changes["unit_type"] = unit_type
    if capabilities is not None and sorted(set(capabilities)) != sorted(set(unit.capabilities)):
        changes["capabilities"] = sorted(set(capabilities))
    if home_station_id is not None and home_station_id != unit.home_station_id:
        station = db.get(Station, home_station_id)
        if station is None:
            raise NotFound(f"station {home_station_id} not found", station_id=home_station_id)
        changes["home_station_id"] = home_station_id
        old = db.get(Station, unit.home_station_id) if unit.home_station_id else None
        waiting_there = old is not None and unit.incident_id is None and (unit.lat, unit.lon) == (old.lat, old.lon)
        if waiting_there or unit.lat is None:
            changes["lat"], changes["lon"] = station.lat, station.lon
    if not changes:
        return unit  # the same values again: nothing changes, nothing is recorded
    previous = {field: getattr(unit, field) for field in changes}
    uow.emit(UnitUpdated.model_validate({"id": unit_id, "changes": changes, "previous": previous}), "unit", unit_id)
    return unit
