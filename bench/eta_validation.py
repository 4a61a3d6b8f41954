"""How good are openpsap's road ETAs? Compared with the real SFFD travel times of one week.

For every unit response in the SF week (../shared/data/sf/sffd_calls_*.csv.gz, DataSF, PDDL) with
en-route (Response) and On Scene times, 10-1800 s apart, by a unit "in quarters" (its previous
assignment ended at least 10 minutes before this dispatch, or its first of the week), the model ETA
is the road travel time from the unit's posting (engines and trucks: their station; medics and
private ambulances: their cluster point; see ../shared/data/sf/METHOD.md) to the call location.

Reports median absolute error, median relative error and Spearman correlation, overall and by unit
type; fits t_real = a + b * eta (least absolute deviations) on the first four days and reports the last three days with and
without the fit. Then, for each call's first-dispatched engine or medic, which unit of that type
the model would have picked among those not busy at that moment (per the data's dispatch/available
times), how often that differs from the unit really sent, and by how many model seconds.

Caveat: the station locations were estimated from the same week's fast responses (METHOD.md), so
the engine figures are somewhat optimistic. JSON on stdout.

    .venv/bin/python bench/eta_validation.py [--calls PATH]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import statistics
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.sparse.csgraph import dijkstra
from scipy.stats import spearmanr

from openpsap.errors import InvalidInput
from openpsap.routing.graph import RoadGraph, edge_values
from openpsap.routing.paths import edges_towards
from openpsap.stations.seed import sf_units

DEFAULT_CALLS = Path(__file__).resolve().parents[2] / "shared" / "data" / "sf" / "sffd_calls_2016-12-31_to_2017-01-07.csv.gz"
FMT = "%m/%d/%Y %I:%M:%S %p"
SPLIT = datetime(2017, 1, 4)  # fit on Dec 31 - Jan 3, report on Jan 4 - Jan 7


def _t(value: str) -> datetime | None:
    return datetime.strptime(value, FMT) if value else None


def load_rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = []
        for r in csv.DictReader(f):
            loc = r["Location"].strip("()").split(",")
            if len(loc) != 2:
                continue
            rows.append({
                "call": r["Call Number"], "unit": r["Unit ID"], "type": r["Unit Type"],
                "dispatch": _t(r["Dispatch DtTm"]), "enroute": _t(r["Response DtTm"]), "onscene": _t(r["On Scene DtTm"]),
                "available": _t(r["Available DtTm"]), "seq": int(r["Unit sequence in call dispatch"] or 0),
                "lat": float(loc[0]), "lon": float(loc[1]),
            })
    return rows


def errors(real: list[float], model: list[float]) -> dict:
    r, m = np.array(real), np.array(model)
    return {
        "n": len(r),
        "median_real_s": round(float(np.median(r)), 1),
        "median_model_s": round(float(np.median(m)), 1),
        "median_abs_error_s": round(float(np.median(np.abs(m - r))), 1),
        "median_rel_error": round(float(np.median(np.abs(m - r) / r)), 3),
        "median_signed_error_s": round(float(np.median(m - r)), 1),
        "spearman": round(float(spearmanr(r, m).statistic), 3) if len(r) > 2 else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, default=DEFAULT_CALLS)
    args = parser.parse_args()
    if not args.calls.exists():
        sys.exit(f"{args.calls} not found: this benchmark reads the SF week from ../shared/data/sf (pass --calls PATH)")
    graph = RoadGraph.load()
    postings = {u.id: u for u in sf_units()}
    rows = [r for r in load_rows(args.calls) if r["unit"] in postings and r["dispatch"]]

    node_of: dict[tuple[float, float], int | None] = {}

    def node(lat: float, lon: float) -> int | None:
        if (lat, lon) not in node_of:
            try:
                node_of[(lat, lon)] = graph.snap(lat, lon).node
            except InvalidInput:
                node_of[(lat, lon)] = None
        return node_of[(lat, lon)]

    # which responses started in quarters
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_unit[r["unit"]].append(r)
    for unit_rows in by_unit.values():
        unit_rows.sort(key=lambda r: r["dispatch"])
        last_free = None
        for r in unit_rows:
            r["in_quarters"] = last_free is None or (r["dispatch"] - last_free).total_seconds() >= 600
            last_free = r["available"] or last_free

    samples = []
    from_posting: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    class_of = {edge: int(value) - 1 for edge, value in edge_values(graph.road_class).items()}
    metres_of = edge_values(graph.metres)
    for r in rows:
        if not (r["in_quarters"] and r["enroute"] and r["onscene"]):
            continue
        real = (r["onscene"] - r["enroute"]).total_seconds()
        if not 10 <= real <= 1800:
            continue
        u = postings[r["unit"]]
        start, goal = node(u.lat, u.lon), node(r["lat"], r["lon"])
        if start is None or goal is None:
            continue
        if start not in from_posting:
            from_posting[start] = dijkstra(graph.seconds, directed=True, indices=start, return_predecessors=True)
        seconds, pred = from_posting[start]
        eta = float(seconds[goal])
        if np.isfinite(eta):
            samples.append({"type": r["type"], "real": real, "eta": eta, "late": r["dispatch"] >= SPLIT,
                            "by_class": metres_by_class(graph, pred, start, goal, class_of, metres_of)})

    result: dict = {"calls_file": args.calls.name, "responses_used": len(samples), "overall": errors(
        [s["real"] for s in samples], [s["eta"] for s in samples])}
    result["by_unit_type"] = {
        t: errors([s["real"] for s in samples if s["type"] == t], [s["eta"] for s in samples if s["type"] == t])
        for t in sorted({s["type"] for s in samples})
        if sum(s["type"] == t for s in samples) >= 20
    }
    early = [s for s in samples if not s["late"]]
    late = [s for s in samples if s["late"]]
    x, y = np.array([s["eta"] for s in early]), np.array([s["real"] for s in early])
    b0, a0 = np.polyfit(x, y, 1)
    fit = minimize(lambda p: float(np.abs(y - (p[0] + p[1] * x)).sum()), [a0, b0], method="Nelder-Mead")
    a, b = fit.x
    result["fit_first_four_days"] = {"a_s": round(float(a), 1), "b": round(float(b), 3),
                                     "meaning": "real travel ~ a + b * model ETA (least absolute deviations)"}
    result["last_three_days"] = {
        "model": errors([s["real"] for s in late], [s["eta"] for s in late]),
        "model_fitted": errors([s["real"] for s in late], [a + b * s["eta"] for s in late]),
    }
    result["speeds_fitted_on_first_four_days"] = fit_speeds(graph, early, late)
    result["choice_vs_reality"] = choices(rows, postings, graph, node)
    print(json.dumps(result, indent=2))


def metres_by_class(graph: RoadGraph, pred: np.ndarray, start: int, goal: int, class_of: dict, metres_of: dict) -> np.ndarray:
    """Metres driven on each road class along the fastest path from start to goal."""
    out = np.zeros(len(graph.road_class_names))
    for edge in edges_towards(pred, goal, start, reversed_tree=False):
        out[class_of[edge]] += metres_of[edge]
    return out


def fit_speeds(graph: RoadGraph, early: list[dict], late: list[dict]) -> dict:
    """real ~ a + sum over classes of metres_c / speed_c, by non-negative least squares on the first
    four days (classes with under 20 km of driving in the sample keep their assumed speed), then the
    error on the last three days along the same paths."""
    from scipy.optimize import nnls

    from openpsap.routing.speeds import RoadSpeeds

    names = graph.road_class_names
    speeds = RoadSpeeds()
    total = np.sum([s["by_class"] for s in early], axis=0)
    free = [i for i, m in enumerate(total) if m >= 20_000]
    fixed = [i for i in range(len(names)) if i not in free]
    fixed_s = np.array([1 / speeds.metres_per_second(names[i]) for i in fixed])

    def design(samples: list[dict]) -> tuple[np.ndarray, np.ndarray]:
        x = np.array([[1.0] + [s["by_class"][i] for i in free] for s in samples])
        offset = np.array([float(np.dot(s["by_class"][fixed], fixed_s)) if fixed else 0.0 for s in samples])
        return x, offset

    x, offset = design(early)
    coef, _ = nnls(x, np.array([s["real"] for s in early]) - offset)
    xl, offset_l = design(late)
    predicted = xl @ coef + offset_l
    fitted = {names[i]: (round(1 / coef[k + 1] * 3.6, 1) if coef[k + 1] > 0 else None) for k, i in enumerate(free)}
    return {
        "start_delay_s": round(float(coef[0]), 1),
        "speeds_kmh": fitted,
        "sample_km_by_class": {names[i]: round(total[i] / 1000, 1) for i in free},
        "last_three_days": errors([s["real"] for s in late], predicted.tolist()),
        "note": "errors along the paths chosen with the assumed speeds; re-routing with the fitted speeds may differ",
    }


def choices(rows: list[dict], postings: dict, graph: RoadGraph, node) -> dict:  # noqa: ANN001
    """First-dispatched engines and medics: would the model have picked another free unit?"""
    busy: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for r in rows:
        if r["available"]:
            busy[r["unit"]].append((r["dispatch"], r["available"]))
    out = {}
    for unit_type in ("ENGINE", "MEDIC"):
        same, gaps, n = 0, [], 0
        fleet = [u for u in postings.values() if u.unit_type == unit_type]
        for r in rows:
            if r["seq"] != 1 or r["type"] != unit_type or not r["in_quarters"]:
                continue
            goal = node(r["lat"], r["lon"])
            if goal is None:
                continue
            free = [u for u in fleet if u.id == r["unit"] or not any(s <= r["dispatch"] < e for s, e in busy[u.id])]
            seconds = dijkstra(graph.seconds_reversed, directed=True, indices=goal)
            etas = {u.id: float(seconds[node(u.lat, u.lon)]) for u in free if node(u.lat, u.lon) is not None}
            if r["unit"] not in etas:
                continue
            best = min(etas, key=etas.get)
            n += 1
            if best == r["unit"]:
                same += 1
            else:
                gaps.append(etas[r["unit"]] - etas[best])
        out[unit_type] = {
            "first_dispatches": n,
            "same_unit_share": round(same / n, 3) if n else None,
            "median_model_eta_saved_s_when_different": round(statistics.median(gaps), 1) if gaps else None,
        }
    return out


if __name__ == "__main__":
    main()
