"""Offline geocoding on the shipped San Francisco data: right answers, or candidates, never a guess."""

from __future__ import annotations

import pytest

from openpsap.errors import InvalidInput
from openpsap.geo.geocoder import Geocoder, default_geocoder
from openpsap.geo.names import normalise


@pytest.fixture(scope="module")
def geo() -> Geocoder:
    return default_geocoder()


def test_street_names_normalise() -> None:
    assert normalise("Market Street") == normalise("MARKET ST") == "MARKET ST"
    assert normalise("03RD ST") == normalise("3rd Street") == normalise("Third St") == "3RD ST"


@pytest.mark.parametrize("query", ["Market St & 5th St", "5th and Market", "market/5th st", "5TH ST AT MARKET ST"])
def test_an_intersection_is_found_however_it_is_typed(geo: Geocoder, query: str) -> None:
    r = geo.geocode(query)
    assert r.status == "found" and r.kind == "intersection" and r.confidence == "exact"
    assert (r.lat, r.lon) == pytest.approx((37.78401, -122.40807), abs=2e-4)


def test_a_police_station_intersection_matches_the_station_data(geo: Geocoder) -> None:
    r = geo.geocode("Valencia St & 17th St")  # SFPD Mission Station, located at this intersection
    assert (r.lat, r.lon) == pytest.approx((37.763301, -122.421748), abs=1e-4)


def test_a_typo_gets_ranked_candidates_not_an_answer(geo: Geocoder) -> None:
    r = geo.geocode("Markt Street & 5th St")
    assert r.status == "ambiguous" and r.lat is None
    assert r.candidates[0] == "Market Street"


def test_an_unknown_street_is_not_found(geo: Geocoder) -> None:
    r = geo.geocode("Foo Bar St")
    assert r.status == "not_found" and r.lat is None and "no street named" in r.message


def test_streets_that_do_not_cross_are_said_so(geo: Geocoder) -> None:
    r = geo.geocode("Market St & Geary Blvd")
    assert r.status == "not_found" and "do not cross" in r.message


def test_a_bare_name_shared_by_several_streets_is_ambiguous(geo: Geocoder) -> None:
    r = geo.geocode("Mission")
    assert r.status == "ambiguous" and "Mission Street" in r.candidates


def test_a_street_alone_gives_an_approximate_point_on_it(geo: Geocoder) -> None:
    r = geo.geocode("Valencia Street")
    assert r.status == "found" and r.confidence == "approximate" and 37.74 < r.lat < 37.78


def test_a_block_address_seen_in_the_sf_data_resolves_to_that_block(geo: Geocoder) -> None:
    r = geo.geocode("200 Block of MARKET ST")
    assert r.status == "found" and r.kind == "block"
    assert (r.lat, r.lon) == pytest.approx((37.7928, -122.3970), abs=1e-3)


def test_a_block_not_in_the_data_falls_back_to_the_street_and_says_so(geo: Geocoder) -> None:
    r = geo.geocode("100 Block of MARKET ST")
    assert r.status == "found" and r.kind == "street" and "ask for a cross street" in r.message


def test_reverse_geocoding_names_the_street_and_a_cross_street(geo: Geocoder) -> None:
    r = geo.reverse(37.78401, -122.40807)  # Market & 5th
    assert "Market Street" in r.label or "5th Street" in r.label
    assert " near " in r.label
    with pytest.raises(InvalidInput):
        geo.reverse(37.5, -122.0)


def test_house_numbers_are_placed_between_the_known_numbers_of_their_street() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from openpsap.geo.addresses import AddressIndex, Point

    index = AddressIndex()
    index.add("MAIN ST", Point(100, 37.0, -122.0))  # address points: exact
    index.add("MAIN ST", Point(200, 37.001, -122.0))
    assert index.place("MAIN ST", 100).how == "exact"
    half = index.place("MAIN ST", 150)
    assert half.how == "interpolated" and abs(half.lat - 37.0005) < 1e-9 and half.uncertainty_m >= 25
    assert index.place("MAIN ST", 99) is None and index.place("MAIN ST", 201) is None
    assert index.place("ELM ST", 150) is None and index.known_range("MAIN ST") == (100, 200)

    @given(st.integers(100, 200))
    def between(n: int) -> None:
        p = index.place("MAIN ST", n)
        assert 37.0 <= p.lat <= 37.001 + 1e-12

    between()


def test_a_san_francisco_house_number_has_a_point_and_an_uncertainty() -> None:
    g = default_geocoder()
    r = g.geocode("1455 Market St")
    assert r.status == "found" and r.kind == "address" and r.label == "1455 Market Street"
    assert 37.77 < r.lat < 37.78 and -122.425 < r.lon < -122.41 and 20 <= r.uncertainty_m <= 200
    far = g.geocode("99999 Market St")
    assert "number 99999 cannot be placed" in far.message and "no street" not in far.message
    assert g.geocode("5th and Market").uncertainty_m == 15.0
    assert g.geocode("742 Evergreen Terrace").message.startswith("no street named 'Evergreen Terrace'")
