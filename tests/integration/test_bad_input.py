"""Bad input never gives a 500 and never leaves anything half-written.

Explicit cases first (malformed JSON, wrong types, unknown codes and ids, out-of-range
coordinates and times, oversized bodies, bad Idempotency-Keys, bad Authorization headers), then a
Hypothesis test that throws generated JSON and path parameters at every POST/PUT/PATCH route and
checks the answer is < 500 in the one error shape, and that the event log grows only on 2xx.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.websockets import WebSocketDisconnect

from openpsap.app import API
from openpsap.auth import service as auth_service
from tests.conftest import Api, open_incident
from tests.integration.test_roles import ROUTES, SAMPLE_BODIES, RouteInfo, error_shape_problem, path_values

WRITE_ROUTES = [r for r in ROUTES if r.method in {"POST", "PUT", "PATCH"}]
# the role that can do most on a route: it gets past the role check so the input reaches the handler
POWER_ORDER = ["supervisor", "admin", "dispatcher", "call_taker", "field_unit", "analyst", "outreach"]


# ---------------------------------------------------------------------------------------------
# helpers


def events_after(api: Api, seq: int) -> list[dict[str, Any]]:
    r = api.get("supervisor", f"/events?after={seq}&limit=5000")
    assert r.status_code == 200, r.text
    return r.json()["events"]


def log_length(api: Api) -> int:
    return len(events_after(api, 0))


def last_seq(api: Api) -> int:
    return api.client.get(f"{API}/health").json()["last_seq"]


def assert_error(r: Any, status: int | tuple[int, ...], *, field: str | None = None, kind: str | None = None) -> dict:
    statuses = (status,) if isinstance(status, int) else status
    assert r.status_code in statuses, f"wanted {statuses}, got {r.status_code}: {r.text[:500]}"
    problem = error_shape_problem(r)
    assert problem is None, problem
    body = r.json()
    if kind is not None:
        assert body["error"] == kind, body
    if field is not None:
        named = body["details"].get("field") == field or any(
            field in e["loc"] for e in body["details"].get("errors", [])
        )
        assert named, f"the error should name {field!r}: {body}"
    return body


class NothingWritten:
    """with NothingWritten(api): ... asserts the event log did not grow inside the block."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def __enter__(self) -> NothingWritten:
        self.before = log_length(self.api)
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            after = log_length(self.api)
            assert after == self.before, f"refused input wrote {after - self.before} event(s)"


def raw_post(api: Api, role: str, path: str, content: bytes, method: str = "POST", **headers: str) -> Any:
    return api.client.request(
        method, f"{API}{path}", content=content,
        headers={**api.as_(role), "content-type": "application/json", **headers},
    )


INCIDENT = {"incident_type": "CARDIAC", "priority": "P1", "location": {"lat": 37.78, "lon": -122.41}}


# ---------------------------------------------------------------------------------------------
# explicit cases


@pytest.mark.parametrize(
    "content",
    [
        b'{"incident_type": "CARDIAC", ',
        b'{"incident_type": "CARDIAC",}',
        b"{'incident_type': 'CARDIAC'}",
        b'{"incident_type": CARDIAC}',
        b"\xff\xfe\x00",
        b"not json at all",
        b"[" * 50_000,
        b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    ],
    ids=["truncated", "trailing-comma", "single-quotes", "bare-word", "bad-utf8", "text", "deep-list", "deep-object"],
)
def test_malformed_json_is_refused_in_the_error_shape(api: Api, content: bytes) -> None:
    with NothingWritten(api):
        r = raw_post(api, "dispatcher", "/incidents", content)
        assert_error(r, (400, 422))


def test_an_empty_body_where_one_is_required_is_422(api: Api) -> None:
    with NothingWritten(api):
        assert_error(raw_post(api, "dispatcher", "/incidents", b""), 422, kind="invalid_input")
        assert_error(raw_post(api, "dispatcher", "/incidents", b"null"), 422, kind="invalid_input")
        assert_error(raw_post(api, "dispatcher", "/incidents", b"[]"), 422, kind="invalid_input")


