"""Seed the San Francisco demo roster from package data: SFFD stations and units, SFPD district
stations with patrol units. Every record goes in through events, like any other change.

Sources: DataSF Fire Department Calls for Service (PDDL), one real week; police stations located at
their cross streets on the OpenStreetMap road network; patrol counts illustrative (data/README.md).
"""

from __future__ import annotations

import csv
import re
from importlib.resources import files

from openpsap.commands import UnitOfWork
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


def seed_sf(uow: UnitOfWork) -> dict[str, int]:
    station_service.add_agency(uow, agency_id=FIRE, name="San Francisco Fire Department", discipline="fire")
    station_service.add_agency(uow, agency_id=POLICE, name="San Francisco Police Department", discipline="police")
    station_service.add_agency(uow, agency_id=PRIVATE_EMS, name="Private ambulance providers (SF)", discipline="ems")
    counts = {"stations": 0, "units": 0}
    for row in _rows("sf_fire_stations.csv"):
        station_service.add_station(
            uow, station_id=fire_station_id(row["station_id"]), name=row["name"], agency_id=FIRE,
            lat=float(row["lat"]), lon=float(row["lon"]),
        )
        counts["stations"] += 1
    for row in _rows("sf_fire_units.csv"):
        home = fire_station_id(row["home_station"]) if row["home_station"] else None
        lat = lon = None
        if row["unit_type"] in ROAMING_TYPES or home is None:
            lat, lon = float(row["cluster_lat"]), float(row["cluster_lon"])
        unit_service.add(
            uow, unit_id=row["unit_id"], unit_type=row["unit_type"], capabilities=capabilities(row["capabilities"]),
            agency_id=PRIVATE_EMS if row["unit_type"] == "PRIVATE" else FIRE, home_station_id=home, lat=lat, lon=lon,
        )
        counts["units"] += 1
    for row in _rows("sf_police_stations.csv"):
        station_id = f"PD-{row['station_id']}"
        station_service.add_station(
            uow, station_id=station_id, name=row["name"], agency_id=POLICE,
            lat=float(row["lat"]), lon=float(row["lon"]), address=row["address"],
        )
        counts["stations"] += 1
        letter = DISTRICT_LETTER[row["station_id"]]
        for n in range(1, int(row["patrol_units_day"]) + 1):
            unit_service.add(
                uow, unit_id=f"P{letter}{n:02d}", unit_type="PATROL", capabilities=["police", "patrol"],
                agency_id=POLICE, home_station_id=station_id,
            )
            counts["units"] += 1
    return counts
