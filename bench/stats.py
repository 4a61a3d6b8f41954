"""Small helpers the benchmark scripts share."""

from __future__ import annotations


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`; NaN for none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")
