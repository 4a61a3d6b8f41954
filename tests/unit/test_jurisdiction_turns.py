"""Turn restrictions on the road graph: forbidden turns are never driven, and routes to and from the via
node itself still work (routing/turns.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from openpsap.routing import paths
from openpsap.routing.graph import RoadGraph
from openpsap.routing.router import Router

# A plus-shaped crossing V with arms W, E, N, S (0.001 degree, about 88-111 m at 37.7 N), and a ring road
# N -> NE -> E so that a vehicle banned from turning left can still get round.
LAT0, LON0, STEP = 37.70, -122.40, 0.001
P = {"V": (0, 0), "W": (0, -1), "E": (0, 1), "N": (1, 0), "S": (-1, 0), "NE": (1, 1)}


def lonlat(name: str) -> tuple[float, float]:
    r, c = P[name]
    return LON0 + c * STEP, LAT0 + r * STEP


def seg(a: str, b: str, oneway: str = "") -> dict[str, str]:
    (lon1, lat1), (lon2, lat2) = lonlat(a), lonlat(b)
    length = math.hypot((lat2 - lat1) * 111_000, (lon2 - lon1) * 88_000)
    return {"from_lon": repr(lon1), "from_lat": repr(lat1), "to_lon": repr(lon2), "to_lat": repr(lat2),
            "length_m": f"{length:.1f}", "kind": "road", "kind_detail": "residential", "name": f"{a}-{b}",
            "oneway": oneway}


ROWS = [seg("W", "V"), seg("V", "E"), seg("V", "N"), seg("V", "S"), seg("N", "NE"), seg("NE", "E")]


def node(graph: RoadGraph, name: str) -> int:
    lon, lat = lonlat(name)
    return graph.snap(lat, lon).node


def test_a_no_left_turn_is_never_driven_and_the_route_goes_round() -> None:
    plain = RoadGraph.from_rows(ROWS)
    banned = RoadGraph.from_rows(ROWS, restrictions=[(lonlat("W"), lonlat("V"), lonlat("N"), False)])
    w, n = node(banned, "W"), node(banned, "N")
    direct = paths.eta_seconds(plain, node(plain, "W"), node(plain, "N"))
    around = paths.eta_seconds(banned, w, n)  # W -> V -> E, then round by NE (or back through V): 375 m, not 199 m
    assert direct == pytest.approx((88 + 111) / (30 / 3.6), rel=0.02)
    assert around == pytest.approx((88 + 88 + 88 + 111) / (30 / 3.6), rel=0.02)
    route = Router(banned).route(w, n)
    places = [int(banned.origin[x]) for x in route.nodes]
    assert places.count(node(banned, "E")) == 1 and route.seconds == pytest.approx(around, rel=1e-6)


def test_an_only_straight_on_bans_every_other_turn_but_not_for_other_approaches() -> None:
    graph = RoadGraph.from_rows(ROWS, restrictions=[(lonlat("W"), lonlat("V"), lonlat("E"), True)])
    w, s, e = node(graph, "W"), node(graph, "S"), node(graph, "E")
    straight = paths.eta_seconds(graph, w, e)
    # W -> V -> S (199 m) is banned: on to E, turn there, and come back through V from E (375 m)
    assert paths.eta_seconds(graph, w, s) == pytest.approx((88 + 88 + 88 + 111) / (30 / 3.6), rel=0.02)
    assert straight == pytest.approx(2 * 88 / (30 / 3.6), rel=0.02)
    assert paths.eta_seconds(graph, node(graph, "N"), s) < 30  # from N to S through V: allowed


def test_routes_to_and_from_the_via_node_itself_still_work() -> None:
    graph = RoadGraph.from_rows(ROWS, restrictions=[(lonlat("W"), lonlat("V"), lonlat("N"), False)])
    v, w = node(graph, "V"), node(graph, "W")
    assert graph.snappable == 6 and graph.node_count > 6  # copies are never snapped to
    times, tree = Router(graph).times_to(v)
    assert np.isfinite(times[w]) and times[v] == pytest.approx(0, abs=1e-3)
    assert paths.eta_seconds(graph, v, node(graph, "N")) < 15  # a unit standing at V may set off any way
    assert Router(graph).path_to(w, v, tree).metres == pytest.approx(88, rel=0.02)


def test_a_graph_without_restrictions_is_unchanged() -> None:
    graph = RoadGraph.from_rows(ROWS)
    assert graph.snappable == graph.node_count == 6 and graph.arrival == {}
