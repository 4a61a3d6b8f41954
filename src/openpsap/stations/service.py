"""Agencies and stations: add and list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.errors import Conflict, InvalidInput, NotFound
from openpsap.stations.models import Agency, Station
from openpsap.stations.events import AgencyAdded, StationAdded, StationUpdated

DISCIPLINES = ("police", "fire", "ems")


def add_agency(uow: UnitOfWork, *, agency_id: str, name: str, discipline: str) -> Agency:
    if discipline not in DISCIPLINES:
        raise InvalidInput(f"discipline must be one of {', '.join(DISCIPLINES)}", field="discipline")
    if uow.session.get(Agency, agency_id) is not None:
        raise Conflict(f"agency {agency_id} already exists", agency_id=agency_id)
    uow.emit(AgencyAdded.model_validate({"id": agency_id, "name": name, "discipline": discipline}), "agency", agency_id)
    return uow.row(Agency, agency_id)


def add_station(
    uow: UnitOfWork, *, station_id: str, name: str, agency_id: str, lat: float, lon: float, address: str | None = None
) -> Station:
    if uow.session.get(Agency, agency_id) is None:
        raise NotFound(f"agency {agency_id} not found", agency_id=agency_id)
    if uow.session.get(Station, station_id) is not None:
        raise Conflict(f"station {station_id} already exists", station_id=station_id)
    data = {"id": station_id, "name": name, "agency_id": agency_id, "lat": lat, "lon": lon, "address": address}
    uow.emit(StationAdded.model_validate(data), "station", station_id)
    return uow.row(Station, station_id)


def list_stations(db: Session) -> list[Station]:
    return list(db.scalars(select(Station).order_by(Station.agency_id, Station.id)))


def list_agencies(db: Session) -> list[Agency]:
    return list(db.scalars(select(Agency).order_by(Agency.id)))


def get_station_or_raise(db: Session, *, station_id: str) -> Station:
    station = db.get(Station, station_id)
    if station is None:
        raise NotFound(f"station {station_id} not found", station_id=station_id)
    return station


def update_station(
    uow: UnitOfWork, *, station_id: str, name: str | None = None, lat: float | None = None, lon: float | None = None,
    address: str | None = None,
) -> Station:
    """Rename or move a station (its address, its point). Units waiting there keep their own AVL positions."""
    station = get_station_or_raise(uow.session, station_id=station_id)
    wanted = {"name": name, "lat": lat, "lon": lon, "address": address}
    if (lat is None) != (lon is None):
        raise InvalidInput("give both lat and lon to move a station", field="lat")
    changes = {k: v for k, v in wanted.items() if v is not None and v != getattr(station, k)}
    if not changes:
        return station  # the same values again: nothing changes, nothing is recorded
    previous = {k: getattr(station, k) for k in changes}
    uow.emit(StationUpdated.model_validate({"id": station_id, "changes": changes, "previous": previous}), "station", station_id)
    return station
