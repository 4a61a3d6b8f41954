"""Private data reaches only the roles allowed to read it through every path: the event log (/events, an incident's
timeline, the live stream) hides caller numbers, the callers' words and care notes from analysts and admins, as
the resource routes do; call-takers, dispatchers and supervisors read them whole. Plus the smaller hardening
fixes: a 204 without a body, an empty station id, true/false as a number, text checked as sent, security headers,
and a foreign page riding the console cookie on the stream."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Api
from tests.live_server import live_server, login, migrated_sqlite_with_dispatcher

SECRET_WORDS = "my neighbour Mrs Alvarez at 12 Oak Lane has fallen"


def _private_story(api: Api) -> str:
    first = api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0178",
                                              "narrative": "Mrs Alvarez collapsed, she is not breathing"}).json()["id"]
    api.post("call_taker", f"/calls/{first}/triage")  # the protocol pre-fills answers, quoting the words
    call = api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0177"}).json()["id"]
    api.patch("call_taker", f"/calls/{call}", {"narrative": SECRET_WORDS})
    api.post("call_taker", f"/calls/{call}/triage")
    api.put("outreach", "/care-plans/415-555-0177", {"note": "lives alone; daughter Ana 415-555-0199"})
    incident = api.post("call_taker", "/incidents", {"incident_type": "FALL", "priority": "P3", "calls": [call],
                                                     "location": {"lat": 37.78, "lon": -122.41}}).json()["id"]
    api.post("outreach", "/follow-ups", {"kind": "callback", "caller_number": "415-555-0177", "note": "ask about Ana"})
    return incident


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_the_event_log_hides_private_values_from_analysts_and_admins(api: Api, role: str) -> None:
    incident = _private_story(api)
    text = str(api.get(role, "/events", params={"limit": 5000}).json())
    for secret in ("415-555-0177", "415-555-0178", "Alvarez", "Oak Lane", "daughter Ana", "ask about Ana",
                   "collapsed"):
        assert secret not in text, (role, secret)
    assert "[private]" in text and "FALL" in text, "the rest of the log is still there"
    if role == "analyst":
        timeline = str(api.get("analyst", f"/incidents/{incident}/events").json())
        assert "Alvarez" not in timeline and "415-555-0177" not in timeline
    with api.client.websocket_connect("/api/v1/stream?after=0", headers=api.as_(role)) as ws:
        seen = [ws.receive_json() for _ in range(api.get("supervisor", "/health").json()["last_seq"])]
    assert "Alvarez" not in str(seen) and "415-555-0177" not in str(seen)


def test_call_takers_dispatchers_and_supervisors_read_the_log_whole(api: Api) -> None:
    _private_story(api)
    for role in ("call_taker", "dispatcher", "supervisor"):
        text = str(api.get(role, "/events", params={"limit": 5000}).json())
        assert "Alvarez" in text and "415-555-0177" in text and "daughter Ana" in text, role


def test_numbers_are_never_true_or_false_and_text_is_checked_as_sent(api: Api) -> None:
    r = api.put("dispatcher", "/units/E01/position", {"lat": 37.78, "lon": False})
    assert r.status_code == 422 and "lon must be a number" in r.json()["message"], r.text
    incident = api.post("dispatcher", "/incidents", {"incident_type": "FALL", "priority": "P3"}).json()["id"]
    too_long = api.post("dispatcher", f"/incidents/{incident}/notes", {"text": "x" * 4000 + "   "})
    assert too_long.status_code == 422
    blank = api.post("dispatcher", f"/incidents/{incident}/notes", {"text": "    "})
    assert blank.status_code == 422 and "empty" in blank.json()["message"]
    spaced = api.post("dispatcher", f"/incidents/{incident}/notes", {"text": "  knocked, no answer  "})
    assert spaced.status_code == 201 and spaced.json()["text"] == "knocked, no answer"
    r = api.post("admin", "/units", {"id": "R77", "unit_type": "RESCUE", "agency_id": "FD", "home_station_id": ""})
    assert r.status_code == 422, r.text
    triage = api.post("call_taker", "/triage", {"text": "my dad fell", "context": {"local_hour": True}})
    assert triage.status_code == 422


def test_api_answers_carry_security_headers_and_are_never_cached(api: Api) -> None:
    r = api.get("dispatcher", "/units")
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    login_answer = api.client.post("/api/v1/auth/login", json={"username": "dispatcher", "password": "nope"})
    assert login_answer.headers["cache-control"] == "no-store"
    assert api.client.get("/api/v1/health").headers["x-frame-options"] == "DENY"


def test_a_foreign_page_cannot_ride_the_console_cookie_onto_the_stream(api: Api) -> None:
    from starlette.websockets import WebSocketDisconnect

    r = api.client.post("/api/v1/auth/login", json={"username": "dispatcher", "password": "correct horse battery"})
    assert r.status_code == 200
    with api.client.websocket_connect("/api/v1/stream", headers={"Origin": "https://evil.example"}) as ws:
        message = ws.receive_json()
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert message["error"] == "forbidden" and closed.value.code == 4403
    with api.client.websocket_connect("/api/v1/stream", headers={"Origin": "http://testserver"}) as ws:
        assert ws.receive_json()["seq"] == 1  # its own pages: fine


def test_logout_answers_204_without_a_body_so_the_connection_stays_usable(tmp_path) -> None:  # noqa: ANN001
    url = migrated_sqlite_with_dispatcher(tmp_path)
    with live_server(url) as base, httpx.Client(timeout=10) as client:  # one keep-alive connection
        token = login(base)
        auth = {"Authorization": f"Bearer {token}"}
        out = client.post(f"{base}/auth/logout", headers=auth)
        assert out.status_code == 204 and out.content == b""
        for _ in range(3):  # the next requests on the same connection work
            assert client.get(f"{base}/health").status_code == 200


def test_password_guessing_is_refused_before_any_hashing_and_timing_says_nothing(api: Api) -> None:
    import time

    client = api.client
    for _ in range(5):
        assert client.post("/api/v1/auth/login", json={"username": "dispatcher", "password": "guess"}).status_code == 401
    locked = client.post("/api/v1/auth/login", json={"username": "dispatcher", "password": "correct horse battery"})
    assert locked.status_code == 429 and "too many failed logins for user 'dispatcher'" in locked.json()["message"]
    assert locked.json()["details"]["retry_after_s"] >= 1
    from fastapi.testclient import TestClient

    elsewhere = TestClient(client.app, client=("10.0.0.9", 50000))  # the real dispatcher, at another console
    assert elsewhere.post("/api/v1/auth/login", json={"username": "dispatcher", "password": "correct horse battery"}).status_code == 200, \
        "failing on purpose elsewhere does not lock the user out"
    assert client.post("/api/v1/auth/login", json={"username": "supervisor", "password": "correct horse battery"}).status_code == 200

    def timed(name: str) -> float:
        t0 = time.perf_counter()
        client.post("/api/v1/auth/login", json={"username": name, "password": "wrong"})
        return time.perf_counter() - t0
    known = min(timed("analyst") for _ in range(3))
    unknown = min(timed(f"nobody{i}") for i in range(3))
    assert unknown > known / 3, (known, unknown)  # an unknown name is hashed too


def test_an_approved_summary_never_publishes_a_name_the_rules_alone_missed(api: Api) -> None:
    incident = api.post("dispatcher", "/incidents", {"incident_type": "WELFARE", "priority": "P4",
                                                     "location": {"lat": 37.78, "lon": -122.41}}).json()["id"]
    draft = "officers found jamal, six, at home on oak lane; his mother maría álvarez was called"
    r = api.post("supervisor", f"/incidents/{incident}/public-summary", {"draft": draft})
    assert r.status_code == 200, r.text
    published = str(api.client.get("/api/v1/public/incidents").json()) + r.json()["text"]
    for secret in ("jamal", "oak lane", "maría", "álvarez", "six"):
        assert secret not in published.lower(), (secret, r.json()["text"])
