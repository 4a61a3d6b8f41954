"""The drivable road graph: nodes, directed segments with travel seconds, and snapping of points.

Built from a CSV of segments (from_lon, from_lat, to_lon, to_lat, length_m, kind, kind_detail, name,
oneway) such as the shipped San Francisco network ((c) OpenStreetMap contributors, ODbL). Directed:
oneway=yes allows from->to only, -1 to->from only, anything else both ways. PURE (numpy/scipy only).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import threading
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from openpsap.errors import InvalidInput
from openpsap.routing.speeds import RoadSpeeds

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
    ) -> None:
        self.lat, self.lon = lat, lon
        self.seconds, self.metres = seconds, metres
        self.seconds_reversed = seconds.T.tocsr()  # for "from everywhere to one point" in one search
        self.metres_reversed = metres.T.tocsr()
        self.max_snap_m = max_snap_m
        self.road_class: sparse.csr_matrix | None = None  # set by from_rows
        self.road_class_names: list[str] = []
        self._lat0 = float(np.mean(lat))
        self._tree = cKDTree(self.project(lat, lon))

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
    def from_rows(cls, rows: list[dict[str, str]], speeds: RoadSpeeds | None = None, **kwargs: float) -> RoadGraph:
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
            seconds = length / speeds.metres_per_second(row["kind_detail"])
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
        s, d = np.asarray(src)[keep], np.asarray(dst)[keep]

        def matrix(values: list[float] | list[int]) -> sparse.csr_matrix:
            return sparse.csr_matrix((np.asarray(values, dtype=float)[keep], (s, d)), shape=(n, n))

        graph = cls(np.array(lats), np.array(lons), matrix(secs), matrix(lengths), **kwargs)
        graph.road_class = matrix(classes)  # of the segment kept: 1-based index into road_class_names
        graph.road_class_names = list(class_index)
        return graph

    @classmethod
    def load(cls, path: Path | None = None, speeds: RoadSpeeds | None = None, **kwargs: float) -> RoadGraph:
        """Load a (gzipped) segment CSV; default the shipped San Francisco network."""
        return cls.from_rows(read_segments(path), speeds, **kwargs)


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


_graphs: dict[tuple[tuple[str, float], ...], RoadGraph] = {}
_graphs_lock = threading.Lock()


def default_graph(speeds_kmh: dict[str, float] | None = None) -> RoadGraph:
    """The shipped San Francisco graph with these speed overrides, built once per process (~1 s)."""
    key = tuple(sorted((speeds_kmh or {}).items()))
    with _graphs_lock:
        if key not in _graphs:
            _graphs[key] = RoadGraph.load(speeds=RoadSpeeds.from_mapping(dict(key)))
        return _graphs[key]
