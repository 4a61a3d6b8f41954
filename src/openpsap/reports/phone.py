"""NENA-STA-020.1 answer-time compliance from hourly 911 answer-time buckets (the Alexandria phone
files: 911_10, 911_15, 911_20 ... answered within 10/15/20 s buckets, 911_AB abandoned, 911_T total).
Standard: 90% of 911 calls answered within 15 s, 95% within 20 s. Abandoned calls are not answered
calls and are left out of the denominator, as the source's own percentages do. PURE."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

NENA_15, NENA_20 = 0.90, 0.95


class PhoneFileError(ValueError):
    """A phone file that cannot be read."""


@dataclass
class HourBuckets:
    within_10: int = 0
    within_15: int = 0
    within_20: int = 0
    answered: int = 0
    abandoned: int = 0
    hours: int = 0

    def add(self, row: dict[str, str]) -> None:
        def n(column: str) -> int:
            return int(float(row.get(column) or 0))

        self.within_10 += n("911_10")
        self.within_15 += n("911_10") + n("911_15")
        self.within_20 += n("911_10") + n("911_15") + n("911_20")
        self.answered += n("911_T") - n("911_AB")
        self.abandoned += n("911_AB")
        self.hours += 1

    def shares(self) -> dict[str, float | int | None]:
        if not self.answered:
            return {"answered": 0, "within_15": None, "within_20": None, "abandoned": self.abandoned}
        return {"answered": self.answered, "within_15": round(self.within_15 / self.answered, 4),
                "within_20": round(self.within_20 / self.answered, 4), "abandoned": self.abandoned}


def _meets(share: float | None, target: float) -> bool:
    """An hour's share against a NENA target (None: no answered calls that hour, so never met)."""
    return share is not None and share >= target


def read(paths: list[Path]) -> dict[str, object]:
    """{"overall": shares, "by_hour": [shares x 24], "files": [...]}"""
    overall, hours = HourBuckets(), [HourBuckets() for _ in range(24)]
    for path in paths:
        try:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as raw:
                for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig")):
                    hour = int(row["Hour"])
                    overall.add(row)
                    hours[hour].add(row)
        except (OSError, KeyError, ValueError, EOFError) as exc:
            raise PhoneFileError(f"{path.name} is not a readable hourly 911 answer-time file ({exc})") from None
    by_hour = [h.shares() for h in hours]
    met = [h for h in by_hour if h["within_15"] is not None]
    return {
        "files": [p.name for p in paths],
        "overall": overall.shares(),
        "by_hour": by_hour,
        "hours_meeting_15s": sum(1 for h in met if _meets(h["within_15"], NENA_15)),
        "hours_meeting_20s": sum(1 for h in met if _meets(h["within_20"], NENA_20)),
        "hours_with_calls": len(met),
    }
