"""The road graph: direction, travel times per road class, snapping, and the shipped SF network."""

from __future__ import annotations

import math

import pytest

from openpsap.errors import InvalidInput
from openpsap.routing import paths
from openpsap.routing.graph import RoadGraph
from openpsap.routing.speeds import RoadSpeeds

# A 6-node toy city on a 0.001-degree grid (about 111 m north-south, 88 m east-west at 37.7 N):
#
#   A(0,0) --one-way east--> B(0,1) ---- C(0,2)
#     |                                   |
#   D(1,0) -------- E(1,1) -------------- F(1,2)      row 1 is a primary road, the rest residential
LAT0, LON0, STEP = 37.70, -122.40, 0.001


def _pt(r: int, c: int) -> tuple[float, float]:
    return LAT0 + r * STEP, LON0 + c * STEP


def _seg(a: tuple[int, int], b: tuple[int, int], kind: str, oneway: str = "") -> dict[str, str]:
    (lat1, lon1), (lat2, lon2) = _pt(*a), _pt(*b)
    length = math.hypot((lat2 - lat1) * 111_000, (lon2 - lon1) * 88_000)
    return {"from_lon": str(lon1), "from_lat": str(lat1), "to_lon": str(lon2), "to_lat": str(lat2),
            "length_m": f"{length:.1f}", "kind": "road", "kind_detail": kind, "name": "x", "oneway": oneway}


ROWS = [
    _seg((0, 0), (0, 1), "residential", "yes"),
    _seg((0, 1), (0, 2), "residential"),
    _seg((0, 0), (1, 0), "residential"),
    _seg((1, 0), (1, 1), "primary"),
    _seg((1, 1), (1, 2), "primary"),
    _seg((0, 2), (1, 2), "residential"),
]


@pytest.fixture
def toy() -> RoadGraph:
    return RoadGraph.from_rows(ROWS, max_snap_m=150)


def _node(graph: RoadGraph, r: int, c: int) -> int:
    return graph.snap(*_pt(r, c)).node


def test_one_way_segments_are_driven_only_their_way(toy: RoadGraph) -> None:
    a, b = _node(toy, 0, 0), _node(toy, 0, 1)
    assert paths.eta_seconds(toy, a, b) == pytest.approx(88 / (30 / 3.6), rel=0.01)
    back = paths.eta_seconds(toy, b, a)  # B -> C -> F -> E -> D -> A, not the one-way shortcut
    assert back > 4 * paths.eta_seconds(toy, a, b)


def test_travel_time_follows_the_road_class_speed() -> None:
    slow = RoadGraph.from_rows(ROWS, RoadSpeeds.from_mapping({"primary": 20}))
    fast = RoadGraph.from_rows(ROWS, RoadSpeeds.from_mapping({"primary": 60}))
    d, f = _node(slow, 1, 0), _node(slow, 1, 2)
    assert paths.eta_seconds(slow, d, f) == pytest.approx(3 * paths.eta_seconds(fast, d, f), rel=0.01)


def test_the_straight_line_nearest_start_is_not_the_fastest_by_road(toy: RoadGraph) -> None:
    incident = _node(toy, 0, 0)
    near_by_air, far_by_air = _node(toy, 0, 1), _node(toy, 1, 2)  # B is 88 m away, F 200 m
    to_incident = paths.seconds_to(toy, incident)
    assert to_incident[far_by_air] < to_incident[near_by_air]


def test_points_far_from_any_road_are_refused_with_the_distance(toy: RoadGraph) -> None:
    assert toy.snap(LAT0 + 0.0003, LON0).distance_m == pytest.approx(33, abs=2)
    with pytest.raises(InvalidInput, match=r"km from the nearest road"):
        toy.snap(LAT0 + 0.05, LON0)
    with pytest.raises(InvalidInput, match="not a valid latitude"):
        toy.snap(95.0, LON0)


def test_unreasonable_speeds_are_refused() -> None:
    with pytest.raises(ValueError, match="use 1-200 km/h"):
        RoadSpeeds.from_mapping({"residential": 0})


def test_the_shipped_san_francisco_network_loads_and_routes() -> None:
    graph = RoadGraph.load()
    assert graph.node_count > 50_000 and graph.edge_count > 100_000
    station_1 = graph.snap(37.781141, -122.40432)  # SFFD station 1, near Tehama St
    mission = graph.snap(37.7597, -122.4148)
    eta = paths.eta_seconds(graph, station_1.node, mission.node)
    assert 120 < eta < 900, eta  # about 3 km across SoMa and the Mission
    with pytest.raises(InvalidInput):
        graph.snap(37.5, -122.0)  # 40 km south-east: outside the map


def test_the_recommender_picks_the_unit_fastest_by_road_not_by_air(toy: RoadGraph) -> None:
    from openpsap.dispatching.plans import Plan, Slot
    from openpsap.dispatching.recommend import Recommender, UnitView

    near_lat, near_lon = _pt(0, 1)  # 88 m from the incident, but behind the one-way street
    far_lat, far_lon = _pt(1, 2)  # 208 m away, on the fast primary road
    units = [
        UnitView("NEAR", "ENGINE", frozenset(), "Available", "InService", None, near_lat, near_lon),
        UnitView("FAR", "ENGINE", frozenset(), "Available", "InService", None, far_lat, far_lon),
    ]
    plan = Plan("test", (Slot(frozenset({"ENGINE"}), frozenset(), 1),))
    rec = Recommender(toy).recommend(lat=LAT0, lon=LON0, plan=plan, units=units)
    assert rec.unit_ids == ["FAR"]
    assert "NEAR is closer in a straight line" in rec.slots[0].skipped[0]
    assert rec.slots[0].alternates[0].unit_id == "NEAR"


def test_speed_settings_are_checked_when_the_server_is_configured() -> None:
    from pydantic import ValidationError

    from openpsap.config import Settings

    assert Settings(road_speeds_kmh={"residential": 25}).road_speeds_kmh == {"residential": 25}
    with pytest.raises(ValidationError, match="residential"):
        Settings(road_speeds_kmh={"residential": 500})


def test_the_router_is_the_one_routing_interface() -> None:
    """Times to a node (dispatch, replay), a path in that tree and a route from a source (the unit screen) agree;
    remembered searches give the same answers; a turn cost adds time for each turn."""
    from openpsap.routing.graph import default_graph
    from openpsap.routing.router import Router

    graph = default_graph()
    source, target = graph.snap(37.7811, -122.4043).node, graph.snap(37.7749, -122.4194).node
    plain, remembering, turning = Router(graph), Router(graph, cache_entries=2), Router(graph, turn_s=10)
    times, tree = plain.times_to(target)
    back = plain.path_to(source, target, tree)
    forward = plain.route(source, target)
    assert forward is not None and abs(forward.seconds - times[source]) < 1e-6 and abs(back.seconds - times[source]) < 1e-6
    assert forward.nodes[0] == source and forward.nodes[-1] == target
    for _ in range(2):
        again, _ = remembering.times_to(target)
        assert (again == times).all()
    assert (remembering.hits, remembering.misses) == (1, 1)
    slow = turning.route(source, target)
    assert slow is not None and slow.turns > 0 and slow.seconds == forward.seconds + 10 * slow.turns
