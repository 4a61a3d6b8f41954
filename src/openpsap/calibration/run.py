"""One calibration run: split the usable responses by day (the first days train, the rest are held out), fit the
model on the training days, and measure it on the held-out days beside the uncalibrated model and a straight-line
fit; also what the last known position of roaming units is worth, and how noisy the record itself is.
PURE (numpy/scipy only): the CLI reads the files and the roster.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import spearmanr

from openpsap.calibration.features import Features, RouteFeatures
from openpsap.calibration.fit import fit
from openpsap.calibration.samples import ROAMING, Sample, collect
from openpsap.errors import InvalidInput
from openpsap.routing.eta_model import EtaModel
from openpsap.routing.graph import RoadGraph, with_intersection_delay
from openpsap.routing.speeds import RoadSpeeds
from openpsap.routing.turns import Restriction
from openpsap.simulation.loaders import HistoricalCall

TARGET_TYPES = ("ENGINE", "TRUCK")


@dataclass(frozen=True)
class Network:
    """The road network to calibrate on: its segment rows and turn restrictions (routing/graph.py)."""

    rows: list[dict[str, str]]
    restrictions: list[Restriction]

    def graph(self, model: EtaModel | None) -> RoadGraph:
        speeds = RoadSpeeds.from_mapping(dict(model.speeds_kmh) if model else {})
        graph = RoadGraph.from_rows(self.rows, speeds, self.restrictions or None)
        return with_intersection_delay(graph, model.intersection_s) if model else graph


def errors(real: np.ndarray, model: np.ndarray) -> dict:
    """n, median absolute error, Spearman rank correlation, medians and the median signed error (model - real)."""
    n = len(real)
    if n == 0:
        return {"n": 0}
    ranked = n >= 3 and np.ptp(real) > 0 and np.ptp(model) > 0
    return {"n": n, "median_abs_error_s": round(float(np.median(np.abs(model - real))), 1),
            "spearman": round(float(spearmanr(real, model).statistic), 3) if ranked else None,
            "median_real_s": round(float(np.median(real)), 1), "median_model_s": round(float(np.median(model)), 1),
            "median_signed_error_s": round(float(np.median(model - real)), 1)}


def by_type(samples: list[Sample], mask: np.ndarray, predicted: np.ndarray) -> dict[str, dict]:
    real = np.array([s.real_s for s in samples])
    types = np.array([s.unit_type for s in samples])
    out = {t: errors(real[mask & (types == t)], predicted[mask & (types == t)]) for t in sorted(set(types[mask]))}
    out["ALL"] = errors(real[mask], predicted[mask])
    return out


def split_days(samples: list[Sample], train_days: int) -> tuple[list[str], list[str]]:
    days = sorted({s.day.isoformat() for s in samples})
    if len(days) < 2:
        raise InvalidInput(f"the usable responses span {len(days)} day(s); calibration needs at least two "
                           "(training days and held-out days)", field="history")
    if not 1 <= train_days < len(days):
        raise InvalidInput(f"--train-days {train_days}: the usable responses span {len(days)} days "
                           f"({days[0]} to {days[-1]}); train on 1 to {len(days) - 1} of them", field="train_days")
    return days[:train_days], days[train_days:]


def calibrate(calls: list[HistoricalCall], postings: dict[str, tuple[float, float]], network: Network,
              timezone: ZoneInfo, train_days: int = 4) -> tuple[EtaModel, dict]:
    """The fitted model and the report (the --json of `openpsap eta calibrate`)."""
    started = time.perf_counter()
    base = network.graph(None)
    collected = collect(calls, postings, base, timezone)
    samples = [s for s in collected.used() if np.isfinite(s.real_s)]
    if len(samples) < 30:
        raise InvalidInput(f"only {len(samples)} usable responses (en route to on scene, 10-1,800 s, in quarters, "
                           f"of units in the roster); skipped: {dict(collected.skipped) or 'none'}", field="history")
    train_names, test_names = split_days(samples, train_days)
    day = np.array([s.day.isoformat() for s in samples])
    train, test = np.isin(day, train_names), np.isin(day, test_names)
    real = np.array([s.real_s for s in samples])
    pairs = [(s.start, s.goal) for s in samples]
    raw = RouteFeatures(base).of(pairs)
    routable = raw.reachable
    train &= routable
    test &= routable
    train_idx = np.flatnonzero(train)

    def route(model: EtaModel | None) -> Features:
        graph = base if model is None else network.graph(model)
        return RouteFeatures(graph).of([pairs[i] for i in train_idx])

    model, how = fit(route, [samples[i].unit_type for i in train_idx], real[train], list(day[train]),
                     base.road_class_names)
    fit_s = time.perf_counter() - started
    calibrated_graph = network.graph(model)
    startup = np.array([model.startup(s.unit_type) for s in samples])
    predicted = RouteFeatures(calibrated_graph).of(pairs).seconds + startup
    straight, lines = straight_line(samples, train, test)
    report = {
        "held_out": by_type(samples, test, predicted),
        "straight_line": straight,
        "train": by_type(samples, train, predicted),
        "uncalibrated": {"held_out": by_type(samples, test, raw.seconds), "train": by_type(samples, train, raw.seconds)},
        "days": {"train": train_names, "held_out": test_names},
        "responses": {"used": int(train.sum() + test.sum()), "train": int(train.sum()), "held_out": int(test.sum()),
                      "no_route": int((~routable).sum()), "skipped": dict(collected.skipped)},
        "fit": {**how, "seconds": round(fit_s, 1), "straight_line_fits": lines},
        "roaming": roaming(collected.items, calibrated_graph, model, test_names),
        "record_noise": record_noise(samples, test, predicted),
    }
    report["targets"] = targets(report)
    return EtaModel(model.speeds_kmh, model.intersection_s, model.startup_s, model.other_startup_s,
                    {"report": {k: report[k] for k in ("held_out", "straight_line", "uncalibrated", "days")}}), report


def straight_line(samples: list[Sample], train: np.ndarray, test: np.ndarray) -> tuple[dict, dict]:
    """Per unit type, seconds = a + b x straight-line metres fitted on the training days (robust, a and b >= 0)."""
    metres = np.array([s.straight_m for s in samples])
    real = np.array([s.real_s for s in samples])
    types = np.array([s.unit_type for s in samples])
    predicted = np.full(len(samples), np.nan)
    lines = {}
    for t in sorted(set(types)):
        fit_rows = train & (types == t)
        if fit_rows.sum() < 5:
            fit_rows = train
        a, b = least_squares(lambda p, r=fit_rows: p[0] + p[1] * metres[r] - real[r], [100.0, 0.1],
                             bounds=([0, 0], [900, 1]), loss="soft_l1", f_scale=30.0).x
        lines[t] = {"a_s": round(float(a), 1), "s_per_km": round(float(b) * 1000, 1)}
        predicted[types == t] = a + b * metres[types == t]
    return by_type(samples, test, predicted), lines


def roaming(items: list[Sample], graph: RoadGraph, model: EtaModel, test_days: list[str]) -> dict:
    """Held-out responses of roaming units (medics, private ambulances) whose previous call they cleared less than
    an hour before: the calibrated ETA from their posting, and from that call's location (last known position)."""
    chosen = [s for s in items if s.unit_type in ROAMING and s.last_goal is not None and s.day.isoformat() in test_days]
    if not chosen:
        return {"n": 0}
    features = RouteFeatures(graph)
    startup = np.array([model.startup(s.unit_type) for s in chosen])
    real = np.array([s.real_s for s in chosen])
    posting = features.of([(s.start, s.goal) for s in chosen]).seconds + startup
    last = features.of([(int(s.last_goal), s.goal) for s in chosen if s.last_goal is not None]).seconds + startup
    ok = np.isfinite(posting) & np.isfinite(last)
    quarters = np.array([s.in_quarters for s in chosen])
    out = {}
    for name, rows in (("all", ok), ("cleared_under_10_min_before", ok & ~quarters),
                       ("cleared_10_to_60_min_before", ok & quarters)):
        out[name] = {"from_posting": errors(real[rows], posting[rows]),
                     "from_last_known_position": errors(real[rows], last[rows])}
    return out


