"""Fit an ETA model (routing/eta_model.py) to recorded responses: speeds per road class, a delay per intersection
and a start-up time per unit type, each within physically plausible bounds.

The model is linear in its parameters along a given route (seconds = start-up + sum of metres x pace per class +
intersections x delay), so each round fits them by bounded robust least squares (scipy.optimize.least_squares,
soft-L1 loss: a few very late or very early records do not drag it), then routes again with the new speeds; three
rounds. A pull towards the assumed speeds (routing/speeds.py) is chosen by cross-validation by day: leave one
training day out, fit on the others, measure the left-out day. PURE (numpy/scipy only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from openpsap.calibration.features import Features
from openpsap.routing.eta_model import EtaModel
from openpsap.routing.speeds import DEFAULT_KMH, FALLBACK_KMH

# plausible average emergency-driving speeds in a city, km/h (lights and siren, traffic, hills)
SPEED_BOUNDS_KMH: dict[str, tuple[float, float]] = {
    "motorway": (40, 100), "motorway_link": (20, 70), "trunk": (25, 80), "trunk_link": (15, 60),
    "primary": (15, 65), "primary_link": (15, 50), "secondary": (15, 60), "secondary_link": (10, 50),
    "tertiary": (10, 55), "tertiary_link": (10, 45), "unclassified": (10, 50), "residential": (10, 50),
    "living_street": (5, 25), "service": (5, 30), "alley": (5, 25), "busway": (10, 50),
}
OTHER_BOUNDS_KMH = (5.0, 60.0)
INTERSECTION_BOUNDS_S = (0.0, 15.0)
STARTUP_BOUNDS_S = (0.0, 300.0)
MIN_CLASS_KM = 10.0  # a class driven less than this in the training responses keeps its assumed speed
MIN_TYPE_N = 20  # a unit type with fewer training responses shares the "other" start-up time
F_SCALE_S = 30.0  # soft-L1: residuals beyond about this weigh linearly
PRIOR_GRID = (0.0, 0.03, 0.1, 0.3)  # pull towards the assumed speeds, chosen by cross-validation


def bounds_kmh(road_class: str) -> tuple[float, float]:
    return SPEED_BOUNDS_KMH.get(road_class, OTHER_BOUNDS_KMH)


def assumed_kmh(road_class: str) -> float:
    low, high = bounds_kmh(road_class)
    return float(np.clip(DEFAULT_KMH.get(road_class, FALLBACK_KMH), low, high))


@dataclass
class Design:
    """Which parameters are free: road classes (by index into the graph's class names) and unit types."""

    classes: list[str]  # the graph's road_class_names
    free: list[int]  # indices of fitted classes
    types: list[str]  # unit types with their own start-up time
    few_others: bool = False  # under MIN_TYPE_N responses of other types: they get the median of the types' start-ups

    @property
    def size(self) -> int:
        return len(self.free) + 1 + len(self.types) + 1

    def matrix(self, features: Features, unit_types: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(X, offset): seconds = X @ params + offset, where offset is the driving on the fixed classes."""
        fixed = [i for i in range(len(self.classes)) if i not in self.free]
        pace = np.array([3.6 / assumed_kmh(self.classes[i]) for i in fixed])
        offset = features.metres[:, fixed] @ pace if fixed else np.zeros(len(unit_types))
        onehot = np.array([[t == u for u in self.types] for t in unit_types], dtype=float).reshape(len(unit_types), -1)
        other = 1.0 - onehot.sum(axis=1)
        x = np.column_stack([features.metres[:, self.free], features.intersections, onehot, other])
        return x, offset

    def limits(self) -> tuple[np.ndarray, np.ndarray]:
        pace_low = [3.6 / bounds_kmh(self.classes[i])[1] for i in self.free]
        pace_high = [3.6 / bounds_kmh(self.classes[i])[0] for i in self.free]
        n_types = len(self.types) + 1
        low = np.r_[pace_low, INTERSECTION_BOUNDS_S[0], [STARTUP_BOUNDS_S[0]] * n_types]
        high = np.r_[pace_high, INTERSECTION_BOUNDS_S[1], [STARTUP_BOUNDS_S[1]] * n_types]
        return low, high

    def start(self) -> np.ndarray:
        return np.r_[[3.6 / assumed_kmh(self.classes[i]) for i in self.free], 2.0, [60.0] * (len(self.types) + 1)]

    def model(self, params: np.ndarray, extra: dict | None = None) -> EtaModel:
        speeds = {self.classes[i]: 3.6 / params[k] for k, i in enumerate(self.free)}
        speeds |= {c: assumed_kmh(c) for i, c in enumerate(self.classes) if i not in self.free}
        startup = {t: float(params[len(self.free) + 1 + k]) for k, t in enumerate(self.types)}
        other = float(np.median(list(startup.values()))) if self.few_others and startup else float(params[-1])
        return EtaModel(speeds, float(params[len(self.free)]), startup, other, extra or {})


def design_for(classes: list[str], features: Features, unit_types: list[str]) -> Design:
    km = features.metres.sum(axis=0) / 1000
    free = [i for i, c in enumerate(classes) if km[i] >= MIN_CLASS_KM]
    counts: dict[str, int] = {}
    for t in unit_types:
        counts[t] = counts.get(t, 0) + 1
    own = sorted(t for t, n in counts.items() if n >= MIN_TYPE_N)
    return Design(classes, free, own, sum(n for t, n in counts.items() if t not in own) < MIN_TYPE_N)


def solve(design: Design, features: Features, unit_types: list[str], real: np.ndarray, prior: float) -> np.ndarray:
    """The bounded robust least-squares parameters on these routes."""
    x, offset = design.matrix(features, unit_types)
    low, high = design.limits()
    pace0 = np.array([3.6 / assumed_kmh(design.classes[i]) for i in design.free])
    weight = prior * F_SCALE_S * np.sqrt(len(real))

    def residuals(p: np.ndarray) -> np.ndarray:
        return np.r_[x @ p + offset - real, weight * (p[:len(design.free)] / pace0 - 1.0)]

    return least_squares(residuals, np.clip(design.start(), low, high), bounds=(low, high), loss="soft_l1",
                         f_scale=F_SCALE_S).x


def predict(design: Design, params: np.ndarray, features: Features, unit_types: list[str]) -> np.ndarray:
    x, offset = design.matrix(features, unit_types)
    return x @ params + offset


def cross_validate(design: Design, features: Features, unit_types: list[str], real: np.ndarray,
                   days: list[str]) -> dict[str, dict]:
    """Leave one training day out for each pull towards the assumed speeds: median absolute error per left-out day."""
    out: dict[str, dict] = {}
    for prior in PRIOR_GRID:
        per_day = {}
        for day in sorted(set(days)):
            held = np.array([d == day for d in days])
            if held.all() or not held.any():
                continue
            params = solve(design, _rows(features, ~held), [t for t, h in zip(unit_types, held, strict=True) if not h],
                           real[~held], prior)
            guess = predict(design, params, _rows(features, held), [t for t, h in zip(unit_types, held, strict=True) if h])
            per_day[day] = round(float(np.median(np.abs(guess - real[held]))), 1)
        out[str(prior)] = {"median_abs_error_s_by_day": per_day,
                           "mean_of_days_s": round(float(np.mean(list(per_day.values()))), 1) if per_day else None}
    return out


def _rows(features: Features, mask: np.ndarray) -> Features:
    return Features(features.metres[mask], features.intersections[mask], features.seconds[mask])


def fit(route: Callable[[EtaModel | None], Features], unit_types: list[str], real: np.ndarray, days: list[str],
        classes: list[str], rounds: int = 3) -> tuple[EtaModel, dict]:
    """route(model) -> the training responses' features on the graph of `model` (None: the assumed speeds).
    Returns the model and what the fit did (rounds, cross-validation, parameters at their bounds)."""
    features = route(None)
    design = design_for(classes, features, unit_types)
    cv = cross_validate(design, features, unit_types, real, days)
    scored = {k: v["mean_of_days_s"] for k, v in cv.items() if v["mean_of_days_s"] is not None}
    prior = float(min(scored, key=lambda k: scored[k])) if scored else PRIOR_GRID[0]
    history = []
    model = None
    for _ in range(rounds):
        params = solve(design, features, unit_types, real, prior)
        model = design.model(params)
        history.append(round(float(np.median(np.abs(predict(design, params, features, unit_types) - real))), 1))
        features = route(model)
    assert model is not None
    low, high = design.limits()
    at_bound = [name for name, p, lo, hi in zip(_names(design), params, low, high, strict=True)
                if (np.isclose(p, lo) or np.isclose(p, hi)) and not (design.few_others and name == _names(design)[-1])]
    return model, {"rounds_train_median_abs_error_s": history, "prior_chosen": prior, "cross_validation_by_day": cv,
                   "fitted_classes": [design.classes[i] for i in design.free], "at_bound": at_bound,
                   "own_startup_types": design.types}


def _names(design: Design) -> list[str]:
    return ([f"speed {design.classes[i]}" for i in design.free] + ["intersection delay"]
            + [f"start-up {t}" for t in design.types] + ["start-up other types"])
