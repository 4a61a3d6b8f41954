"""The pure parts of EIDO interop: PIDF-LO built and read (hostile XML refused), stable identifiers, registry values,
the shape an incoming EIDO must have. No database."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from openpsap.errors import InvalidInput
from openpsap.incidents.priority import PriorityScale
from openpsap.interop import document, pidf, vocabulary
from openpsap.interop.ids import Identity
from openpsap.interop.importing import _priority, plain, subject_key
from tests.conftest import SHARED

STANDARD = SHARED / "standards" / "eido"
GML = 'xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0"'


def _pidf(shape: str) -> str:
    return f'<presence {GML}><tuple id="t"><status><gp:geopriv><gp:location-info>{shape}</gp:location-info></gp:geopriv></status></tuple></presence>'


def test_a_built_pidf_lo_reads_back_the_same_point_uncertainty_and_address() -> None:
    text = pidf.build(entity="urn:x", lat=37.7749, lon=-122.4194, uncertainty_m=35, address="100 Block of MARKET ST & <5th>",
                      source="device", timestamp="2026-11-27T10:00:00Z")
    place = pidf.parse(text)
    assert (place.lat, place.lon, place.uncertainty_m) == (37.7749, -122.4194, 35.0)
    assert place.civic["HNO"] == "100" and place.civic["LOC"] == "100 Block of MARKET ST & <5th>"
    assert pidf.parse(pidf.build(entity="urn:x", lat=1.5, lon=2.5)).uncertainty_m is None
    with pytest.raises(pidf.PidfError):
        pidf.build(entity="urn:x", lat=None, lon=None)


@pytest.mark.parametrize(("shape", "expected"), [
    ('<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>37.1 -122.2</gml:pos></gml:Point>', (37.1, -122.2, None)),
    ('<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>37.1 -122.2</gml:pos><gs:radius uom="urn:ogc:def:uom:EPSG::9001">80</gs:radius></gs:Circle>', (37.1, -122.2, 80.0)),
    ('<gs:Ellipse srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>37.1 -122.2</gml:pos><gs:semiMajorAxis>120</gs:semiMajorAxis><gs:semiMinorAxis>40</gs:semiMinorAxis></gs:Ellipse>', (37.1, -122.2, 120.0)),
    ('<gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>37.0 -122.0 37.0 -122.002 37.002 -122.002 37.002 -122.0 37.0 -122.0</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>', (37.001, -122.001, 142.5)),
])
def test_gml_shapes_give_a_point_and_an_uncertainty(shape: str, expected: tuple) -> None:
    place = pidf.parse(_pidf(shape))
    assert (round(place.lat, 4), round(place.lon, 4), place.uncertainty_m) == expected


@pytest.mark.parametrize(("text", "why"), [
    ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><presence xmlns="urn:ietf:params:xml:ns:pidf">&b;</presence>', "DTDForbidden"),
    ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><presence xmlns="urn:ietf:params:xml:ns:pidf">&x;</presence>', "DTDForbidden"),
    ('<?xml version="1.0"?><!DOCTYPE p SYSTEM "http://example.invalid/p.dtd"><presence xmlns="urn:ietf:params:xml:ns:pidf"/>', "DTDForbidden"),
    ("<presence", "not well-formed"),
    ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "not a pidf presence"),
    (_pidf('<gml:Point srsName="urn:ogc:def:crs:EPSG::27700"><gml:pos>530000 180000</gml:pos></gml:Point>'), "only WGS84"),
    (_pidf('<gml:Point><gml:pos>137.1 -122.2</gml:pos></gml:Point>'), "not a latitude"),
    (_pidf('<gml:Point><gml:pos>NaN nan</gml:pos></gml:Point>'), "no usable numbers"),
    (_pidf(""), "neither a point nor a civic address"),
    ("<a>" + "x" * 70_000 + "</a>", "longer than"),
])
def test_hostile_or_unreadable_pidf_lo_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(pidf.PidfError, match=why):
        pidf.parse(text)


def test_identifiers_are_stable_and_own_ones_are_recognised() -> None:
    me = Identity("psap.example.org")
    uid = "urn:emergency:uid:incidentid:4f8e7d5c-0a1b-4c2d-9e3f-123456789abc"
    tracking = me.tracking_id(uid)
    assert tracking == "urn:emergency:uid:incidentid:4f8e7d5c0a1b4c2d9e3f123456789abc:psap.example.org"
    assert me.incident_uid(tracking) == uid
    assert Identity("other.example.org").incident_uid(tracking) is None
    assert me.component(tracking, "note", "n1") == me.component(tracking, "note", "n1") != me.component(tracking, "note", "n2")
    call = "0b5e4c1e-1111-4222-8333-944455556666"
    assert me.own_call(me.call_id(call)) == call and me.own_call("urn:emergency:uid:callid:zz:psap.example.org") is None
    assert me.resource("E01", "SFFD") == "e01@sffd.psap.example.org" and me.agent("ann smith") == "ann_smith@psap.example.org"
    assert subject_key("x" * 80) == "x" * 80 and len(subject_key("x" * 81)) == 71


def test_the_registry_values_openpsap_sends_are_in_nenas_registries() -> None:
    tables = STANDARD / "sta021.1b_registries.json"
    if not tables.exists():
        pytest.skip(f"{tables} is absent (a fresh clone has no ../shared)")
    raw = json.loads(tables.read_text(encoding="utf-8"))

    def values(name: str) -> set[str]:
        return {row[0] for row in next(v for k, v in raw.items() if k.startswith(name))[1:]}

    assert set(vocabulary.RESOURCE_TYPES.values()) | set(vocabulary.RESOURCE_TYPE_BY_DISCIPLINE.values()) | \
        set(vocabulary.ALS_TYPES.values()) <= values("Table 311")
    assert set(vocabulary.RESOURCE_ATTRIBUTES.values()) <= values("Table 312")
    assert {vocabulary.ROLE_CALL_RECEIVING, vocabulary.ROLE_DISPATCHING, vocabulary.ROLE_DISPATCHED} <= values("Table 31")
    assert {vocabulary.LOCATION_INCIDENT, vocabulary.LOCATION_CALLER, vocabulary.LOCATION_UNIT, vocabulary.SECONDARY_CLEARED} <= \
        values("Table 38") | values("Table 310")
    from openpsap.units.enums import PRIMARY, UnitStatus

    assert {s.value for s in UnitStatus} <= values("Table 310") and {p.value for p in PRIMARY.values()} <= values("Table 39")


def test_unit_types_map_to_resource_types_and_capabilities_to_attributes() -> None:
    assert vocabulary.resource_type("ENGINE", ["fire", "pump", "als"], "fire") == "StructureFireEngineType1"
    assert vocabulary.resource_type("PRIVATE", ["transport", "als"], "ems") == "GroundALSAmbulance"
    assert vocabulary.resource_type("PRIVATE", ["transport", "bls"], "ems") == "GroundBLSAmbulance"
    assert vocabulary.resource_type("HOVERCRAFT", [], "police") == "PatrolUnit"
    assert vocabulary.resource_attributes(["ALS", "fire", "ladder"]) == ["Firefighter", "Paramedic"]


def test_the_common_priority_maps_to_the_closest_agency_level() -> None:
    scale = PriorityScale()
    assert [_priority(scale, n) for n in (10, 9, 8, 7, 3, 0, None)] == ["P1", "P1", "P2", "P2", "P4", "P5", None]


def test_notes_lose_their_html_but_keep_their_words() -> None:
    assert plain("<p>Smoke <b>show</b>ing &amp; flames</p><p>2nd floor</p><script>alert(1)</script>") == \
        "Smoke showing & flames 2nd floor"


def _minimal() -> dict:
    at = {"lastUpdateTimeStamp": "2026-11-27T10:00:00-05:00", "updatedByAgencyReference": {"$ref": "a.example.org"}}
    return {"$id": "urn:emergency:uid:incidentid:1:a.example.org", **at, "eidoVersion": "1.0", "issuingElementIdentification": "x",
            "agencyComponent": [{"$id": "a.example.org", **at, "agencyRoleDescriptionRegistryText": ["CallReceiving"], "agencyType": ["psap"]}]}


def test_an_incoming_eido_is_read_with_aware_times_and_checked_registry_values() -> None:
    eido = document.read(_minimal())
    assert eido.lastUpdateTimeStamp == datetime(2026, 11, 27, 15, tzinfo=UTC)
    for change, field in [
        (lambda d: d.pop("agencyComponent"), "agencyComponent"),
        (lambda d: d.__setitem__("agencyComponent", []), "agencyComponent"),
        (lambda d: d["agencyComponent"][0].__setitem__("agencyRoleDescriptionRegistryText", ["Boss"]), "'Boss' is not in the Agency Role registry"),
        (lambda d: d.__setitem__("lastUpdateTimeStamp", "2026-11-27T10:00:00"), "time zone"),
        (lambda d: d.__setitem__("issuingElementIdentification", "a\x00b"), "NUL"),
        (lambda d: d.__setitem__("callComponent", [{}] * 501), "callComponent"),
    ]:
        bad = copy.deepcopy(_minimal())
        change(bad)
        with pytest.raises(InvalidInput, match=field):
            document.read(bad)


def test_json_that_is_not_an_eido_object_is_refused() -> None:
    for data, why in [(b"{", "not JSON"), (b"[1]", "not a list"), (b"x" * (document.MAX_BYTES + 1), "at most"),
                      (b"[" * 5000 + b"]" * 5000, "not JSON")]:
        with pytest.raises(InvalidInput, match=why):
            document.parse_json(data)
    assert document.digest({"a": 1, "b": 2}) == document.digest(json.loads('{"b": 2, "a": 1}'))
