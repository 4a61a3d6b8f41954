"""Console speed in a real browser: how long from a unit status change posted to the API until another
console shows it (p50/p99 over N changes), and how long the console takes to load until usable
(logged in, state loaded, live stream connected). Prints JSON.

    .venv/bin/python bench/console_latency.py [--changes 100] [--loads 10]

Starts the real server (python -m openpsap serve) on a fresh San Francisco demo database (234 units)
and Debian's Chromium through playwright; the API client is httpx in this process. Same machine, so
the browser's clock (performance.timeOrigin + now()) and Python's time.time() agree.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from bench.stats import pct  # noqa: E402
from console_harness import demo_database, launch, log_in, server, token  # noqa: E402

UNITS = ["E01", "E02", "E03", "E05", "E06", "E07", "E08", "E09", "E10", "E11"]
WORDS = {"OutofService": "Out of service", "InService": "Available"}
TARGET_P99_MS = 250

WATCH = """([unit, word, key]) => {
  const el = document.querySelector(`#unit-board .unit[data-id='${unit}'] .unit-status`);
  const done = () => { window.__seen[key] = performance.timeOrigin + performance.now(); };
  window.__seen = window.__seen || {};
  const check = () => {
    const now = document.querySelector(`#unit-board .unit[data-id='${unit}'] .unit-status`);
    if (now && now.textContent === word) { done(); observer.disconnect(); }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.getElementById('unit-board'), { subtree: true, childList: true, characterData: true });
}"""



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, passwords = demo_database(Path(tmp))
        with server(url) as base, sync_playwright() as p:
            browser = launch(p)
            page = browser.new_context(bypass_csp=True, viewport={"width": 1440, "height": 900}).new_page()  # the probes are page scripts
            first_load = time.perf_counter()
            log_in(page, base, "dispatcher", passwords["dispatcher"])
            first_login_ms = (time.perf_counter() - first_load) * 1000

            loads = []
            for _ in range(args.loads):
                t0 = time.perf_counter()
                page.reload()
                page.wait_for_selector("body[data-ready=true]")
                page.wait_for_selector("#conn.conn-live")
                loads.append((time.perf_counter() - t0) * 1000)

            api = httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token(base, 'dispatcher', passwords['dispatcher'])}"})
            status = dict.fromkeys(UNITS, "InService")
            latencies, errors = [], 0
            for n in range(args.changes):
                unit = UNITS[n % len(UNITS)]
                target = "OutofService" if status[unit] == "InService" else "InService"
                key = f"k{n}"
                page.evaluate(WATCH, [unit, WORDS[target], key])
                sent = time.time() * 1000
                r = api.post(f"/units/{unit}/status", json={"status": target})
                if r.status_code != 200:
                    errors += 1
                    continue
                status[unit] = target
                page.wait_for_function(f"window.__seen && window.__seen['{key}']", timeout=10_000)
                latencies.append(page.evaluate(f"window.__seen['{key}']") - sent)
            api.close()
            browser.close()
    result = {
        "changes": len(latencies),
        "errors": errors,
        "status_change_to_other_console_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p99": round(pct(latencies, 99), 1),
            "max": round(max(latencies), 1),
            "mean": round(statistics.fmean(latencies), 1),
        },
        "target_p99_ms": TARGET_P99_MS,
        "target_met": pct(latencies, 99) < TARGET_P99_MS,
        "console_load_to_usable_ms": {
            "first_login": round(first_login_ms),
            "reload_p50": round(statistics.median(loads)),
            "reload_max": round(max(loads)),
            "reloads": len(loads),
        },
        "units_on_board": 234,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
