"""Seed the San Francisco demo roster from package data: SFFD stations and units, SFPD district
stations with patrol units. Every record goes in through events, like any other change.

Sources: DataSF Fire Department Calls for Service (PDDL), one real week; police stations located at
their cross streets on the OpenStreetMap road network; patrol counts illustrative (data/README.md).
"""

from __future__ import annotations

from typing import Any

import csv
import re
from dataclasses import dataclass
from importlib.resources import files

from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.stations import service as station_service
from openpsap.units import service as unit_service

FIRE, POLICE, PRIVATE_EMS = "SFFD", "SFPD", "SF-PVT-EMS"
ROAMING_TYPES = {"MEDIC", "PRIVATE"}  # their cluster point is a better posting than a station
DISTRICT_LETTER = {
    "CENTRAL": "A", "SOUTHERN": "B", "BAYVIEW": "C", "MISSION": "D", "NORTHERN": "E",
    "PARK": "F", "RICHMOND": "G", "INGLESIDE": "H", "TARAVAL": "I", "TENDERLOIN": "J",
}


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(files("openpsap.data").joinpath(name).read_text(encoding="utf-8").splitlines()))


def capabilities(raw: str) -> list[str]:
    """'fire;pump;ALS(ALS part-week)' -> ['als', 'fire', 'pump']"""
    tokens = {re.sub(r"\(.*\)", "", t).strip().lower() for t in raw.split(";")}
    return sorted(t for t in tokens if t)


def fire_station_id(number: str) -> str:
    return f"FS{int(number):02d}"


@dataclass(frozen=True)
class RosterUnit:
    id: str
    unit_type: str
    capabilities: list[str]
    agency_id: str
    home_station_id: str | None
    lat: float
    lon: float


def sf_stations() -> list[dict[str, Any]]:
    fire = [
        {"id": fire_station_id(r["station_id"]), "name": r["name"], "agency_id": FIRE, "lat": float(r["lat"]),
         "lon": float(r["lon"]), "address": None}
        for r in _rows("sf_fire_stations.csv")
    ]
    police = [
        {"id": f"PD-{r['station_id']}", "name": r["name"], "agency_id": POLICE, "lat": float(r["lat"]),
         "lon": float(r["lon"]), "address": r["address"]}
        for r in _rows("sf_police_stations.csv")
    ]
    return fire + police


def sf_units() -> list[RosterUnit]:
    """The demo roster at its postings: fire units at their station, medics and private ambulances
    (and units with no known station) at the cluster point of their week's responses, patrol units
    at their district station."""
    at = {s["id"]: (s["lat"], s["lon"]) for s in sf_stations()}
    units = []
    for row in _rows("sf_fire_units.csv"):
        home = fire_station_id(row["home_station"]) if row["home_station"] else None
        if row["unit_type"] in ROAMING_TYPES or home is None:
            lat, lon = float(row["cluster_lat"]), float(row["cluster_lon"])
        else:
            lat, lon = at[home]
        agency = PRIVATE_EMS if row["unit_type"] == "PRIVATE" else FIRE
        units.append(RosterUnit(row["unit_id"], row["unit_type"], capabilities(row["capabilities"]), agency, home, lat, lon))
    for row in _rows("sf_police_stations.csv"):
        station_id = f"PD-{row['station_id']}"
        letter = DISTRICT_LETTER[row["station_id"]]
        for n in range(1, int(row["patrol_units_day"]) + 1):
            lat, lon = at[station_id]
            units.append(RosterUnit(f"P{letter}{n:02d}", "PATROL", ["patrol", "police"], POLICE, station_id, lat, lon))
    return units


def seed_sf(uow: UnitOfWork) -> dict[str, int]:
    station_service.add_agency(uow, agency_id=FIRE, name="San Francisco Fire Department", discipline="fire")
    station_service.add_agency(uow, agency_id=POLICE, name="San Francisco Police Department", discipline="police")
    station_service.add_agency(uow, agency_id=PRIVATE_EMS, name="Private ambulance providers (SF)", discipline="ems")
    stations = sf_stations()
    for st in stations:
        station_service.add_station(uow, station_id=st["id"], name=st["name"], agency_id=st["agency_id"],
                                    lat=st["lat"], lon=st["lon"], address=st["address"])
    units = sf_units()
    for u in units:
        unit_service.add(uow, unit_id=u.id, unit_type=u.unit_type, capabilities=u.capabilities, agency_id=u.agency_id,
                         home_station_id=u.home_station_id, lat=u.lat, lon=u.lon)
    return {"stations": len(stations), "units": len(units)}
