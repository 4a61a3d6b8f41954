"""How fast a change on one centre's server reaches a subscriber on another (NENA-STA-024 subscribe/notify; target
p99 < 100 ms). Prints JSON.

    .venv/bin/python bench/eido_notify.py [--changes 200] [--incidents 10]

Two `openpsap serve` processes, centres A and B, each on its own SQLite database. A's supervisor transfers
--incidents incidents to B (A then holds a subscription to each at B), and a bare NENA-STA-024 subscriber (a
websockets client) subscribes to the same incidents at B too. Then, one at a time, a dispatcher at B adds a note to
one of them in turn (so each ends with about changes/incidents notes: a note is a component of every later EIDO of
its incident), and two times are taken from just before the request is sent:
  to_subscriber: until B's notification (the incident's whole EIDO) reaches the bare subscriber;
  to_centre_a:   until the note, imported at A from its own subscription, appears on A's live event stream (B's
                 notification, A's import and commit, A's stream: the whole way to a dispatcher's screen at A).
`answer` is B's own answer to the request (the change's commit).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.stats import pct  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.integration.test_eido_conveyance_servers import centre  # noqa: E402
from tests.live_server import free_port, live_server  # noqa: E402

TARGET_P99_MS = 100


def summary(ms: list[float]) -> dict[str, float]:
    return {"count": len(ms), "p50_ms": round(pct(ms, 50), 2), "p90_ms": round(pct(ms, 90), 2),
            "p99_ms": round(pct(ms, 99), 2), "max_ms": round(max(ms), 2) if ms else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--incidents", type=int, default=10, help="incidents transferred; the changes go round them")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="openpsap-bench-notify-"))
    port_a, port_b = free_port(), free_port()
    url_a, token_from_a = centre(folder / "a", "centre-b")
    url_b, token_from_b = centre(folder / "b", "centre-a")

    def env(agency: str, name: str, port: int, token: str) -> dict[str, str]:
        return {"OPENPSAP_EIDO_AGENCY_ID": agency, "OPENPSAP_SQLITE_SYNCHRONOUS": "FULL",
                "OPENPSAP_NEIGHBOURS": json.dumps({name: {"url": f"http://127.0.0.1:{port}/api/v1/IncidentData", "token": token}})}

    with ExitStack() as stack:
        a = stack.enter_context(live_server(url_a, port_a, env("psap-a.example.org", "b", port_b, token_from_b)))
        b = stack.enter_context(live_server(url_b, port_b, env("psap-b.example.org", "a", port_a, token_from_a)))

        def login(base: str, user: str) -> dict[str, str]:
            token = httpx.post(f"{base}/auth/login", json={"username": user, "password": PASSWORD}, timeout=10).json()["token"]
            return {"Authorization": f"Bearer {token}"}

        a_sup, a_disp, b_disp = login(a, "sup"), login(a, "disp"), login(b, "disp")
        eido_ids, at_b = [], []
        for _ in range(args.incidents):
            made = httpx.post(f"{a}/incidents", headers=a_disp, timeout=10, json={
                "incident_type": "FALL", "priority": "P3", "location": {"lat": 37.7793, "lon": -122.4193}}).json()
            moved = httpx.post(f"{a}/incidents/{made['id']}/transfer", headers=a_sup, json={"neighbour": "b"}, timeout=30)
            moved.raise_for_status()
            eido_ids.append(moved.json()["eido_id"])
            at_b.append(httpx.get(f"{b}/IncidentData/v1/incidents/{eido_ids[-1]}", headers=b_disp, timeout=10).json()[
                "incidentComponent"]["internalIncidentId"])

        arrived: dict[tuple[str, str], float] = {}
        agreed: list[dict] = []
        ready = threading.Event()
        stop = threading.Event()

        def bare_subscriber() -> None:
            ws_b = b.replace("http://", "ws://") + "/IncidentData/ent"
            with connect(ws_b, additional_headers={"Authorization": f"Bearer {token_from_b}"},
                         subprotocols=["emergency-ent1.0"], max_size=None) as ws:  # type: ignore[list-item]
                for eido_id in eido_ids:
                    ws.send(json.dumps({"subscribe": {"requestId": "bench", "requestType": "EIDO",
                                                      "requestSubType": "single", "incidentId": eido_id}}))
                while not stop.is_set():
                    try:
                        msg = json.loads(ws.recv(timeout=0.5))
                    except TimeoutError:
                        continue
                    now = time.perf_counter()
                    if "subscribeResponse" in msg:
                        agreed.append(msg)
                        if len(agreed) == len(eido_ids):
                            ready.set()
                    if "event" in msg:
                        for eido in msg["event"]["notification"]:
                            for note in eido.get("notesComponent", []):
                                arrived.setdefault(("sub", note["notesActionComments"]), now)
                        ws.send(json.dumps({"eventResponse": {"transactionId": msg["event"]["transactionId"],
                                                              "statusCode": 200, "statusText": "OK"}}))

        def stream_at_a() -> None:
            last = httpx.get(f"{a}/health", timeout=10).json()["last_seq"]
            with connect(a.replace("http://", "ws://") + f"/stream?after={last}", additional_headers=a_sup) as ws:
                while not stop.is_set():
                    try:
                        msg = json.loads(ws.recv(timeout=0.5))
                    except TimeoutError:
                        continue
                    if msg.get("kind") == "note-added":
                        text = msg["data"]["text"].split("] ", 1)[-1]
                        arrived.setdefault(("a", text), time.perf_counter())

        threads = [threading.Thread(target=bare_subscriber, daemon=True), threading.Thread(target=stream_at_a, daemon=True)]
        for t in threads:
            t.start()
        assert ready.wait(10), "the bare subscriber was not accepted"
        time.sleep(1.0)  # the initial notifications pass
        to_sub: list[float] = []
        to_a: list[float] = []
        answers: list[float] = []
        missed = 0
        with httpx.Client(headers=b_disp, timeout=10) as client:
            for i in range(args.changes):
                text = f"bench note {i} {uuid.uuid4().hex[:6]}"
                start = time.perf_counter()
                client.post(f"{b}/incidents/{at_b[i % len(at_b)]}/notes", json={"text": text}).raise_for_status()
                answers.append((time.perf_counter() - start) * 1000)
                deadline = time.perf_counter() + 5
                while (("sub", text) not in arrived or ("a", text) not in arrived) and time.perf_counter() < deadline:
                    time.sleep(0.0005)
                if ("sub", text) in arrived:
                    to_sub.append((arrived["sub", text] - start) * 1000)
                if ("a", text) in arrived:
                    to_a.append((arrived["a", text] - start) * 1000)
                else:
                    missed += 1
        stop.set()
        for t in threads:
            t.join(timeout=2)
    print(json.dumps({
        "benchmark": "eido_notify", "changes": args.changes, "incidents": args.incidents, "missed_at_a": missed,
        "to_subscriber": summary(to_sub), "to_centre_a": summary(to_a), "answer": summary(answers),
        "target_p99_ms": TARGET_P99_MS, "met": bool(to_sub) and pct(to_sub, 99) < TARGET_P99_MS,
        "machine": {"cpus": os.cpu_count(), "load_avg": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version()},
    }, indent=2))


if __name__ == "__main__":
    main()
