"""Reading an OpenStreetMap extract: what is drivable and how (oneway, maxspeed, access, turn restrictions),
address points, places and stations; bad files refused with a message (jurisdiction/osm.py, network.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openpsap.errors import InvalidInput
from openpsap.jurisdiction import network as net
from openpsap.jurisdiction.osm import maxspeed_kmh, read
from openpsap.routing import paths
from openpsap.routing.graph import RoadGraph
from tests.jurisdiction_files import point, write_town

pytest.importorskip("osmium")


def test_the_town_is_read_with_its_rules_of_the_road(tmp_path: Path) -> None:
    extract = read(write_town(tmp_path / "town.osm.pbf"))
    by_name = {s.name: s for s in extract.segments}
    assert by_name["Side Street"].oneway == "yes" and by_name["Main Street"].oneway == ""
    assert by_name["East Street"].maxspeed_kmh == 20
    assert extract.skipped["road closed to motor vehicles (access=no)"] == 1  # the service road to n7
    assert all(s.road_class != "footway" for s in extract.segments)
    (before, via, after, only), = extract.restrictions
    assert not only and [before, via, after] == [pytest.approx(point(1, 0)), pytest.approx(point(1, 1)),
                                                 pytest.approx(point(0, 1))]
    assert sorted(a.number for a in extract.addresses if a.street == "Main Street") == [1, 3, 5, 9]
    assert [s.name for s in extract.stations] == ["Town Fire Station"] and extract.stations[0].discipline == "fire"
    assert {p.name for p in extract.places} >= {"Kauppatori"}


def test_the_routed_graph_honours_oneway_maxspeed_and_the_turn_restriction(tmp_path: Path) -> None:
    extract = read(write_town(tmp_path / "town.osm.pbf"))
    network = net.build(extract.segments)
    graph = RoadGraph.from_rows(network.rows, restrictions=extract.restrictions)

    def at(r: int, c: int) -> int:
        lon, lat = point(r, c)
        return graph.snap(lat, lon).node

    # Side Street is one-way north (n4 -> n1): n1 -> n4 goes round by Main, Mid and High Street (primary, 45 km/h)
    assert paths.eta_seconds(graph, at(1, 0), at(0, 0)) == pytest.approx(111.2 / (30 / 3.6), rel=0.02)
    assert paths.eta_seconds(graph, at(0, 0), at(1, 0)) == pytest.approx((55.6 + 111.2) / (30 / 3.6) + 55.6 / (45 / 3.6),
                                                                         rel=0.02)
    # East Street is signed 20 km/h, below the residential class speed
    assert paths.eta_seconds(graph, at(0, 2), at(1, 2)) == pytest.approx(111.2 / (20 / 3.6), rel=0.02)
    # no left turn from High Street (eastbound at n5) into Mid Street: n4 -> n2 goes by Side and Main Street
    n4_n2 = paths.eta_seconds(graph, at(1, 0), at(0, 1))
    assert n4_n2 == pytest.approx((111.2 + 55.6) / (30 / 3.6), rel=0.02)


@pytest.mark.parametrize(("value", "kmh"), [("50", 50), ("30 mph", 48.28), ("FI:urban", 50), ("none", None),
                                            ("signals", None), ("", None), ("500", None)])
def test_maxspeed_values_are_read_or_ignored(value: str, kmh: float | None) -> None:
    assert maxspeed_kmh(value) == (pytest.approx(kmh, abs=0.01) if kmh else None)


def test_a_file_that_is_not_pbf_is_refused_with_a_message(tmp_path: Path) -> None:
    text = tmp_path / "town.osm"
    text.write_text("<?xml version='1.0'?><osm></osm>")
    with pytest.raises(InvalidInput, match="not an OpenStreetMap PBF file"):
        read(text)
    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInput, match="is empty"):
        read(empty)
    with pytest.raises(InvalidInput, match="does not exist"):
        read(tmp_path / "missing.osm.pbf")
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(write_town(tmp_path / "whole.osm.pbf").read_bytes()[:200])
    with pytest.raises(InvalidInput, match="could not be read"):
        read(cut)


def test_a_file_without_roads_is_refused(tmp_path: Path) -> None:
    extract = read(write_town(tmp_path / "town.osm.pbf", roads=False))
    with pytest.raises(InvalidInput, match="no drivable road"):
        net.build(extract.segments)


def test_a_network_in_two_separate_pieces_is_refused_under_90_percent(tmp_path: Path) -> None:
    extract = read(write_town(tmp_path / "town.osm.pbf", island=True))
    network = net.build(extract.segments)
    assert network.connected_share < 0.9
    with pytest.raises(InvalidInput, match="joined in one road network"):
        net.check(network)


def test_one_way_dead_ends_are_left_out_and_reported(tmp_path: Path) -> None:
    extract = read(write_town(tmp_path / "town.osm.pbf"))
    from dataclasses import replace

    side = next(s for s in extract.segments if s.name == "Side Street")  # starts at n4, as the file has it
    spur = replace(side, b=(side.a[0], side.a[1] - 0.001), length_m=111.2, oneway="yes", name="Spur")
    network = net.build([*extract.segments, spur])
    assert network.dropped_segments == 1 and network.dropped_m == pytest.approx(111.2)
    assert network.connected_share == 1.0 and network.routable_share < 1.0
    assert all(r["name"] != "Spur" for r in network.rows)


def test_a_boundary_clips_the_network_and_bad_boundaries_are_refused(tmp_path: Path) -> None:
    extract = read(write_town(tmp_path / "town.osm.pbf"))
    (w, s), (e, n) = point(1.5, -0.5), point(-0.5, 1.5)  # the two western columns only
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    area = tmp_path / "area.geojson"
    area.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}))
    network = net.build(extract.segments, net.read_boundary(area))
    assert {r["name"] for r in network.rows} == {"Main Street", "Side Street", "Mid Street", "High Street"}
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "Point", "coordinates": [24.9, 60.1]}')
    with pytest.raises(InvalidInput, match="no polygon"):
        net.read_boundary(bad)
    bad.write_text("not json")
    with pytest.raises(InvalidInput, match="not a readable GeoJSON"):
        net.read_boundary(bad)
