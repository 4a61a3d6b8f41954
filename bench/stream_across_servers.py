"""How fast a command committed on one server reaches a live stream on another (PostgreSQL, LISTEN/NOTIFY). Prints
JSON.

    .venv/bin/python bench/stream_across_servers.py [--commands 300] [--clients 6] [--poll 2]

Three `openpsap serve` processes on a fresh PostgreSQL database `openpsap_bench_stream` on 127.0.0.1; a stream on
the third; clients create incidents through the first two. For each, the time from the client's answer to the
event on the third server's stream (negative when the stream is faster than the answer: counted as 0). The poll
interval is set long (--poll s) so the figure shows the notification, not the polling.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.stats import pct  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.integration.test_three_servers import _seed  # noqa: E402
from tests.live_server import fresh_postgres, live_server  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_P99_MS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--poll", type=float, default=2.0)
    args = parser.parse_args()
    url = fresh_postgres(PG, "openpsap_bench_stream")
    _seed(url)
    env = {"OPENPSAP_STREAM_POLL_SECONDS": str(args.poll)}
    with ExitStack() as stack:
        a, b, c = (stack.enter_context(live_server(url, env=env)) for _ in range(3))
        token = httpx.post(f"{a}/auth/login", json={"username": "disp", "password": PASSWORD}, timeout=10).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        seen: dict[str, float] = {}
        stop = threading.Event()

        def watch() -> None:
            with connect(c.replace("http://", "ws://") + "/stream?after=0", additional_headers=auth) as ws:
                while not stop.is_set():
                    try:
                        event = json.loads(ws.recv(timeout=0.5))
                    except TimeoutError:
                        continue
                    if event.get("kind") == "incident-created":
                        seen.setdefault(event["subject_id"], time.perf_counter())

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        time.sleep(0.5)
        acked: list[tuple[str, float]] = []

        def client(n: int) -> None:
            base = (a, b)[n % 2]
            with httpx.Client(headers=auth, timeout=10) as http:
                for _ in range(args.commands // args.clients):
                    r = http.post(f"{base}/incidents", json={"incident_type": "FALL", "priority": "P3"})
                    if r.status_code == 201:
                        acked.append((r.json()["id"], time.perf_counter()))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(args.poll + 1)
        stop.set()
        watcher.join(timeout=5)
    lag = [max(0.0, (seen[i] - t) * 1000) for i, t in acked if i in seen]
    print(json.dumps({"commands": len(acked), "seen_on_the_other_server": len(lag), "poll_s": args.poll,
                      "lag_ms": {"p50": round(pct(lag, 50), 1), "p99": round(pct(lag, 99), 1), "max": round(max(lag), 1)},
                      "target_p99_ms": TARGET_P99_MS}, indent=2))


if __name__ == "__main__":
    main()
