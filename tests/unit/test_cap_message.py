"""CAP 1.2 messages and the Atom feed, built from an alert's content: every kind of message validates against the
OASIS schema; areas are checked; the feed is well-formed Atom."""

from __future__ import annotations

from datetime import UTC, datetime

import defusedxml.ElementTree as SafeET
import pytest

from openpsap.errors import InvalidInput
from openpsap.interop.cap import feed, message, xsd

SENDER = "psap.example.org"
CIRCLE = {"lat": 37.7765, "lon": -122.426, "radius_km": 0.8}
POLYGON = [[37.77, -122.43], [37.78, -122.43], [37.78, -122.42], [37.77, -122.42], [37.77, -122.43]]


def info(**area: object) -> dict[str, object]:
    return {"event": "gas leak", "category": "Safety", "urgency": "Immediate", "severity": "Severe",
            "certainty": "Observed", "headline": "Gas leak: keep away from Fell St", "description": "A gas main broke.",
            "instruction": "Keep away; keep windows closed.", "response_types": ["Avoid", "Shelter"],
            "expires": "2026-12-02T22:00:00-00:00", "area_desc": "Fell St between Gough St and Octavia St",
            "incident_type": "Fire response", **area}


@pytest.fixture(scope="module", autouse=True)
def _schema_installed() -> None:
    assert xsd.schema_path() is not None, "the OASIS CAP 1.2 schema is missing: run scripts/setup.sh (requirements/cap.txt)"


@pytest.mark.parametrize("area", [{"circle": CIRCLE}, {"polygon": POLYGON}], ids=["circle", "polygon"])
@pytest.mark.parametrize("msg_type", ["Alert", "Update", "Cancel"])
def test_every_kind_of_message_validates_against_the_oasis_cap_schema(msg_type: str, area: dict) -> None:
    references = [] if msg_type == "Alert" else [f"{SENDER},first-id,2026-12-02T18:00:00-00:00"]
    document = message.build(identifier="second-id", sender=SENDER, sent="2026-12-02T18:05:00-00:00", status="Actual",
                             msg_type=msg_type, references=references, incidents="26-000001",
                             note="the leak is fixed" if msg_type == "Cancel" else None, info=info(**area),
                             web="https://psap.example.org/public/alerts/a.xml")
    assert xsd.problems(document) == []
    root = SafeET.fromstring(document)
    ns = {"cap": message.NS}
    assert root.findtext("cap:msgType", namespaces=ns) == msg_type
    assert (root.findtext("cap:references", namespaces=ns) or "") == " ".join(references)
    area_element = root.find("cap:info/cap:area", ns)
    assert area_element is not None
    assert [child.tag.split("}")[1] for child in area_element] == ["areaDesc", next(iter(area))]


def test_a_message_outside_caps_vocabulary_fails_the_schema() -> None:
    document = message.build(identifier="x", sender=SENDER, sent="2026-12-02T18:05:00-00:00", status="Actual",
                             msg_type="Alert", info={**info(circle=CIRCLE), "urgency": "Soon"})
    found = xsd.problems(document)
    assert found and "urgency" in found[0]


def test_cap_times_have_no_fractions_and_write_utc_as_minus_zero() -> None:
    assert message.cap_time(datetime(2026, 12, 2, 18, 5, 7, 123456, tzinfo=UTC)) == "2026-12-02T18:05:07-00:00"


def test_a_polygon_is_closed_when_it_is_not() -> None:
    assert message.check_polygon(POLYGON[:-1]) == POLYGON


@pytest.mark.parametrize(("points", "said"), [
    ([[37.77, -122.43], [37.78, -122.43]], "three distinct"),
    ([[37.77, -122.43], [37.78, -122.43], [37.79, -122.43]], "no area"),
    ([[37.77, -122.43], [97.0, -122.43], [37.78, -122.42]], "outside latitude"),
    ([[37.77, -122.43], [37.78, -190.0], [37.78, -122.42]], "outside latitude"),
    ([[37.77, -122.43, 5.0], [37.78, -122.4], [37.78, -122.42]], "[lat, lon]"),
    ([[37.0 + i / 1000, -122.0] for i in range(501)], "at most 500"),
])
def test_a_bad_polygon_is_refused_with_what_is_wrong(points: list, said: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        message.check_polygon(points)
    assert said in caught.value.message and caught.value.details["field"] == "area.polygon"


@pytest.mark.parametrize(("lat", "lon", "radius", "said"), [
    (37.7, -122.4, 0.0, "radius"), (37.7, -122.4, 501.0, "radius"), (91.0, -122.4, 1.0, "outside"),
])
def test_a_bad_circle_is_refused_with_what_is_wrong(lat: float, lon: float, radius: float, said: str) -> None:
    with pytest.raises(InvalidInput, match=said):
        message.check_circle(lat, lon, radius)


def test_the_atom_feed_is_well_formed_with_one_entry_per_alert_linking_to_its_cap_message() -> None:
    entries = [{"id": "a1", "sent": "2026-12-02T18:05:00-00:00", "cancelled": False, "note": None, "info": info(circle=CIRCLE)},
               {"id": "a2", "sent": "2026-12-02T18:09:00-00:00", "cancelled": True, "note": "all clear",
                "info": info(polygon=POLYGON)}]
    body = feed.build(sender=SENDER, base_url="https://psap.example.org", entries=entries,
                      now=datetime(2026, 12, 2, 19, tzinfo=UTC))
    root = SafeET.fromstring(body)
    ns = {"a": feed.ATOM}
    assert root.tag == f"{{{feed.ATOM}}}feed" and root.findtext("a:updated", namespaces=ns) == "2026-12-02T18:09:00Z"
    items = root.findall("a:entry", ns)
    assert [e.findtext("a:id", namespaces=ns) for e in items] == ["urn:uuid:a1", "urn:uuid:a2"]
    assert items[1].findtext("a:title", namespaces=ns).startswith("Cancelled: ")
    links = [e.find("a:link", ns).get("href") for e in items]
    assert links == ["https://psap.example.org/public/alerts/a1.xml", "https://psap.example.org/public/alerts/a2.xml"]
    empty = SafeET.fromstring(feed.build(sender=SENDER, base_url="", entries=[], now=datetime(2026, 12, 2, 19, tzinfo=UTC)))
    assert empty.findtext("a:updated", namespaces=ns) == "2026-12-02T19:00:00Z" and not empty.findall("a:entry", ns)