def test_wrong_types_are_422_naming_each_field(api: Api) -> None:
    iid = open_incident(api)
    with NothingWritten(api):
        r = api.post("dispatcher", "/incidents", {"incident_type": 5, "priority": ["P1"], "location": "Market St", "flags": "child_caller"})
        body = assert_error(r, 422, kind="invalid_input")
        locs = {tuple(e["loc"][1:2]) for e in body["details"]["errors"]}
        assert {("incident_type",), ("priority",), ("location",), ("flags",)} <= locs, body
        assert_error(api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": "E01"}), 422, field="units")
        assert_error(api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": [1, 2]}), 422, field="units")
        assert_error(api.post("dispatcher", "/units/E01/status", {"status": 3}), 422, field="status")
        assert_error(api.post("dispatcher", "/units/E01/status", {"status": "Asleep"}), 422, field="status")
        assert_error(api.put("dispatcher", "/units/E01/position", {"lat": "north", "lon": None}), 422, field="lat")
        assert_error(api.post("call_taker", "/calls", {"channel": "pigeon"}), 422, field="channel")
        assert_error(api.post("call_taker", "/calls", {"caller_number": "call me maybe"}), 422, field="caller_number")
        assert_error(api.post("call_taker", "/calls", {"narrative": {"text": "x"}}), 422, field="narrative")
        assert_error(api.post("dispatcher", "/incidents", {**INCIDENT, "surprise": True}), 422, field="surprise")
        assert_error(api.post("admin", "/users", {"username": "x1", "password": "long enough pw", "roles": "admin"}), 422, field="roles")
        assert_error(api.post("admin", "/agencies", {"id": "A B", "name": "x", "discipline": "fire"}), 422, field="id")


def test_an_unknown_incident_type_is_422_naming_the_field(api: Api) -> None:
    iid = open_incident(api)
    with NothingWritten(api):
        body = assert_error(api.post("dispatcher", "/incidents", {**INCIDENT, "incident_type": "ZOMBIES"}), 422, field="incident_type")
        assert "ZOMBIES" in body["message"] and "incident-types" in body["message"]
        assert_error(api.patch("dispatcher", f"/incidents/{iid}", {"incident_type": "ZOMBIES"}), 422, field="incident_type")
    assert api.get("dispatcher", f"/incidents/{iid}").json()["incident_type"] == "CARDIAC"


def test_unknown_incidents_units_calls_and_stations_are_404(api: Api) -> None:
    iid = open_incident(api)
    ghost_call = str(uuid.uuid4())
    with NothingWritten(api):
        for method, path, body in [
            ("GET", "/incidents/26-999999", None),
            ("GET", "/incidents/26-999999/events", None),
            ("PATCH", "/incidents/26-999999", {"priority": "P2"}),
            ("POST", "/incidents/26-999999/notes", {"text": "hello"}),
            ("POST", "/incidents/26-999999/dispatch", {"units": ["E01"]}),
            ("POST", "/incidents/26-999999/close", {"disposition": "45"}),
            ("POST", "/incidents/26-999999/cancel", {"reason": "x"}),
            ("POST", "/incidents/26-999999/reopen", {"reason": "x"}),
            ("GET", "/units/X99", None),
            ("POST", "/units/X99/status", {"status": "OutofService"}),
            ("PUT", "/units/X99/position", {"lat": 37.7, "lon": -122.4}),
            ("GET", f"/calls/{ghost_call}", None),
            ("POST", f"/calls/{ghost_call}/answer", None),
            ("PATCH", f"/calls/{ghost_call}", {"narrative": "x"}),
            ("POST", f"/calls/{ghost_call}/end", None),
            ("POST", f"/calls/{ghost_call}/link", {"incident_id": iid}),
            ("GET", "/stations/NOPE", None),
            ("POST", "/incidents", {**INCIDENT, "calls": [ghost_call]}),
            ("POST", f"/incidents/{iid}/dispatch", {"units": ["E02", "X99"]}),
            ("POST", "/units", {"id": "R98", "unit_type": "RESCUE", "agency_id": "NOPE"}),
            ("POST", "/units", {"id": "R98", "unit_type": "RESCUE", "agency_id": "FD", "home_station_id": "NOPE"}),
            ("POST", "/stations", {"id": "FS98", "name": "x", "agency_id": "NOPE", "lat": 37.7, "lon": -122.4}),
            ("POST", "/users", {"username": "crew-x", "password": "long enough pw", "roles": ["field_unit"], "unit_id": "X99"}),
        ]:
            r = api.client.request(method, f"{API}{path}", json=body, headers=api.as_("supervisor" if "users" not in path and "stations" not in path else "admin"))
            assert_error(r, 404, kind="not_found")
    call = api.post("call_taker", "/calls", {"channel": "voice"}).json()["id"]
    with NothingWritten(api):
        assert_error(api.post("call_taker", f"/calls/{call}/link", {"incident_id": "26-999999"}), 404, kind="not_found")
    # the dispatch with one unknown unit assigned nobody
    assert api.get("dispatcher", "/units/E02").json()["status"] == "InService"
    assert api.get("dispatcher", f"/incidents/{iid}").json()["units"] == []


@pytest.mark.parametrize("lat,lon,bad", [(91, -122.4, "lat"), (-90.0001, -122.4, "lat"), (37.7, -181, "lon"), (37.7, 180.5, "lon")])
def test_coordinates_off_the_globe_are_422(api: Api, lat: float, lon: float, bad: str) -> None:
    iid = open_incident(api)
    call = api.post("call_taker", "/calls", {"channel": "voice"}).json()["id"]
    with NothingWritten(api):
        loc = {"lat": lat, "lon": lon}
        assert_error(api.post("dispatcher", "/incidents", {**INCIDENT, "location": loc}), 422, field=bad)
        assert_error(api.patch("dispatcher", f"/incidents/{iid}", {"location": loc}), 422, field=bad)
        assert_error(api.post("call_taker", "/calls", {"location": loc}), 422, field=bad)
        assert_error(api.patch("call_taker", f"/calls/{call}", {"location": loc}), 422, field=bad)
        assert_error(api.put("dispatcher", "/units/E01/position", loc), 422, field=bad)
        assert_error(api.post("admin", "/stations", {"id": "FS97", "name": "x", "agency_id": "FD", **loc}), 422, field=bad)
    assert api.get("dispatcher", "/units/E01").json()["lat"] == 37.7811


def test_half_a_location_and_non_finite_numbers_are_422(api: Api) -> None:
    with NothingWritten(api):
        assert_error(api.post("dispatcher", "/incidents", {**INCIDENT, "location": {"lat": 37.7}}), 422, kind="invalid_input")
        for token in (b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 400):
            content = b'{"incident_type": "CARDIAC", "location": {"lat": ' + token + b', "lon": -122.4}}'
            assert_error(raw_post(api, "dispatcher", "/incidents", content), (400, 422))
            content = b'{"lat": 37.7, "lon": -122.4, "uncertainty_m": ' + token + b"}"
            assert_error(raw_post(api, "call_taker", "/calls", b'{"location": ' + content + b"}"), (400, 422))


@pytest.mark.parametrize(
    "when",
    ["2026-11-27T10:00:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-13-45T99:99:99Z", "yesterday"],
    ids=["naive", "before-year-1-in-utc", "after-year-9999-in-utc", "impossible", "words"],
)
def test_times_without_a_zone_or_out_of_range_are_422(api: Api, when: str) -> None:
    with NothingWritten(api):
        assert_error(api.post("call_taker", "/calls", {"received_at": when}), 422, field="received_at")
        assert_error(api.put("dispatcher", "/units/E01/position", {"lat": 37.7, "lon": -122.4, "at": when}), 422, field="at")


def test_a_body_over_max_body_bytes_is_413_declared_or_streamed(api: Api) -> None:
    limit = api.client.app.state.settings.max_body_bytes
    big = json.dumps({**INCIDENT, "flags": [], "calls": [], "location": {"address": "x" * 200, "lat": 1, "lon": 1}})
    padding = b" " * (limit + 1 - len(big))
    content = big.encode() + padding
    assert len(content) == limit + 1

    def streamed():  # no Content-Length: the limit must hold while reading
        for i in range(0, len(content), 8192):
            yield content[i : i + 8192]

    iid = open_incident(api)
    call = api.post("call_taker", "/calls", {"channel": "voice"}).json()["id"]
    with NothingWritten(api):
        assert_error(raw_post(api, "dispatcher", "/incidents", content), 413, kind="too_large")
        assert_error(raw_post(api, "dispatcher", "/incidents", streamed()), 413, kind="too_large")
        assert_error(raw_post(api, "call_taker", f"/incidents/{iid}/notes", streamed()), 413, kind="too_large")
        # a command without a body model still reads the body (for the Idempotency-Key fingerprint)
        assert_error(raw_post(api, "call_taker", f"/calls/{call}/answer", content), 413, kind="too_large")
        assert_error(raw_post(api, "call_taker", f"/calls/{call}/answer", streamed()), 413, kind="too_large")
        assert_error(raw_post(api, "dispatcher", "/incidents", b"x", **{"content-length": "nine"}), 400)
    # exactly at the limit is fine (and then refused only for what it says)
    at_limit = json.dumps({"text": "y"}).encode()
    at_limit += b" " * (limit - len(at_limit))
    assert raw_post(api, "dispatcher", f"/incidents/{iid}/notes", at_limit).status_code == 201
    note = json.dumps({"text": "x" * 3000}).encode()
    assert raw_post(api, "dispatcher", f"/incidents/{iid}/notes", note).status_code == 201


@pytest.mark.parametrize(
    "key",
    ["short", "x" * 7, "has spaces in it", "slash/and/more", "semi;colon;key", "y" * 129, "quote'key'here"],
)
def test_a_malformed_idempotency_key_is_422(api: Api, key: str) -> None:
    with NothingWritten(api):
        r = api.post("dispatcher", "/incidents", INCIDENT, headers={"Idempotency-Key": key})
        assert_error(r, 422, field="Idempotency-Key")


def test_an_idempotency_key_replays_the_same_body_and_refuses_a_different_one(api: Api) -> None:
    key = str(uuid.uuid4())
    first = api.post("dispatcher", "/incidents", INCIDENT, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    with NothingWritten(api):
        again = api.post("dispatcher", "/incidents", INCIDENT, headers={"Idempotency-Key": key})
        assert again.status_code == 201 and again.json() == first.json()
        assert again.headers.get("Idempotent-Replayed") == "true"
        other = api.post("dispatcher", "/incidents", {**INCIDENT, "priority": "P2"}, headers={"Idempotency-Key": key})
        body = assert_error(other, 422, field="Idempotency-Key")
        assert "different request" in body["message"]
        elsewhere = api.post("dispatcher", f"/incidents/{first.json()['id']}/notes", {"text": "x"}, headers={"Idempotency-Key": key})
        assert_error(elsewhere, 422, field="Idempotency-Key")
    # keys belong to a user: another user may use the same key for its own command
    mine = api.post("call_taker", "/incidents", INCIDENT, headers={"Idempotency-Key": key})
    assert mine.status_code == 201 and mine.json()["id"] != first.json()["id"]


def test_unknown_disposition_flags_and_priority_are_422_naming_the_field(api: Api) -> None:
    iid = open_incident(api)
    with NothingWritten(api):
        body = assert_error(api.post("dispatcher", f"/incidents/{iid}/close", {"disposition": "ZZZ"}), 422, field="disposition")
        assert "ZZZ" in body["message"]
        body = assert_error(api.post("dispatcher", "/incidents", {**INCIDENT, "flags": ["child_caller", "haunted"]}), 422, field="flags")
        assert "haunted" in body["message"]
        assert_error(api.patch("dispatcher", f"/incidents/{iid}", {"flags": ["haunted"]}), 422, field="flags")
        body = assert_error(api.post("dispatcher", "/incidents", {**INCIDENT, "priority": "P9"}), 422, field="priority")
        assert "P9" in body["message"]
        assert_error(api.patch("dispatcher", f"/incidents/{iid}", {"priority": "P9"}), 422, field="priority")
        assert_error(api.patch("dispatcher", f"/incidents/{iid}", {"priority": ""}), 422, field="priority")
        assert_error(api.post("admin", "/users", {"username": "x1", "password": "long enough pw", "roles": ["wizard"]}), 422, field="roles")
        assert_error(api.post("admin", "/agencies", {"id": "A1", "name": "x", "discipline": "magic"}), 422, field="discipline")
    inc = api.get("dispatcher", f"/incidents/{iid}").json()
    assert inc["status"] == "Active" and inc["priority"] == "P1" and inc["flags"] == []


def test_an_empty_or_oversized_dispatch_list_is_422(api: Api) -> None:
    iid = open_incident(api)
    with NothingWritten(api):
        assert_error(api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": []}), 422, field="units")
        assert_error(api.post("dispatcher", f"/incidents/{iid}/dispatch", {}), 422, field="units")
        assert_error(api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": [f"U{i}" for i in range(26)]}), 422, field="units")
        assert_error(api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["  "]}), (404, 422))
    assert api.get("dispatcher", f"/incidents/{iid}").json()["status"] == "Active"


@pytest.mark.parametrize(
    "header",
    ["Basic ZGlzcGF0Y2hlcjpwdw==", "Token {token}", "Bearer", "Bearer ", "Bearer{token}", "{token}", "Digest username=x", "Bearer   "],
)
def test_an_authorization_header_with_the_wrong_scheme_is_401(api: Api, header: str) -> None:
    value = header.format(token=api.tokens["dispatcher"])
    with NothingWritten(api):
        r = api.client.get(f"{API}/me", headers={"Authorization": value})
        assert_error(r, 401, kind="unauthorized")
        r = api.client.post(f"{API}/incidents", json=INCIDENT, headers={"Authorization": value})
        assert_error(r, 401, kind="unauthorized")


def test_nul_characters_are_refused_not_a_server_error(api: Api) -> None:
    iid = open_incident(api)
    with NothingWritten(api):
        assert_error(api.post("call_taker", "/calls", {"narrative": "a\x00b"}), 422)
        assert_error(api.post("dispatcher", "/incidents", {**INCIDENT, "calls": ["\x00"]}), 422)
        assert_error(api.post("dispatcher", f"/incidents/{iid}/notes", {"text": "\x00"}), 422)
        assert_error(api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E0\x001"]}), 422)
        assert_error(api.client.post(f"{API}/auth/login", json={"username": "dispatcher\x00", "password": "x"}), (401, 422))
        for path in ("/incidents/%00", "/units/E01%00", "/calls/%00/end", "/stations/%00", f"/incidents/{iid}%00/notes"):
            r = api.client.request("POST" if path.endswith(("end", "notes")) else "GET", f"{API}{path}", json={"text": "x"}, headers=api.as_("supervisor"))
            assert_error(r, (400, 404, 422))
        for query in ("status=%00", "primary_status=%00", "agency=a%00b"):
            for what in ("incidents", "units"):
                assert_error(api.get("supervisor", f"/{what}?{query}"), (400, 422))


def test_huge_event_sequence_numbers_are_422_not_a_server_error(api: Api) -> None:
    for after in (2**63, 10**30, -1):
        assert_error(api.get("supervisor", f"/events?after={after}"), 422, field="after")
    assert_error(api.get("supervisor", "/events?after=1&limit=0"), 422, field="limit")
    assert_error(api.get("supervisor", "/events?after=abc"), 422, field="after")


@pytest.mark.parametrize("after", ["-1", str(2**63), str(10**30)])
def test_the_stream_closes_with_4422_for_a_bad_after(sqlite_api: Api, after: str) -> None:
    with sqlite_api.client.websocket_connect(f"{API}/stream?after={after}", headers=sqlite_api.as_("dispatcher")) as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
    assert closed.value.code == 4422


# ---------------------------------------------------------------------------------------------
# generated input for every write route


def base_body(route: RouteInfo, ids: dict[str, str]) -> Any:
    """A valid, rich body for the route: mutations of it get deep into the handler."""
    loc = {"lat": 37.7793, "lon": -122.4193, "uncertainty_m": 30, "address": "1 Market St", "source": "device"}
    rich = {
        "POST /api/v1/calls": {"channel": "text", "caller_number": "+1 (415) 555-0100", "received_at": "2026-11-27T10:00:00Z", "location": loc, "narrative": "help"},
        "PATCH /api/v1/calls/{call_id}": {"caller_number": "415 555 0101", "location": loc, "narrative": "smoke"},
        "POST /api/v1/incidents": {"incident_type": "CARDIAC", "priority": "P1", "location": loc, "flags": ["child_caller"], "calls": [ids["call_id"]]},
        "PATCH /api/v1/incidents/{incident_id}": {"incident_type": "FALL", "priority": "P2", "location": loc, "flags": ["non_english"]},
        "PUT /api/v1/units/{unit_id}/position": {"lat": 37.7, "lon": -122.4, "at": "2099-01-01T00:00:00Z"},
        "POST /api/v1/users": {"username": "crew-m10", "password": "long enough pw", "roles": ["field_unit"], "display_name": "Medic 10", "unit_id": "M10"},
        "POST /api/v1/incidents/{incident_id}/dispatch": {"units": ["E01", "m10"]},
    }
    if route.id in rich:
        return rich[route.id]
    make = SAMPLE_BODIES.get(route.id)
    return make(ids) if make else {}


FIELD_NAMES = [
    "incident_type", "priority", "location", "flags", "calls", "lat", "lon", "uncertainty_m", "address", "source",
    "channel", "caller_number", "received_at", "narrative", "incident_id", "text", "units", "disposition", "outcome",
    "reason", "id", "unit_type", "capabilities", "agency_id", "home_station_id", "status", "at", "name", "discipline",
    "username", "password", "roles", "display_name", "unit_id", "__proto__", "", "é",
]
SPECIAL_VALUES = [
    None, True, False, 0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**400, -(10**400), 1e308, -1e308, 5e-324, -0.0,
    float("nan"), float("inf"), float("-inf"),
    "", " ", "\t\n", "NaN", "Infinity", "-inf", "1e999", "null", "true", "0x1F", "\x00", "a\x00b", "\u202e\u0644", "\ufeff",
    "𝕏🚒", "e\u0301", "ß" * 16, "../../etc/passwd", "%00", "%", "<script>", "'; DROP TABLE incidents; --",
    "x" * 5_000, "x" * 70_000, "9" * 5_000,
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-11-27T10:00:00", "2026-11-27T10:00:00Z",
    "CARDIAC", "P1", "E01", "M10", "FD", "FS01", "45", "InService", "OnScene", "child_caller", "admin",
    [], [None], ["E01"] * 30, [[[]]], {}, {"lat": 91, "lon": 0}, {"lat": None}, {"address": "x"},
]
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12) | st.sampled_from(FIELD_NAMES), inner, max_size=5),
    max_leaves=12,
)
weird_values = st.sampled_from(SPECIAL_VALUES).map(copy.deepcopy) | json_values  # copies: mutated() edits in place
# times anywhere in datetime's range with any UTC offset: near the ends they leave the range in UTC
any_offset = st.timedeltas(min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)).map(timezone)
EDGE_TIMES = [
    "0001-01-01T00:00:00+00:01", "0001-01-01T12:00:00+23:59", "9999-12-31T23:59:59-00:01", "9999-12-31T00:00:00-23:59",
    "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00", "2026-02-29T10:00:00Z", "2026-11-27T10:00:00+24:00",
]
iso_times = st.one_of(
    st.sampled_from(EDGE_TIMES),
    st.datetimes(max_value=datetime(1, 1, 2), timezones=any_offset).map(datetime.isoformat),
    st.datetimes(min_value=datetime(9999, 12, 30), timezones=any_offset).map(datetime.isoformat),
    st.datetimes(timezones=st.none() | any_offset).map(datetime.isoformat),
)
DATE_FIELDS = {"received_at", "at"}


