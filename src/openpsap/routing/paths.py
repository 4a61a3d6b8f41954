"""Travel times over a RoadGraph. PURE."""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from openpsap.routing.graph import RoadGraph


def seconds_to(graph: RoadGraph, target: int) -> np.ndarray:
    """Travel seconds from every node to `target` (one search on the reversed graph); inf = no route."""
    return dijkstra(graph.seconds_reversed, directed=True, indices=target)


def seconds_from(graph: RoadGraph, source: int) -> np.ndarray:
    return dijkstra(graph.seconds, directed=True, indices=source)


def eta_seconds(graph: RoadGraph, source: int, target: int) -> float:
    return float(seconds_from(graph, source)[target])
