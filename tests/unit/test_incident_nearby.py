"""Possible duplicates: open incidents near a new call, in a window that depends on the type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from openpsap.incidents.nearby import Candidate, metres, near

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
FIRE = Candidate("26-000001", "FSTRU", 37.7793, -122.4193, NOW - timedelta(minutes=20))
FALL = Candidate("26-000002", "FALL", 37.7793, -122.4193, NOW - timedelta(minutes=20))


def test_a_fire_is_matched_from_further_away_than_a_fall() -> None:
    lat = 37.7793 + 0.005  # about 556 m north
    assert [n.id for n in near(lat, -122.4193, NOW, [FIRE, FALL])] == ["26-000001"]
    assert [n.id for n in near(37.7794, -122.4193, NOW, [FIRE, FALL], incident_type="FALL")] == ["26-000002", "26-000001"]


def test_the_window_closes_and_the_agency_can_change_it() -> None:
    old = Candidate("26-000003", "FALL", 37.7793, -122.4193, NOW - timedelta(minutes=90))
    assert near(37.7793, -122.4193, NOW, [old]) == []
    assert [n.id for n in near(37.7793, -122.4193, NOW, [old], rules={"FALL": (300, 120)})] == ["26-000003"]
    assert near(37.7793 + 0.01, -122.4193, NOW, [FIRE], rules={"FSTRU": (100, 120)}) == []


@given(st.floats(-80, 80), st.floats(-179, 179), st.floats(-80, 80), st.floats(-179, 179))
def test_distance_is_symmetric_and_never_negative(a: float, b: float, c: float, d: float) -> None:
    assert metres(a, b, c, d) >= 0 and abs(metres(a, b, c, d) - metres(c, d, a, b)) < 1e-6
