"""Several API servers on one database (as when a PSAP outgrows one machine): a console connected to
one server sees, in order and exactly once, what is written through another."""

from __future__ import annotations

from fastapi.testclient import TestClient

from openpsap.app import create_app
from openpsap.config import Settings
from openpsap.db import Database
from tests.conftest import Api


def test_a_stream_on_one_server_sees_commands_sent_to_another(api: Api) -> None:
    second_db = Database(api.database.url)  # its own engine, pool and write gate, like another process
    other = create_app(Settings(database_url=api.database.url, stream_poll_seconds=0.1), database=second_db)
    try:
        with TestClient(other) as client_b:
            start = api.get("supervisor", "/health").json()["last_seq"]
            headers = api.as_("dispatcher")
            with client_b.websocket_connect(f"/api/v1/stream?after={start}", headers=headers) as ws:
                ids = []
                for _ in range(3):
                    r = api.post("dispatcher", "/incidents", {"incident_type": "CARDIAC", "priority": "P1"})
                    ids.append(r.json()["id"])
                seen = [ws.receive_json() for _ in range(3)]
            assert [e["seq"] for e in seen] == [start + 1, start + 2, start + 3]
            assert [e["subject_id"] for e in seen] == ids
            r = client_b.post("/api/v1/incidents", json={"incident_type": "FSTRU", "priority": "P2"}, headers=headers)
            assert r.status_code == 201 and r.json()["id"].endswith("-000004"), "numbers continue across servers"
    finally:
        second_db.dispose()
