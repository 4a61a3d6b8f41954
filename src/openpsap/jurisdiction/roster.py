"""A centre's roster and response plans from files: stations (CSV: id,name,agency,lat,lon[,discipline][,address]),
units (CSV: id,type,capabilities,station; capabilities separated by ';' or spaces) and response plans (YAML, the
format of data/response_plans.yaml and the 'response-plans' configuration document).

Everything is read and checked before anything is written, each problem named by file, line and column; then
the agencies, stations and units go in through their services (events, so the admin screen edits them afterwards)
and the plans as the 'response-plans' document, in the caller's one transaction.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from openpsap.configuration import service as configuration_service
from openpsap.errors import InvalidInput
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.stations import service as station_service
from openpsap.stations.models import Agency, Station
from openpsap.units import service as unit_service
from openpsap.units.models import Unit

STATION_COLUMNS = ("id", "name", "agency", "lat", "lon")
UNIT_COLUMNS = ("id", "type", "capabilities", "station")
POLICE_TYPES, EMS_TYPES = {"PATROL"}, {"MEDIC", "PRIVATE", "AMBULANCE"}


class RosterError(InvalidInput):
    """A roster or plans file that cannot be imported; the message names the file, line and column."""


class StationRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
    name: str = Field(min_length=1, max_length=200)
    agency: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    discipline: str | None = Field(default=None, pattern="^(fire|police|ems)$")
    address: str | None = Field(default=None, max_length=300)

    @field_validator("discipline", "address", mode="before")
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class UnitRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]{0,15}$")
    type: str = Field(min_length=1, max_length=32)
    capabilities: list[str]
    station: str = Field(min_length=1, max_length=32)

    @field_validator("capabilities", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return sorted({c.lower() for c in str(value or "").replace(";", " ").split()})


@dataclass
class Roster:
    stations: list[StationRow]
    units: list[UnitRow]
    plans: Any | None  # the YAML document, checked
    units_file: str = "units.csv"
    unit_lines: dict[str, int] = field(default_factory=dict)


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RosterError(f"cannot read {path}: {exc.strerror}", file=path.name) from None
    except UnicodeDecodeError:
        raise RosterError(f"{path.name} is not UTF-8 text; save it as UTF-8 CSV", file=path.name) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise RosterError(f"{path.name}: the header lacks column(s) {', '.join(missing)} (expected "
                          f"{','.join(required)})", file=path.name)
    reader.fieldnames = header
    rows = [(reader.line_num, {k: (v or "") for k, v in row.items() if k is not None}) for row in reader]
    if not rows:
        raise RosterError(f"{path.name} has a header and no rows", file=path.name)
    return rows


def _parse(model: type[BaseModel], path: Path, line: int, row: dict[str, str]) -> Any:
    try:
        return model.model_validate(row)
    except ValidationError as exc:
        first = exc.errors()[0]
        column = str(first["loc"][0]) if first["loc"] else "?"
        raise RosterError(f"{path.name} line {line}, column {column}: {row.get(column, '')!r}: {first['msg']}",
                          file=path.name, line=line, column=column) from None


def read(stations_path: Path, units_path: Path, plans_path: Path | None = None) -> Roster:
    """Read and check the files (not yet against the database)."""
    stations: list[StationRow] = []
    seen: dict[str, int] = {}
    for line, row in _rows(stations_path, STATION_COLUMNS):
        station = _parse(StationRow, stations_path, line, row)
        if station.id in seen:
            raise RosterError(f"{stations_path.name} line {line}, column id: station {station.id} is already on line "
                              f"{seen[station.id]}", file=stations_path.name, line=line, column="id")
        seen[station.id] = line
        stations.append(station)
    units: list[UnitRow] = []
    unit_lines: dict[str, int] = {}
    for line, row in _rows(units_path, UNIT_COLUMNS):
        unit = _parse(UnitRow, units_path, line, row)
        unit.id, unit.type = unit.id.upper(), unit.type.upper()
        if unit.id in unit_lines:
            raise RosterError(f"{units_path.name} line {line}, column id: unit {unit.id} is already on line "
                              f"{unit_lines[unit.id]}", file=units_path.name, line=line, column="id")
        unit_lines[unit.id] = line
        units.append(unit)
    plans = _plans(plans_path) if plans_path is not None else None
    return Roster(stations, units, plans, units_path.name, unit_lines)


def _plans(path: Path) -> Any:
    from openpsap.configuration import documents

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RosterError(f"cannot read {path}: {exc.strerror}", file=path.name) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RosterError(f"{path.name} is not valid YAML: {exc}", file=path.name) from None
    try:
        documents.check("response-plans", document)
    except documents.DocumentError as exc:
        raise RosterError(f"{path.name}: {exc}", file=path.name) from None
    return document


def store(uow: UnitOfWork, roster: Roster, *, source: str = "roster import") -> dict:
    """Add the agencies (new ones), stations and units through their services, then the plans; the caller's unit of
    work commits all of it or none. A station or unit already in the database is refused, naming it."""
    db = uow.session
    in_file = {s.id for s in roster.stations}
    for station in roster.stations:
        if db.get(Station, station.id) is not None:
            raise RosterError(f"station {station.id} is already in the roster; change it in the admin screen or "
                              "leave it out of the file", station_id=station.id)
    for unit in roster.units:
        if unit.station not in in_file and db.get(Station, unit.station) is None:
            line = roster.unit_lines.get(unit.id)
            raise RosterError(f"{roster.units_file} line {line}, column station: {unit.station!r}: no such station in "
                              "the stations file or the roster", file=roster.units_file, line=line, column="station")
        if db.get(Unit, unit.id) is not None:
            raise RosterError(f"unit {unit.id} is already in the roster; change it in the admin screen or leave it "
                              "out of the file", unit_id=unit.id)
    agencies_added = 0
    for agency_id, discipline in _agencies(roster).items():
        if db.get(Agency, agency_id) is None:
            station_service.add_agency(uow, agency_id=agency_id, name=agency_id, discipline=discipline)
            agencies_added += 1
    for station in roster.stations:
        station_service.add_station(uow, station_id=station.id, name=station.name, agency_id=station.agency,
                                    lat=station.lat, lon=station.lon, address=station.address)
    for unit in roster.units:
        home = station_service.get_station_or_raise(db, station_id=unit.station)
        unit_service.add(uow, unit_id=unit.id, unit_type=unit.type, capabilities=unit.capabilities,
                         agency_id=home.agency_id, home_station_id=home.id)
    if roster.plans is not None:
        configuration_service.set_document(uow, key="response-plans", document=roster.plans, source=source)
    return {"agencies_added": agencies_added, "stations": len(roster.stations), "units": len(roster.units),
            "unit_types": dict(Counter(u.type for u in roster.units)), "plans": roster.plans is not None}


def _agencies(roster: Roster) -> dict[str, str]:
    """agency id -> discipline: the stations' own `discipline` column, else guessed from the units they house
    (all patrol: police; all ambulances: ems; anything else: fire)."""
    station_agency = {s.id: s.agency for s in roster.stations}
    types: dict[str, set[str]] = {}
    for unit in roster.units:
        if unit.station in station_agency:
            types.setdefault(station_agency[unit.station], set()).add(unit.type)
    out: dict[str, str] = {}
    for station in roster.stations:
        if station.discipline:
            out[station.agency] = station.discipline
        elif station.agency not in out:
            kinds = types.get(station.agency, set())
            out[station.agency] = ("police" if kinds and kinds <= POLICE_TYPES
                                   else "ems" if kinds and kinds <= EMS_TYPES else "fire")
    return out
