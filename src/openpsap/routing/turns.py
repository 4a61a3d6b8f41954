"""Turn restrictions on a node graph: "no left turn from A onto B at V" and "only straight on from A at V".

A plain node graph cannot forbid a turn, because a search reaching V has forgotten where it came from. Each via
node V is therefore split: one copy of V per road arriving at it (the copy knows where the vehicle came from and
leads only to the turns allowed from there), the original V keeps every road leaving it (a unit standing at V may
set off in any direction) and receives none, and a new arrival node collects every way of reaching V (a route *to*
V ends there: RoadGraph.arrive). Nothing may drive through the arrival node, so no restriction can be bypassed.
Restrictions are in OpenStreetMap's sense (type=restriction with a via node); via ways are not supported.
PURE (numpy only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

# ((lon, lat) of the node before, of the via node, of the node after, True for only_* restrictions)
Restriction = tuple[tuple[float, float], tuple[float, float], tuple[float, float], bool]
ARRIVE_S = 1e-6  # an edge into an arrival node: no time, but an edge (sparse matrices drop zeros)


@dataclass
class Split:
    columns: list[np.ndarray]  # src, dst, seconds, metres, road class (one row per directed edge)
    node_count: int
    origin: np.ndarray  # every node -> the node of the road network it stands for
    arrival: dict[int, int]  # via node -> its arrival node


def split_via_nodes(n: int, columns: list[np.ndarray], restrictions: list[tuple[int, int, int, bool]]) -> Split:
    """Split every via node of `restrictions` ((before, via, after, only) as node ids) in the edge list `columns`."""
    edges = [list(row) for row in zip(*(c.tolist() for c in columns), strict=True)]
    banned: dict[int, set[tuple[int, int]]] = defaultdict(set)
    out_of: dict[int, list[int]] = defaultdict(list)
    into: dict[int, list[int]] = defaultdict(list)
    for k, (s, d, *_rest) in enumerate(edges):
        out_of[int(s)].append(k)
        into[int(d)].append(k)
    for before, via, after, only in restrictions:
        if only:  # only this turn: every other way out is banned (for vehicles coming from `before`)
            banned[via] |= {(before, int(edges[k][1])) for k in out_of[via] if int(edges[k][1]) != after}
        else:
            banned[via].add((before, after))
    origin = list(range(n))
    arrival: dict[int, int] = {}

    def new_node(of: int) -> int:
        origin.append(origin[of])
        return len(origin) - 1

    def add(s: int, d: int, values: list) -> None:
        edges.append([s, d, *values])
        out_of[s].append(len(edges) - 1)
        into[d].append(len(edges) - 1)

    for via in sorted(banned):
        arriving, leaving = list(into[via]), list(out_of[via])
        sink = arrival[via] = new_node(via)
        for k in arriving:
            came_from = int(edges[k][0])
            copy = new_node(via)
            edges[k][1] = copy  # the road into V now ends at "V, coming from came_from"
            into[copy].append(k)
            for j in leaving:
                to = int(edges[j][1])
                if (origin[came_from], origin[to]) not in banned[via]:
                    add(copy, to, edges[j][2:])
            add(copy, sink, [ARRIVE_S, 0.0, edges[k][4]])
        into[via] = []
        add(via, sink, [ARRIVE_S, 0.0, 0.0])
    table = np.asarray(edges, dtype=float) if edges else np.zeros((0, 5))
    return Split([table[:, i] for i in range(5)], len(origin), np.asarray(origin), arrival)
