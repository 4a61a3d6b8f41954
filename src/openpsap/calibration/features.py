"""What a fitted model is linear in, along each response's fastest route: metres driven per road class and the
number of intersections passed. The route itself depends on the speeds, so the fit routes, fits, and routes again
(calibration/fit.py). PURE (numpy/scipy only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from openpsap.routing.eta_model import intersection_nodes
from openpsap.routing.graph import RoadGraph, edge_values

CHUNK = 16  # searches run together (memory: 16 x nodes x 16 bytes)


@dataclass
class Features:
    metres: np.ndarray  # (n, road classes): metres driven on each class (graph.road_class_names order)
    intersections: np.ndarray  # (n,) intersections passed
    seconds: np.ndarray  # (n,) the graph's travel seconds along the route (inf: no route)

    @property
    def reachable(self) -> np.ndarray:
        return np.isfinite(self.seconds)


class RouteFeatures:
    """Routes on one graph; remembers nothing between graphs."""

    def __init__(self, graph: RoadGraph) -> None:
        self.graph = graph
        assert graph.road_class is not None
        self.classes = {e: int(v) - 1 for e, v in edge_values(graph.road_class).items()}
        self.lengths = edge_values(graph.metres)
        self.at_intersection = intersection_nodes(graph.origin, graph.metres, graph.snappable)

    def of(self, pairs: list[tuple[int, int]]) -> Features:
        """Features of the fastest route from each (start node, goal node)."""
        n, width = len(pairs), len(self.graph.road_class_names)
        out = Features(np.zeros((n, width)), np.zeros(n), np.full(n, np.inf))
        by_start: dict[int, list[int]] = defaultdict(list)
        for k, (start, _) in enumerate(pairs):
            by_start[start].append(k)
        starts = sorted(by_start)
        for i in range(0, len(starts), CHUNK):
            chunk = starts[i:i + CHUNK]
            times, pred = dijkstra(self.graph.seconds, directed=True, indices=chunk, return_predecessors=True)
            for row, start in enumerate(chunk):
                for k in by_start[start]:
                    goal = self.graph.arrive(pairs[k][1])
                    out.seconds[k] = times[row, goal]
                    if np.isfinite(times[row, goal]):
                        self._walk(pred[row], start, goal, out, k)
        return out

    def _walk(self, pred: np.ndarray, start: int, goal: int, out: Features, k: int) -> None:
        node = goal
        while node != start:
            before = int(pred[node])
            if before < 0:
                break
            length = self.lengths.get((before, node), 0.0)
            if length > 0:
                out.metres[k, self.classes[(before, node)]] += length
                out.intersections[k] += self.at_intersection[node]
            node = before
