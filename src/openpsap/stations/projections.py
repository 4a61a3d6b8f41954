"""How the events of agencies and stations change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.eventlog.projector import Event, get_row, handles, projects
from openpsap.stations.models import Agency, Station

projects('agencies', 'stations')


@handles("agency-added")
def _agency_added(db: Session, e: Event) -> None:
    db.add(Agency(id=e.data["id"], name=e.data["name"], discipline=e.data["discipline"]))


@handles("station-added")
def _station_added(db: Session, e: Event) -> None:
    d = e.data
    db.add(Station(id=d["id"], name=d["name"], agency_id=d["agency_id"], lat=d["lat"], lon=d["lon"], address=d.get("address")))


@handles("station-updated")
def _station_updated(db: Session, e: Event) -> None:
    station = get_row(db, Station, e.data["id"])
    for field, value in e.data["changes"].items():
        setattr(station, field, value)