def _dict_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every (key path) into nested dicts, e.g. ('location', 'lat')."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append((*prefix, k))
            out.extend(_dict_paths(v, (*prefix, k)))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: Any, most: int = 3) -> Any:
    """The valid body with 1..most changes: a value replaced by an odd one, a key dropped or added, ..."""
    body = copy.deepcopy(base)
    if not isinstance(body, dict):
        return draw(json_values)
    for _ in range(draw(st.integers(1, most))):
        paths = _dict_paths(body)
        op = draw(st.sampled_from(["replace", "replace", "delete", "add", "add-nested", "wrap", "time"]))
        times = [k for k in body if k in DATE_FIELDS]
        if op == "time" and times:
            body[draw(st.sampled_from(times))] = draw(iso_times)
        elif op in ("replace", "delete", "wrap") and paths:
            path = draw(st.sampled_from(paths))
            parent = body
            for k in path[:-1]:
                parent = parent[k]
            if not isinstance(parent, dict) or path[-1] not in parent:
                continue
            if op == "replace":
                parent[path[-1]] = draw(weird_values)
            elif op == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(st.sampled_from([[parent[path[-1]]], {"value": parent[path[-1]]}, str(parent[path[-1]])]))
        elif op == "add-nested" and isinstance(body.get("location"), dict):
            body["location"][draw(st.sampled_from(FIELD_NAMES))] = draw(weird_values)
        else:
            body[draw(st.sampled_from(FIELD_NAMES) | st.text(max_size=10))] = draw(weird_values)
    return body


SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
RAW_PATH_VALUES = [
    "..", ".", "%", "%zz", "%2e%2e", "%2F", "%2f..%2f", "%00", "%ff", "%ED%A0%80", "%C3%A9", "é", "💥", "a b",
    "E01 ", "e01", "26-000001", "26-999999", "x" * 300, "null", "-1", "0", "%252e", ";", "'", "*", "~",
]


@st.composite
def path_value(draw: st.DrawFn, real: str) -> str:
    """A path segment as it goes into the URL: mostly the real id, else something odd (raw or quoted)."""
    choice = draw(st.integers(0, 9))
    if choice < 4:
        return real
    if choice < 7:
        return draw(st.sampled_from(RAW_PATH_VALUES))
    return quote(draw(SAFE_TEXT | st.sampled_from([real + "\x00", real.lower(), " " + real, real + "/.."])), safe="")


@st.composite
def write_requests(draw: st.DrawFn, route: RouteInfo, ids: dict[str, str]) -> tuple[str, bytes, dict[str, str]]:
    url = re.sub(r"{(\w+)}", lambda m: draw(path_value(ids[m.group(1)])), route.path)
    kind = draw(st.sampled_from(["one-change", "one-change", "mutated", "mutated", "arbitrary", "valid", "bytes"]))
    if kind == "bytes":
        content = draw(st.binary(max_size=200))
    else:
        base = base_body(route, ids)
        body = {
            "one-change": mutated(base, most=1), "mutated": mutated(base), "arbitrary": json_values, "valid": st.just(base),
        }[kind]
        content = json.dumps(draw(body)).encode()  # allow_nan: NaN/Infinity go out as bare tokens
    headers = {"content-type": "application/json"}
    key = draw(st.none() | st.none() | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=140) | st.uuids().map(str))
    if key is not None:
        headers["Idempotency-Key"] = key
    return url, content, headers


