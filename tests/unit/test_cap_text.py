"""A public alert's text is checked for private data with the public summary's rules, and refused (never silently
changed) with what was found. Streets may be named; a sentence's first word is not taken for a name."""

from __future__ import annotations

import pytest

from openpsap.errors import InvalidInput
from openpsap.interop.cap import text


@pytest.mark.parametrize("ok", [
    "Gas leak: evacuate the area between Fell St and Gough St now. Avoid the area.",
    "Shelter in place; keep windows closed.",
    "Police activity. Avoid Market Street between 5th and 7th.",
    "Structure fire - smoke may reach the area. Call 911 only for emergencies.",
])
def test_what_a_public_alert_says_passes(ok: str) -> None:
    text.check({"description": ok}, None)


@pytest.mark.parametrize(("said", "kind"), [
    ("Missing man, John Smith, last seen on the corner.", "name"),
    ("Call the family at 415-555-1212.", "contact"),
    ("Gas leak at 123 Main Street.", "address"),
    ("The boy is 6 years old.", "age"),
    ("Look for a car with plate 7ABC123.", "plate"),
    ("Write to jo.smith@example.com", "contact"),
])
def test_private_data_refuses_the_alert_naming_the_field_and_what_was_found(said: str, kind: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        text.check({"headline": "Public safety notice", "description": said}, None)
    details = caught.value.details
    assert details["field"] == "description" and kind in details["found"]["description"]
    assert f"[{kind}]" in details["marked"]["description"] and "headline" not in details["found"]
