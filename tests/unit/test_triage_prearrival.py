"""Pre-arrival instructions hang off the protocol's complaints and answers; child callers get their own words."""

from __future__ import annotations

import pytest

from openpsap.triage import triage
from openpsap.triage.prearrival import InstructionsError, default_instructions, parse


@pytest.mark.parametrize("text,expected", [
    ("my mommy fell down and she is not breathing, i'm six", "cpr_child_caller"),
    ("my husband collapsed and he is not breathing", "cpr_adult"),
    ("my son is choking, he can't breathe", "choking"),
    ("there's a fire in my kitchen and my kids are upstairs", "fire_get_out"),
    ("my wife is bleeding everywhere, it won't stop", "severe_bleeding"),
    ("the baby is coming, i can see the head", "childbirth"),
])
def test_the_complaint_and_its_answers_choose_the_instructions(text: str, expected: str) -> None:
    assert triage(text).instructions["id"] == expected


def test_cpr_counts_compressions_and_a_child_is_told_in_childs_words() -> None:
    child = triage("my daddy won't wake up and he is not breathing, i'm seven").instructions
    assert any(s.get("metronome") == 110 for s in child["steps"]) and "grown-up" in child["steps"][0]["say"]
    assert "grown-up" not in " ".join(s["say"] for s in triage("he is not breathing").instructions["steps"])


def test_confirmed_answers_change_the_instructions() -> None:
    assert triage("my husband collapsed").instructions["id"] == "unconscious_breathing"  # not awake, breathing unknown
    assert triage("my husband collapsed", answers={"breathing": "no"}).instructions["id"] == "cpr_adult"
    assert triage("what time is it").instructions is None


def test_every_set_names_its_source_and_a_bad_file_is_refused() -> None:
    assert all(s.source and s.steps for s in default_instructions().values())
    with pytest.raises(InstructionsError, match="not in the protocol"):
        parse({"sets": {"x": {"label": "X", "complaint": "nope", "steps": [{"say": "hi"}]}}})
    with pytest.raises(InstructionsError, match="no steps"):
        parse({"sets": {"x": {"label": "X", "complaint": "fire", "steps": []}}})
