"""Two openpsap servers as two centres (two SQLite databases), conveying EIDOs over NENA-STA-024: an incident
transferred from A appears at B under the same $id; B's units and status flow back to A's subscription; A and B
are each killed and restarted in the middle, and nothing is lost or applied twice. And, on a real server, a
subscriber that stops reading is dropped while the server serves the next one."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from openpsap.auth import service as auth_service
from openpsap.db import Database
from openpsap.eventlog.unit_of_work import CommandRunner
from openpsap.migrate import upgrade
from tests.conftest import PASSWORD, seed_small_roster
from tests.live_server import free_port, live_server

WAIT_S = 20.0


def centre(folder: Path, neighbour_user: str) -> tuple[str, str]:
    """A migrated SQLite centre with the small roster, users sup (supervisor) and disp (dispatcher), and the user
    its neighbour connects as (neighbour_centre). Returns (database URL, the token issued to that neighbour)."""
    folder.mkdir()
    url = f"sqlite:///{folder / 'cad.db'}"
    upgrade(url)
    db = Database(url)
    runner = CommandRunner(db)
    seed_small_roster(runner)
    with runner.unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username="sup", password=PASSWORD, roles=["supervisor"])
        auth_service.add_user(uow, username="disp", password=PASSWORD, roles=["dispatcher"])
        auth_service.add_user(uow, username=neighbour_user, password=PASSWORD + "-n", roles=["neighbour_centre"])
        token, _ = auth_service.issue_token(uow, username=neighbour_user, ttl=timedelta(hours=2))
    db.dispose()
    return url, token


class Centre:
    def __init__(self, base: str) -> None:
        self.base = base
        self.tokens = {u: httpx.post(f"{base}/auth/login", json={"username": u, "password": PASSWORD}).json()["token"]
                       for u in ("sup", "disp")}

    def call(self, method: str, user: str, path: str, body: Any = None) -> httpx.Response:
        return httpx.request(method, f"{self.base}{path}", json=body, timeout=30,
                             headers={"Authorization": f"Bearer {self.tokens[user]}"})


def wait_for(what: str, check: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + WAIT_S
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"waited {WAIT_S:.0f} s for {what}"
        time.sleep(0.1)


def test_a_transferred_incident_flows_between_two_centres_across_restarts(tmp_path: Path) -> None:
    port_a, port_b = free_port(), free_port()
    url_a, token_from_a = centre(tmp_path / "a", "centre-b")  # B connects to A as centre-b
    url_b, token_from_b = centre(tmp_path / "b", "centre-a")

    def env(agency: str, name: str, port: int, token: str) -> dict[str, str]:
        return {"OPENPSAP_EIDO_AGENCY_ID": agency, "OPENPSAP_STREAM_POLL_SECONDS": "0.2",
                "OPENPSAP_NEIGHBOURS": json.dumps({name: {"url": f"http://127.0.0.1:{port}/api/v1/IncidentData", "token": token}})}

    env_a = env("psap-a.example.org", "b", port_b, token_from_b)
    env_b = env("psap-b.example.org", "a", port_a, token_from_a)
    with ExitStack() as servers_a, ExitStack() as servers_b:
        a = Centre(servers_a.enter_context(live_server(url_a, port_a, env_a)))
        b = Centre(servers_b.enter_context(live_server(url_b, port_b, env_b)))

        made = a.call("POST", "disp", "/incidents", {"incident_type": "FALL", "priority": "P3",
                                                     "location": {"lat": 37.7793, "lon": -122.4193}})
        assert made.status_code == 201, made.text
        incident_a = made.json()["id"]
        assert a.call("POST", "disp", f"/incidents/{incident_a}/notes", {"text": "elderly man fell, conscious"}).status_code == 201

        # --- A transfers the incident to B: it appears at B under the same $id
        moved = a.call("POST", "sup", f"/incidents/{incident_a}/transfer", {"neighbour": "b"})
        assert moved.status_code == 200, moved.text
        eido_id = moved.json()["eido_id"]
        assert moved.json()["subscription_id"] and moved.json()["response_code"] == 200
        assert eido_id.endswith(":psap-a.example.org")
        at_b = b.call("GET", "disp", f"/IncidentData/v1/incidents/{eido_id}")
        assert at_b.status_code == 200, at_b.text
        assert at_b.json()["$id"] == eido_id
        incident_b = at_b.json()["incidentComponent"]["internalIncidentId"]
        assert any("elderly man fell" in n["text"] for n in b.call("GET", "disp", f"/incidents/{incident_b}").json()["notes"])

        def reported(unit: str, status: str) -> Callable[[], Any]:
            def check() -> Any:
                latest = a.call("GET", "sup", f"/incidents/{incident_a}/neighbours").json()["latest"].get("b")
                return latest if latest and any(u["name"] == unit and status in u["secondary"] for u in latest["units"]) else None
            return check

        # --- B dispatches a unit: A's subscription receives it
        assert b.call("POST", "disp", f"/incidents/{incident_b}/dispatch", {"units": ["E01"]}).status_code == 200
        latest = wait_for("B's dispatch to reach A", reported("E01", "Dispatched"))
        assert latest["status"] == ["ResourcesAssigned"]  # the EIDO incident status registry

        # --- A is killed; B works on meanwhile; A restarts and catches up
        servers_a.close()
        assert b.call("POST", "disp", "/units/E01/status", {"status": "EnRoute"}).status_code == 200
        assert b.call("POST", "disp", f"/incidents/{incident_b}/notes", {"text": "engine 1 en route"}).status_code == 201
        a = Centre(servers_a.enter_context(live_server(url_a, port_a, env_a)))
        wait_for("B's changes made while A was down to reach A", reported("E01", "EnRoute"))
        wait_for("B's note to reach A", lambda: any("engine 1 en route" in n["text"] for n in
                                                    a.call("GET", "disp", f"/incidents/{incident_a}").json()["notes"]))

        # --- B is killed and restarts; its next changes still reach A
        servers_b.close()
        b = Centre(servers_b.enter_context(live_server(url_b, port_b, env_b)))
        assert b.call("POST", "disp", "/units/E01/status", {"status": "OnScene"}).status_code == 200
        wait_for("B's change after its restart to reach A", reported("E01", "OnScene"))

        # --- A's supervisor follows every new incident of B
        followed = a.call("POST", "sup", "/neighbours/b/subscriptions", {})
        assert followed.status_code == 201 and followed.json()["sub_type"] == "new", followed.text
        opened_b = b.call("POST", "disp", "/incidents", {"incident_type": "MVA", "priority": "P2",
                                                         "location": {"lat": 37.7749, "lon": -122.4194}}).json()["id"]
        new_id = b.call("GET", "disp", f"/incidents/{opened_b}/eido").json()["$id"]
        wait_for("B's new incident to open at A", lambda: a.call("GET", "sup", f"/IncidentData/v1/incidents/{new_id}").status_code == 200)

        # --- nothing applied twice
        notes = [n["text"] for n in a.call("GET", "disp", f"/incidents/{incident_a}").json()["notes"]]
        assert sum("engine 1 en route" in t for t in notes) == 1, notes
        log = a.call("GET", "sup", "/events?limit=5000").json()["events"]
        received = [e["data"]["digest"] for e in log if e["kind"] == "eido-received"]
        imported = [e["data"]["digest"] for e in log if e["kind"] == "eido-imported"]
        assert len(received) == len(set(received)) >= 3, received
        assert len(imported) == len(set(imported)), imported
        transfers = [e for e in log if e["kind"] == "incident-transferred"]
        assert len(transfers) == 1 and transfers[0]["data"]["neighbour"] == "b"
        assert len(b.call("GET", "disp", "/incidents").json()) == 2, "B holds the transferred incident once, and its own"
        assert len(a.call("GET", "disp", "/incidents").json()) == 2, "A holds its own and B's new one"
        assert all(link["connected"] for link in a.call("GET", "sup", "/neighbours").json()["subscriptions"])


def test_a_subscriber_that_stops_reading_is_dropped_and_the_server_carries_on(tmp_path: Path) -> None:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    from openpsap.interop.conveyance.notifier import MAX_UNACKED

    url, token = centre(tmp_path / "b", "centre-a")
    with live_server(url, env={"OPENPSAP_EIDO_AGENCY_ID": "psap-b.example.org"}) as base:
        b = Centre(base)
        ent = base.replace("http://", "ws://") + "/IncidentData/ent"
        auth = {"Authorization": f"Bearer {token}"}
        new = json.dumps({"subscribe": {"requestId": "r", "requestType": "EIDO", "requestSubType": "new"}})
        with connect(ent, additional_headers=auth, max_size=None) as silent:
            silent.send(new)
            assert json.loads(silent.recv(timeout=10))["subscribeResponse"]["statusCode"] == 200
            for _ in range(MAX_UNACKED + 4):  # a notification each; the silent subscriber neither reads nor answers
                assert b.call("POST", "disp", "/incidents", {"incident_type": "FALL", "priority": "P3"}).status_code == 201
                time.sleep(0.05)
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    silent.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408
        with connect(ent, additional_headers=auth, max_size=None) as other:  # the next subscriber is served
            other.send(new)
            assert json.loads(other.recv(timeout=10))["subscribeResponse"]["statusCode"] == 200
            made = b.call("POST", "disp", "/incidents", {"incident_type": "MVA", "priority": "P2"}).json()["id"]
            event = json.loads(other.recv(timeout=10))["event"]
            assert [e["incidentComponent"]["internalIncidentId"] for e in event["notification"]] == [made]
        assert httpx.get(f"{base}/health", timeout=5).status_code == 200
