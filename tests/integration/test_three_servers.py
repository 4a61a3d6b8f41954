"""Three server processes on one PostgreSQL, as behind a load balancer: a command committed on one reaches a stream
on another (LISTEN/NOTIFY; how fast: bench/stream_across_servers.py), and when one server is killed under load, its
clients go on through another (the same Idempotency-Key: applied once) and its stream reconnects elsewhere and misses
nothing, in order."""

from __future__ import annotations

import json
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import PASSWORD, PG_URL
from tests.live_server import fresh_postgres, kill, live_server


def _seed(url: str) -> None:
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database
    from openpsap.migrate import upgrade
    from tests.conftest import seed_small_roster

    upgrade(url)
    db = Database(url)
    runner = CommandRunner(db)
    seed_small_roster(runner)
    with runner.unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username="disp", password=PASSWORD, roles=["dispatcher"])
    db.dispose()


def test_three_servers_one_killed_under_load_nothing_lost_or_doubled(tmp_path: Path) -> None:
    if not PG_URL:
        pytest.skip("set OPENPSAP_TEST_DATABASE_URL to run several servers on PostgreSQL")
    url = fresh_postgres(PG_URL, "openpsap_three")
    _seed(url)
    with ExitStack() as stack:
        a, b, c = (stack.enter_context(live_server(url, env={"OPENPSAP_STREAM_POLL_SECONDS": "2"})) for _ in range(3))
        token = httpx.post(f"{a}/auth/login", json={"username": "disp", "password": PASSWORD}, timeout=10).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        seen_at: dict[int, float] = {}
        via_a_then_b: list[int] = []
        stop = threading.Event()

        def watch(servers: list[str], got: list[int]) -> None:
            """A console's stream on the first server; when it dies, the next, from the last seq seen."""
            last = 0
            for base in servers:
                try:
                    with connect(base.replace("http://", "ws://") + f"/stream?after={last}", additional_headers=auth,
                                 open_timeout=5) as ws:
                        while not stop.is_set():
                            try:
                                event = json.loads(ws.recv(timeout=0.5))
                            except TimeoutError:
                                continue
                            if "seq" in event:
                                seen_at.setdefault(event["seq"], time.perf_counter())
                                got.append(event["seq"])
                                last = event["seq"]
                        return
                except (ConnectionClosed, OSError):
                    continue

        on_c = threading.Thread(target=watch, args=([c], []), daemon=True)
        on_a = threading.Thread(target=watch, args=([a, b], via_a_then_b), daemon=True)  # A dies midway: then B
        on_c.start()
        time.sleep(0.5)

        acked: list[tuple[str, float]] = []  # (incident id, when A or B answered)
        failures: list[str] = []

        def client(n: int, servers: list[str]) -> None:
            with httpx.Client(headers=auth, timeout=10) as http:
                for i in range(30):
                    key = str(uuid.uuid4())
                    body = {"incident_type": "FALL", "priority": "P3", "location": {"lat": 37.78, "lon": -122.41}}
                    for base in servers:  # the same key on another server when one is down
                        try:
                            r = http.post(f"{base}/incidents", json=body, headers={"Idempotency-Key": key})
                        except httpx.TransportError:
                            continue
                        if r.status_code == 201:
                            acked.append((r.json()["id"], time.perf_counter()))
                            break
                        failures.append(f"{r.status_code} {r.text[:200]}")
                        break
                    else:
                        failures.append("no server answered")

        clients = [threading.Thread(target=client, args=(n, [a, b] if n % 2 else [b, a])) for n in range(6)]
        for t in clients:
            t.start()
        time.sleep(0.3)
        on_a.start()
        time.sleep(1.0)
        kill(a)  # under load
        for t in clients:
            t.join(timeout=120)
        time.sleep(1.5)
        stop.set()
        on_c.join(timeout=10)
        on_a.join(timeout=10)

        log = httpx.get(f"{b}/events", params={"after": 0, "limit": 5000}, headers=auth, timeout=10).json()["events"]
        created = [e for e in log if e["kind"] == "incident-created"]
        assert failures == [], failures[:5]
        assert len(created) == 6 * 30, f"{len(created)} incidents for 180 acknowledged creations: lost or doubled"
        seqs = [e["seq"] for e in log]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        assert set(seqs) <= set(seen_at), "the stream on C saw every event"
        assert via_a_then_b == seqs, "the stream that lost A went on through B: every event once, in order"
        assert len(acked) == len(created), "every acknowledged creation is in the log once"
