"""Travel times over a RoadGraph. PURE."""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from openpsap.routing.graph import RoadGraph


def seconds_to(graph: RoadGraph, target: int) -> np.ndarray:
    """Travel seconds from every node to `target` (one search on the reversed graph); inf = no route."""
    return dijkstra(graph.seconds_reversed, directed=True, indices=graph.arrive(target))


def seconds_from(graph: RoadGraph, source: int) -> np.ndarray:
    return dijkstra(graph.seconds, directed=True, indices=source)


def eta_seconds(graph: RoadGraph, source: int, target: int) -> float:
    return float(seconds_from(graph, source)[graph.arrive(target)])


def edges_towards(pred: np.ndarray, node: int, root: int, *, reversed_tree: bool) -> list[tuple[int, int]]:
    """The (from, to) edges of the path in a Dijkstra predecessor tree rooted at `root`, between `node`
    and `root`, in driving direction. reversed_tree: the search ran on the reversed graph (so the
    path drives from `node` to `root`); otherwise it drives from `root` to `node`."""
    edges: list[tuple[int, int]] = []
    while node != root and node >= 0 and len(edges) < 100_000:
        nxt = int(pred[node])
        if nxt < 0:
            break
        edges.append((node, nxt) if reversed_tree else (nxt, node))
        node = nxt
    return edges
