"""Incident status follows its units; finished incidents stay finished until reopened."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpsap.errors import InvalidInput, InvalidTransition
from openpsap.incidents import lifecycle
from openpsap.incidents.enums import FINISHED, IncidentStatus
from openpsap.incidents.priority import PriorityScale
from openpsap.units.enums import UnitStatus

I, U = IncidentStatus, UnitStatus


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        ([], I.Active),
        ([U.Dispatched], I.ResourcesAssigned),
        ([U.Dispatched, U.EnRoute], I.ResourcesEnroute),
        ([U.EnRoute, U.OnScene, U.Dispatched], I.ResourcesOnscene),
        ([U.Transporting], I.ResourcesOnscene),
    ],
)
def test_the_furthest_unit_sets_the_incident_status(units: list[UnitStatus], expected: IncidentStatus) -> None:
    assert lifecycle.derived_status(I.Active, units) is expected


def test_a_reopened_incident_without_units_stays_reopened() -> None:
    assert lifecycle.derived_status(I.ReOpened, []) is I.ReOpened


@given(st.sampled_from(sorted(FINISHED)), st.lists(st.sampled_from(list(UnitStatus))))
def test_finished_incidents_ignore_units(status: IncidentStatus, units: list[UnitStatus]) -> None:
    assert lifecycle.derived_status(status, units) is status


def test_cannot_close_an_incident_with_units_still_assigned() -> None:
    with pytest.raises(InvalidTransition, match=r"still has units assigned: E01 \(OnScene\)"):
        lifecycle.check_close("26-000001", I.ResourcesOnscene, [("E01", "OnScene")])


def test_only_finished_incidents_can_be_reopened() -> None:
    with pytest.raises(InvalidTransition, match="only a Closed or Cancelled"):
        lifecycle.check_reopen("26-000001", I.Active)
    lifecycle.check_reopen("26-000001", I.Closed)


def test_default_priority_scale_maps_p1_to_the_highest_eido_priority() -> None:
    scale = PriorityScale()
    assert [scale.eido(p) for p in ("P1", "P2", "P3", "P4", "P5")] == [10, 8, 6, 4, 2]
    assert scale.lowest == "P5"


def test_unknown_priority_names_the_agency_scale() -> None:
    with pytest.raises(InvalidInput, match="this agency uses P1, P2, P3"):
        PriorityScale().eido("P9")


def test_a_priority_scale_outside_eido_range_is_refused() -> None:
    with pytest.raises(ValueError, match="EIDO priorities are 0-10"):
        PriorityScale({"HIGH": 11})
