"""The roster a replay starts from: the San Francisco demo roster, changed by a what-if plan file.

A plan file (YAML):
    move:   {M55: FS12, E01: [37.78, -122.41]}        # to a station id or to a lat/lon posting
    add:    [{id: M99, type: MEDIC, capabilities: [als, transport], station: FS12}]
    remove: [T16]
Every change is checked; an unknown unit or station is an error naming it. PURE: no web, no database.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from openpsap.stations.seed import FIRE, POLICE, PRIVATE_EMS, RosterUnit, sf_stations, sf_units
from openpsap.units.service import UNIT_ID


class PlanFileError(ValueError):
    """A what-if plan that cannot be applied; the message says which entry and why."""


def _posting(value: Any, stations: dict[str, tuple[float, float]], where: str) -> tuple[str | None, float, float]:
    if isinstance(value, str):
        if value not in stations:
            raise PlanFileError(f"{where}: unknown station {value!r}; stations look like FS12 or PD-MISSION")
        return (value, *stations[value])
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        lat, lon = float(value[0]), float(value[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PlanFileError(f"{where}: [{lat}, {lon}] is not a latitude/longitude pair")
        return (None, lat, lon)
    raise PlanFileError(f"{where}: give a station id (FS12) or [lat, lon]")


def apply_plan(units: list[RosterUnit], document: Any) -> tuple[list[RosterUnit], list[str]]:
    """The changed roster and one line per change (for the run record)."""
    if document is None:
        return units, []
    if not isinstance(document, dict) or not set(document) <= {"move", "add", "remove"}:
        raise PlanFileError("a plan file is a YAML mapping with any of: move, add, remove")
    stations = {str(s["id"]): (float(s["lat"]), float(s["lon"])) for s in sf_stations()}  # type: ignore[arg-type]
    by_id = {u.id: u for u in units}
    changes: list[str] = []
    for unit_id in document.get("remove") or []:
        if str(unit_id).upper() not in by_id:
            raise PlanFileError(f"remove: unknown unit {unit_id!r}")
        del by_id[str(unit_id).upper()]
        changes.append(f"removed {unit_id}")
    for unit_id, target in (document.get("move") or {}).items():
        key = str(unit_id).upper()
        if key not in by_id:
            raise PlanFileError(f"move: unknown unit {unit_id!r}")
        station, lat, lon = _posting(target, stations, f"move {unit_id}")
        by_id[key] = replace(by_id[key], home_station_id=station or by_id[key].home_station_id, lat=lat, lon=lon)
        changes.append(f"moved {key} to {target}")
    for i, entry in enumerate(document.get("add") or []):
        where = f"add[{i}]"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("type"):
            raise PlanFileError(f"{where}: needs id, type and station (or at: [lat, lon])")
        key = str(entry["id"]).upper()
        if not UNIT_ID.match(key):
            raise PlanFileError(f"{where}: unit id {entry['id']!r} must be 1-16 letters, digits or '-'")
        if key in by_id:
            raise PlanFileError(f"{where}: unit {key} already exists")
        station, lat, lon = _posting(entry.get("station", entry.get("at")), stations, where)
        unit_type = str(entry["type"]).upper()
        agency = POLICE if unit_type == "PATROL" else PRIVATE_EMS if unit_type == "PRIVATE" else FIRE
        caps = sorted(str(c).lower() for c in entry.get("capabilities", []))
        by_id[key] = RosterUnit(key, unit_type, caps, agency, station, lat, lon)
        changes.append(f"added {key} ({unit_type}) at {entry.get('station', entry.get('at'))}")
    return sorted(by_id.values(), key=lambda u: u.id), changes


def load_plan(path: Path | None) -> tuple[list[RosterUnit], list[str]]:
    units = sf_units()
    if path is None:
        return units, []
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanFileError(f"cannot read plan file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise PlanFileError(f"{path} is not valid YAML: {exc}") from None
    return apply_plan(units, document)
