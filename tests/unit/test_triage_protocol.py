"""The protocol interview: complaints, pre-filled answers, determinants, and who may lower urgency."""

from __future__ import annotations

import pytest

from openpsap.triage import triage
from openpsap.triage.protocol import ProtocolError, default_protocol, parse


def test_every_complaint_asks_known_questions_and_has_a_determinant_for_each_urgency_it_sets() -> None:
    p = default_protocol()
    assert len(p.complaints) >= 15
    for c in p.complaints.values():
        assert c.questions and c.determinants
        assert all(q in p.questions for q in c.questions)


def test_the_words_prefill_answers_with_their_evidence() -> None:
    r = triage("my husband collapsed and he is not breathing")
    asked = {q["id"]: q for q in r.protocol["questions"]}
    assert asked["breathing"]["prefilled"] == {"answer": "no", "evidence": "not breathing"}
    assert r.protocol["determinant"]["urgency"] == "High" and not r.protocol["determinant"]["confirmed"]


def test_only_confirmed_answers_may_lower_urgency_below_the_words() -> None:
    text = "my dad fell in the kitchen and hit his head"
    assert triage(text).urgency == "High"  # pre-filled: hit his head
    lowered = triage("my dad fell in the kitchen", answers={"awake": "yes", "fall_height_or_injury": "no", "long_lie": "no"})
    assert lowered.urgency == "Medium" and lowered.incident_type == "FALL"
    assert lowered.protocol["determinant"]["confirmed"]
    assert any(e["cue"] == "protocol" for e in lowered.evidence)


def test_a_confirmed_danger_answer_raises_urgency() -> None:
    r = triage("my friend has an allergic reaction", answers={"swelling_or_breathing": "yes"})
    assert r.urgency == "High" and r.incident_type == "ALLERGIC"


@pytest.mark.parametrize("doc,message", [
    ({"questions": {}}, "needs 'questions' and 'complaints'"),
    ({"questions": {"q": {"ask": "?", "answers": ["yes", "yep"]}}, "complaints": {}}, "first letters differ"),
    ({"questions": {"q": {"ask": "?", "answers": ["yes", "no"]}},
      "complaints": {"c": {"label": "C", "types": [], "questions": ["x"], "determinants": []}}}, "not under 'questions'"),
])
def test_a_bad_protocol_file_is_refused_with_a_message(doc: dict, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        parse(doc)


def test_eval_counts_the_answers_needed_to_reach_the_labelled_urgency() -> None:
    from openpsap.triage.corpus import Labelled
    from openpsap.triage.evaluation import evaluate

    records = [Labelled("a", "my dad fell in the kitchen", "Medium"),  # awake=yes, no height or head, not long down
               Labelled("b", "my husband collapsed and he is not breathing", "High")]  # the words settle it
    effort = evaluate(records).interview
    assert effort["by_complaint"]["fall"] == {"calls": 1, "reachable": 1.0, "answers_mean": 3.0, "answers_max": 3,
                                              "by_words_alone": 0.0}
    assert effort["by_complaint"]["unconscious"]["by_words_alone"] == 1.0


def test_every_cue_opens_a_complaint_the_protocol_has() -> None:
    from openpsap.triage.rules import DISTRESS, default_rules

    complaints = default_protocol().complaints
    assert all(c.complaint in complaints for c in (*default_rules().cues, DISTRESS) if c.complaint)


def test_a_chest_pain_call_is_asked_as_chest_pain_and_a_collapse_as_unconscious() -> None:
    assert triage("my chest feels tight and heavy").protocol["complaint"] == "chest_pain"
    assert triage("he collapsed and he is not breathing").protocol["complaint"] == "unconscious"
