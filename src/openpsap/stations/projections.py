"""How the events of agencies and stations change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.eventlog.projector import Event, get_row, handles, projects
from openpsap.stations.events import AgencyAdded, StationAdded, StationUpdated
from openpsap.stations.models import Agency, Station

projects('agencies', 'stations')


@handles(AgencyAdded)
def _agency_added(db: Session, e: Event, p: AgencyAdded) -> None:
    db.add(Agency(id=p.id, name=p.name, discipline=p.discipline))


@handles(StationAdded)
def _station_added(db: Session, e: Event, p: StationAdded) -> None:
    db.add(Station(id=p.id, name=p.name, agency_id=p.agency_id, lat=p.lat, lon=p.lon, address=p.address))


@handles(StationUpdated)
def _station_updated(db: Session, e: Event, p: StationUpdated) -> None:
    station = get_row(db, Station, p.id)
    for field, value in p.changes.items():
        setattr(station, field, value)
