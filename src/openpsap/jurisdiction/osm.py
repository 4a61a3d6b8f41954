"""Read an OpenStreetMap extract (.osm.pbf) with pyosmium: the drivable roads (with oneway, maxspeed and access),
turn restrictions, address points, named places and the fire, police and ambulance stations.

What counts as drivable, and for whom: an emergency vehicle may use any road open to motor vehicles, and also
private and destination-only roads (a call is a destination); a road closed to motor vehicles (access=no) is left
out unless it says emergency=yes (or is open to buses or taxis: a physical road that emergency vehicles use). oneway=yes/-1, roundabouts and motorways are one-way; oneway:emergency=no lifts
a one-way for emergency vehicles. PURE (no database): jurisdiction/importer.py stores what this reads.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpsap.errors import InvalidInput

DRIVABLE = {
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
    "tertiary", "tertiary_link", "unclassified", "residential", "living_street", "service", "road", "busway",
}
KIND = {"motorway": "highway", "trunk": "highway", "primary": "major_road", "secondary": "major_road",
        "tertiary": "major_road"}
CLOSED = {"no"}  # access values an emergency vehicle does not drive (private, destination, ... it does)
STATIONS = {("amenity", "fire_station"): "fire", ("amenity", "police"): "police",
            ("emergency", "ambulance_station"): "ems", ("amenity", "ambulance_station"): "ems"}
PLACE_KINDS = {"city", "town", "village", "hamlet", "suburb", "quarter", "neighbourhood", "city_block", "square",
               "locality", "island", "islet", "isolated_dwelling", "farm", "plot"}
LANDMARK_AMENITIES = {"hospital", "clinic", "school", "college", "university", "kindergarten", "library",
                      "townhall", "courthouse", "police", "fire_station", "place_of_worship", "theatre", "cinema",
                      "bus_station", "ferry_terminal", "marketplace", "community_centre", "nursing_home"}
ZONE_KMH = {"urban": 50.0, "rural": 80.0, "motorway": 120.0, "trunk": 100.0, "living_street": 20.0, "zone30": 30.0,
            "zone20": 20.0, "walk": 6.0, "school": 30.0}
NUMBER = re.compile(r"^\s*(\d{1,6})")


@dataclass(frozen=True)
class Segment:
    a: tuple[float, float]  # (lon, lat)
    b: tuple[float, float]
    length_m: float
    road_class: str
    name: str
    oneway: str  # "yes" (a -> b only), "-1" (b -> a only) or ""
    maxspeed_kmh: float | None
    way_id: int


@dataclass(frozen=True)
class AddressPoint:
    street: str
    housenumber: str
    number: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    lat: float
    lon: float


@dataclass(frozen=True)
class StationFound:
    discipline: str  # fire / police / ems
    name: str
    lat: float
    lon: float
    osm_id: str
    address: str | None


@dataclass
class OsmExtract:
    segments: list[Segment] = field(default_factory=list)
    restrictions: list[tuple[tuple[float, float], tuple[float, float], tuple[float, float], bool]] = field(default_factory=list)
    addresses: list[AddressPoint] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    stations: list[StationFound] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # what was left out, and why


def check_pbf(path: Path) -> None:
    """Refuse what is not an OSM PBF file, before the reader sees it."""
    if not path.is_file():
        raise InvalidInput(f"{path} does not exist or is not a file", field="osm")
    if path.stat().st_size == 0:
        raise InvalidInput(f"{path} is empty: give an OpenStreetMap extract (.osm.pbf)", field="osm")
    with path.open("rb") as fh:
        head = fh.read(64)
    if b"OSMHeader" not in head:
        raise InvalidInput(f"{path} is not an OpenStreetMap PBF file (no OSMHeader block at its start); download "
                           "the extract as .osm.pbf (e.g. from Geofabrik), not .osm, .osm.bz2 or .shp", field="osm")


def maxspeed_kmh(value: str | None) -> float | None:
    """'50' -> 50, '30 mph' -> 48.3, 'FI:urban' -> 50; anything else (none, signals, variable) -> None."""
    if not value:
        return None
    text = value.strip().lower()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(mph|km/h|kmh)?", text)
    if m:
        speed = float(m.group(1)) * (1.609344 if m.group(2) == "mph" else 1.0)
        return speed if 5 <= speed <= 200 else None
    zone = text.split(":", 1)[-1]
    return ZONE_KMH.get(zone)


def _oneway(tags) -> str:  # noqa: ANN001 - osmium TagList
    if tags.get("oneway:emergency") == "no":
        return ""
    value = tags.get("oneway", "")
    if value in ("yes", "true", "1"):
        return "yes"
    if value in ("-1", "reverse"):
        return "-1"
    if value == "no":
        return ""
    if tags.get("junction") in ("roundabout", "circular") or tags.get("highway") == "motorway":
        return "yes"
    return ""


def _closed(tags) -> bool:  # noqa: ANN001
    if any(tags.get(k) in ("yes", "designated") for k in ("emergency", "psv", "bus", "taxi")):
        return False  # a bus, taxi or emergency road is a road an emergency vehicle drives
    for key in ("motorcar", "motor_vehicle", "vehicle", "access"):  # the most specific tag decides
        if key in tags:
            return tags[key] in CLOSED
    return False


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[1]), math.radians(b[1])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[0] - a[0]) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def _centre(obj) -> tuple[float, float] | None:  # noqa: ANN001 - an osmium node or area
    if obj.is_node():
        return (obj.location.lon, obj.location.lat) if obj.location.valid() else None
    points = [(p.lon, p.lat) for ring in obj.outer_rings() for p in ring]
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def read(path: Path) -> OsmExtract:
    """Everything the import needs, in one reading of the file (pyosmium assembles building areas itself)."""
    import osmium

    check_pbf(path)
    out = OsmExtract()
    way_nodes: dict[int, list[tuple[int, tuple[float, float]]]] = {}
    restrictions: list[tuple[int, int, int, bool]] = []  # from way, via node, to way, only
    obj: Any  # a node, way, relation or area (pyosmium yields no changesets here)
    try:
        for obj in osmium.FileProcessor(str(path)).with_locations().with_areas():
            tags = obj.tags
            if obj.is_way() and tags.get("highway") in DRIVABLE:
                _road(obj, tags, out, way_nodes)
            elif obj.is_relation() and tags.get("type") == "restriction":
                _restriction(obj, tags, restrictions, out)
            elif obj.is_node() or obj.is_area():
                _feature(obj, tags, out)
    except RuntimeError as exc:  # libosmium: a damaged or truncated file
        raise InvalidInput(f"{path} could not be read as an OpenStreetMap PBF file: {exc}", field="osm") from None
    for from_way, via, to_way, only in restrictions:
        found = _turn(way_nodes, from_way, via, to_way)
        if found is None:
            out.skipped["turn restriction not on drivable roads joined at its via node"] += 1
        else:
            out.restrictions.append((*found, only))
    return out


def _road(way, tags, out: OsmExtract, way_nodes: dict) -> None:  # noqa: ANN001
    if tags.get("area") == "yes":
        return
    if _closed(tags):
        out.skipped["road closed to motor vehicles (access=no)"] += 1
        return
    nodes = [(n.ref, (n.lon, n.lat)) for n in way.nodes if n.location.valid()]
    if len(nodes) < 2:
        out.skipped["road whose nodes are outside the extract"] += 1
        return
    way_nodes[way.id] = nodes
    klass = tags["highway"]
    oneway, speed, name = _oneway(tags), maxspeed_kmh(tags.get("maxspeed")), tags.get("name", "")
    for (_, a), (_, b) in zip(nodes, nodes[1:], strict=False):
        if a != b:
            out.segments.append(Segment(a, b, round(_metres(a, b), 1), klass, name, oneway, speed, way.id))


def _restriction(rel, tags, restrictions: list, out: OsmExtract) -> None:  # noqa: ANN001
    kind = tags.get("restriction") or tags.get("restriction:motorcar") or ""
    if not (kind.startswith("no_") or kind.startswith("only_")):
        out.skipped["turn restriction of an unknown kind"] += 1
        return
    if "emergency" in tags.get("except", ""):
        return  # emergency vehicles are exempt
    roles = {m.role: (m.type, m.ref) for m in rel.members}
    if roles.get("via", ("", 0))[0] != "n":
        out.skipped["turn restriction through a via way (not supported)"] += 1
        return
    if roles.get("from", ("", 0))[0] != "w" or roles.get("to", ("", 0))[0] != "w":
        out.skipped["turn restriction without a from and a to road"] += 1
        return
    restrictions.append((roles["from"][1], roles["via"][1], roles["to"][1], kind.startswith("only_")))


def _turn(way_nodes: dict, from_way: int, via: int, to_way: int):  # noqa: ANN202
    """(before, via, after) points of a restriction: the neighbours of the via node on its two roads."""
    def neighbour(way: int) -> tuple[tuple[float, float], tuple[float, float]] | None:
        nodes = way_nodes.get(way)
        if not nodes:
            return None
        refs = [r for r, _ in nodes]
        if refs[0] == via:  # (the road's node next to the via node, the via node)
            return nodes[1][1], nodes[0][1]
        if refs[-1] == via:
            return nodes[-2][1], nodes[-1][1]
        return None  # the via node is not at an end of this road: not a valid restriction

    before, after = neighbour(from_way), neighbour(to_way)
    if before is None or after is None:
        return None
    return before[0], before[1], after[0]


def _feature(obj, tags, out: OsmExtract) -> None:  # noqa: ANN001
    number, street = tags.get("addr:housenumber"), tags.get("addr:street")
    name = tags.get("name")
    discipline = _station(tags)
    place = tags.get("place")
    wanted = (number and street) or discipline or (name and (place in PLACE_KINDS or
                                                             tags.get("amenity") in LANDMARK_AMENITIES))
    if not wanted:
        return
    centre = _centre(obj)
    if centre is None:
        return
    lon, lat = centre
    if number and street:
        m = NUMBER.match(number)
        if m:
            out.addresses.append(AddressPoint(street, number.strip(), int(m.group(1)), lat, lon))
        else:
            out.skipped["address point without a house number that starts with digits"] += 1
    if discipline:
        osm_id = f"{'n' if obj.is_node() else ('w' if obj.from_way() else 'r')}{obj.id if obj.is_node() else obj.orig_id()}"
        address = f"{street} {number}" if number and street else None
        out.stations.append(StationFound(discipline, name or f"{discipline} station {osm_id}", lat, lon, osm_id, address))
    if name and (place in PLACE_KINDS or tags.get("amenity") in LANDMARK_AMENITIES):
        out.places.append(Place(name, place or tags["amenity"], lat, lon))


def _station(tags) -> str | None:  # noqa: ANN001
    for (key, value), discipline in STATIONS.items():
        if tags.get(key) == value:
            return discipline
    return None
