"""`openpsap jurisdiction import`: an OpenStreetMap extract in, a jurisdiction in the database out, in one
transaction: the network (largest strongly connected part), turn restrictions, address points, places, the area
covered, and the stations found as the start of the roster (agencies <PREFIX>-FIRE, -POLICE, -EMS).
Nothing is written when anything is refused."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.jurisdiction import network as net
from openpsap.jurisdiction import osm, service
from openpsap.stations import service as station_service
from openpsap.stations.models import Agency, Station

AGENCY_NAMES = {"fire": ("FIRE", "fire service"), "police": ("POLICE", "police"), "ems": ("EMS", "ambulance service")}


def prefix(name: str) -> str:
    """Short upper-case prefix for the ids of the jurisdiction's agencies and stations ('helsinki' -> 'HELSINKI')."""
    return name.upper().replace("-", "_")[:16]


def prepare(osm_path: Path, *, name: str, boundary_path: Path | None = None) -> dict[str, Any]:
    """Read and check everything (no database): what `store` writes, and the report."""
    started = time.perf_counter()
    service.check_name(name)
    boundary = net.read_boundary(boundary_path) if boundary_path is not None else None
    extract = osm.read(osm_path)
    network = net.build(extract.segments, boundary)
    net.check(network)
    lon = np.array([float(r["from_lon"]) for r in network.rows] + [float(r["to_lon"]) for r in network.rows])
    lat = np.array([float(r["from_lat"]) for r in network.rows] + [float(r["to_lat"]) for r in network.rows])
    area = boundary if boundary is not None else net.hull(lon, lat)

    def covered(points: list) -> list:  # with a boundary, only what lies inside it (else all: buildings at the
        if not points or boundary is None:  # edge may lie outside the hull of the roads)
            return points
        keep = net.inside(area, np.array([p.lon for p in points]), np.array([p.lat for p in points]))
        return [p for p, k in zip(points, keep.tolist(), strict=True) if k]

    addresses, places, stations = covered(extract.addresses), covered(extract.places), covered(extract.stations)
    nodes = {(r["from_lon"], r["from_lat"]) for r in network.rows} | {(r["to_lon"], r["to_lat"]) for r in network.rows}
    restrictions = [t for t in extract.restrictions if all((repr(p[0]), repr(p[1])) in nodes for p in t[:3])]
    summary = {
        "road_segments": len(network.rows), "road_km": round(network.kept_m / 1000, 2),
        "connected_share": round(network.connected_share, 4), "routable_share": round(network.routable_share, 4),
        "left_out_segments": network.dropped_segments, "left_out_km": round(network.dropped_m / 1000, 2),
        "strongly_connected_parts": network.parts, "turn_restrictions": len(restrictions),
        "address_points": len(addresses), "places": len(places), "stations": len(stations),
        "skipped": dict(extract.skipped) | ({"turn restriction on a road left out": len(extract.restrictions) - len(restrictions)}
                                            if len(extract.restrictions) > len(restrictions) else {}),
    }
    layers = {
        "roads": (service.ROAD_COLUMNS, network.rows),
        "restrictions": (service.RESTRICTION_COLUMNS, [
            {"before_lon": repr(a[0]), "before_lat": repr(a[1]), "via_lon": repr(v[0]), "via_lat": repr(v[1]),
             "after_lon": repr(b[0]), "after_lat": repr(b[1]), "only": "1" if only else "0"}
            for a, v, b, only in restrictions]),
        "addresses": (service.ADDRESS_COLUMNS, [
            {"street": p.street, "housenumber": p.housenumber, "number": p.number, "lat": p.lat, "lon": p.lon}
            for p in addresses]),
        "places": (service.PLACE_COLUMNS, [{"name": p.name, "kind": p.kind, "lat": p.lat, "lon": p.lon} for p in places]),
    }
    return {"name": name, "layers": layers, "stations": stations, "summary": summary, "area": area,
            "centre": (float(np.median(lat)), float(np.median(lon))), "source": osm_path.name,
            "sha256": hashlib.sha256(osm_path.read_bytes()).hexdigest(), "read_s": time.perf_counter() - started}


def store(uow: UnitOfWork, prepared: dict[str, Any], *, replace: bool = False, roster: bool = True,
          activate: bool = True) -> dict[str, Any]:
    """Write a prepared import in the unit of work's transaction; returns the summary (with stations added)."""
    summary = dict(prepared["summary"])
    service.save(uow.session, name=prepared["name"], layers=prepared["layers"], source=prepared["source"],
                 source_sha256=prepared["sha256"], summary=summary, area=prepared["area"], centre=prepared["centre"],
                 imported_at=datetime.now(UTC), replace=replace, activate=activate)
    summary["stations_added"] = add_stations(uow, prepared["name"], prepared["stations"]) if roster else 0
    return summary


def add_stations(uow: UnitOfWork, name: str, stations: list[osm.StationFound]) -> int:
    """The stations found, as the start of the roster; ones already there (a re-import) are left as they are."""
    head = prefix(name)
    added = 0
    count: dict[str, int] = {}
    for st in sorted(stations, key=lambda s: (s.discipline, s.name, s.osm_id)):
        code, words = AGENCY_NAMES[st.discipline]
        agency = f"{head}-{code}"
        if uow.session.get(Agency, agency) is None:
            station_service.add_agency(uow, agency_id=agency, name=f"{name.title()} {words}", discipline=st.discipline)
        count[code] = count.get(code, 0) + 1
        station_id = f"{head}-{code[0]}{count[code]:02d}"
        if uow.session.get(Station, station_id) is not None:
            continue
        station_service.add_station(uow, station_id=station_id, name=st.name[:200], agency_id=agency, lat=st.lat,
                                    lon=st.lon, address=st.address)
        added += 1
    return added

