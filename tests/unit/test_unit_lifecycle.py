"""Unit status rules, including a hypothesis state machine that drives random status requests."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from openpsap.errors import InvalidTransition
from openpsap.units import lifecycle
from openpsap.units.enums import COMMITTED, PRIMARY, PrimaryStatus, UnitStatus


def test_cannot_dispatch_a_unit_already_on_scene() -> None:
    with pytest.raises(InvalidTransition, match=r"^unit E01 is OnScene at 26-000123$"):
        lifecycle.check_dispatch("E01", UnitStatus.OnScene, "26-000123")


def test_a_unit_at_the_hospital_is_conditionally_available_and_can_be_dispatched() -> None:
    assert PRIMARY[UnitStatus.Hospital] is PrimaryStatus.ConditionallyAvailable
    lifecycle.check_dispatch("M10", UnitStatus.Hospital, "26-000001")


def test_an_out_of_service_unit_cannot_be_dispatched() -> None:
    with pytest.raises(InvalidTransition, match="unit E02 is OutofService"):
        lifecycle.check_dispatch("E02", UnitStatus.OutofService, None)


def test_a_refused_move_lists_what_is_allowed_next() -> None:
    with pytest.raises(InvalidTransition) as err:
        lifecycle.check_move("E01", UnitStatus.InService, UnitStatus.OnScene, None)
    assert "cannot go OnScene" in err.value.message and "OutofService" in err.value.message


def test_dispatched_is_reached_only_through_dispatch() -> None:
    with pytest.raises(InvalidTransition, match="use dispatch"):
        lifecycle.check_move("E01", UnitStatus.InService, UnitStatus.Dispatched, None)


def test_every_status_has_a_primary_status_and_a_way_back_to_service() -> None:
    for status in UnitStatus:
        assert status in PRIMARY
        assert status is UnitStatus.InService or UnitStatus.InService in lifecycle.ALLOWED[status]


class UnitMachine(RuleBasedStateMachine):
    """Random status requests against a model unit: the rules accept exactly the allowed moves and
    a unit is committed to an incident exactly while in a committed status."""

    def __init__(self) -> None:
        super().__init__()
        self.status = UnitStatus.InService
        self.incident: str | None = None

    @rule(wanted=st.sampled_from(list(UnitStatus)))
    def request(self, wanted: UnitStatus) -> None:
        target = wanted
        allowed = target in lifecycle.ALLOWED[self.status] and target is not UnitStatus.Dispatched and target is not self.status
        try:
            lifecycle.check_move("E01", self.status, target, self.incident)
        except InvalidTransition as exc:
            assert not allowed
            assert exc.message.startswith(f"unit E01 is {self.status}") or "use dispatch" in exc.message
            return
        assert allowed
        self.status = target
        if target not in COMMITTED:
            self.incident = None

    @rule(incident=st.sampled_from(["26-000001", "26-000002"]))
    def dispatch(self, incident: str) -> None:
        try:
            lifecycle.check_dispatch("E01", self.status, self.incident)
        except InvalidTransition:
            assert PRIMARY[self.status] is PrimaryStatus.NotAvailable
            return
        assert PRIMARY[self.status] is not PrimaryStatus.NotAvailable
        self.status, self.incident = UnitStatus.Dispatched, incident

    @invariant()
    def committed_iff_on_an_incident(self) -> None:
        assert (self.status in COMMITTED) == (self.incident is not None)


TestUnitMachine = UnitMachine.TestCase
