"""The field unit's view of the log (property-based) and the words of its directions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from openpsap.mdt.directions import distance_words, turn_words
from openpsap.units.field_scope import INCIDENT_KINDS, FieldScope

UNITS = ["M10", "E01", "PA01"]
INCIDENTS = ["26-000001", "26-000002", "26-000003"]
KINDS = sorted(INCIDENT_KINDS | {"incident-created", "triage-suggested", "follow-up-created", "care-plan-noted"})


@st.composite
def events(draw):  # noqa: ANN001, ANN201
    kind = draw(st.sampled_from(KINDS))
    if kind in ("unit-dispatched", "unit-status-changed", "unit-cleared"):
        return {"kind": kind, "subject_type": "unit", "subject_id": draw(st.sampled_from(UNITS)),
                "incident_id": draw(st.sampled_from(INCIDENTS))}
    return {"kind": kind, "subject_type": "incident", "subject_id": draw(st.sampled_from(INCIDENTS)),
            "incident_id": draw(st.sampled_from(INCIDENTS + [None]))}


@given(st.lists(st.lists(events(), max_size=6), max_size=30))
def test_a_unit_sees_only_its_own_events_and_those_of_incidents_it_is_on(batches) -> None:  # noqa: ANN001
    scope = FieldScope("M10")
    on: set[str] = set()
    for batch in batches:
        dispatched_here = {e["incident_id"] for e in batch if e["kind"] == "unit-dispatched" and e["subject_id"] == "M10"}
        shown = scope.admit(batch)
        for event in batch:
            own = event["subject_type"] == "unit" and event["subject_id"] == "M10"
            if own and event["kind"] == "unit-dispatched":
                on.add(event["incident_id"])
            allowed = own or (event["incident_id"] in on | dispatched_here and event["kind"] in INCIDENT_KINDS)
            if allowed and event["kind"] != "triage-suggested":
                assert event in shown, event
            if event in shown and not own:
                assert event["kind"] in INCIDENT_KINDS and event["incident_id"] in on | dispatched_here
            if own and event["kind"] == "unit-cleared":
                on.discard(event["incident_id"])


def test_turns_and_distances_in_words() -> None:
    assert turn_words(0, 90) == "Turn right onto"
    assert turn_words(90, 0) == "Turn left onto"
    assert turn_words(10, 20) == "Continue onto"
    assert turn_words(0, 180) == "Make a U-turn onto"
    assert turn_words(350, 30) == "Turn slightly right onto"
    assert turn_words(0, 230).startswith("Turn sharp left")
    assert distance_words(4) == "10 m" and distance_words(437) == "440 m" and distance_words(2300) == "2.3 km"
