"""The one routing interface: a road graph and a travel-time model in, travel times and routes out. Dispatch (every
unit's time to an incident, in one search), the replay (the same, remembered for locations that call again) and
the unit screen (one unit's route with directions) all ask a Router; none subclasses it to cache. Turn
restrictions are in the graph itself (routing/turns.py): a route to a via node ends at its arrival node.

Travel times are the graph's segment seconds (the speed model in routing/speeds.py), plus `turn_s` seconds for
each turn of more than 45 degrees along a route when a turn cost is set (used to rank and time a route already
found; the search itself is on segment seconds). PURE (numpy/scipy).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.csgraph import dijkstra

from openpsap.routing.graph import RoadGraph, edge_values
from openpsap.routing.paths import edges_towards


@dataclass(frozen=True)
class Route:
    seconds: float
    metres: float
    nodes: list[int]
    turns: int = 0


@dataclass
class Router:
    graph: RoadGraph
    turn_s: float = 0.0  # seconds added per turn of more than 45 degrees (0: none)
    cache_entries: int = 0  # remember this many searches "to a node" (the replay: incidents repeat by block)
    hits: int = 0
    misses: int = 0
    _searches: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._seconds = edge_values(self.graph.seconds)
        self._metres = edge_values(self.graph.metres)

    def times_to(self, target: int) -> tuple[np.ndarray, np.ndarray]:
        """Seconds from every node to `target` and the shortest-path tree (one search on the reversed graph)."""
        if self.cache_entries:
            with self._lock:
                found = self._searches.get(target)
                if found is not None:
                    self.hits += 1
                    self._searches.move_to_end(target)
                    return found
                self.misses += 1
        found = dijkstra(self.graph.seconds_reversed, directed=True, indices=self.graph.arrive(target),
                         return_predecessors=True)
        if self.cache_entries:
            with self._lock:
                self._searches[target] = found
                if len(self._searches) > self.cache_entries:
                    self._searches.popitem(last=False)
        return found

    def path_to(self, source: int, target: int, tree: np.ndarray) -> Route:
        """The route from `source` to `target` in a tree from times_to(target)."""
        edges = edges_towards(tree, source, self.graph.arrive(target), reversed_tree=True)
        return self._route([source] + [b for _, b in edges], edges)

    def route(self, source: int, target: int) -> Route | None:
        """The fastest route from `source` to `target` (a search from the source), None when none exists."""
        times, tree = dijkstra(self.graph.seconds, directed=True, indices=source, return_predecessors=True)
        end = self.graph.arrive(target)
        if not np.isfinite(times[end]):
            return None
        edges = list(reversed(edges_towards(tree, end, source, reversed_tree=False)))
        return self._route([source] + [b for _, b in edges], edges)

    def _route(self, nodes: list[int], edges: list[tuple[int, int]]) -> Route:
        turns = self._turns(nodes) if self.turn_s else 0
        return Route(sum(self._seconds[e] for e in edges) + turns * self.turn_s,
                     sum(self._metres[e] for e in edges), nodes, turns)

    def _turns(self, nodes: list[int]) -> int:
        lat, lon = self.graph.lat, self.graph.lon
        places = [int(self.graph.origin[n]) for n in nodes]  # a via node's copies stand where it stands
        nodes = [n for k, n in enumerate(places) if k == 0 or n != places[k - 1]]
        headings = [math.atan2(lat[b] - lat[a], (lon[b] - lon[a]) * math.cos(math.radians(lat[a])))
                    for a, b in zip(nodes, nodes[1:], strict=False)]
        return sum(1 for h1, h2 in zip(headings, headings[1:], strict=False)
                   if abs((math.degrees(h2 - h1) + 180) % 360 - 180) > 45)
