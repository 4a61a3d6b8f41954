"""What AVL positions cost now that they stay out of the event log: fixes per second the server takes, the
latency of each PUT, server CPU per fix, rows written, and what a live console's stream receives. Prints JSON.

    .venv/bin/python bench/avl_cost.py [--seconds 15] [--clients 8] [--database-url URL]

The need: 234 units every 10 s is 23.4 fixes/s (about 2 million a day). Starts the real server on a fresh San
Francisco demo database; the load is httpx clients in this process sending fixes for all 234 units round-robin
(as a dispatcher, the same path a unit's own device takes); one console stream is connected throughout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from bench.api_throughput import cpu_seconds, start_server, stop, wait_ready  # noqa: E402
from bench.stats import pct  # noqa: E402
from console_harness import demo_database, free_port, token  # noqa: E402

NEED_PER_S = 234 / 10



async def run(base: str, auth: dict[str, str], units: list[str], seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    failures = 0
    received = 0
    stop_at = time.perf_counter() + seconds
    cursor = iter(range(10**9))

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal failures
        while time.perf_counter() < stop_at:
            n = next(cursor)
            unit = units[n % len(units)]
            fix = {"lat": 37.75 + random.random() / 20, "lon": -122.45 + random.random() / 20, "accuracy_m": 10}
            t0 = time.perf_counter()
            r = await http.put(f"/units/{unit}/position", json=fix)
            latencies.append((time.perf_counter() - t0) * 1000)
            failures += r.status_code != 200

    async def console() -> None:
        nonlocal received
        health = httpx.get(f"{base}/health").json()["last_seq"]
        url = base.replace("http://", "ws://") + f"/stream?after={health}"
        async with websockets.connect(url, additional_headers=auth) as ws:
            while time.perf_counter() < stop_at + 1:
                try:
                    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=0.5))
                except TimeoutError:
                    continue
                received += message.get("kind") == "unit-position"

    async with httpx.AsyncClient(base_url=base, headers=auth, timeout=30, trust_env=False) as http:
        watcher = asyncio.create_task(console())
        await asyncio.sleep(0.5)
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
        await watcher
    return {"fixes": len(latencies), "elapsed_s": round(elapsed, 2), "failures": failures,
            "fixes_per_s": round(len(latencies) / elapsed, 1), "p50_ms": round(pct(latencies, 50), 1),
            "p99_ms": round(pct(latencies, 99), 1), "stream_positions_received": received}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, passwords = demo_database(Path(tmp))
        port = free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        proc = start_server(url, port, Path(tmp), 1, None)
        try:
            wait_ready(proc, base, Path(tmp))
            auth = {"Authorization": f"Bearer {token(base.removesuffix('/api/v1'), 'dispatcher', passwords['dispatcher'])}"}
            units = [u["id"] for u in httpx.get(f"{base}/units", headers=auth).json()]
            seq_before = httpx.get(f"{base}/health").json()["last_seq"]
            cpu0 = sum(cpu_seconds(proc.pid))
            result = asyncio.run(run(base, auth, units, args.seconds, args.clients))
            cpu = sum(cpu_seconds(proc.pid)) - cpu0
            seq_after = httpx.get(f"{base}/health").json()["last_seq"]
        finally:
            stop(proc)
    result.update(units=len(units), clients=args.clients, need_fixes_per_s=round(NEED_PER_S, 1),
                  headroom=round(result["fixes_per_s"] / NEED_PER_S, 1),
                  server_cpu_ms_per_fix=round(cpu * 1000 / max(1, result["fixes"]), 2),
                  server_cpu_share_at_need=round(cpu / result["elapsed_s"] * NEED_PER_S / max(1e-9, result["fixes_per_s"]), 3),
                  events_written=seq_after - seq_before)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
