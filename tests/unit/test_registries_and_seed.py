"""Shipped registries and the San Francisco roster data."""

from __future__ import annotations

from openpsap.incidents.enums import IncidentStatus
from openpsap.standards.registries import dispositions, eido_registry, incident_types
from openpsap.stations.seed import _rows, capabilities
from openpsap.units.enums import PrimaryStatus, UnitStatus


def test_all_245_apco_incident_types_ship_with_the_package() -> None:
    types = incident_types()
    assert len(types) == 245
    assert types["CARDIAC"].name.startswith("Cardiac")
    assert "NONEMERG" in types and "WELFARE" in types


def test_our_status_values_are_eido_registry_values() -> None:
    assert {s.value for s in IncidentStatus} <= set(eido_registry("incident_status"))
    assert {s.value for s in PrimaryStatus} == set(eido_registry("unit_primary_status"))
    assert {s.value for s in UnitStatus} <= set(eido_registry("unit_secondary_status"))


def test_dispositions_leave_out_reserved_codes() -> None:
    codes = dispositions()
    assert codes["18"].startswith("Assignment Completed") and "46" not in codes


def test_capabilities_are_normalised() -> None:
    assert capabilities("fire;pump;ALS(ALS part-week)") == ["als", "fire", "pump"]
    assert capabilities("transport;private;BLS") == ["bls", "private", "transport"]


def test_the_sf_roster_has_stations_for_every_housed_unit() -> None:
    stations = {r["station_id"] for r in _rows("sf_fire_stations.csv")}
    homes = {r["home_station"] for r in _rows("sf_fire_units.csv") if r["home_station"]}
    assert homes <= stations
    assert len(_rows("sf_police_stations.csv")) == 10
