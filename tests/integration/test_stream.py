"""The event log over HTTP and the live WebSocket stream: replay after SEQ, then live, exactly once."""

from __future__ import annotations

import threading

from openpsap.incidents import service as incident_service
from tests.conftest import Api, open_incident


def _connect(api: Api, role: str, after: int):  # noqa: ANN202
    return api.client.websocket_connect(f"/api/v1/stream?after={after}", headers=api.as_(role))


def _note_burst(api: Api, incident_id: str, count: int, pause: threading.Event | None = None) -> None:
    """Write count notes; halfway, wait for `pause` (so some are written while a client is away)."""
    runner = api.client.app.state.runner
    for i in range(count):
        if pause is not None and i == count // 2:
            pause.wait(timeout=30)
        with runner.unit_of_work(actor="burst") as uow:
            incident_service.add_note(uow, incident_id=incident_id, text=f"burst {i}")


def test_events_endpoint_pages_through_the_log_in_order(api: Api) -> None:
    open_incident(api)
    everything = api.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()
    seqs = [e["seq"] for e in everything["events"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and everything["last_seq"] == seqs[-1]
    page = api.get("supervisor", "/events", params={"after": seqs[2], "limit": 3}).json()
    assert [e["seq"] for e in page["events"]] == seqs[3:6]
    assert everything["events"][-1]["kind"] == "incident-created"
    assert everything["events"][-1]["actor"] == "dispatcher"


def test_stream_replays_after_seq_then_sends_new_events_live(api: Api) -> None:
    start = api.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["last_seq"]
    with _connect(api, "dispatcher", start - 2) as ws:
        replayed = [ws.receive_json(), ws.receive_json()]
        assert [e["seq"] for e in replayed] == [start - 1, start]
        iid = open_incident(api)
        live = ws.receive_json()
        assert live["seq"] == start + 1 and live["kind"] == "incident-created" and live["subject_id"] == iid


def test_a_client_reconnecting_mid_burst_misses_nothing_and_sees_nothing_twice(api: Api) -> None:
    iid = open_incident(api)
    before = api.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["last_seq"]
    burst = 150
    dropped = threading.Event()
    writer = threading.Thread(target=_note_burst, args=(api, iid, burst, dropped))
    seen: list[int] = []
    with _connect(api, "dispatcher", before) as ws:
        writer.start()
        for _ in range(40):  # read part of the burst, then drop the connection
            seen.append(ws.receive_json()["seq"])
    dropped.set()  # the second half of the burst is written while this client is away
    with _connect(api, "dispatcher", seen[-1]) as ws:
        while len(seen) < burst:
            seen.append(ws.receive_json()["seq"])
    writer.join(timeout=30)
    assert seen == list(range(before + 1, before + burst + 1))


def test_two_streams_see_the_same_events_in_the_same_order(api: Api) -> None:
    start = api.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["last_seq"]
    with _connect(api, "dispatcher", start) as a, _connect(api, "supervisor", start) as b:
        iid = open_incident(api)
        api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E01"]})
        got_a = [a.receive_json()["kind"] for _ in range(3)]
        got_b = [b.receive_json()["kind"] for _ in range(3)]
    assert got_a == got_b == ["incident-created", "unit-dispatched", "incident-status-changed"]


def test_a_disabled_user_is_refused_and_their_open_stream_closed_within_seconds(api: Api) -> None:
    import time

    from starlette.websockets import WebSocketDisconnect

    assert api.post("admin", "/users", {"username": "relief", "password": "long enough secret", "roles": ["dispatcher"]}).status_code == 201
    token = api.client.post("/api/v1/auth/login", json={"username": "relief", "password": "long enough secret"}).json()["token"]
    mine = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/units", headers=mine).status_code == 200
    last = api.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["last_seq"]
    started = time.monotonic()
    with api.client.websocket_connect(f"/api/v1/stream?after={last}", headers=mine) as ws:
        assert api.post("admin", "/users/relief/disable", {}).status_code == 200
        kinds = []
        try:
            for _ in range(20):
                message = ws.receive_json()
                kinds.append(message.get("kind") or message.get("error"))
                if "error" in message:
                    break
        except WebSocketDisconnect:
            pass
    assert "user-disabled" in kinds and kinds[-1] == "unauthorized", kinds
    assert time.monotonic() - started < 8  # the stream re-checks its login every 5 s
    assert api.client.get("/api/v1/units", headers=mine).status_code == 401
    assert api.client.post("/api/v1/auth/login", json={"username": "relief", "password": "long enough secret"}).status_code == 401
    assert api.post("admin", "/users/admin/disable", {}).status_code == 409  # not oneself
    assert api.post("dispatcher", "/users/relief/enable", {}).status_code == 403
    assert api.post("admin", "/users/nobody/revoke", {}).status_code == 404
    assert api.post("admin", "/users/relief/enable", {}).json()["active"] is True
