"""Geocoding an imported jurisdiction: house numbers exact at address points, interpolated between them
(same side of the street first), with the uncertainty in metres; places; street-first numbers; accents."""

from __future__ import annotations

from pathlib import Path

import pytest

from openpsap.geo.addresses import AddressIndex, Point
from openpsap.geo.geocoder import Geocoder, build
from openpsap.geo.names import normalise
from openpsap.jurisdiction import importer, loading, service
from openpsap.routing.graph import RoadGraph
from tests.jurisdiction_files import write_town

pytest.importorskip("osmium")


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Geocoder:
    prepared = importer.prepare(write_town(tmp_path_factory.mktemp("osm") / "town.osm.pbf"), name="town")
    layers = {k: service.decode(service.encode(cols, rows)) for k, (cols, rows) in prepared["layers"].items()}
    source = loading.source(service.Stored("town", prepared["centre"], prepared["area"], prepared["summary"], layers))
    graph = RoadGraph.from_rows(source.rows, restrictions=source.restrictions)
    return build(graph, source.rows, addresses=source.extras["addresses"], places=source.extras["places"])


def test_a_house_number_at_an_address_point_is_exact_in_either_order(town: Geocoder) -> None:
    for query in ("Main Street 3", "3 Main Street", "main st 3", "Main Street 3 B"):
        r = town.geocode(query)
        assert (r.status, r.kind, r.confidence, r.uncertainty_m) == ("found", "address", "exact", 10.0), query
        assert r.lat == pytest.approx(60.1001) and r.lon == pytest.approx(24.90075)


def test_a_number_between_address_points_is_interpolated_with_its_uncertainty(town: Geocoder) -> None:
    r = town.geocode("Main Street 7")  # between 5 and 9: half way
    assert r.status == "found" and r.confidence == "approximate"
    assert r.lon == pytest.approx((24.90125 + 24.90175) / 2) and 25 <= r.uncertainty_m <= 40
    assert "interpolated" in r.message


def test_a_number_outside_the_known_ones_is_not_placed_and_says_so(town: Geocoder) -> None:
    r = town.geocode("Main Street 99")
    assert r.kind == "street" and "cannot be placed" in r.message and "1-9" in r.message


def test_places_are_found_and_typos_get_suggestions(town: Geocoder) -> None:
    r = town.geocode("Kauppatori")
    assert (r.status, r.kind, r.uncertainty_m) == ("found", "place", 50.0)
    typo = town.geocode("Kaupatori")
    assert typo.status == "ambiguous" and "Kauppatori" in typo.candidates
    assert town.geocode("Mian Street 3").status == "ambiguous"  # a misspelt street is never placed


def test_accents_do_not_matter_to_street_names() -> None:
    assert normalise("Hämeentie") == normalise("Hameentie") == "HAMEENTIE"
    assert normalise("Market St") == "MARKET ST"


def test_odd_numbers_are_interpolated_between_odd_neighbours() -> None:
    index = AddressIndex()
    index.add("X", Point(1, 60.0, 24.0))
    index.add("X", Point(2, 60.1, 24.0))  # the other side of the street, far off
    index.add("X", Point(4, 60.1, 24.002))
    index.add("X", Point(5, 60.0, 24.004))
    placed = index.place("X", 3)
    assert placed is not None and placed.lat == pytest.approx(60.0) and placed.lon == pytest.approx(24.002)


def test_a_street_known_only_by_its_addresses_is_found(town: Geocoder) -> None:
    r = town.geocode("Kauppakuja 2")
    assert (r.status, r.confidence, r.label) == ("found", "exact", "Kauppakuja 2")
