"""The shipped map, as an EIDO needs it: the ETA of a unit on its way (by road), and a civic address from another
centre placed on the map (openpsap's geocoder). Both are built once per process (the road graph takes ~1 s)."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

from openpsap.errors import InvalidInput

# seconds by road from (lat, lon) to (lat, lon), or None
Eta = Callable[[float, float, float, float], float | None]
# a civic address -> (lat, lon, uncertainty in metres), or None when it is not on the map
Geocode = Callable[[str], tuple[float, float, float | None] | None]


@cache
def _by_road(speeds: tuple[tuple[str, float], ...]) -> Eta:
    from openpsap.routing.graph import default_graph
    from openpsap.routing.router import Router

    graph = default_graph(dict(speeds))
    router = Router(graph, cache_entries=64)  # an incident's units share one search towards it

    def seconds(from_lat: float, from_lon: float, to_lat: float, to_lon: float) -> float | None:
        try:
            source, target = graph.snap(from_lat, from_lon).node, graph.snap(to_lat, to_lon).node
        except InvalidInput:  # off the map
            return None
        value = float(router.times_to(target)[0][source])
        return round(value, 1) if math.isfinite(value) else None

    return seconds


def by_road(speeds_kmh: dict[str, float] | None = None) -> Eta:
    """Seconds by road between two points, None when either is off the map or no road joins them."""
    return _by_road(tuple(sorted((speeds_kmh or {}).items())))


def on_the_map(address: str) -> tuple[float, float, float | None] | None:
    """The point of an address on the shipped map (a street, a block, an intersection), None when not found."""
    from openpsap.geo.geocoder import default_geocoder

    found = default_geocoder().geocode(address[:200])
    if found.status != "found" or found.lat is None or found.lon is None:
        return None
    return found.lat, found.lon, found.uncertainty_m