def record_noise(samples: list[Sample], test: np.ndarray, predicted: np.ndarray) -> dict:
    """Engines and trucks that drove the same trip (same posting, same call node) more than once in the whole file:
    how far apart their recorded times are, and how well *another recording of the same trip* predicts each one
    (an upper bound on what any model of the road can do with these records), beside the model on the same set."""
    trips: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, s in enumerate(samples):
        if s.unit_type in TARGET_TYPES and np.isfinite(predicted[k]):
            trips[(s.start, s.goal)].append(k)
    repeated = [k for ks in trips.values() if len(ks) >= 2 for k in ks]
    if len(repeated) < 10:
        return {"n": len(repeated)}
    real = np.array([s.real_s for s in samples])
    others = np.array([np.mean([real[j] for j in trips[(samples[k].start, samples[k].goal)] if j != k]) for k in repeated])
    gaps = [abs(real[a] - real[b]) for ks in trips.values() if len(ks) >= 2 for a, b in zip(ks, ks[1:], strict=False)]
    return {"n": len(repeated), "trips": sum(len(ks) >= 2 for ks in trips.values()),
            "median_gap_between_recordings_s": round(float(np.median(gaps)), 1),
            "another_recording_of_the_same_trip": errors(real[repeated], others),
            "model_on_the_same_responses": errors(real[repeated], predicted[repeated])}


def targets(report: dict) -> dict:
    """The targets of the calibration: engines and trucks within 45 s (median) with Spearman >= 0.7, and every unit
    type better than the uncalibrated model."""
    out = {}
    for t in TARGET_TYPES:
        row = report["held_out"].get(t)
        if row and row["n"]:
            out[t] = {"median_abs_error_s<=45": row["median_abs_error_s"] <= 45,
                      "spearman>=0.7": (row["spearman"] or 0) >= 0.7}
    before = report["uncalibrated"]["held_out"]
    out["every_type_better"] = {t: row["median_abs_error_s"] < before[t]["median_abs_error_s"]
                                for t, row in report["held_out"].items() if row["n"] and t != "ALL"}
    return out
