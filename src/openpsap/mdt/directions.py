"""Turn-by-turn directions over the road graph: the fastest route from a unit to its incident, as a line to draw
and steps in words ("Turn right onto Mission Street, 400 m"). Street names come from the graph's segments.
PURE (numpy/scipy): a graph, node names and two points in; the route out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from openpsap.routing.graph import RoadGraph, edge_values
from openpsap.routing.router import Router

COMPASS = ["north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest"]


@dataclass(frozen=True)
class Step:
    street: str
    metres: float
    seconds: float
    bearing_in: float
    bearing_out: float


def bearing(graph: RoadGraph, a: int, b: int) -> float:
    """Degrees clockwise from north, from node a to node b."""
    lat1, lat2 = math.radians(graph.lat[a]), math.radians(graph.lat[b])
    dlon = math.radians(graph.lon[b] - graph.lon[a])
    y = math.sin(dlon) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    return (math.degrees(math.atan2(y, x)) + 360) % 360


def turn_words(before: float, after: float) -> str:
    change = (after - before + 540) % 360 - 180  # -180..180, positive = clockwise = right
    if abs(change) < 25:
        return "Continue onto"
    if abs(change) > 155:
        return "Make a U-turn onto"
    side = "right" if change > 0 else "left"
    return f"Turn {'slightly ' if abs(change) < 60 else 'sharp ' if abs(change) > 120 else ''}{side} onto"


def distance_words(metres: float) -> str:
    if metres < 1000:
        return f"{max(10, round(metres / 10) * 10):.0f} m"
    return f"{metres / 1000:.1f} km"


SHORT_M = 25  # a step shorter than this (crossing a junction's own segment) is folded into the next one


def _merge_short(steps: list[Step]) -> list[Step]:
    out: list[Step] = []
    for i, s in enumerate(steps):
        if 0 < i < len(steps) - 1 and s.metres < SHORT_M:
            nxt = steps[i + 1]
            steps[i + 1] = Step(nxt.street, nxt.metres + s.metres, nxt.seconds + s.seconds, s.bearing_in, nxt.bearing_out)
            continue
        if out and out[-1].street == s.street:
            last = out[-1]
            out[-1] = Step(s.street, last.metres + s.metres, last.seconds + s.seconds, last.bearing_in, s.bearing_out)
            continue
        out.append(s)
    return out


class Directions:
    def __init__(self, graph: RoadGraph, node_streets: dict[int, set[str]], display: dict[str, str],
                 router: Router | None = None) -> None:
        self.graph = graph
        self.router = router or Router(graph)
        self.node_streets = node_streets
        self.display = display
        self._seconds = edge_values(graph.seconds)
        self._metres = edge_values(graph.metres)

    def _street(self, a: int, b: int, previous: str | None) -> str:
        shared = self.node_streets.get(a, set()) & self.node_streets.get(b, set())
        if previous in shared:
            return previous
        return min(shared, key=len) if shared else ""

    def route(self, from_lat: float, from_lon: float, to_lat: float, to_lon: float) -> dict[str, Any]:
        """The fastest route by road; InvalidInput (from snap) when either end is off the map."""
        source, target = self.graph.snap(from_lat, from_lon).node, self.graph.snap(to_lat, to_lon).node
        found = self.router.route(source, target)
        if found is None:
            return {"eta_s": None, "distance_m": None, "path": [], "steps": [],
                    "message": "no road route from the unit to the incident (one-way streets or a closed area)"}
        edges = list(zip(found.nodes, found.nodes[1:], strict=False))
        steps: list[Step] = []
        previous: str | None = None
        for a, b in edges:
            street = self._street(a, b, previous)
            heading = bearing(self.graph, a, b)
            if steps and steps[-1].street == street:
                s = steps[-1]
                steps[-1] = Step(street, s.metres + self._metres[(a, b)], s.seconds + self._seconds[(a, b)], s.bearing_in, heading)
            else:
                steps.append(Step(street, self._metres[(a, b)], self._seconds[(a, b)], heading, heading))
            previous = street
        steps = _merge_short(steps)
        path = [[round(float(self.graph.lat[n]), 5), round(float(self.graph.lon[n]), 5)]
                for n in [source] + [b for _, b in edges]]
        return {"eta_s": round(found.seconds, 1), "distance_m": round(sum(s.metres for s in steps), 1),
                "path": path, "steps": self._words(steps)}

    def _words(self, steps: list[Step]) -> list[dict[str, Any]]:
        out = []
        for i, s in enumerate(steps):
            name = self.display.get(s.street, s.street.title()) if s.street else "the unnamed road"
            if i == 0:
                text = f"Head {COMPASS[round(s.bearing_in / 45) % 8]} on {name}"
            else:
                text = f"{turn_words(steps[i - 1].bearing_out, s.bearing_in)} {name}"
            out.append({"text": f"{text}, {distance_words(s.metres)}", "street": name, "distance_m": round(s.metres, 1),
                        "seconds": round(s.seconds, 1)})
        out.append({"text": "Arrive at the incident", "street": "", "distance_m": 0.0, "seconds": 0.0})
        return out
