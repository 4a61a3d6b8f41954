"""NENA-STA-024 subscribe/notify on one server (in process): subscriptions to one incident and to new incidents,
notifications on each change within the agreed rates, renewal, unsubscribe, the protocol's answers to unknown
subscriptions and malformed messages, the token and role checks, transfers in (requestForService), the incident-data
and dereference paths, and a subscriber that does not keep up being dropped."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from openpsap.interop.conveyance import notifier
from tests.conftest import Api, open_incident
from tests.integration.test_roles import EIDO

ENT = "/api/v1/IncidentData/ent"
SUB = ["emergency-ent1.0"]


def eido_id(api: Api, incident: str) -> str:
    return api.get("dispatcher", f"/incidents/{incident}/eido").json()["$id"]


def send(ws: Any, name: str, **body: Any) -> None:
    ws.send_text(json.dumps({name: body}))


def answer(ws: Any) -> dict[str, Any]:
    return ws.receive_json()


def subscribe(ws: Any, **terms: Any) -> dict[str, Any]:
    send(ws, "subscribe", requestId="r1", requestType="EIDO", **terms)
    got = answer(ws)["subscribeResponse"]
    assert got["statusCode"] == 200, got
    return got


def ack(ws: Any, event: dict[str, Any]) -> None:
    send(ws, "eventResponse", transactionId=event["transactionId"], statusCode=200, statusText="OK")


def test_a_single_subscription_gets_the_incident_now_and_on_each_change(sqlite_api: Api) -> None:
    incident = open_incident(sqlite_api)
    tracking = eido_id(sqlite_api, incident)
    with sqlite_api.client.websocket_connect(ENT, headers=sqlite_api.as_("neighbour_centre"), subprotocols=SUB) as ws:
        assert ws.accepted_subprotocol == "emergency-ent1.0"
        agreed = subscribe(ws, requestSubType="single", incidentId=tracking, expires=600, minRate=1)
        assert agreed["expires"] == 600 and agreed["minRate"] == 5, "minRate is raised to 5 s, the least served"
        first = answer(ws)["event"]
        assert first["subscriptionId"] == agreed["subscriptionId"]
        assert [e["$id"] for e in first["notification"]] == [tracking]
        ack(ws, first)
        assert sqlite_api.post("dispatcher", f"/incidents/{incident}/dispatch", {"units": ["E01"]}).status_code == 200
        changed = answer(ws)["event"]
        units = changed["notification"][0]["emergencyResourceComponent"]
        assert [u["emergencyResourceName"] for u in units] == ["E01"]
        ack(ws, changed)
        send(ws, "unsubscribe", requestId="r2", subscriptionId=agreed["subscriptionId"])
        assert answer(ws)["unsubscribeResponse"]["statusCode"] == 200
        send(ws, "unsubscribe", requestId="r3", subscriptionId=agreed["subscriptionId"])
        assert answer(ws)["unsubscribeResponse"]["statusCode"] == 481
    kinds = [e["kind"] for e in sqlite_api.get("supervisor", "/events?limit=5000").json()["events"]]
    assert kinds.count("eido-subscription-started") == 1 and kinds.count("eido-subscription-ended") == 1


def test_a_subscription_to_new_incidents_gets_each_new_one_and_respects_max_rate(sqlite_api: Api) -> None:
    before = open_incident(sqlite_api)  # opened before the subscription: not sent
    with sqlite_api.client.websocket_connect(ENT, headers=sqlite_api.as_("neighbour_centre")) as ws:
        subscribe(ws, requestSubType="new", maxRate=1)
        started = time.monotonic()
        first = open_incident(sqlite_api, "FALL")
        second = open_incident(sqlite_api, "MVA")
        sqlite_api.post("dispatcher", f"/incidents/{before}/notes", {"text": "not for the subscriber"})
        seen: list[str] = []
        events = 0
        while len(seen) < 2:
            event = answer(ws)["event"]
            events += 1
            seen += [e["incidentComponent"]["internalIncidentId"] for e in event["notification"]]
            ack(ws, event)
        assert sorted(set(seen)) == sorted([first, second]) and before not in seen
        assert events <= 2 and (events == 1 or time.monotonic() - started >= 1.0), "maxRate 1: at most one a second"


def test_a_renewal_resumes_on_a_new_connection_with_what_changed_meanwhile(sqlite_api: Api) -> None:
    incident = open_incident(sqlite_api)
    tracking = eido_id(sqlite_api, incident)
    with sqlite_api.client.websocket_connect(ENT, headers=sqlite_api.as_("neighbour_centre")) as ws:
        sub_id = subscribe(ws, requestSubType="single", incidentId=tracking)["subscriptionId"]
        ack(ws, answer(ws)["event"])
    sqlite_api.post("dispatcher", f"/incidents/{incident}/notes", {"text": "changed while the subscriber was away"})
    with sqlite_api.client.websocket_connect(ENT, headers=sqlite_api.as_("neighbour_centre")) as ws:
        send(ws, "subscribe", requestId="again", subscriptionId=sub_id, expires=120)
        renewed = answer(ws)["subscribeResponse"]
        assert (renewed["statusCode"], renewed["subscriptionId"], renewed["expires"]) == (200, sub_id, 120)
        notes = answer(ws)["event"]["notification"][0]["notesComponent"]
        assert any("while the subscriber was away" in n["notesActionComments"] for n in notes)


def test_an_expired_subscription_is_terminated_and_cannot_be_renewed(sqlite_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpsap.interop.conveyance import protocol

    monkeypatch.setattr(protocol, "MIN_EXPIRES", 1)
    tracking = eido_id(sqlite_api, open_incident(sqlite_api))
    with sqlite_api.client.websocket_connect(ENT, headers=sqlite_api.as_("neighbour_centre")) as ws:
        sub_id = subscribe(ws, requestSubType="single", incidentId=tracking, expires=1)["subscriptionId"]
        ack(ws, answer(ws)["event"])
        ended = answer(ws)["terminate"]  # within about a second
        assert ended["subscriptionId"] == sub_id and ended["requestId"]
        send(ws, "terminateResponse", requestId=ended["requestId"], subscriptionId=sub_id, statusCode=200, statusText="OK")
        send(ws, "subscribe", requestId="late", subscriptionId=sub_id)
        assert answer(ws)["subscribeResponse"]["statusCode"] == 481
    ends = [e["data"] for e in sqlite_api.get("supervisor", "/events?limit=5000").json()["events"]
            if e["kind"] == "eido-subscription-ended"]
    assert ends == [{"subscription_id": sub_id, "reason": "expired"}]


@pytest.mark.parametrize(("message", "kind", "code"), [
    ("not json at all", "response", 400),
    ('["subscribe"]', "response", 400),
    ('{"hello": {"requestId": "x"}}', "response", 400),
    ('{"resourceDiscovery": {"requestId": "x", "requestAccepts": "json"}}', "response", 501),
    ('{"subscribe": {"requestId": "x"}}', "subscribeResponse", 400),
    ('{"subscribe": {"requestId": 7, "requestType": "EIDO"}}', "subscribeResponse", 400),
    ('{"subscribe": {"requestId": "x", "requestType": "EIDO", "requestSubType": "single"}}', "subscribeResponse", 400),
    ('{"subscribe": {"requestId": "x", "requestType": "EIDO", "requestSubType": "single", "incidentId": "urn:nope"}}', "subscribeResponse", 404),
    ('{"subscribe": {"requestId": "x", "requestType": "EIDO", "requestSubType": "new", "qualFilter": "x"}}', "subscribeResponse", 406),
    ('{"subscribe": {"requestId": "x", "requestType": "EIDO", "requestSubType": "resource", "unitId": "E01"}}', "subscribeResponse", 406),
    ('{"subscribe": {"requestId": "x", "subscriptionId": "no-such-subscription"}}', "subscribeResponse", 481),
    ('{"unsubscribe": {"requestId": "x", "subscriptionId": "no-such-subscription"}}', "unsubscribeResponse", 481),
    ('{"requestForService": {"requestId": "x", "eido": {"$id": "only an id"}}}', "response", 400),
])
def test_bad_and_unknown_messages_get_the_protocols_answer_and_the_connection_lives_on(
        sqlite_api: Api, message: str, kind: str, code: int) -> None:
    with sqlite_api.client.websocket_connect(ENT, headers=sqlite_api.as_("neighbour_centre")) as ws:
        ws.send_text(message)
        got = answer(ws)
        assert kind in got, got
        assert got[kind].get("statusCode", got[kind].get("responseCode")) == code, got
        subscribe(ws, requestSubType="new")  # still served


@pytest.mark.parametrize(("role", "code"), [(None, 4401), ("dispatcher", 4403), ("supervisor", 4403)])
def test_only_a_neighbour_centres_token_may_subscribe(sqlite_api: Api, role: str | None, code: int) -> None:
    headers = sqlite_api.as_(role) if role else {}
    with sqlite_api.client.websocket_connect(ENT, headers=headers) as ws:
        assert "error" in ws.receive_json()
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == code


def test_a_transfer_in_imports_the_eido_once(sqlite_api: Api) -> None:
    with sqlite_api.client.websocket_connect(ENT, headers=sqlite_api.as_("neighbour_centre")) as ws:
        for _ in range(2):
            send(ws, "requestForService", requestId="t1", eido=EIDO)
            got = answer(ws)["response"]
            assert got["requestId"] == "t1" and got["responseCode"] == 200, got
        assert got["responseText"].startswith("unchanged")
    at_b = sqlite_api.get("dispatcher", f"/IncidentData/v1/incidents/{EIDO['$id']}")
    assert at_b.status_code == 200 and at_b.json()["$id"] == EIDO["$id"]


def test_incident_data_and_dereference_by_the_eido_id(sqlite_api: Api) -> None:
    incident = open_incident(sqlite_api)
    tracking = eido_id(sqlite_api, incident)
    r = sqlite_api.get("neighbour_centre", f"/IncidentData/v1/incidents/{tracking}")
    assert r.status_code == 200 and r.json()["$id"] == tracking
    ref = sqlite_api.get("neighbour_centre", f"/IncidentData/v1/references/{tracking}")
    assert ref.status_code == 200 and ref.headers["content-type"].startswith("text/plain")
    assert ref.text.endswith(f"/api/v1/IncidentData/v1/incidents/{tracking}")
    assert sqlite_api.client.get(ref.text, headers=sqlite_api.as_("neighbour_centre")).json()["$id"] == tracking
    missing = sqlite_api.get("neighbour_centre", "/IncidentData/v1/incidents/urn:emergency:uid:incidentid:0:elsewhere.org")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert sqlite_api.get("neighbour_centre", f"/incidents/{incident}").status_code == 403, "a neighbour reads EIDOs only"
    assert sqlite_api.get("neighbour_centre", "/IncidentData/Versions").json()["versions"][0]["major"] == 1


def test_transfer_to_an_unconfigured_neighbour_is_refused_and_writes_nothing(sqlite_api: Api) -> None:
    incident = open_incident(sqlite_api)
    before = sqlite_api.get("supervisor", "/health").json()["last_seq"]
    r = sqlite_api.post("supervisor", f"/incidents/{incident}/transfer", {"neighbour": "marin"})
    assert r.status_code == 404 and "marin" in r.json()["message"], r.text
    r = sqlite_api.post("supervisor", "/neighbours/marin/subscriptions", {})
    assert r.status_code == 404
    assert sqlite_api.get("supervisor", "/health").json()["last_seq"] == before


def test_a_subscriber_that_does_not_answer_is_dropped_and_the_server_is_unharmed(
        sqlite_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notifier, "MAX_UNACKED", 3)
    with sqlite_api.client.websocket_connect(ENT, headers=sqlite_api.as_("neighbour_centre")) as ws:
        subscribe(ws, requestSubType="new")
        for _ in range(notifier.MAX_UNACKED + 2):  # one notification each, none answered
            open_incident(sqlite_api)
            time.sleep(0.3)
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:  # what was sent, then the close
                ws.receive_json()
    assert closed.value.code == 4408
    with sqlite_api.client.websocket_connect(ENT, headers=sqlite_api.as_("neighbour_centre")) as ws:
        subscribe(ws, requestSubType="new")  # the server serves the next subscriber
    assert sqlite_api.get("dispatcher", "/health").status_code == 200


def test_a_subscriber_whose_messages_back_up_is_dropped_without_waiting() -> None:
    app = SimpleNamespace(state=SimpleNamespace(settings=SimpleNamespace(eido_agency_id="psap.example.org", road_speeds_kmh={})))
    conn = notifier.Connection(SimpleNamespace(app=app), SimpleNamespace(username="centre-b"), "token")  # type: ignore[arg-type]
    for _ in range(notifier.OUTBOX):
        conn.put({"event": {}})
    assert conn.dropped is None
    conn.put({"event": {}})  # one more than the queue holds: dropped at once, nothing blocks
    assert conn.dropped is not None and "waiting" in conn.dropped


def test_an_administrator_issues_a_neighbours_token_only_to_a_neighbour_centre_user(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from openpsap.cli import app

    url = f"sqlite:///{tmp_path / 'cad.db'}"
    runner = CliRunner()
    for name, role in (("centre-b", "neighbour_centre"), ("disp", "dispatcher")):
        added = runner.invoke(app, ["users", "add", name, "--role", role, "--password", "long enough secret", "--database-url", url])
        assert added.exit_code == 0, added.output
    issued = runner.invoke(app, ["neighbours", "token", "centre-b", "--days", "30", "--database-url", url])
    assert issued.exit_code == 0, issued.output
    assert len(issued.output.strip()) >= 40
    refused = runner.invoke(app, ["neighbours", "token", "disp", "--database-url", url])
    assert refused.exit_code == 1 and "neighbour_centre" in refused.output
    assert runner.invoke(app, ["neighbours", "token", "nobody", "--database-url", url]).exit_code == 1


def exercise_conveyance_events(api: Api) -> None:
    """Every conveyance event kind in api's log (for the event-history round trip): a subscription started, renewed
    and ended through the WebSocket; this centre's side of a transfer and of a subscription to a neighbour written as
    neighbours.py and views.py write them (a second server is test_eido_conveyance_servers.py's)."""
    from openpsap.interop.conveyance import events as ev, scope
    from openpsap.interop.importing import subject_key

    incident = open_incident(api)
    tracking = eido_id(api, incident)
    with api.client.websocket_connect(ENT, headers=api.as_("neighbour_centre")) as ws:
        sub_id = subscribe(ws, requestSubType="single", incidentId=tracking)["subscriptionId"]
        ack(ws, answer(ws)["event"])
        send(ws, "subscribe", requestId="renew", subscriptionId=sub_id)
        assert answer(ws)["subscribeResponse"]["statusCode"] == 200
        send(ws, "unsubscribe", requestId="end", subscriptionId=sub_id)
        assert answer(ws)["unsubscribeResponse"]["statusCode"] == 200
    with api.client.app.state.runner.unit_of_work(actor="supervisor") as uow:
        uow.emit(ev.NeighbourSubscribed(id="link-1", neighbour="marin", sub_type="single", eido_id=tracking,
                                        remote_id="remote-1", expires=3600), scope.NEIGHBOUR_SUBSCRIPTION, "link-1")
        uow.emit(ev.IncidentTransferred(incident_id=incident, neighbour="marin", eido_id=tracking, request_id="req-1",
                                        response_code=200, response_text="created: incident 26-000001",
                                        subscription_id="link-1"), "incident", incident)
        uow.emit(ev.EidoReceived(neighbour="marin", subscription_id="link-1", eido_id=tracking, incident_id=incident,
                                 last_update="2026-12-01T10:00:00Z", digest="0" * 64, outcome="updated",
                                 status=["ResourcesAssigned"], units=[{"name": "E01", "type": "StructureFireEngineType1",
                                                                       "status": "NotAvailable", "secondary": ["Dispatched"]}]),
                 scope.REPORT, subject_key(tracking))
        uow.emit(ev.NeighbourUnsubscribed(id="link-1", neighbour="marin", reason="ended by a supervisor"),
                 scope.NEIGHBOUR_SUBSCRIPTION, "link-1")
    shown = api.get("dispatcher", f"/incidents/{incident}/neighbours").json()
    assert shown["latest"]["marin"]["units"][0]["name"] == "E01" and shown["transfers"][0]["neighbour"] == "marin"


def test_what_neighbours_reported_is_shown_on_the_incident(sqlite_api: Api) -> None:
    exercise_conveyance_events(sqlite_api)
