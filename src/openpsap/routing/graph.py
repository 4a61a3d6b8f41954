"""The drivable road graph: nodes, directed segments with travel seconds, and snapping of points.

Built from a CSV of segments (from_lon, from_lat, to_lon, to_lat, length_m, kind, kind_detail, name,
oneway) such as the shipped San Francisco network ((c) OpenStreetMap contributors, ODbL). Directed:
oneway=yes allows from->to only, -1 to->from only, anything else both ways. An optional maxspeed_kmh column
(an imported jurisdiction, jurisdiction/osm.py) caps the class speed of its segment. Turn restrictions (see
routing/turns.py) split their via nodes, so a search on the plain node graph honours them. PURE (numpy/scipy only).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import threading
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from openpsap.errors import InvalidInput
from openpsap.routing.speeds import RoadSpeeds
from openpsap.routing.turns import Restriction, split_via_nodes

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_MAX_SNAP_M = 500.0  # farther than this from any road: outside the network


@dataclass(frozen=True)
class Snap:
    node: int
    distance_m: float


class RoadGraph:
    """Nodes (lat/lon arrays), a CSR matrix of travel seconds (row = from, column = to), road names."""

    def __init__(
        self,
        lat: np.ndarray,
        lon: np.ndarray,
        seconds: sparse.csr_matrix,
        metres: sparse.csr_matrix,
        *,
        max_snap_m: float = DEFAULT_MAX_SNAP_M,
        snappable: int | None = None,
        origin: np.ndarray | None = None,
        arrival: dict[int, int] | None = None,
    ) -> None:
        self.lat, self.lon = lat, lon
        self.seconds, self.metres = seconds, metres
        self.seconds_reversed = seconds.T.tocsr()  # for "from everywhere to one point" in one search
        self.metres_reversed = metres.T.tocsr()
        self.max_snap_m = max_snap_m
        self.road_class: sparse.csr_matrix | None = None  # set by from_rows
        self.road_class_names: list[str] = []
        # turn restrictions (routing/turns.py): nodes past `snappable` are copies of a via node (origin), and a
        # route *to* a via node ends at its arrival node; without restrictions both are the identity
        self.snappable = int(snappable) if snappable is not None else len(lat)
        self.origin = origin if origin is not None else np.arange(len(lat))
        self.arrival: dict[int, int] = dict(arrival or {})
        self._lat0 = float(np.mean(lat[: self.snappable]))
        self._tree = cKDTree(self.project(lat[: self.snappable], lon[: self.snappable]))

    def arrive(self, node: int) -> int:
        """The node a route to `node` ends at (itself, or the arrival node of a turn-restricted via node)."""
        return self.arrival.get(node, node)

    @property
    def node_count(self) -> int:
        return len(self.lat)

    @property
    def edge_count(self) -> int:
        return int(self.seconds.nnz)

    def project(self, lat: np.ndarray | float, lon: np.ndarray | float) -> np.ndarray:
        """Local equirectangular metres: accurate to well under 1% across a city."""
        x = np.radians(lon) * EARTH_RADIUS_M * math.cos(math.radians(self._lat0))
        y = np.radians(lat) * EARTH_RADIUS_M
        return np.column_stack([np.atleast_1d(x), np.atleast_1d(y)])

    def snap(self, lat: float, lon: float) -> Snap:
        """The nearest road node; refuses points farther than max_snap_m from the network."""
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
            raise InvalidInput(f"({lat}, {lon}) is not a valid latitude/longitude", field="location")
        distance, node = self.nearest(lat, lon)
        if distance > self.max_snap_m:
            raise InvalidInput(
                f"({lat:.5f}, {lon:.5f}) is {distance / 1000:.1f} km from the nearest road of this map: outside this "
                "jurisdiction no unit is routed there; check the coordinates (lat first, then lon) or request mutual aid",
                field="location",
                distance_m=round(float(distance)),
            )
        return Snap(int(node), float(distance))

    def nearest(self, lat: np.ndarray | float, lon: np.ndarray | float, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """(distances in metres, node ids) of the k nearest nodes to each point; no off-map check."""
        points = self.project(lat, lon)
        return self._tree.query(points[0] if np.ndim(lat) == 0 else points, k=k)

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]], speeds: RoadSpeeds | None = None,
                  restrictions: list[Restriction] | None = None, **kwargs: Any) -> RoadGraph:
        """restrictions: turns forbidden (or the only turn allowed) at a via node, by the three nodes' coordinates."""
        speeds = speeds or RoadSpeeds()
        index: dict[tuple[float, float], int] = {}
        lats: list[float] = []
        lons: list[float] = []

        def node(lon: str, lat: str) -> int:
            key = (round(float(lon), 7), round(float(lat), 7))
            found = index.get(key)
            if found is None:
                found = index[key] = len(lats)
                lons.append(key[0])
                lats.append(key[1])
            return found

        src: list[int] = []
        dst: list[int] = []
        secs: list[float] = []
        lengths: list[float] = []
        classes: list[int] = []
        class_index: dict[str, int] = {}
        for row in rows:
            a, b = node(row["from_lon"], row["from_lat"]), node(row["to_lon"], row["to_lat"])
            if a == b:
                continue
            length = float(row["length_m"])
            speed = speeds.metres_per_second(row["kind_detail"])
            if row.get("maxspeed_kmh"):  # the posted limit caps the class speed
                speed = min(speed, max(float(row["maxspeed_kmh"]), 5.0) / 3.6)
            seconds = length / speed
            klass = class_index.setdefault(row["kind_detail"], len(class_index) + 1)  # 0 = no segment
            oneway = (row.get("oneway") or "").strip()
            directions = ([(a, b)] if oneway != "-1" else []) + ([(b, a)] if oneway not in ("yes", "1", "true") else [])
            for u, v in directions:
                src.append(u)
                dst.append(v)
                secs.append(seconds)
                lengths.append(length)
                classes.append(klass)
        n = len(lats)
        keep = _fastest_per_pair(src, dst, secs)
        columns = [np.asarray(src)[keep], np.asarray(dst)[keep], np.asarray(secs, dtype=float)[keep],
                   np.asarray(lengths, dtype=float)[keep], np.asarray(classes, dtype=float)[keep]]
        extra: dict = {}
        if restrictions:
            via: list[tuple[int, int, int, bool]] = []
            for before, at, after, only in restrictions:
                ids = index.get(_key(before)), index.get(_key(at)), index.get(_key(after))
                if ids[0] is not None and ids[1] is not None and ids[2] is not None:
                    via.append((ids[0], ids[1], ids[2], only))
            split = split_via_nodes(n, columns, via)
            columns = split.columns
            lats += [lats[split.origin[k]] for k in range(n, split.node_count)]
            lons += [lons[split.origin[k]] for k in range(n, split.node_count)]
            extra = {"snappable": n, "origin": split.origin, "arrival": split.arrival}
            n = split.node_count
        s, d = columns[0].astype(int), columns[1].astype(int)

        def matrix(values: np.ndarray) -> sparse.csr_matrix:
            return sparse.csr_matrix((values, (s, d)), shape=(n, n))

        graph = cls(np.array(lats), np.array(lons), matrix(columns[2]), matrix(columns[3]), **kwargs, **extra)
        graph.road_class = matrix(columns[4])  # of the segment kept: 1-based index into road_class_names
        graph.road_class_names = list(class_index)
        return graph

    @classmethod
    def load(cls, path: Path | None = None, speeds: RoadSpeeds | None = None, **kwargs: float) -> RoadGraph:
        """Load a (gzipped) segment CSV; default the shipped San Francisco network."""
        return cls.from_rows(read_segments(path), speeds, None, **kwargs)


