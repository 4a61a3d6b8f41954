"""Latency of exporting one incident as a NENA EIDO (target: p99 < 5 ms).

Replays the first HOURS of the shipped San Francisco week into a temporary SQLite database (10-minute batches) and,
after each batch, exports every incident known so far, as the route does: read from the state tables and the log,
build the EIDO, serialise it to JSON. Wall time and this thread's CPU time (the machine may be shared: CPU time is
what one export costs, wall time adds waiting for a core). Three timings: without ETAs; with ETAs by road where the road search towards
the incident is already remembered (every export after an incident's first with units on the way); and the first
export of each incident that has units on the way (one road search). JSON on stdout.

    .venv/bin/python bench/eido_export.py --hours 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import orjson

from bench.stats import pct
from openpsap.config import Settings
from openpsap.db import Database
from openpsap.dispatching.plans import default_plans
from openpsap.dispatching.recommend import remembering_recommender
from openpsap.incidents import service as incident_service
from openpsap.incidents.priority import PriorityScale
from openpsap.interop import roads
from openpsap.interop.export import export_incident
from openpsap.interop.ids import Identity
from openpsap.models import Base
from openpsap.routing.graph import default_graph
from openpsap.simulation import mapping
from openpsap.simulation.loaders import load, sf_week_path
from openpsap.simulation.replay import Replay
from openpsap.simulation.roster import load_plan


def summary(ms: list[float]) -> dict[str, float]:
    return {"count": len(ms), "p50_ms": round(pct(ms, 50), 3), "p99_ms": round(pct(ms, 99), 3),
            "max_ms": round(max(ms), 3) if ms else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=2.0, help="hours of the SF week to replay (default 2)")
    args = parser.parse_args()
    identity = Identity("psap.openpsap.invalid")
    eta = roads.by_road()
    loaded = load(sf_week_path(), mapping.load("sffd"))
    start = loaded.calls[0].received_at
    loaded.calls = [c for c in loaded.calls if c.received_at < start + timedelta(hours=args.hours)]
    plain: list[float] = []
    plain_cpu: list[float] = []
    warm: list[float] = []
    first: list[float] = []
    sizes: list[int] = []
    searched: set[str] = set()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        Base.metadata.create_all(database.engine)

        def export_all(done: int, total: int) -> None:
            with database.read() as db:
                for incident in incident_service.list_incidents(db, limit=100_000):
                    t0, c0 = time.perf_counter(), time.thread_time()
                    body = orjson.dumps(export_incident(db, incident_id=incident.id, identity=identity))
                    plain.append((time.perf_counter() - t0) * 1000)
                    plain_cpu.append((time.thread_time() - c0) * 1000)
                    sizes.append(len(body))
                    t0 = time.perf_counter()
                    orjson.dumps(export_incident(db, incident_id=incident.id, identity=identity, eta=eta))
                    took = (time.perf_counter() - t0) * 1000
                    on_the_way = incident.status in ("ResourcesAssigned", "ResourcesEnroute")
                    if on_the_way and incident.id not in searched:
                        searched.add(incident.id)
                        first.append(took)
                    else:
                        warm.append(took)

        t0 = time.perf_counter()
        Replay(database, loaded, recommender=remembering_recommender(default_graph(), entries=64), plans=default_plans(),
               scale=PriorityScale(Settings().priority_scale), roster=load_plan(None)[0], seed=1,
               batch=timedelta(minutes=10), progress=export_all).run()
        seconds = time.perf_counter() - t0
        database.dispose()
    print(json.dumps({
        "benchmark": "eido_export",
        "hours_replayed": args.hours, "incidents": len(loaded.calls), "wall_s": round(seconds, 1),
        "export_without_eta": summary(plain),
        "export_without_eta_cpu": summary(plain_cpu),
        "export_with_eta_search_remembered": summary(warm),
        "export_first_with_units_on_the_way": summary(first),
        "eido_bytes": {"p50": int(pct([float(s) for s in sizes], 50)), "max": max(sizes) if sizes else 0},
        "target_p99_ms": 5.0,
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average_1min": round(os.getloadavg()[0], 2)},
    }, indent=2))


if __name__ == "__main__":
    main()
