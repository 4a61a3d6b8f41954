"""Geocoding without internet, from the street names of the road network.

- "Market St & 5th St", "5th and Market", "market/5th": the node both streets share (or the
  nearest pair of their nodes within 40 m);
- "Market Street": the street's middle node, with the street's extent;
- "100 Block of MARKET ST": that block where the shipped SF call data has seen it, else the street;
- "1455 Market St" or "Mannerheimintie 22": a house number, placed by the address-range index (geo/addresses.py):
  exactly at an address point, else between the known numbered points of the street; a number it cannot place
  is said to be so (and the street's middle given);
- "Hakaniemi", "Kansalliskirjasto": a named place or landmark of an imported jurisdiction, with its size as the
  uncertainty;
- reverse: a point -> its street and the nearest cross street.
Unknown or misspelt names never get a confident answer: they get ranked candidates or "not found".
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import threading
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from importlib.resources import files

import numpy as np

from openpsap.geo.addresses import AddressIndex, from_block_centres
from openpsap.geo.names import base, normalise
from openpsap.routing.graph import RoadGraph

SEPARATORS = re.compile(r"\s*(?:&|/|@|\bAND\b|\bAT\b|\bX\b)\s*", re.IGNORECASE)
BLOCK = re.compile(r"^\s*(\d+)\s+BLOCK\s+OF\s+(.+)$", re.IGNORECASE)
HOUSE = re.compile(r"^\s*(\d{1,6})\s+(\S.*)$")
HOUSE_AFTER = re.compile(r"^\s*(\D.*?\S)\s+(\d{1,6})(?:\s*[A-Za-z]|\s*-\s*\d{1,6})?\s*$")  # "Mannerheimintie 22 B"
PLACE_M = {"city": 5000.0, "town": 3000.0, "village": 1000.0, "suburb": 1000.0, "quarter": 600.0, "island": 600.0,
           "neighbourhood": 400.0, "locality": 400.0, "hamlet": 300.0, "city_block": 100.0, "square": 50.0}
LANDMARK_M = 50.0  # a named building: its centre, within about this
INTERSECTION_M = 15.0  # how far the caller may be from the crossing point
JOIN_M = 40.0


@dataclass
class GeocodeResult:
    status: str  # found / ambiguous / not_found
    query: str
    kind: str = ""  # intersection / street / block / reverse
    label: str = ""
    lat: float | None = None
    lon: float | None = None
    confidence: str = ""  # exact / approximate
    candidates: list[str] = field(default_factory=list)
    message: str = ""
    uncertainty_m: float | None = None  # how far the real place may be from the point, in metres

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Landmark:
    name: str
    kind: str
    lat: float
    lon: float

    @property
    def uncertainty_m(self) -> float:
        return PLACE_M.get(self.kind, LANDMARK_M)


class Geocoder:
    def __init__(self, graph: RoadGraph, street_nodes: dict[str, set[int]], display: dict[str, str],
                 blocks: dict[tuple[int, str], tuple[float, float]] | None = None,
                 addresses: AddressIndex | None = None, places: list[Landmark] | None = None) -> None:
        self.graph = graph
        self.places: dict[str, Landmark] = {}
        for place in places or []:
            self.places.setdefault(normalise(place.name), place)
        self.addresses = addresses if addresses is not None else from_block_centres(blocks or {})
        self.street_nodes = street_nodes
        self.display = display
        self.blocks = blocks or {}
        self.node_streets: dict[int, set[str]] = defaultdict(set)
        for street, nodes in street_nodes.items():
            for n in nodes:
                self.node_streets[n].add(street)
        for copy in range(graph.snappable, graph.node_count):  # a turn-restricted via node's copies (routing/turns.py)
            self.node_streets[copy] = self.node_streets.get(int(graph.origin[copy]), set())
        self._by_base: dict[str, set[str]] = defaultdict(set)
        for street in street_nodes:
            self._by_base[base(street)].add(street)

    # -- forward ---------------------------------------------------------------------------------
    def geocode(self, query: str) -> GeocodeResult:
        text = query.strip()
        if not text or len(text) > 200:
            return GeocodeResult("not_found", query, message="give a street, an intersection or a block address (1-200 characters)")
        block = BLOCK.match(text)
        if block:
            return self._block(query, int(block.group(1)), block.group(2))
        parts = [p for p in SEPARATORS.split(text) if p.strip()]
        if len(parts) == 2:
            return self._intersection(query, parts[0], parts[1])
        house = HOUSE.match(text) or HOUSE_AFTER.match(text)
        if len(parts) == 1 and house and not self._resolve(text)[0]:
            number, street = (house.group(1), house.group(2)) if house.re is HOUSE else (house.group(2), house.group(1))
            streets, suggestions = self._resolve(street)
            if not streets:
                return self._unknown(query, street, suggestions)
            return self._house(query, int(number), street, street_first=house.re is HOUSE_AFTER)
        if len(parts) == 1 and normalise(text) in self.places and not self._resolve(text)[0]:
            return self._place(query, self.places[normalise(text)])
        if len(parts) == 1:
            return self._street(query, parts[0])
        return GeocodeResult("not_found", query, message="an intersection names two streets, e.g. 'Market St & 5th St'")

    def _resolve(self, name: str) -> tuple[list[str], list[str]]:
        """(matching streets, suggestions). A bare '5th' matches '5TH ST' and '5TH AVE'."""
        norm = normalise(name)
        if norm in self.street_nodes:
            return [norm], []
        if norm in self._by_base:
            return sorted(self._by_base[norm]), []
        close = difflib.get_close_matches(norm, list(self.street_nodes), n=5, cutoff=0.75)
        landmarks = difflib.get_close_matches(norm, list(self.places), n=3, cutoff=0.8) if self.places else []
        return [], [self.display[c] for c in close] + [self.places[p].name for p in landmarks]

    def _place(self, query: str, place: Landmark) -> GeocodeResult:
        return GeocodeResult("found", query, "place", place.name, place.lat, place.lon, "approximate",
                             message=f"a named place ({place.kind.replace('_', ' ')}), within about "
                                     f"{place.uncertainty_m:.0f} m of its centre", uncertainty_m=place.uncertainty_m)

    def _street(self, query: str, name: str) -> GeocodeResult:
        streets, suggestions = self._resolve(name)
        if not streets:
            return self._unknown(query, name, suggestions)
        if len(streets) > 1:
            return GeocodeResult("ambiguous", query, "street", candidates=[self.display[s] for s in streets],
                                 message=f"{name!r} could be several streets; add St, Ave, ...")
        nodes = np.array(sorted(self.street_nodes[streets[0]]))
        lat, lon = self.graph.lat[nodes], self.graph.lon[nodes]
        mid = nodes[int(np.argmin((lat - lat.mean()) ** 2 + ((lon - lon.mean()) * 0.79) ** 2))]
        reach = float(np.max(np.hypot((lat - self.graph.lat[mid]) * 111_320, (lon - self.graph.lon[mid]) * 88_000)))
        return GeocodeResult("found", query, "street", self.display[streets[0]], float(self.graph.lat[mid]),
                             float(self.graph.lon[mid]), "approximate", message="a point in the middle of the street",
                             uncertainty_m=round(max(reach, 50.0)))

    def _intersection(self, query: str, a: str, b: str) -> GeocodeResult:
        sa, suggest_a = self._resolve(a)
        sb, suggest_b = self._resolve(b)
        if not sa:
            return self._unknown(query, a, suggest_a)
        if not sb:
            return self._unknown(query, b, suggest_b)
        found = []
        for x in sa:
            for y in sb:
                node = self._meeting_node(x, y)
                if node is not None:
                    found.append((x, y, node))
        if not found:
            return GeocodeResult("not_found", query, "intersection",
                                 message=f"{self.display[sa[0]]} and {self.display[sb[0]]} do not cross in this map")
        if len({(x, y) for x, y, _ in found}) > 1:
            return GeocodeResult("ambiguous", query, "intersection",
                                 candidates=[f"{self.display[x]} & {self.display[y]}" for x, y, _ in found])
        x, y, node = found[0]
        return GeocodeResult("found", query, "intersection", f"{self.display[x]} & {self.display[y]}",
                             float(self.graph.lat[node]), float(self.graph.lon[node]), "exact",
                             uncertainty_m=INTERSECTION_M)

    def _house(self, query: str, number: int, street: str, street_first: bool = False) -> GeocodeResult:
        streets, _ = self._resolve(street)
        placed = [(s, p) for s in streets if (p := self.addresses.place(s, number)) is not None]
        if len(placed) > 1:
            return GeocodeResult("ambiguous", query, "address", candidates=[f"{number} {self.display[s]}" for s, _ in placed],
                                 message=f"{number} {street!r} is on several streets; add St, Ave, ...")
        if placed:
            s, p = placed[0]
            how = {"exact": "an address point", "block": "the centre of its block",
                   "interpolated": "interpolated between the street's known numbers"}[p.how]
            label = f"{self.display[s]} {number}" if street_first else f"{number} {self.display[s]}"
            return GeocodeResult("found", query, "address", label, p.lat, p.lon,
                                 "exact" if p.how == "exact" else "approximate", uncertainty_m=p.uncertainty_m,
                                 message=f"house number: {how}, within about {p.uncertainty_m:.0f} m")
        known = [(self.display[s], r) for s in streets if (r := self.addresses.known_range(s))]
        said = "; ".join(f"{name} {lo}-{hi}" for name, (lo, hi) in known) or "none for this street"
        result = self._street(query, street)
        if result.status == "found":
            result.message = (f"number {number} cannot be placed: the numbers known here are {said}. This is the "
                              "middle of the street: ask for a cross street")
        return result

    def _meeting_node(self, x: str, y: str) -> int | None:
        shared = self.street_nodes[x] & self.street_nodes[y]
        if shared:
            return min(shared)
        nx_, ny_ = np.array(sorted(self.street_nodes[x])), np.array(sorted(self.street_nodes[y]))
        if len(nx_) * len(ny_) > 4_000_000:
            return None
        px = self.graph.project(self.graph.lat[nx_], self.graph.lon[nx_])
        py = self.graph.project(self.graph.lat[ny_], self.graph.lon[ny_])
        d = np.hypot(px[:, None, 0] - py[None, :, 0], px[:, None, 1] - py[None, :, 1])
        i, j = np.unravel_index(int(np.argmin(d)), d.shape)
        return int(nx_[i]) if d[i, j] <= JOIN_M else None

    def _block(self, query: str, number: int, street: str) -> GeocodeResult:
        streets, suggestions = self._resolve(street)
        if not streets:
            return self._unknown(query, street, suggestions)
        block = (number // 100) * 100
        for s in streets:
            if (block, s) in self.blocks:
                lat, lon = self.blocks[(block, s)]
                placed = self.addresses.place(s, block + 50)
                return GeocodeResult("found", query, "block", f"{block} block of {self.display[s]}", lat, lon, "approximate",
                                     message="centre of the block as seen in the SF call data",
                                     uncertainty_m=placed.uncertainty_m if placed else 75.0)
        result = self._street(query, street)
        if result.status == "found":
            result.kind, result.message = "street", (
                f"block {block} is not in the data: this is the middle of the street; ask for a cross street")
        return result

    def _unknown(self, query: str, name: str, suggestions: list[str]) -> GeocodeResult:
        if suggestions:
            return GeocodeResult("ambiguous", query, candidates=suggestions,
                                 message=f"no street named {name!r}; did you mean one of these?")
        return GeocodeResult("not_found", query, message=f"no street named {name!r} in this map")

    # -- reverse ---------------------------------------------------------------------------------
    def reverse(self, lat: float, lon: float) -> GeocodeResult:
        snap = self.graph.snap(lat, lon)  # raises InvalidInput off the map
        here = self.node_streets.get(snap.node, set())
        dist, idx = self.graph.nearest(lat, lon, k=60)
        street = min(here, key=len) if here else None
        cross = None
        for d, n in zip(dist, idx, strict=True):
            names = self.node_streets.get(int(n), set())
            if street is None and names:
                street = min(names)
            if street and street in names and len(names) > 1:
                others = sorted(names - {street})
                cross = others[0]
                break
        label = self.display.get(street, "unnamed road") if street else "unnamed road"
        if cross:
            label += f" near {self.display[cross]}"
        return GeocodeResult("found", f"{lat},{lon}", "reverse", label, lat, lon, "approximate",
                             message=f"{snap.distance_m:.0f} m from the road", uncertainty_m=round(snap.distance_m, 1))


def build(graph: RoadGraph, rows: list[dict[str, str]], blocks: dict | None = None,
          addresses: AddressIndex | None = None, places: list[Landmark] | None = None) -> Geocoder:
    """Index street names by the graph's nodes (rows: the segment CSV the graph was built from)."""
    street_nodes: dict[str, set[int]] = defaultdict(set)
    display: dict[str, str] = {}
    pts = np.array([[float(r["from_lat"]), float(r["from_lon"])] for r in rows] + [[float(r["to_lat"]), float(r["to_lon"])] for r in rows])
    _, nodes = graph.nearest(pts[:, 0], pts[:, 1])
    n = len(rows)
    for i, r in enumerate(rows):
        if not r["name"]:
            continue
        key = normalise(r["name"])
        display.setdefault(key, r["name"])
        street_nodes[key].update((int(nodes[i]), int(nodes[n + i])))
    if addresses is not None:
        _address_only_streets(graph, addresses, street_nodes, display)
    return Geocoder(graph, dict(street_nodes), display, blocks, addresses, places)