def _role_for(route: RouteInfo) -> str | None:
    if "public" in (route.roles or ()):
        return None
    return next(r for r in POWER_ORDER if r in (route.roles or ()))


@pytest.fixture
def fuzz(api: Api) -> dict[str, Any]:
    """Per test function (so per app): real ids to aim at and the event-log position."""
    return {"ids": path_values(api), "seq": last_seq(api)}


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda r: r.id)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], database=None)
@given(data=st.data())
def test_generated_input_never_gives_a_500_or_a_half_write(
    api: Api, fuzz: dict[str, Any], route: RouteInfo, data: st.DataObject
) -> None:
    state = fuzz  # made once per test function, like the app: examples share both
    url, content, headers = data.draw(write_requests(route, state["ids"]), label="request")
    role = _role_for(route)
    if route.id == "POST /api/v1/auth/logout":  # log out a fresh session, never the token the test reads with
        with api.client.app.state.runner.unit_of_work(actor="test-setup") as uow:
            token, _ = auth_service.issue_token(uow, username="analyst", ttl=timedelta(hours=1))
        headers["Authorization"] = f"Bearer {token}"
    elif role is not None:
        headers.update(api.as_(role))
    before = events_after(api, state["seq"])
    if before:
        state["seq"] = before[-1]["seq"]

    r = api.client.request(route.method, url, content=content, headers=headers)

    where = f"{route.method} {url} body={content[:300]!r} headers={ {k: v for k, v in headers.items() if k != 'Authorization'} }"
    assert r.status_code < 500, f"{where} -> {r.status_code} {r.text[:500]}"
    if r.status_code >= 400:
        problem = error_shape_problem(r)
        assert problem is None, f"{where} -> {r.status_code}: {problem}"
    elif r.status_code != 204:
        assert isinstance(r.json(), (dict, list)), f"{where} -> {r.status_code} {r.text[:300]}"
    written = events_after(api, state["seq"])
    if not 200 <= r.status_code < 300:
        assert not written, f"{where} -> {r.status_code} but wrote {[e['kind'] for e in written]}"
    if written:
        state["seq"] = written[-1]["seq"]
