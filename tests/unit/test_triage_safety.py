"""Triage v2: distress without detail, danger signs in any frame, the call-taker's words, types, and nothing
that contradicts the urgency (a property test over generated texts)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpsap.dispatching.plans import default_plans
from openpsap.triage import triage
from openpsap.triage.rules import default_rules
from openpsap.triage.speech import callers_words, sentences


@pytest.mark.parametrize("text", ["help", "help me", "Help me!", "please hurry", "somebody help", "[screaming]",
                                  "[whispering] he's here", "i can't talk he will hear me"])
def test_distress_without_detail_is_a_high_unknown_problem_never_low(text: str) -> None:
    r = triage(text)
    assert r.urgency == "High" and "non_emergency" not in r.flags
    assert r.incident_type in {"TROUBLE", "911OPN", "DVA"} and r.response == "emergency"


def test_a_request_for_help_with_something_is_not_distress() -> None:
    assert not any(h.cue.name == "distress_without_detail" for h in default_rules().hits("can you help me find my cat"))


@pytest.mark.parametrize("text,code", [("man with a gun", "WEAPON"), ("a burglar still inside", "BURGLARY"),
                                       ("car crash with injuries", "MVAINJY"), ("there is a guy in my garage right now", "BURGLARY")])
def test_weapons_intruders_and_injury_crashes_get_their_type(text: str, code: str) -> None:
    r = triage(text)
    assert r.urgency == "High" and r.incident_type == code


@pytest.mark.parametrize("sign", [
    "my chest feels heavy and it goes down my left arm",  # AHA heart attack signs
    "his face is drooping on one side and his words are all jumbled",  # BE FAST
    "my lips are swelling up after the shrimp",  # anaphylaxis
    "i have been on the floor since last night and can't get up",  # long lie
    "i'm diabetic and i feel really shaky and confused",  # hypoglycaemia
    "the whole house smells of gas and we all have headaches",  # gas / CO
    "i took a whole bottle of my sleeping pills",  # overdose
    "everyone would be better off without me, i gave my dog away today",  # suicide warning signs
])
@pytest.mark.parametrize("frame", ["sorry to bother you, i'm just lonely tonight. {}. anyway how are you",
                                   "i don't want to make a fuss, it's probably nothing, {}",
                                   "{}"])
def test_a_danger_sign_is_high_whatever_the_frame(sign: str, frame: str) -> None:
    r = triage(frame.format(sign))
    assert r.urgency == "High", (frame.format(sign), r.evidence)
    assert "non_emergency" not in r.flags


def test_negation_stays_inside_its_sentence() -> None:
    assert triage("car accident, nobody hurt", learned=None).urgency == "Medium"
    r = triage("nobody was hurt in the crash. my son is not breathing", learned=None)
    assert r.urgency == "High"


def test_the_call_takers_questions_trigger_nothing() -> None:
    said = [callers_words(s) for s in sentences("911 what is the address of your emergency. does he have a gun? i don't know")]
    assert "gun" not in " ".join(said)
    assert not default_rules().hits("police fire or ambulance? is anyone trapped? does he have a weapon?")
    assert "not breathing" in " ".join(callers_words(s) for s in sentences("is she ok she is not breathing"))


def test_a_known_childs_number_is_a_child_caller_and_history_never_lowers() -> None:
    text = "hi is this the police i just wanted to talk"
    plain, known = triage(text), triage(text, {"known_child_caller": True})
    assert "child_caller" in known.flags and known.response in {"welfare_check", "emergency", "urgent"}
    assert "Would you like to talk to someone who can help (211, 988)?" not in known.questions
    repeat = triage("he is not breathing", {"prior_calls_90d": 40, "repeat_silent_calls": 9})
    assert repeat.urgency == "High" and plain.urgency in {"Low", "Medium", "High"}


def test_a_child_in_an_emergency_gets_the_child_emergency_questions() -> None:
    r = triage("i'm seven and my mommy fell and she won't wake up")
    assert r.urgency == "High" and "child_caller" in r.flags and "non_emergency" not in r.flags
    assert any("breathing" in q for q in r.questions)


WORDS = ["help", "he is not breathing", "i'm lonely", "i'm six", "lol", "pocket dial", "my dad fell",
         "order a pizza", "the dumpster is on fire", "car accident nobody hurt", "what time is it", "[silence]",
         "i want a friend", "chest pain", "nobody was shot", "sorry", "he has a knife", "noise next door all night"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=30), max_size=5), st.booleans())
def test_nothing_shown_contradicts_the_urgency(parts: list[str], known_child: bool) -> None:
    r = triage(". ".join(parts), {"known_child_caller": known_child})
    plan = default_plans().for_type(r.incident_type)
    if r.urgency != "Low":
        assert r.response in {"emergency", "urgent", "callback"}
    if r.urgency == "High":
        assert r.response == "emergency" and r.priority == "P1"
        assert "prank_suspected" not in r.flags and "non_emergency" not in r.flags
    if r.response in {"emergency", "urgent", "welfare_check"}:
        assert plan.slots, f"{r.response} but the plan of {r.incident_type} sends no unit"
    if r.response == "welfare_check":
        assert r.incident_type == "WELFARE" and r.urgency == "Low"
    if "child_caller" in r.flags:
        child_emergency = "Is your grown-up breathing? Put your ear next to their mouth and tell me."
        assert (child_emergency in r.questions) == (r.urgency == "High")
    assert r.plan["units"] == [s.describe() for s in plan.slots]
