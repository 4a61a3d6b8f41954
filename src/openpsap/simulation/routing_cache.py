"""A Recommender whose one Dijkstra search per incident location is kept for locations that call
again (block-level addresses repeat: the SF week has 3,560 calls at 2,086 road nodes). Same
recommender, same answers; only the search is remembered. PURE: no web, no database."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from openpsap.dispatching.recommend import Recommender
from openpsap.routing.graph import RoadGraph

DEFAULT_ENTRIES = 512  # about 0.65 MB each on the SF graph


class CachingRecommender(Recommender):
    def __init__(self, graph: RoadGraph, entries: int = DEFAULT_ENTRIES) -> None:
        super().__init__(graph)
        self.entries = entries
        self._searches: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self.hits = self.misses = 0

    def search(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        found = self._searches.get(node)
        if found is not None:
            self.hits += 1
            self._searches.move_to_end(node)
            return found
        self.misses += 1
        found = self._searches[node] = super().search(node)
        if len(self._searches) > self.entries:
            self._searches.popitem(last=False)
        return found
