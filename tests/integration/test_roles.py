"""Who may do what: the whole role x route matrix, generated from the routes' own x-roles declarations.

Every /api/v1 route declares its roles with **allowed(...) or public() (stored in
openapi_extra["x-roles"]). These tests read those declarations from the app and check that the
running API enforces exactly them: no credentials or a bad token -> 401, a role not listed -> 403,
a listed role -> neither (it may still be 404/409/422). Plus cookie sessions with CSRF, a field
unit limited to its own unit, and the role checks of the live WebSocket stream.

The full matrix runs on SQLite (a fresh app per route); a sample runs on PostgreSQL too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute
from sqlalchemy import func, select
from starlette.websockets import WebSocketDisconnect

from openpsap.api.deps import CSRF_HEADER, ROLES_KEY, SESSION_COOKIE
from openpsap.app import API, create_app
from openpsap.auth import service as auth_service
from openpsap.auth.roles import Role
from openpsap.config import Settings
from openpsap.db import Database
from openpsap.eventlog.models import EventRecord
from tests.conftest import PASSWORD, Api, open_incident

ROLES = [r.value for r in Role]
PUBLIC = "public"
BAD_TOKEN = "not-a-real-token-0123456789abcdefghijklmnopqrstuv"
# HTTP routes under /api/v1 that are not APIRoutes (FastAPI's own documentation pages): public by design
DOC_PAGES = {f"{API}/openapi.json", f"{API}/docs"}
WS_STREAM = f"{API}/stream"
WS_CONVEYANCE = f"{API}/IncidentData/ent"  # NENA-STA-024 subscribe/notify: tested in test_eido_conveyance.py
WS_SPEECH = (f"{API}/calls/{{call_id}}/audio", f"{API}/calls/{{call_id}}/transcript")  # tested in test_speech_live.py


# ---------------------------------------------------------------------------------------------
# the routes, read from the app


@dataclass(frozen=True)
class RouteInfo:
    method: str
    path: str  # with the /api/v1 prefix, e.g. /api/v1/incidents/{incident_id}/dispatch
    roles: tuple[str, ...] | None  # x-roles as declared; None when missing
    enforced: frozenset[str] | None  # roles of the allowed(...) dependency, None when there is none
    params: tuple[str, ...]
    has_body: bool

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _route_contexts(app: FastAPI) -> Iterator[tuple[Any, Any]]:
    """(effective route, original route) for every route of the app, with router prefixes applied.

    Newer FastAPI keeps included routers as one entry in app.routes; iter_route_contexts flattens them.
    """
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        for route in app.routes:
            yield route, route
        return
    for ctx in iter_route_contexts(app.routes):
        yield ctx, ctx.original_route


def _enforced_roles(route: Any) -> frozenset[str] | None:
    dependant = getattr(route, "dependant", None)
    for dep in getattr(dependant, "dependencies", []):
        roles = getattr(dep.call, "roles", None)
        if roles is not None:
            return frozenset(roles)
    return None


def api_routes(app: FastAPI) -> list[RouteInfo]:
    out = []
    for route, original in _route_contexts(app):
        if not isinstance(original, APIRoute) or not route.path.startswith(f"{API}/"):
            continue
        extra = getattr(route, "openapi_extra", None) or {}
        roles = extra.get(ROLES_KEY)
        params = tuple(re.findall(r"{(\w+)(?::\w+)?}", route.path))
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            out.append(
                RouteInfo(
                    method=method,
                    path=route.path,
                    roles=tuple(roles) if roles is not None else None,
                    enforced=_enforced_roles(route),
                    params=params,
                    has_body=getattr(route, "body_field", None) is not None,
                )
            )
    return out


def _collect_routes() -> list[RouteInfo]:
    """The route list at collection time, from a throwaway app (no database is touched)."""
    db = Database("sqlite:///:memory:")
    try:
        return api_routes(create_app(Settings(database_url="sqlite:///:memory:"), database=db))
    finally:
        db.dispose()


ROUTES = _collect_routes()
ROUTE_IDS = [r.id for r in ROUTES]
# routes also checked on PostgreSQL (and SQLite) through the `api` fixture
PG_SAMPLE = [
    "GET /api/v1/incidents/{incident_id}",
    "POST /api/v1/incidents/{incident_id}/dispatch",
    "POST /api/v1/units/{unit_id}/status",
    "POST /api/v1/users",
    "PATCH /api/v1/calls/{call_id}",
    "GET /api/v1/events",
]


# ---------------------------------------------------------------------------------------------
# plausible path parameters and bodies, so an allowed role reaches the handler


def path_values(api: Api) -> dict[str, str]:
    incident = open_incident(api)
    # M10 (the field_unit user's unit) is on the incident: a field unit reaches only incidents it is assigned to
    assert api.post("dispatcher", f"/incidents/{incident}/dispatch", {"units": ["M10"]}).status_code == 200
    call = api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0100"})
    assert call.status_code == 201, call.text
    # unit M10 is crewed by the field_unit user, so field_unit passes its own-unit check as well
    task = api.post("outreach", "/follow-ups", {"kind": "callback", "incident_id": incident})
    assert task.status_code == 201, task.text
    # a spare user for the user routes (disabling a role's own user would spoil the rest of the matrix)
    spare = api.post("admin", "/users", {"username": "spare", "password": "long enough secret", "roles": ["analyst"]})
    assert spare.status_code in (201, 409), spare.text
    return {"incident_id": incident, "call_id": call.json()["id"], "unit_id": "M10", "station_id": "FS01",
            "caller_number": "415-555-0100", "follow_up_id": task.json()["id"], "username": "spare",
            "key": "care", "neighbour": "marin", "subscription_id": "no-such-subscription",
            "incidentID": "urn:emergency:uid:incidentid:0:psap.example.org", "alert_id": "no-such-alert"}


_PROLOGUE = {"lastUpdateTimeStamp": "2026-11-27T10:00:00Z", "updatedByAgencyReference": {"$ref": "psap.example.org"}}
EIDO = {"$id": "urn:emergency:uid:incidentid:1:psap.example.org", **_PROLOGUE, "eidoVersion": "1.0",  # a minimal EIDO
        "issuingElementIdentification": "cad.psap.example.org",
        "agencyComponent": [{"$id": "psap.example.org", **_PROLOGUE, "agencyRoleDescriptionRegistryText": ["CallReceiving"],
                             "agencyType": ["psap"]}],
        "incidentComponent": {"$id": "urn:emergency:uid:eidodatacomponent:1:psap.example.org", **_PROLOGUE,
                              "incidentTypeCommonRegistryText": "FALL", "incidentCommonPriorityNumber": 6}}
ALERT = {"event": "gas leak", "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",  # a CAP public alert
         "headline": "Gas leak: keep away from Fell St", "instruction": "Keep away; keep windows closed.",
         "area": {"description": "Fell St near Gough St", "circle": {"lat": 37.7765, "lon": -122.426, "radius_km": 0.5}}}

CARE_YAML = """\
follow_up_kinds:
  callback: {label: Call back}
