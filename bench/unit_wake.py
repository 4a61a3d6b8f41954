"""The field unit's screen in a real browser: from the dispatch command (posted to the API) until the unit's screen
wakes (its NEW ASSIGNMENT alert is up), p50/p99 over N dispatches; and the screen's first load until usable (logged
in, assignment read, stream live). Prints JSON.

    .venv/bin/python bench/unit_wake.py [--dispatches 50] [--loads 10]

Starts the real server on a fresh San Francisco demo database (234 units) and Debian's Chromium with a phone
viewport; medic 55's crew is logged in. Each round: open an incident, dispatch 55 (timed from just before the
POST), wait for the wake, then clear 55 and cancel the incident. Same machine, so the browser's clock and Python's
agree.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from bench.stats import pct  # noqa: E402
from console_harness import demo_database, launch, server, token  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TARGET_P99_MS = 500
TARGET_LOAD_MS = 2000



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dispatches", type=int, default=50)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, passwords = demo_database(Path(tmp))
        with server(url) as base, sync_playwright() as p:
            browser = launch(p)
            page = browser.new_context(**PHONE, bypass_csp=True, geolocation={"latitude": 37.7749, "longitude": -122.4194},
                                       permissions=["geolocation"]).new_page()
            t0 = time.perf_counter()
            page.goto(f"{base}/unit")
            page.fill("#login-username", "medic55")
            page.fill("#login-password", passwords["medic55"])
            page.click("button[type=submit]")
            page.wait_for_selector("body[data-ready=true]", timeout=30_000)
            page.wait_for_selector("#conn.live", timeout=30_000)
            first_login_ms = (time.perf_counter() - t0) * 1000
            loads = []
            for _ in range(args.loads):
                t0 = time.perf_counter()
                page.reload()
                page.wait_for_selector("body[data-ready=true]", timeout=30_000)
                page.wait_for_selector("#conn.live", timeout=30_000)
                loads.append((time.perf_counter() - t0) * 1000)

            api = httpx.Client(base_url=f"{base}/api/v1", timeout=30,
                               headers={"Authorization": f"Bearer {token(base, 'dispatcher', passwords['dispatcher'])}"})
            latencies, missed = [], 0
            for n in range(args.dispatches):
                incident = api.post("/incidents", json={"incident_type": "FALL", "priority": "P3",
                                                        "location": {"lat": 37.7749 + n / 10_000, "lon": -122.4194}}).json()["id"]
                woke = page.evaluate("window.openpsap.wakes.length")
                sent = time.time() * 1000
                r = api.post(f"/incidents/{incident}/dispatch", json={"units": ["55"]})
                r.raise_for_status()
                try:
                    page.wait_for_function(f"window.openpsap.wakes.length > {woke}", timeout=5000)
                    latencies.append(page.evaluate("window.openpsap.wakes.at(-1).at") - sent)
                except Exception as exc:  # noqa: BLE001 - a wake that never came is counted, not fatal
                    print(f"no wake for {incident}: {exc}", file=sys.stderr)
                    missed += 1
                page.click("#wake-ack")
                api.post(f"/incidents/{incident}/cancel", json={"reason": "bench"}).raise_for_status()
            browser.close()
    print(json.dumps({
        "dispatch_to_wake_ms": {"n": len(latencies), "missed": missed, "p50": round(pct(latencies, 50), 1),
                                "p99": round(pct(latencies, 99), 1), "max": round(max(latencies), 1),
                                "target_p99": TARGET_P99_MS},
        "first_login_to_usable_ms": round(first_login_ms, 1),
        "reload_to_usable_ms": {"n": len(loads), "p50": round(pct(loads, 50), 1), "max": round(max(loads), 1),
                                "target": TARGET_LOAD_MS},
    }, indent=2))


if __name__ == "__main__":
    main()
