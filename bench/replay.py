"""Replay speed: the whole SF week (3,560 calls) through the service layer with simulated units, every
event persisted, on a fresh SQLite file and (with --postgres URL) on PostgreSQL. JSON on stdout.

The same code path as `openpsap replay sf-week --fast`: loader -> Replay (calls, incidents,
dispatch_recommended, unit status changes, positions, closes; one transaction per simulated hour).
Target (issue 6): under 60 s on SQLite on the 2-core development machine.

    .venv/bin/python bench/replay.py [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/openpsap_replay]

--postgres DROPS AND RECREATES every openpsap table in that database first: never point it at a live one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from openpsap.config import Settings
from openpsap.db import Database
from openpsap.dispatching.plans import default_plans
from openpsap.incidents.priority import PriorityScale
from openpsap.migrate import upgrade
from openpsap.models import Base
from openpsap.routing.graph import default_graph
from openpsap.simulation.loaders import load, sf_week_path
from openpsap.simulation.mapping import load as load_mapping
from openpsap.simulation.replay import Replay
from openpsap.simulation.roster import load_plan
from openpsap.dispatching.recommend import remembering_recommender

SF_WEEK = sf_week_path()
TARGET_S = 60.0


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one(url: str, batch_minutes: int, limit: int) -> dict:
    t = time.perf_counter()
    loaded = load(SF_WEEK, load_mapping("sffd"))
    if limit:
        loaded.calls = loaded.calls[:limit]
    load_s = time.perf_counter() - t
    upgrade(url)
    db = Database(url, sqlite_synchronous="NORMAL")
    recommender = remembering_recommender(default_graph())
    replay = Replay(db, loaded, recommender=recommender, plans=default_plans(),
                    scale=PriorityScale(Settings().priority_scale), roster=load_plan(None)[0], seed=1,
                    batch=timedelta(minutes=batch_minutes))
    c0 = cpu()
    result = replay.run()
    cpu_s = cpu() - c0
    with db.read() as session:
        stored = session.execute(text("SELECT count(*) FROM events")).scalar_one()
    db.dispose()
    out = result.to_json()
    out.pop("by_type")
    out.update({
        "database": url.split("://", 1)[0],
        "load_source_s": round(load_s, 2),
        "replay_s": result.seconds,
        "replay_cpu_s": round(cpu_s, 2),
        "events_stored": stored,
        "source_calls": len(loaded.calls),
        "source_unit_responses": loaded.unit_responses,
        "search_cache": {"hits": recommender.router.hits, "misses": recommender.router.misses},
        "batch_minutes": batch_minutes,
    })
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="", help="also run on this PostgreSQL URL (its tables are dropped first)")
    parser.add_argument("--batch-minutes", type=int, default=60, help="simulated minutes per transaction")
    parser.add_argument("--limit", type=int, default=0, help="only the first N calls (0: the whole week)")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    runs = []
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            runs.append(one(f"sqlite:///{folder}/replay.db", args.batch_minutes, args.limit))
    if args.postgres:
        db = Database(args.postgres)
        with db.engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.dispose()
        runs.append(one(args.postgres, args.batch_minutes, args.limit))
    sqlite = next((r for r in runs if r["database"] == "sqlite"), None)
    print(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_1m": os.getloadavg()[0]},
        "runs": runs,
        "target": {"sqlite_under_s": TARGET_S, "met": None if sqlite is None or args.limit else sqlite["replay_s"] < TARGET_S},
    }, indent=2))


if __name__ == "__main__":
    main()