def _address_only_streets(graph: RoadGraph, addresses: AddressIndex, street_nodes: dict[str, set[int]],
                          display: dict[str, str]) -> None:
    """A street with addresses but no drivable road of its own (a pedestrian street, a square): its address points
    stand at their nearest roads, so its numbers, its name and its crossings are still found."""
    for street in sorted(addresses.streets() - set(street_nodes)):
        points = addresses.points(street)
        _, near = graph.nearest(np.array([p.lat for p in points]), np.array([p.lon for p in points]))
        street_nodes[street].update(int(x) for x in np.atleast_1d(near))
        display.setdefault(street, addresses.display.get(street, street.title()))


def blocks_from_calls(rows: list[tuple[str, float, float]]) -> dict[tuple[int, str], tuple[float, float]]:
    """(address like '100 Block of MARKET ST', lat, lon) -> the mean point of each block."""
    acc: dict[tuple[int, str], list[tuple[float, float]]] = defaultdict(list)
    for address, lat, lon in rows:
        m = BLOCK.match(address)
        if m and not math.isnan(lat):
            acc[((int(m.group(1)) // 100) * 100, normalise(m.group(2)))].append((lat, lon))
    return {k: (float(np.mean([p[0] for p in v])), float(np.mean([p[1] for p in v]))) for k, v in acc.items()}


_defaults: dict[str, Geocoder] = {}
_lock = threading.Lock()


def default_geocoder() -> Geocoder:
    """The process's network (routing.graph.use_network): San Francisco, with the blocks seen in the SF call data,
    or an imported jurisdiction with its address points and places."""
    from openpsap.routing.graph import active_network, default_graph, network_key, read_segments

    with _lock:
        key = network_key()
        if key not in _defaults:
            _defaults.clear()  # one network in memory at a time
            source = active_network()
            if source is not None:
                _defaults[key] = build(default_graph(), source.rows, addresses=source.extras.get("addresses"),
                                       places=source.extras.get("places"))
            else:
                data = files("openpsap.data")
                blocks = {
                    (int(r["block"]), r["street"]): (float(r["lat"]), float(r["lon"]))
                    for r in csv.DictReader(io.StringIO(data.joinpath("sf_blocks.csv").read_text(encoding="utf-8")))
                }
                _defaults[key] = build(default_graph(), read_segments(), blocks)
        return _defaults[key]