def _key(point: tuple[float, float]) -> tuple[float, float]:
    """A (lon, lat) point as the node index keys it."""
    return round(float(point[0]), 7), round(float(point[1]), 7)


def read_segments(path: Path | None = None) -> list[dict[str, str]]:
    """The rows of a (gzipped) segment CSV; default the shipped San Francisco network."""
    raw = files("openpsap.data").joinpath("sf_drive_edges.csv.gz").read_bytes() if path is None else Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def edge_values(matrix: sparse.spmatrix) -> dict[tuple[int, int], float]:
    """{(from node, to node): value} of a graph matrix, for walking paths edge by edge."""
    coo = matrix.tocoo()
    return dict(zip(zip(coo.row.tolist(), coo.col.tolist(), strict=True), coo.data.tolist(), strict=True))


def _fastest_per_pair(src: list[int], dst: list[int], seconds: list[float]) -> np.ndarray:
    """Indices of the segments to keep: where several join the same two nodes, the fastest."""
    order = np.lexsort((np.asarray(seconds), np.asarray(dst), np.asarray(src)))
    s, d = np.asarray(src)[order], np.asarray(dst)[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (d[1:] != d[:-1])
    return order[first]


@dataclass(frozen=True)
class NetworkSource:
    """An imported jurisdiction's network (jurisdiction/loading.py) that default_graph builds instead of San
    Francisco's; `extras` carries what the geocoder needs (address points, places), keyed by name."""

    name: str
    rows: list[dict[str, str]]
    restrictions: list[Restriction]
    extras: dict = field(default_factory=dict, hash=False, compare=False)


_graphs: dict[tuple, RoadGraph] = {}
_graphs_lock = threading.Lock()
_active: NetworkSource | None = None


def use_network(source: NetworkSource | None) -> None:
    """Route this process on `source` from now on (None: the shipped San Francisco network)."""
    global _active
    with _graphs_lock:
        if _active is not source:
            for key in [k for k in _graphs if k[0] != (source.name if source else "")]:
                del _graphs[key]  # one network in memory at a time
        _active = source


def active_network() -> NetworkSource | None:
    return _active


def network_key() -> str:
    """The name of the network default_graph serves ("" for San Francisco): part of every cache key of a graph."""
    return _active.name if _active is not None else ""


def default_graph(speeds_kmh: dict[str, float] | None = None) -> RoadGraph:
    """The process's network (the shipped San Francisco graph unless use_network chose an imported one) with the
    process's ETA model (routing/eta_model.py: its speeds and intersection delay) and these speed overrides on top,
    built once per process (~1 s for SF)."""
    from openpsap.routing.eta_model import active_eta_model

    with _graphs_lock:
        source, model = _active, active_eta_model()
        key = (source.name if source else "", model.key if model else (), *sorted((speeds_kmh or {}).items()))
        if key not in _graphs:
            speeds = RoadSpeeds.from_mapping({**(model.speeds_kmh if model else {}), **dict(speeds_kmh or {})})
            graph = (RoadGraph.from_rows(source.rows, speeds, source.restrictions) if source is not None
                     else RoadGraph.load(speeds=speeds))
            _graphs[key] = with_intersection_delay(graph, model.intersection_s) if model else graph
        return _graphs[key]


def with_intersection_delay(graph: RoadGraph, delay_s: float) -> RoadGraph:
    """The same network with `delay_s` seconds added to every segment that ends at an intersection."""
    from openpsap.routing import eta_model

    if delay_s <= 0:
        return graph
    seconds = eta_model.with_intersection_delay(graph.seconds, graph.metres, graph.origin, graph.snappable, delay_s)
    delayed = RoadGraph(graph.lat, graph.lon, seconds, graph.metres, max_snap_m=graph.max_snap_m,
                        snappable=graph.snappable, origin=graph.origin, arrival=graph.arrival)
    delayed.road_class, delayed.road_class_names = graph.road_class, graph.road_class_names
    return delayed
