"""Triage safety rules (each with a test) and the rules layer's behaviour on the story's calls."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpsap.triage import FLAGS, triage
from openpsap.triage.normalise import normalise


def test_the_lonely_child_is_a_low_urgency_welfare_check_with_child_questions() -> None:
    r = triage("hi um I want a friend. I'm six")
    assert r.urgency == "Low" and r.response == "welfare_check"
    assert {"child_caller", "non_emergency", "lonely_or_isolated"} <= set(r.flags)
    assert "Is a grown-up with you?" in r.questions and r.disciplines == ["police"]  # a kind visit, not sirens


def test_my_mommy_wont_wake_up_from_a_child_is_high() -> None:
    r = triage("my mommy won't wake up")
    assert r.urgency == "High" and r.incident_type in {"PERUNCON", "CARDIAC"}
    assert "child_caller" in r.flags and "ems" in r.disciplines and r.priority == "P1" and r.eido_priority == 10
    assert any("breathing" in q for q in r.questions)


@pytest.mark.parametrize(
    "text",
    ["he is not breathing", "she won't wake up", "he's unconscious", "my son is choking", "my neighbour was shot",
     "he got stabbed", "fire and my kids are still inside", "she overdosed on pills", "he is going to kill himself"],
)
def test_a_life_threat_cue_forces_high_whoever_calls(text: str) -> None:
    assert triage(text).urgency == "High"
    assert triage(f"I'm 7 and {text}").urgency == "High"
    assert triage(f"I'm lonely and {text}").urgency == "High"


@pytest.mark.parametrize("text", ["lol just kidding, he is not breathing", "I'm lonely. he is not breathing"])
def test_non_emergency_or_prank_flags_never_lower_a_threat(text: str) -> None:
    r = triage(text)
    assert r.urgency == "High" and "non_emergency" not in r.flags


@pytest.mark.parametrize("text", ["I'd like to order a pizza", "can you pretend to be my friend"])
def test_coded_distress_is_high_police(text: str) -> None:
    r = triage(text)
    assert r.urgency == "High" and "coded_distress" in r.flags and "police" in r.disciplines


def test_negation_is_understood_both_ways() -> None:
    rules = functools.partial(triage, learned=None)  # the rules layer alone: the learned layer may still round up
    assert rules("he is NOT breathing").urgency == "High"
    assert rules("he is breathing now").urgency != "High"
    assert rules("nobody was shot, we heard fireworks").urgency != "High"
    assert rules("my brother was shot").urgency == "High"
    assert triage("he is NOT breathing").urgency == "High"


def test_silence_and_pocket_dials_get_a_callback_not_a_guess() -> None:
    assert triage("").response == "callback" and "silent_or_accidental" in triage("").flags
    r = triage("sorry, pocket dial")
    assert r.urgency == "Low" and r.response == "callback"
    repeated = triage("[silence]", {"repeat_silent_calls": 3})
    assert repeated.urgency == "Medium" and repeated.notes


def test_other_languages_are_flagged_not_misread() -> None:
    r = triage("ayuda por favor mi mamá no respira")
    assert "non_english" in r.flags and r.urgency == "High"
    assert "non_english" in triage("救命 我的妈妈不呼吸").flags


def test_unknown_text_is_never_low_on_the_rules_alone() -> None:
    assert triage("can you send someone to the corner please", learned=None).urgency == "Medium"


def test_every_result_explains_itself() -> None:
    r = triage("there is a fire and my grandma is trapped")
    assert r.evidence and all({"cue", "matched", "effect"} <= set(e) for e in r.evidence)
    assert r.model_version.startswith("rules-") and "+learned-" in r.model_version and r.alternatives[0]["code"] == r.incident_type


def test_normalisation_expands_contractions() -> None:
    assert normalise("He WON'T wake up!!") == "he will not wake up"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_gives_a_complete_result(text: str) -> None:
    r = triage(text)
    assert r.urgency in {"High", "Medium", "Low"} and set(r.flags) <= set(FLAGS) and r.questions


def test_a_megabyte_of_text_is_read_and_cut_with_a_note() -> None:
    r = triage("blah " * 200_000 + " he is not breathing")
    assert r.urgency == "High" and r.notes


def test_caller_context_adds_history_and_night_notes_and_ignores_junk() -> None:
    r = triage("hi I'm six and I want a friend", {"prior_calls_90d": 3, "local_hour": 23})
    assert any("3 earlier call(s)" in n for n in r.notes) and any("at night" in n for n in r.notes)
    junk = triage("[silence]", {"repeat_silent_calls": "lots", "prior_calls_90d": True, "local_hour": [1]})
    assert not any("earlier call" in n or "repeated silent" in n for n in junk.notes)
