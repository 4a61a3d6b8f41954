"""Travel-time calibration on the shipped SF week: fit time and the held-out table (calibrated, uncalibrated,
straight line) by unit type, as `openpsap eta calibrate sf-week --json` computes them, plus the recommendation
latency with the calibrated model (the intersection delay is in the graph, so the search costs the same).

Trained on the first --train-days local days, measured on the rest (../shared/data/sf/METHOD.md: units in
quarters, en route to on scene, 10-1,800 s). JSON on stdout.

    .venv/bin/python bench/eta_calibration.py [--train-days 4] [--incidents 100]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.stats import pct  # noqa: E402
from openpsap.calibration.run import Network, calibrate  # noqa: E402
from openpsap.dispatching.plans import default_plans  # noqa: E402
from openpsap.dispatching.recommend import Recommender, UnitView  # noqa: E402
from openpsap.routing.graph import read_segments  # noqa: E402
from openpsap.simulation.loaders import load, sf_week_path  # noqa: E402
from openpsap.simulation.mapping import builtin  # noqa: E402
from openpsap.stations.seed import sf_units  # noqa: E402

COLUMNS = ("n", "median_abs_error_s", "spearman", "median_real_s", "median_model_s")


def table(rows: dict[str, dict]) -> dict[str, dict]:
    return {t: {k: r.get(k) for k in COLUMNS} for t, r in rows.items() if r.get("n")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-days", type=int, default=4)
    parser.add_argument("--incidents", type=int, default=100, help="recommendations timed with the model")
    args = parser.parse_args()
    mapping = builtin("sffd")
    started = time.perf_counter()
    loaded = load(sf_week_path(), mapping)
    network = Network(read_segments(), [])
    roster = sf_units()
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    model, report = calibrate(loaded.calls, {u.id: (u.lat, u.lon) for u in roster}, network, mapping.timezone,
                              args.train_days)
    total_s = time.perf_counter() - started
    graph = network.graph(model)
    recommender = Recommender(graph, model=model)
    units = [UnitView.at_posting(u) for u in roster]
    plan = default_plans().for_type("FSTRU")
    rng = random.Random(1)
    points = [(float(graph.lat[n]), float(graph.lon[n])) for n in rng.sample(range(graph.snappable), args.incidents)]
    ms = []
    for lat, lon in points:
        t = time.perf_counter()
        recommender.recommend(lat=lat, lon=lon, plan=plan, units=units)
        ms.append((time.perf_counter() - t) * 1000)
    print(json.dumps({
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "read_s": round(read_s, 2), "fit_s": report["fit"]["seconds"], "calibrate_total_s": round(total_s, 1),
        "days": report["days"], "responses": report["responses"],
        "held_out": table(report["held_out"]), "uncalibrated_held_out": table(report["uncalibrated"]["held_out"]),
        "straight_line_held_out": table(report["straight_line"]), "train": table(report["train"]),
        "targets": report["targets"], "record_noise": report["record_noise"], "roaming": report["roaming"],
        "model": {k: v for k, v in model.to_json().items() if k != "report"},
        "fit": {k: report["fit"][k] for k in ("prior_chosen", "at_bound", "rounds_train_median_abs_error_s",
                                             "cross_validation_by_day", "straight_line_fits")},
        "recommend_structure_fire_with_model": {"count": len(ms), "p50_ms": round(pct(ms, 50), 2),
                                                "p99_ms": round(pct(ms, 99), 2)},
    }, indent=2))


if __name__ == "__main__":
    main()