outcomes:
  guardian_contacted: {label: Guardian contacted, follow_ups: [callback]}
"""
SAMPLE_BODIES: dict[str, Callable[[dict[str, str]], Any]] = {
    "POST /api/v1/auth/login": lambda ids: {"username": "dispatcher", "password": PASSWORD},
    "POST /api/v1/users": lambda ids: {"username": "relief-dispatcher", "password": "long enough secret", "roles": ["dispatcher"]},
    "POST /api/v1/triage": lambda ids: {"text": "my mommy will not wake up"},
    "POST /api/v1/calls/{call_id}/instructions": lambda ids: {"set": "cpr_adult", "step": 1},
    "POST /api/v1/calls/{call_id}/protocol-answers": lambda ids: {"complaint": "fall", "answers": {"awake": "yes"}},
    "POST /api/v1/calls/{call_id}/triage-decision": lambda ids: {"accepted": False, "urgency": "High", "incident_type": "CARDIAC"},
    "POST /api/v1/calls": lambda ids: {"channel": "voice", "caller_number": "415-555-0199"},
    "PATCH /api/v1/calls/{call_id}": lambda ids: {"narrative": "smoke alarm going off next door"},
    "POST /api/v1/calls/{call_id}/link": lambda ids: {"incident_id": ids["incident_id"]},
    "POST /api/v1/incidents": lambda ids: {"incident_type": "FALL", "priority": "P3", "location": {"lat": 37.77, "lon": -122.42}},
    "PATCH /api/v1/incidents/{incident_id}": lambda ids: {"priority": "P2"},
    "POST /api/v1/incidents/{incident_id}/notes": lambda ids: {"text": "caller reports patient breathing"},
    "POST /api/v1/incidents/{incident_id}/dispatch": lambda ids: {"units": ["E02"]},
    "POST /api/v1/incidents/{incident_id}/close": lambda ids: {"disposition": "45", "outcome": "handled"},
    "POST /api/v1/incidents/{incident_id}/cancel": lambda ids: {"reason": "caller says no longer needed"},
    "POST /api/v1/incidents/{incident_id}/reopen": lambda ids: {"reason": "caller called back"},
    "POST /api/v1/units": lambda ids: {"id": "R99", "unit_type": "RESCUE", "agency_id": "FD", "home_station_id": "FS01"},
    "POST /api/v1/units/{unit_id}/status": lambda ids: {"status": "OutofService"},
    "PUT /api/v1/units/{unit_id}/position": lambda ids: {"lat": 37.7749, "lon": -122.4194},
    "POST /api/v1/units/{unit_id}/sign-out": lambda ids: {},
    "POST /api/v1/units/{unit_id}/acknowledge": lambda ids: {"incident_id": ids["incident_id"]},
    "PATCH /api/v1/units/{unit_id}": lambda ids: {"capabilities": ["transport", "als", "bariatric"]},
    "PATCH /api/v1/stations/{station_id}": lambda ids: {"name": "Station One (rebuilt)"},
    "PUT /api/v1/configuration/{key}": lambda ids: {"yaml": CARE_YAML},
    "POST /api/v1/stations": lambda ids: {"id": "FS99", "name": "Station 99", "agency_id": "FD", "lat": 37.75, "lon": -122.45},
    "POST /api/v1/agencies": lambda ids: {"id": "EMS", "name": "Ambulance Service", "discipline": "ems"},
    "POST /api/v1/public-summary/preview": lambda ids: {"draft": "A boy, Sam, 6, called 911 because he was lonely."},
    "POST /api/v1/incidents/{incident_id}/public-summary": lambda ids: {"draft": "Officers visited a lonely child."},
    "PUT /api/v1/care-plans/{caller_number}": lambda ids: {"note": "lonely caller; be kind, offer 211"},
    "POST /api/v1/incidents/{incident_id}/care-outcomes": lambda ids: {"outcomes": ["guardian_contacted"]},
    "POST /api/v1/follow-ups": lambda ids: {"kind": "callback", "incident_id": ids["incident_id"]},
    "PATCH /api/v1/follow-ups/{follow_up_id}": lambda ids: {"note": "left a message"},
    "POST /api/v1/calls/{call_id}/callback-attempts": lambda ids: {"result": "no_answer"},
    "POST /api/v1/eido": lambda ids: EIDO,
    "POST /api/v1/incidents/{incident_id}/alerts": lambda ids: ALERT,
    "PUT /api/v1/alerts/{alert_id}": lambda ids: ALERT,
    "POST /api/v1/alerts/{alert_id}/cancel": lambda ids: {"note": "the gas main is repaired; the area is safe"},
    "POST /api/v1/incidents/{incident_id}/transfer": lambda ids: {"neighbour": ids["neighbour"]},
    "POST /api/v1/neighbours/{neighbour}/subscriptions": lambda ids: {"incident": ids["incidentID"]},
}


def fill(route: RouteInfo, ids: dict[str, str]) -> str:
    missing = [p for p in route.params if p not in ids]
    assert not missing, f"{route.id}: add a plausible value for path parameter(s) {missing} in path_values()"
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: ids[m.group(1)], route.path)


def error_shape_problem(response: Any) -> str | None:
    """None when a 4xx/5xx response has the one JSON error shape, else what is wrong."""
    try:
        body = response.json()
    except ValueError:
        return f"body is not JSON: {response.text[:200]!r}"
    if not isinstance(body, dict) or set(body) != {"error", "message", "details"}:
        return f"not the error shape {{error, message, details}}: {body!r}"[:300]
    if not (isinstance(body["error"], str) and isinstance(body["message"], str) and isinstance(body["details"], dict)):
        return f"error shape has wrong types: {body!r}"[:300]
    return None


def event_count(api: Api) -> int:
    with api.database.read() as session:
        return session.scalar(select(func.count()).select_from(EventRecord)) or 0


def check_route(api: Api, route: RouteInfo) -> list[str]:
    """Walk one route through every kind of caller; return the failures (empty when all is well)."""
    problems: list[str] = []
    if route.roles is None:
        return [f"{route.id}: declares no {ROLES_KEY} (use **allowed(...) or **public())"]
    ids = path_values(api)
    url = fill(route, ids)
    make_body = SAMPLE_BODIES.get(route.id)
    body = make_body(ids) if make_body else None
    public = PUBLIC in route.roles
    declared = api.client.app.openapi()["paths"][route.path][route.method.lower()]["responses"]

    def send(label: str, headers: dict[str, str]) -> Any:
        r = api.client.request(route.method, url, json=body, headers=headers)
        where = f"{route.method} {url} as {label} (route {route.path})"
        if r.status_code >= 500 and str(r.status_code) not in declared:  # /ready may say 503, and says so
            problems.append(f"{where}: {r.status_code} {r.text[:200]}")
        if r.status_code >= 400 and (shape := error_shape_problem(r)):
            problems.append(f"{where}: {r.status_code} {shape}")
        if str(r.status_code) not in declared:
            problems.append(f"{where}: answered {r.status_code}, which its OpenAPI entry does not declare ({sorted(declared)})")
        return r

    def expect(label: str, r: Any, wanted: int) -> None:
        if r.status_code != wanted:
            problems.append(f"{route.method} {url} as {label}: wanted {wanted}, got {r.status_code} {r.text[:200]}")

    if not public:
        before = event_count(api)
        expect("no credentials", send("no credentials", {}), 401)
        expect("a bad token", send("a bad token", {"Authorization": f"Bearer {BAD_TOKEN}"}), 401)
        for role in ROLES:
            if role not in route.roles:
                r = send(f"role {role} (not in x-roles {list(route.roles)})", api.as_(role))
                expect(f"role {role} (not in x-roles {list(route.roles)})", r, 403)
                if r.status_code == 403 and r.json()["error"] != "forbidden":
                    problems.append(f"{route.id} as {role}: 403 with error kind {r.json()['error']!r}, wanted 'forbidden'")
        if event_count(api) != before:
            problems.append(f"{route.id}: refused requests wrote {event_count(api) - before} event(s)")
    callers = [(f"role {role}", api.as_(role)) for role in ROLES if public or role in route.roles]
    if public:
        callers += [("no credentials", {}), ("a bad token", {"Authorization": f"Bearer {BAD_TOKEN}"})]
    for label, headers in callers:
        r = send(label, headers)
        if r.status_code in (401, 403):
            problems.append(f"{route.method} {url} as {label} (allowed by x-roles {list(route.roles)}): got {r.status_code} {r.text[:200]}")
    return problems


# ---------------------------------------------------------------------------------------------
# the declarations themselves


def test_every_api_route_declares_known_roles_that_match_what_it_enforces(sqlite_api: Api) -> None:
    app = sqlite_api.client.app
    routes = api_routes(app)
    assert len(routes) >= 30, f"found only {len(routes)} API routes; is the route walk still working?"
    problems = []
    for route in routes:
        if route.roles is None:
            problems.append(f"{route.id}: no {ROLES_KEY}; declare them with **allowed(Role...) or **public()")
            continue
        if not route.roles:
            problems.append(f"{route.id}: empty {ROLES_KEY}")
        unknown = set(route.roles) - set(ROLES) - {PUBLIC}
        if unknown:
            problems.append(f"{route.id}: unknown role(s) {sorted(unknown)} in {ROLES_KEY}")
        if PUBLIC in route.roles:
            if len(route.roles) != 1:
                problems.append(f"{route.id}: 'public' mixed with roles {list(route.roles)}")
            if route.enforced is not None:
                problems.append(f"{route.id}: declared public but enforces roles {sorted(route.enforced)}")
        elif route.enforced != frozenset(route.roles):
            problems.append(f"{route.id}: declares {list(route.roles)} but enforces {sorted(route.enforced or [])}")
    assert not problems, "\n".join(problems)

    # nothing else answers under /api/v1: only FastAPI's doc pages and the WebSocket stream (tested below)
    others = set()
    for route, original in _route_contexts(app):
        path = getattr(route, "path", "") or ""
        if path.startswith(f"{API}/") and not isinstance(original, APIRoute):
            others.add((type(original).__name__, path))
    expected = {("Route", p) for p in DOC_PAGES} | {(APIWebSocketRoute.__name__, p) for p in (WS_STREAM, WS_CONVEYANCE, *WS_SPEECH)}
    assert others <= expected, f"unchecked non-API routes under {API}: {sorted(others - expected)}"

    # the OpenAPI document lists the same roles, so clients can read them
    spec = sqlite_api.client.get(f"{API}/openapi.json").json()
    for route in routes:
        op = spec["paths"][route.path][route.method.lower()]
        assert op.get(ROLES_KEY) == list(route.roles or []), f"{route.id}: OpenAPI {ROLES_KEY} differs"


def test_every_route_that_takes_a_body_has_a_sample_body_for_the_matrix() -> None:
    missing = [r.id for r in ROUTES if r.has_body and r.id not in SAMPLE_BODIES]
    assert not missing, f"add a plausible body to SAMPLE_BODIES for: {missing}"
    stale = set(SAMPLE_BODIES) - set(ROUTE_IDS)
    assert not stale, f"SAMPLE_BODIES names routes that no longer exist: {sorted(stale)}"
    assert set(PG_SAMPLE) <= set(ROUTE_IDS), f"PG_SAMPLE names unknown routes: {sorted(set(PG_SAMPLE) - set(ROUTE_IDS))}"


# ---------------------------------------------------------------------------------------------
# the matrix


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_role_matrix(sqlite_api: Api, route: RouteInfo) -> None:
    problems = check_route(sqlite_api, route)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.id in PG_SAMPLE], ids=lambda r: r.id)
def test_role_matrix_sample_on_each_database(api: Api, route: RouteInfo) -> None:
    problems = check_route(api, route)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_expired_and_revoked_tokens_are_refused(api: Api) -> None:
    runner = api.client.app.state.runner
    with runner.unit_of_work(actor="test-setup") as uow:
        expired, _ = auth_service.issue_token(uow, username="dispatcher", ttl=timedelta(seconds=-1))
    r = api.client.get(f"{API}/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in r.json()["message"], r.text

    login = api.client.post(f"{API}/auth/login", json={"username": "analyst", "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get(f"{API}/me", headers=headers).json()["username"] == "analyst"
    assert api.client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    r = api.client.get(f"{API}/me", headers=headers)
    assert r.status_code == 401 and error_shape_problem(r) is None, r.text


def test_a_wrong_password_is_401_with_the_same_message_as_an_unknown_user(api: Api) -> None:
    wrong = api.client.post(f"{API}/auth/login", json={"username": "dispatcher", "password": "not the password"})
    nobody = api.client.post(f"{API}/auth/login", json={"username": "nobody-here", "password": "not the password"})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()
    assert SESSION_COOKIE not in wrong.cookies


# ---------------------------------------------------------------------------------------------
# console sessions: cookie plus CSRF header


def test_a_cookie_session_reads_freely_but_writes_only_with_the_csrf_token(api: Api) -> None:
    client = api.client
    login = client.post(f"{API}/auth/login", json={"username": Role.dispatcher.value.replace("_", "-"), "password": PASSWORD})
    assert login.status_code == 200, login.text
    assert SESSION_COOKIE in login.cookies, login.headers
    assert "httponly" in login.headers["set-cookie"].lower()
    csrf = login.json()["csrf_token"]
    assert client.cookies.get(SESSION_COOKIE)

    me = client.get(f"{API}/me")  # the cookie alone, no Authorization header
    assert me.status_code == 200 and me.json()["username"] == "dispatcher", me.text

    with client.app.state.runner.unit_of_work(actor="test-setup") as uow:  # another session, no cookie
        _, other_session = auth_service.issue_token(uow, username="call-taker", ttl=timedelta(hours=1))
    body = {"incident_type": "CARDIAC", "priority": "P1", "location": {"lat": 37.78, "lon": -122.41}}
    before = event_count(api)
    no_csrf = client.post(f"{API}/incidents", json=body)
    assert no_csrf.status_code == 403, no_csrf.text
    assert error_shape_problem(no_csrf) is None and CSRF_HEADER in no_csrf.json()["message"]
    wrong = client.post(f"{API}/incidents", json=body, headers={CSRF_HEADER: "x" + csrf})
    assert wrong.status_code == 403, wrong.text
    foreign = client.post(f"{API}/incidents", json=body, headers={CSRF_HEADER: other_session.csrf_token})
    assert foreign.status_code == 403, "another session's CSRF token must not work"
    assert event_count(api) == before, "refused cookie writes wrote nothing"

    ok = client.post(f"{API}/incidents", json=body, headers={CSRF_HEADER: csrf})
    assert ok.status_code == 201, ok.text
    assert ok.json()["created_by"] == "dispatcher"

    # a bearer header wins over the cookie: a bad one is 401 even with a good cookie
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {BAD_TOKEN}"}).status_code == 401
    # a bearer token needs no CSRF header even when a cookie is present
    assert client.post(f"{API}/incidents", json=body, headers=api.as_("call_taker")).status_code == 201

    assert client.post(f"{API}/auth/logout").status_code == 403, "logging out is a write: it needs the CSRF token too"
    assert client.post(f"{API}/auth/logout", headers={CSRF_HEADER: csrf}).status_code == 204
    assert not client.cookies.get(SESSION_COOKIE), "logging out deletes the cookie"
    client.cookies.set(SESSION_COOKIE, login.cookies[SESSION_COOKIE])  # replay the old cookie anyway
    replay = client.get(f"{API}/me")
    assert replay.status_code == 401 and "revoked" in replay.json()["message"], "a logged-out session cookie no longer works"
    client.cookies.clear()


# ---------------------------------------------------------------------------------------------
# a field unit moves only its own unit


def test_a_field_unit_changes_only_its_own_unit(api: Api) -> None:
    me = api.get("field_unit", "/me").json()
    assert me["unit_id"] == "M10"
    before = event_count(api)
    for unit in ("E01", "e01", "PA01"):
        r = api.post("field_unit", f"/units/{unit}/status", {"status": "OutofService"})
        assert r.status_code == 403, f"field_unit changing {unit}: {r.status_code} {r.text}"
        assert error_shape_problem(r) is None and "M10" in r.json()["message"]
        r = api.put("field_unit", f"/units/{unit}/position", {"lat": 37.7, "lon": -122.4})
        assert r.status_code == 403, f"field_unit moving {unit}: {r.status_code} {r.text}"
    assert event_count(api) == before, "refused unit changes wrote nothing"
    assert api.get("dispatcher", "/units/E01").json()["status"] == "InService"

    r = api.post("field_unit", "/units/M10/status", {"status": "OutofService"})
    assert r.status_code == 200 and r.json()["status"] == "OutofService", r.text
    r = api.post("field_unit", "/units/m10/status", {"status": "InService"})
    assert r.status_code == 200 and r.json()["status"] == "InService", r.text
    r = api.put("field_unit", "/units/M10/position", {"lat": 37.7701, "lon": -122.4101})
    assert r.status_code == 200 and r.json()["lat"] == 37.7701, r.text
    # a dispatcher may still move any unit
    assert api.post("dispatcher", "/units/E01/status", {"status": "OutofService"}).status_code == 200


# ---------------------------------------------------------------------------------------------
# the live stream (WebSocket): 4401 without a login, 4403 for a role that may not read it


def _closed_with(ws: Any) -> tuple[dict | None, int]:
    """Read until the server closes; return the last JSON message (if any) and the close code."""
    message = None
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            message = ws.receive_json()
    return message, closed.value.code


@pytest.mark.parametrize(
    "how", ["no token", "bad bearer", "token in the URL is not accepted", "wrong scheme"],
)
def test_the_stream_refuses_callers_without_a_valid_login_with_4401(sqlite_api: Api, how: str) -> None:
    url, headers = WS_STREAM, {}
    if how == "bad bearer":
        headers = {"Authorization": f"Bearer {BAD_TOKEN}"}
    elif how == "token in the URL is not accepted":  # query strings land in access logs
        url = f"{WS_STREAM}?token={sqlite_api.tokens['dispatcher']}"
    elif how == "wrong scheme":
        headers = {"Authorization": f"Basic {sqlite_api.tokens['dispatcher']}"}
    with sqlite_api.client.websocket_connect(url, headers=headers) as ws:
        message, code = _closed_with(ws)
    assert code == 4401, f"{how}: closed with {code}"
    assert message is not None and message["error"] == "unauthorized"


@pytest.mark.parametrize("role", ROLES)
def test_the_stream_lets_exactly_its_reader_roles_in(sqlite_api: Api, role: str) -> None:
    readers = {"call_taker", "dispatcher", "supervisor", "analyst", "admin"}  # the documented stream roles
    last_seq = sqlite_api.client.get(f"{API}/health").json()["last_seq"]
    assert last_seq > 0
    url = f"{WS_STREAM}?after={last_seq - 1}"
    with sqlite_api.client.websocket_connect(url, headers=sqlite_api.as_(role)) as ws:
        if role in readers:
            event = ws.receive_json()
            assert event["seq"] == last_seq, event
        elif role == "field_unit":  # in, but it sees only its own unit (M10) and the incidents it is assigned to
            incident = open_incident(sqlite_api)
            assert sqlite_api.post("dispatcher", f"/incidents/{incident}/dispatch", {"units": ["M10"]}).status_code == 200
            event = ws.receive_json()
            while event["kind"] == "stream-at":  # how far the log was read past what it may not see
                event = ws.receive_json()
            assert event["kind"] == "unit-dispatched" and event["subject_id"] == "M10", event
        else:
            message, code = _closed_with(ws)
            assert code == 4403, f"{role}: closed with {code}"
            assert message is not None and message["error"] == "forbidden"


def test_the_stream_refuses_outreach_and_serves_a_dispatcher_live_events(api: Api) -> None:
    with api.client.websocket_connect(WS_STREAM, headers=api.as_("outreach")) as ws:
        _, code = _closed_with(ws)
    assert code == 4403

    last_seq = api.client.get(f"{API}/health").json()["last_seq"]
    with api.client.websocket_connect(f"{WS_STREAM}?after={last_seq}", headers=api.as_("dispatcher")) as ws:
        incident = open_incident(api)
        event = ws.receive_json()
        assert event["kind"] == "incident-created" and event["subject_id"] == incident, event
        assert event["seq"] > last_seq
