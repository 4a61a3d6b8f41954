"""Response plans: every APCO type has one, and a broken plan file is refused with a clear message."""

from __future__ import annotations

import pytest

from openpsap.dispatching.plans import PlanError, default_plans, parse
from openpsap.standards.registries import incident_types


def test_every_apco_type_maps_to_a_plan() -> None:
    plans = default_plans()
    for code in incident_types():
        assert plans.for_type(code).name in plans.plans


@pytest.mark.parametrize(
    ("code", "plan", "needs"),
    [
        ("FSTRU", "structure_fire", ["3 x ENGINE", "1 x TRUCK", "1 x CHIEF", "1 x MEDIC with als"]),
        ("CARDIAC", "cardiac_arrest", ["1 x ENGINE or MEDIC or RESCUE CAPTAIN with als", "1 x ENGINE"]),
        ("WELFARE", "patrol", ["1 x PATROL"]),
        ("NONEMERG", "no_units", []),
    ],
)
def test_the_run_cards_of_the_issue(code: str, plan: str, needs: list[str]) -> None:
    chosen = default_plans().for_type(code)
    assert chosen.name == plan and [s.describe() for s in chosen.slots] == needs


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "needs a 'plans' mapping"),
        ({"plans": {"a": {"slots": [{"count": 1}]}}, "fallback": "a"}, "slot 1 needs 'types'"),
        ({"plans": {"a": {"slots": [{"types": ["ENGINE"], "count": 0}]}}, "fallback": "a"}, "count must be"),
        ({"plans": {"a": {"slots": []}}, "fallback": "b"}, "fallback plan 'b' is not defined"),
        ({"plans": {"a": {"slots": []}}, "fallback": "a", "types": {"a": ["NOPE"]}}, "not an APCO incident type"),
        ({"plans": {"a": {"slots": []}}, "fallback": "a", "types": {"b": ["FSTRU"]}}, "plan 'b', which is not defined"),
        ({"plans": {"a": {"slots": []}, "b": {"slots": []}}, "fallback": "a", "types": {"a": ["FSTRU"], "b": ["FSTRU"]}},
         "listed under both"),
    ],
)
def test_a_broken_plan_file_is_refused_with_a_clear_message(document: dict, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse(document)
