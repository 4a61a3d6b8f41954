"""A calibrated travel-time model (`openpsap eta calibrate` writes one; OPENPSAP_ETA_MODEL names it): response
speeds per road class, a delay at each intersection a route drives through, and a start-up time per unit type.

ETA = start-up(unit type) + sum over the route's segments of (length / class speed + the intersection delay when
the segment ends at an intersection, a node where three or more roads meet). The speeds and the delay are in the
graph's segment seconds (default_graph builds them in), so dispatch, the unit screen and the replay search on them
as before; the start-up time is added by the recommender per unit. One model per process (use_eta_model), like the
network (graph.use_network). PURE (numpy/scipy only).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

FORMAT = "openpsap-eta-model"
MAX_INTERSECTION_S = 60.0
MAX_STARTUP_S = 900.0


class EtaModelError(ValueError):
    """A model file that cannot be used; the message says which field and why."""


@dataclass(frozen=True)
class EtaModel:
    speeds_kmh: dict[str, float] = field(default_factory=dict)  # road class -> km/h (missing: routing/speeds.py)
    intersection_s: float = 0.0
    startup_s: dict[str, float] = field(default_factory=dict)  # unit type -> seconds
    other_startup_s: float = 0.0  # a unit type not in startup_s
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # fit report, kept with the file

    def startup(self, unit_type: str) -> float:
        return self.startup_s.get(unit_type.upper(), self.other_startup_s)

    @property
    def key(self) -> tuple:
        """Part of every cache key of a graph or recommender built with this model."""
        return (round(self.intersection_s, 3), *sorted(self.speeds_kmh.items()))

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": 1, "speeds_kmh": {k: round(v, 1) for k, v in sorted(self.speeds_kmh.items())},
                "intersection_delay_s": round(self.intersection_s, 2),
                "startup_s": {k: round(v, 1) for k, v in sorted(self.startup_s.items())},
                "other_startup_s": round(self.other_startup_s, 1), **self.extra}

    @classmethod
    def from_json(cls, document: Any, origin: str = "model") -> EtaModel:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise EtaModelError(f"{origin}: not an openpsap ETA model (written by `openpsap eta calibrate`; "
                                f"\"format\": \"{FORMAT}\" expected)")
        speeds = document.get("speeds_kmh") or {}
        if not isinstance(speeds, dict):
            raise EtaModelError(f"{origin}: speeds_kmh must map road classes to km/h")
        for name, value in speeds.items():
            if not _number(value) or not 1.0 <= float(value) <= 200.0:
                raise EtaModelError(f"{origin}: speeds_kmh.{name} is {value!r}; use 1-200 km/h")
        delay = document.get("intersection_delay_s", 0.0)
        if not _number(delay) or not 0 <= float(delay) <= MAX_INTERSECTION_S:
            raise EtaModelError(f"{origin}: intersection_delay_s is {delay!r}; use 0-{MAX_INTERSECTION_S:.0f} s")
        startup = document.get("startup_s") or {}
        if not isinstance(startup, dict):
            raise EtaModelError(f"{origin}: startup_s must map unit types to seconds")
        for name, value in {**startup, "(other_startup_s)": document.get("other_startup_s", 0.0)}.items():
            if not _number(value) or not 0 <= float(value) <= MAX_STARTUP_S:
                raise EtaModelError(f"{origin}: startup_s.{name} is {value!r}; use 0-{MAX_STARTUP_S:.0f} s")
        known = {"format", "version", "speeds_kmh", "intersection_delay_s", "startup_s", "other_startup_s"}
        return cls({str(k): float(v) for k, v in speeds.items()}, float(delay),
                   {str(k).upper(): float(v) for k, v in startup.items()}, float(document.get("other_startup_s", 0.0)),
                   {k: v for k, v in document.items() if k not in known})


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def load_eta_model(path: Path | str) -> EtaModel:
    """Read a model file; EtaModelError with the reason when it cannot be used."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise EtaModelError(f"cannot read ETA model {path}: {exc.strerror}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EtaModelError(f"{path} is not JSON: {exc}") from None
    return EtaModel.from_json(document, origin=str(path))


def intersection_nodes(origin: np.ndarray, metres: sparse.csr_matrix, snappable: int) -> np.ndarray:
    """A boolean per node: does it stand at an intersection (three or more distinct roads meet)? A copy of a
    turn-restricted via node (routing/turns.py) stands where its original stands."""
    coo = metres.tocoo()
    real = coo.data > 0  # edges into a via node's arrival node have no length
    a, b = origin[coo.row[real]], origin[coo.col[real]]
    pairs = np.unique(np.column_stack([np.minimum(a, b), np.maximum(a, b)]), axis=0)
    degree = np.bincount(pairs.ravel(), minlength=snappable)
    return degree[origin] >= 3


def with_intersection_delay(seconds: sparse.csr_matrix, metres: sparse.csr_matrix, origin: np.ndarray,
                            snappable: int, delay_s: float) -> sparse.csr_matrix:
    """Segment seconds plus `delay_s` on every segment that ends at an intersection."""
    if delay_s <= 0:
        return seconds
    at = intersection_nodes(origin, metres, snappable)
    out = seconds.tocoo(copy=True)
    lengths = metres.tocsr()[out.row, out.col].A1
    out.data = out.data + np.where(at[out.col] & (lengths > 0), delay_s, 0.0)
    return out.tocsr()


_active: EtaModel | None = None


def use_eta_model(model: EtaModel | None) -> None:
    """Route and time this process with `model` from now on (None: the assumed speeds, no delays)."""
    global _active
    _active = model


def active_eta_model() -> EtaModel | None:
    return _active
