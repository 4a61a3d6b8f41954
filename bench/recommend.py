"""Latency of one unit recommendation over the whole San Francisco road graph with the full roster.

Builds the shipped SF graph (timed), posts every unit of the demo roster (234 units) at its posting,
then recommends for random incident locations (graph nodes, fixed seed) with the cardiac-arrest and
structure-fire plans and reports p50/p99/max. The baseline is what a Python user would write first:
networkx, one shortest-path search per candidate unit (`nx.shortest_path_length`), timed on a few
incidents in the same run; the ratio compares medians. JSON on stdout.

    .venv/bin/pip install -e '.[bench]'     # networkx
    .venv/bin/python bench/recommend.py --incidents 300 --baseline-incidents 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time

import numpy as np

from openpsap.dispatching.plans import default_plans
from openpsap.dispatching.recommend import Recommender, UnitView
from openpsap.routing.graph import RoadGraph
from openpsap.stations.seed import sf_units


def percentiles(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {"count": len(ms), "p50_ms": round(statistics.median(ms), 3),
            "p99_ms": round(float(np.percentile(ms, 99)), 3), "max_ms": round(ms[-1], 3)}


def networkx_baseline(graph: RoadGraph, units: list[UnitView], plan, points: list[tuple[float, float]]) -> list[float]:  # noqa: ANN001
    import networkx as nx

    g = nx.DiGraph()
    coo = graph.seconds.tocoo()
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    fitting = [u for u in units if any(s.fits(u.unit_type, u.capabilities) for s in plan.slots)]
    times = []
    for lat, lon in points:
        start = time.perf_counter()
        target = graph.snap(lat, lon).node
        etas = {}
        for u in fitting:
            try:
                etas[u.id] = nx.shortest_path_length(g, graph.snap(u.lat, u.lon).node, target, weight="weight")
            except (nx.NetworkXNoPath, Exception):  # noqa: BLE001 - a unit off the map
                continue
        for slot in plan.slots:  # the same greedy choice a first version would make
            sorted(etas, key=etas.get)[: slot.count]
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=300)
    parser.add_argument("--baseline-incidents", type=int, default=3)
    parser.add_argument("--seed", type=int, default=911)
    args = parser.parse_args()

    start = time.perf_counter()
    graph = RoadGraph.load()
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    recommender = Recommender(graph)
    init_s = time.perf_counter() - start
    units = [UnitView.at_posting(u) for u in sf_units()]
    rng = random.Random(args.seed)
    nodes = [rng.randrange(graph.node_count) for _ in range(args.incidents)]
    points = [(float(graph.lat[n]), float(graph.lon[n])) for n in nodes]
    plans = default_plans()
    result = {
        "benchmark": "one recommendation over the SF road graph, full roster",
        "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "graph": {"nodes": graph.node_count, "directed_edges": graph.edge_count, "load_and_build_s": round(build_s, 3),
                  "recommender_init_s": round(init_s, 3)},
        "units": len(units),
        "plans": {},
    }
    recommender.recommend(lat=points[0][0], lon=points[0][1], plan=plans.for_type("CARDIAC"), units=units)  # warm snaps
    for code in ("CARDIAC", "FSTRU"):
        plan = plans.for_type(code)
        times = []
        for lat, lon in points:
            t = time.perf_counter()
            recommender.recommend(lat=lat, lon=lon, plan=plan, units=units)
            times.append((time.perf_counter() - t) * 1000)
        entry = {"plan": plan.name, "openpsap": percentiles(times)}
        if args.baseline_incidents:
            try:
                base = networkx_baseline(graph, units, plan, points[: args.baseline_incidents])
                entry["networkx_per_unit_baseline"] = percentiles(base)
                entry["speedup_p50"] = round(statistics.median(base) / statistics.median(times), 1)
            except ImportError:
                entry["networkx_per_unit_baseline"] = "networkx not installed: pip install -e '.[bench]'"
        entry["target_p99_under_10ms"] = entry["openpsap"]["p99_ms"] < 10
        result["plans"][code] = entry
        print(f"[bench] {code} done", file=sys.stderr)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
